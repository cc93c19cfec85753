"""Red seal (公章) suppression.

A seal is red or orange ink (a ring, a star, arc text) stamped over black print. Its pixels are
those whose red exceeds both green and blue by a margin; blobs of them the size of a seal are
kept, so a red tick or a coloured letter is not taken for one. Inside a seal's footprint the
red channel is read instead of luminance: red ink is bright there and black ink stays dark, so
the text under the seal survives and the ring no longer looks like a ruling line. A seal is
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
_MIN_INK_MM2 = 15.0
_INK_LEVEL_PERCENTILE = 15
# Seal ink darker than this in the red channel is not brightened further (would lift grey text).
_MIN_INK_LEVEL = 160.0


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
            if min(w, h) < _MIN_SIDE_MM * px_per_mm:
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
    """Luminance, except under seals: there the red channel, scaled so seal ink turns white.

    Seal ink is bright but not white in the red channel; scaling by the level of its denser
    part removes the faint ghost of the ring while black ink, near zero, stays black.
    """
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if not footprint.any():
        return gray
    under = image[footprint].astype(np.int16)
    red = under[:, 2]
    seal_ink = red[red - np.maximum(under[:, 0], under[:, 1]) >= _MIN_REDNESS]
    level = float(np.percentile(seal_ink, _INK_LEVEL_PERCENTILE)) if seal_ink.size else 255.0
    gain = 255.0 / max(level, _MIN_INK_LEVEL)
    gray[footprint] = np.clip(red * gain, 0, 255).astype(np.uint8)
    return gray
