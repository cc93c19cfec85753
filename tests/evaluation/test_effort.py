"""Review effort counted against the truth: items, key presses, suggestions."""

from ingest.evaluation.effort import review_effort
from ingest.template import default_template
from models.contract import FieldRecord, FieldStatus, value_paths
from tests.ingest.trust_docs import seed_document

KINDS = default_template().kinds_by_key()


def test_items_and_keys_of_a_clerk_who_knows_the_paper():
    doc = seed_document()
    truth = dict(value_paths(doc))
    wrong = {"budget.basic_expenditure": "391.72", "department": "湛江市归国华桥联合会"}
    wrong |= {f"indicators[{i}].level1": "产出指木" for i in range(3)}
    flagged = {"budget.basic_expenditure", "budget.project_expenditure", "department"}
    flagged |= {f"indicators[{i}].level1" for i in range(3)}
    fields = [
        FieldRecord(
            path=f.path,
            value=wrong.get(f.path, f.value),
            confidence=0.5,
            status=FieldStatus.FLAGGED if f.path in flagged else FieldStatus.ACCEPTED,
            page=1,
            bbox=[0, 0, 9, 9] if f.path.endswith("level1") else [0, 10 * n, 9, 10 * n + 9],
            suggestion="397.72" if f.path == "budget.basic_expenditure" else None,
        )
        for n, f in enumerate(doc.fields)
    ]
    pred = doc.model_copy(update={"fields": fields})
    correct = {p: wrong.get(p, truth[p]) == truth[p] for p in truth}
    counts = review_effort(pred, truth, correct, KINDS)
    # 基本支出: Tab+Enter; 项目支出 right: Ctrl+Enter; department typed; 一级 cell typed once
    typed = len(str(truth["department"])) + 1 + len("产出指标") + 1
    assert counts == {
        "review_items": 4,
        "review_keys": 2 + 1 + typed + 1,
        "suggested": 1,
        "suggested_right": 1,
    }
