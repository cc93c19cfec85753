"""Doubt a line whose ink runs on past the characters read from it, or holds a glyph between
two of them that was read as nothing.

The recogniser may say nothing for a glyph it cannot make out — one cut by the crop's edge where
text runs into a rule, one faded half away — and then reads the rest of the line with full
confidence (`约机关经费` from `节约机关经费`). The columns it emitted its characters at tell
where it read; the line's own ink tells where there is something to read. A character is read
near its glyph's middle, so ink reaching more than `_UNREAD_REACH` line heights past the first
or the last character is a glyph read as nothing, and that end of the line is doubted.

It may skip a glyph inside a line too, even on a clean print (`过政府购` from `过政府采购`, each
character read at 0.87 or more). Printed glyphs stand apart as runs of inked columns; a run at
least `_UNREAD_WIDTH` line heights wide lying between the columns of two neighbouring characters,
clear of each by `_UNREAD_CLEARANCE` line heights (a glyph whose parts stand apart, as 能's,
may be read at one of them, but the other is narrower and within a glyph of that column),
holds no character read: both neighbours are doubted.

Only marks of this line count: one reaching well above or below the line's rows (a rule's stub,
the neighbouring line, a seal's ring) belongs to something else, and a speck is no glyph.
"""

from collections.abc import Sequence
from itertools import pairwise
from typing import NamedTuple

import numpy as np

from ingest.artifacts import OcrToken
from ingest.ocr.glyphs import as_gray, line_ink

# A line with a glyph read as nothing is as likely wrong as right.
UNREAD_INK_CONFIDENCE = 0.5
# In line heights: how far past a character's column its own glyph reaches (about half a
# glyph; the recogniser emits a character a little right of its middle).
_UNREAD_REACH = 1.2
# In line heights: how wide a run of inked columns between two characters read must be, and how
# far clear of both their columns it must lie, to be a glyph read as nothing. Together they
# reach a line height past the column, past any glyph read there however far across it: a
# part of one that stands apart (能's left half, read at 0.82 of its width on a heavy print,
# 0.5 line heights wide) is never taken for a glyph; a whole glyph is 0.8 or more wide.
_UNREAD_WIDTH = 0.7
_UNREAD_CLEARANCE = 0.3
# Marks smaller than this share of the line's height are specks.
_GLYPH_SHARE = 0.4
# A row holding less than this share of the fullest row's ink is outside the line.
_ROW_SHARE = 0.15
# A mark sticking out of the line's rows by more than this share of its height is not part of
# it.
_OVERHANG = 0.3


class _LineGlyphs(NamedTuple):
    inked: np.ndarray  # per column of the crop: whether a mark of the line's glyphs holds ink
    height: float  # the line's height

    @property
    def left(self) -> float:
        return float(np.argmax(self.inked))

    @property
    def right(self) -> float:
        return float(self.inked.size - np.argmax(self.inked[::-1]))


def doubt_unread_ink(token: OcrToken, crop: np.ndarray, char_x: Sequence[float]) -> OcrToken:
    """`token` with its first or last character doubted where the line's ink reaches well past
    it, and both characters beside a glyph between them doubted: a glyph there was read as
    nothing."""
    text, confs = token.text, list(token.char_confidences)
    if not text.strip() or len(char_x) != len(text) or len(confs) != len(text):
        return token
    glyphs = _line_glyphs(as_gray(crop))
    if glyphs is None:
        return token
    height = glyphs.height
    read = [i for i, ch in enumerate(text) if not ch.isspace()]
    doubted = set()
    if char_x[read[0]] - glyphs.left > _UNREAD_REACH * height:
        doubted.add(read[0])
    if glyphs.right - char_x[read[-1]] > _UNREAD_REACH * height:
        doubted.add(read[-1])
    for a, b in pairwise(read):
        if _glyph_between(glyphs, char_x[a], char_x[b]):
            doubted.update((a, b))
    return token.doubted(doubted, UNREAD_INK_CONFIDENCE)


def _glyph_between(glyphs: _LineGlyphs, x0: float, x1: float) -> bool:
    """Whether a run of inked columns `_UNREAD_WIDTH` line heights wide or more lies wholly
    between columns `x0` and `x1`, `_UNREAD_CLEARANCE` line heights clear of both."""
    clearance = _UNREAD_CLEARANCE * glyphs.height
    steps = np.diff(glyphs.inked.astype(np.int8), prepend=0, append=0)
    starts, ends = np.flatnonzero(steps == 1), np.flatnonzero(steps == -1)
    return bool(
        np.any(
            (starts >= x0 + clearance)
            & (ends <= x1 - clearance)
            & (ends - starts >= _UNREAD_WIDTH * glyphs.height)
        )
    )


def _line_glyphs(gray: np.ndarray) -> _LineGlyphs | None:
    """The columns the line's glyphs ink and the line's height; None when the crop is too
    faint to judge or holds no glyph."""
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
    inked = np.isin(ink.labels, np.flatnonzero(own) + 1).any(axis=0)
    return _LineGlyphs(inked, height)
