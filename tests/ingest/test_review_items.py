"""A failed sum check is one review item: its flagged terms grouped, found again after every
correction."""

from ingest.confidence import assess
from ingest.review import revalidate
from ingest.review_items import check_groups, covered_by
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


def _read(doc):
    """`doc` flagged as the pipeline flags it."""
    return assess(mapped(doc), run_checks(doc, TEMPLATE), TEMPLATE, IDENTITY)


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
