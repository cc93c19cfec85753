"""Every page and every text line ends in a field, a label, known page text or a document flag
(oracle readings of hand-made pages, so the accounting is tested apart from the OCR)."""

from ingest.accounting import account
from ingest.artifacts import (
    CellPiece,
    CellText,
    Grid,
    GridCell,
    LogicalCell,
    MappingTrace,
    OcrToken,
    PageTable,
    Table,
)
from ingest.template import default_template
from models.contract import PageOutcome, ReviewState
from tests.ingest.layouts import TASKS_HEADER, seed_truth
from tests.ingest.losses import (
    HEAD,
    INDICATOR_ROWS,
    TASKS,
    assembled,
    flags,
    indicators,
    silent_rows,
    tables,
    with_outside,
)
from tests.ingest.oracle import page_table, page_tables, truth_page


def _blank(index: int) -> PageTable:
    return PageTable(page=index, width=1654, height=2339, grid=None)


def test_every_line_of_the_seed_ends_in_a_field_or_a_label():
    truth = seed_truth()
    doc = assembled(page_tables(truth))
    assert doc.document_flags == [] and doc.review_state == ReviewState.READY
    account = doc.accounting
    assert [p.outcome for p in account.pages] == [PageOutcome.TABLE] * 3
    printed = sum(1 for page in truth.pages for cell in page.cells if cell.text.strip())
    assert account.text_lines == printed + 1  # and the title
    assert account.placed_lines == account.text_lines and account.placed_share == 1.0


def test_a_page_whose_reading_failed_is_unread_and_covers_its_rows():
    truth = seed_truth()
    read = page_tables(truth)
    doc = assembled([read[0], read[2]], pages=3)
    flag = flags(doc, "page_unread")[0]
    assert (flag.page, flag.section, flag.status) == (2, None, "open")
    assert "第2页" in flag.message
    assert doc.accounting.pages[1].outcome == PageOutcome.UNREAD
    assert doc.review_state == ReviewState.NEEDS_REVIEW
    assert silent_rows(truth, doc) == 0


def test_a_blank_page_is_said_to_be_blank_and_flags_nothing():
    doc = assembled([*page_tables(seed_truth()), _blank(3)])
    assert doc.accounting.pages[3].outcome == PageOutcome.BLANK
    assert doc.document_flags == [] and doc.review_state == ReviewState.READY


def test_a_page_of_text_without_a_table_is_unread_with_its_text():
    notes = with_outside(_blank(3), "补充说明：另有三项指标", (200, 300, 900, 340))
    doc = assembled([*page_tables(seed_truth()), notes])
    (page,) = flags(doc, "page_unread")
    assert page.page == 4 and page.text == "补充说明：另有三项指标"
    (line,) = flags(doc, "unassigned_text")
    assert (line.page, line.bbox, line.section) == (4, [200, 300, 900, 340], None)
    assert doc.accounting.pages[3].outcome == PageOutcome.UNREAD
    assert doc.review_state == ReviewState.NEEDS_REVIEW


def test_a_page_holding_only_a_header_row_is_unread_and_its_rows_are_covered():
    truth = seed_truth()
    read = page_tables(truth)
    header_only = page_table(truth_page(3, [["年度重点工作任务", *TASKS_HEADER]]))
    doc = assembled([read[0], read[1], header_only])
    assert len(doc.indicators) < len(truth.document.indicators)  # page 3's rows are gone
    (flag,) = flags(doc, "page_unread")
    assert flag.page == 3 and doc.accounting.pages[2].outcome == PageOutcome.UNREAD
    assert silent_rows(truth, doc) == 0


def _garbled(table: PageTable) -> PageTable:
    """`table` with every cell read backwards: no section label or header is recognisable."""
    cells = tuple(
        c.model_copy(
            update={
                "text": c.text[::-1],
                "tokens": tuple(t.model_copy(update={"text": t.text[::-1]}) for t in c.tokens),
            }
        )
        for c in table.cells
    )
    return table.model_copy(update={"cells": cells})


def test_a_table_under_the_forms_title_whose_sections_were_not_read_is_unread_on_every_page():
    """Not refused as another form (which would say nothing of the rows it held): every page
    is a page_unread flag and every rows section a section_incomplete one."""
    truth = seed_truth()
    doc = assembled([_garbled(t) for t in page_tables(truth)])
    assert [f.page for f in flags(doc, "page_unread")] == [1, 2, 3]
    assert {f.section for f in flags(doc, "section_incomplete")} == {"tasks", "indicators"}
    assert [p.outcome for p in doc.accounting.pages] == [PageOutcome.UNREAD] * 3
    assert doc.review_state == ReviewState.NEEDS_REVIEW
    assert silent_rows(truth, doc) == 0


def test_text_beside_the_table_is_an_unassigned_text_flag_with_its_place():
    (page,) = tables(HEAD + TASKS + indicators(INDICATOR_ROWS))
    note = with_outside(page, "另有两项任务见附件", (1500, 700, 1540, 1100))
    doc = assembled([note])
    (flag,) = doc.document_flags
    assert (flag.reason, flag.page, flag.bbox) == ("unassigned_text", 1, [1500, 700, 1540, 1100])
    assert flag.text == "另有两项任务见附件" and "另有两项任务见附件" in flag.message
    assert doc.review_state == ReviewState.NEEDS_REVIEW
    assert doc.accounting.placed_lines == doc.accounting.text_lines - 1


def test_unit_line_page_numbers_attachment_mark_and_a_header_above_the_frame_are_placed():
    (page,) = tables(HEAD + TASKS + indicators(INDICATOR_ROWS))
    for text, y in (
        ("附件2", 20),
        ("单位：万元", 200),
        ("1一级指标二级指标1", 230),  # a header row above a frame whose top rule was not seen
        ("— 1 —", 2210),
        ("-1_", 2250),  # a speck read after the page number
        ("-1二", 2270),  # its dash read as 二
        ("第 1 页，共 1 页.", 2290),
        ("2024年市级部门整体预算绩效目标表", 2320),  # the title printed again
    ):
        page = with_outside(page, text, (700, y, 900, y + 30))
    doc = assembled([page])
    assert doc.document_flags == [] and doc.accounting.placed_share == 1.0


def test_cells_no_field_holds_are_flagged_with_their_section():
    rows = HEAD + TASKS + indicators(INDICATOR_ROWS)
    rows.insert(2, ["基本信息", "备注", "另附说明", "", ""])
    doc = assembled(tables(rows))
    found = [(f.section, f.page, f.text) for f in flags(doc, "unassigned_text")]
    assert found == [("basic_info", 1, "备注"), ("basic_info", 1, "另附说明")]
    assert doc.review_state == ReviewState.NEEDS_REVIEW


def test_a_cell_of_no_table_cell_is_placed_when_a_field_holds_its_text_whole():
    """An office file's cell cut by a page break: its print does not box the part on the next
    page, but the file's text, in the field, holds it."""
    goal = "1、做好资料收集整理工作。2、加强与各镇的沟通协调。"
    table = Table(
        n_rows=1,
        n_cols=2,
        cells=(
            LogicalCell(
                row=0,
                col=1,
                row_span=1,
                col_span=1,
                text=goal,
                confidence=1.0,
                structure_confidence=1.0,
                pieces=(CellPiece(page=0, bbox=(100, 100, 900, 300)),),
            ),
        ),
    )
    trace = MappingTrace(value_cells=frozenset({(0, 1)}))

    def page(index: int, box: tuple[int, int, int, int], text: str) -> PageTable:
        cell = GridCell(row=0, col=0, bbox=box, confidence=1.0)
        token = OcrToken(text=text, bbox=box, confidence=1.0)
        grid = Grid(
            page=index, row_edges=(box[1], box[3]), col_edges=(box[0], box[2]), cells=(cell,)
        )
        return PageTable(
            page=index,
            width=1000,
            height=1400,
            grid=grid,
            cells=(CellText(page=index, cell=cell, text=text, tokens=(token,)),),
        )

    first = page(0, (100, 100, 900, 300), "1、做好资料收集整理工作。")
    rest = page(1, (100, 50, 900, 120), "2、加强与各镇的沟通协调。")
    stray = page(2, (100, 50, 900, 120), "另附说明一份")
    result = account([first, rest, stray], table, trace, default_template(), 3)
    assert [p.outcome for p in result.account.pages] == [
        PageOutcome.TABLE,
        PageOutcome.TABLE,
        PageOutcome.UNREAD,
    ]
    assert [(f.reason, f.page, f.text) for f in result.flags] == [
        ("unassigned_text", 3, "另附说明一份"),
        ("page_unread", 3, None),
    ]


def _cut_by_a_false_rule(table: PageTable, text: str, keep: int) -> PageTable:
    """`table` with a false vertical rule through the cell reading `text`: its first `keep`
    characters stay in it, the rest fall into a cell of their own."""
    grid = table.grid
    (cut,) = [c for c in table.cells if c.text == text]
    x0, y0, x1, y1 = cut.cell.bbox
    x = (x0 + x1) // 2
    k = sum(1 for edge in grid.col_edges if edge < x)  # grid columns left of the new rule

    def moved(cell: GridCell) -> GridCell:
        col = cell.col + (cell.col >= k)
        span = cell.col_span + (cell.col < k < cell.col + cell.col_span)
        return cell.model_copy(update={"col": col, "col_span": span})

    cells = []
    for c in table.cells:
        if c is cut:
            left = GridCell(row=c.cell.row, col=k - 1, bbox=(x0, y0, x, y1), confidence=1.0)
            right = GridCell(row=c.cell.row, col=k, bbox=(x, y0, x1, y1), confidence=1.0)
            for cell, part in ((left, text[:keep]), (right, text[keep:])):
                token = OcrToken(text=part, bbox=cell.bbox, confidence=0.99)
                cells.append(CellText(page=c.page, cell=cell, text=part, tokens=(token,)))
        else:
            cells.append(c.model_copy(update={"cell": moved(c.cell)}))
    edges = tuple(sorted((*grid.col_edges, x)))
    grid = Grid(
        page=grid.page, row_edges=grid.row_edges, col_edges=edges, cells=[c.cell for c in cells]
    )
    return table.model_copy(update={"grid": grid, "cells": tuple(cells)})


def test_an_indicator_whose_row_holds_a_cell_no_field_took_is_flagged_whole():
    (page,) = tables(HEAD + TASKS + indicators(INDICATOR_ROWS))
    doc = assembled([_cut_by_a_false_rule(page, "资金使用合规率", 3)])
    (flag,) = flags(doc, "unassigned_text")
    assert (flag.text, flag.section) == ("用合规率", "indicators")
    names = [i.name for i in doc.indicators]
    cut = names.index("资金使")
    flagged = {f.path for f in doc.fields if f.status == "flagged"}
    assert {f"indicators[{cut}].{key}" for key in ("name", "value")} <= flagged
    assert not any(p.startswith(f"indicators[{cut + 1}].") for p in flagged)
