"""Order-preserving alignment of truth rows with predicted rows (tasks, indicators).

Scoring row i against row i would make one inserted or dropped row shift every later row
out of place; aligning first makes it cost exactly that one row.
"""

from collections.abc import Callable

Pair = tuple[int | None, int | None]  # (truth row, predicted row); None on the side it lacks


def align_rows(n_truth: int, n_pred: int, similarity: Callable[[int, int], float]) -> list[Pair]:
    """Needleman–Wunsch with free gaps: maximise the summed similarity of matched rows.

    `similarity(i, j)` is in [0, 1]. A pair is matched when that beats leaving both rows
    unmatched, so a dropped row leaves its neighbours matched to their true counterparts.
    """
    sims = [[similarity(i, j) for j in range(n_pred)] for i in range(n_truth)]
    best = [[0.0] * (n_pred + 1) for _ in range(n_truth + 1)]
    for i in range(1, n_truth + 1):
        for j in range(1, n_pred + 1):
            best[i][j] = max(
                best[i - 1][j - 1] + sims[i - 1][j - 1], best[i - 1][j], best[i][j - 1]
            )
    pairs: list[Pair] = []
    i, j = n_truth, n_pred
    while i > 0 and j > 0:
        if best[i][j] == best[i - 1][j - 1] + sims[i - 1][j - 1]:
            i, j = i - 1, j - 1
            pairs.append((i, j))
        elif best[i][j] == best[i - 1][j]:
            i -= 1
            pairs.append((i, None))
        else:
            j -= 1
            pairs.append((None, j))
    pairs += [(k, None) for k in reversed(range(i))]
    pairs += [(None, k) for k in reversed(range(j))]
    return pairs[::-1]
