"""Cell text a spreadsheet would run, made inert; text a workbook cannot hold, made writable.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is taken by Excel,
LibreOffice and Google Sheets for a formula (`=HYPERLINK(...)`, `+1+1`, `@SUM(...)`), so a
value read from a scan, or typed by a reviewer, could run when the export is opened. As OWASP
advises for CSV injection: CSV cells get a leading `'`; XLSX cells are written as text with
Excel's quote prefix, so the value itself is kept and stays text even when edited. Numbers stay
numbers: text that reads as a number (`-12.50`) is left alone, and numeric cells are never text.

XLSX cannot hold most control characters at all (openpyxl refuses them); they become U+FFFD.
"""

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would evaluate this text rather than show it."""
    return text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text.strip())


def csv_cell(value: Any) -> Any:
    """A CSV cell: formula-like text behind a `'`; everything else unchanged."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def xlsx_cell(value: Any) -> Any:
    """An XLSX value openpyxl can write: control characters replaced."""
    if isinstance(value, str):
        return _NOT_IN_XLSX.sub("\ufffd", value)
    return value


def append_row(ws: Any, values: list[Any]) -> None:
    """`ws.append(values)`, with every text cell written as text: formula-like text gets
    Excel's quote prefix (openpyxl would otherwise store a leading `=` as a live formula)."""
    ws.append([xlsx_cell(v) for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
