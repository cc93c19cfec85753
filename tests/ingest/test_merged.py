"""Merged 一级/二级 cells: an unread 一级 filled from its 二级 by the taxonomy, and which rows
one printed cell spans."""

from ingest.confidence import assess
from ingest.merged import infer_level1, merged_spans
from ingest.template import default_template
from ingest.validate import run_checks
from models.contract import FieldStatus
from tests.ingest.trust_docs import IDENTITY, mapped, seed_document

TEMPLATE = default_template()
OUTPUT_ROWS = range(0, 22)  # the seed's 产出指标 rows


def _unread_level1(**changes: object):
    doc = seed_document(**{f"indicators__{i}__level1": None for i in OUTPUT_ROWS}, **changes)
    lost = {
        f"indicators__{i}__level1": {"missing": True, "ocr_confidence": 0.0} for i in OUTPUT_ROWS
    }
    return mapped(doc, **lost)


def _judged(read):
    return assess(read, run_checks(read.document, TEMPLATE), TEMPLATE, IDENTITY)


def test_an_unread_level1_is_inferred_from_its_level2_and_not_flagged():
    before = _judged(_unread_level1())
    flagged = [f for f in before.fields if f.status == FieldStatus.FLAGGED]
    assert len(flagged) == len(OUTPUT_ROWS)  # what the reviewer faced: one flag per row
    after = _judged(infer_level1(_unread_level1(), TEMPLATE))
    assert [i.level1 for i in after.indicators[:22]] == ["产出指标"] * 22
    records = {f.path: f for f in after.fields}
    assert all(records[f"indicators[{i}].level1"].evidence == "inferred" for i in OUTPUT_ROWS)
    assert [f.path for f in after.fields if f.status == FieldStatus.FLAGGED] == []
    assert records["indicators[22].level1"].evidence is None  # read, not inferred


def test_a_level2_that_does_not_decide_leaves_the_level1_flagged():
    read = infer_level1(_unread_level1(indicators__3__level2="数量指木"), TEMPLATE)
    judged = _judged(read)
    assert judged.indicators[3].level1 is None and judged.indicators[2].level1 == "产出指标"
    record = next(f for f in judged.fields if f.path == "indicators[3].level1")
    assert record.status == FieldStatus.FLAGGED and "missing" in record.reasons


def test_rows_under_one_printed_cell_form_one_span():
    doc = seed_document()
    cells: dict[tuple, int] = {}  # one box per printed 一级 and 二级 cell
    boxes = {}
    for i, ind in enumerate(doc.indicators):
        for key, cell in (("level1", (ind.level1,)), ("level2", (ind.level1, ind.level2))):
            y = 10 * cells.setdefault(cell, len(cells))
            boxes[f"indicators[{i}].{key}"] = [0, y, 50, y + 10]
    fields = [f.model_copy(update={"bbox": boxes.get(f.path, f.bbox)}) for f in doc.fields]
    spans = merged_spans(doc.model_copy(update={"fields": fields}))
    assert spans["indicators[5].level1"] == tuple(f"indicators[{i}].level1" for i in OUTPUT_ROWS)
    assert spans["indicators[0].level2"] == tuple(f"indicators[{i}].level2" for i in range(7))
    assert "indicators[28].level2" not in spans  # 生态效益指标: one row, no span
    # the same 一级 cut by a page break is two printed cells
    cut = [
        f.model_copy(update={"page": 2})
        if f.path in {f"indicators[{i}].level1" for i in range(11, 22)}
        else f
        for f in fields
    ]
    parts = merged_spans(doc.model_copy(update={"fields": cut}))
    assert len(parts["indicators[0].level1"]) == 11 and len(parts["indicators[11].level1"]) == 11
