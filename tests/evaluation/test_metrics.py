import pytest

from ingest.evaluation.compare import normalize_text
from ingest.evaluation.metrics import Counts, score_document
from ingest.evaluation.results import PipelineResult, Timings
from ingest.template import default_template
from models.contract import (
    DocumentFlag,
    Indicator,
    PerformanceTargets,
    ReadingAccount,
    Task,
    value_paths,
)
from models.truth import GroundTruth
from tests.evaluation.cases import grid, predicted, seed_document, truth

TEMPLATE = default_template()


def _score(pred: PerformanceTargets, **result):
    return score_document(truth(), PipelineResult(document=pred, **result), TEMPLATE).counts


def _short_paths(doc: PerformanceTargets) -> int:
    return sum(not doc.is_long_text(path) for path, _ in value_paths(doc))


def _with_budget(doc: PerformanceTargets, **values: str) -> PerformanceTargets:
    return doc.model_copy(update={"budget": doc.budget.model_copy(update=values)})


def test_perfect_prediction() -> None:
    doc = seed_document()
    c = _score(predicted(doc))
    n = _short_paths(doc)
    assert (c.short_fields, c.short_correct, c.extra_fields) == (n, n, 0)
    assert c.short_accuracy == 1.0 and c.residual_error == 0.0
    assert c.char_accuracy == 1.0 and c.long_edits == 0 and c.long_chars > 0
    assert c.automation == 1.0 and c.flag_precision is None
    assert (c.missing_rows, c.extra_rows) == (0, 0)
    assert c.structure is None and c.seconds_per_page is None


def test_one_wrong_amount_flagged() -> None:
    doc = seed_document()
    pred = predicted(_with_budget(doc, basic_expenditure="391.72"), {"budget.basic_expenditure"})
    c = _score(pred)
    n = _short_paths(doc)
    assert c.short_correct == n - 1
    assert c.short_accuracy == pytest.approx((n - 1) / n)
    assert c.residual_error == 0.0
    assert (c.flagged, c.flagged_wrong, c.flag_precision) == (1, 1, 1.0)
    assert c.automation == pytest.approx((c.fields - 1) / c.fields)


def test_one_wrong_amount_not_flagged() -> None:
    doc = seed_document()
    c = _score(predicted(_with_budget(doc, basic_expenditure="391.72")))
    n = _short_paths(doc)
    assert c.residual_error == pytest.approx(1 / n)
    assert c.flag_precision is None and c.automation == 1.0


def test_a_right_field_flagged_lowers_flag_precision() -> None:
    doc = seed_document()
    pred = predicted(
        _with_budget(doc, basic_expenditure="391.72"),
        {"budget.basic_expenditure", "department"},
    )
    c = _score(pred)
    assert (c.flagged, c.flagged_wrong, c.flag_precision) == (2, 1, 0.5)


def test_amounts_in_another_decimal_notation_are_right() -> None:
    doc = seed_document()
    tasks = [doc.tasks[0].model_copy(update={"amount": "49.410"}), *doc.tasks[1:]]
    c = _score(
        predicted(
            _with_budget(doc, basic_expenditure="397.720").model_copy(update={"tasks": tasks})
        )
    )
    assert c.short_accuracy == 1.0


def test_missing_indicator_row_in_the_middle_costs_exactly_its_fields() -> None:
    doc = seed_document()
    middle = len(doc.indicators) // 2
    pred = doc.model_copy(
        update={"indicators": doc.indicators[:middle] + doc.indicators[middle + 1 :]}
    )
    c = _score(predicted(pred))
    n = _short_paths(doc)
    assert n - c.short_correct == 4
    assert (c.missing_rows, c.extra_rows, c.unflagged_errors) == (1, 0, 4)
    assert c.residual_error == pytest.approx(4 / n)


def test_missing_field_is_flagged_only_through_its_fields_record() -> None:
    doc = seed_document()
    pred = _with_budget(doc, project_expenditure=None)
    assert _score(predicted(pred)).unflagged_errors == 1
    assert _score(predicted(pred, {"budget.project_expenditure"})).unflagged_errors == 0


def test_extra_row_counts_as_false_fields() -> None:
    doc = seed_document()
    junk = Indicator(level1="产出指标", level2="数量指标", name="一级指标", value="指标值")
    pred = doc.model_copy(update={"indicators": [*doc.indicators[:5], junk, *doc.indicators[5:]]})
    c = _score(predicted(pred, {"indicators[5].name"}))
    n = _short_paths(doc)
    assert (c.extra_rows, c.missing_rows, c.extra_fields) == (1, 0, 4)
    assert c.short_correct == n
    assert c.short_accuracy == pytest.approx(n / (n + 4))
    assert c.residual_error == 0.0
    assert c.flag_precision == 1.0  # the flagged field belongs to the extra row: it is wrong


def test_empty_indicator_row_may_be_omitted() -> None:
    doc = seed_document()
    empty = Indicator(level1="产出指标", level2="成本指标")
    with_empty = doc.model_copy(
        update={"indicators": [*doc.indicators[:20], empty, *doc.indicators[20:]]}
    )
    truth_doc = truth(with_empty)
    omitted = score_document(truth_doc, PipelineResult(document=predicted(doc)), TEMPLATE).counts
    kept = score_document(
        truth_doc, PipelineResult(document=predicted(with_empty)), TEMPLATE
    ).counts
    assert omitted.short_accuracy == 1.0 and omitted.missing_rows == 0
    assert kept.short_accuracy == 1.0 and kept.short_fields == omitted.short_fields + 4
    assert _score(predicted(with_empty)).extra_rows == 0


def test_long_text_character_accuracy() -> None:
    doc = seed_document()
    goal = doc.overall_goal
    pred = doc.model_copy(update={"overall_goal": "侨" + goal[1:-3] + "\n" + goal[-3:]})  # 1 edit
    c = _score(predicted(pred))
    total = sum(len(normalize_text(v)) for p, v in value_paths(doc) if doc.is_long_text(p))
    assert c.long_chars == total and c.long_edits == 1
    assert c.char_accuracy == pytest.approx(1 - 1 / total)
    assert c.short_accuracy == 1.0


def test_missing_task_row_loses_its_text() -> None:
    doc = seed_document()
    c = _score(predicted(doc.model_copy(update={"tasks": doc.tasks[1:]})))
    lost = doc.tasks[0]
    assert c.missing_rows == 1
    assert c.long_edits == len(normalize_text(lost.content)) + len(normalize_text(lost.expected))
    assert _short_paths(doc) - c.short_correct == 2  # name and amount


def test_extra_task_row_adds_its_text_as_edits() -> None:
    doc = seed_document()
    extra = Task(name="额外任务", content="多出来的内容", amount="1.00", expected="目标")
    c = _score(predicted(doc.model_copy(update={"tasks": [*doc.tasks, extra]})))
    assert (c.extra_rows, c.extra_fields, c.long_edits) == (1, 2, len("多出来的内容目标"))


def test_calibration_samples_are_short_fields_of_fields_records() -> None:
    doc = seed_document()
    c = _score(predicted(_with_budget(doc, basic_expenditure="391.72"), confidence=0.95))
    n = _short_paths(doc)
    assert sum(c.reliability.counts) == n and c.reliability.counts[9] == n
    assert c.reliability.ece == pytest.approx(abs((n - 1) / n - 0.95))


def test_structure_and_timings_when_reported() -> None:
    timings = Timings(seconds={"ocr": 3.0, "grid": 1.0}, pages=2)
    c = _score(predicted(seed_document()), grids=[grid(page=0), None], timings=timings)
    assert c.structure is not None
    assert (c.structure.truth_cells, c.structure.matched) == (16, 8)
    assert c.seconds_per_page == 2.0


def test_empty_prediction_scores_every_truth_field_as_an_unflagged_error() -> None:
    doc = seed_document()
    c = _score(PerformanceTargets())
    nulls = sum(v is None for p, v in value_paths(doc) if not doc.is_long_text(p) and "[" not in p)
    assert c.short_correct == nulls  # only the empty cells are right
    assert c.unflagged_errors == c.short_fields - nulls
    assert c.missing_rows == len(doc.tasks) + len(doc.indicators)
    assert c.char_accuracy == 0.0


def _without_indicator(doc: PerformanceTargets, index: int) -> PerformanceTargets:
    return doc.model_copy(
        update={"indicators": doc.indicators[:index] + doc.indicators[index + 1 :]}
    )


def _flag(section: str | None, page: int | None, status: str = "open") -> DocumentFlag:
    return DocumentFlag(
        reason="section_incomplete" if section else "page_unread",
        section=section,
        page=page,
        message="第2页未能识别，请核对",
        status=status,
    )


def _on_page(doc: PerformanceTargets, page: int, text: str) -> GroundTruth:
    """The seed's truth with `text` printed in a cell of `page`."""
    base = truth(doc)
    pages = []
    for p in base.pages:
        if p.page == page:
            cells = [p.cells[0].model_copy(update={"text": text}), *p.cells[1:]]
            p = p.model_copy(update={"cells": cells})
        pages.append(p)
    return base.model_copy(update={"pages": pages})


def test_a_missing_row_under_an_open_flag_of_its_section_is_flagged_under_the_new_rule():
    doc = seed_document()
    pred = predicted(_without_indicator(doc, 7))
    silent = _score(pred)
    assert (silent.missing_rows, silent.silent_rows) == (1, 1)
    assert silent.unflagged_errors == silent.unflagged_errors_old_rule == 4
    flagged = _score(pred.model_copy(update={"document_flags": [_flag("indicators", 2)]}))
    assert (flagged.missing_rows, flagged.silent_rows) == (1, 0)
    assert (flagged.unflagged_errors, flagged.unflagged_errors_old_rule) == (0, 4)
    assert (
        flagged.residual_error == 0.0 and flagged.residual_error_old_rule == silent.residual_error
    )
    other = _score(pred.model_copy(update={"document_flags": [_flag("tasks", 2)]}))
    resolved = _score(
        pred.model_copy(update={"document_flags": [_flag("indicators", 2, "resolved")]})
    )
    assert other.silent_rows == resolved.silent_rows == 1
    assert other.unflagged_errors == resolved.unflagged_errors == 4


def test_a_page_flag_covers_only_rows_printed_on_its_page():
    doc = seed_document()
    name = doc.indicators[7].name
    pred = predicted(_without_indicator(doc, 7))
    truth_doc = _on_page(doc, 2, name)

    def score(flag: DocumentFlag) -> Counts:
        result = PipelineResult(document=pred.model_copy(update={"document_flags": [flag]}))
        return score_document(truth_doc, result, TEMPLATE).counts

    assert score(_flag(None, 2)).silent_rows == 0
    assert score(_flag(None, 1)).silent_rows == 1
    assert score(_flag(None, None)).silent_rows == 0


def test_every_field_of_a_missing_row_is_wrong_under_the_new_rule_even_an_empty_one():
    doc = seed_document()
    blank_value = doc.indicators[7].model_copy(update={"value": None})
    truth_doc = doc.model_copy(
        update={"indicators": [*doc.indicators[:7], blank_value, *doc.indicators[8:]]}
    )
    pred = predicted(_without_indicator(doc, 7))
    c = score_document(truth(truth_doc), PipelineResult(document=pred), TEMPLATE).counts
    assert c.short_fields - c.short_correct == 4
    assert (c.unflagged_errors, c.unflagged_errors_old_rule) == (4, 3)


def test_the_share_of_lines_placed_comes_from_the_export_and_adds_up():
    account = ReadingAccount(text_lines=200, placed_lines=190, placed_share=0.95)
    c = _score(predicted(seed_document()).model_copy(update={"accounting": account}))
    assert (c.text_lines, c.placed_lines, c.placed_share) == (200, 190, 0.95)
    both = c + _score(predicted(seed_document()))
    assert both.placed_share == 0.95  # a result without an account adds nothing
