"""A failed sum check is one review item: its flagged terms grouped, found again after every
correction; so is a row whose structure is in doubt."""

from ingest.confidence import assess
from ingest.review import revalidate
from ingest.review_items import check_groups, covered_by, review_groups, row_groups
from ingest.template import default_template
from ingest.validate import run_checks
from models.contract import FieldStatus
from tests.ingest.trust_docs import IDENTITY, mapped, seed_document, with_records

TEMPLATE = default_template()
IDENTITY_TERMS = {
    "budget.basic_expenditure",
    "budget.project_expenditure",
    "budget.fiscal_appropriation",
    "budget.other_funds",
}
TASK_TERMS = {"tasks[0].amount", "tasks[1].amount", "budget.project_expenditure"}


def _read(doc, **evidence):
    """`doc` flagged as the pipeline flags it, with `evidence` overrides as `mapped` takes."""
    return assess(mapped(doc, **evidence), run_checks(doc, TEMPLATE), TEMPLATE, IDENTITY)


DOUBT = {"structure_in_doubt": True}


def _message(check: str) -> str:
    return next(spec.message for spec in TEMPLATE.checks if spec.id == check)


def test_a_broken_identity_is_one_group_with_the_check_message():
    doc = _read(seed_document(budget__fiscal_appropriation="461.39"))
    flagged = {f.path for f in doc.fields if f.status == FieldStatus.FLAGGED}
    assert flagged == IDENTITY_TERMS  # every term flagged, as before
    (group,) = check_groups(doc)
    assert group.checks == ("budget_identity",)
    assert group.messages == (_message("budget_identity"),)
    assert set(group.paths) == IDENTITY_TERMS
    # the terms after the first stand behind it, beside the merged 一级/二级 cells' rows
    covered = covered_by(doc)
    assert {p: covered.get(p) for p in IDENTITY_TERMS} == {
        path: None if path == group.paths[0] else group.paths[0] for path in IDENTITY_TERMS
    }


def test_task_amounts_over_the_project_expenditure_are_one_group():
    doc = _read(seed_document(tasks__0__amount="60.00"))
    (group,) = check_groups(doc)
    assert group.checks == ("tasks_within_project",)
    assert set(group.paths) == TASK_TERMS
    assert group.messages == (_message("tasks_within_project"),)


def test_two_checks_sharing_a_term_are_one_group():
    # 项目支出 misread low: the identity breaks, and the tasks now exceed it
    doc = _read(seed_document(budget__project_expenditure="50.00"))
    (group,) = check_groups(doc)
    assert group.checks == ("budget_identity", "tasks_within_project")
    assert set(group.paths) == IDENTITY_TERMS | TASK_TERMS
    assert len(group.paths) == len(set(group.paths))


def test_a_term_also_in_doubt_for_its_reading_comes_first_with_its_reasons():
    doc = seed_document(budget__basic_expenditure="391.72")
    doc = _read(with_records(doc, confidence={"budget.basic_expenditure": 0.6}))
    (group,) = check_groups(doc)
    weak = next(f for f in doc.fields if f.path == group.paths[0])
    assert weak.path == "budget.basic_expenditure"
    assert weak.reasons == ["low_confidence", "sum_mismatch"]
    assert group.reasons == {"sum_mismatch"}


def test_the_single_suspect_comes_first_when_no_term_has_a_doubt_of_its_own():
    doc = seed_document(budget__basic_expenditure="391.72")
    doc = _read(with_records(doc, confidence={"budget.basic_expenditure": 0.95}))
    (group,) = check_groups(doc)
    suspect = next(f for f in doc.fields if f.path == group.paths[0])
    assert suspect.suggestion == "397.72" and suspect.reasons == ["sum_mismatch"]


def test_a_corrected_term_that_makes_the_sum_hold_ends_the_group():
    doc = _read(seed_document(budget__fiscal_appropriation="461.39"))
    fixed = revalidate(doc, {"budget.fiscal_appropriation": "461.89"}, TEMPLATE)
    assert check_groups(fixed) == []
    assert not IDENTITY_TERMS & set(covered_by(fixed))
    assert not [f for f in fixed.fields if f.status == FieldStatus.FLAGGED]


def test_a_correction_that_leaves_the_sum_broken_leaves_the_others_grouped():
    doc = _read(seed_document(budget__fiscal_appropriation="461.39"))
    still = revalidate(doc, {"budget.fiscal_appropriation": "461.49"}, TEMPLATE)
    (group,) = check_groups(still)
    assert set(group.paths) == IDENTITY_TERMS - {"budget.fiscal_appropriation"}


def test_terms_confirmed_as_printed_leave_no_group():
    doc = _read(seed_document(budget__fiscal_appropriation="461.39"))
    values = {f.path: f.value for f in doc.fields if f.path in IDENTITY_TERMS}
    confirmed = revalidate(doc, values, TEMPLATE)
    assert check_groups(confirmed) == []
    terms = [f for f in confirmed.fields if f.path in IDENTITY_TERMS]
    assert all(f.status == FieldStatus.CORRECTED and f.reasons == ["sum_mismatch"] for f in terms)


def test_one_flagged_term_left_is_an_ordinary_item():
    doc = _read(seed_document(budget__fiscal_appropriation="461.39"))
    values = {f.path: f.value for f in doc.fields if f.path in IDENTITY_TERMS}
    del values["budget.basic_expenditure"]
    assert check_groups(revalidate(doc, values, TEMPLATE)) == []


def test_a_row_in_structural_doubt_is_one_group_with_the_structure_message():
    doc = _read(seed_document(), indicators__5__value=DOUBT)
    flagged = {f.path: f.reasons for f in doc.fields if f.status == FieldStatus.FLAGGED}
    # the row's doubt flags its name and value; its merged 一级/二级 are the cells above
    assert flagged == {p: ["structure"] for p in ("indicators[5].name", "indicators[5].value")}
    (group,) = review_groups(doc)
    assert (group.kind, group.key, group.checks) == ("row", "indicators[5]", ())
    assert group.messages == (TEMPLATE.messages["structure"],)
    assert group.reasons == {"structure"}
    assert set(group.paths) == set(flagged)
    assert covered_by(doc).get(group.paths[1]) == group.paths[0]
    assert check_groups(doc) == []  # no sum failed


def test_a_field_of_the_row_in_doubt_for_its_reading_comes_first():
    doc = with_records(seed_document(), confidence={"indicators[5].value": 0.4})
    doc = _read(doc, indicators__5__name=DOUBT)
    (group,) = row_groups(doc)
    first = next(f for f in doc.fields if f.path == group.paths[0])
    assert first.path == "indicators[5].value"
    assert first.reasons == ["low_confidence", "structure"]


def test_a_cell_merged_over_rows_is_asked_with_its_cell_not_with_one_row():
    doc = _read(
        seed_document(),
        indicators__5__level2={"structure_confidence": 0.1},
        indicators__5__value={"structure_confidence": 0.1},
    )
    flagged = {f.path for f in doc.fields if f.status == FieldStatus.FLAGGED}
    assert {"indicators[5].level2", "indicators[5].value"} <= flagged
    (group,) = row_groups(doc)
    assert "indicators[5].level2" not in group.paths
    assert "indicators[5].value" in group.paths


def test_a_term_of_a_failed_sum_is_asked_with_its_check_not_its_row():
    doc = _read(seed_document(tasks__0__amount="60.00"), tasks__0__name=DOUBT)
    flagged = {f.path: f.reasons for f in doc.fields if f.status == FieldStatus.FLAGGED}
    assert flagged["tasks[0].name"] == ["structure"]
    assert "structure" in flagged["tasks[0].amount"]
    (group,) = review_groups(doc)
    assert group.kind == "sum" and set(group.paths) == TASK_TERMS
    # the name is left alone in its row: an ordinary item
    assert row_groups(doc, frozenset(TASK_TERMS)) == []
    assert "tasks[0].name" not in covered_by(doc)


def test_a_row_confirmed_or_mended_to_one_field_leaves_no_group():
    doc = _read(seed_document(), tasks__1__name=DOUBT)
    (group,) = row_groups(doc)
    assert set(group.paths) == {"tasks[1].name", "tasks[1].amount"}
    values = {f.path: f.value for f in doc.fields if f.path in group.paths}
    assert row_groups(revalidate(doc, values, TEMPLATE)) == []
    mended = revalidate(doc, {"tasks[1].amount": values["tasks[1].amount"]}, TEMPLATE)
    assert row_groups(mended) == []
    assert "tasks[1].name" not in covered_by(mended)
    name = next(f for f in mended.fields if f.path == "tasks[1].name")
    assert name.status == FieldStatus.FLAGGED  # still asked, on its own
