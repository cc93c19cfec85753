import numpy as np

from ingest.calibration import FEATURES, CalibrationModel
from ingest.confidence import assess, review_state
from ingest.forms import default_form
from ingest.review import with_values
from ingest.template import default_template
from ingest.validate import run_checks
from models.contract import (
    DocumentFlag,
    DocumentFlagReason,
    DocumentFlagStatus,
    DocumentStatus,
    FieldStatus,
    ReviewState,
    value_paths,
)
from tests.ingest.trust_docs import IDENTITY, mapped, seed_document, with_records

TEMPLATE = default_template()


def assessed(doc, model=IDENTITY, **evidence):
    return assess(mapped(doc, **evidence), run_checks(doc, TEMPLATE), TEMPLATE, model)


def field(doc, path):
    return next(f for f in doc.fields if f.path == path)


def flagged(doc) -> dict[str, list[str]]:
    return {f.path: f.reasons for f in doc.fields if f.status == FieldStatus.FLAGGED}


def test_clean_seed_is_ready_with_a_record_per_value():
    doc = assessed(seed_document())
    assert (doc.status, doc.review_state) == (DocumentStatus.NEEDS_REVIEW, ReviewState.READY)
    assert [f.path for f in doc.fields] == [p for p, _ in value_paths(doc)]
    assert flagged(doc) == {}


def test_broken_total_is_flagged_with_the_right_suggestion():
    doc = seed_document(budget__basic_expenditure="391.72")
    doc = assessed(with_records(doc, confidence={"budget.basic_expenditure": 0.93}))
    basic = field(doc, "budget.basic_expenditure")
    assert basic.status == FieldStatus.FLAGGED
    assert basic.reasons == ["sum_mismatch"]
    assert basic.suggestion == "397.72"
    assert field(doc, "budget.fiscal_appropriation").suggestion is None
    assert doc.status == DocumentStatus.NEEDS_REVIEW


def test_low_ocr_confidence_flags_short_fields_but_not_paragraphs():
    doc = with_records(
        seed_document(), confidence={"tasks[0].amount": 0.5, "tasks[0].content": 0.5}
    )
    assert flagged(assessed(doc)) == {"tasks[0].amount": ["low_confidence"]}


def test_a_paragraph_with_a_line_read_at_even_odds_is_flagged():
    """A squeezed crop of a goal's first line read as twenty unrelated characters at 0.24,
    the lines below it read well: the weakest character alone does not doubt a paragraph,
    its weakest line does; a line read from faint ink (capped at even odds) does not."""
    doc = assessed(
        seed_document(),
        overall_goal={"ocr_confidence": 0.05, "weakest_line": 0.24},
        tasks__0__content={"ocr_confidence": 0.05, "weakest_line": 0.9},
        tasks__0__expected={"ocr_confidence": 0.5, "weakest_line": 0.5},
        tasks__1__amount={"weakest_line": 0.24},
    )
    assert flagged(doc) == {"overall_goal": ["low_confidence"]}


def test_reading_doubts_flag_whatever_the_confidence():
    doc = assessed(
        seed_document(),
        department={"seal_overlap": 0.3},
        budget__basic_expenditure={"structure_confidence": 0.2},
        tasks__0__amount={"joined_across_pages": True},
        tasks__1__amount={"joined_across_pages": True, "text_cut_by_page_break": True},
        tasks__1__content={"joined_across_pages": True, "text_cut_by_page_break": True},
        indicators__20__level1={"joined_across_pages": True, "text_cut_by_page_break": True},
        indicators__21__level1={"structure_confidence": 0.2},
        budget__special_funds={"missing": True},
    )
    assert flagged(doc) == {
        "department": ["seal_overlap"],
        "budget.basic_expenditure": ["structure"],
        "tasks[1].amount": ["structure"],
        "budget.special_funds": ["missing"],
    }


def test_a_doubtful_cell_puts_its_whole_row_in_doubt_but_a_doubtful_merged_label_does_not():
    """Two indicator rows read as one: the name holds both names and is in doubt; the value
    beside it (`100%100%`) was read with certainty from the same wrong row."""
    doc = assessed(
        seed_document(),
        indicators__8__name={"structure_confidence": 0.2},
        indicators__12__level2={"structure_confidence": 0.2},
        tasks__1__content={"structure_confidence": 0.2},
    )
    assert flagged(doc) == {
        "indicators[8].name": ["structure"],
        "indicators[8].value": ["structure"],
        "indicators[12].level2": ["structure"],
        "tasks[1].content": ["structure"],
    }


def test_a_doubtful_row_at_the_edge_of_its_level2_group_puts_the_level2_in_doubt():
    """Row 7 is the first 质量指标 row: read as one with the 数量指标 row above it, its
    name and value would be that row's too, and its 二级 may be the other group's."""
    doc = assessed(seed_document(), indicators__7__name={"structure_confidence": 0.2})
    assert flagged(doc) == {
        "indicators[7].name": ["structure"],
        "indicators[7].value": ["structure"],
        "indicators[7].level2": ["structure"],
    }


def test_an_even_odds_character_flags_a_short_field_even_where_the_model_trusts_it():
    trusting = IDENTITY.model_copy(update={"thresholds": {}, "default_threshold": 0.0})
    doc = with_records(
        seed_document(),
        confidence={"indicators[3].value": 0.5, "indicators[4].value": 0.51, "overall_goal": 0.5},
    )
    assert flagged(assessed(doc, model=trusting)) == {"indicators[3].value": ["low_confidence"]}


def test_reasons_come_in_one_fixed_order():
    doc = with_records(
        seed_document(indicators__22__level2="质量指标"),
        confidence={"indicators[22].level2": 0.1},
    )
    out = assessed(doc, indicators__22__level2={"seal_overlap": 0.5})
    assert field(out, "indicators[22].level2").reasons == [
        "low_confidence",
        "taxonomy",
        "seal_overlap",
    ]


def test_a_logistic_model_sets_confidence_and_its_kind_thresholds():
    # Weights that trust OCR and punish any failed check; amounts need 0.95, the rest 0.5.
    weights = np.zeros(len(FEATURES) + 1)
    weights[0], weights[1 + FEATURES.index("log_ocr_confidence")] = 4.0, 8.0
    weights[1 + FEATURES.index("check_failures")] = -6.0
    model = CalibrationModel(
        method="logistic",
        note="test",
        weights=tuple(weights),
        thresholds={"amount": 0.95},
        default_threshold=0.5,
    )
    doc = with_records(seed_document(), confidence={"tasks[0].amount": 0.85, "tasks[0].name": 0.85})
    out = assessed(doc, model)
    amount, name = field(out, "tasks[0].amount"), field(out, "tasks[0].name")
    expected = 1 / (1 + np.exp(-(4 + 8 * np.log(0.85))))
    assert amount.confidence == name.confidence == round(float(expected), 4)
    assert amount.reasons == ["low_confidence"] and name.status == FieldStatus.ACCEPTED
    broken = assessed(with_records(seed_document(budget__basic_expenditure="391.72")), model)
    assert field(broken, "budget.basic_expenditure").confidence < 0.5


def test_shipped_model_loads_and_flags_below_its_threshold():
    model = default_form().calibration("rapidocr")
    assert model.default_threshold > 0
    rows = np.zeros((2, len(FEATURES)))
    rows[:, FEATURES.index("log_ocr_confidence")] = np.log([0.999, 0.05])
    p = model.probability(rows)
    assert p[0] > p[1] and p[1] < model.default_threshold


def test_an_open_document_flag_keeps_a_document_with_no_flagged_field_in_review():
    lost = DocumentFlag(
        reason=DocumentFlagReason.PAGE_UNREAD, page=3, message="第3页表格未能识别，请核对该页内容"
    )
    doc = seed_document().model_copy(update={"document_flags": [lost]})
    out = assessed(doc)
    assert flagged(out) == {}
    assert (out.status, out.review_state) == (DocumentStatus.NEEDS_REVIEW, ReviewState.NEEDS_REVIEW)
    assert out.document_flags == [lost]
    resolved = lost.model_copy(update={"status": DocumentFlagStatus.RESOLVED})
    assert review_state(out.fields, [resolved]) == ReviewState.READY


def test_a_name_under_a_seal_named_again_in_a_paragraph_no_seal_covers_is_vouched_for():
    goal = "湛江市归国华侨联合会积极履行职能，团结引领全市广大归侨侨眷。"
    doc = seed_document(overall_goal=goal)
    assert flagged(assessed(doc, department={"seal_overlap": 0.3})) == {}
    # Seal ink over the paragraph too, however little: it may lie over the name there.
    both = assessed(doc, department={"seal_overlap": 0.3}, overall_goal={"seal_overlap": 0.01})
    assert flagged(both) == {"department": ["seal_overlap"]}  # the paragraph itself under 0.05
    # A reading under the seal that lost its last character agrees with no whole name.
    cut = seed_document(department="湛江市归国华侨联合", overall_goal=goal)
    assert flagged(assessed(cut, department={"seal_overlap": 0.3})) == {
        "department": ["seal_overlap"]
    }


def test_amounts_that_balance_their_identity_to_the_cent_are_vouched_for():
    """397.72 + 64.17 = 461.89: a misread digit would break it by its place's value."""
    doubts = {
        "budget__project_expenditure": {"seal_overlap": 0.4},
        "budget__fiscal_appropriation": {"structure_confidence": 0.2},
    }
    low = {"budget.basic_expenditure": 0.5}
    doc = assessed(with_records(seed_document(), confidence=low), **doubts)
    # reading doubts settled; a doubt about where a value was read stays
    assert flagged(doc) == {"budget.fiscal_appropriation": ["structure"]}
    # two terms only: one reading agreeing with another is no identity
    two = seed_document(budget__basic_expenditure=None, budget__fiscal_appropriation="64.17")
    doc = assessed(with_records(two, confidence={"budget.project_expenditure": 0.5}))
    assert flagged(doc)["budget.project_expenditure"] == ["low_confidence"]
    # off by a cent: no longer vouched for
    off = seed_document(budget__basic_expenditure="397.73")
    doc = assessed(with_records(off, confidence=low), **doubts)
    assert "low_confidence" in flagged(doc)["budget.basic_expenditure"]
    assert "seal_overlap" in flagged(doc)["budget.project_expenditure"]


def test_a_taxonomy_wording_no_misread_character_reaches_is_vouched_for_by_the_list():
    low = {
        "indicators[28].level2": 0.4,  # 生态效益指标: no other 二级 is one character away
        "indicators[0].level2": 0.4,  # 数量指标: 质量指标 is
        "indicators[31].level2": 0.4,
    }
    doc = with_records(seed_document(indicators__31__level2="服务对象"), confidence=low)
    # the character doubt alone: the model leaves taxonomy fields to it and the checks
    model = IDENTITY.model_copy(update={"thresholds": {"taxonomy2": 0.0, "long_text": 0.0}})
    # 服务对象 is the start of 服务对象满意度指标: a line's end may be lost
    found = flagged(assessed(doc, model))
    assert set(found) == {"indicators[0].level2", "indicators[31].level2"}


def test_an_item_a_page_break_parts_from_one_in_doubt_is_in_doubt_too():
    """A row cut at a page's foot (its rule to the next column lost, in doubt) goes on at the
    next page's top, read there as an item of its own: which holds what is in doubt."""
    from ingest.confidence import page_break_pairs

    pages = {
        "indicators[10]": {1},
        "indicators[11]": {1},
        "indicators[12]": {2},
        "indicators[13]": {2},
    }
    both = {"indicators[11]", "indicators[12]"}
    assert page_break_pairs({"indicators[11]"}, pages) == both
    assert page_break_pairs({"indicators[12]"}, pages) == both
    # rows on one page vouch for their neighbours as before
    assert page_break_pairs({"indicators[10]"}, pages) == set()


def test_the_end_of_a_value_read_over_a_page_break_as_an_item_puts_the_one_above_in_doubt():
    """`2023年6月底前完成` printed over a page break: `成` at the next page's top became an item
    with no name; the item above, `2023年6月底前完`, is in doubt, and an item on the same page
    as a nameless one is not."""
    doc = seed_document()
    n = len(doc.indicators)
    cut = with_values(doc, {f"indicators[{n - 1}].name": None, f"indicators[{n - 1}].value": "成"})
    pages = {f"indicators[{i}]": 1 if i < n - 1 else 2 for i in range(n)}
    found = flagged(assessed(with_records(cut, pages=pages)))
    assert "structure" in found[f"indicators[{n - 2}].value"]
    assert "structure" in found[f"indicators[{n - 2}].name"]
    assert f"indicators[{n - 3}].value" not in found
    same_page = dict.fromkeys(pages, 1)
    assert f"indicators[{n - 2}].value" not in flagged(assessed(with_records(cut, pages=same_page)))


def test_a_task_paragraphs_end_read_over_a_page_break_as_an_item_puts_both_in_doubt():
    """The last line of a task's content went on at the next page's top and was read as an
    item with no name and no amount: the content above the break is cut, the nameless item's
    text is not its own."""
    doc = seed_document()
    tasks = [*doc.tasks, doc.tasks[0].model_copy(update={"name": None, "amount": None})]
    cut = with_values(doc.model_copy(update={"tasks": tasks}), {"tasks[2].expected": None})
    cut = with_values(cut, {"tasks[2].content": "步提高群众获得感和满意度。"})
    found = flagged(assessed(with_records(cut, pages={"tasks[2]": 2})))
    assert "structure" in found["tasks[1].content"]
    assert "structure" in found["tasks[1].amount"]
    assert "structure" in found["tasks[2].content"]
    assert "tasks[0].content" not in found
    alone = flagged(assessed(with_records(cut)))  # all on one page: no break to cross
    assert "tasks[1].content" not in alone


def test_an_item_named_by_a_rule_read_as_digits_is_a_paragraphs_end_too():
    """As above, with the rule at the page's top read as the item's name `111`: a name of
    no words holds no text, so the content above the break is cut all the same."""
    doc = seed_document()
    tasks = [*doc.tasks, doc.tasks[0].model_copy(update={"name": "111", "amount": None})]
    cut = with_values(doc.model_copy(update={"tasks": tasks}), {"tasks[2].expected": None})
    cut = with_values(cut, {"tasks[2].content": "门的沟通协调，形成工作合力。"})
    found = flagged(assessed(with_records(cut, pages={"tasks[2]": 2})))
    assert "structure" in found["tasks[1].content"]
    assert "structure" in found["tasks[2].content"]


def test_an_item_in_doubt_beside_a_page_break_leaves_the_paragraphs_alone():
    """A task whose amount was lost at a page's top puts the names and amounts of both tasks
    the break parts in doubt, not their paragraphs: no text of them was read as an item of
    its own."""
    doc = with_values(seed_document(), {"tasks[1].amount": None})
    found = flagged(assessed(with_records(doc, pages={"tasks[1]": 2})))
    assert "structure" in found["tasks[0].amount"]
    assert "structure" in found["tasks[0].name"]
    assert "tasks[0].content" not in found
    assert "tasks[1].expected" not in found
