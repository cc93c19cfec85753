"""`clean_page`: one page from raw pixels to the upright, flat image the readers work on.

Order matters. The paper is flattened first, so shadows neither look like ink nor hide it.
The outline is then found on the red channel (seal ink vanishes there) and the perspective
removed; the residual rotation is measured on the corrected page; the seal is located last,
on the final geometry, so its footprint lines up with the boxes the readers report.
"""

import cv2
import numpy as np

from ingest.artifacts import CleanPage, PageImage
from ingest.preprocess.deskew import MIN_ROTATION_DEG, rotate, skew_angle
from ingest.preprocess.illumination import flatten_illumination
from ingest.preprocess.perspective import (
    find_paper_quad,
    find_table_quad,
    needs_correction,
    warp_paper,
    warp_table,
)
from ingest.preprocess.seal import reading_gray, seal_footprint

_WORK_DPI = 100.0
# On flattened paper (255) ink is anything clearly darker; coarse copies grey thin rules.
_INK_BELOW = 200


def clean_page(page: PageImage) -> CleanPage:
    """Flatten, straighten and de-seal one page; the notes say what was done."""
    notes: list[str] = []
    flat = flatten_illumination(page.image, page.dpi)
    ink = _ink(flat, page.dpi)
    image = _correct_perspective(page.image, flat, ink, page.dpi, notes)
    corrected = image is not flat
    if corrected:
        ink = _ink(image, page.dpi)
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
    raw: np.ndarray, flat: np.ndarray, ink: np.ndarray, dpi: int, notes: list[str]
) -> np.ndarray:
    """The flattened page warped upright, or `flat` itself when no perspective is seen."""
    scale = ink.shape[1] / flat.shape[1]
    quad = find_table_quad(ink)
    if quad is not None:
        if not needs_correction(quad):
            return flat
        notes.append("perspective corrected from the table outline")
        return warp_table(flat, quad / scale)
    small = cv2.cvtColor(
        cv2.resize(raw, (ink.shape[1], ink.shape[0]), interpolation=cv2.INTER_AREA),
        cv2.COLOR_BGR2GRAY,
    )
    quad = find_paper_quad(small)
    if quad is None or not needs_correction(quad):
        return flat
    notes.append("perspective corrected from the paper's edges")
    return warp_paper(flat, quad / scale)


def _ink(image: np.ndarray, dpi: int) -> np.ndarray:
    """A coarse ink mask of the red channel, where seal ink drops out."""
    scale = min(1.0, _WORK_DPI / dpi)
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return (small[:, :, 2] < _INK_BELOW).astype(np.uint8)
