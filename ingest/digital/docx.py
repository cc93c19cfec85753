"""A DOCX document's form table read from its XML (python-docx, MIT), merges included.

Word keeps a horizontal merge as a cell spanning grid columns (`gridSpan`) and a vertical one
as a first cell (`vMerge="restart"`) followed by continuation cells in the rows below; both
become one cell with spans here. Top-level tables are read in order and stacked into one;
paragraphs outside them (title, unit, notes) are the text around the table. A table nested in
a cell gives its text to that cell, line by line.
"""

from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl, CT_Tc
from docx.oxml.text.paragraph import CT_P

from ingest.digital.source_table import SourceCell, SourceTable, tile
from ingest.errors import InputRejected


def read_docx(path: Path) -> SourceTable:
    try:
        with path.open("rb") as handle:  # the stored upload has no name to go by
            document = Document(handle)
    except Exception as exc:  # a damaged file fails inside python-docx in many ways
        raise InputRejected("corrupt_office", f"The document cannot be read: {exc}") from exc
    tables: list[list[SourceCell]] = []
    outside: list[str] = []
    for element in document.element.body.iterchildren():
        if isinstance(element, CT_Tbl):
            tables.append(_table(element))
        elif isinstance(element, CT_P) and (text := element.text.strip()):
            outside.append(text)
    n_rows, n_cols, cells = tile(tables)
    return SourceTable(n_rows=n_rows, n_cols=n_cols, cells=cells, outside=tuple(outside))


def _table(table: CT_Tbl) -> list[SourceCell]:
    """Cells of one table; a vertical merge's continuation cells extend the cell above."""
    cells: list[SourceCell] = []
    open_above: dict[int, int] = {}  # grid column -> index in `cells` of the merge it continues
    for row, tr in enumerate(table.tr_lst):
        col = tr.grid_before
        continued: dict[int, int] = {}
        for tc in tr.tc_lst:
            span = max(tc.grid_span, 1)
            merge = tc.vMerge
            if merge == "continue" and col in open_above:
                index = open_above[col]
                first = cells[index]
                cells[index] = SourceCell(
                    first.row, first.col, row - first.row + 1, first.col_span, first.text
                )
                continued[col] = index
            else:
                cells.append(SourceCell(row, col, 1, span, _text(tc)))
                if merge == "restart":
                    continued[col] = len(cells) - 1
            col += span
        open_above = continued
    return cells


def _text(tc: CT_Tc) -> str:
    """A cell's paragraphs, nested tables' included, one line each."""
    lines = [p.text.strip() for p in tc.iter(qn("w:p"))]
    return "\n".join(line for line in lines if line)
