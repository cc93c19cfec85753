"""Rows sections checked against the template, and columns against their kinds (oracle
readings of hand-made pages)."""

from models.contract import FieldStatus, ReviewState
from tests.ingest.layouts import TASKS_HEADER
from tests.ingest.losses import (
    HEAD,
    INDICATOR_ROWS,
    TASKS,
    assembled,
    continued,
    flags,
    indicators,
    tables,
)
from tests.ingest.oracle import UP, Span


def _section_messages(doc, section: str) -> list[str]:
    return [f.message for f in flags(doc, "section_incomplete") if f.section == section]


def test_a_header_cell_over_two_columns_naming_one_is_named_column_by_column():
    """The header's rule between 三级指标 and 指标值 was not seen: the cell's text is both
    labels, so each column it spans is still named and nothing shifts."""
    block = indicators(INDICATOR_ROWS)
    block[0] = ["绩效指标", "一级指标", "二级指标", Span("三级指标指标值(包含数字及文字描述)", 2)]
    doc = assembled(tables(HEAD + TASKS + block))
    assert [(i.name, i.value) for i in doc.indicators] == [(r[2], r[3]) for r in INDICATOR_ROWS]
    assert not [m for m in _section_messages(doc, "indicators") if "错位" in m]


def test_a_header_cell_over_two_columns_shifts_names_into_values_and_flags_every_field():
    """The rule between 三级指标 and 指标值 was not seen and 三级指标 not read: every name lands
    in the value column, read at high confidence, and the values in a column no header named."""
    block = indicators(INDICATOR_ROWS)
    block[0] = ["绩效指标", "一级指标", "二级指标", Span("指标值(包含数字及文字描述)", 2)]
    doc = assembled(tables(HEAD + TASKS + block))
    assert [i.value for i in doc.indicators] == [row[2] for row in INDICATOR_ROWS]
    (shift,) = [m for m in _section_messages(doc, "indicators") if "错位" in m]
    assert "三级指标" in shift and "指标值" in shift
    indicator_fields = [f for f in doc.fields if f.path.startswith("indicators[")]
    assert len(indicator_fields) == 4 * len(INDICATOR_ROWS)
    assert all(
        f.status == FieldStatus.FLAGGED and "structure" in f.reasons for f in indicator_fields
    )
    lost_values = {f.text for f in flags(doc, "unassigned_text") if f.section == "indicators"}
    assert lost_values == {row[3] for row in INDICATOR_ROWS}
    assert doc.review_state == ReviewState.NEEDS_REVIEW


def test_values_that_are_level_names_are_shifted_rows_and_flagged_whole():
    """The levels of two rows read two columns to the right: the 指标值 holds a 二级 name."""
    rows = [*INDICATOR_ROWS]
    rows[1] = (rows[1][0], rows[1][1], "数量", "数量指标")
    rows[2] = (rows[2][0], rows[2][1], "质量", "质量指标")
    doc = assembled(tables(HEAD + TASKS + indicators(rows)))
    (shift,) = [m for m in _section_messages(doc, "indicators") if "错位" in m]
    assert "有2行" in shift and "指标值" in shift
    flagged = {f.path for f in doc.fields if f.status == FieldStatus.FLAGGED}
    assert {f"indicators[{i}].{k}" for i in (1, 2) for k in ("name", "value")} <= flagged
    assert "indicators[0].value" not in flagged


def test_names_and_values_in_their_own_columns_are_no_shift():
    doc = assembled(tables(HEAD + TASKS + indicators(INDICATOR_ROWS)))
    assert doc.document_flags == [] and doc.review_state == ReviewState.READY


def test_amounts_in_the_expected_column_beside_an_empty_amount_column_are_a_shift():
    tasks = [
        TASKS[0],
        [UP, "市侨联工作经费", "1、举办培训。", "", "30.00"],
        [UP, "门户网站建设", "2、做好网站。", "", "20.00"],
        TASKS[-1],
    ]
    doc = assembled(tables(HEAD + tasks + indicators(INDICATOR_ROWS)))
    (shift,) = _section_messages(doc, "tasks")
    assert "拟投入的资金" in shift and "期望达到的目标" in shift
    assert all(f.status == FieldStatus.FLAGGED for f in doc.fields if f.path.startswith("tasks["))


def test_indicator_rows_read_into_the_tasks_are_flagged_whole():
    """The indicators' header lost on a photo: their rows land in the tasks section, a level
    name for a task name, and a row with no name at all."""
    tasks = [
        *TASKS[:-1],
        [UP, "满意度指标", "服务对象满意度指标", "", "≥95%"],
        [UP, "", "时效指标成本指标", "", "100%"],
        TASKS[-1],
    ]
    doc = assembled(tables(HEAD + tasks))
    (misplaced,) = [m for m in _section_messages(doc, "tasks") if "误读入" in m]
    assert "有1行" in misplaced and "名称" in misplaced
    flagged = {f.path: f.reasons for f in doc.fields if f.status == FieldStatus.FLAGGED}
    assert {f"tasks[2].{k}" for k in ("name", "content", "amount", "expected")} <= set(flagged)
    assert "missing" in flagged["tasks[3].name"]
    assert not any(p.startswith(("tasks[0]", "tasks[1]")) for p in flagged)


def test_a_task_row_read_under_the_one_value_after_the_tasks_is_flagged():
    """A task printed on a page after one that lost its grid: its cells side by side under
    the 其他需完成的任务 label, one wide cell on paper."""
    tasks = [
        *TASKS[:-1],
        ["其他需完成的任务(可选填)", "应急救援物资储备经费", "1、组织开展。", "28.81", "做好。"],
    ]
    doc = assembled(tables(HEAD + tasks + indicators(INDICATOR_ROWS)))
    (message,) = _section_messages(doc, "tasks")
    assert "其他需完成的任务" in message and "年度重点工作任务" in message
    other = next(f for f in doc.fields if f.path == "other_tasks")
    assert other.status == FieldStatus.FLAGGED and "structure" in other.reasons
    assert "应急救援物资储备经费" in other.value


def test_the_rest_of_a_task_cut_by_a_page_break_read_under_the_one_value_doubts_that_task():
    """The rest of the last task's content and expected result, at the next page's top under
    a label cell joined with 其他需完成的任务's: no name, so no task of its own but the end of
    the one above, whose texts are cut short. Their fields are in doubt, its name and amount
    are not."""
    page2 = [
        ["其他需完成的任务(可选填)", "", "3、完成网站改版。", "", "服务更快捷。"],
        [UP, Span("", 4)],
        *indicators(INDICATOR_ROWS),
    ]
    doc = assembled(tables(HEAD + TASKS[:3], page2))
    (message,) = _section_messages(doc, "tasks")
    assert "其他需完成的任务" in message
    flagged = {f.path for f in doc.fields if f.status == FieldStatus.FLAGGED}
    assert {"tasks[1].content", "tasks[1].expected"} <= flagged
    assert not flagged & {"tasks[1].name", "tasks[1].amount", "tasks[0].content"}


def test_rows_under_a_header_that_was_not_seen_are_flagged():
    doc = assembled(tables(HEAD + TASKS + indicators(INDICATOR_ROWS, header=False)))
    assert doc.indicators == []
    messages = _section_messages(doc, "indicators")
    assert any("未读到任何行" in m for m in messages)
    assert any(f"有{len(INDICATOR_ROWS)}行未能读入" in m for m in messages)
    assert doc.review_state == ReviewState.NEEDS_REVIEW


def test_a_missing_level1_is_flagged_but_one_printed_with_empty_rows_is_not():
    without = [row for row in INDICATOR_ROWS if row[0] != "满意度指标"]
    doc = assembled(tables(HEAD + TASKS + indicators(without)))
    (message,) = _section_messages(doc, "indicators")
    assert "满意度指标" in message
    bare = [*without, ("满意度指标", "服务对象满意度指标", "", "")]
    assert assembled(tables(HEAD + TASKS + indicators(bare))).document_flags == []


def test_level2_out_of_the_taxonomy_order_is_flagged():
    swapped = list(INDICATOR_ROWS)
    swapped[2], swapped[3] = swapped[3], swapped[2]  # 时效指标 before 质量指标
    doc = assembled(tables(HEAD + TASKS + indicators(swapped)))
    (message,) = _section_messages(doc, "indicators")
    assert "顺序" in message and "质量指标" in message


def test_a_table_without_a_task_is_flagged():
    tasks = [["年度重点工作任务", *TASKS_HEADER], TASKS[-1]]
    doc = assembled(tables(HEAD + tasks + indicators(INDICATOR_ROWS)))
    (message,) = _section_messages(doc, "tasks")
    assert "未读到任何行" in message


def test_a_task_that_starts_at_the_top_of_a_new_page_is_its_own_row():
    page1 = HEAD + TASKS[:2]
    page2 = [[UP, *TASKS[2][1:]], TASKS[3], *indicators(INDICATOR_ROWS)]
    page2[0][0] = "年度重点工作任务"
    doc = assembled(tables(page1, page2))
    assert [t.name for t in doc.tasks] == ["市侨联工作经费", "门户网站建设"]
    assert doc.document_flags == [] and doc.review_state == ReviewState.READY


def test_a_header_alone_at_the_bottom_of_a_page_with_its_rows_on_the_next_is_no_loss():
    block = indicators(INDICATOR_ROWS)
    doc = assembled(tables(HEAD + TASKS + block[:1], continued(block[1:])))
    assert len(doc.indicators) == len(INDICATOR_ROWS)
    assert doc.document_flags == [] and doc.review_state == ReviewState.READY


def test_a_page_the_indicators_run_over_without_a_row_read_is_flagged():
    """Page 2 shows only a 二级 without any 三级 or value: a row the form leaves empty, or one
    whose content was not read; the reviewer is asked to look."""
    block = indicators(INDICATOR_ROWS)
    bare = [["", "", "成本指标", "", ""]]
    doc = assembled(tables(HEAD + TASKS + block[:3], bare, continued(block[3:])))
    (message,) = _section_messages(doc, "indicators")
    assert "第2页没有读到任何行" in message


def test_a_row_whose_name_is_a_level2_was_read_a_column_to_the_right_and_is_flagged():
    block = indicators(INDICATOR_ROWS)
    block[5] = [UP, "效益指标", "", "社会效益指标", "侨界群众受益面逐步扩大"]  # one row shifted
    doc = assembled(tables(HEAD + TASKS + block))
    (message,) = _section_messages(doc, "indicators")
    assert "1行的列可能错位" in message
    shifted = [f for f in doc.fields if f.path.startswith("indicators[4].")]
    assert shifted and all(f.status == FieldStatus.FLAGGED for f in shifted)
    others = [f for f in doc.fields if f.path.startswith("indicators[0].")]
    assert all(f.status == FieldStatus.ACCEPTED for f in others)


def _stacked(pages: list, texts: set[str]) -> list:
    """`pages` with the cells holding `texts` read as entries stacked one above the other."""
    return [
        t.model_copy(
            update={
                "cells": tuple(
                    c.model_copy(update={"stacked_lines": c.text in texts}) for c in t.cells
                )
            }
        )
        for t in pages
    ]


def test_a_row_whose_value_holds_two_stacked_entries_may_hide_a_row_and_is_flagged():
    """Two rows read as one (the rule between them not seen) lose a row that has no field."""
    rows = [*INDICATOR_ROWS]
    rows[2] = ("产出指标", "质量指标", "资金使用合规率\n抽检完成率", "100%\n100%")
    doc = assembled(_stacked(tables(HEAD + TASKS + indicators(rows)), {"100%\n100%"}))
    (stacked,) = [m for m in _section_messages(doc, "indicators") if "上下叠" in m]
    assert "有1行" in stacked and "第1页" in stacked
    assert _section_messages(doc, "tasks") == []


def test_stacked_lines_in_a_paragraph_or_a_merged_level_are_no_hidden_row():
    pages = _stacked(tables(HEAD + TASKS + indicators(INDICATOR_ROWS)), {"产出指标", "数量指标"})
    assert assembled(pages).document_flags == []


def test_a_level_cell_holding_two_names_flags_rows_read_together():
    """A rule between two 二级 groups not seen: one cell reads `质量指标成本指标`, and the rows
    of both groups were read as one (the lost one has no field)."""
    rows = [*INDICATOR_ROWS]
    rows[2] = ("产出指标", "质量指标成本指标", "资金使用合规率", "100%")
    doc = assembled(tables(HEAD + TASKS + indicators(rows)))
    (joined,) = [m for m in _section_messages(doc, "indicators") if "两个指标名称" in m]
    assert "有1行" in joined
    assert all("structure" in f.reasons for f in doc.fields if f.path.startswith("indicators[2]."))


def test_a_wide_cell_before_any_rows_section_read_as_cells_side_by_side_is_in_doubt():
    head = [list(row) for row in HEAD]
    goal = next(k for k, row in enumerate(head) if row[0] == "总体绩效目标")
    head[goal] = ["总体绩效目标", Span("在市委市政府的坚强领", 2), Span("导下，全面完成任务。", 2)]
    doc = assembled(tables(head + TASKS + indicators(INDICATOR_ROWS)))
    (message,) = _section_messages(doc, "overall_goal")
    assert "拆开" in message
    goal_field = next(f for f in doc.fields if f.path == "overall_goal")
    assert goal_field.status == FieldStatus.FLAGGED and "structure" in goal_field.reasons


def _read_as_one(doc) -> list[str]:
    return [m for m in _section_messages(doc, "indicators") if "读成了一行" in m]


def test_a_name_cell_over_two_rows_beside_two_value_cells_may_hide_a_row_and_is_flagged():
    """The rule between two names not seen, the one between their values seen: one item holds
    both rows, the second row's name is lost with no field to flag."""
    block = indicators(INDICATOR_ROWS)
    block[2][3] = UP  # 培训人次's name cell merged into 侨务接待次数's
    block[2][4] = "逐步扩大"  # no measure: the two cells alone show it
    doc = assembled(tables(HEAD + TASKS + block))
    assert len(doc.indicators) == len(INDICATOR_ROWS) - 1
    (message,) = _read_as_one(doc)
    assert "有1行" in message and "第1页" in message


def test_a_value_holding_two_values_may_hide_a_row_and_is_flagged():
    for value in ("100%≥85%", "≥80张≥500人", "100%95%", "2023年10月底前完成≧95%"):
        rows = [*INDICATOR_ROWS]
        rows[2] = ("产出指标", "质量指标", "资金使用合规率抽检完成率", value)
        (message,) = _read_as_one(assembled(tables(HEAD + TASKS + indicators(rows))))
        assert "有1行" in message


def test_one_value_with_two_numbers_or_a_long_name_is_no_second_row():
    """A range, a condition, a date, and a name long enough to wrap are one printed row."""
    rows = [*INDICATOR_ROWS]
    rows[0] = ("产出指标", "数量指标", "地质灾害隐患点巡查长效管理机制建设完成数量", "≥80%且≤95%")
    rows[1] = ("产出指标", "数量指标", "培训人次", "80%-90%")
    rows[3] = ("产出指标", "时效指标", "任务完成时间", "2024年12月31日前")
    rows[4] = ("效益指标", "社会效益指标", "侨界群众受益面", "2024年底前支付≥90%资金")
    assert _read_as_one(assembled(tables(HEAD + TASKS + indicators(rows)))) == []


def test_a_department_line_read_as_cells_side_by_side_is_flagged_by_its_page():
    """The department line is a section of the template but not of the contract's flags: its
    cells read side by side are flagged with its page and no section, not a failed read."""
    head = [["部门名称", "湛江市", "测试局", "", ""], *HEAD[1:]]
    doc = assembled(tables(head + TASKS + indicators(INDICATOR_ROWS)))
    (flag,) = [f for f in flags(doc, "section_incomplete") if "部门名称" in f.message]
    assert (flag.section, flag.page) == (None, 1)


def test_every_field_of_an_item_holding_two_values_is_in_doubt():
    rows = [*INDICATOR_ROWS]
    rows[2] = ("产出指标", "质量指标", "资金使用合规率资金支付及时率", "100%≥95%")
    doc = assembled(tables(HEAD + TASKS + indicators(rows)))
    record = {f.path: f for f in doc.fields}
    assert record["indicators[2].name"].status == FieldStatus.FLAGGED


def test_a_name_read_into_the_level_column_beside_an_empty_name_is_a_shifted_row():
    """The row's cells read one column to the left: its 三级指标 in the 一级 column, its name
    cell empty, its value read at high confidence: the row is flagged whole."""
    rows = [*INDICATOR_ROWS]
    rows[2] = ("资金使用合规率", "", "", "100%")
    doc = assembled(tables(HEAD + TASKS + indicators(rows)))
    (shift,) = [m for m in _section_messages(doc, "indicators") if "不是指标类别名称" in m]
    assert "有1行" in shift
    flagged = {f.path for f in doc.fields if f.status == FieldStatus.FLAGGED}
    assert {f"indicators[2].{k}" for k in ("level1", "name", "value")} <= flagged
    assert "indicators[3].value" not in flagged
    # a row of its 二级 printed with neither name nor value is no shift
    rows[2] = ("产出指标", "质量指标", "", "")
    doc = assembled(tables(HEAD + TASKS + indicators(rows)))
    assert not [m for m in _section_messages(doc, "indicators") if "不是指标类别名称" in m]


def test_an_amount_printing_two_amounts_may_hide_a_row_and_is_flagged():
    """A task joined to the next page's first task over the break: both amounts in one cell."""
    tasks = [list(row) for row in TASKS]
    tasks[1][3] = "30.0020.00"
    doc = assembled(tables(HEAD + tasks + indicators(INDICATOR_ROWS)))
    messages = _section_messages(doc, "tasks")
    assert len(messages) == 1 and "有1行" in messages[0]
    assert all(f.status == FieldStatus.FLAGGED for f in doc.fields if f.path.startswith("tasks[0]"))
    # one amount with its decimals is one row
    tasks[1][3] = "1030.00"
    assert not _section_messages(
        assembled(tables(HEAD + tasks + indicators(INDICATOR_ROWS))), "tasks"
    )
