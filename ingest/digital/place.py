"""Characters of the text layer placed into the grid's cells by their boxes.

A character belongs to the cell holding the centre of its box; within a cell, characters on
one row form a line, and lines join into the cell's text by the same rule as OCR'd lines
(`ingest.ocr.lines.compose_text`), so both paths give a cell the same text for the same print.
Characters outside every cell are the text around the table (title, unit, page number), cut
into pieces where a gap wider than two characters separates them. Every character comes from
the file, so its confidence is 1.
"""

import bisect
from collections.abc import Sequence

from ingest.artifacts import BBox, CellText, Grid, OcrToken, PageTable, union_box
from ingest.digital.layer import LayerChar, LayerPage
from ingest.ocr.lines import TextLine, compose_text, group_lines, has_stacked_lines

_PIECE_GAP = 2.0  # in character heights: a wider gap on a line outside the table parts it


def place_chars(page: LayerPage, grid: Grid | None) -> PageTable:
    """The page's cells with the layer's text in them, and the text outside the table."""
    chars = [c for c in page.chars if c.visible and c.text.strip()]
    cells = grid.cells if grid else ()
    owned: list[list[LayerChar]] = [[] for _ in cells]
    outside: list[LayerChar] = []
    finder = _CellFinder(grid)
    for char in chars:
        index = finder.find(char)
        (outside if index is None else owned[index]).append(char)
    texts = []
    for cell, inside in zip(cells, owned, strict=True):
        lines = _lines(inside)
        texts.append(
            CellText(
                page=page.index,
                cell=cell,
                text=compose_text(lines, cell.bbox),
                tokens=tuple(t for line in lines for t in line.tokens),
                stacked_lines=has_stacked_lines(lines, cell.bbox),
            )
        )
    return PageTable(
        page=page.index,
        width=page.width,
        height=page.height,
        grid=grid,
        cells=tuple(texts),
        outside=tuple(_outside_pieces(outside)),
    )


class _CellFinder:
    """Which cell holds a point: cells indexed by the grid's row and column edges."""

    def __init__(self, grid: Grid | None) -> None:
        self._rows = list(grid.row_edges) if grid else []
        self._cols = list(grid.col_edges) if grid else []
        self._at: dict[tuple[int, int], int] = {}
        for index, cell in enumerate(grid.cells if grid else ()):
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.col, cell.col + cell.col_span):
                    self._at[(r, c)] = index

    def find(self, char: LayerChar) -> int | None:
        x = (char.box[0] + char.box[2]) / 2
        y = (char.box[1] + char.box[3]) / 2
        row = _slot(self._rows, y)
        col = _slot(self._cols, x)
        if row is None or col is None:
            return None
        return self._at.get((row, col))


def _slot(edges: Sequence[int], value: float) -> int | None:
    if len(edges) < 2 or not edges[0] <= value < edges[-1]:
        return None
    return bisect.bisect_right(edges, value) - 1


def _char_token(char: LayerChar) -> OcrToken:
    x0, y0, x1, y1 = char.box
    box: BBox = (round(x0), round(y0), round(x1), round(y1))
    return OcrToken(text=char.text, bbox=box, confidence=1.0, char_confidences=(1.0,))


def _joined(tokens: Sequence[OcrToken]) -> OcrToken:
    text = "".join(t.text for t in tokens)
    return OcrToken(
        text=text,
        bbox=union_box(t.bbox for t in tokens),
        confidence=1.0,
        char_confidences=(1.0,) * len(text),
    )


def _rows(chars: list[LayerChar]) -> list[TextLine]:
    """Characters as rows, top to bottom, each left to right, one token per character."""
    return group_lines([_char_token(c) for c in chars]) if chars else []


def _lines(chars: list[LayerChar]) -> list[TextLine]:
    """A cell's text lines, each one token as a recognised line would be."""
    return [TextLine((_joined(row.tokens),)) for row in _rows(chars)]


def _outside_pieces(chars: list[LayerChar]) -> list[OcrToken]:
    pieces: list[OcrToken] = []
    for row in _rows(chars):
        run: list[OcrToken] = []
        for token in row.tokens:
            height = token.bbox[3] - token.bbox[1]
            if run and token.bbox[0] - run[-1].bbox[2] > _PIECE_GAP * height:
                pieces.append(_joined(run))
                run = []
            run.append(token)
        pieces.append(_joined(run))
    return pieces
