"""A table as an office file holds it: cells with their spans and exact text, no pixels yet.

The XLSX and DOCX readers both produce this; `ingest.digital.locate` then finds where each
cell was printed and makes the pipeline's `Table` of it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceCell:
    row: int
    col: int
    row_span: int
    col_span: int
    text: str


@dataclass(frozen=True)
class SourceTable:
    """The file's table cells (a full tiling of `n_rows` x `n_cols`) and, in reading order,
    the text around them (title, unit, notes)."""

    n_rows: int
    n_cols: int
    cells: tuple[SourceCell, ...]
    outside: tuple[str, ...] = ()


def tile(rows: list[list[SourceCell]]) -> tuple[int, int, tuple[SourceCell, ...]]:
    """Tables read one after another become one: rows renumbered in order, the width the
    widest table's. `rows` holds each table's cells, rows numbered from 0 within it."""
    cells: list[SourceCell] = []
    offset = 0
    width = 0
    for table in rows:
        if not table:
            continue
        for cell in table:
            cells.append(
                SourceCell(cell.row + offset, cell.col, cell.row_span, cell.col_span, cell.text)
            )
        offset += max(c.row + c.row_span for c in table)
        width = max(width, max(c.col + c.col_span for c in table))
    return offset, width, tuple(cells)
