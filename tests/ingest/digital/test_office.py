"""XLSX and DOCX read from their cells: merges as spans, values as the sheet shows them, and
each cell placed on the print so the reviewer gets its crop."""

from pathlib import Path

import pytest
from openpyxl import Workbook

from ingest.digital.docx import read_docx
from ingest.digital.layer import open_layer
from ingest.digital.locate import locate
from ingest.digital.place import place_chars
from ingest.digital.rules import grid_from_vectors
from ingest.digital.source_table import SourceTable
from ingest.digital.xlsx import read_xlsx
from tests.ingest.digital.fixtures import SEED_DOCX, SEED_PDF, SEED_XLSX, seed_gold


def _cell(table: SourceTable, text: str) -> tuple[int, int, int, int]:
    cell = next(c for c in table.cells if c.text == text)
    return cell.row, cell.col, cell.row_span, cell.col_span


@pytest.mark.parametrize("read", [read_xlsx, read_docx])
def test_merges_are_spans_and_text_is_exact(read) -> None:
    path = SEED_XLSX if read is read_xlsx else SEED_DOCX
    table = read(path)
    gold = seed_gold()
    assert table.n_cols == 5
    assert _cell(table, "部门名称") == (0, 0, 1, 1)
    assert _cell(table, gold.department) == (0, 1, 1, 4)  # merged across four columns
    assert _cell(table, "预算整体情况")[2] == 6  # a vertical label over six rows
    assert _cell(table, "产出指标")[2] == 22  # a 一级指标 merged down its 22 indicators
    assert gold.tasks[1].content in {c.text for c in table.cells}  # paragraphs kept whole
    assert gold.title in table.outside
    covered = sum(c.row_span * c.col_span for c in table.cells)
    assert covered == table.n_rows * table.n_cols  # the cells tile the table


def test_numbers_read_as_the_sheet_formats_them(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    values = [(10891.62, "#,##0.00"), (64.1, "0.00"), (0.985, "0.0%"), (18, "General"),
              (397.72, "General"), ("≧95%", "@")]  # fmt: skip
    for row, (value, number_format) in enumerate(values, start=1):
        sheet.cell(row, 1, "x")
        cell = sheet.cell(row, 2, value)
        cell.number_format = number_format
    book.save(tmp_path / "n.xlsx")
    shown = [c.text for c in read_xlsx(tmp_path / "n.xlsx").cells if c.col == 1]
    assert shown == ["10,891.62", "64.10", "98.5%", "18", "397.72", "≧95%"]


def test_hidden_rows_and_blank_margin_columns_are_not_read(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.cell(1, 2, "部门名称")
    sheet.cell(1, 3, "湛江市归国华侨联合会")
    sheet.cell(2, 2, "旧版本")
    sheet.row_dimensions[2].hidden = True
    sheet.cell(3, 2, "基本信息")
    sheet.cell(3, 3, "18")
    book.save(tmp_path / "h.xlsx")
    table = read_xlsx(tmp_path / "h.xlsx")
    assert (table.n_rows, table.n_cols) == (2, 2)
    assert [c.text for c in table.cells] == ["部门名称", "湛江市归国华侨联合会", "基本信息", "18"]


def test_each_cell_gets_the_box_its_print_shows() -> None:
    """seed.pdf is seed.xlsx printed: each value's piece is the printed cell holding it."""
    with open_layer(SEED_PDF) as layer:
        printed = []
        for index in range(3):
            page = layer.read(index, 200)
            printed.append(place_chars(page, grid_from_vectors(page)))
    table = locate(read_xlsx(SEED_XLSX), printed)
    shown = {(c.page, c.cell.bbox): c.text for t in printed for c in t.cells}
    gold = seed_gold()
    for text in (gold.department, "397.72", gold.tasks[1].name, "投诉率"):
        cell = next(c for c in table.cells if c.text == text)
        (piece,) = cell.pieces
        assert shown[(piece.page, piece.bbox)] == text
    label = next(c for c in table.cells if c.text == "绩效指标")
    assert [p.page for p in label.pieces] == [1, 2]  # cut by the page break: on both pages
    empty = next(c for c in table.cells if c.row == 4 and c.col == 4)  # 其他资金: empty
    assert empty.text == "" and empty.pieces[0].page == 0
    assert empty.pieces[0].bbox[0] > 1100  # in the last column, where the print has it
    (title,) = table.outside[:1]
    assert title.text == gold.title and title.bbox[1] < 250
