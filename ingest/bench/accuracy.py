"""Cell-text accuracy: the share of non-empty truth cells whose text a reader reproduces.

Predicted cells are matched to truth cells by the structure metric's IoU matching (both sides
normalised by their own table frame), so a reader is judged on the cells it found where the
truth has them; text is compared with the evaluation's normalisation (NFKC, no whitespace).
"""

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, computed_field

from ingest.artifacts import BBox, PageTable
from ingest.evaluation.compare import normalize_text
from ingest.evaluation.structure import match_cells
from models.truth import TruthPage


class PredictedCell(BaseModel):
    model_config = ConfigDict(frozen=True)

    bbox: BBox
    text: str


class PagePrediction(BaseModel):
    """A reader's cells on one page and the frame (table box) their boxes are relative to."""

    model_config = ConfigDict(frozen=True)

    page: int  # 0-based
    frame: BBox | None = None
    cells: tuple[PredictedCell, ...] = ()


class TextCounts(BaseModel):
    """Non-empty truth cells, how many were matched to a predicted cell, how many read exactly."""

    model_config = ConfigDict(frozen=True)

    truth_cells: int = 0
    matched: int = 0
    exact: int = 0

    def __add__(self, other: "TextCounts") -> "TextCounts":
        return TextCounts(
            truth_cells=self.truth_cells + other.truth_cells,
            matched=self.matched + other.matched,
            exact=self.exact + other.exact,
        )

    @computed_field
    @property
    def accuracy(self) -> float | None:
        return self.exact / self.truth_cells if self.truth_cells else None


def from_page_table(table: PageTable) -> PagePrediction:
    """jixiao's cells on one page, framed by its grid."""
    if table.grid is None:
        return PagePrediction(page=table.page)
    return PagePrediction(
        page=table.page,
        frame=table.grid.bbox,
        cells=tuple(PredictedCell(bbox=c.cell.bbox, text=c.text) for c in table.cells),
    )


def score_page(truth: TruthPage, prediction: PagePrediction | None) -> TextCounts:
    """Every truth cell takes part in the matching; only non-empty ones are counted.

    An empty truth cell still claims the predicted cell in its place, so that cell cannot be
    matched to a neighbour instead.
    """
    wanted = [normalize_text(c.text) for c in truth.cells]
    total = sum(bool(w) for w in wanted)
    if prediction is None or prediction.frame is None or not prediction.cells:
        return TextCounts(truth_cells=total)
    pairs = match_cells(
        [c.bbox for c in truth.cells],
        truth.table_bbox,
        [c.bbox for c in prediction.cells],
        prediction.frame,
    )
    counted = [(wanted[t], normalize_text(prediction.cells[p].text)) for t, p in pairs if wanted[t]]
    return TextCounts(
        truth_cells=total,
        matched=len(counted),
        exact=sum(want == got for want, got in counted),
    )


def score_pages(truth: Sequence[TruthPage], predictions: Sequence[PagePrediction]) -> TextCounts:
    """Truth page `k` (1-based) meets the prediction for page index `k - 1`."""
    by_index = {p.page: p for p in predictions}
    return sum((score_page(page, by_index.get(page.page - 1)) for page in truth), TextCounts())
