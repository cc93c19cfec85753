"""The list whose rows carry a taxonomy's 一级/二级 is the one the form's template names: a
form calling it `targets` is checked, its merged cells found and its unread 一级 filled under
that name."""

from pathlib import Path

import pytest
import yaml

from ingest import forms
from ingest.artifacts import MappedDocument
from ingest.forms import load_form
from ingest.merged import infer_level1, merged_spans
from ingest.template import DEFAULT_TEMPLATE
from ingest.validate import run_checks

CONTRACT = """
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from models.contract import FormDocument, Indicator, RunRecord, register_contract


class _Values(BaseModel):
    unit: str | None = None
    targets: list[Indicator] = Field(default_factory=list)


@register_contract
class UnitTargets(RunRecord, _Values, FormDocument):
    SECTION_KEYS: ClassVar[frozenset[str]] = frozenset({"unit", "targets"})

    schema_id: Literal["unit-targets-test/1"] = Field(default="unit-targets-test/1", alias="schema")
"""


@pytest.fixture
def targets_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> forms.Form:
    messages = yaml.safe_load(DEFAULT_TEMPLATE.read_text(encoding="utf-8"))["messages"]
    columns = [("level1", "一级指标", "taxonomy1"), ("level2", "二级指标", "taxonomy2"),
              ("name", "三级指标", "text"), ("value", "指标值", "indicator_value")]  # fmt: skip
    template = {
        "id": "unit-targets-test",
        "schema": "unit-targets-test/1",
        "name": "单位绩效指标表",
        "title_pattern": r"(?P<year>(19|20)\d{2})\s*年.*单位绩效指标表",
        "form_title_pattern": "单位绩效指标表",
        "columns": 5,
        "amount_decimals": 2,
        "sections": [
            {
                "key": "unit",
                "labels": ["单位名称"],
                "layout": "value",
                "field": "unit",
                "kind": "text",
            },
            {
                "key": "targets",
                "labels": ["绩效指标"],
                "layout": "rows",
                "list": "targets",
                "carry_down": ["level1", "level2"],
                "columns": [
                    {"key": k, "labels": [label], "kind": kind} for k, label, kind in columns
                ],
            },
        ],
        "taxonomy": {"产出指标": ["数量指标", "时效指标"], "满意度指标": ["服务对象满意度指标"]},
        "indicator_value_kinds": {"时效指标": "date_or_period"},
        "messages": messages,
    }
    (tmp_path / "form.yaml").write_text("id: unit_targets\nname: 单位绩效指标表\n", "utf-8")
    (tmp_path / "contract.py").write_text(CONTRACT, encoding="utf-8")
    text = yaml.safe_dump(template, allow_unicode=True)
    (tmp_path / "template.yaml").write_text(text, encoding="utf-8")
    forms.forms()  # the built-in ones first
    form = load_form(tmp_path)
    monkeypatch.setitem(forms._REGISTRY, form.id, form)
    return form


def _document(form: forms.Form, *rows: tuple[str | None, str, str, str]):
    targets = [dict(zip(("level1", "level2", "name", "value"), row, strict=True)) for row in rows]
    return form.contract.model_validate({"year": 2025, "unit": "某单位", "targets": targets})


def test_the_taxonomy_and_value_checks_use_the_templates_list(targets_form: forms.Form):
    doc = _document(
        targets_form,
        ("产出指标", "数量指标", "培训人次", "≥200人次"),
        ("产出指标", "数量指木标", "覆盖人数", "≥50人"),
        ("产出指标", "时效指标", "完成时间", "2026年12月"),
    )
    issues = {(i.check, i.paths) for i in run_checks(doc, targets_form.template)}
    assert issues == {
        ("taxonomy_level2", ("targets[1].level2",)),
        ("kind_date_or_period", ("targets[2].value",)),
    }


def test_merged_cells_and_unread_level1_are_found_in_the_templates_list(
    targets_form: forms.Form,
):
    doc = _document(
        targets_form,
        ("产出指标", "数量指标", "培训人次", "≥200人次"),
        ("产出指标", "数量指标", "覆盖人数", "≥50人"),
        (None, "服务对象满意度指标", "学员满意度", "≥90%"),
    )
    spans = merged_spans(doc)
    assert spans["targets[0].level1"] == ("targets[0].level1", "targets[1].level1")
    assert spans["targets[1].level2"] == ("targets[0].level2", "targets[1].level2")
    filled = infer_level1(MappedDocument(document=doc, evidence={}), targets_form.template)
    assert filled.document.targets[2].level1 == "满意度指标"
    assert filled.evidence["targets[2].level1"].ocr_confidence == 1.0
