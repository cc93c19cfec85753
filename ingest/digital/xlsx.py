"""An XLSX workbook's form table read from its cells (openpyxl, MIT), merges included.

The table is the block of rows that carry cell borders; rows above and below it (the title,
a unit note) are the text around it. Every visible sheet is read, one after another. Hidden
rows and columns are not printed, so they are not read; columns that hold neither text nor
borders (a narrow margin column) are dropped. Values are shown as the sheet formats them
(decimals, thousands separators, percentages), because that is what the form says; formula
cells give the value Excel last computed.
"""

import datetime as dt
import re
import warnings
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ingest.digital.source_table import SourceCell, SourceTable, tile
from ingest.errors import InputRejected

MAX_CELLS = 100_000  # per sheet's used range; a form has a few hundred
_DECIMALS = re.compile(r"0\.(0+)")


def read_xlsx(path: Path) -> SourceTable:
    try:  # from an open file: the stored upload has no name for openpyxl to check
        with warnings.catch_warnings(), path.open("rb") as handle:
            warnings.simplefilter("ignore")  # openpyxl warns about unknown extensions
            book = load_workbook(handle, data_only=True, keep_links=False, keep_vba=False)
    except Exception as exc:  # a damaged file fails inside openpyxl in many ways
        raise InputRejected("corrupt_office", f"The workbook cannot be read: {exc}") from exc
    tables: list[list[SourceCell]] = []
    outside: list[str] = []
    try:
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                continue
            cells, around = _sheet(sheet)
            tables.append(cells)
            outside += around
    finally:
        book.close()
    n_rows, n_cols, cells = tile(tables)
    return SourceTable(n_rows=n_rows, n_cols=n_cols, cells=cells, outside=tuple(outside))


def _sheet(sheet: Worksheet) -> tuple[list[SourceCell], list[str]]:
    if sheet.max_row * sheet.max_column > MAX_CELLS:
        raise InputRejected(
            "office_too_complex", f"Sheet {sheet.title!r} uses more than {MAX_CELLS} cells."
        )
    rows = [r for r in range(1, sheet.max_row + 1) if not sheet.row_dimensions[r].hidden]
    cols = [
        c
        for c in range(1, sheet.max_column + 1)
        if not sheet.column_dimensions[get_column_letter(c)].hidden
    ]
    merges = {(m.min_row, m.min_col): (m.max_row, m.max_col) for m in sheet.merged_cells.ranges}
    bordered = [r for r in rows if any(_has_border(sheet.cell(r, c)) for c in cols)]
    if bordered:
        top, bottom = bordered[0], bordered[-1]
    else:  # no borders: everything below the leading lines of one value is the table
        top = next((r for r in rows if _values_in_row(sheet, r, cols) > 1), rows[0] if rows else 1)
        bottom = rows[-1] if rows else 0
    table_rows = [r for r in rows if top <= r <= bottom]
    outside = [
        text
        for r in rows
        if not top <= r <= bottom
        for c in cols
        if (text := display(sheet.cell(r, c)))
    ]
    used_cols = [
        c
        for c in cols
        if any(
            display(sheet.cell(r, c)) or _has_border(sheet.cell(r, c)) or (r, c) in merges
            for r in table_rows
        )
    ]
    row_at = {r: i for i, r in enumerate(table_rows)}
    col_at = {c: i for i, c in enumerate(used_cols)}
    cells: list[SourceCell] = []
    for r in table_rows:
        for c in used_cols:
            cell = sheet.cell(r, c)
            if isinstance(cell, MergedCell):
                continue  # covered by the merge's first cell
            last_row, last_col = merges.get((r, c), (r, c))
            row_span = sum(1 for x in table_rows if r <= x <= last_row)
            col_span = sum(1 for x in used_cols if c <= x <= last_col)
            cells.append(
                SourceCell(row_at[r], col_at[c], max(row_span, 1), max(col_span, 1), display(cell))
            )
    return cells, outside


def _values_in_row(sheet: Worksheet, row: int, cols: list[int]) -> int:
    return sum(1 for c in cols if display(sheet.cell(row, c)))


def _has_border(cell: Cell | MergedCell) -> bool:
    border = cell.border
    return any(
        side is not None and side.style is not None
        for side in (border.left, border.right, border.top, border.bottom)
    )


def display(cell: Cell | MergedCell) -> str:
    """The cell's value as the sheet shows it."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        return _number(value, cell.number_format or "General")
    if isinstance(value, (dt.datetime, dt.date)):
        if "年" in (cell.number_format or ""):
            return f"{value.year}年{value.month}月{value.day}日"
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def _number(value: float | int | Decimal, number_format: str) -> str:
    """A number in its format's decimals, separators and percent sign (the common formats);
    in the shortest form that keeps it under General."""
    fmt = number_format.split(";")[0]
    percent = "%" in fmt
    amount = Decimal(str(value)) * (100 if percent else 1)
    decimals = _DECIMALS.search(fmt)
    places = len(decimals.group(1)) if decimals else (0 if "0" in fmt else None)
    if places is None:
        text = format(amount.normalize(), "f") if amount == amount.to_integral() else str(amount)
    else:
        text = f"{amount:{',' if ',' in fmt else ''}.{places}f}"
    return text + ("%" if percent else "")
