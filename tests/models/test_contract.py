import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from models.contract import (
    SCHEMA_ID,
    FieldRecord,
    FieldStatus,
    PerformanceTargets,
    value_paths,
)
from models.schema import PUBLISHED, render_schema

DATA = Path(__file__).parents[1] / "data"
SEED_GOLD = DATA / "seed" / "seed_gold.json"
DOCS = Path(__file__).parents[2] / "docs"


def _seed() -> PerformanceTargets:
    return PerformanceTargets.model_validate(json.loads(SEED_GOLD.read_text(encoding="utf-8")))


def test_seed_gold_loads_with_every_value():
    doc = _seed()
    assert doc.schema_id == SCHEMA_ID
    assert doc.department == "湛江市归国华侨联合会"
    assert doc.budget.basic_expenditure == "397.72"
    assert len(doc.tasks) == 2 and len(doc.indicators) == 33


def test_full_contract_round_trips_exactly():
    doc = _seed()
    fields = [
        FieldRecord(
            path=path,
            value=value,
            ocr_text=None if value is None else str(value),
            confidence=0.9,
            status=FieldStatus.ACCEPTED,
            page=1,
            bbox=[1, 2, 3, 4],
        )
        for path, value in value_paths(doc)
    ]
    full = doc.model_copy(update={"fields": fields, "document_id": "abc"})
    dumped = full.to_json_dict()
    assert dumped["schema"] == SCHEMA_ID and "schema_id" not in dumped
    again = PerformanceTargets.model_validate(json.loads(json.dumps(dumped, ensure_ascii=False)))
    assert again.to_json_dict() == dumped


def test_unknown_keys_and_bad_amounts_are_rejected():
    raw = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    with pytest.raises(ValidationError):
        PerformanceTargets.model_validate({**raw, "surprise": 1})
    raw["budget"]["basic_expenditure"] = "10,891.62"
    with pytest.raises(ValidationError):
        PerformanceTargets.model_validate(raw)


def test_confidence_must_be_a_probability():
    with pytest.raises(ValidationError):
        FieldRecord(path="department", value="x", confidence=97, status=FieldStatus.ACCEPTED)


def test_value_paths_name_every_value_once():
    paths = [p for p, _ in value_paths(_seed())]
    assert len(paths) == len(set(paths))
    assert "indicators[32].value" in paths and "tasks[1].amount" in paths
    assert PerformanceTargets.is_long_text("tasks[0].content")
    assert not PerformanceTargets.is_long_text("tasks[0].amount")


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_schema_matches_the_models(name: str):
    published = (DOCS / name).read_text(encoding="utf-8")
    assert published == render_schema(PUBLISHED[name]), (
        f"docs/{name} is stale: python -m models.schema docs/"
    )


def test_document_flags_are_additive_and_typed():
    raw = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    assert PerformanceTargets.model_validate(raw).document_flags == []
    flag = {
        "reason": "page_unread",
        "section": None,
        "page": 3,
        "bbox": [0, 0, 10, 10],
        "text": None,
        "message": "第3页表格未能识别，请核对该页内容",
    }
    doc = PerformanceTargets.model_validate({**raw, "document_flags": [flag]})
    dumped = doc.to_json_dict()
    assert dumped["schema"] == SCHEMA_ID
    assert dumped["document_flags"][0]["status"] == "open"
    with pytest.raises(ValidationError):
        PerformanceTargets.model_validate({**raw, "document_flags": [{**flag, "reason": "other"}]})
    with pytest.raises(ValidationError):
        PerformanceTargets.model_validate(
            {**raw, "document_flags": [{**flag, "section": "appendix"}]}
        )
