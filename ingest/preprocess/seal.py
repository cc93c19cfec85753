"""Red seal (公章) suppression.

A seal is red or orange ink (a ring, a star, arc text) stamped over black print. Its pixels are
those whose red exceeds both green and blue by a margin; blobs of them the size of a seal are
kept, so a red tick or a coloured letter is not taken for one, nor a red desk or cloth around a
photographed sheet, which spans far more than any seal. Inside a seal's footprint the
seal ink is unmixed from what lies beneath: red ink turns to paper, and black or grey print
under it keeps its own level, so the text and rules under the seal survive and the ring no
longer looks like a ruling line. A seal is
centimetres wide, so it is found on a coarse copy of the page, which keeps this cheap.
"""

import cv2
import numpy as np

from ingest.preprocess.units import MM_PER_INCH, odd_px

_WORK_DPI = 50.0
# Red must exceed max(green, blue) by this much (0..255) to count as seal ink.
_MIN_REDNESS = 45
_JOIN_MM = 2.0
_MIN_SIDE_MM = 8.0
# Official seals are at most about 60 mm across (round 38-45 mm, oval 45 x 30 mm).
_MAX_SIDE_MM = 80.0
_MIN_INK_MM2 = 15.0
# The seal's colour is measured where its ink is dense (its other channels below this).
_DENSE_INK_BELOW = 160
# At most this much of a pixel's redness is added back: a dark brown stamp is not undone.
_MAX_GAIN = 1.0


def seal_footprint(image: np.ndarray, dpi: int) -> np.ndarray:
    """H x W bool: the area covered by each red seal (its filled convex hull, plus a rim)."""
    scale = min(1.0, _WORK_DPI / dpi)
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    blue, green, red = cv2.split(small)
    ink = (cv2.subtract(red, cv2.max(green, blue)) >= _MIN_REDNESS).astype(np.uint8)
    footprint = np.zeros(ink.shape, dtype=np.uint8)
    if ink.any():
        work_dpi = dpi * scale
        px_per_mm = work_dpi / MM_PER_INCH
        join = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (odd_px(_JOIN_MM, work_dpi),) * 2)
        count, labels, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(ink, join))
        for label in range(1, count):
            x, y, w, h, _ = stats[label]
            if min(w, h) < _MIN_SIDE_MM * px_per_mm or max(w, h) > _MAX_SIDE_MM * px_per_mm:
                continue
            window = (slice(y, y + h), slice(x, x + w))
            members = ink[window] & (labels[window] == label)
            if int(members.sum()) < _MIN_INK_MM2 * px_per_mm * px_per_mm:
                continue
            hull = cv2.convexHull(cv2.findNonZero(members) + np.array([x, y], dtype=np.int32))
            cv2.fillConvexPoly(footprint, hull, 1)
        footprint = cv2.dilate(footprint, np.ones((3, 3), np.uint8))
    full = cv2.resize(footprint, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_NEAREST)
    return full.astype(bool)


def reading_gray(image: np.ndarray, footprint: np.ndarray) -> np.ndarray:
    """Luminance, except under seals: there the gray the page would have without the seal.

    Ink multiplies: a pixel under seal ink of transmittances (r, o) in red and in the other
    channels reads (u·r, u·o) for the gray u beneath, so u = R + k·(R - O) with k = (1-r)/(r-o).
    k is the same at every density of the ink, so it is measured on the seal's own pixels.
    Only seal-coloured pixels are lifted, each by its own redness: a faded grey rule or black
    text inside the footprint keeps its level, and black ink under the seal stays black.
    """
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if not footprint.any():
        return gray
    under = image[footprint].astype(np.float32)
    red, other = under[:, 2], np.maximum(under[:, 0], under[:, 1])
    gray[footprint] = np.clip(red + _unmixing_gain(red, other) * (red - other), 0, 255)
    return gray


def _unmixing_gain(red: np.ndarray, other: np.ndarray) -> float:
    """k of `reading_gray`, from the seal ink lying on bare paper (255 where there is no ink).

    There (255 - R) / (255 - O) = (1 - r) / (1 - o) =: q at any density, and k = q / (1 - q).
    """
    seal_ink = (red - other >= _MIN_REDNESS) & (other < _DENSE_INK_BELOW)
    if not seal_ink.any():
        return 0.0
    ratio = float(np.median((255.0 - red[seal_ink]) / (255.0 - other[seal_ink])))
    return min(ratio / max(1.0 - ratio, 1e-3), _MAX_GAIN)
