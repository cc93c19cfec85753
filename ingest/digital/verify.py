"""A quick OCR of a few of the layer's lines, to catch text layers whose fonts map glyphs to
the wrong characters (the file says one thing, the page shows another).

A handful of lines spread over the page are cut from the rendered image and recognised in one
batch; the layer is trusted when the recogniser mostly reads what the layer says. A clean
render is read almost perfectly, and a wrong map disagrees on nearly every character, so the
bar sits far from both.
"""

import unicodedata
from difflib import SequenceMatcher

import numpy as np

from ingest.artifacts import OcrToken, PageTable
from ingest.ocr.base import OcrEngine, crop

SAMPLE_LINES = 3
AGREEMENT = 0.6  # share of the sampled characters the recogniser must read as the layer says
_SHORTEST, _LONGEST = 2, 16  # characters of a sampled line: enough to judge, quick to read


def layer_agrees(table: PageTable, gray: np.ndarray, engine: OcrEngine) -> bool:
    """Whether a quick OCR of a few sampled lines reads what the text layer says."""
    sample = _sample(table)
    if not sample:
        return True  # nothing to compare: the cheap checks had the last word
    pad = max(2, round(0.15 * min(t.bbox[3] - t.bbox[1] for t in sample)))
    crops = [crop(gray, _padded(t, pad, gray.shape)) for t in sample]
    read = engine.read_lines(crops)
    said = [_plain(t.text) for t in sample]
    seen = [_plain(t.text) for t in read]
    matched = sum(
        m.size
        for a, b in zip(said, seen, strict=False)
        for m in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    )
    return matched >= AGREEMENT * sum(len(a) for a in said)


def _sample(table: PageTable) -> list[OcrToken]:
    """Up to `SAMPLE_LINES` single lines spread over the page, preferring ones with CJK text."""
    lines = [t for cell in table.cells for t in cell.tokens] + list(table.outside)
    fit = [t for t in lines if _SHORTEST <= len(_plain(t.text)) <= _LONGEST]
    cjk = [t for t in fit if any(unicodedata.name(ch, "").startswith("CJK") for ch in t.text)]
    pool = sorted(cjk or fit, key=lambda t: (t.bbox[1], t.bbox[0]))
    if len(pool) <= SAMPLE_LINES:
        return pool
    step = len(pool) / SAMPLE_LINES
    return [pool[int(step * (k + 0.5))] for k in range(SAMPLE_LINES)]


def _padded(token: OcrToken, pad: int, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = token.bbox
    return (max(x0 - pad, 0), max(y0 - pad, 0), min(x1 + pad, shape[1]), min(y1 + pad, shape[0]))


def _plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())
