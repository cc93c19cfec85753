"""Hand-made ground truth and predictions built from the seed table."""

from pathlib import Path

from ingest.artifacts import Grid, GridCell
from models.contract import FieldRecord, FieldStatus, PerformanceTargets, value_paths
from models.truth import GroundTruth, TruthCell, TruthPage

SEED_GOLD = Path(__file__).parents[1] / "data" / "seed" / "seed_gold.json"

# A 3 x 3 table whose top row is one cell spanning columns 1-2.
EDGES_X = (100, 250, 400, 550)
EDGES_Y = (200, 260, 320, 380)
LAYOUT = ((0, 0, 1, 1), (0, 1, 1, 2), (1, 0, 1, 1), (1, 1, 1, 1), (1, 2, 1, 1))
LAYOUT += ((2, 0, 1, 1), (2, 1, 1, 1), (2, 2, 1, 1))


def seed_document() -> PerformanceTargets:
    return PerformanceTargets.model_validate_json(SEED_GOLD.read_bytes())


def box(
    row: int, col: int, row_span: int, col_span: int, xs=EDGES_X, ys=EDGES_Y
) -> tuple[int, int, int, int]:
    return (xs[col], ys[row], xs[col + col_span], ys[row + row_span])


def truth_page(page: int = 1) -> TruthPage:
    cells = [
        TruthCell(row=r, col=c, row_span=rs, col_span=cs, bbox=list(box(r, c, rs, cs)), text="")
        for r, c, rs, cs in LAYOUT
    ]
    table = [EDGES_X[0], EDGES_Y[0], EDGES_X[-1], EDGES_Y[-1]]
    return TruthPage(page=page, width=800, height=1100, dpi=200, table_bbox=table, cells=cells)


def grid(layout=LAYOUT, xs=EDGES_X, ys=EDGES_Y, page: int = 0) -> Grid:
    cells = tuple(
        GridCell(
            row=r, col=c, row_span=rs, col_span=cs, bbox=box(r, c, rs, cs, xs, ys), confidence=1
        )
        for r, c, rs, cs in layout
    )
    return Grid(page=page, row_edges=ys, col_edges=xs, cells=cells)


def truth(
    document: PerformanceTargets | None = None, doc_id: str = "doc0", level: str = "scan"
) -> GroundTruth:
    return GroundTruth(
        doc_id=doc_id,
        level=level,
        split="test",
        seed=0,
        document=document or seed_document(),
        pages=[truth_page(1), truth_page(2)],
    )


def predicted(
    document: PerformanceTargets,
    flagged: frozenset[str] = frozenset(),
    confidence: float = 0.95,
) -> PerformanceTargets:
    """`document` with one fields[] record per value, `flagged` paths flagged."""
    records = [
        FieldRecord(
            path=path,
            value=value,
            confidence=confidence,
            status=FieldStatus.FLAGGED if path in flagged else FieldStatus.ACCEPTED,
        )
        for path, value in value_paths(document)
    ]
    return document.model_copy(update={"fields": records})
