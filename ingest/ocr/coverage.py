"""Doubt a line whose ink runs on past the characters read from it.

The recogniser may say nothing for a glyph it cannot make out — one cut by the crop's edge where
text runs into a rule, one faded half away — and then reads the rest of the line with full
confidence (`约机关经费` from `节约机关经费`). The columns it emitted its characters at tell
where it read; the line's own ink tells where there is something to read. A character is read
near its glyph's middle, so ink reaching more than `_UNREAD_REACH` line heights past the first
or the last character is a glyph read as nothing, and that end of the line is doubted.

Only marks of this line count: one reaching well above or below the line's rows (a rule's stub,
the neighbouring line, a seal's ring) belongs to something else, and a speck is no glyph.
"""

from collections.abc import Sequence

import numpy as np

from ingest.artifacts import OcrToken
from ingest.ocr.glyphs import as_gray, line_ink

# A line with a glyph read as nothing is as likely wrong as right.
UNREAD_INK_CONFIDENCE = 0.5
# In line heights: how far past a character's column its own glyph reaches (about half a
# glyph; the recogniser emits a character a little right of its middle).
_UNREAD_REACH = 1.2
# Marks smaller than this share of the line's height are specks.
_GLYPH_SHARE = 0.4
# A row holding less than this share of the fullest row's ink is outside the line.
_ROW_SHARE = 0.15
# A mark sticking out of the line's rows by more than this share of its height is not part of
# it.
_OVERHANG = 0.3


def doubt_unread_ends(token: OcrToken, crop: np.ndarray, char_x: Sequence[float]) -> OcrToken:
    """`token` with its first or last character doubted where the line's ink reaches well past
    it: a glyph there was read as nothing."""
    text, confs = token.text, list(token.char_confidences)
    if not text.strip() or len(char_x) != len(text) or len(confs) != len(text):
        return token
    span = _glyph_span(as_gray(crop))
    if span is None:
        return token
    left, right, height = span
    read = [x for x, ch in zip(char_x, text, strict=True) if not ch.isspace()]
    first = next(i for i, ch in enumerate(text) if not ch.isspace())
    last = len(text) - 1 - next(i for i, ch in enumerate(reversed(text)) if not ch.isspace())
    doubted = False
    if read[0] - left > _UNREAD_REACH * height:
        confs[first] = min(confs[first], UNREAD_INK_CONFIDENCE)
        doubted = True
    if right - read[-1] > _UNREAD_REACH * height:
        confs[last] = min(confs[last], UNREAD_INK_CONFIDENCE)
        doubted = True
    if not doubted:
        return token
    return token.model_copy(
        update={"char_confidences": tuple(confs), "confidence": float(np.mean(confs))}
    )


def _glyph_span(gray: np.ndarray) -> tuple[float, float, float] | None:
    """The first and last column of the line's glyphs and the line's height; None when the
    crop is too faint to judge or holds no glyph."""
    ink = line_ink(gray)
    if ink is None:
        return None
    boxes = ink.boxes[1:]
    top, bottom = boxes[:, 1], boxes[:, 1] + boxes[:, 3]
    # Marks touching the crop's top or bottom are parts of the lines above and below.
    inside = (top > 0) & (bottom < gray.shape[0])
    if not inside.any():
        return None
    # The line's rows: those holding a fair share of its ink (a stub of a rule is thin).
    profile = np.isin(ink.labels, np.flatnonzero(inside) + 1).sum(axis=1)
    rows = np.flatnonzero(profile >= _ROW_SHARE * profile.max())
    line_top, line_bottom = int(rows[0]), int(rows[-1])
    height = float(line_bottom - line_top + 1)
    reach = _OVERHANG * height
    own = (
        inside
        & (top >= line_top - reach)
        & (bottom <= line_bottom + 1 + reach)
        & (np.maximum(boxes[:, 2], boxes[:, 3]) >= _GLYPH_SHARE * height)
    )
    if not own.any():
        return None
    left = float(boxes[own, 0].min())
    right = float((boxes[own, 0] + boxes[own, 2]).max())
    return left, right, height
