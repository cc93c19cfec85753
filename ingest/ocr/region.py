"""The text in a region of a page a reviewer drew a box around (a row the reading lost).

Detection then recognition on the crop alone, the same engine the pages were read with; lines
are joined top to bottom, and the confidence is that of the weakest line, so a reviewer sees
how much to trust the pre-filled text.
"""

import numpy as np

from ingest.artifacts import BBox
from ingest.ocr.base import OcrEngine, as_bgr, crop
from ingest.ocr.lines import group_lines


def read_region(image: np.ndarray, box: BBox, engine: OcrEngine) -> tuple[str, float]:
    """The region's text (lines joined with "\\n") and its weakest line's confidence."""
    part = crop(image, box)
    if part.size == 0:
        return "", 0.0
    lines = [line for line in group_lines(engine.detect_and_read(as_bgr(part))) if line.text]
    if not lines:
        return "", 0.0
    weakest = min(min(t.confidence for t in line.tokens) for line in lines)
    return "\n".join(line.text for line in lines), round(float(weakest), 4)
