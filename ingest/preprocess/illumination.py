"""Illumination normalisation: divide the page by an estimate of its own paper.

Phone photos carry shadows and gradients; scans carry grey or yellowed paper. Both vanish when
each pixel is divided by the local paper brightness, estimated as a morphological closing
(ink removed) of a coarse copy of the page. Working on the coarse copy keeps this cheap.
"""

import cv2
import numpy as np

from ingest.preprocess.units import odd_px

_WORK_DPI = 25.0
# Ink narrower than this is removed from the paper estimate: strokes, rules, 5 mm characters.
_INK_MM = 6.0
# Smoothing wider than this spreads a photo's dark background into a rim around the sheet.
_SMOOTH_MM = 4.0


def flatten_illumination(image: np.ndarray, dpi: int) -> np.ndarray:
    """The page with its paper made uniformly white; ink keeps its colour and contrast."""
    scale = min(1.0, _WORK_DPI / dpi)
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    work_dpi = dpi * scale
    ink = odd_px(_INK_MM, work_dpi)
    paper = cv2.morphologyEx(
        small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (ink, ink))
    )
    smooth = odd_px(_SMOOTH_MM, work_dpi)
    paper = cv2.blur(paper, (smooth, smooth))
    paper = cv2.resize(paper, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(image, cv2.max(paper, 1), scale=255)
