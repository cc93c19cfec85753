import pytest

from ingest.confidence import assess
from ingest.review import InvalidCorrection, revalidate
from ingest.template import default_template
from ingest.validate import run_checks
from models.contract import (
    DocumentFlag,
    DocumentFlagReason,
    DocumentStatus,
    FieldStatus,
    ReviewState,
)
from tests.ingest.trust_docs import IDENTITY, mapped, seed_document, with_records

TEMPLATE = default_template()


def assessed(doc, **evidence):
    return assess(mapped(doc, **evidence), run_checks(doc, TEMPLATE), TEMPLATE, IDENTITY)


def field(doc, path):
    return next(f for f in doc.fields if f.path == path)


@pytest.fixture
def broken_total():
    """The seed with 基本支出 misread 397.72 -> 391.72, at low OCR confidence."""
    doc = seed_document(budget__basic_expenditure="391.72")
    return assessed(with_records(doc, confidence={"budget.basic_expenditure": 0.6}))


def test_correcting_the_suspect_clears_the_sum_mismatch_everywhere(broken_total):
    assert broken_total.status == DocumentStatus.NEEDS_REVIEW
    assert "sum_mismatch" in field(broken_total, "budget.fiscal_appropriation").reasons
    fixed = revalidate(broken_total, {"budget.basic_expenditure": "397.72"}, TEMPLATE)
    record = field(fixed, "budget.basic_expenditure")
    assert (record.value, record.status, record.confidence) == ("397.72", "corrected", 1.0)
    assert record.reasons == [] and record.suggestion is None
    assert record.ocr_text == "391.72"  # what was read stays on record
    assert fixed.budget.basic_expenditure == "397.72"
    assert all(f.status != FieldStatus.FLAGGED for f in fixed.fields)
    assert (fixed.status, fixed.review_state) == (DocumentStatus.NEEDS_REVIEW, ReviewState.READY)


def test_a_correction_can_raise_a_new_flag(broken_total):
    fixed = revalidate(
        broken_total,
        {"budget.project_expenditure": "58.17", "budget.fiscal_appropriation": "455.89"},
        TEMPLATE,
    )
    for path in ("tasks[0].amount", "tasks[1].amount"):
        assert field(broken_total, path).status == FieldStatus.ACCEPTED
        assert field(fixed, path).reasons == ["sum_mismatch"]
    # The identity still fails; the one uncorrected term is the suspect again.
    basic = field(fixed, "budget.basic_expenditure")
    assert basic.status == FieldStatus.FLAGGED and basic.suggestion == "397.72"
    project = field(fixed, "budget.project_expenditure")
    assert project.status == FieldStatus.CORRECTED and "sum_mismatch" in project.reasons
    assert fixed.status == DocumentStatus.NEEDS_REVIEW


def test_untouched_fields_keep_flags_that_still_hold():
    doc = with_records(
        seed_document(indicators__22__level2="质量指标"),
        confidence={"indicators[3].value": 0.2},
    )
    before = assessed(doc, department={"seal_overlap": 0.4})
    after = revalidate(before, {"indicators[5].value": "21次"}, TEMPLATE)
    assert field(after, "indicators[22].level2").reasons == ["taxonomy"]
    assert field(after, "department").reasons == ["seal_overlap"]
    assert field(after, "indicators[3].value").reasons == ["low_confidence"]
    assert field(after, "indicators[5].value").status == FieldStatus.CORRECTED


def test_a_corrected_field_stays_corrected_on_later_revalidation(broken_total):
    once = revalidate(broken_total, {"budget.basic_expenditure": "397.72"}, TEMPLATE)
    twice = revalidate(once, {"department": "湛江市侨联"}, TEMPLATE)
    assert field(twice, "budget.basic_expenditure").status == FieldStatus.CORRECTED
    assert field(twice, "department").value == "湛江市侨联"


def test_reviewer_input_is_normalised_to_the_contract(broken_total):
    fixed = revalidate(
        broken_total,
        {
            "budget.basic_expenditure": "1,397.72",
            "budget.other_funds": "1,000.00",
            "basic_info.staff_count": "18",
        },
        TEMPLATE,
    )
    assert fixed.budget.basic_expenditure == "1397.72"
    assert fixed.budget.other_funds == "1000.00"
    assert fixed.basic_info.staff_count == 18
    assert (fixed.status, fixed.review_state) == (DocumentStatus.NEEDS_REVIEW, ReviewState.READY)


def test_revalidate_is_pure(broken_total):
    snapshot = broken_total.model_dump()
    revalidate(broken_total, {"budget.basic_expenditure": "397.72"}, TEMPLATE)
    assert broken_total.model_dump() == snapshot


@pytest.mark.parametrize(
    "corrections",
    [
        {"budget.nothing": "1"},
        {"tasks[9].amount": "1"},
        {"budget.basic_expenditure": "abc"},
        {"basic_info.staff_count": "十八"},
    ],
)
def test_invalid_corrections_are_rejected(broken_total, corrections):
    with pytest.raises(InvalidCorrection):
        revalidate(broken_total, corrections, TEMPLATE)


def test_fixing_every_field_leaves_a_document_with_an_open_document_flag_in_review(broken_total):
    lost = DocumentFlag(
        reason=DocumentFlagReason.SECTION_INCOMPLETE,
        section="indicators",
        page=3,
        message="绩效指标第3页的行未能全部识别，请核对",
    )
    doc = broken_total.model_copy(update={"document_flags": [lost]})
    fixed = revalidate(doc, {"budget.basic_expenditure": "397.72"}, TEMPLATE)
    assert all(f.status != FieldStatus.FLAGGED for f in fixed.fields)
    assert fixed.document_flags == [lost]
    assert (fixed.status, fixed.review_state) == (
        DocumentStatus.NEEDS_REVIEW,
        ReviewState.NEEDS_REVIEW,
    )


@pytest.mark.parametrize(
    ("path", "limit"), [("overall_goal", 10_000), ("department", 500), ("indicators[0].name", 500)]
)
def test_a_correction_is_bounded_by_its_kind(broken_total, path, limit):
    """Paragraphs take 10,000 characters, every other text 500: a value no form prints is
    refused, not cut off later by a spreadsheet's cell limit."""
    fixed = revalidate(broken_total, {path: "字" * limit}, TEMPLATE)
    assert field(fixed, path).value == "字" * limit
    with pytest.raises(InvalidCorrection, match=str(limit)):
        revalidate(broken_total, {path: "字" * (limit + 1)}, TEMPLATE)
