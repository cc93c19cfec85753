"""A cell's text lines and how they join into its text.

Wrapped lines run on with no separator; "\\n" is kept only for a hard break, a line that ends
well before the cell's right edge and is followed by a new numbered item. A short line followed
by anything else means entries set one above the other (`has_stacked_lines`).
"""

import itertools
import re
from dataclasses import dataclass

from ingest.artifacts import BBox, OcrToken, union_box

# A new numbered item: 1、 2. 3．（4） (5) 一、 — "1.5" is a number, not an item.
_NUMBERED = re.compile(
    r"^\s*(?:\d{1,2}\s*[、，,）)]|\d{1,2}\s*[.．](?!\d)|[（(]\s*\d{1,2}\s*[)）]"
    r"|[一二三四五六七八九十]{1,3}\s*、)"
)


# Marks after which a text goes on: a line ending on one was wrapped, not finished.
_LEADS_ON = ("，", ",", "、", "；", ";", "：", ":")
# Marks typesetting keeps off the start of a line, and how many characters of room they leave.
_NO_LINE_START = frozenset("，、。；：？！）」』】》,.;:?!)")
_PUSHED_CHARACTERS = 3.0


@dataclass(frozen=True)
class TextLine:
    """One text line of a cell: the tokens read on it, left to right."""

    tokens: tuple[OcrToken, ...]

    @property
    def text(self) -> str:
        return "".join(t.text for t in self.tokens)

    @property
    def bbox(self) -> BBox:
        return union_box([t.bbox for t in self.tokens])


def compose_text(lines: list[TextLine], cell_box: BBox) -> str:
    """Join a cell's lines: wrapped lines run on, a short line before a numbered item breaks."""
    lines = [line for line in lines if line.text.strip()]
    if not lines:
        return ""
    parts = [lines[0].text]
    for line, after_short in _following_lines(lines, cell_box):
        hard = after_short and _NUMBERED.match(line.text) is not None
        parts.append(("\n" if hard else "") + line.text)
    return "".join(parts)


def has_stacked_lines(lines: list[TextLine], cell_box: BBox) -> bool:
    """Whether a line stops short of the cell's edge with a line under it that is not a new
    numbered item: two entries in one cell rather than one text wrapped. A line that ends on a
    comma or another mark that leads on was wrapped there (a writer's or a typesetter's break),
    not ended."""
    lines = [line for line in lines if line.text.strip()]
    return any(
        after_short
        and _NUMBERED.match(line.text) is None
        and not prev.text.rstrip().endswith(_LEADS_ON)
        and not _pushed_down(prev.bbox, line.text, cell_box)
        for prev, (line, after_short) in zip(lines, _following_lines(lines, cell_box), strict=False)
    )


def _pushed_down(line: BBox, next_text: str, cell_box: BBox) -> bool:
    """Whether a line ends a character or two short because a mark that may not begin a line
    (`，`, `、`, `。`) took the character before it down with it, as CJK typesetting does."""
    _, y0, x1, y1 = line
    room = cell_box[2] - x1
    return room <= _PUSHED_CHARACTERS * (y1 - y0) and any(
        ch in _NO_LINE_START for ch in next_text.lstrip()[:2]
    )


def ends_short(line: BBox, cell_box: BBox, left_pad: float) -> bool:
    """Whether a line ends well before the cell's right edge: by more than the text's left
    margin and one and a half characters, so that what follows it is not its wrap."""
    _, y0, x1, y1 = line
    return cell_box[2] - x1 > left_pad + 1.5 * (y1 - y0)


def _following_lines(lines: list[TextLine], cell_box: BBox) -> list[tuple[TextLine, bool]]:
    """Every line but the first, with whether the line before it ends short."""
    if not lines:
        return []
    left_pad = min(line.bbox[0] for line in lines) - cell_box[0]
    return [
        (line, ends_short(prev.bbox, cell_box, left_pad))
        for prev, line in itertools.pairwise(lines)
    ]


# A box lower than this share of the one it is set beside is a mark on that line, not a line.
_MARK_SHARE = 0.6


def group_lines(tokens: list[OcrToken]) -> list[TextLine]:
    """Tokens into lines, top to bottom, each line left to right."""
    lines: list[list[OcrToken]] = []
    for token in sorted(tokens, key=lambda t: (t.bbox[1] + t.bbox[3]) / 2):
        if lines and _same_row(union_box([t.bbox for t in lines[-1]]), token.bbox):
            lines[-1].append(token)
        else:
            lines.append([token])
    return [TextLine(tuple(sorted(ln, key=lambda t: t.bbox[0]))) for ln in lines]


def _same_row(a: BBox, b: BBox) -> bool:
    """Boxes overlapping by half the lower one's height; where both are about a line tall,
    their middles also less than half a line apart: a detector's padded boxes of two lines
    set close overlap that much, and a row of both, read left to right, put the second
    line's start before the first's. A mark much lower than the line (a comma) sits anywhere
    on it."""
    heights = sorted((a[3] - a[1], b[3] - b[1]))
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    if overlap < 0.5 * heights[0]:
        return False
    apart = abs((a[1] + a[3]) - (b[1] + b[3])) / 2
    return heights[0] < _MARK_SHARE * heights[1] or apart < 0.5 * heights[0]
