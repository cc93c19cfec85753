"""Perspective correction for photographed pages.

The table's outer border is the most reliable straight-edged shape on the page: its ruling
lines form one connected ink component whose outline is a quadrilateral. Where no such table
is found, the sheet of paper against a darker background is used instead. Each side of the
quadrilateral is fitted as a line through every outline pixel near it, so the corners are
sub-pixel even on a coarse copy. A shape that is already a rectangle (a flat scan, perhaps
rotated) is left to deskew, which is more precise for pure rotation. A shape that is not is
warped only if the warp also straightens the rules inside it (see `rules`): on a flat scan a
broken frame rule or a seal over a corner skews the outline, and warping by it would shear
the table.
"""

import cv2
import numpy as np

from ingest.preprocess.rules import grid_distortion

Quad = np.ndarray  # 4 x 2 float32, clockwise from top-left

# A quadrilateral this close to a rectangle is a flat page; deskew handles its rotation.
_RECTANGLE_TOLERANCE_DEG = 0.4
_MAX_CORNER_DEVIATION_DEG = 30.0
_MIN_AREA_SHARE = 0.15
# A table encloses at least this many cells, each at least this share of the page's long side.
_MIN_CELLS = 4
_MIN_CELL_SHARE = 0.01
_SIDE_BAND_PX = 3.0
_BORDER_MARGIN_SHARE = 0.01
# The corrected view may be at most this much wider or taller than the input.
_MAX_GROWTH = 1.5
# A warp must at least halve the rules' distortion: measuring it on a flat page gives a few
# hundredths of a degree, a camera's keystone a degree or more, a skewed outline's warp worse.
_MIN_STRAIGHTENING = 0.5


def find_table_quad(ink: np.ndarray) -> Quad | None:
    """The outline of the ruled table: the large ink component with the most enclosed cells.

    Counting cells tells the table from other large shapes, such as the dark rim a photo's
    background leaves around the sheet.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    min_box = _MIN_AREA_SHARE * ink.shape[0] * ink.shape[1]
    min_cell = (_MIN_CELL_SHARE * max(ink.shape)) ** 2
    best, best_cells = 0, _MIN_CELLS - 1
    for label in range(1, count):
        x, y, w, h = stats[label, :4]
        if w * h < min_box:
            continue
        window = (labels[y : y + h, x : x + w] == label).astype(np.uint8)
        contours, hierarchy = cv2.findContours(window, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
        holes = [c for c, link in zip(contours, hierarchy[0], strict=True) if link[3] >= 0]
        cells = sum(cv2.contourArea(c) >= min_cell for c in holes)
        if cells > best_cells:
            best, best_cells = label, cells
    if not best:
        return None
    return _quad_of((labels == best).astype(np.uint8), touching_border_ok=True)


def find_paper_quad(gray: np.ndarray) -> Quad | None:
    """The outline of the sheet, from the sharp edge against its background, or None.

    Edges rather than a brightness threshold: a shadow across the sheet is a soft gradient
    that a threshold would cut, while the sheet's border stays a sharp step.
    """
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 40, 120)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    sheet = np.zeros_like(edges)
    cv2.drawContours(sheet, [max(contours, key=cv2.contourArea)], -1, 1, cv2.FILLED)
    return _quad_of(sheet, touching_border_ok=False)


def needs_correction(quad: Quad) -> bool:
    """True when the quadrilateral is visibly not a (rotated) rectangle."""
    return max(abs(a - 90.0) for a in _corner_angles(quad)) > _RECTANGLE_TOLERANCE_DEG


def straightens(quad: Quad, rules: np.ndarray) -> bool:
    """True when warping `quad` upright brings the page's rules much closer to a rigid grid.

    `rules` (from `rule_segments`) must be in the quad's coordinates. No rules, no evidence: a
    page without measurable rules is left unwarped.
    """
    before = grid_distortion(rules)
    after = grid_distortion(rules, _homography(quad)[0])
    return before is not None and after is not None and after < _MIN_STRAIGHTENING * before


def warp_table(image: np.ndarray, quad: Quad) -> np.ndarray:
    """Map the table's quadrilateral onto an upright rectangle, keeping the rest of the view.

    Far from the table the homography stretches the background without limit, so the
    output is capped, around the table, at a little more than the input's size.
    """
    homography, width, height = _homography(quad)
    rows, cols = image.shape[:2]
    frame = np.float32([[0, 0], [cols, 0], [cols, rows], [0, rows]]).reshape(-1, 1, 2)
    seen = cv2.perspectiveTransform(frame, homography).reshape(-1, 2)
    x0, x1 = _capped(seen[:, 0].min(), seen[:, 0].max(), width / 2, _MAX_GROWTH * cols)
    y0, y1 = _capped(seen[:, 1].min(), seen[:, 1].max(), height / 2, _MAX_GROWTH * rows)
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], dtype=np.float64)
    return _warp(image, shift @ homography, int(np.ceil(x1 - x0)), int(np.ceil(y1 - y0)))


def _capped(low: float, high: float, centre: float, span: float) -> tuple[float, float]:
    """[low, high] cut to at most `span`, keeping as much as possible on both sides of centre."""
    low, high = float(low), float(high)
    if high - low <= span:
        return low, high
    low = max(low, centre - span / 2)
    high = min(high, low + span)
    return max(low, high - span), high


def warp_paper(image: np.ndarray, quad: Quad) -> np.ndarray:
    """Map the sheet's quadrilateral onto the whole output, dropping the background."""
    homography, width, height = _homography(quad)
    return _warp(image, homography, int(np.ceil(width)), int(np.ceil(height)))


def _warp(image: np.ndarray, homography: np.ndarray, width: int, height: int) -> np.ndarray:
    white = (255,) * (image.shape[2] if image.ndim == 3 else 1)
    return cv2.warpPerspective(
        image, homography, (width, height), flags=cv2.INTER_LINEAR, borderValue=white
    )


def _homography(quad: Quad) -> tuple[np.ndarray, float, float]:
    """The map of the quad onto an upright rectangle as wide and tall as its longer opposite
    sides, and that rectangle's width and height."""
    top_left, top_right, bottom_right, bottom_left = quad
    width = max(np.linalg.norm(top_right - top_left), np.linalg.norm(bottom_right - bottom_left))
    height = max(np.linalg.norm(bottom_left - top_left), np.linalg.norm(bottom_right - top_right))
    target = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    homography = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    return homography, float(width), float(height)


def _quad_of(mask: np.ndarray, touching_border_ok: bool) -> Quad | None:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    outline = max(contours, key=cv2.contourArea)
    if cv2.contourArea(outline) < _MIN_AREA_SHARE * mask.shape[0] * mask.shape[1]:
        return None
    hull = cv2.convexHull(outline)
    corners = None
    for share in (0.01, 0.02, 0.04):
        approx = cv2.approxPolyDP(hull, share * cv2.arcLength(hull, True), True)
        if len(approx) == 4:
            corners = _clockwise(approx.reshape(4, 2).astype(np.float64))
            break
    if corners is None:
        return None
    quad = _refine(corners, outline.reshape(-1, 2).astype(np.float64))
    if quad is None or not cv2.isContourConvex(quad.astype(np.float32)):
        return None
    if max(abs(a - 90.0) for a in _corner_angles(quad)) > _MAX_CORNER_DEVIATION_DEG:
        return None
    if not touching_border_ok and _touches_border(quad, mask.shape):
        return None
    return quad.astype(np.float32)


def _refine(corners: np.ndarray, outline: np.ndarray) -> np.ndarray | None:
    """Fit each side through the outline pixels along it and intersect neighbouring sides."""
    lines = []
    for k in range(4):
        start, end = corners[k], corners[(k + 1) % 4]
        direction = end - start
        length = float(np.linalg.norm(direction))
        if length < 1:
            return None
        direction /= length
        offset = outline - start
        along = offset @ direction / length
        across = np.abs(offset @ np.array([-direction[1], direction[0]]))
        near = outline[(across <= _SIDE_BAND_PX) & (along > 0.05) & (along < 0.95)]
        if len(near) < 5:
            return None
        vx, vy, x, y = cv2.fitLine(near.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01)[:, 0]
        lines.append((np.array([x, y]), np.array([vx, vy])))
    refined = []
    for k in range(4):
        (p, u), (q, v) = lines[k - 1], lines[k]
        denominator = u[0] * v[1] - u[1] * v[0]
        if abs(denominator) < 1e-6:
            return None
        t = ((q[0] - p[0]) * v[1] - (q[1] - p[1]) * v[0]) / denominator
        refined.append(p + t * u)
    return np.array(refined)


def _clockwise(points: np.ndarray) -> np.ndarray:
    """Order as top-left, top-right, bottom-right, bottom-left (image coordinates)."""
    sums = points.sum(axis=1)
    diffs = points[:, 1] - points[:, 0]
    return np.array(
        [
            points[np.argmin(sums)],
            points[np.argmin(diffs)],
            points[np.argmax(sums)],
            points[np.argmax(diffs)],
        ]
    )


def _corner_angles(quad: Quad) -> list[float]:
    angles = []
    for k in range(4):
        a = quad[k - 1] - quad[k]
        b = quad[(k + 1) % 4] - quad[k]
        cosine = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
        angles.append(float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))))
    return angles


def _touches_border(quad: Quad, shape: tuple[int, ...]) -> bool:
    margin = _BORDER_MARGIN_SHARE * max(shape)
    xs, ys = quad[:, 0], quad[:, 1]
    return bool(
        (xs < margin).sum() >= 2
        or (ys < margin).sum() >= 2
        or (xs > shape[1] - margin).sum() >= 2
        or (ys > shape[0] - margin).sum() >= 2
    )
