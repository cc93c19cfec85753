import pytest

from ingest.evaluation.structure import score_structure
from tests.evaluation.cases import EDGES_X, EDGES_Y, LAYOUT, grid, truth_page


def test_perfect_grid() -> None:
    s = score_structure([truth_page()], [grid()])
    assert (s.truth_cells, s.pred_cells, s.matched, s.span_mismatch) == (8, 8, 8, 0)
    assert s.f1 == 1.0 and s.span_f1 == 1.0


def test_shift_and_scale_are_normalised_away() -> None:
    xs = tuple(int(1.5 * x) + 37 for x in EDGES_X)
    ys = tuple(int(1.5 * y) - 15 for y in EDGES_Y)
    s = score_structure([truth_page()], [grid(xs=xs, ys=ys)])
    assert s.matched == 8 and s.f1 == 1.0


def test_merged_cell_split_in_two() -> None:
    split = (*(c for c in LAYOUT if c != (0, 1, 1, 2)), (0, 1, 1, 1), (0, 2, 1, 1))
    s = score_structure([truth_page()], [grid(layout=split)])
    assert (s.truth_cells, s.pred_cells, s.matched) == (8, 9, 7)
    assert s.precision == pytest.approx(7 / 9)
    assert s.recall == pytest.approx(7 / 8)
    assert s.f1 == pytest.approx(2 * 7 / 17)


def test_right_box_wrong_span_is_counted() -> None:
    right = grid()
    cells = tuple(
        c.model_copy(update={"col_span": 1}) if (c.row, c.col) == (0, 1) else c for c in right.cells
    )
    s = score_structure([truth_page()], [right.model_copy(update={"cells": cells})])
    assert s.matched == 8 and s.span_mismatch == 1
    assert s.f1 == 1.0 and s.span_f1 == pytest.approx(14 / 16)


def test_pages_pair_by_index_and_a_missing_grid_misses_its_cells() -> None:
    s = score_structure([truth_page(1), truth_page(2)], [None, grid(page=1)])
    assert (s.truth_cells, s.pred_cells, s.matched) == (16, 8, 8)
    extra = score_structure([truth_page(1)], [grid(page=0), grid(page=1)])
    assert (extra.truth_cells, extra.pred_cells, extra.matched) == (8, 16, 8)
