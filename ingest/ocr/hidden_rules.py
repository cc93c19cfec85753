"""Row rules too faint to be seen, found again from the text the row holds.

A worn or faded rule between two table rows can vanish from a scan; the grid then sees one row
where the paper has two, and every cell of it holds two entries set one above the other
(`CellText.stacked_lines`). One entry left out of the table costs all its fields with nothing
to flag, so when a one-row cell of a row holds stacked entries, another one-row cell's lines
open as wide a gap (stacked too, or centred wrapped names, whose short last lines do not show),
and their line gaps line up, the row is cut along that gap. A rule broken too much to be
taken for one may still be read as text: a run of marks (`_`, `-`) as wide as the cell and no
taller than a stroke, between lines of text. That stub is the rule itself, so the row is cut
along it whatever its cells look like (centred entries never look stacked), and it is no line
of text when gaps are measured. The cells made so are marked with a low structure confidence:
the rule was inferred, not seen, and a reviewer should confirm it.

The other way round, a rule the cells beside a cell show between two rows can be too faint
inside that one cell (a worn stretch, a browser's hairline): the grid then merges the cell over
both rows, and it holds both rows' entries. A cell spanning rows whose lines sit one entry per
row, each centred in its row, is cut along those rows' edges, in doubt the same way.
"""

import itertools
import re
from collections.abc import Iterable

import numpy as np

from ingest.artifacts import BBox, CellText, Grid, GridCell, OcrToken, PageTable
from ingest.ocr.lines import compose_text, group_lines, has_stacked_lines

# A cut inferred from the text is a structure doubt (below the flagging threshold).
INFERRED_RULE_CONFIDENCE = 0.45
# Cells whose wide line gaps must agree before a row is cut (one of them stacked): one cell
# alone may be a hard line break.
_MIN_STACKED_CELLS = 2
# Between entries of two rows lie both rows' padding and the rule: at least this many line
# heights, and this many times any other line gap of the cell.
_ROW_GAP = 0.8
_GAP_RATIO = 1.5
# A rule's stub read as text: marks only, across this share of its cell's width at least, and
# no taller than this share of the cell's text lines.
_RULE_STUB = re.compile(r"^[\s_\-—–~=.·]+$")
_STUB_WIDTH = 0.6
_STUB_HEIGHT = 0.4
# An entry of one row of a cell spanning rows has its lines' middle this close to the row's
# middle, as a share of the row's height.
_ROW_CENTRED = 0.15
# A token this flat against the cell's text height is a rule's faint ink read as a stroke.
_FLAT = 0.3


def split_stacked_rows(table: PageTable) -> PageTable:
    """`table` with every row whose stacked cells agree on a gap cut along it, until none."""
    while table.grid is not None:
        cut = _find_cut(table)
        if cut is None:
            return table
        table = _cut_row(table, *cut)
    return table


def split_spanning_cells(table: PageTable) -> PageTable:
    """`table` with every cell spanning rows that holds one entry per row (`_per_row`) cut
    into one cell per row: the rule between those rows, which the cells beside it show, was
    too faint in this cell to be seen (one cell's worn stretch, or a browser's hairline)."""
    grid = table.grid
    if grid is None:
        return table
    cells: list[CellText] = []
    for text in table.cells:
        cells.extend(_per_row(text, grid) or [text])
    if len(cells) == len(table.cells):
        return table
    new_grid = grid.model_copy(update={"cells": tuple(c.cell for c in cells)})
    return table.model_copy(update={"grid": new_grid, "cells": tuple(cells)})


def _per_row(text: CellText, grid: Grid) -> list[CellText] | None:
    """The cell as one cell per grid row it spans, when each row holds its own entry: lines
    centred in that row, apart from the next row's by a row's padding and rule, not one text
    centred in the merged cell (a name wrapped over two lines sits close around the rule's
    line). A flat mark on the rule's line (its faint ink read as `一`) is no entry. None for
    a cell of the left label column, of one row, or not holding one entry per row."""
    cell = text.cell
    if cell.row_span < 2 or cell.col == 0:
        return None
    tokens = [t for t in text.tokens if t.text.strip()]
    if len(tokens) < cell.row_span:
        return None
    height = float(np.median([t.bbox[3] - t.bbox[1] for t in tokens]))
    words = [t for t in tokens if t.bbox[3] - t.bbox[1] >= _FLAT * height]
    edges = grid.row_edges[cell.row : cell.row + cell.row_span + 1]
    x0, _, x1, _ = cell.bbox
    rows: list[tuple[BBox, list[OcrToken]]] = []
    for top, bottom in itertools.pairwise(edges):
        own = [t for t in words if top <= (t.bbox[1] + t.bbox[3]) / 2 < bottom]
        if not own:
            return None
        y0, y1 = min(t.bbox[1] for t in own), max(t.bbox[3] for t in own)
        if abs((y0 + y1) - (top + bottom)) / 2 > _ROW_CENTRED * (bottom - top):
            return None
        if rows and y0 - max(t.bbox[3] for t in rows[-1][1]) < _ROW_GAP * height:
            return None
        rows.append(((x0, top, x1, bottom), own))
    return [_part(text, cell.row + k, box, own) for k, (box, own) in enumerate(rows)]


def _find_cut(table: PageTable) -> tuple[int, int] | None:
    """(grid row, y) of the first row with a stacked one-row cell whose wide line gaps one-row
    cells share."""
    assert table.grid is not None
    for row in range(table.grid.n_rows):
        own = [c for c in table.cells if c.cell.row == row and c.cell.row_span == 1]
        stub = next((y for c in own if (y := _rule_stub(c)) is not None), None)
        if stub is not None:
            return row, stub
        if not any(c.stacked_lines for c in own):
            continue
        gaps = [g for c in own if (g := _line_gaps(c))]
        if len(gaps) < _MIN_STACKED_CELLS:
            continue
        shared = _first_shared_gap(gaps)
        if shared is not None:
            return row, shared
    return None


def _is_stub(token: OcrToken, cell: CellText, line_height: float) -> bool:
    x0, y0, x1, y1 = token.bbox
    width = cell.cell.bbox[2] - cell.cell.bbox[0]
    return (
        _RULE_STUB.match(token.text) is not None
        and x1 - x0 >= _STUB_WIDTH * width
        and y1 - y0 <= _STUB_HEIGHT * line_height
    )


def _text_height(tokens: Iterable[OcrToken]) -> float:
    heights = [t.bbox[3] - t.bbox[1] for t in tokens if _RULE_STUB.match(t.text) is None]
    return float(np.median(heights)) if heights else 0.0


def _rule_stub(cell: CellText) -> int | None:
    """The middle of a rule's stub read as text between lines of `cell`, or None."""
    height = _text_height(cell.tokens)
    for token in cell.tokens:
        if not _is_stub(token, cell, height):
            continue
        middle = (token.bbox[1] + token.bbox[3]) // 2
        others = [t for t in cell.tokens if t is not token]
        if any(t.bbox[3] <= middle for t in others) and any(t.bbox[1] >= middle for t in others):
            return middle
    return None


def _line_gaps(cell: CellText) -> list[tuple[int, int]]:
    """The blank bands between a cell's lines wide enough to hold a rule with the padding of
    the rows on both sides, and clearly wider than the cell's other line gaps (a paragraph's
    line spacing is even), top to bottom."""
    height = _text_height(cell.tokens)
    text = [t for t in cell.tokens if not _is_stub(t, cell, height)]
    boxes = sorted((t.bbox for t in text), key=lambda b: b[1])
    if len(boxes) < 2:
        return []
    line_height = float(np.median([b[3] - b[1] for b in boxes]))
    gaps = [(above[3], below[1]) for above, below in itertools.pairwise(boxes)]
    widths = [bottom - top for top, bottom in gaps]
    wide = []
    for k, width in enumerate(widths):
        others = widths[:k] + widths[k + 1 :]
        if width >= _ROW_GAP * line_height and all(width >= _GAP_RATIO * o for o in others):
            wide.append(gaps[k])
    return wide


def _first_shared_gap(gaps: list[list[tuple[int, int]]]) -> int | None:
    """The middle of the highest band that lies in a gap of every cell."""
    for top, bottom in gaps[0]:
        for others in gaps[1:]:
            overlaps = [(max(top, t), min(bottom, b)) for t, b in others if t < bottom and b > top]
            if not overlaps:
                break
            top, bottom = overlaps[0]
        else:
            return (top + bottom) // 2
    return None


def _cut_row(table: PageTable, row: int, y: int) -> PageTable:
    assert table.grid is not None
    grid = table.grid
    cells: list[CellText] = []
    for text in table.cells:
        cell = text.cell
        if cell.row > row:
            cells.append(_moved(text, cell.model_copy(update={"row": cell.row + 1})))
        elif cell.row + cell.row_span <= row:
            cells.append(text)
        elif cell.row_span > 1:  # a merged cell across the cut grows by one row
            cells.append(_moved(text, cell.model_copy(update={"row_span": cell.row_span + 1})))
        else:
            cells.extend(_halves(text, y))
    edges = sorted({*grid.row_edges, y})
    new_grid = Grid(
        page=grid.page,
        row_edges=tuple(edges),
        col_edges=grid.col_edges,
        cells=tuple(c.cell for c in cells),
    )
    return table.model_copy(update={"grid": new_grid, "cells": tuple(cells)})


def _moved(text: CellText, cell: GridCell) -> CellText:
    return text.model_copy(update={"cell": cell})


def _halves(text: CellText, y: int) -> list[CellText]:
    cell = text.cell
    x0, y0, x1, y1 = cell.bbox
    height = _text_height(text.tokens)
    words = [t for t in text.tokens if not _is_stub(t, text, height)]  # the rule is no text
    parts = []
    for row, box in ((cell.row, (x0, y0, x1, y)), (cell.row + 1, (x0, y, x1, y1))):
        tokens = [t for t in words if box[1] <= (t.bbox[1] + t.bbox[3]) / 2 < box[3]]
        parts.append(_part(text, row, box, tokens))
    return parts


def _part(text: CellText, row: int, box: BBox, tokens: list[OcrToken]) -> CellText:
    """One row's part of a cell cut along a rule inferred from its text: the tokens inside
    `box`, a structure doubt."""
    lines = group_lines(tokens)
    confidence = min(text.cell.confidence, INFERRED_RULE_CONFIDENCE)
    update = {"row": row, "row_span": 1, "bbox": box, "confidence": confidence}
    return text.model_copy(
        update={
            "cell": text.cell.model_copy(update=update),
            "text": compose_text(lines, box),
            "tokens": tuple(t for line in lines for t in line.tokens),
            "stacked_lines": has_stacked_lines(lines, box),
        }
    )
