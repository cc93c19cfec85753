"""Cell-text accuracy against the truth: matching by table-relative boxes, exact text only."""

from ingest.bench.accuracy import PagePrediction, PredictedCell, TextCounts, score_page, score_pages
from tests.bench.page import truth_page


def _shifted(offset: int, scale: float, texts: dict[int, str] | None = None) -> PagePrediction:
    """The truth's own cells moved and scaled as if read from another crop of the page."""
    truth = truth_page()
    texts = texts or {}

    def move(box: list[int]) -> tuple[int, int, int, int]:
        x0, y0, x1, y1 = (round(v * scale) + offset for v in box)
        return (x0, y0, x1, y1)

    return PagePrediction(
        page=0,
        frame=move(truth.table_bbox),
        cells=tuple(
            PredictedCell(bbox=move(c.bbox), text=texts.get(i, c.text))
            for i, c in enumerate(truth.cells)
        ),
    )


def test_a_perfect_read_from_another_frame_scores_every_non_empty_cell() -> None:
    truth = truth_page()
    counts = score_page(truth, _shifted(offset=-120, scale=0.8))
    non_empty = sum(bool(c.text) for c in truth.cells)
    assert counts == TextCounts(truth_cells=non_empty, matched=non_empty, exact=non_empty)
    assert counts.accuracy == 1.0


def test_spacing_and_width_are_normalised_but_a_wrong_character_is_not() -> None:
    truth = truth_page()
    texts = {1: "汕头市 残疾人\n联合会", 4: "３１０", 7: "182.43"}
    counts = score_page(truth, _shifted(offset=0, scale=1.0, texts=texts))
    assert counts.matched == counts.truth_cells
    assert counts.exact == counts.truth_cells - 1


def test_cells_without_a_match_count_as_misses() -> None:
    truth = truth_page()
    whole = _shifted(offset=0, scale=1.0)
    half = whole.model_copy(update={"cells": whole.cells[:5]})
    assert score_page(truth, half).exact == sum(bool(c.text) for c in truth.cells[:5])
    assert score_page(truth, None).exact == 0
    assert (
        score_page(truth, PagePrediction(page=0)).truth_cells == score_page(truth, None).truth_cells
    )


def test_pages_meet_their_predictions_by_index() -> None:
    truth = truth_page()
    right = _shifted(0, 1.0)
    wrong_page = right.model_copy(update={"page": 1})
    assert score_pages([truth], [wrong_page]).exact == 0
    assert score_pages([truth], [wrong_page, right]).accuracy == 1.0
