"""Cell-structure agreement between the truth's cells and a pipeline's grid, page by page.

Both sides are normalised to [0, 1] table coordinates first, so a grid found a few pixels off
(a crop, a margin, a different scale) is judged by its shape, not by where the page was cut.
"""

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, computed_field

from ingest.artifacts import Grid
from models.truth import TruthPage

IOU_MATCH = 0.75


class StructureCounts(BaseModel):
    """Cells on both sides, cells matched one-to-one by IoU, and matches whose span differs."""

    model_config = ConfigDict(frozen=True)

    truth_cells: int = 0
    pred_cells: int = 0
    matched: int = 0
    span_mismatch: int = 0

    def __add__(self, other: "StructureCounts") -> "StructureCounts":
        return StructureCounts(
            truth_cells=self.truth_cells + other.truth_cells,
            pred_cells=self.pred_cells + other.pred_cells,
            matched=self.matched + other.matched,
            span_mismatch=self.span_mismatch + other.span_mismatch,
        )

    @computed_field
    @property
    def precision(self) -> float | None:
        return self.matched / self.pred_cells if self.pred_cells else None

    @computed_field
    @property
    def recall(self) -> float | None:
        return self.matched / self.truth_cells if self.truth_cells else None

    @computed_field
    @property
    def f1(self) -> float | None:
        return _f1(self.matched, self.truth_cells, self.pred_cells)

    @computed_field
    @property
    def span_f1(self) -> float | None:
        """F1 counting only matched cells whose row and column spans are also right."""
        return _f1(self.matched - self.span_mismatch, self.truth_cells, self.pred_cells)


def _f1(hits: int, truth: int, pred: int) -> float | None:
    return 2 * hits / (truth + pred) if truth + pred else None


def _normalised(boxes: Sequence[Sequence[int]], frame: Sequence[int]) -> np.ndarray:
    x0, y0, x1, y1 = frame
    scale = np.array([max(x1 - x0, 1), max(y1 - y0, 1)] * 2, dtype=float)
    return (np.asarray(boxes, dtype=float).reshape(-1, 4) - [x0, y0, x0, y0]) / scale


def _iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every box in `a` (n x 4) with every box in `b` (m x 4)."""
    w = np.clip(
        np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None
    )
    h = np.clip(
        np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None
    )
    inter = w * h
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def match_cells(
    truth_boxes: Sequence[Sequence[int]],
    truth_frame: Sequence[int],
    pred_boxes: Sequence[Sequence[int]],
    pred_frame: Sequence[int],
) -> list[tuple[int, int]]:
    """Greedy one-to-one matching, best IoU first, of boxes with IoU >= 0.75 after each side
    is normalised by its own table frame; (truth index, predicted index) pairs."""
    if not truth_boxes or not pred_boxes:
        return []
    iou = _iou(_normalised(truth_boxes, truth_frame), _normalised(pred_boxes, pred_frame))
    used_truth: set[int] = set()
    used_pred: set[int] = set()
    pairs: list[tuple[int, int]] = []
    rows, cols = np.nonzero(iou >= IOU_MATCH)
    for k in np.argsort(-iou[rows, cols], kind="stable"):
        t, p = int(rows[k]), int(cols[k])
        if t in used_truth or p in used_pred:
            continue
        used_truth.add(t)
        used_pred.add(p)
        pairs.append((t, p))
    return pairs


def score_page(truth: TruthPage, grid: Grid | None) -> StructureCounts:
    """Cells matched by `match_cells`; a match whose spans differ counts as a span mismatch."""
    cells = grid.cells if grid is not None else ()
    if not truth.cells or not cells:
        return StructureCounts(truth_cells=len(truth.cells), pred_cells=len(cells))
    pairs = match_cells(
        [c.bbox for c in truth.cells], truth.table_bbox, [c.bbox for c in cells], grid.bbox
    )
    mismatched = sum(
        (truth.cells[t].row_span, truth.cells[t].col_span) != (cells[p].row_span, cells[p].col_span)
        for t, p in pairs
    )
    return StructureCounts(
        truth_cells=len(truth.cells),
        pred_cells=len(cells),
        matched=len(pairs),
        span_mismatch=mismatched,
    )


def score_structure(pages: Sequence[TruthPage], grids: Sequence[Grid | None]) -> StructureCounts:
    """Sum over pages; truth page `k` (1-based) meets the grid whose page index is `k - 1`.

    A page without a grid contributes only missed cells; a grid on a page the truth lacks
    contributes only false cells.
    """
    by_index = {grid.page: grid for grid in grids if grid is not None}
    total = StructureCounts()
    for page in pages:
        total += score_page(page, by_index.pop(page.page - 1, None))
    for grid in by_index.values():
        total += StructureCounts(pred_cells=len(grid.cells))
    return total
