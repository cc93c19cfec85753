from pathlib import Path

import pytest

from ingest.errors import TemplateError
from ingest.forms import FORMS_DIR, form_by_id
from ingest.template import DEFAULT_TEMPLATE, default_template, load_template, normalize_label
from tests.ingest.template_text import without_message


def test_default_template_describes_the_form():
    template = default_template()
    keys = [s.key for s in template.sections]
    assert keys[:3] == ["department", "basic_info", "budget"]
    assert set(template.taxonomy) == {"产出指标", "效益指标", "满意度指标"}
    budget = template.section("budget")
    assert len(budget.pairs) == 8


@pytest.mark.parametrize(
    ("printed", "level1"),
    [
        ("服务对象", "满意度指标"),
        ("服务对象 满意度指标", "满意度指标"),
        ("质量指标", "产出指标"),
        ("可持续影响指标", "效益指标"),
        ("不存在指标", None),
    ],
)
def test_level2_variants_classify(printed: str, level1: str | None):
    assert default_template().level1_of(printed) == level1


def test_labels_normalise_width_spacing_and_breaks():
    assert normalize_label("期望达到的目标（概述） ") == normalize_label("期望达到的目标(概述)")
    assert normalize_label("总 体 目 标") == "总体目标"
    assert normalize_label("拟用于对下\n转移支付资金") == "拟用于对下转移支付资金"


def test_broken_template_names_file_and_line(tmp_path: Path):
    text = DEFAULT_TEMPLATE.read_text(encoding="utf-8")
    broken = text.replace("    layout: pairs\n    headers:", "    layout: table\n    headers:")
    lines = broken.splitlines()
    expected_line = next(i for i, s in enumerate(lines, 1) if s.strip() == "layout: table")
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_template(path)
    message = str(err.value)
    assert str(path) in message and "layout" in message
    # the section mapping starts a line or two above its `layout` key
    line = int(message.split("line ")[1].split(":")[0])
    assert expected_line - 3 <= line <= expected_line


def test_invalid_yaml_is_reported(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("sections: [unclosed\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="not valid YAML"):
        load_template(path)


@pytest.mark.parametrize(
    ("original", "broken", "complaint"),
    [
        ("- field: budget.special_funds", "- field: budget.special_fund", "not a field of"),
        ("      - key: expected", "      - key: expect", "not a field of"),
        (
            "        labels: [财政供养人员数, 财政供养人数, 编制人数]\n        kind: count",
            "        labels: [财政供养人员数, 财政供养人数, 编制人数]\n        kind: amount",
            "cannot be stored",
        ),
        ("carry_down: [level1, level2]", "carry_down: [level1, levl2]", "not a column"),
        ('"tasks[*].name"]', '"task[*].name"]', "not a field of"),
        ("left: ['tasks[*].amount']", "left: ['task[*].amount']", "not a field of"),
        ("  时效指标: date_or_period", "  实效指标: date_or_period", "not a 二级指标"),
        ("place_fields: [title, department]", "place_fields: [title, departmant]", "not a field"),
        (
            '"indicators[*].name": "indicators[*].value"',
            '"indicators[*].name": "indicators[*].valu"',
            "not a field",
        ),
        (
            '"indicators[*].name": "indicators[*].value"',
            '"indicators[*].name": "tasks[*].amount"',
            "not of the same row",
        ),
        (
            "      - headers: [事业发展性支出, 预算金额(万元), 按预算级次划分, 预算金额(万元)]",
            "      - headers: [事业发展支出, 预算金额(万元), 按预算级次划分, 预算金额(万元)]",
            "'事业发展支出' is not a header of the section",
        ),
        (
            "      - pairs: [budget.special_funds, budget.city_level_funds]",
            "      - pairs: [budget.special_funds]",
            "fills 2 columns, not the 4 right of the label",
        ),
        (
            "      - pairs: [budget.special_funds, budget.city_level_funds]",
            "      - pairs: [budget.special_funds, budget.other_funds]",
            "'budget.other_funds' is printed twice",
        ),
    ],
    ids=[
        "pair",
        "column",
        "kind",
        "carry_down",
        "required",
        "check",
        "value_kind",
        "place_field",
        "required_with",
        "required_with_row",
        "printed_header",
        "printed_width",
        "printed_twice",
    ],
)
def test_a_template_that_names_what_the_contract_lacks_fails_at_load_with_its_line(
    tmp_path: Path, original: str, broken: str, complaint: str
) -> None:
    """A typo in a field path would load quietly and lose every value it names."""
    text = DEFAULT_TEMPLATE.read_text(encoding="utf-8")
    assert text.count(original) == 1
    changed = text.replace(original, broken)
    changed_line = changed[: changed.index(broken)].count("\n") + 1 + broken.count("\n")
    path = tmp_path / "typo.yaml"
    path.write_text(changed, encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_template(path)
    message = str(err.value)
    assert str(path) in message and complaint in message
    line = int(message.split("line ")[1].split(":")[0])
    assert changed_line - 3 <= line <= changed_line, message


def _line_of_error(err: pytest.ExceptionInfo[TemplateError]) -> int:
    return int(str(err.value).split("line ")[1].split(":")[0])


def test_a_message_a_check_tells_that_the_template_lacks_fails_at_load(tmp_path: Path) -> None:
    """A check needing a sentence the form does not give would otherwise fail mid-document."""
    text = DEFAULT_TEMPLATE.read_text(encoding="utf-8")
    removed = "  not_level2: “{value}”不是二级指标\n"
    assert text.count(removed) == 1
    changed = text.replace(removed, "")
    path = tmp_path / "short.yaml"
    path.write_text(changed, encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_template(path)
    assert str(path) in str(err.value) and "'not_level2' is missing" in str(err.value)
    # the line of the messages' first entry, where the block to add it to starts
    assert _line_of_error(err) == changed.splitlines().index("messages:") + 2


@pytest.mark.parametrize(
    ("form", "key"),
    [
        ("department_overall", "rows_unread"),  # a rows section lost rows
        ("department_overall", "level_rows_in_section"),  # indicator rows read under tasks
        ("department_overall", "list_separator"),  # how pages are listed in those sentences
        ("department_overall", "unassigned_text"),  # a line that ended nowhere
        ("project_expenditure", "halves_one_row"),  # a form printing two halves
        ("project_expenditure", "page_without_table"),  # a page that ended nowhere
        ("project_expenditure", "place_named"),  # a form whose fields name places
    ],
)
def test_a_sentence_of_the_row_and_page_checks_the_template_lacks_fails_at_load(
    tmp_path: Path, form: str, key: str
) -> None:
    """The checks every form runs (rows lost or shifted, pages and lines that ended nowhere)
    tell reviewers the form's own sentences: one missing fails at load, naming it."""
    text = (form_by_id(form).folder / "template.yaml").read_text(encoding="utf-8")
    path = tmp_path / "short.yaml"
    path.write_text(without_message(text, key), encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_template(path)
    assert str(path) in str(err.value) and f"'{key}' is missing" in str(err.value)


def test_a_message_naming_a_placeholder_its_check_does_not_fill_fails_at_its_line(
    tmp_path: Path,
) -> None:
    text = DEFAULT_TEMPLATE.read_text(encoding="utf-8")
    original = "  date_after_year: 时效晚于表格年度{year}年"
    assert text.count(original) == 1
    broken = "  date_after_year: 时效晚于{yaer}年"
    changed = text.replace(original, broken)
    path = tmp_path / "misfilled.yaml"
    path.write_text(changed, encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_template(path)
    assert "{yaer} is not filled here (placeholders: {year})" in str(err.value)
    assert _line_of_error(err) == changed.splitlines().index(broken) + 1


def test_a_level1_told_by_the_taxonomy_takes_the_wording_of_the_documents_version():
    template = form_by_id("project_expenditure").template
    assert template.level1_wording("产出指标", ["项目效益指标", "满意度指标"]) == "项目完成指标"
    assert template.level1_wording("效益指标", ["项目完成指标"]) == "项目效益指标"
    assert template.level1_wording("产出指标", ["效益指标", "数量指标"]) == "产出指标"
    assert template.level1_wording("满意度指标", ["项目效益指标"]) == "满意度指标"
    # nothing printed that tells a version, or both versions: the taxonomy's name
    assert template.level1_wording("产出指标", ["满意度指标"]) == "产出指标"
    assert template.level1_wording("产出指标", ["项目效益指标", "产出指标"]) == "产出指标"


def test_a_half_allowed_past_the_forms_year_that_the_section_lacks_fails_at_load(
    tmp_path: Path,
) -> None:
    text = (FORMS_DIR / "project_expenditure" / "template.yaml").read_text(encoding="utf-8")
    assert text.count("beyond_year: [mid_term]") == 1
    path = tmp_path / "typo.yaml"
    path.write_text(text.replace("beyond_year: [mid_term]", "beyond_year: [mid_trem]"), "utf-8")
    with pytest.raises(TemplateError, match="'mid_trem' is not a half of the section"):
        load_template(path)


def test_a_section_printed_with_others_that_is_not_optional_fails_at_load(tmp_path: Path) -> None:
    """Sections printed all or none are optional ones: a required one is always printed."""
    source = FORMS_DIR / "project_expenditure" / "template.yaml"
    text = source.read_text(encoding="utf-8")
    block = "    optional: true\n    printed_with: narrative\n"
    assert text.count(block) == 5
    path = tmp_path / "required.yaml"
    path.write_text(text.replace(block, "    printed_with: narrative\n", 1), encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_template(path)
    assert str(path) in str(err.value) and "printed_with" in str(err.value)
