"""The second form (项目支出绩效目标表) mapped from perfectly read pages: header pairs, the funds
block's two columns, goals under their header, and the indicator table's three layouts."""

import pytest

from ingest.artifacts import MappedDocument
from ingest.calibration import FEATURES, CalibrationModel
from ingest.confidence import assess
from ingest.forms import form_by_id
from ingest.mapping import map_table
from ingest.merged import infer_level1, merged_spans
from ingest.review import InvalidCorrection, revalidate
from ingest.stitch import stitch
from ingest.validate import run_checks
from models.contract import DocumentFlag, DocumentFlagReason, FieldStatus, PageReader
from models.project import ProjectTargets
from tests.ingest.losses import assembled
from tests.ingest.oracle import UP, Entry, Span, page_table, truth_page
from tests.ingest.trust_docs import IDENTITY

FORM = form_by_id("project_expenditure")
TEMPLATE = FORM.template
WIDTHS = (150, 150, 160, 220, 170, 160, 220, 170)
TITLE = "2021年度项目支出绩效目标申报表"

HEAD: list[list[Entry]] = [
    ["项目名称", Span("社区养老服务中心建设", 7)],
    [
        "主管部门及代码",
        Span("[015001]武汉市青山区民政局", 3),
        "实施单位",
        Span("青山区养老服务中心", 3),
    ],
    ["项目属性", Span("延续性项目", 3), "项目期", Span("3年", 3)],
    [
        "项目资金（万元）",
        Span("中期资金总额", 2),
        "300.00",
        Span("年度资金总额", 2),
        Span("120.50", 2),
    ],
    [UP, Span("其中：财政拨款", 2), "280.00", Span("其中：财政拨款", 2), Span("100.50", 2)],
    [UP, Span("其他资金", 2), "20.00", Span("其他资金", 2), Span("20", 2)],
    ["总体目标", Span("中期目标（2021年－2023年）", 4), Span("年度目标", 3)],
    [UP, Span("目标1：建成养老服务中心。", 4), Span("目标1：完成主体工程。", 3)],
]
SIDE_BY_SIDE: list[list[Entry]] = [
    ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"],
    [UP, "产出指标", "数量指标", "床位数", "≥200张", "数量指标", "完成床位", "≥80张"],
    [UP, UP, UP, "服务人次", "≥5000人次", "时效指标", "完工时间", "2021年12月底前"],
    [UP, UP, "质量指标", "验收合格率", "100%", UP, "", ""],
    [UP, "满意度指标", "满意度指标", "老人满意度", "≥90%", "满意度指标", "老人满意度", "≥85%"],
]


def _funds(funds) -> tuple[tuple, tuple]:
    """(total, fiscal, other) of the 中期 and the 年度 funds."""
    return tuple((f.total, f.fiscal, f.other) for f in (funds.mid_term, funds.annual))


def read(*pages: list[list[Entry]], title: str | None = TITLE) -> MappedDocument:
    tables = [
        page_table(truth_page(n, rows, column_widths=WIDTHS), title if n == 1 else None)
        for n, rows in enumerate(pages, 1)
    ]
    return map_table(stitch(tables, TEMPLATE), TEMPLATE)


def test_header_pairs_funds_and_goals_are_read():
    doc = read(HEAD + SIDE_BY_SIDE).document
    assert isinstance(doc, ProjectTargets)
    assert doc.year == 2021
    assert doc.project.name == "社区养老服务中心建设"
    assert (doc.project.department, doc.project.department_code) == ("武汉市青山区民政局", "015001")
    assert doc.project.implementing_unit == "青山区养老服务中心"
    assert (doc.project.attribute, doc.project.period) == ("延续性项目", "3年")
    funds = doc.funds
    assert _funds(funds) == (("300.00", "280.00", "20.00"), ("120.50", "100.50", "20"))
    assert doc.goals.mid_term == "目标1：建成养老服务中心。"
    assert doc.goals.annual == "目标1：完成主体工程。"


def test_side_by_side_halves_give_the_mid_term_items_first_then_the_annual_ones():
    doc = read(HEAD + SIDE_BY_SIDE).document
    got = [(i.scope, i.level1, i.level2, i.name, i.value) for i in doc.indicators]
    assert got == [
        ("mid_term", "产出指标", "数量指标", "床位数", "≥200张"),
        ("mid_term", "产出指标", "数量指标", "服务人次", "≥5000人次"),
        ("mid_term", "产出指标", "质量指标", "验收合格率", "100%"),
        ("mid_term", "满意度指标", "满意度指标", "老人满意度", "≥90%"),
        ("annual", "产出指标", "数量指标", "完成床位", "≥80张"),
        ("annual", "产出指标", "时效指标", "完工时间", "2021年12月底前"),
        ("annual", "满意度指标", "满意度指标", "老人满意度", "≥85%"),
    ]
    records = {f.path: f for f in read(HEAD + SIDE_BY_SIDE).document.fields}
    assert records["indicators[4].scope"].value == "annual"
    assert records["indicators[4].scope"].bbox is not None  # the half's header is its source


@pytest.mark.parametrize(
    ("label", "scope"), [("中期绩效指标", "mid_term"), ("长期绩效指标", "mid_term")]
)
def test_two_tables_one_after_the_other_are_told_by_their_labels(label: str, scope: str):
    tables = [
        [label, "一级指标", "二级指标", "三级指标", Span("指标值", 4)],
        [UP, "项目完成指标", "数量指标", "床位数", Span("≥200张", 4)],
        ["年度绩效指标", "一级指标", "二级指标", "三级指标", Span("指标值", 4)],
        [UP, "项目效益指标", "社会效益指标", "入住率", Span("≥60%", 4)],
    ]
    doc = read(HEAD + tables).document
    got = [(i.scope, i.level1, i.level2, i.name, i.value) for i in doc.indicators]
    assert got == [
        (scope, "项目完成指标", "数量指标", "床位数", "≥200张"),
        ("annual", "项目效益指标", "社会效益指标", "入住率", "≥60%"),
    ]


def test_one_half_only_is_the_annual_one_unless_a_title_row_names_the_other():
    header = ["绩效指标", "一级指标", "二级指标", "三级指标", Span("指标值", 4)]
    row = [UP, "产出指标", "数量指标", "床位数", Span("≥200张", 4)]
    assert [i.scope for i in read([*HEAD, header, row]).document.indicators] == ["annual"]
    titled = [["绩效指标", Span("中期指标", 7)], [UP, *header[1:]], row]
    mapped = read(HEAD + titled)
    assert [i.scope for i in mapped.document.indicators] == ["mid_term"]


def test_a_goals_section_of_one_cell_is_the_annual_goal():
    head = [*HEAD[:6], ["总体目标", Span("目标1：完成主体工程。", 7)]]
    doc = read(head + SIDE_BY_SIDE).document
    assert (doc.goals.mid_term, doc.goals.annual) == (None, "目标1：完成主体工程。")
    assert not read(head + SIDE_BY_SIDE).evidence["goals.mid_term"].missing


def test_a_goals_header_of_two_cells_read_as_one_leaves_the_mid_term_goal_missing():
    # The rule between 中期目标 and 年度目标 not seen on a heavy print: no header is read, the
    # text goes to the 年度 goal in doubt, and the 中期 goal, whose label was printed, is lost.
    head = [*HEAD[:6], ["总体目标", Span("中期目标（2021年－2023年）1年度目标", 7)]]
    head.append([UP, Span("目标1：建成养老服务中心。", 4), Span("目标1：完成主体工程。", 3)])
    mapped = read(head + SIDE_BY_SIDE)
    assert mapped.document.goals.mid_term is None
    assert mapped.evidence["goals.mid_term"].missing


def test_a_name_printed_without_a_code_has_no_code():
    head = [list(r) for r in HEAD]
    head[1][1] = Span("武汉市青山区民政局", 3)
    doc = read(head + SIDE_BY_SIDE).document
    assert (doc.project.department, doc.project.department_code) == ("武汉市青山区民政局", None)


def test_a_code_read_with_a_speck_among_its_digits_is_the_code_in_doubt():
    head = [list(r) for r in HEAD]
    head[1][1] = Span("[01.5001]武汉市青山区民政局", 3)
    mapped = read(head + SIDE_BY_SIDE)
    project = mapped.document.project  # type: ignore[attr-defined]
    assert (project.department, project.department_code) == ("武汉市青山区民政局", "015001")
    assert mapped.evidence["project.department_code"].structure_in_doubt


def test_a_code_printed_after_a_mark_is_taken_with_both_fields_in_doubt():
    head = [list(r) for r in HEAD]
    head[1][1] = Span("1[015001]武汉市青山区民政局", 3)  # a speck before the code read as 1
    mapped = read(head + SIDE_BY_SIDE)
    project = mapped.document.project  # type: ignore[attr-defined]
    assert (project.department, project.department_code) == ("1武汉市青山区民政局", "015001")
    for path in ("project.department", "project.department_code"):
        assert mapped.evidence[path].structure_in_doubt, path
    clean = read(HEAD + SIDE_BY_SIDE)
    assert not clean.evidence["project.department_code"].structure_in_doubt


def test_a_half_table_continued_on_the_next_page_keeps_its_half():
    first = [
        ["长期绩效指标", "一级指标", "二级指标", "三级指标", Span("指标值", 4)],
        [UP, "产出指标", "数量指标", "床位数", Span("≥200张", 4)],
    ]
    second = [
        ["", "一级指标", "二级指标", "三级指标", Span("指标值", 4)],  # the header repeated
        [UP, "效益指标", "社会效益指标", "年度入住率", Span("≥60%", 4)],
        ["年度绩效指标", "一级指标", "二级指标", "三级指标", Span("指标值", 4)],
        [UP, "产出指标", "数量指标", "完成床位", Span("≥80张", 4)],
    ]
    doc = read(HEAD + first, second).document
    assert [(i.scope, i.name) for i in doc.indicators] == [
        ("mid_term", "床位数"),
        ("mid_term", "年度入住率"),  # a word of the other half inside a row names nothing
        ("annual", "完成床位"),
    ]


def test_a_table_starting_at_a_pages_top_with_the_first_level1_again_is_the_next_half():
    """Two tables one after the other, their labels printed upright and read as nothing: the
    second starts at the top of page 2 with its header. A header repeated over the break
    would go on with the 一级 above it (the test before); this one starts again at 产出指标
    after 满意度指标, so it is a table of its own, the next half, in doubt."""
    first = [
        ["朗", "一级指标", "二级指标", "三级指标", Span("指标值", 4)],
        [UP, "产出指标", "数量指标", "床位数", Span("≥200张", 4)],
        [UP, "满意度指标", "满意度指标", "老人满意度", Span("≥90%", 4)],
    ]
    second = [
        ["嘴", "一级指标", "二级指标", "三级指标", Span("指标值", 4)],
        [UP, "产出指标", "数量指标", "完成床位", Span("≥80张", 4)],
    ]
    mapped = read(HEAD + first, second)
    got = [(i.scope, i.name) for i in mapped.document.indicators]
    assert got == [("mid_term", "床位数"), ("mid_term", "老人满意度"), ("annual", "完成床位")]
    assert mapped.evidence["indicators[2].scope"].structure_confidence == 0.0  # no source


def test_a_year_printed_under_a_long_title_is_the_forms_year():
    title = "湖北省武汉市市级预算部门(单位)项目支出绩效目标申报表\n（2021年度）"
    doc = read(HEAD + SIDE_BY_SIDE, title=title).document
    assert doc.year == 2021 and doc.title == title
    wrapped = "湖北省武汉市市级预算部门(单位)项目支出绩效目标申\n报表\n（2021年度）"
    doc = read(HEAD + SIDE_BY_SIDE, title=wrapped).document
    assert doc.year == 2021 and doc.title == title


def test_a_year_line_read_with_a_speck_at_its_edge_is_still_the_titles():
    # A heavy print's dust read before the year line: `.(2026年度)`. Before, the line was
    # no year line, the title was accepted without it and the year missing.
    title = "广东省揭阳市市级预算部门(单位)项目支出绩效目标申报表\n.（2026年度）"
    mapped = read(HEAD + SIDE_BY_SIDE, title=title)
    assert mapped.document.year == 2026
    assert mapped.document.title == title.replace(".", "")


def test_a_title_whose_year_was_not_found_is_in_doubt():
    # The year line lost (read as something else, or not at all): the title is cut short.
    title = "广东省揭阳市市级预算部门(单位)项目支出绩效目标申报表\n（2O26年度#）"
    mapped = read(HEAD + SIDE_BY_SIDE, title=title)
    assert mapped.document.year is None
    assert mapped.evidence["title"].structure_confidence < 1.0
    whole = read(HEAD + SIDE_BY_SIDE, title=title.replace("2O26年度#", "2026年度"))
    assert whole.evidence["title"].structure_confidence == 1.0


@pytest.mark.parametrize("line", ["(2024年度)", "(2024年庇)"])  # 度 read as a look-alike too
def test_a_title_read_as_no_title_leaves_it_missing_and_takes_the_year_from_its_line(line: str):
    # A heavy print's title garbled past recognition; the year line under it reads clean, or
    # with its 度 misread: four digits and 年 in brackets are still the year line.
    title = f")乐省河源巾市级预昇部|(单位)项目文出绩效目标甲报.\n{line}"
    mapped = read(HEAD + SIDE_BY_SIDE, title=title)
    assert (mapped.document.title, mapped.document.year) == (None, 2024)
    assert mapped.evidence["title"].missing
    assert mapped.trace.title_lines  # the year line is placed, not left as unassigned text


def test_a_department_row_not_read_leaves_its_code_missing_too():
    head = [r for r in HEAD if r[0] != "主管部门及代码"]
    evidence = read(head + SIDE_BY_SIDE).evidence
    assert evidence["project.department"].missing and evidence["project.department_code"].missing


def test_header_cells_joined_by_a_rule_not_seen_name_each_column():
    header = [
        "绩效指标",
        Span("一级指标二级指标", 2),
        "三级指标",
        "指标值",
        "二级指标",
        Span("三级指标指标值", 2),
    ]
    doc = read([*HEAD, header, *SIDE_BY_SIDE[1:]]).document
    got = [(i.scope, i.level2, i.name, i.value) for i in doc.indicators]
    assert got[0] == ("mid_term", "数量指标", "床位数", "≥200张")
    assert got[4] == ("annual", "数量指标", "完成床位", "≥80张")
    assert len(got) == 7
    for joined in ("1三级指标指标值1", "三级指标一指标值"):  # rule ends or a mark read along
        header[-1] = Span(joined, 2)
        doc = read([*HEAD, header, *SIDE_BY_SIDE[1:]]).document
        assert [(i.scope, i.name, i.value) for i in doc.indicators][4:] == [
            ("annual", "完成床位", "≥80张"),
            ("annual", "完工时间", "2021年12月底前"),
            ("annual", "老人满意度", "≥85%"),
        ]


def test_a_header_cell_joined_over_more_columns_than_it_names_takes_them_from_the_row_below():
    tables = [
        ["", "一级指标", "二级指标", Span("三级指标指标值", 5)],  # its rules not seen
        [UP, "项目完成指标", "数量指标", "劳动保障监察覆盖人次", Span("1166人次", 4)],
        [UP, UP, UP, "劳动保障监察场次", Span("≥18场", 4)],
        ["年度绩效指标", "一级指标", "二级指标", "三级指标", Span("指标值", 4)],
        [UP, "项目完成指标", "数量指标", "劳动保障监察任务量", Span("根据下达任务目标要求确定", 4)],
    ]
    doc = read(HEAD + tables).document
    assert [(i.scope, i.name, i.value) for i in doc.indicators] == [
        ("mid_term", "劳动保障监察覆盖人次", "1166人次"),
        ("mid_term", "劳动保障监察场次", "≥18场"),
        ("annual", "劳动保障监察任务量", "根据下达任务目标要求确定"),
    ]


def test_sections_whose_labels_were_not_read_are_told_by_what_they_print():
    head = [list(r) for r in HEAD]
    for row in head:
        if row[0] == "项目资金（万元）":
            row[0] = "项直资金万元"  # a vertical label read badly
        if row[0] == "总体目标":
            row[0] = "总直标"
    doc = read(head + SIDE_BY_SIDE).document
    assert doc.funds.annual.total == "120.50" and doc.funds.mid_term.other == "20.00"
    assert doc.goals.mid_term == "目标1：建成养老服务中心。"


def test_two_annual_rows_read_as_one_are_flagged_like_any_others():
    """The 年度 half's own cells are watched for stacked entries as the 中期 half's are."""
    rows = [list(r) for r in SIDE_BY_SIDE]
    rows[2][6:8] = ["完工时间\n验收时间", "2021年12月底前\n2022年3月底前"]
    table = page_table(truth_page(1, HEAD + rows, column_widths=WIDTHS), TITLE)
    stacked = {"2021年12月底前\n2022年3月底前"}
    cells = tuple(c.model_copy(update={"stacked_lines": c.text in stacked}) for c in table.cells)
    doc = assembled([table.model_copy(update={"cells": cells})])
    messages = [f.message for f in doc.document_flags if f.section == "indicators"]
    assert any("上下叠" in m for m in messages), messages


def test_an_annual_item_over_two_mid_term_rows_is_flagged():
    """The rule between two 年度 rows not seen while the 中期 half has it: one 年度 item read
    over two rows, and the second 年度 indicator has no field to flag."""
    rows = [list(r) for r in SIDE_BY_SIDE]
    rows[1][6:8] = ["完成床位入住人数", "≥80张≥500人"]
    rows[2][6:8] = [UP, UP]
    doc = assembled([page_table(truth_page(1, HEAD + rows, column_widths=WIDTHS), TITLE)])
    messages = [f.message for f in doc.document_flags if f.section == "indicators"]
    assert any("另一半" in m for m in messages), messages
    merged = next(i for i, ind in enumerate(doc.indicators) if ind.name == "完成床位入住人数")
    record = {f.path: f for f in doc.fields}[f"indicators[{merged}].value"]
    assert "structure" in record.reasons


def test_a_second_table_whose_label_was_not_read_is_taken_for_the_next_half_in_doubt():
    tables = [
        ["中期绩效指标", "一级指标", "二级指标", "三级指标", Span("指标值", 4)],
        [UP, "产出指标", "数量指标", "床位数", Span("≥200张", 4)],
        ["绩效指标", "一级指标", "二级指标", "三级指标", Span("指标值", 4)],  # names no half
        [UP, "产出指标", "数量指标", "完成床位", Span("≥80张", 4)],
    ]
    mapped = read(HEAD + tables)
    assert [i.scope for i in mapped.document.indicators] == ["mid_term", "annual"]
    assert mapped.evidence["indicators[0].scope"].structure_confidence == 1.0
    assert mapped.evidence["indicators[1].scope"].structure_confidence == 0.0  # no source


TWO_TABLES = [
    ["中期绩效指标", "一级指标", "二级指标", "三级指标", Span("指标值", 4)],
    [UP, "项目完成指标", "数量指标", "床位数", Span("≥200张", 4)],
    [UP, UP, "质量指标", "验收合格率", Span("100%", 4)],
    ["年度绩效指标", "一级指标", "二级指标", "三级指标", Span("指标值", 4)],
    [UP, "项目完成指标", "数量指标", "完成床位", Span("≥80张", 4)],
    [UP, "项目效益指标", "社会效益指标", "入住率", Span("≥60%", 4)],
]


def test_a_level1_read_as_no_name_is_told_by_its_level2_in_the_documents_wording():
    tables = [list(r) for r in TWO_TABLES]
    tables[1][1] = "元成指标"  # the top of 项目完成指标 cut off
    tables[4][1] = "怕标"  # a garbled cell: only the 二级 beside it tells the 一级
    mapped = read(HEAD + tables)
    doc = mapped.document
    assert [i.level1 for i in doc.indicators] == ["项目完成指标"] * 3 + ["项目效益指标"]
    # not what was read: in doubt
    assert mapped.evidence["indicators[0].level1"].label_score < 1.0
    assert mapped.evidence["indicators[2].level1"].label_score < 1.0
    assert mapped.evidence["indicators[3].level1"].label_score == 1.0
    # a document printing the taxonomy's own names
    tables[1][1], tables[5][1] = "产出指标", "效益指标"
    assert [i.level1 for i in read(HEAD + tables).document.indicators] == (
        ["产出指标"] * 3 + ["效益指标"]
    )


def test_a_level1_column_not_found_is_filled_in_the_wording_of_the_table():
    # The rule under the 一级 header cell was not seen: the header reads with the first 一级
    # and names no column; every 一级 is then told by its 二级.
    tables = [list(r) for r in TWO_TABLES]
    tables[3][1], tables[4][1] = "一级指标项目完成指标", UP
    table = stitch(
        [page_table(truth_page(1, HEAD + tables, column_widths=WIDTHS), TITLE)], TEMPLATE
    )
    mapped = map_table(table, TEMPLATE)
    assert mapped.document.indicators[2].level1 is None
    filled = infer_level1(mapped, TEMPLATE, (c.text for c in table.cells)).document
    assert [i.level1 for i in filled.indicators[2:]] == ["项目完成指标", "项目效益指标"]


def test_a_level2_misread_is_taken_for_the_name_it_is_a_misreading_of():
    tables = [list(r) for r in TWO_TABLES]
    tables[2][2] = "质量指"  # its last character cut off by a rule
    tables[5][2] = "社会效益指标二级指标"  # a header cell read with it
    mapped = read(HEAD + tables)
    assert [i.level2 for i in mapped.document.indicators] == [
        "数量指标",
        "质量指标",
        "数量指标",
        "社会效益指标",
    ]
    assert mapped.evidence["indicators[1].level2"].structure_in_doubt  # flagged whatever
    tables[2][2] = "87日标"  # nothing it could be a misreading of: kept as read
    tables[5][2] = "社会效益指标生态效益指标"  # two groups' cells read as one: kept too
    kept = read(HEAD + tables).document.indicators
    assert (kept[1].level2, kept[3].level2) == ("87日标", "社会效益指标生态效益指标")


def test_a_first_table_whose_label_was_not_read_is_the_half_before_the_named_one():
    tables = [list(r) for r in TWO_TABLES]
    tables[0][0] = ""  # the 中期 table's label printed on neither part of a cut cell
    mapped = read(HEAD + tables)
    assert [i.scope for i in mapped.document.indicators] == ["mid_term"] * 2 + ["annual"] * 2
    assert mapped.evidence["indicators[0].scope"].structure_confidence == 0.0  # in doubt
    alone = read(HEAD + tables[:3])  # one table alone, named by nothing: the single half
    assert [i.scope for i in alone.document.indicators] == ["annual"] * 2
    tables[3][0] = "蛾"  # neither label read (printed in two columns of upright characters)
    both = read(HEAD + tables).document.indicators
    assert [i.scope for i in both] == ["mid_term"] * 2 + ["annual"] * 2


def test_a_header_cell_of_the_second_half_not_read_is_the_column_the_half_lacks():
    header = list(SIDE_BY_SIDE[0])
    header[-1] = "撒包字描述包数及字"  # 指标值（包含数字及文字描述） wrapped in a narrow cell
    mapped = read([*HEAD, header, *SIDE_BY_SIDE[1:]])
    annual = [(i.name, i.value) for i in mapped.document.indicators if i.scope == "annual"]
    assert annual == [("完成床位", "≥80张"), ("完工时间", "2021年12月底前"), ("老人满意度", "≥85%")]
    assert mapped.evidence["indicators[4].value"].label_score < 1.0  # in doubt


@pytest.mark.parametrize("level2", ["数量指标", "数量指标."])  # read with a speck after it too
def test_a_level1_cell_printing_two_names_gives_each_row_the_one_its_level2_falls_under(
    level2: str,
):
    tables = [list(r) for r in TWO_TABLES]
    tables[4][1], tables[5][1] = "项目完成指标_项目效益指标", UP  # the rule between not seen
    tables[4][2] = level2
    mapped = read(HEAD + tables)
    assert [i.level1 for i in mapped.document.indicators][2:] == ["项目完成指标", "项目效益指标"]
    assert mapped.evidence["indicators[3].level1"].label_score < 1.0  # in doubt


def test_a_level2_name_cut_between_its_lines_is_one_cell_in_doubt():
    tables = [list(r) for r in TWO_TABLES]
    tables[2][2] = "质量指"  # a rule seen between the lines of 质量指标 merged over two rows
    tables.insert(3, [UP, UP, "标", "完工率", Span("100%", 4)])
    mapped = read(HEAD + tables)
    assert [i.level2 for i in mapped.document.indicators][:3] == [
        "数量指标",
        "质量指标",
        "质量指标",
    ]
    assert mapped.evidence["indicators[2].level2"].structure_confidence < 0.5
    # wrapped over a page break
    first = [*HEAD, *TWO_TABLES[:2], [UP, UP, "社会效益", "入住率", Span("≥60%", 4)]]
    second = [["", "", "指标", "回访率", Span("≥50%", 4)], *TWO_TABLES[3:]]
    doc = read(first, second).document
    assert [i.level2 for i in doc.indicators][:3] == ["数量指标", "社会效益指标", "社会效益指标"]


def test_a_level1_cut_between_its_lines_into_a_shorter_name_is_one_cell_in_doubt():
    # 项目效益指标 merged over two rows, cut by the rule the next columns have between them:
    # the lower part reads as the taxonomy's own 效益指标, the upper as no name at all.
    tables = [list(r) for r in TWO_TABLES]
    tables[5] = [UP, "项目", "社会效益指标", "入住率", Span("≥60%", 4)]
    tables.append([UP, "效益指标", UP, "回访率", Span("≥50%", 4)])
    mapped = read(HEAD + tables)
    annual = [i.level1 for i in mapped.document.indicators if i.scope == "annual"]
    assert annual == ["项目完成指标", "项目效益指标", "项目效益指标"]
    assert mapped.evidence["indicators[3].level1"].structure_confidence < 0.5
    # two groups' names one above the other stay two
    tables[5][1], tables[6][1] = "项目完成指标", "项目效益指标"
    doc = read(HEAD + tables).document
    assert [i.level1 for i in doc.indicators][2:] == ["项目完成指标"] * 2 + ["项目效益指标"]


def test_a_garbled_label_in_the_first_column_names_the_pair_not_yet_read_it_reads_like():
    head = [list(r) for r in HEAD]
    head[1][0] = "主管部方夏代码"  # 主管部门及代码 wrapped in a narrow cell on a heavy page
    mapped = read(head + SIDE_BY_SIDE)
    project = mapped.document.project
    assert (project.department, project.department_code) == ("武汉市青山区民政局", "015001")
    assert project.implementing_unit == "青山区养老服务中心"  # the row is still the project's
    assert mapped.evidence["project.department"].label_score < 1.0  # in doubt
    head[1][0] = "绩效"  # reads like no pair's label: nothing guessed
    assert read(head + SIDE_BY_SIDE).document.project.department is None


def test_a_cell_holding_labels_and_their_values_gives_each_pair_in_doubt():
    head = [list(r) for r in HEAD]
    # the rules between the 年度 labels and their values not seen, nor the one under 年度资金总额
    head[3][3:] = [Span("年度资金总额120.50其中：财政拨款100.50", 4)]
    head[4][3:] = [Span("", 4)]
    head[5][3:] = [Span("其他资金20", 4)]
    mapped = read(head + SIDE_BY_SIDE)
    funds = mapped.document.funds
    assert _funds(funds) == (("300.00", "280.00", "20.00"), ("120.50", "100.50", "20"))
    assert mapped.evidence["funds.annual.fiscal"].label_score < 1.0


@pytest.mark.parametrize("label", ["主管部门及.代码", "主管部门及代,码"])
def test_a_label_read_with_a_speck_inside_is_a_label_not_a_label_and_its_value(label: str):
    head = [list(r) for r in HEAD]
    head[1][0] = label  # starts with the wording 主管部门; the rest is no value
    project = read(head + SIDE_BY_SIDE).document.project
    assert (project.department, project.department_code) == ("武汉市青山区民政局", "015001")


def test_a_pair_label_cut_in_two_by_a_stroke_taken_for_a_rule_still_names_its_value():
    # A heavy browser print: a stroke the grid took for a rule cut 年度资金总额 in two cells;
    # neither part names a pair, both together do. The value beside them is its, in doubt.
    head = [list(r) for r in HEAD]
    head[3][3:5] = ["年度资", "金总额", Span("120.50", 2)]
    mapped = read(head + SIDE_BY_SIDE)
    assert mapped.document.funds.annual.total == "120.50"
    assert mapped.evidence["funds.annual.total"].structure_in_doubt
    assert not read(HEAD + SIDE_BY_SIDE).evidence["funds.annual.total"].structure_in_doubt


def test_a_first_row_read_as_one_cell_across_the_table_gives_its_pair_in_doubt():
    head = [list(r) for r in HEAD]
    head[0] = [Span("项目名称社区养老服务中心建设", 8)]  # the rule after the label not seen
    mapped = read(head + SIDE_BY_SIDE)
    assert mapped.document.project.name == "社区养老服务中心建设"
    assert mapped.evidence["project.name"].structure_in_doubt
    assert mapped.document.project.department == "武汉市青山区民政局"
    head[0] = [Span("社区养老服务中心建设", 8)]  # no label: nothing tells which pair it is
    assert read(head + SIDE_BY_SIDE).document.project.name is None


def test_a_level2_header_right_of_the_first_halfs_name_starts_the_second_half():
    # 一级指标 and 二级指标 joined by a rule not seen and read line by line: the first half's
    # header starts at 三级指标, and the next 二级指标 is the 年度 half's, not the first's.
    header = list(SIDE_BY_SIDE[0])
    header[1:3] = [Span("一级指二级指标」标", 2)]
    mapped = read([*HEAD, header, *SIDE_BY_SIDE[1:]])
    got = [(i.scope, i.level2, i.name) for i in mapped.document.indicators]
    assert got == [
        ("mid_term", "数量指标", "床位数"),
        ("mid_term", "数量指标", "服务人次"),
        ("mid_term", "质量指标", "验收合格率"),
        ("mid_term", "满意度指标", "老人满意度"),
        ("annual", "数量指标", "完成床位"),
        ("annual", "时效指标", "完工时间"),
        ("annual", "满意度指标", "老人满意度"),
    ]
    assert mapped.evidence["indicators[0].level2"].label_score < 1.0  # told by position
    assert mapped.evidence["indicators[4].level2"].label_score == 1.0


def test_a_header_cell_read_as_its_neighbours_label_starts_no_second_half():
    # A heavy office print: 二级指标 read `级指标`, taken for 一级指标 a second time. A half
    # holds an indicator's own column before the next begins, so this is one table, the
    # 中期 one its label names, and the cell is the 二级 column it lacks.
    header = ["中期绩效指标", "一级指标", "级指标", "三级指标", Span("指标值", 4)]
    row = [UP, "产出指标", "数量指标", "床位数", Span("≥200张", 4)]
    mapped = read([*HEAD, header, row])
    got = [(i.scope, i.level1, i.level2, i.name, i.value) for i in mapped.document.indicators]
    assert got == [("mid_term", "产出指标", "数量指标", "床位数", "≥200张")]
    assert mapped.evidence["indicators[0].level2"].label_score < 1.0  # told by position


@pytest.mark.parametrize(
    ("at", "read_as", "told"), [(6, "一三级指标", "name"), (5, "一二级指标", "level2")]
)
def test_a_second_half_header_cell_read_as_the_shared_level1_is_the_column_it_lacks(
    at: int, read_as: str, told: str
):
    # A photographed native print: the 年度 half's 三级指标 read `一三级指标`, as like 一级指标
    # as 三级指标. The second half prints no 一级 column (both halves share the first's), and
    # a label out of the template's order after its 二级指标 is a misreading: the cell is the
    # name column the half lacks there. A heavy office print: the half's first cell, its
    # 二级指标, read `一二级指标`: the 二级 column it lacks before its 三级指标.
    header = list(SIDE_BY_SIDE[0])
    header[at] = read_as
    mapped = read([*HEAD, header, *SIDE_BY_SIDE[1:]])
    annual = [
        (i.level1, i.level2, i.name, i.value)
        for i in mapped.document.indicators
        if i.scope == "annual"
    ]
    assert annual == [
        ("产出指标", "数量指标", "完成床位", "≥80张"),
        ("产出指标", "时效指标", "完工时间", "2021年12月底前"),
        ("满意度指标", "满意度指标", "老人满意度", "≥85%"),
    ]
    assert mapped.evidence[f"indicators[4].{told}"].label_score < 1.0  # told by position


def test_a_label_naming_one_half_over_a_header_read_as_two_puts_the_halves_in_doubt():
    labelled = [list(r) for r in SIDE_BY_SIDE]
    labelled[0][0] = "年度绩效指标"
    doc = _assessed(read(HEAD + labelled))
    flagged = {f.path: f.reasons for f in doc.fields if f.status == FieldStatus.FLAGGED}
    scopes = [f"indicators[{i}].scope" for i in range(len(doc.indicators))]
    assert all("structure" in flagged.get(p, []) for p in scopes), flagged
    plain = _assessed(read(HEAD + SIDE_BY_SIDE))
    assert not [f for f in plain.fields if f.path.endswith(".scope") and f.reasons]


def test_a_first_half_header_cell_not_read_leaves_its_level_columns_empty_not_the_next_halfs():
    # The joined cell spans one grid column only: nothing tells which column it is, so the
    # first half's 二级 stays unread rather than taken from the 年度 half's column.
    header = list(SIDE_BY_SIDE[0])
    header[2] = "撒二双"
    doc = read([*HEAD, header, *SIDE_BY_SIDE[1:]]).document
    annual = [(i.level2, i.name) for i in doc.indicators if i.scope == "annual"]
    assert annual == [
        ("数量指标", "完成床位"),
        ("时效指标", "完工时间"),
        ("满意度指标", "老人满意度"),
    ]
    assert all(i.level2 != "时效指标" for i in doc.indicators if i.scope == "mid_term")


def test_first_half_header_cells_joined_and_garbled_between_named_ones_are_the_columns_between():
    # A heavy office print: the first half's 二级指标 and 三级指标 joined by a rule not seen and
    # read line by line (`二级指三级指标标1.`), no label. Between 一级指标 and 指标值 the template
    # prints those two columns, and the cell spans two: they are them, in order, in doubt.
    header = list(SIDE_BY_SIDE[0])
    header[2:4] = [Span("二级指三级指标标1.", 2)]
    mapped = read([*HEAD, header, *SIDE_BY_SIDE[1:]])
    mid = [(i.level2, i.name) for i in mapped.document.indicators if i.scope == "mid_term"]
    assert mid == [
        ("数量指标", "床位数"),
        ("数量指标", "服务人次"),
        ("质量指标", "验收合格率"),
        ("满意度指标", "老人满意度"),
    ]
    assert mapped.evidence["indicators[0].name"].label_score < 1.0  # told by position


def test_a_first_half_value_header_garbled_before_the_second_half_is_the_value_column():
    # A browser photo: 指标值（包含数字及文字描述） wrapped in a narrow cell read as no label.
    # After the first half's 三级指标 and before the second half's 二级指标 the template prints
    # the 指标值: the cell there is it, told by position, and the values are read, not lost.
    header = list(SIDE_BY_SIDE[0])
    header[4] = "值包數字曲教及子字描述"
    mapped = read([*HEAD, header, *SIDE_BY_SIDE[1:]])
    mid = [(i.name, i.value) for i in mapped.document.indicators if i.scope == "mid_term"]
    assert mid == [
        ("床位数", "≥200张"),
        ("服务人次", "≥5000人次"),
        ("验收合格率", "100%"),
        ("老人满意度", "≥90%"),
    ]
    assert mapped.evidence["indicators[0].value"].label_score < 1.0  # told by position
    assert mapped.evidence["indicators[0].name"].label_score == 1.0


def test_a_cell_both_halves_read_is_in_doubt_for_both():
    # A browser heavy print: the rule between the 中期 指标值 and the 年度 二级指标 worn away, so
    # one cell holds `≥90%` and the 二级 beside it. Neither half's reading of it is sure.
    rows = [list(r) for r in SIDE_BY_SIDE]
    rows[4][4:6] = [Span("≥90%满意度指标", 2)]
    doc = _assessed(read(HEAD + rows))
    flagged = {f.path: f.reasons for f in doc.fields if f.status == FieldStatus.FLAGGED}
    mid = next(i for i, x in enumerate(doc.indicators) if x.name == "老人满意度")
    annual = max(i for i, x in enumerate(doc.indicators) if x.name == "老人满意度")
    assert doc.indicators[mid].value == "≥90%满意度指标"
    assert "structure" in flagged.get(f"indicators[{mid}].value", []), flagged
    assert "structure" in flagged.get(f"indicators[{annual}].level2", []), flagged
    plain = _assessed(read(HEAD + SIDE_BY_SIDE))
    assert not [f for f in plain.fields if "structure" in f.reasons]


def test_specks_read_with_a_cells_value_are_taken_off_and_the_value_stays_in_doubt():
    # A heavy print's dust read at a name's end and between a number and its unit: the value
    # is the text without them, the record keeps the text read, and the field stays flagged
    # through every later check until a reviewer settles it.
    rows = [list(r) for r in SIDE_BY_SIDE]
    rows[1][3] = "床位数."
    rows[2][4] = "≥5000·人次"
    head = [list(r) for r in HEAD]
    head[1][1] = Span("[015001]武汉市青山区民政局.", 3)  # the code read off: not the cell whole
    doc = _assessed(read(head + rows))
    records = {f.path: f for f in doc.fields}
    name, value = records["indicators[0].name"], records["indicators[1].value"]
    assert (name.value, name.ocr_text) == ("床位数", "床位数.")
    assert (value.value, value.ocr_text) == ("≥5000人次", "≥5000·人次")
    messages = {i.paths[0]: i.message for i in run_checks(doc, TEMPLATE)}
    assert "床位数." in messages["indicators[0].name"]
    assert "≥5000·人次" in messages["indicators[1].value"]
    for record in (name, value):
        assert record.status == FieldStatus.FLAGGED and "format" in record.reasons
    department = records["project.department"]
    assert department.value == "武汉市青山区民政局."  # as before: flagged, the fix suggested
    assert department.suggestion == "武汉市青山区民政局"
    again = {f.path: f for f in revalidate(doc, {}, TEMPLATE).fields}
    assert again["indicators[0].name"].status == FieldStatus.FLAGGED
    settled = {
        f.path: f for f in revalidate(doc, {"indicators[0].name": "床位数"}, TEMPLATE).fields
    }
    assert "format" not in settled["indicators[0].name"].reasons
    clean = {f.path: f for f in _assessed(read(HEAD + SIDE_BY_SIDE)).fields}
    assert clean["indicators[0].name"].status == FieldStatus.ACCEPTED
    # a file's own text (a PDF's text layer) holds what was typed: nothing taken off
    typed = page_table(truth_page(1, head + rows, column_widths=WIDTHS), TITLE)
    layer = typed.model_copy(update={"reader": PageReader.TEXT_LAYER})
    kept = map_table(stitch([layer], TEMPLATE), TEMPLATE).document
    assert kept.indicators[0].name == "床位数."


def test_a_mapped_document_kept_for_calibration_loads_back_in_its_own_contract():
    # `jixiao calibrate` keeps each mapped document as JSON dumped by field name (`schema_id`)
    mapped = read(HEAD + SIDE_BY_SIDE)
    again = MappedDocument.model_validate_json(mapped.model_dump_json())
    assert isinstance(again.document, ProjectTargets)
    assert again.document == mapped.document


def test_a_satisfaction_over_100_percent_is_a_format_doubt():
    rows = [list(r) for r in SIDE_BY_SIDE]
    rows[4][4] = "285%"  # ≧85% with its sign read as a digit

    def doubted(rows: list[list[Entry]]) -> list[tuple[str, ...]]:
        issues = run_checks(read(HEAD + rows).document, TEMPLATE)
        return [i.paths for i in issues if i.reason == "format" and "indicators" in i.paths[0]]

    assert doubted(rows) == [("indicators[3].value",)]
    rows[4][4] = "≥90%"
    assert doubted(rows) == []


def test_a_name_of_the_one_half_printed_wrapped_over_the_page_break_is_one_name():
    """A table printing its 年度 half only, the 中期 half's cells left empty: the last name
    before the break filled its line and its value was printed there, so the short line after
    the break, with no value beside it, is the rest of that name, not a row of its own."""
    rows = [
        SIDE_BY_SIDE[0],
        [UP, "产出指标", "", "", "", "数量指标", "服务患者人数", "≧1047人"],
        [UP, UP, "", "", "", UP, "健康教育讲座次", "30次"],
    ]
    after = [
        ["", "", "", "", "", "", "数", ""],
        [UP, UP, "", "", "", UP, "健康教育讲座场次", "≥28场"],
    ]
    doc = read(HEAD + rows, after).document
    assert [(i.name, i.value) for i in doc.indicators if i.scope == "annual"] == [
        ("服务患者人数", "≧1047人"),
        ("健康教育讲座次数", "30次"),
        ("健康教育讲座场次", "≥28场"),
    ]


@pytest.mark.parametrize(
    "header",
    [
        SIDE_BY_SIDE[0],
        # the 年度 half's 三级指标 and 指标值 header cells read as one, the rule between them
        # not seen: the half is still told
        [*SIDE_BY_SIDE[0][:6], Span("三级指标 指标值", 2)],
    ],
    ids=["header", "header_cells_joined"],
)
def test_a_half_printing_one_more_row_over_the_page_break_keeps_it_as_a_row_in_doubt(header):
    """The 年度 half's last group runs one row longer than the 中期 half's: after the break
    its row has a name and a value of its own beside an empty 中期 half. It is a row, not the
    rest of the row above (whose value was printed whole before the break), and both names are
    in doubt: nothing but the figure tells a new row from a tall one cut."""
    rows = [list(header), *(list(r) for r in SIDE_BY_SIDE[1:3])]
    after = [["", "", "", "", "", "", "残疾人康复服务经费成本控制", "控制在预算范围内"]]
    doc = assembled(
        [
            page_table(truth_page(n, page, column_widths=WIDTHS), TITLE if n == 1 else None)
            for n, page in enumerate((HEAD + rows, after), 1)
        ]
    )
    annual = [(i.name, i.value) for i in doc.indicators if i.scope == "annual"]
    assert annual[-2:] == [
        ("完工时间", "2021年12月底前"),
        ("残疾人康复服务经费成本控制", "控制在预算范围内"),
    ]
    record = {f.path: f for f in doc.fields}
    names = [
        f"indicators[{i}].name" for i, ind in enumerate(doc.indicators) if ind.scope == "annual"
    ]
    assert all(record[p].reasons for p in names[-2:])


def _assessed(mapped: MappedDocument, model: CalibrationModel = IDENTITY) -> ProjectTargets:
    issues = run_checks(mapped.document, TEMPLATE)
    return assess(mapped, issues, TEMPLATE, model)  # type: ignore[return-value]


def test_a_half_named_by_nothing_is_one_doubt_for_its_table_not_one_per_cell():
    alone = [
        ["绩效指标", "一级指标", "二级指标", "三级指标", Span("指标值", 4)],
        [UP, "产出指标", "数量指标", "床位数", Span("≥200张", 4)],
        [UP, UP, "质量指标", "验收合格率", Span("100%", 4)],
    ]
    doc = _assessed(read(HEAD + alone))
    flagged = {f.path: f.reasons for f in doc.fields if f.status == FieldStatus.FLAGGED}
    scopes = ("indicators[0].scope", "indicators[1].scope")
    assert all("structure" in flagged.get(p, []) for p in scopes)
    # the names and values were read from cells the grid was sure of: the guess is the table's
    assert not [p for p in flagged if p.endswith((".name", ".value"))], flagged
    assert merged_spans(doc)["indicators[1].scope"] == scopes  # asked and corrected once
    named = _assessed(read(HEAD + [list(r) for r in TWO_TABLES]))
    spans = merged_spans(named)
    assert spans["indicators[0].scope"] == ("indicators[0].scope", "indicators[1].scope")
    assert spans["indicators[2].scope"] == ("indicators[2].scope", "indicators[3].scope")


# A fit that trusts every value it has a reading of, and no empty one.
DOUBTS_EMPTIES = CalibrationModel(
    method="logistic",
    note="intercept 5, empty -10",
    weights=(5.0, *(-10.0 if name == "empty" else 0.0 for name in FEATURES)),
    default_threshold=0.9,
)


NARRATIVE: list[list[Entry]] = [
    ["项目概况", Span("社区养老服务中心建设项目。", 7)],
    ["立项依据", Span("根据《养老服务体系建设规划》设立本项目。", 7)],
    ["项目设立必要性", Span("辖区老年人口多，养老床位不足。", 7)],
    ["保证项目实施的制度、措施", Span("专款专用，定期跟踪项目进度。", 7)],
    ["项目实施计划", Span("2021年完成主体工程。", 7)],
]


def test_narrative_rows_are_printed_together_so_one_not_read_is_missing():
    # A heavy print: the rule under the 项目概况 text not seen, its cell runs over the 立项依据
    # row, whose own text was lost. The rows are printed as a block, so the basis is missing,
    # not an optional row left unprinted.
    rows = [list(r) for r in NARRATIVE]
    rows[1] = ["立项依据", UP]
    mapped = read(HEAD[:6] + rows + HEAD[6:] + SIDE_BY_SIDE)
    assert mapped.document.narrative.overview == "社区养老服务中心建设项目。"
    assert mapped.document.narrative.basis is None
    assert mapped.evidence["narrative.basis"].missing
    assert not mapped.evidence["narrative.basis"].unprinted
    whole = read(HEAD[:6] + NARRATIVE + HEAD[6:] + SIDE_BY_SIDE)
    assert whole.document.narrative.basis == "根据《养老服务体系建设规划》设立本项目。"
    none = read(HEAD + SIDE_BY_SIDE)
    assert none.evidence["narrative.basis"].unprinted


def test_an_optional_section_not_printed_is_vouched_empty_while_every_line_is_accounted_for():
    read_in = read(HEAD + SIDE_BY_SIDE)
    narrative = [f"narrative.{k}" for k in ("overview", "basis", "necessity", "measures", "plan")]
    assert all(read_in.evidence[p].unprinted for p in narrative)
    doc = _assessed(read_in, DOUBTS_EMPTIES)
    flagged = {f.path for f in doc.fields if f.status == FieldStatus.FLAGGED}
    assert not flagged & set(narrative)
    assert not read_in.evidence["project.period"].unprinted  # printed: read, not vouched
    # text no field took may be the section's, printed and missed: then its fields are asked
    unplaced = DocumentFlag(
        reason=DocumentFlagReason.UNASSIGNED_TEXT, page=1, text="项目概况", message="未归入字段"
    )
    with_flag = read_in.model_copy(
        update={"document": read_in.document.model_copy(update={"document_flags": [unplaced]})}
    )
    flagged = {
        f.path
        for f in _assessed(with_flag, DOUBTS_EMPTIES).fields
        if f.status == FieldStatus.FLAGGED
    }
    assert set(narrative) <= flagged


@pytest.mark.parametrize(
    ("typed", "half"),
    [("中期", "mid_term"), (" 长期 ", "mid_term"), ("年度", "annual"), ("annual", "annual")],
)
def test_a_reviewer_names_a_half_as_the_form_does(typed: str, half: str):
    doc = _assessed(read(HEAD + SIDE_BY_SIDE))
    fixed = revalidate(doc, {"indicators[0].scope": typed}, TEMPLATE)
    assert fixed.indicators[0].scope == half  # type: ignore[attr-defined]


@pytest.mark.parametrize("typed", ["中期年度", "半年", "mid"])
def test_a_half_named_by_no_word_or_by_both_is_refused_in_the_reviewers_words(typed: str):
    doc = _assessed(read(HEAD + SIDE_BY_SIDE))
    with pytest.raises(InvalidCorrection, match="中期 或 年度"):
        revalidate(doc, {"indicators[0].scope": typed}, TEMPLATE)


def test_a_value_cell_beside_two_name_cells_puts_both_items_in_doubt():
    table = [
        ["年度绩效指标", "一级指标", "二级指标", "三级指标", Span("指标值", 4)],
        [UP, "效益指标", "社会效益指标", "卫生监督检查社会影", Span("不低于上年度水平", 4)],
        [UP, UP, UP, "响", UP],  # a stroke across the name column read as a rule
        [UP, UP, UP, "群众服务水平", Span("≥90%", 4)],
    ]
    mapped = read(HEAD + table)
    assert [i.name for i in mapped.document.indicators] == [
        "卫生监督检查社会影",
        "响",
        "群众服务水平",
    ]
    doubted = ("indicators[0].name", "indicators[0].value", "indicators[1].name")
    assert all(mapped.evidence[p].structure_confidence < 0.5 for p in doubted)
    assert mapped.evidence["indicators[2].name"].structure_confidence == 1.0
    doc = _assessed(mapped)
    flagged = {f.path for f in doc.fields if f.status == FieldStatus.FLAGGED}
    assert set(doubted) <= flagged and "indicators[0].scope" not in flagged


def _reasons(doc, path: str) -> list[str]:
    return next(f.reasons for f in doc.fields if f.path == path)


def test_a_pair_on_a_row_a_cell_no_field_took_reaches_through_a_spanning_value_is_in_doubt():
    """Rules lost around the first two rows: the name's cell took the department's code and
    the start of its name, spanning both rows; the name itself was left in a cell of its own.
    The department read on the next row, its text's end only, is in doubt too."""
    head = [
        ["项目名称", Span("[015001]武汉市", 2), Span("社区养老服务中心建设", 5)],
        ["主管部门及代码", UP, "青山区民政局", "实施单位", Span("青山区养老服务中心", 3)],
        *HEAD[2:],
    ]
    tables = [page_table(truth_page(1, head + SIDE_BY_SIDE, column_widths=WIDTHS), TITLE)]
    doc = assembled(tables)
    assert [f.text for f in doc.document_flags if f.reason == "unassigned_text"] == [
        "社区养老服务中心建设"
    ]
    assert doc.project.department == "青山区民政局"
    for path in ("project.name", "project.department", "project.department_code"):
        assert "structure" in _reasons(doc, path), path
    assert "structure" not in _reasons(doc, "project.attribute")  # a row no doubt reaches


def test_a_goal_holding_a_label_line_is_in_doubt_with_the_empty_goal_beside_it():
    """The goals printed as one cell, the rules inside it lost: the 年度目标 label is a line
    of the text, and the 中期 goal, read into it, is empty."""
    goals = "中期目标（2021年－2023年）目标1：建成养老服务中心。\n年度目标\n目标1：完成主体工程。"
    head = [*HEAD[:6], ["总体目标", Span(goals, 7)]]
    doc = assembled([page_table(truth_page(1, head + SIDE_BY_SIDE, column_widths=WIDTHS), TITLE)])
    assert (doc.goals.mid_term, doc.goals.annual) == (None, goals)
    assert "structure" in _reasons(doc, "goals.annual")
    assert "structure" in _reasons(doc, "goals.mid_term")


def test_a_goal_ending_in_the_indicators_half_title_is_in_doubt():
    """The rule under the goals lost: each goal's cell ends in the title of the indicator
    half below it (`中期指标`, read as close to its label `中期绩效指标`)."""
    head = [
        *HEAD[:7],
        [
            UP,
            Span("目标1：建成养老服务中心。\n中期指标", 4),
            Span("目标1：完成主体工程。\n年度指标", 3),
        ],
    ]
    doc = assembled([page_table(truth_page(1, head + SIDE_BY_SIDE, column_widths=WIDTHS), TITLE)])
    assert "structure" in _reasons(doc, "goals.mid_term")
    assert "structure" in _reasons(doc, "goals.annual")


def test_goals_read_whole_and_a_sentence_sharing_a_labels_words_are_not_in_doubt():
    head = [
        *HEAD[:7],
        [UP, Span("目标1：建成养老服务中心。", 4), Span("确保完成\n年度目标任务。", 3)],
    ]
    doc = assembled([page_table(truth_page(1, head + SIDE_BY_SIDE, column_widths=WIDTHS), TITLE)])
    assert doc.goals.annual == "确保完成\n年度目标任务。"
    assert "structure" not in _reasons(doc, "goals.mid_term")
    assert "structure" not in _reasons(doc, "goals.annual")


def test_a_goal_cut_in_two_by_a_rule_the_paper_does_not_print_is_in_doubt():
    """A stroke down the 中期 goal's cell was taken for a rule: the cell became two side by
    side, and the left ends of its lines were read before the right ones."""
    head = [
        *HEAD[:7],
        [
            UP,
            Span("目标1：建成养\n目标2：完善服", 2),
            Span("老服务中心。\n务设施。", 2),
            Span("目标1：完成主体工程。", 3),
        ],
    ]
    doc = assembled([page_table(truth_page(1, head + SIDE_BY_SIDE, column_widths=WIDTHS), TITLE)])
    assert doc.goals.mid_term == "目标1：建成养\n目标2：完善服\n老服务中心。\n务设施。"
    assert "structure" in _reasons(doc, "goals.mid_term")
    assert "structure" not in _reasons(doc, "goals.annual")
