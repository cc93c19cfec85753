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

from collections.abc import Sequence

import numpy as np

from ingest.artifacts import OcrToken
from ingest.ocr.glyphs import as_gray, line_ink

# Marks whose larger side is under this share of the line's tallest mark are dots.
_DOT_SHARE = 0.4
# How far from the column it was read at a character's ink may lie, in line heights.
_REACH = 0.3
# Small in print: punctuation and dashes are never taken for dust.
_PUNCTUATION = frozenset(".,。，、；;：:！!？?“”‘’\"'「」『』·-‐–~～")


def drop_stray_ends(token: OcrToken, crop: np.ndarray, char_x: Sequence[float]) -> OcrToken:
    """`token` without end characters read from dots; a dropped character's doubt moves to
    the new end character, so the line stays as unsure as it was read."""
    text, confs, xs = token.text, list(token.char_confidences), list(char_x)
    if len(text) < 2 or not (len(confs) == len(xs) == len(text)):
        return token
    ink = line_ink(as_gray(crop))
    if ink is None:
        return token
    heights = ink.boxes[1:, 3]
    # Marks as tall as the crop are rule remains or edges, not characters.
    text_marks = heights[heights < 0.95 * crop.shape[0]]
    if text_marks.size == 0:
        return token
    tallest = int(text_marks.max())

    def read_from_a_dot(char: str, x: float, inward: str) -> bool:
        if char in _PUNCTUATION or _is_cjk(char):
            return False
        if char.isdigit() and (inward.isdigit() or inward in ".．"):
            return False  # a digit of a number: never judged by its ink alone
        marks = ink.marks_near(x, _REACH * tallest)
        if marks.size == 0:
            return False  # nothing to judge by where it was read
        x0, y0 = ink.boxes[marks, 0].min(), ink.boxes[marks, 1].min()
        x1 = (ink.boxes[marks, 0] + ink.boxes[marks, 2]).max()
        y1 = (ink.boxes[marks, 1] + ink.boxes[marks, 3]).max()
        return max(x1 - x0, y1 - y0) < _DOT_SHARE * tallest

    while len(text) > 1 and read_from_a_dot(text[-1], xs[-1], text[-2]):
        confs[-2] = min(confs[-2], confs[-1])
        text, confs, xs = text[:-1], confs[:-1], xs[:-1]
    while len(text) > 1 and read_from_a_dot(text[0], xs[0], text[1]):
        confs[1] = min(confs[1], confs[0])
        text, confs, xs = text[1:], confs[1:], xs[1:]
    if text == token.text:
        return token
    return token.model_copy(
        update={
            "text": text,
            "char_confidences": tuple(confs),
            "confidence": float(np.mean(confs)),
        }
    )


def _is_cjk(char: str) -> bool:
    """Dust is read as a digit, a letter or a sign, not as a Chinese character."""
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"
