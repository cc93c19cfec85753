import json
from pathlib import Path

import pytest

from ingest.forms import form_by_id
from ingest.review import with_values
from ingest.template import default_template
from ingest.validate import CheckIssue, field_kinds, run_checks
from models.project import ProjectTargets
from tests.ingest.trust_docs import seed_document, with_records

TEMPLATE = default_template()
PROJECT_TRUTH = Path(__file__).parents[1] / "data" / "corpus_project" / "syn12_0000.truth.json"


def issues_for(doc, reason: str | None = None) -> list[CheckIssue]:
    return [i for i in run_checks(doc, TEMPLATE) if reason is None or i.reason == reason]


def flagged_paths(doc, reason: str) -> set[str]:
    return {p for i in issues_for(doc, reason) for p in i.paths}


def project_document() -> ProjectTargets:
    """A document of the second form as its contract stores it (a synthetic one's truth)."""
    truth = json.loads(PROJECT_TRUTH.read_text(encoding="utf-8"))
    return ProjectTargets.model_validate(truth["document"])


def test_seed_document_passes_every_check():
    assert run_checks(seed_document(), TEMPLATE) == []


def test_misread_basic_expenditure_breaks_the_identity_and_gets_the_right_suggestion():
    doc = seed_document(budget__basic_expenditure="391.72")
    doc = with_records(doc, confidence={"budget.basic_expenditure": 0.71})
    (issue,) = issues_for(doc, "sum_mismatch")
    assert issue.check == "budget_identity"
    assert "budget.basic_expenditure" in issue.paths
    assert issue.suggestion_path == "budget.basic_expenditure"
    assert issue.suggestion == "397.72"
    assert issue.message == TEMPLATE.checks[0].message


def test_suggestion_for_a_term_on_the_right_side():
    doc = seed_document(budget__fiscal_appropriation="481.89")
    doc = with_records(doc, confidence={"budget.fiscal_appropriation": 0.5})
    (issue,) = issues_for(doc, "sum_mismatch")
    assert (issue.suggestion_path, issue.suggestion) == ("budget.fiscal_appropriation", "461.89")


def test_no_suggestion_when_no_single_term_is_suspect():
    doc = seed_document(budget__basic_expenditure="391.72")  # every term read at 0.99
    (issue,) = issues_for(doc, "sum_mismatch")
    assert issue.suggestion is None and issue.suggestion_path is None


def test_the_only_implausible_term_is_the_suspect_even_when_confident():
    doc = seed_document(budget__project_expenditure="60.17")
    doc = with_records(
        doc,
        confidence={"budget.basic_expenditure": 0.8},
        ocr={"budget.project_expenditure": "6O.17"},
    )
    (issue,) = [i for i in issues_for(doc, "sum_mismatch") if i.check == "budget_identity"]
    assert (issue.suggestion_path, issue.suggestion) == ("budget.project_expenditure", "64.17")


def test_printed_rounding_difference_is_within_tolerance():
    doc = seed_document(
        budget__basic_expenditure="10891.62",
        budget__project_expenditure="61915.77",
        budget__fiscal_appropriation="72807.38",
        tasks__0__amount="61915.77",
        tasks__1__amount="0",
    )
    assert issues_for(doc, "sum_mismatch") == []


def test_identity_off_by_more_than_rounding_is_flagged():
    doc = seed_document(budget__fiscal_appropriation="461.79")
    assert "budget.fiscal_appropriation" in flagged_paths(doc, "sum_mismatch")


def test_tasks_above_project_expenditure_flag_the_task_amounts():
    doc = seed_document(tasks__1__amount="24.76")
    (issue,) = issues_for(doc, "sum_mismatch")
    assert issue.check == "tasks_within_project"
    assert set(issue.paths) == {"tasks[0].amount", "tasks[1].amount", "budget.project_expenditure"}
    assert issue.suggestion is None


def test_tasks_below_project_expenditure_pass():
    assert issues_for(seed_document(tasks__1__amount="4.76"), "sum_mismatch") == []


@pytest.mark.parametrize(
    ("value", "printed", "bad"),
    [
        ("397.72", "397.72", False),
        ("10891.62", "10,891.62", False),
        ("0", "0", False),
        ("-3.00", "-3.00", True),
        ("397.725", "397.725", True),
        ("397.72", "397.7Z", True),
        ("10.5", "1O.5", True),
        (None, "壹佰", True),
        (None, None, False),
        ("69717.0", "69717.0", True),  # a last decimal lost
        ("97.6", "097.6", True),  # a first digit lost or misread
        ("0.00", "0.00", False),
        ("150", "150", True),  # whole, where every other amount has two decimals
    ],
)
def test_amount_format(value, printed, bad):
    doc = with_records(
        with_values(seed_document(), {"budget.city_level_funds": value}),
        ocr={"budget.city_level_funds": printed},
    )
    assert ("budget.city_level_funds" in flagged_paths(doc, "format")) is bad


def test_whole_amounts_are_fine_where_the_table_is_typed_so_and_a_reviewer_is_not_judged():
    whole = {
        "budget.basic_expenditure": "398",
        "budget.project_expenditure": "64",
        "budget.fiscal_appropriation": "462",
        "tasks[0].amount": "49",
        "tasks[1].amount": "15",
    }
    doc = with_records(with_values(seed_document(), whole), ocr=whole)
    assert not flagged_paths(doc, "format") & set(whole)
    lone = with_records(
        with_values(seed_document(), {"tasks[1].amount": "15"}), ocr={"tasks[1].amount": "15"}
    )
    assert "tasks[1].amount" in flagged_paths(lone, "format")
    corrected = [
        f.model_copy(update={"status": "corrected"}) if f.path == "tasks[1].amount" else f
        for f in lone.fields
    ]
    assert "tasks[1].amount" not in flagged_paths(
        lone.model_copy(update={"fields": corrected}), "format"
    )


def test_letter_in_amount_suggests_the_number_when_mapping_kept_the_letter_out():
    doc = with_records(
        with_values(seed_document(), {"budget.city_level_funds": None}),
        ocr={"budget.city_level_funds": "l2.5O"},
    )
    (issue,) = issues_for(doc, "format")
    assert issue.paths == ("budget.city_level_funds",)
    assert (issue.suggestion_path, issue.suggestion) == (None, None)  # value None: no number
    doc = with_records(
        with_values(seed_document(), {"budget.city_level_funds": "72.50"}),
        ocr={"budget.city_level_funds": "l2.5O"},
    )
    (issue,) = issues_for(doc, "format")
    assert (issue.suggestion_path, issue.suggestion) == ("budget.city_level_funds", "12.50")


@pytest.mark.parametrize(
    ("value", "printed", "bad"),
    [(18, "18", False), (18, "18人", False), (-2, "-2", True), (18, "l8", True)],
)
def test_count_format(value, printed, bad):
    doc = with_records(
        with_values(seed_document(), {"basic_info.staff_count": value}),
        ocr={"basic_info.staff_count": printed},
    )
    assert ("basic_info.staff_count" in flagged_paths(doc, "format")) is bad


def _indicator(level2: str, value: str):
    """The seed with its first indicator of `level2` given `value`."""
    doc = seed_document()
    i = next(k for k, ind in enumerate(doc.indicators) if ind.level2 == level2)
    return with_records(with_values(doc, {f"indicators[{i}].value": value})), i


def _value_doubted(level2: str, value: str) -> bool:
    """Whether the seed's first indicator of `level2` given `value` is a format doubt."""
    doc, i = _indicator(level2, value)
    return f"indicators[{i}].value" in flagged_paths(doc, "format")


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("100%", False),
        ("≥90%", False),
        ("≧95%", False),
        ("无重大差错", False),
        ("1000%", True),
        ("95", True),
        ("1O0%", True),
    ],
)
def test_percent_values_of_quality_indicators(value, bad):
    doc, i = _indicator("质量指标", value)
    assert field_kinds(doc, TEMPLATE)[f"indicators[{i}].value"] == "percent"
    assert (f"indicators[{i}].value" in flagged_paths(doc, "format")) is bad


def test_a_zero_read_as_q_in_a_count_is_suggested_as_digits():
    """A worn 0 read as Q (`≥369Q人`) is no code like `5G`: before, the run read as no number
    and the value was accepted."""
    doc, i = _indicator("数量指标", "≥369Q人")
    (issue,) = issues_for(doc, "format")
    assert (issue.suggestion_path, issue.suggestion) == (f"indicators[{i}].value", "≥3690人")


def test_lookalike_in_a_percent_is_suggested_as_digits():
    doc, i = _indicator("质量指标", "l00%")
    (issue,) = issues_for(doc, "format")
    assert (issue.suggestion_path, issue.suggestion) == (f"indicators[{i}].value", "100%")


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("2024年12月31日前完成", False),
        ("长期", False),
        ("年底前", False),
        ("2023年6月", False),
        ("30天内", False),
        ("100%", False),  # a timeliness rate (资金支付及时率)
        ("≥95%", False),
        ("120%", True),
        ("2024年12月底前完成.", True),
        ("2025年6月30日前", True),
        ("2024年13月", True),
        ("2024年12月32日", True),
        ("12", True),
        ("按计划完成", True),
    ],
)
def test_time_indicators_are_dates_or_periods_within_the_form_year(value, bad):
    doc, i = _indicator("时效指标", value)
    assert (f"indicators[{i}].value" in flagged_paths(doc, "format")) is bad


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("6次", False),
        ("≥190元每人每月", False),
        ("预算控制98%以内", False),
        ("不低于上年度水平", False),
        ("PM2.5≤35", False),
        ("≥", True),
        ("≥人", True),
        ("不低于", True),
    ],
)
def test_operator_values(value, bad):
    doc, i = _indicator("数量指标", value)
    assert (f"indicators[{i}].value" in flagged_paths(doc, "format")) is bad


def test_level2_under_the_wrong_level1_is_flagged_with_its_level1_and_kept_as_printed():
    doc = with_records(with_values(seed_document(), {"indicators[22].level2": "质量指标"}))
    (issue,) = issues_for(doc, "taxonomy")
    # Printed so, or the merged 一级 cell read over the wrong rows: either may be the wrong one.
    assert issue.paths == ("indicators[22].level1", "indicators[22].level2")
    assert "产出指标" in issue.message
    assert doc.indicators[22].level2 == "质量指标"


def test_unknown_level1_and_level2_are_flagged():
    doc = with_records(
        with_values(
            seed_document(),
            {"indicators[0].level1": "产出措施", "indicators[1].level2": "数量措施"},
        )
    )
    assert flagged_paths(doc, "taxonomy") == {"indicators[0].level1", "indicators[1].level2"}


def test_printed_variant_of_a_level2_is_not_a_taxonomy_error():
    doc = with_records(with_values(seed_document(), {"indicators[31].level2": "服务对象"}))
    assert issues_for(doc, "taxonomy") == []


@pytest.mark.parametrize("path", ["department", "year", "budget.fiscal_appropriation"])
def test_required_fields(path):
    doc = with_records(with_values(seed_document(), {path: None}))
    assert path in flagged_paths(doc, "missing")


def test_an_indicator_value_with_no_name_beside_it_is_a_name_missing():
    doc = with_records(with_values(seed_document(), {"indicators[4].name": None}))
    assert flagged_paths(doc, "missing") == {"indicators[4].name"}
    # a row with neither name nor value is an empty row of its 二级, as printed
    empty = {"indicators[4].name": None, "indicators[4].value": None}
    assert issues_for(with_records(with_values(seed_document(), empty)), "missing") == []


def test_optional_empty_fields_are_not_missing():
    assert issues_for(seed_document(), "missing") == []  # other_funds, subunit_count are null


def test_duplicated_indicator_row_is_flagged_once_on_the_repeat():
    doc = seed_document()
    doc = with_records(
        doc.model_copy(
            update={"indicators": [*doc.indicators[:3], doc.indicators[2], *doc.indicators[3:]]}
        )
    )
    (issue,) = issues_for(doc, "duplicate")
    assert set(issue.paths) == {f"indicators[3].{k}" for k in ("level1", "level2", "name", "value")}


def test_same_name_with_other_values_is_not_a_duplicate():
    doc = with_records(with_values(seed_document(), {"indicators[1].name": "开展培训场次"}))
    assert issues_for(doc, "duplicate") == []


@pytest.mark.parametrize(
    ("level2", "value", "bad"),
    [
        ("质量指标", "≥95%.", True),
        ("数量指标", "·4个", True),
        ("数量指标", "4个", False),
        ("数量指标", "（1）4个", False),
        ("质量指标", "≧95%", False),
    ],
)
def test_a_mark_at_either_end_of_a_value_makes_it_doubtful(level2, value, bad):
    assert _value_doubted(level2, value) is bad


def test_a_name_with_a_stray_dot_is_doubtful():
    doc = with_records(with_values(seed_document(), {"indicators[0].name": "资金支付及时率."}))
    assert "indicators[0].name" in flagged_paths(doc, "format")


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("资金支付.及时率", True),
        ("资金支付 _ 及时率", True),
        ("资金支付,及时率", False),  # a printed ， as the recogniser reads it
        ("资金支付及时率", False),
    ],
)
def test_a_half_width_mark_between_ideographs_is_doubtful(name, bad):
    doc = with_records(with_values(seed_document(), {"indicators[0].name": name}))
    assert ("indicators[0].name" in flagged_paths(doc, "format")) is bad


@pytest.mark.parametrize(
    ("path", "printed", "suggested"),
    [
        ("indicators[31].level2", "I服务对象满意度指标", "服务对象满意度指标"),  # a stray mark
        ("indicators[31].level2", "服务対象", "服务对象"),  # the printed variant, misread
        ("indicators[0].level1", "产出指木", "产出指标"),
        ("indicators[32].level1", "满意度指标服务对象", "满意度指标"),  # the 二级 read with it
        ("indicators[0].level1", "完全不同", None),  # nothing close: no guess
    ],
)
def test_a_misread_taxonomy_term_gets_the_nearest_as_suggestion(path, printed, suggested):
    doc = with_records(with_values(seed_document(), {path: printed}))
    (issue,) = issues_for(doc, "taxonomy")
    assert (issue.suggestion, issue.suggestion_path) == (suggested, path if suggested else None)


@pytest.mark.parametrize("read", [None, "6", "。"])
def test_a_level2_under_a_level1_with_one_child_is_told_by_the_taxonomy(read):
    doc = with_records(with_values(seed_document(), {"indicators[32].level2": read}))
    (issue,) = issues_for(doc, "taxonomy")
    assert issue.paths == ("indicators[32].level2",)
    if read is None:
        assert "只有“服务对象满意度指标”" in issue.message
    # printed as 服务对象满意度指标 or as one of its variants (服务对象, 满意度指标…): no guess
    assert issue.suggestion is None
    one_way = default_template().model_copy(update={"level2_variants": {}})
    (issue,) = [i for i in run_checks(doc, one_way) if i.reason == "taxonomy"]
    assert (issue.suggestion, issue.suggestion_path) == ("服务对象满意度指标", issue.paths[0])


def test_an_unread_level2_under_a_level1_with_a_choice_gets_no_suggestion():
    doc = with_records(with_values(seed_document(), {"indicators[27].level2": None}))
    assert issues_for(doc, "taxonomy") == []  # 效益指标 has four: left to the reading doubts


def test_a_misread_character_is_suggested_from_the_document_s_other_text():
    doc = seed_document()
    name = doc.indicators[0].name
    misread = "荃" + name[1:]
    doc = with_records(with_values(doc, {"indicators[0].name": misread}))
    (issue,) = issues_for(doc, "format")
    assert (issue.suggestion, issue.suggestion_path) == (name, "indicators[0].name")


def test_a_character_mended_into_no_word_is_not_suggested():
    # `区` stands alone beside an unknown place; elsewhere `进` stands between the same
    # neighbours, but `淡江进农业` puts it in no word either
    values = {"department": "揭阳市淡江区农业农村局", "tasks[0].name": "推动淡江进农业"}
    doc = with_records(with_values(seed_document(), values))
    (issue,) = [i for i in issues_for(doc, "format") if i.paths == ("department",)]
    assert issue.suggestion is None


@pytest.mark.parametrize("name", ["服务参训人员人数", "在岗人员培训率"])
def test_terms_of_budget_work_the_general_word_list_lacks_are_words(name):
    doc = with_records(with_values(seed_document(), {"indicators[0].name": name}))
    assert issues_for(doc, "format") == []


@pytest.mark.parametrize(
    ("name", "value", "doubted"),
    [
        ("投诉率", "≤58", True),  # `≤5%` with its % read as 8
        ("投诉率", "0", True),
        ("投诉率", "≤5%", False),
        ("投诉率", "较上年下降2个百分点", False),
        ("投诉次数", "≤58", False),  # a count, not a rate
    ],
)
def test_a_rate_whose_value_is_a_bare_number_is_doubted(name, value, doubted):
    values = {"indicators[32].name": name, "indicators[32].value": value}
    doc = with_records(with_values(seed_document(), values))
    found = [i for i in issues_for(doc, "format") if i.paths == ("indicators[32].value",)]
    assert bool(found) is doubted


def test_a_level2_printed_under_the_wrong_level1_gets_no_suggestion():
    doc = with_records(with_values(seed_document(), {"indicators[22].level2": "质量指标"}))
    (issue,) = issues_for(doc, "taxonomy")
    assert issue.suggestion is None  # printed so: kept as printed


@pytest.mark.parametrize(
    ("value", "suggested"),
    [
        ("≥95%.", "≥95%"),
        ("·4个", "4个"),
        ("不低于上年度水.平", "不低于上年度水平"),
        ("2024年11月.30日前完成", "2024年11月30日前完成"),
        ("≥98%°", "≥98%"),  # a speck read as a degree sign
        ("不低于上年度水·平", "不低于上年度水平"),
        ("7775.人次", "7775人次"),  # between a number and its unit: no decimal point
        ("≥5.万元", "≥5万元"),
    ],
)
def test_a_stray_edge_mark_is_suggested_away(value, suggested):
    level2 = "质量指标" if "%" in value else "时效指标" if "月" in value else "数量指标"
    doc, i = _indicator(level2, value)
    (issue,) = [x for x in issues_for(doc, "format") if x.paths == (f"indicators[{i}].value",)]
    assert (issue.suggestion, issue.suggestion_path) == (suggested, f"indicators[{i}].value")


@pytest.mark.parametrize("value", ["≤12.5万元", "1478人次", "≥3.5倍"])
def test_a_decimal_point_before_its_digits_is_no_stray_mark(value):
    doc, i = _indicator("数量指标", value)
    assert not [x for x in issues_for(doc, "format") if f"indicators[{i}].value" in x.paths]


def test_a_date_under_a_quality_indicator_puts_its_level2_in_doubt_too():
    doc = seed_document().model_copy(deep=True)
    quality = next(i for i, ind in enumerate(doc.indicators) if ind.level2 == "质量指标")
    doc.indicators[quality].value = "2024年9月30日前完成"
    issue = next(i for i in run_checks(doc, TEMPLATE) if f"indicators[{quality}].value" in i.paths)
    assert f"indicators[{quality}].level2" in issue.paths
    worded = doc.model_copy(deep=True)
    worded.indicators[quality].value = "合格"  # unlike a percentage, and unlike a date
    issues = [i for i in run_checks(worded, TEMPLATE) if f"indicators[{quality}].value" in i.paths]
    assert all(f"indicators[{quality}].level2" not in i.paths for i in issues)


@pytest.mark.parametrize(
    ("path", "printed", "said", "suggested"),
    [
        ("tasks[0].name", "1劳动保障监察经费", "序号", "劳动保障监察经费"),
        ("indicators[0].name", "12侨务接待次数", "序号", "侨务接待次数"),
        ("tasks[1].name", "3个重点项目经费", "", None),  # a measure word: the name's own number
        ("tasks[1].name", "12345热线运行经费", "", None),  # no list number has five digits
        # a lone digit at the end is a speck read as a digit
        ("indicators[0].name", "办公设备购置经费项目数量6", "“6”", "办公设备购置经费项目数量"),
        ("tasks[0].name", "劳动保障监察经费3", "“3”", "劳动保障监察经费"),
        ("indicators[0].name", "开展培训1次", "", None),  # a count with its measure word
        ("tasks[0].name", "PM2.5监测经费", "", None),
        # an indicator value that has given its number and measure ends there
        ("indicators[0].value", "≥4010人6", "“6”", "≥4010人"),
        ("indicators[0].value", "≥95%6", "“6”", "≥95%"),
        ("indicators[0].value", "≧3295人a", "“a”", "≧3295人"),  # a letter likewise
        # a line read twice: a run of four or more ideographs doubled
        ("tasks[0].name", "职业技能培训经职业技能培训经费", "“职业技能培训经”", "职业技能培训经费"),
        ("tasks[0].name", "办公设备通过政府采购采购", "", None),  # a doubled word, as printed
        ("indicators[0].value", "≥4A级", "", None),  # a grade's letter, before its measure
        ("indicators[0].value", "第3", "", None),  # no number and measure before it
        ("indicators[0].value", "≥4010人", "", None),
        # a dash or a rule's stub before the text is read as 一, which then stands in no word
        ("indicators[0].name", "一疾病预防控制经费实施时间", "“一”", "疾病预防控制经费实施时间"),
        ("tasks[0].name", "一劳动保障监察经费", "“一”", "劳动保障监察经费"),
        ("indicators[0].value", "一控制在预算范围内", "“一”", "控制在预算范围内"),
        ("indicators[0].name", "一站式服务满意度", "", None),  # 一 in a word
        ("indicators[0].name", "一般公共预算支出进度", "", None),
        ("indicators[0].value", "一年内完成", "", None),  # a numeral counting years
        ("indicators[0].value", "一次", "", None),
    ],
)
def test_a_mark_glued_to_a_values_edge_is_suggested_away(path, printed, said, suggested):
    doc = with_records(with_values(seed_document(), {path: printed}))
    found = [x for x in issues_for(doc, "format") if x.paths == (path,)]
    if suggested is None:
        assert found == []
    else:
        (issue,) = found
        assert said in issue.message and issue.suggestion == suggested


def test_a_rare_look_alike_in_a_name_is_a_format_doubt():
    doc = with_records(with_values(seed_document(), {"indicators[0].name": "资金使用合规宰"}))
    (issue,) = [x for x in issues_for(doc, "format") if x.paths == ("indicators[0].name",)]
    assert "宰" in issue.message and issue.suggestion is None


def test_a_common_look_alike_breaking_a_word_is_a_format_doubt_unless_written_elsewhere():
    doc = with_records(with_values(seed_document(), {"indicators[0].name": "校园安舍检查完成率"}))
    (issue,) = [x for x in issues_for(doc, "format") if x.paths == ("indicators[0].name",)]
    assert "安舍" in issue.message and issue.suggestion is None
    both = {"indicators[0].name": "校园安舍检查完成率", "indicators[1].name": "校园安舍检查次数"}
    doc = with_records(with_values(seed_document(), both))
    assert not [x for x in issues_for(doc, "format") if x.paths == ("indicators[0].name",)]


@pytest.mark.parametrize(
    ("title", "cut"),
    [
        ("2021年度部门整体支出绩效目标表", False),
        ("部门整体支出绩效目标表（2021年度）", False),
        ("广东省部门整体支出绩效目标表\n（2021年度）", False),
        ("广东省部门整体支出绩效目标\n（2021年度）", True),  # 表 clipped at the line's end
        ("2021年度部门整体支出绩效目", True),
        ("2021年度部门整体支出绩效目标申报表", False),
        ("2021年度部门整体支出绩效目标电报表", True),  # 申 misread: no wording of the form
        ("2021年度部门整体支出绩效目标衣", True),
    ],
)
def test_a_title_not_ending_as_the_forms_name_is_a_format_doubt(title, cut):
    doc = with_records(with_values(seed_document(), {"title": title}))
    assert bool([x for x in issues_for(doc, "format") if x.paths == ("title",)]) == cut


@pytest.mark.parametrize(
    ("path", "printed", "char", "suggested"),
    [
        ("tasks[0].name", "保障白常办公经费", "白", "保障日常办公经费"),  # 日 read as 白
        ("indicators[0].name", "任务完威率", "威", "任务完成率"),  # 成 read as 威
        ("indicators[0].name", "耕地保护检查合格事", "事", "耕地保护检查合格率"),
        ("indicators[0].name", "侨务调研完成翠", "翠", "侨务调研完成率"),
        ("indicators[0].value", "≥13场茨", "茨", None),  # rare too: told as rare, no guess
    ],
)
def test_a_look_alike_standing_in_no_word_is_doubted_with_the_word(path, printed, char, suggested):
    doc = with_records(with_values(seed_document(), {path: printed}), confidence={path: 0.995})
    (issue,) = [x for x in issues_for(doc, "format") if x.paths == (path,)]
    assert f"“{char}”" in issue.message and issue.suggestion == suggested


@pytest.mark.parametrize(
    ("path", "printed"),
    [("indicators[0].value", "?个"), ("indicators[0].name", "侨务接待？次数")],
)
def test_a_question_mark_in_a_short_value_is_a_glyph_not_made_out(path, printed):
    doc = with_records(with_values(seed_document(), {path: printed}), confidence={path: 0.994})
    (issue,) = [x for x in issues_for(doc, "format") if x.paths == (path,)]
    assert "识别不出" in issue.message and issue.suggestion is None


@pytest.mark.parametrize(
    ("path", "printed", "suggested"),
    [
        ("indicators[0].name", "信息化建设及运维经费成本。控制", "信息化建设及运维经费成本控制"),
        ("indicators[0].value", "2023年6月30·日前完成", "2023年6月30日前完成"),
    ],
)
def test_a_full_stop_or_a_middle_dot_inside_a_short_value_is_a_speck(path, printed, suggested):
    doc = with_records(with_values(seed_document(), {path: printed}))
    (issue,) = [x for x in issues_for(doc, "format") if x.paths == (path,)]
    assert issue.suggestion == suggested


@pytest.mark.parametrize(
    ("path", "printed", "doubted"),
    [
        ("tasks[0].name", "指标值", True),  # a header read into an empty cell
        ("department", "部门名称", True),
        ("tasks[0].name", "部门名称经费", False),
        ("indicators[0].name", "服务对象满意度", False),
    ],
)
def test_a_value_reading_as_a_printed_label_is_a_format_doubt(path, printed, doubted):
    doc = with_records(with_values(seed_document(), {path: printed}))
    found = [x for x in issues_for(doc, "format") if x.paths[0] == path]
    assert bool(found) == doubted
    if doubted:
        assert "栏目名称" in found[0].message


@pytest.mark.parametrize(
    ("path", "printed", "said", "suggested"),
    [
        (
            "department",
            "韶关市淡江区财政局",
            "“淡江区”不是已知的行政区划名称，可能是“武江区”、“浈江区”、“曲江区”等",
            None,
        ),
        ("department", "韶关市浈汪区财政局", "可能是“浈江区”、“贾汪区”", "韶关市浈江区财政局"),
        ("title", "2021年韶美市财政局部门整体支出绩效目标表", "“韶美市”", None),
    ],
)
def test_a_place_name_one_character_from_known_divisions_is_a_format_doubt(
    path, printed, said, suggested
):
    doc = with_records(with_values(seed_document(), {path: printed}), confidence={path: 0.991})
    (issue,) = [x for x in issues_for(doc, "format") if x.paths == (path,)]
    assert said in issue.message and issue.suggestion == suggested


def test_a_place_name_in_an_indicator_is_not_judged_as_a_division():
    """Indicators speak of places in ordinary words (全县, 市区): only the fields a template
    names as places are checked."""
    doc = with_records(with_values(seed_document(), {"indicators[0].name": "淡江区侨务接待次数"}))
    assert not [x for x in issues_for(doc, "format") if x.paths == ("indicators[0].name",)]


def test_the_second_forms_department_and_unit_are_checked_for_misread_places():
    template = form_by_id("project_expenditure").template
    names = {
        "project.department": "韶关市淡江区财政局",
        "project.implementing_unit": "淡江区财政局",
    }
    doc = with_values(project_document(), names)
    found = [i for i in run_checks(doc, template) if "淡江区" in i.message]
    assert sorted(p for i in found for p in i.paths) == sorted(names)


PROJECT = form_by_id("project_expenditure").template


def _project_issues(values: dict, reason: str = "format") -> dict[str, str]:
    doc = with_values(project_document(), values)
    return {p: i.message for i in run_checks(doc, PROJECT) if i.reason == reason for p in i.paths}


def test_a_mid_term_deadline_may_pass_the_forms_year_and_an_annual_one_may_not():
    doc = project_document()
    annual = next(k for k, i in enumerate(doc.indicators) if i.scope == "annual")
    mid = next(k for k, i in enumerate(doc.indicators) if i.scope == "mid_term")
    late = f"{doc.year + 2}年6月底前完成"
    values = {
        f"indicators[{k}].{key}": v
        for k in (mid, annual)
        for key, v in (("level2", "时效指标"), ("value", late))
    }
    found = _project_issues(values)
    assert f"indicators[{mid}].value" not in found
    assert "晚于表格年度" in found[f"indicators[{annual}].value"]


def test_amounts_printed_to_four_decimals_are_fine_where_the_form_prints_them_so():
    four = {"funds.mid_term.total": "3954.5500", "funds.mid_term.fiscal": "3954.5500"}
    assert not _project_issues(four)
    three = _project_issues({"funds.mid_term.total": "3954.550"})
    assert "不足4位" in three["funds.mid_term.total"]
    assert (
        "最多保留4位"
        in _project_issues({"funds.mid_term.total": "3954.55001"})["funds.mid_term.total"]
    )
    # the first form prints two decimals only
    doc = with_records(seed_document(budget__basic_expenditure="100.0000"))
    assert "budget.basic_expenditure" in flagged_paths(doc, "format")


def test_a_period_word_that_names_a_half_is_a_value_not_a_label_read_into_it():
    doc = project_document()
    lasting = next(k for k, i in enumerate(doc.indicators) if i.level2 == "社会效益指标")
    assert f"indicators[{lasting}].value" not in _project_issues(
        {f"indicators[{lasting}].value": "长期"}
    )
    assert (
        "栏目名称"
        in _project_issues({f"indicators[{lasting}].value": "项目期"})[
            f"indicators[{lasting}].value"
        ]
    )


@pytest.mark.parametrize(
    ("level2", "value", "bad"),
    [
        ("质量指标", "%", True),
        ("质量指标", "≥%", True),
        ("质量指标", "≥ 85 %", False),
        ("社会效益指标", "%", True),
        ("社会效益指标", "下降%以上", True),
        ("社会效益指标", "0%", False),
        ("社会效益指标", "下降5%以上", False),
    ],
)
def test_a_percent_sign_with_no_number_before_it_lost_a_digit(level2, value, bad):
    """`0%` read as `%`: a sign no number comes before is a digit lost, whatever the kind."""
    assert _value_doubted(level2, value) is bad


def test_an_indicator_value_of_letters_alone_is_a_misreading():
    """`≧90%` read as `N`: no rate, date or measure is written as letters alone."""
    for level2, value in (("服务对象满意度指标", "N"), ("时效指标", "ab"), ("社会效益指标", "N")):
        assert _value_doubted(level2, value), value
    for level2, value in (("服务对象满意度指标", "≥90%"), ("社会效益指标", "A级景区")):
        assert not _value_doubted(level2, value), value


@pytest.mark.parametrize(
    ("value", "bad"),
    [("4", True), ("a1", True), ("一", True), ("——", True), ("无", False), ("/", False)],
)
def test_a_paragraph_of_a_digit_or_a_letter_is_a_mark_read_as_text(value, bad):
    """A heavy page's specks in an empty optional cell read as `4`, or a dash as `一`."""
    doc = with_records(with_values(seed_document(), {"other_tasks": value}))
    assert ("other_tasks" in flagged_paths(doc, "format")) is bad


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("加强与各部门的沟通协调，形成工作合力，", "结尾"),  # its last clause on the next page
        ("主要内容包括：", "结尾"),
        ("、完善侨法宣传工作，做好资料收集整理。", "开头"),  # `2、` lost
        ("，推动各项工作落地见效。", "开头"),
        ("形成工作合力，推动各项工作落地见效。", None),
        ("1、完善侨法宣传工作；\n2、做好资料收集整理；", None),
        ("提升服务质量和效率", None),  # no full stop at all: printed so
    ],
)
def test_a_paragraph_that_starts_or_ends_open_lost_text(value, message):
    """No paragraph ends on a comma or a colon, nor starts on a clause's closing mark."""
    _assert_format_doubt("tasks[1].expected", value, message)


def _assert_format_doubt(path: str, value: str, message: str | None) -> None:
    """The paragraph at `path` set to `value` is a format doubt saying `message`, or none."""
    doc = with_records(with_values(seed_document(), {path: value}))
    found = [i for i in run_checks(doc, TEMPLATE) if path in i.paths]
    if message is None:
        assert found == []
    else:
        (issue,) = found
        assert issue.reason == "format" and message in issue.message


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("做好普法宣传活动工作，R量及时发现和整改存在问题。", True),
        ("发现和整改存在问题，e行部门职责。", True),
        ("做好资料此售数理法让分忙和门烛工作 hn收果整理。", True),
        ("购置DVD影碟机，完善BP机呼号登记。", False),
        ("推广政务App，创建国家4A级旅游景区。", False),
        ("开展PPP项目绩效评价。", False),
    ],
)
def test_a_lone_letter_in_a_paragraph_is_a_misreading(value, bad):
    """A stroke or a garbled stretch read as a letter among ideographs; letters printed in
    words and codes are no doubt."""
    doc = with_records(with_values(seed_document(), {"tasks[1].expected": value}))
    assert ("tasks[1].expected" in flagged_paths(doc, "format")) is bad


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("利用门户网站、.微信公众号等平台加大宣传力度。", True),
        ("聘请第三方专业机构提供技术支持,，提升服务质量。", True),
        ("提升服务质量和效率。。根据文件精神设立本项目。", True),
        ("开展日常监督检查和专项督·，及时发现问题。", True),
        ("目标1：完成主体工程。目标2：提升服务。", False),
        ("包括培训、宣传等...具体见附件。", False),
    ],
)
def test_two_clause_marks_in_a_row_hold_a_speck(value, bad):
    doc = with_records(with_values(seed_document(), {"tasks[1].expected": value}))
    assert ("tasks[1].expected" in flagged_paths(doc, "format")) is bad


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # `1、` read as nothing at the paragraph's start
        ("做好校园安全检查工作，推动工作落地见效。2、扎实推进安全检查工作。", "“1、”"),
        ("（1）加强宣传工作。（3）规范资金管理。", "“（2）”"),  # an item, or its number, lost
        ("一、总体目标明确。三、保障措施到位。", "“二、”"),
        ("十、加强宣传。十二、规范管理。", "“十一、”"),  # the number after 十 named as written
        ("1、加强宣传：（1）开展培训；（2）发放资料。2、规范管理（1）健全制度。", None),
        ("主要包括（1）开展培训，（2）发放资料；（3）走访群众。", None),  # a list in a sentence
        ("2、扎实推进安全检查工作。3、规范资金管理。", None),  # a list carried on from before
        ("初二（6）班开展安全教育。（1）制定方案。", None),  # a number in brackets, no item
        ("完成投资3.5亿元。2.5万元用于宣传。", None),  # decimals, no items
    ],
)
def test_a_list_item_numbered_out_of_turn_lost_a_number_or_an_item(value, message):
    """Items are numbered from 1 and counted on; a sub-list starts again at 1."""
    _assert_format_doubt("tasks[1].content", value, message)


@pytest.mark.parametrize(
    ("value", "fixed"),
    [
        ("制定实施方案，明确.责任分工和时间节点。", "制定实施方案，明确责任分工和时间节点。"),
        ("确保资金使用安全规范-有效。", "确保资金使用安全规范有效。"),
        ("制定实施_\n方案，明确责任分工。", "制定实施\n方案，明确责任分工。"),
        ("完成2023-2025年规划，开展PM2.5监测。", None),  # between digits
        ("开展调研.形成报告.报送上级.", None),  # a writer of narrow marks
        ("开展调研,形成报告,报送上级-完成", None),
        ("(1)加强宣传工作。(2)·加强年检工作。", "(1)加强宣传工作。(2)加强年检工作。"),
        ("1) ·组织开展监测工作,做好归档。", "1)组织开展监测工作,做好归档。"),  # any marks
    ],
)
def test_a_narrow_mark_between_words_of_a_paragraph_is_a_speck(value, fixed):
    """A paragraph set with full-width marks has no narrow one between two ideographs, and no
    paragraph has one after a list number's bracket; the suggestion drops it."""
    doc = with_records(with_values(seed_document(), {"tasks[1].expected": value}))
    found = [i for i in run_checks(doc, TEMPLATE) if "tasks[1].expected" in i.paths]
    if fixed is None:
        assert found == []
    else:
        (issue,) = found
        assert (issue.reason, issue.suggestion) == ("format", fixed)
