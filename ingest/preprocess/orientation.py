"""Pages scanned or photographed a quarter or half turn round: turned back before cleaning.

Scanners and phones deliver pages turned by 90, 180 or 270 degrees without saying so (no EXIF,
or a PDF page drawn sideways). Whether text runs across or down the page shows in its glyphs:
a character's nearest neighbour is mostly the next one on its line, and lines run across an
upright page (rules and other long marks are no glyphs and take no part). Which way up the
lines read is asked of the recogniser: a few windows on the page's text lines are read as they
are and, only when that reading is unsure, turned half round. A page is turned only on clear
evidence; one that shows none (blank, a photo, too little text) is left as it is.
"""

import cv2
import numpy as np

from ingest.artifacts import BBox, PageImage
from ingest.ocr.base import OcrEngine

_WORK_LONG_SIDE = 1200  # pixels: A4 at about 100 DPI, glyphs ~12 px
_MIN_VOTES = 40  # neighbour pairs needed before the direction of lines is believed
_DOWN_MARGIN = 2.0  # lines run down only when down-pairs outnumber across-pairs this much
_NEIGHBOURS = 2000  # glyphs compared at most (a dense page has a few thousand)
_WINDOWS = 4  # text windows read to tell upright from upside down
_SURE = 0.8  # a reading this confident as it is needs no second look
_FLIP_FLOOR = 0.75  # a half-turned reading must reach this
_FLIP_MARGIN = 0.15  # and beat the reading as it is by this


def upright(page: PageImage, engine: OcrEngine) -> tuple[PageImage, int]:
    """The page turned so its text reads left to right, and the turn applied (degrees,
    counter-clockwise: 0, 90, 180 or 270)."""
    gray = cv2.cvtColor(page.image, cv2.COLOR_BGR2GRAY)
    scale = _WORK_LONG_SIDE / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    glyphs, size = _glyphs(small)
    if size == 0:
        return page, 0
    across, down = _neighbour_votes(glyphs, size)
    turn = 0
    if down >= max(_MIN_VOTES, _DOWN_MARGIN * across):
        turn = 90
        small, gray = np.rot90(small), np.rot90(gray)
        glyphs, size = _glyphs(small)
    elif across < _MIN_VOTES:
        return page, 0
    boxes = [tuple(int(v / scale) for v in box) for box in _windows(glyphs, size)]
    if _reads_better_half_turned(np.ascontiguousarray(gray), boxes, engine):
        turn += 180
    if turn == 0:
        return page, 0
    image = np.ascontiguousarray(np.rot90(page.image, turn // 90))
    return PageImage(index=page.index, image=image, dpi=page.dpi), turn


def _glyphs(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """Centres of glyph-sized ink components, and the typical glyph size (0: no text)."""
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, _, stats, centres = cv2.connectedComponentsWithStats(ink, connectivity=8)
    extent = stats[1:, [cv2.CC_STAT_HEIGHT, cv2.CC_STAT_WIDTH]].max(axis=1)
    small_enough = extent[(extent >= 3) & (extent <= max(gray.shape) // 30)]
    if len(small_enough) < _MIN_VOTES:
        return np.empty((0, 2), np.float32), 0.0
    size = float(np.median(small_enough))
    keep = (extent >= 0.4 * size) & (extent <= 2.0 * size)  # rules and blots are no glyphs
    return centres[1:][keep].astype(np.float32), size


def _neighbour_votes(glyphs: np.ndarray, size: float) -> tuple[int, int]:
    """How many glyphs have their nearest neighbour beside them, and how many above or below."""
    points = glyphs[:: len(glyphs) // _NEIGHBOURS + 1]
    across = down = 0
    for chunk in np.array_split(points, max(1, len(points) // 500)):
        offsets = chunk[:, None, :] - points[None, :, :]
        distance = np.hypot(offsets[..., 0], offsets[..., 1])
        distance[distance == 0] = np.inf
        nearest = distance.argmin(axis=1)
        rows = np.arange(len(chunk))
        dx, dy = np.abs(offsets[rows, nearest]).T
        close = distance[rows, nearest] <= 2.0 * size
        across += int(((dx > 1.5 * dy) & close).sum())
        down += int(((dy > 1.5 * dx) & close).sum())
    return across, down


def _windows(glyphs: np.ndarray, size: float) -> list[BBox]:
    """A few windows of about eight glyphs on text lines, spread over the page: around glyphs
    that have a neighbour on either side at the same height."""
    inner = []
    for point in glyphs:
        offset = glyphs - point
        level = np.abs(offset[:, 1]) < 0.4 * size
        gap = offset[:, 0][level]
        if ((gap < -0.5 * size) & (gap > -2 * size)).any() and (
            (gap > 0.5 * size) & (gap < 2 * size)
        ).any():
            inner.append(point)
    if not inner:
        return []
    chosen = np.linspace(0, len(inner) - 1, min(_WINDOWS, len(inner))).astype(int)
    return [
        (int(x - 4 * size), int(y - 0.9 * size), int(x + 4 * size), int(y + 0.9 * size))
        for x, y in (inner[i] for i in chosen)
    ]


def _reads_better_half_turned(gray: np.ndarray, boxes: list, engine: OcrEngine) -> bool:
    h, w = gray.shape
    crops = [
        gray[max(y0, 0) : min(y1, h), max(x0, 0) : min(x1, w)]
        for x0, y0, x1, y1 in boxes
        if min(y1, h) > max(y0, 0) and min(x1, w) > max(x0, 0)
    ]
    if not crops:
        return False
    as_is = _mean_confidence(engine, crops)
    if as_is >= _SURE:
        return False
    turned = _mean_confidence(engine, [np.ascontiguousarray(np.rot90(c, 2)) for c in crops])
    return turned >= _FLIP_FLOOR and turned - as_is >= _FLIP_MARGIN


def _mean_confidence(engine: OcrEngine, crops: list[np.ndarray]) -> float:
    tokens = engine.read_lines(crops)
    return float(np.mean([t.confidence if t.text.strip() else 0.0 for t in tokens]))
