"""Drop characters read from dust at a line's ends.

A speck beside a line's first or last character is read as one more character — `0`, `6`,
`+`, `_` — often with high probability, so confidence alone does not catch it. The ink it was
read from does: every printed digit, letter or sign of a line stands at least half as tall as
the line's tallest character, while dust is a dot. A character at either end that is not Chinese,
punctuation or a dash (small in print too) and whose ink, all marks within reach of the column it
was read at taken together, is such a dot is dropped. Taking the marks together
keeps a faded character whose strokes broke into dots, and a digit next to another digit is
always part of a number.
"""

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from ingest.artifacts import OcrToken
from ingest.ocr.glyphs import as_gray, line_ink

# Marks whose larger side is under this share of the line's tallest mark are dots.
_DOT_SHARE = 0.4
# How far from the column it was read at a character's ink may lie, in line heights.
_REACH = 0.3
# Small in print: punctuation and dashes are never taken for dust.
_PUNCTUATION = frozenset(".,。，、；;：:！!？?“”‘’\"'「」『』·-‐–~～")


class LineEnd(NamedTuple):
    """A character at one end of what is left of a line, as a stray-mark rule sees it."""

    index: int  # in the token's text
    char: str
    confidence: float  # with the doubt of characters already dropped beside it
    inward: str  # its neighbour on the line
    rest: str  # the line without it


def trim_ends(token: OcrToken, stray: Callable[[LineEnd], bool]) -> OcrToken:
    """`token` without the characters at either end that `stray` calls stray, last end first;
    a dropped character's doubt moves to the new end character, so the line stays as unsure
    as it was read."""
    text, confs = token.text, list(token.char_confidences)
    if len(confs) != len(text):
        return token
    lo, hi = 0, len(text)
    while hi - lo > 1 and stray(
        LineEnd(hi - 1, text[hi - 1], confs[hi - 1], text[hi - 2], text[lo : hi - 1])
    ):
        confs[hi - 2] = min(confs[hi - 2], confs[hi - 1])
        hi -= 1
    while hi - lo > 1 and stray(LineEnd(lo, text[lo], confs[lo], text[lo + 1], text[lo + 1 : hi])):
        confs[lo + 1] = min(confs[lo + 1], confs[lo])
        lo += 1
    if (lo, hi) == (0, len(text)):
        return token
    kept = confs[lo:hi]
    return token.model_copy(
        update={
            "text": text[lo:hi],
            "char_confidences": tuple(kept),
            "confidence": float(np.mean(kept)),
        }
    )


def drop_stray_ends(token: OcrToken, crop: np.ndarray, char_x: Sequence[float]) -> OcrToken:
    """`token` without end characters read from dots (`trim_ends`)."""
    text = token.text
    if len(text) < 2 or len(char_x) != len(text):
        return token
    ends = (
        LineEnd(len(text) - 1, text[-1], 0.0, text[-2], ""),
        LineEnd(0, text[0], 0.0, text[1], ""),
    )
    if not any(_may_be_dust(end) for end in ends):
        return token  # nothing to drop whatever the ink: spare the ink analysis
    ink = line_ink(as_gray(crop))
    if ink is None:
        return token
    heights = ink.boxes[1:, 3]
    # Marks as tall as the crop are rule remains or edges, not characters.
    text_marks = heights[heights < 0.95 * crop.shape[0]]
    if text_marks.size == 0:
        return token
    tallest = int(text_marks.max())

    def read_from_a_dot(end: LineEnd) -> bool:
        if not _may_be_dust(end):
            return False
        marks = ink.marks_near(char_x[end.index], _REACH * tallest)
        if marks.size == 0:
            return False  # nothing to judge by where it was read
        x0, y0 = ink.boxes[marks, 0].min(), ink.boxes[marks, 1].min()
        x1 = (ink.boxes[marks, 0] + ink.boxes[marks, 2]).max()
        y1 = (ink.boxes[marks, 1] + ink.boxes[marks, 3]).max()
        return max(x1 - x0, y1 - y0) < _DOT_SHARE * tallest

    return trim_ends(token, read_from_a_dot)


def _may_be_dust(end: LineEnd) -> bool:
    """Whether the character could have been read from a dot: not Chinese, punctuation or a
    dash, nor a digit of a number."""
    if end.char in _PUNCTUATION or _is_cjk(end.char):
        return False
    return not (end.char.isdigit() and (end.inward.isdigit() or end.inward in ".．"))


def _is_cjk(char: str) -> bool:
    """Dust is read as a digit, a letter or a sign, not as a Chinese character."""
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"
