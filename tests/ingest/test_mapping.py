import re
from pathlib import Path

import pytest

from ingest.artifacts import MappedDocument, OcrToken
from ingest.errors import UnknownTemplate
from ingest.mapping import STACKED_STRUCTURE_CONFIDENCE, map_table
from ingest.stitch import stitch
from ingest.template import default_template
from models.contract import PerformanceTargets, value_paths
from models.truth import GroundTruth
from tests.ingest.layouts import INDICATORS_HEADER, TASKS_HEADER, seed_truth
from tests.ingest.oracle import UP, Entry, Span, page_table, page_tables, truth_page

TEMPLATE = default_template()
CORPUS = Path(__file__).parents[1] / "data" / "corpus"
TITLE = "2024年市级部门整体预算绩效目标表"

HEAD: list[list[Entry]] = [
    ["部门名称", Span("湛江市测试局", 4)],
    ["基本信息", "财政供养人员数", "18人", "下属二级单位数", "2"],
    ["预算整体情况", "部门预算支出", "预算金额(万元)", "收入来源", "预算金额(万元)"],
    [UP, "基本支出", "10,891.62", "财政拨款", "72,807.38"],
    [UP, "项目支出", "61,915.77", "其他资金", "0"],
    [UP, "事业发展性支出", "预算金额(万元)", "按预算级次划分", "预算金额(万元)"],
    [UP, "财政专项资金", "", "市本级使用资金", ""],
    [UP, "其他事业发展性支出", "", "拟用于对下\n转移支付资金", "12.5"],
    ["总 体 目 标", Span("1、完成任务。\n2、提升服务。", 4)],
]


def read(*pages: list[list[Entry]], title: str | None = TITLE) -> MappedDocument:
    tables = [
        page_table(truth_page(n, rows), title if n == 1 else None)
        for n, rows in enumerate(pages, 1)
    ]
    return map_table(stitch(tables, TEMPLATE), TEMPLATE)


def contract_values(doc: PerformanceTargets) -> dict:
    """The exported values, indicator rows empty in the source left out (as mapping does)."""
    values = doc.model_dump(
        mode="json", exclude={"fields", "status", "document_id", "source", "ocr", "schema_id"}
    )
    values["indicators"] = [i for i in values["indicators"] if i["name"] or i["value"]]
    return values


def oracle(truth: GroundTruth) -> MappedDocument:
    return map_table(stitch(page_tables(truth), TEMPLATE), TEMPLATE)


def _edit(values: dict, path: str, change) -> None:
    """Apply `change` to the value at a `fields[]` path such as `tasks[0].content`."""
    *parents, last = path.replace("]", "").replace("[", ".").split(".")
    node = values
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[last] = change(node[last])


def assert_oracle_reads(truth: GroundTruth) -> None:
    """The oracle reading equals the truth, except for what the print itself does not show:
    an indicator level printed on neither part of a cut cell (left empty and marked missing,
    pointing at a cell that is empty in print), and whether a page break inside a paragraph
    fell on a hard line break (the oracle has no line boxes to tell, so line breaks of joined
    paragraphs are not compared)."""
    mapped = oracle(truth)
    got, want = contract_values(mapped.document), contract_values(truth.document)
    printed = {(p.page, tuple(c.bbox)): c.text for p in truth.pages for c in p.cells}
    unprinted = [
        f for f in mapped.document.fields if f.value is None and mapped.evidence[f.path].missing
    ]
    for f in unprinted:
        assert re.fullmatch(r"indicators\[\d+\]\.level[12]", f.path), f.path
        assert printed[(f.page, tuple(f.bbox))] == "", f.path
    for f in unprinted:
        _edit(want, f.path, lambda _: None)
    for f in mapped.document.fields:
        if (
            PerformanceTargets.is_long_text(f.path)
            and f.value
            and mapped.evidence[f.path].joined_across_pages
        ):
            for values in (got, want):
                _edit(values, f.path, lambda v: v.replace("\n", ""))
    assert got == want


def test_seed_read_by_the_oracle_equals_its_gold():
    truth = seed_truth()
    assert_oracle_reads(truth)
    mapped = oracle(truth)
    assert contract_values(mapped.document) == contract_values(truth.document)
    assert len(mapped.document.indicators) == 33


@pytest.mark.parametrize(
    "path", sorted(CORPUS.glob("*.truth.json")), ids=lambda p: p.name.split(".")[0]
)
def test_corpus_document_read_by_the_oracle_equals_its_truth(path):
    assert_oracle_reads(GroundTruth.model_validate_json(path.read_text(encoding="utf-8")))


def test_every_value_has_a_field_record_and_evidence_pointing_at_its_cell():
    truth = seed_truth()
    mapped = oracle(truth)
    doc = mapped.document
    paths = [path for path, _ in value_paths(doc)]
    assert [f.path for f in doc.fields] == paths
    assert set(mapped.evidence) == set(paths)
    fields = {f.path: f for f in doc.fields}
    cells = {
        (page.page, tuple(cell.bbox)): cell.text for page in truth.pages for cell in page.cells
    }
    for path in (
        "department",
        "budget.basic_expenditure",
        "tasks[1].amount",
        "indicators[32].value",
    ):
        record = fields[path]
        assert cells[(record.page, tuple(record.bbox))] == record.ocr_text
        assert record.status == "accepted" and record.confidence == 1.0
    assert fields["indicators[32].value"].page == 3
    assert fields["year"].value == 2024 and fields["year"].ocr_text == TITLE
    assert doc.status == "needs_review"


def test_values_are_normalised_and_raw_text_kept():
    mapped = read(
        [*HEAD, ["绩效指标", *INDICATORS_HEADER], [UP, "产出指标", "数量指标", "次数", "6次"]]
    )
    doc = mapped.document
    assert doc.basic_info.staff_count == 18 and doc.basic_info.subunit_count == 2
    assert doc.budget.basic_expenditure == "10891.62"
    assert doc.budget.other_funds == "0"
    assert doc.budget.special_funds is None
    assert doc.budget.transfer_payment_funds == "12.5"
    assert doc.overall_goal == "1、完成任务。\n2、提升服务。"
    fields = {f.path: f for f in doc.fields}
    assert fields["budget.basic_expenditure"].ocr_text == "10,891.62"
    assert fields["basic_info.staff_count"].ocr_text == "18人"


def test_indicator_levels_carry_down_and_empty_rows_are_omitted():
    rows = [
        ["绩效指标", *INDICATORS_HEADER],
        [UP, "产出指标", "数量指标", "培训次数", "6次"],
        [UP, "", "", "培训人数", "≥100人"],  # printed empty, not merged: repeats the row above
        [UP, UP, "成本指标", "", ""],  # empty row
        [UP, "效益指标", "质量指标", "满意率", "≧95%"],  # 二级 under the wrong 一级, as printed
        [UP, UP, "服务对象", "投诉率", "0%"],
    ]
    mapped = read(HEAD + rows)
    got = [(i.level1, i.level2, i.name, i.value) for i in mapped.document.indicators]
    assert got == [
        ("产出指标", "数量指标", "培训次数", "6次"),
        ("产出指标", "数量指标", "培训人数", "≥100人"),
        ("效益指标", "质量指标", "满意率", "≧95%"),
        ("效益指标", "服务对象", "投诉率", "0%"),
    ]
    fields = {f.path: f for f in mapped.document.fields}
    # The carried value points at the cell it was read from.
    assert fields["indicators[1].level2"].bbox == fields["indicators[0].level2"].bbox


def test_levels_printed_on_no_part_of_a_cut_cell():
    start = [*HEAD, ["绩效指标", *INDICATORS_HEADER], [UP, "产出指标", "数量指标", "次数", "6次"]]
    # 一级 printed nowhere: told by the 二级 under it.
    mapped = read(
        [*start, [UP, "", "社会效益指标", "知晓率", "90%"]], [["", "", "", "覆盖率", "8%"]]
    )
    got = [(i.level1, i.level2) for i in mapped.document.indicators]
    assert got == [("产出指标", "数量指标"), *[("效益指标", "社会效益指标")] * 2]
    assert mapped.evidence["indicators[2].level1"].label_score == 0.5
    assert mapped.evidence["indicators[2].level1"].joined_across_pages
    # 二级 printed nowhere: nothing tells it, so it is left empty and marked missing.
    mapped = read([*start, [UP, UP, "", "合格率", "100%"]], [["", "", "", "及时率", "100%"]])
    got = [(i.level1, i.level2) for i in mapped.document.indicators]
    assert got == [("产出指标", "数量指标"), ("产出指标", None), ("产出指标", None)]
    assert mapped.evidence["indicators[2].level2"].missing


def test_an_unreadable_level1_is_told_by_its_level2_and_kept_for_review():
    rows = [
        ["绩效指标", *INDICATORS_HEADER],
        [UP, "立山比に", "数量指标", "培训次数", "6次"],  # 产出指标 printed vertically, garbled
        [UP, UP, "时效指标", "完成时间", "2024年底前"],
        [UP, "效益指标", "社会效益指标", "知晓率", "90%"],
    ]
    mapped = read(HEAD + rows)
    got = [(i.level1, i.level2) for i in mapped.document.indicators]
    assert got == [("产出指标", "数量指标"), ("产出指标", "时效指标"), ("效益指标", "社会效益指标")]
    assert mapped.evidence["indicators[0].level1"].label_score == 0.5
    field = next(f for f in mapped.document.fields if f.path == "indicators[0].level1")
    assert field.ocr_text == "立山比に"
    # A readable 一级, even a misplaced one, is kept as printed.
    assert mapped.evidence["indicators[2].level1"].label_score == 1.0


def test_a_level2_printed_nowhere_is_placed_by_the_taxonomy_order_when_only_one_fits():
    start = [*HEAD, ["绩效指标", *INDICATORS_HEADER], [UP, "产出指标", "", "次数", "6次"]]
    # 二级 printed on neither part, followed by 质量指标: only 数量指标 comes before it.
    mapped = read([*start], [["", "", "", "人数", "8人"], [UP, UP, "质量指标", "合格率", "100%"]])
    got = [(i.level1, i.level2) for i in mapped.document.indicators]
    assert got == [*[("产出指标", "数量指标")] * 2, ("产出指标", "质量指标")]
    assert mapped.evidence["indicators[0].level2"].label_score == 0.5
    assert not mapped.evidence["indicators[0].level2"].missing
    # One cell with the break inside it, ruled off from 质量指标: the order names it surely.
    assert not mapped.evidence["indicators[0].level2"].structure_in_doubt


def test_a_level2_placed_by_the_taxonomy_order_on_one_page_stays_in_doubt():
    # An empty 二级 where a new 一级 starts, above 社会效益指标: placed as 经济效益指标, the only
    # one before it, yet nothing rules out the top of a cell whose name is printed below.
    rows = [
        ["绩效指标", *INDICATORS_HEADER],
        [UP, "产出指标", "数量指标", "次数", "6次"],
        [UP, "效益指标", "", "人数", "8人"],
        [UP, UP, "社会效益指标", "知晓率", "90%"],
    ]
    mapped = read(HEAD + rows)
    assert mapped.document.indicators[1].level2 == "经济效益指标"
    assert mapped.evidence["indicators[1].level2"].structure_in_doubt  # decided, not read


def test_tasks_map_by_header_columns_and_rows_cut_by_a_page_are_one_task():
    page1 = [
        *HEAD,
        ["年度重点工作任务", *TASKS_HEADER],
        [UP, "任务一", "1、培训，", "10,000.50", "目标一"],
    ]
    page2 = [
        ["年度重点工作任务", *TASKS_HEADER],
        ["", "", "接待。", "", ""],
        [UP, "任务二", "2、调研。", "5", "目标二"],
        ["绩效指标", *INDICATORS_HEADER],
        [UP, "产出指标", "数量指标", "次数", "6次"],
    ]
    mapped = read(page1, page2)
    tasks = mapped.document.tasks
    assert [(t.name, t.content, t.amount, t.expected) for t in tasks] == [
        ("任务一", "1、培训，接待。", "10000.50", "目标一"),
        ("任务二", "2、调研。", "5", "目标二"),
    ]
    assert mapped.evidence["tasks[0].content"].joined_across_pages
    assert not mapped.evidence["tasks[1].content"].joined_across_pages


def test_a_row_split_by_a_rule_inside_one_cell_stays_one_task():
    rows = [
        ["年度重点工作任务", *TASKS_HEADER],
        [UP, "任务一", "内容一", "1", "目标上半，"],
        [UP, UP, UP, UP, "下半。"],
        [UP, "任务二", "内容二", "2", "目标二"],
        ["绩效指标", *INDICATORS_HEADER],
    ]
    mapped = read([*HEAD, *rows])
    tasks = [(t.name, t.expected) for t in mapped.document.tasks]
    assert tasks == [("任务一", "目标上半，下半。"), ("任务二", "目标二")]


def test_a_section_whose_label_was_printed_on_no_part_is_found_by_its_header():
    page1 = [*HEAD, ["", *INDICATORS_HEADER], [UP, "产出指标", "数量指标", "次数", "6次"]]
    page2 = [["", "", "", "人数", "9人"]]
    mapped = read(page1, page2)
    assert [i.name for i in mapped.document.indicators] == ["次数", "人数"]
    assert mapped.evidence["indicators[1].name"].label_score == 0.5


def test_an_unlabelled_block_with_the_rows_layout_continues_the_section_above():
    rows = [
        ["年度重点工作任务", *TASKS_HEADER],
        [UP, "任务一", "内容一", "1", "目标一"],
        ["", "任务二", "内容二", "2", "目标二"],
        ["绩效指标", *INDICATORS_HEADER],
    ]
    mapped = read(HEAD + rows)
    assert [t.name for t in mapped.document.tasks] == ["任务一", "任务二"]
    assert mapped.document.other_tasks is None


def test_a_label_merged_down_over_the_next_sections_header_is_cut_there():
    """The rule under 其他需完成的任务 faded in the label column alone, so its label cell runs
    on over the 绩效指标 header and first row, whose own label a page break printed on the next
    page: the rows from the header on are the indicators' (before, they were read as more of
    the other tasks' text, and the next page's indicators had no header to map them by)."""
    page1 = [
        *HEAD,
        ["年度重点工作任务", *TASKS_HEADER],
        [UP, "任务一", "内容一", "1", "目标一"],
        ["其他需完成的任务(可选填)", Span("其他任务。", 4)],
        [UP, *INDICATORS_HEADER],
        [UP, "产出指标", "数量指标", "次数", "6次"],
    ]
    page2 = [["绩效指标", "产出指标", "质量指标", "合格率", "100%"]]
    mapped = read(page1, page2)
    assert mapped.document.other_tasks == "其他任务。"
    assert [i.name for i in mapped.document.indicators] == ["次数", "合格率"]
    assert [i.value for i in mapped.document.indicators] == ["6次", "100%"]


def test_missing_title_and_pairs_are_marked_missing():
    head = [row for row in HEAD if row[0] != "基本信息"]
    mapped = read([*head, ["绩效指标", *INDICATORS_HEADER]], title=None)
    assert mapped.document.title is None and mapped.document.year is None
    assert mapped.evidence["year"].missing
    assert mapped.evidence["basic_info.staff_count"].missing
    assert not mapped.evidence["other_tasks"].missing  # optional
    assert not mapped.evidence["budget.special_funds"].missing  # its cell is there, empty


ANOTHER_FORM: list[list[Entry]] = [
    ["项目名称", Span("道路维护", 4)],
    ["主管部门", "交通局", "实施单位", "公路站", ""],
    ["绩效指标", *INDICATORS_HEADER],
    [UP, "产出指标", "数量指标", "里程", "10公里"],
]


def test_another_form_is_an_unknown_template():
    with pytest.raises(UnknownTemplate, match="1 of 6 section labels"):
        read(ANOTHER_FORM, title="2024年项目支出绩效目标表")
    with pytest.raises(UnknownTemplate):
        read(ANOTHER_FORM, title=None)


def test_a_table_under_this_forms_title_is_mapped_however_few_sections_were_read():
    mapped = read(ANOTHER_FORM)  # under 2024年市级部门整体预算绩效目标表
    assert [i.name for i in mapped.document.indicators] == ["里程"]
    assert mapped.evidence["department"].missing


def test_a_page_without_cells_is_an_unknown_template():
    with pytest.raises(UnknownTemplate):
        map_table(stitch([], TEMPLATE), TEMPLATE)


def test_stacked_entries_doubt_the_structure_of_one_entry_fields_only():
    rows = [
        ["绩效指标", *INDICATORS_HEADER],
        [UP, "产出指标", "数量指标", "培训人数节约经费", "100人实施资金"],
        [UP, UP, UP, "培训次数", "6次"],
    ]
    table = page_table(truth_page(1, HEAD + rows), TITLE)
    stacked = {"培训人数节约经费", "100人实施资金", "1、完成任务。\n2、提升服务。", "数量指标"}
    table = table.model_copy(
        update={
            "cells": tuple(
                c.model_copy(update={"stacked_lines": c.text in stacked}) for c in table.cells
            )
        }
    )
    mapped = map_table(stitch([table], TEMPLATE), TEMPLATE)
    structure = {p: e.structure_confidence for p, e in mapped.evidence.items()}
    assert structure["indicators[0].name"] == STACKED_STRUCTURE_CONFIDENCE
    assert structure["indicators[0].value"] == STACKED_STRUCTURE_CONFIDENCE
    assert structure["indicators[1].name"] == 1.0
    assert structure["indicators[0].level2"] == 1.0  # merged labels hold several lines
    assert structure["overall_goal"] == 1.0  # so do paragraphs


def _level2_reading(third: Entry, last: Entry) -> tuple[list, list[float]]:
    """The 二级 and their structure confidence of a 时效指标 group over three rows whose third
    row's cell is `third` ("" under its own rule, UP the second row's cell going on) and whose
    fourth row's cell is `last` (another group's label, or UP)."""
    rows = [
        ["绩效指标", *INDICATORS_HEADER],
        [UP, "产出指标", "时效指标", "完成时间", "年底前"],
        [UP, UP, "", "开展培训", "6次"],
        [UP, UP, third, "补助标准", "≤802元"],
        [UP, UP, last, "宣传支出", "预算控制98%以内"],
    ]
    mapped = read(HEAD + rows)
    levels = [i.level2 for i in mapped.document.indicators]
    structure = [mapped.evidence[f"indicators[{i}].level2"].structure_confidence for i in range(4)]
    return levels, structure


@pytest.mark.parametrize("third", ["", UP])
def test_empty_level_cells_above_another_group_are_in_doubt(third):
    """The top of a merged 成本指标 cut by rules seen in it, each part under its own rule ("")
    or the parts one cell (UP): empty, they carry 时效指标 down, which may be the wrong
    group's (the group's label may have been lost in any of them)."""
    levels, structure = _level2_reading(third, "成本指标")
    assert levels == ["时效指标", "时效指标", "时效指标", "成本指标"]
    assert structure == [1.0, STACKED_STRUCTURE_CONFIDENCE, STACKED_STRUCTURE_CONFIDENCE, 1.0]


def test_empty_level_cells_not_ending_above_another_group_are_no_doubt():
    _, structure = _level2_reading("", UP)
    assert structure == [1.0, 1.0, 1.0, 1.0]


def test_a_paragraph_keeps_the_confidence_of_its_weakest_line():
    """A goal read as a squeezed first line at 0.24 and well-read lines below: the evidence
    says so, whatever the mean over the cell; a line read as nothing says nothing."""
    pages = page_tables(seed_truth())
    goal = seed_truth().document.overall_goal
    first = pages[0]
    cells = []
    for cell in first.cells:
        if cell.text == goal:
            box = cell.cell.bbox
            lines = (
                OcrToken(text="国国饰恒油本是", bbox=box, confidence=0.24),
                OcrToken(text=goal, bbox=box, confidence=0.99),
                OcrToken(text="", bbox=box, confidence=0.0),
            )
            cell = cell.model_copy(update={"tokens": lines})
        cells.append(cell)
    pages[0] = first.model_copy(update={"cells": tuple(cells)})
    evidence = map_table(stitch(pages, TEMPLATE), TEMPLATE).evidence
    assert evidence["overall_goal"].weakest_line == 0.24
    assert evidence["tasks[0].content"].weakest_line > 0.5
