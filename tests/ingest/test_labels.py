import pytest

from ingest.labels import (
    LABEL_THRESHOLD,
    best_label,
    label_similarity,
    match_label,
    match_row,
    nearest_wording,
)
from ingest.template import default_template

TEMPLATE = default_template()
SECTIONS = {s.key: s.labels for s in TEMPLATE.sections}


@pytest.mark.parametrize(
    ("printed", "section"),
    [
        ("总 体 目 标", "overall_goal"),
        ("总\n体\n绩\n效\n目\n标", "overall_goal"),
        ("部门（单位）名称", "department"),
        ("部门名称：", "department"),
        ("其他需完成的任务（可选填）", "other_tasks"),
        ("其他需完成的任务", "other_tasks"),
        ("绩效指木", "indicators"),  # one misread character
        ("年度重点工作仼务", "tasks"),
    ],
)
def test_section_label_variants(printed, section):
    found = match_label(printed, SECTIONS)
    assert found is not None and found.key == section


def test_scores_rank_exact_above_misread_above_unrelated():
    exact = label_similarity("绩效指标", "绩效指标")
    misread = label_similarity("绩效指木", "绩效指标")
    unrelated = label_similarity("总体绩效目标", "绩效指标")
    assert exact == 1.0 > misread >= LABEL_THRESHOLD > unrelated


@pytest.mark.parametrize("text", ["", "  \n", "湛江市归国华侨联合会", "397.72"])
def test_values_are_not_labels(text):
    assert match_label(text, SECTIONS) is None


def test_header_wording_wins_over_a_similar_field_label():
    budget = TEMPLATE.section("budget")
    candidates = {
        **{p.field: p.labels for p in budget.pairs},
        **{f"header:{h}": (h,) for h in budget.headers},
    }
    found = best_label("事业发展性支出", candidates)
    assert found is not None and found.key == "header:事业发展性支出"
    wrapped = match_label("拟用于对下\n转移支付资金", candidates)
    assert wrapped is not None and wrapped.key == "budget.transfer_payment_funds"


def test_header_row_with_full_width_brackets_and_spaces():
    columns = {c.key: c.labels for c in TEMPLATE.section("tasks").columns}
    row = ["名称", "主要实施内容", "拟投入的资金 （万元）", "期望达到的目标（ 概述 ）"]
    found = match_row(row, columns)
    assert found is not None
    assert [found[i].key for i in range(4)] == ["name", "content", "amount", "expected"]


def test_data_row_is_not_a_header_row():
    columns = {c.key: c.labels for c in TEMPLATE.section("indicators").columns}
    assert match_row(["产出指标", "数量指标", "培训次数", "6次"], columns) is None
    assert match_row(["-级指标", "=级指标", "三级指标", "指标值"], columns) is not None


def test_the_nearest_wording_is_one_printed_inside_unless_another_reads_closer():
    terms = {
        "社会效益指标": ("社会效益指标",),
        "服务对象满意度指标": ("服务对象满意度指标", "满意度指标"),
    }
    assert nearest_wording("社会效益指标二级指标", terms) == "社会效益指标"  # a header read along
    assert nearest_wording("满意度指标", terms) == "满意度指标"
    assert nearest_wording("务对象满意度指标", terms) == "服务对象满意度指标"  # its first lost
    assert nearest_wording("87日标", terms) is None
