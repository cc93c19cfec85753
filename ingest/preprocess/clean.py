"""`clean_page`: one page from raw pixels to the upright, flat image the readers work on.

Order matters. The paper is flattened first, so shadows neither look like ink nor hide it.
The outline is then found on the red channel (seal ink vanishes there) and the perspective
removed where the table's own rules confirm it; the residual rotation is measured on the
corrected page; the seal is located last, on the final geometry, so its footprint lines up
with the boxes the readers report.
"""

from collections.abc import Callable, Iterator

import cv2
import numpy as np

from ingest.artifacts import CleanPage, PageImage
from ingest.preprocess.deskew import MIN_ROTATION_DEG, rotate, skew_angle
from ingest.preprocess.illumination import flatten_illumination
from ingest.preprocess.perspective import (
    Quad,
    find_paper_quad,
    find_table_quad,
    needs_correction,
    straightens,
    warp_paper,
    warp_table,
)
from ingest.preprocess.rules import rule_segments
from ingest.preprocess.seal import reading_gray, seal_footprint

_WORK_DPI = 100.0
# On flattened paper (255) ink is anything clearly darker; coarse copies grey thin rules.
_INK_BELOW = 200


def clean_page(page: PageImage) -> CleanPage:
    """Flatten, straighten and de-seal one page; the notes say what was done."""
    notes: list[str] = []
    flat = flatten_illumination(page.image, page.dpi)
    red = _work_red(flat, page.dpi)
    image = _correct_perspective(page.image, flat, red, page.dpi, notes)
    corrected = image is not flat
    ink = _ink(_work_red(image, page.dpi) if corrected else red)
    angle = skew_angle(ink)
    if abs(angle) >= MIN_ROTATION_DEG:
        image = rotate(image, angle)
        notes.append(f"deskewed by {angle:+.2f}°")
    else:
        angle = 0.0
    footprint = seal_footprint(image, page.dpi)
    if footprint.any():
        notes.append(f"red seal suppressed ({100.0 * float(footprint.mean()):.1f}% of the page)")
    return CleanPage(
        index=page.index,
        image=image,
        gray=reading_gray(image, footprint),
        dpi=page.dpi,
        rotation_deg=round(angle, 3),
        perspective_corrected=corrected,
        seal_mask=footprint if footprint.any() else None,
        notes=tuple(notes),
    )


def _correct_perspective(
    raw: np.ndarray, flat: np.ndarray, red: np.ndarray, dpi: int, notes: list[str]
) -> np.ndarray:
    """The flattened page warped upright, or `flat` itself when no perspective is seen.

    The table's outline is tried first, then the sheet's edges: a worn corner can skew the one
    and leave the other true. A warp is made only if it straightens the table's own rules.
    """
    scale = red.shape[1] / flat.shape[1]
    rules = None
    for source, quad, warp in _outlines(raw, red):
        if quad is None:
            continue
        if not needs_correction(quad):
            return flat
        rules = rule_segments(red, dpi * scale) if rules is None else rules
        if straightens(quad, rules):
            notes.append(f"perspective corrected from {source}")
            return warp(flat, quad / scale)
        notes.append(f"{source} is skewed but warping by it bends the rules: not warped")
    return flat


def _outlines(
    raw: np.ndarray, red: np.ndarray
) -> Iterator[tuple[str, Quad | None, Callable[[np.ndarray, Quad], np.ndarray]]]:
    """The candidate outlines in order of trust, each found only when the one before failed."""
    yield "the table outline", find_table_quad(_ink(red)), warp_table
    small = cv2.resize(raw, (red.shape[1], red.shape[0]), interpolation=cv2.INTER_AREA)
    yield "the paper's edges", find_paper_quad(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)), warp_paper


def _work_red(image: np.ndarray, dpi: int) -> np.ndarray:
    """The red channel of a coarse copy, where seal ink drops out."""
    scale = min(1.0, _WORK_DPI / dpi)
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return small[:, :, 2]


def _ink(red: np.ndarray) -> np.ndarray:
    return (red < _INK_BELOW).astype(np.uint8)
