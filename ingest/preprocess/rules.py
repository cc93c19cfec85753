"""The table's long ruling lines, measured as straight segments, and how far they are from a grid.

A perspective warp is only worth making when it brings the page's own rules closer to a rigid
grid (horizontals parallel, verticals parallel, the two at right angles). The outline alone
cannot tell: a gap in a faded frame rule or a seal over a corner bends a flat page's outline
into a skewed quadrilateral as surely as a camera does. The rules inside the table can tell,
because a warp carries straight lines to straight lines: mapping each segment's ends through
the homography gives its direction after the warp without warping a single pixel.
"""

import cv2
import numpy as np

from ingest.preprocess.units import odd_px

# Rules faded by toner or softened by a camera are paler than text; only long, thin, straight
# runs are kept, so counting pale pixels as ink lets no speck or text through.
_RULE_INK_BELOW = 230
# A rule rendered at a slight angle splits into steps between pixel rows; a gap this short
# (and one row either way) is bridged.
_BRIDGE_MM = 2.0
# Runs shorter than this are text strokes, not rules.
_MIN_RUN_MM = 10.0
_MIN_RULE_SHARE = 0.08  # of the page's long side
_MIN_FILL = 0.5  # ink pixels per unit of the rule's length
_MAX_RESIDUAL_PX = 1.0  # a rule is thin: its pixels lie this close to the fitted line


def rule_segments(red: np.ndarray, dpi: float) -> np.ndarray:
    """Long straight rules of a flattened page's red channel, as N x 2 x 2 end points (x, y)."""
    ink = (red < _RULE_INK_BELOW).astype(np.uint8)
    min_length = _MIN_RULE_SHARE * max(ink.shape)
    bridge = np.ones((1, odd_px(_BRIDGE_MM, dpi)), np.uint8)
    run = np.ones((1, odd_px(_MIN_RUN_MM, dpi)), np.uint8)
    found = []
    # Vertical rules are horizontal ones of the transposed page.
    for mask, flip in ((ink, False), (np.ascontiguousarray(ink.T), True)):
        joined = cv2.dilate(mask, np.ones((3, 1), np.uint8))
        joined = cv2.morphologyEx(joined, cv2.MORPH_CLOSE, bridge)
        joined = cv2.morphologyEx(joined, cv2.MORPH_OPEN, run)
        count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
        for label in range(1, count):
            x, y, w, h = stats[label, :4]
            if w < min_length:
                continue
            window = (labels[y : y + h, x : x + w] == label) & (mask[y : y + h, x : x + w] > 0)
            segment = _fit(*np.nonzero(window), w)
            if segment is not None:
                segment += (x, y)
                found.append(segment[:, ::-1] if flip else segment)
    return np.array(found, dtype=np.float64).reshape(-1, 2, 2)


def _fit(ys: np.ndarray, xs: np.ndarray, length: int) -> np.ndarray | None:
    """The least-squares line through a run's pixels, or None when it is sparse or thick."""
    if len(xs) < _MIN_FILL * length:
        return None
    slope, intercept = np.polyfit(xs, ys, 1)
    residual = ys - (slope * xs + intercept)
    if float(np.sqrt(np.mean(residual**2))) > _MAX_RESIDUAL_PX:
        return None
    ends = np.array([xs.min(), xs.max()], dtype=np.float64)
    return np.stack([ends, slope * ends + intercept], axis=1)


def grid_distortion(rules: np.ndarray, homography: np.ndarray | None = None) -> float | None:
    """Degrees by which the rules, seen through `homography`, miss a rigid grid; None if too few.

    The sum of three length-weighted medians: the spread of the horizontal rules' directions,
    that of the vertical rules', and the angle by which the two families miss a right angle.
    A flat page, however rotated, scores about 0; a keystone spreads the rules' directions.
    Medians, so a stray text column or a rule bent by noise does not decide.
    """
    if homography is not None and len(rules):
        rules = cv2.perspectiveTransform(rules.reshape(-1, 1, 2), homography).reshape(-1, 2, 2)
    delta = rules[:, 1] - rules[:, 0]
    lengths = np.hypot(delta[:, 0], delta[:, 1])
    horizontal = np.abs(delta[:, 0]) >= np.abs(delta[:, 1])
    # Both families measured as a rotation: 0 for level and plumb, positive clockwise.
    angles = np.degrees(
        np.where(
            horizontal,
            np.arctan2(delta[:, 1], delta[:, 0]),
            np.arctan2(-delta[:, 0], delta[:, 1]),
        )
    )
    angles = (angles + 90.0) % 180.0 - 90.0
    directions, spreads = [], []
    for family in (horizontal, ~horizontal):
        if not family.any():
            continue
        direction = _weighted_median(angles[family], lengths[family])
        directions.append(direction)
        if family.sum() >= 2:
            spreads.append(_weighted_median(np.abs(angles[family] - direction), lengths[family]))
    if len(directions) < 2 and not spreads:
        return None
    skew = abs(directions[0] - directions[1]) if len(directions) == 2 else 0.0
    return float(sum(spreads) + skew)


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])
