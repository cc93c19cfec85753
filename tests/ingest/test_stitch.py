from collections.abc import Callable

import pytest

from ingest.artifacts import BBox, CellText, OcrToken, PageTable, Table
from ingest.stitch import column_lattice, stitch
from ingest.template import default_template
from tests.ingest.layouts import INDICATORS_HEADER, TASKS_HEADER, seed_truth
from tests.ingest.oracle import UP, Entry, Span, page_table, page_tables, truth_page

TEMPLATE = default_template()


def stitched(*pages: list[list[Entry]], widths: tuple[int, ...] | None = None) -> Table:
    options = {"column_widths": widths} if widths else {}
    return stitch(
        [page_table(truth_page(n, rows, **options)) for n, rows in enumerate(pages, 1)],
        TEMPLATE,
    )


def texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows()]


def cell_at(table: Table, row: int, col: int):
    return next(
        c
        for c in table.cells
        if c.row <= row < c.row + c.row_span and c.col <= col < c.col + c.col_span
    )


def test_repeated_tasks_header_is_dropped_on_every_later_page():
    table = stitch(page_tables(seed_truth()), TEMPLATE)
    headers = [row for row in texts(table) if "名称" in row]
    assert len(headers) == 1
    # 11 + 17 + 21 printed rows, two repeated headers gone
    assert table.n_rows == 11 + 17 + 21 - 2


def test_header_first_printed_at_a_page_top_is_kept():
    page1 = [["部门名称", "甲", "", "", ""]]
    page2 = [["年度重点工作任务", *TASKS_HEADER], [UP, "任务", "内容", "1.00", "目标"]]
    table = stitched(page1, page2)
    assert table.n_rows == 3
    assert texts(table)[1][1:] == TASKS_HEADER


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("绩效指标", "", "绩效指标"),
        ("", "绩效指标", "绩效指标"),
        ("绩效指标", "绩效指标", "绩效指标"),
        ("", "", ""),
    ],
)
def test_label_cut_by_the_page_break_is_one_cell(first, second, expected):
    page1 = [
        [first, *INDICATORS_HEADER],
        [UP, "产出指标", "数量指标", "培训次数", "6次"],
    ]
    page2 = [
        [second, "", "", "培训人数", "100人"],
        [UP, "效益指标", "社会效益指标", "覆盖率", "90%"],
    ]
    table = stitched(page1, page2)
    label = cell_at(table, 0, 0)
    assert (label.row, label.row_span, label.text) == (0, 4, expected)
    assert label.joined_across_pages
    assert [p.page for p in label.pieces] == [0, 1]
    # The 一级/二级 parts on page 2 carry no text: they are the rest of the cells above.
    level1, level2 = cell_at(table, 2, 1), cell_at(table, 2, 2)
    assert (level1.row, level1.row_span, level1.text) == (1, 2, "产出指标")
    assert (level2.row, level2.row_span, level2.text) == (1, 2, "数量指标")
    assert cell_at(table, 3, 1).text == "效益指标"


@pytest.mark.parametrize("label", ["年度重点工作任务", "蛋"])  # read, or read as nothing like it
def test_a_new_section_at_the_page_top_is_not_joined_to_an_unlabelled_part(label):
    page1 = [
        [label, *TASKS_HEADER],
        [UP, "任务一", "内容", "1.00", "目标"],
    ]
    page2 = [["", "任务二", "内容", "2.00", "目标"]]
    page3 = [
        ["其他需完成的任务(可选填)", "", "", "", ""],
        ["绩效指标", *INDICATORS_HEADER],
    ]
    table = stitched(page1, page2, page3)
    labels = [c.text for c in table.cells if c.col == 0]
    assert labels == [label, "其他需完成的任务(可选填)", "绩效指标"]
    assert cell_at(table, 0, 0).row_span == 3


def test_different_levels_at_the_page_top_start_new_cells():
    page1 = [["绩效指标", *INDICATORS_HEADER], [UP, "产出指标", "数量指标", "次数", "6次"]]
    page2 = [["", "产出指标", "质量指标", "合格率", "100%"]]
    table = stitched(page1, page2)
    level1, level2 = cell_at(table, 2, 1), cell_at(table, 2, 2)
    assert level1.row_span == 2 and level1.text == "产出指标"
    assert (level2.row, level2.text, level2.joined_across_pages) == (2, "质量指标", False)


def tasks_pages(
    second_name: str,
    second_label: str = "",
    content: tuple[str, str] = ("1、举办培训，", "加强联系。"),
) -> tuple[list, list]:
    page1 = [
        ["年度重点工作任务", *TASKS_HEADER],
        [UP, "市侨联工作经费", content[0], "49.41", "1. 宣传"],
    ]
    page2 = [
        ["年度重点工作任务", *TASKS_HEADER],
        [second_label, second_name, content[1], "", "2. 加强联系"],
    ]
    return page1, page2


@pytest.mark.parametrize("label", ["", "年度重点工作任务"])
def test_row_cut_by_the_page_break_is_joined(label):
    table = stitched(*tasks_pages("", label))
    assert table.n_rows == 2
    content = cell_at(table, 1, 2)
    assert content.text == "1、举办培训，加强联系。"
    assert content.joined_across_pages and [p.page for p in content.pieces] == [0, 1]
    assert cell_at(table, 1, 4).text == "1. 宣传2. 加强联系"  # no token boxes: joined directly
    assert cell_at(table, 1, 1).text == "市侨联工作经费"
    assert cell_at(table, 1, 3).text == "49.41"


def _one_line(page: PageTable, text: str, box: Callable[[BBox], BBox]) -> PageTable:
    """The page as a reader boxes it: the cell holding `text` read as one line at `box` of the
    cell's box."""
    cells = []
    for cell in page.cells:
        if cell.text == text:
            line = OcrToken(text=text, bbox=box(cell.cell.bbox), confidence=1.0)
            cell = cell.model_copy(update={"tokens": (line,)})
        cells.append(cell)
    return page.model_copy(update={"cells": tuple(cells)})


def _short_last_line(page: PageTable, text: str) -> PageTable:
    """The cell holding `text` ends on a short line: half its width, from its left edge."""
    return _one_line(page, text, lambda b: (b[0], b[1], b[0] + (b[2] - b[0]) // 2, b[3]))


def test_row_with_its_own_name_at_the_page_top_is_a_new_row():
    page1, page2 = tasks_pages("门户网站建设")
    pages = [page_table(truth_page(n, rows)) for n, rows in enumerate((page1, page2), 1)]
    table = stitch([_short_last_line(pages[0], "市侨联工作经费"), pages[1]], TEMPLATE)
    assert table.n_rows == 3
    assert [cell_at(table, r, 1).text for r in (1, 2)] == ["市侨联工作经费", "门户网站建设"]


def test_a_name_wrapped_over_the_page_break_is_one_name():
    page1, page2 = tasks_pages("费")
    page1[1][1] = "市侨联工作经"
    table = stitched(page1, page2)  # the name filled its line, no amount after the break
    assert table.n_rows == 2
    assert cell_at(table, 1, 1).text == "市侨联工作经费"
    # The same figure-less row after a name that ended on a short line is a new row.
    pages = [page_table(truth_page(n, rows)) for n, rows in enumerate((page1, page2), 1)]
    table = stitch([_short_last_line(pages[0], "市侨联工作经"), pages[1]], TEMPLATE)
    assert table.n_rows == 3


def _full_last_line(page: PageTable, text: str) -> PageTable:
    """The cell holding `text` ends on a line as wide as it."""
    return _one_line(page, text, lambda b: (b[0] + 4, b[1] + 4, b[2] - 4, b[3] - 4))


def _centred_short_line(page: PageTable, text: str) -> PageTable:
    """The cell holding `text` as an office program prints a centred cell: one line about two
    characters wide, as wide a margin on its left as on its right."""

    def centred(b: BBox) -> BBox:
        half, mid = b[3] - b[1] - 8, (b[0] + b[2]) // 2
        return (mid - half, b[1] + 4, mid + half, b[3] - 4)

    return _one_line(page, text, centred)


def test_rows_a_break_may_have_cut_from_one_are_kept_apart_in_doubt():
    """A name that fills its last line before the break, and a first row after it with a name
    and an amount of its own: one row broken line by line (Word) or two rows."""
    page1, page2 = tasks_pages("门户网站建设")
    page2[1][3] = "12.00"
    pages = [page_table(truth_page(n, rows)) for n, rows in enumerate((page1, page2), 1)]
    after = _short_last_line(pages[1], "门户网站建设")
    # The name after the break short against the full line before it, left-aligned or centred
    # (`矛盾纠纷排查社会` / `影响`: not short against the cell's edge, as wide a margin each side).
    for short in (after, _centred_short_line(pages[1], "门户网站建设")):
        table = stitch([_full_last_line(pages[0], "市侨联工作经费"), short], TEMPLATE)
        assert table.n_rows == 3
        assert [cell_at(table, r, 1).text for r in (1, 2)] == ["市侨联工作经费", "门户网站建设"]
        doubtful = {(c.row, c.col) for c in table.cells if c.structure_confidence < 0.5}
        assert doubtful == {(r, c) for r in (1, 2) for c in (1, 2, 3, 4)}
    # The same rows after a name that ended on a short line, or before a name that fills
    # its line, are two rows, in no doubt.
    for first, second in (
        (_short_last_line(pages[0], "市侨联工作经费"), after),
        (_full_last_line(pages[0], "市侨联工作经费"), _full_last_line(pages[1], "门户网站建设")),
    ):
        table = stitch([first, second], TEMPLATE)
        assert table.n_rows == 3
        assert all(c.structure_confidence == 1.0 for c in table.cells)


def test_a_row_broken_line_by_line_inside_a_level_name_cut_by_the_break_is_in_doubt():
    """The break cuts the group's level names (`产出` / `指标`, `数量指` / `标`) and the row's
    name and value, each line by line: the level cells are one, and the two rows' own cells,
    which may be one row or two, are in doubt, not accepted as two rows."""
    page1 = [
        ["绩效指标", *INDICATORS_HEADER],
        [UP, "产出", "数量指", "社区矫正走访任务", "根据下达"],
    ]
    page2 = [["", "指标", "标", "量", "任务目标要求确定"]]
    widths = (150, 150, 150, 360, 200)
    pages = [
        page_table(truth_page(n, rows, column_widths=widths))
        for n, rows in enumerate((page1, page2), 1)
    ]
    first = _full_last_line(pages[0], "社区矫正走访任务")
    table = stitch([first, _short_last_line(pages[1], "量")], TEMPLATE)
    assert (cell_at(table, 1, 1).text, cell_at(table, 2, 2).text) == ("产出指标", "数量指标")
    doubtful = {(c.row, c.col) for c in table.cells if c.structure_confidence < 0.5}
    assert {(r, c) for r in (1, 2) for c in (3, 4)} <= doubtful
    # a new group after the break (its own level names) starts a new row, in no doubt
    page2 = [["", "效益指标", "社会效益指标", "量", "任务目标要求确定"]]
    second = _short_last_line(page_table(truth_page(2, page2, column_widths=widths)), "量")
    table = stitch([first, second], TEMPLATE)
    assert all(c.structure_confidence == 1.0 for c in table.cells)


def _centred_lines(page: PageTable, text: str, lines: tuple[str, str]) -> PageTable:
    """The cell holding `text` as a browser prints a centred cell: two lines of equal width,
    a wide margin on both sides of each."""
    cells = []
    for cell in page.cells:
        if cell.text == text:
            x0, y0, x1, y1 = cell.cell.bbox
            margin, mid = (x1 - x0) // 5, (y0 + y1) // 2
            boxes = (
                (x0 + margin, y0 + 4, x1 - margin, mid),
                (x0 + margin, mid + 2, x1 - margin, y1),
            )
            tokens = tuple(
                OcrToken(text=line, bbox=box, confidence=1.0)
                for line, box in zip(lines, boxes, strict=True)
            )
            cell = cell.model_copy(update={"tokens": tokens})
        cells.append(cell)
    return page.model_copy(update={"cells": tuple(cells)})


def test_a_centred_name_wrapped_over_the_page_break_is_one_name():
    page1, page2 = tasks_pages("经费")
    page1[1][1] = "市侨联工作"
    pages = [page_table(truth_page(n, rows)) for n, rows in enumerate((page1, page2), 1)]
    table = stitch([_centred_lines(pages[0], "市侨联工作", ("市侨联", "工作")), pages[1]], TEMPLATE)
    assert table.n_rows == 2  # its last line is as wide as the one above: the name goes on
    assert cell_at(table, 1, 1).text == "市侨联工作经费"


def test_continued_text_after_a_short_line_starts_a_new_line():
    page1, page2 = tasks_pages("", content=("1、举办培训。", "2、做好接待。"))
    pages = [page_table(truth_page(n, rows)) for n, rows in enumerate((page1, page2), 1)]
    cell = next(c for c in pages[0].cells if c.text == "1、举办培训。")
    x0, y0, x1, y1 = cell.cell.bbox
    short = CellText(
        page=0,
        cell=cell.cell,
        text="1、举办\n培训。",
        tokens=(
            OcrToken(text="1、举办", bbox=(x0 + 5, y0 + 5, x1 - 5, y0 + 40), confidence=0.9),
            OcrToken(text="培训。", bbox=(x0 + 5, y0 + 45, x0 + 90, y1 - 5), confidence=0.8),
        ),
    )
    cells = tuple(short if c is cell else c for c in pages[0].cells)
    pages[0] = pages[0].model_copy(update={"cells": cells})
    content = cell_at(stitch(pages, TEMPLATE), 1, 2)
    assert content.text == "1、举办\n培训。\n2、做好接待。"
    assert content.confidence == pytest.approx(0.8)


def test_a_long_goal_cut_by_the_page_break_is_one_value():
    table = stitched([["总体绩效目标", Span("上半段", 4)]], [["", Span("下半段", 4)]])
    assert table.n_rows == 1
    goal = cell_at(table, 0, 1)
    assert goal.text == "上半段下半段" and goal.joined_across_pages
    assert goal.text_cut_by_page_break


def test_a_value_printed_whole_above_the_break_is_joined_but_not_cut():
    table = stitched([["总体绩效目标", Span("上半段", 4)]], [["", Span("", 4)]])
    goal = cell_at(table, 0, 1)
    assert goal.joined_across_pages and not goal.text_cut_by_page_break


def test_pages_with_shifted_and_scaled_columns_share_one_lattice():
    widths2 = tuple(round(w * 1.3) for w in (162, 328, 421, 199, 330))
    rows1 = [["绩效指标", *INDICATORS_HEADER], [UP, "产出指标", "数量指标", "次数", "6次"]]
    rows2 = [["", "", "", "人数", "9人"]]
    pages = [
        page_table(truth_page(1, rows1)),
        page_table(truth_page(2, rows2, column_widths=widths2, origin=(60, 180))),
    ]
    assert len(column_lattice([p.grid for p in pages if p.grid])) == 6
    table = stitch(pages, TEMPLATE)
    assert table.n_cols == 5
    assert [c.col for c in table.rows()[2]] == [3, 4]


def test_a_page_without_a_grid_is_skipped_but_its_text_kept():
    pages = page_tables(seed_truth())
    token = OcrToken(text="附注", bbox=(0, 0, 10, 10), confidence=1.0)
    blank = PageTable(page=3, width=10, height=10, grid=None, outside=(token,))
    table = stitch([*pages, blank], TEMPLATE)
    assert table.n_rows == stitch(pages, TEMPLATE).n_rows
    assert table.outside_pages[-1] == 3 and table.outside[-1].text == "附注"


def test_a_header_first_printed_at_the_page_top_opens_a_new_block():
    page1 = [["其他需完成的任务(可选填)", Span("", 4)]]
    page2 = [["", *INDICATORS_HEADER], [UP, "产出指标", "数量指标", "次数", "6次"]]
    table = stitched(page1, page2)
    labels = [(c.row, c.row_span, c.text) for c in table.cells if c.col == 0]
    assert labels == [(0, 1, "其他需完成的任务(可选填)"), (1, 2, "")]


def test_a_continued_row_whose_faded_rule_merged_its_empty_amount_is_joined():
    page1, _ = tasks_pages("")
    page2 = [
        ["年度重点工作任务", *TASKS_HEADER],
        ["", "", Span("加强联系。", 2), "2. 加强联系"],  # the amount's left rule faded away
    ]
    table = stitched(page1, page2)
    assert table.n_rows == 2
    assert cell_at(table, 1, 2).text == "1、举办培训，加强联系。"
    assert cell_at(table, 1, 3).text == "49.41"
    assert cell_at(table, 1, 4).text == "1. 宣传2. 加强联系"


def test_a_merged_name_cell_at_the_page_top_is_not_a_continuation():
    page1, _ = tasks_pages("")
    page2 = [
        ["年度重点工作任务", *TASKS_HEADER],
        ["", Span("加强联系。", 2), "", "2. 加强联系"],
    ]
    assert stitched(page1, page2).n_rows == 3


def test_dust_in_the_empty_part_of_a_cut_cell_doubts_nothing_printed_across_the_break():
    """The empty part of a cell a page break cut, with a glyph-tall blob taken for dust in it,
    says nothing of the value printed on the other side; a cell empty on both sides does."""
    page1, page2 = tasks_pages("")
    page1[1][3] = ""  # no amount printed before the break either
    pages = [page_table(truth_page(n, rows)) for n, rows in enumerate((page1, page2), 1)]
    dusty = tuple(
        c.model_copy(update={"unread_mark": True}) if not c.text and c.cell.row == 1 else c
        for c in pages[1].cells
    )
    table = stitch([pages[0], pages[1].model_copy(update={"cells": dusty})], TEMPLATE)
    assert table.n_rows == 2
    name, amount = cell_at(table, 1, 1), cell_at(table, 1, 3)
    assert name.text == "市侨联工作经费" and name.confidence > 0.5
    assert amount.text == "" and amount.confidence == 0.5


def test_a_glyph_tall_blob_beside_a_cells_text_doubts_the_cell():
    """A part holding text with a glyph-tall blob dropped beside it may lack a glyph (a
    wrapped name's last character blurred into a blob): the cell is in doubt."""
    page1, page2 = tasks_pages("")
    pages = [page_table(truth_page(n, rows)) for n, rows in enumerate((page1, page2), 1)]
    dusty = tuple(
        c.model_copy(update={"unread_mark": True}) if c.text == "市侨联工作经费" else c
        for c in pages[0].cells
    )
    table = stitch([pages[0].model_copy(update={"cells": dusty}), pages[1]], TEMPLATE)
    name = cell_at(table, 1, 1)
    assert name.text == "市侨联工作经费" and name.confidence == 0.5
