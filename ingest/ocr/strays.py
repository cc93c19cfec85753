"""Drop characters read from dust at a line's ends.

A speck beside a line's first or last character is read as one more character — `0`, `6`,
`+`, `_` — often with high probability, so confidence alone does not catch it. The ink it was
read from does: every printed digit, letter or sign of a line stands at least half as tall as
the line's tallest character, while dust is a dot. A character at either end that is not Chinese,
punctuation or a dash (small in print too) and whose ink, all marks within reach of the column it
was read at taken together, is such a dot is dropped. Taking the marks together
keeps a faded character whose strokes broke into dots, and a digit next to another digit is
always part of a number.

The cells' reader drops, by confidence alone, a doubtful speck reading — a Latin letter, a dot
or stray sign — at a line's end (`is_speck_reading`): a speck touching the text is read so,
and its ink is its neighbour's. A glyph of its own read so is no speck but a character the
recogniser could not make out (a ≧ read `M` at 0.55 before `60%`); dropping it loses that
character, so its reading is doubted here first (`doubt_glyphs_read_as_specks`) and the doubt
it leaves on its neighbour flags the value.
"""

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from ingest.artifacts import OcrToken
from ingest.ocr.glyphs import LineInk, as_gray, line_ink

# Marks whose larger side is under this share of the line's tallest mark are dots.
_DOT_SHARE = 0.4
# How far from the column it was read at a character's ink may lie, in line heights.
_REACH = 0.3
# A doubtful mark read at a line's end below this confidence, as a Latin letter or one of
# these, is taken for a speck touching the text.
SPECK_CONFIDENCE = 0.6
_SPECK_READINGS = frozenset(".,*+'\"`^_$#@!?;:·•●。，、“”‘’°")
# A glyph read as a speck is as likely some other character.
GLYPH_READ_AS_SPECK_CONFIDENCE = 0.5
# Marks this share of the crop's height or taller are rule remains or edges, not characters.
_RULE_SHARE = 0.95
# An end character's own marks at least this share of the tallest character high are a glyph:
# every printed digit, letter or sign stands at least half as tall as the line's tallest.
_GLYPH_SHARE = 0.5
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
    marks = _text_marks(crop)
    if marks is None:
        return token
    ink, tallest = marks

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


def doubt_glyphs_read_as_specks(
    token: OcrToken, crop: np.ndarray, char_x: Sequence[float]
) -> OcrToken:
    """`token` with an end character that reads as a speck (`is_speck_reading`) but was read
    from a glyph of its own doubted: marks within reach of its column, none of them within
    reach of its neighbour's, at least `_GLYPH_SHARE` of the line's tallest mark high."""
    text, confs = token.text, list(token.char_confidences)
    if len(text) < 2 or len(char_x) != len(text) or len(confs) != len(text):
        return token
    ends = [
        (i, inward)
        for i, inward, rest in ((0, 1, text[1:]), (len(text) - 1, len(text) - 2, text[:-1]))
        if is_speck_reading(text[i], confs[i], rest)
    ]
    if not ends:
        return token  # nothing a speck could be: spare the ink analysis
    marks = _text_marks(crop)
    if marks is None:
        return token
    ink, tallest = marks
    reach = _REACH * tallest
    glyphs = []
    for i, inward in ends:
        own = np.setdiff1d(ink.marks_near(char_x[i], reach), ink.marks_near(char_x[inward], reach))
        own = own[ink.boxes[own, 3] < _RULE_SHARE * crop.shape[0]]
        if own.size == 0:
            continue
        top = ink.boxes[own, 1].min()
        bottom = (ink.boxes[own, 1] + ink.boxes[own, 3]).max()
        if bottom - top >= _GLYPH_SHARE * tallest:
            glyphs.append(i)
    return token.doubted(glyphs, GLYPH_READ_AS_SPECK_CONFIDENCE)


def is_speck_reading(char: str, confidence: float, rest: str) -> bool:
    """A doubtful mark at a line's end that a speck beside the text makes the recogniser emit:
    a Latin letter, a dot or stray sign, or a digit where the rest of the line (`rest`) holds
    none; never a sign the form uses at a value's ends (%, brackets, ≥, ~)."""
    if confidence >= SPECK_CONFIDENCE:
        return False
    if char.isdigit():
        return not any(c.isdigit() for c in rest)
    latin_letter = char.isalpha() and ord(char) < 0x250
    return latin_letter or char in _SPECK_READINGS


def _text_marks(crop: np.ndarray) -> tuple[LineInk, int] | None:
    """The crop's marks and the height of its tallest character's mark; None where the crop is
    too faint to judge or holds no character."""
    ink = line_ink(as_gray(crop))
    if ink is None:
        return None
    heights = ink.boxes[1:, 3]
    # Marks as tall as the crop are rule remains or edges, not characters.
    text_marks = heights[heights < _RULE_SHARE * crop.shape[0]]
    if text_marks.size == 0:
        return None
    return ink, int(text_marks.max())


def _may_be_dust(end: LineEnd) -> bool:
    """Whether the character could have been read from a dot: not Chinese, punctuation or a
    dash, nor a digit of a number."""
    if end.char in _PUNCTUATION or _is_cjk(end.char):
        return False
    return not (end.char.isdigit() and (end.inward.isdigit() or end.inward in ".．"))


def _is_cjk(char: str) -> bool:
    """Dust is read as a digit, a letter or a sign, not as a Chinese character."""
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"
