"""Review effort counted against the truth: items, key presses, suggestions."""

from ingest.confidence import assess
from ingest.evaluation.effort import CURRENT_PAGE, FIELDS_PAGE, TERMS_PAGE, review_effort
from ingest.review import with_values
from ingest.template import default_template
from ingest.validate import run_checks
from models.contract import FieldRecord, FieldStatus, value_paths
from tests.ingest.trust_docs import IDENTITY, mapped, seed_document, with_records

TEMPLATE = default_template()
KINDS = TEMPLATE.kinds_by_key()


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
    # 基本支出: Tab+Enter; 项目支出 right: Ctrl+Enter; department and the 一级 cell (once)
    # mended a character each, then Enter
    typed = 1 + 1 + 1 + 1
    assert counts == {
        "review_items": 4,
        "review_keys": 2 + 1 + typed + 1,
        "suggested": 1,
        "suggested_right": 1,
    }


def _read(evidence: dict | None = None, **printed: object):
    """The seed with `printed` values read, flagged as the pipeline flags it (with `evidence`
    overrides as `mapped` takes them)."""
    doc = seed_document(**printed)
    return assess(mapped(doc, **(evidence or {})), run_checks(doc, TEMPLATE), TEMPLATE, IDENTITY)


def _effort(pred, truth, page=CURRENT_PAGE) -> dict[str, int]:
    correct = {path: value == truth.get(path) for path, value in value_paths(pred)}
    return review_effort(pred, truth, correct, KINDS, page)


IDENTITY_TERMS = 4  # 基本支出, 项目支出, 财政拨款, 其他资金: all flagged by a broken identity


def test_a_sum_the_paper_breaks_is_one_item_and_one_press():
    pred = _read(budget__fiscal_appropriation="461.39")
    truth = dict(value_paths(pred))  # printed so: every term read right
    assert _effort(pred, truth) == {
        "review_items": 1,
        "review_keys": 1 + 1,  # Ctrl+Enter on the group, Enter to accept
        "suggested": 0,
        "suggested_right": 0,
    }
    each = _effort(pred, truth, TERMS_PAGE)
    assert (each["review_items"], each["review_keys"]) == (IDENTITY_TERMS, IDENTITY_TERMS + 1)


def test_a_misread_term_with_a_right_suggestion_is_taken_and_the_others_clear():
    pred = _read(budget__fiscal_appropriation="461.39")
    fields = [
        f.model_copy(update={"suggestion": "461.89"})
        if f.path == "budget.fiscal_appropriation" else f
        for f in pred.fields
    ]  # fmt: skip
    pred = pred.model_copy(update={"fields": fields})
    truth = dict(value_paths(seed_document()))
    assert _effort(pred, truth) == {
        "review_items": 1,
        "review_keys": 2 + 1,  # Tab, Enter; the sum holds, its other terms clear
        "suggested": 1,
        "suggested_right": 1,
    }


def test_a_misread_term_of_a_sum_the_paper_breaks_leaves_the_group_to_confirm():
    pred = _read(budget__fiscal_appropriation="461.39", budget__basic_expenditure="391.72")
    truth = dict(value_paths(seed_document(budget__fiscal_appropriation="461.39")))
    counts = _effort(pred, truth)
    typed = 1 + 1  # 391.72 mended to 397.72, Enter
    assert (counts["review_items"], counts["review_keys"]) == (1, typed + 1 + 1)


def test_a_right_term_in_doubt_of_its_own_still_takes_its_press_once_the_sum_is_fixed():
    doc = seed_document(budget__fiscal_appropriation="461.39")
    doc = with_records(doc, confidence={"budget.basic_expenditure": 0.6})
    pred = assess(mapped(doc), run_checks(doc, TEMPLATE), TEMPLATE, IDENTITY)
    suggestions = {"budget.fiscal_appropriation": "461.89"}
    fields = [f.model_copy(update={"suggestion": suggestions.get(f.path)}) for f in pred.fields]
    pred = pred.model_copy(update={"fields": fields})
    truth = dict(value_paths(seed_document()))
    counts = _effort(pred, truth)
    # Tab, Enter on 财政拨款; 基本支出 stays flagged for its reading: Ctrl+Enter; accept
    assert (counts["review_items"], counts["review_keys"]) == (1, 2 + 1 + 1)


def test_a_reading_is_mended_in_place_at_most_retyped():
    """The page fills the box with the reading: a paragraph with one character wrong costs a
    press and Enter, not the paragraph; a reading with nothing right costs no more than
    typing the printed value."""
    doc = seed_document()
    truth = dict(value_paths(doc))
    goal = str(truth["overall_goal"])
    for read, keys in ((goal[:5] + "誤" + goal[6:], 1 + 1), ("?", len(goal) + 1)):
        pred = with_records(with_values(doc, {"overall_goal": read}))
        fields = [
            f.model_copy(update={"status": FieldStatus.FLAGGED}) if f.path == "overall_goal" else f
            for f in pred.fields
        ]
        counts = _effort(pred.model_copy(update={"fields": fields}), truth)
        assert (counts["review_items"], counts["review_keys"]) == (1, keys + 1)


ROW_DOUBT = {"indicators__5__value": {"structure_in_doubt": True}}  # its name and value flagged


def test_a_row_in_doubt_read_right_is_one_item_and_one_press():
    pred = _read(ROW_DOUBT)
    truth = dict(value_paths(pred))
    assert _effort(pred, truth) == {
        "review_items": 1,
        "review_keys": 1 + 1,  # Ctrl+Enter on the row, Enter to accept
        "suggested": 0,
        "suggested_right": 0,
    }
    each = _effort(pred, truth, FIELDS_PAGE)
    assert (each["review_items"], each["review_keys"]) == (2, 2 + 1)


def test_a_misread_field_of_a_row_in_doubt_is_mended_and_the_other_confirmed():
    printed = dict(value_paths(seed_document()))["indicators[5].value"]
    pred = _read(ROW_DOUBT, indicators__5__value=printed + "x")
    truth = dict(value_paths(seed_document()))
    counts = _effort(pred, truth)
    # the stray letter deleted, Enter; the name, still in doubt alone: Ctrl+Enter; accept
    assert (counts["review_items"], counts["review_keys"]) == (1, 1 + 1 + 1 + 1)
