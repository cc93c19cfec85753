from ingest.evaluation.align import align_rows
from ingest.evaluation.compare import text_similarity


def _align(truth: list[str], pred: list[str]):
    return align_rows(len(truth), len(pred), lambda i, j: text_similarity(truth[i], pred[j]))


ROWS = ["侨务接待次数", "开展培训场次", "开展会议场次", "开展活动次数", "开展调研次数"]


def test_identical_rows_pair_in_order() -> None:
    assert _align(ROWS, ROWS) == [(i, i) for i in range(len(ROWS))]


def test_missing_row_in_the_middle_costs_only_that_row() -> None:
    pred = ROWS[:2] + ROWS[3:]
    assert _align(ROWS, pred) == [(0, 0), (1, 1), (2, None), (3, 2), (4, 3)]


def test_inserted_row_is_left_unmatched() -> None:
    pred = [*ROWS[:1], "一级指标", *ROWS[1:]]
    assert _align(ROWS, pred) == [(0, 0), (None, 1), (1, 2), (2, 3), (3, 4), (4, 5)]


def test_misread_rows_still_pair_with_their_truth() -> None:
    pred = ["侨务按待次数", "开展培训场", "开展会议场次", "开晨活动次数", "开展调研次数"]
    assert _align(ROWS, pred) == [(i, i) for i in range(len(ROWS))]


def test_one_side_empty() -> None:
    assert _align(ROWS[:2], []) == [(0, None), (1, None)]
    assert _align([], ROWS[:2]) == [(None, 0), (None, 1)]
