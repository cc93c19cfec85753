"""Cell-structure F1 of the grid stage on a synthetic corpus folder, per degradation level.

Each page is rasterised and cleaned as the pipeline does, then `find_grid` runs on it and the
grid is scored against the truth with the evaluation harness's matching. With `--overlays`
every page below `--worst` F1 gets an image with its predicted cells (green when matched,
red when not) and the unmatched truth cells (blue), for looking at failures.

    python -m tests.ingest.grid.corpus_structure tests/data/corpus [--overlays /tmp/grid]
"""

import argparse
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ingest.artifacts import CleanPage, Grid
from ingest.evaluation.corpus import load_truths
from ingest.evaluation.structure import StructureCounts, match_cells, score_page
from ingest.grid import find_grid
from ingest.preprocess import clean_page
from ingest.rasterize import rasterize
from ingest.sources import accept_upload
from jixiao.options import input_limits
from jixiao.settings import get_settings
from models.truth import GroundTruth, TruthPage


@dataclass(frozen=True)
class PageScore:
    doc_id: str
    level: str
    page: int  # 1-based, as in the truth
    counts: StructureCounts
    grid_seconds: float


def _pages(truth: GroundTruth, corpus: Path) -> Iterator[CleanPage]:
    limits = input_limits(get_settings())
    path = corpus / f"{truth.doc_id}.pdf"
    source = accept_upload(path, path.name, limits)
    for page in rasterize(source, limits.raster_dpi, limits):
        yield clean_page(page)


def _overlay(page: CleanPage, truth: TruthPage, grid: Grid | None, path: Path) -> None:
    image = page.image.copy()
    cells = grid.cells if grid is not None else ()
    pairs = (
        match_cells(
            [c.bbox for c in truth.cells], truth.table_bbox, [c.bbox for c in cells], grid.bbox
        )
        if cells
        else []
    )
    matched_pred = {p for _, p in pairs}
    matched_truth = {t for t, _ in pairs}
    if grid is not None:
        # Truth boxes are in the undistorted render; carry them onto the grid's table frame.
        tx0, ty0, tx1, ty1 = truth.table_bbox
        gx0, gy0, gx1, gy1 = grid.bbox
        sx, sy = (gx1 - gx0) / max(tx1 - tx0, 1), (gy1 - gy0) / max(ty1 - ty0, 1)
        for k, cell in enumerate(truth.cells):
            if k in matched_truth:
                continue
            x0, y0, x1, y1 = cell.bbox
            box = [gx0 + (x0 - tx0) * sx, gy0 + (y0 - ty0) * sy]
            box += [gx0 + (x1 - tx0) * sx, gy0 + (y1 - ty0) * sy]
            a, b, c, d = (round(v) for v in box)
            cv2.rectangle(image, (a + 6, b + 6), (c - 6, d - 6), (255, 0, 0), 3)
    for k, cell in enumerate(cells):
        x0, y0, x1, y1 = cell.bbox
        colour = (0, 160, 0) if k in matched_pred else (0, 0, 255)
        cv2.rectangle(image, (x0 + 3, y0 + 3), (x1 - 3, y1 - 3), colour, 2)
    cv2.imwrite(str(path), image)


def score_corpus(
    corpus: Path, overlays: Path | None = None, worst: float = 0.99
) -> list[PageScore]:
    """Per-page structure counts of every document in `corpus`."""
    scores = []
    for truth in load_truths(corpus):
        for page, truth_page in zip(_pages(truth, corpus), truth.pages, strict=True):
            started = time.process_time()
            grid = find_grid(page)
            seconds = time.process_time() - started
            counts = score_page(truth_page, grid)
            scores.append(PageScore(truth.doc_id, truth.level, truth_page.page, counts, seconds))
            if overlays is not None and (counts.f1 or 0.0) < worst:
                overlays.mkdir(parents=True, exist_ok=True)
                name = f"{truth.doc_id}_p{truth_page.page}.png"
                _overlay(page, truth_page, grid, overlays / name)
    return scores


def by_level(scores: list[PageScore]) -> dict[str, StructureCounts]:
    totals: dict[str, StructureCounts] = {}
    for score in scores:
        totals[score.level] = totals.get(score.level, StructureCounts()) + score.counts
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--overlays", type=Path)
    parser.add_argument("--worst", type=float, default=0.99)
    parser.add_argument("--quiet", action="store_true", help="levels only, no per-page lines")
    args = parser.parse_args()
    scores = score_corpus(args.corpus, args.overlays, args.worst)
    if not args.quiet:
        for s in scores:
            c = s.counts
            print(
                f"{s.doc_id} p{s.page} {s.level:5} f1={c.f1 or 0:.3f} truth={c.truth_cells} "
                f"pred={c.pred_cells} matched={c.matched} grid={s.grid_seconds:.3f}s"
            )
    for level, c in sorted(by_level(scores).items()):
        print(f"{level:5} f1={c.f1 or 0:.3f} span_f1={c.span_f1 or 0:.3f} pages=", end="")
        print(sum(s.level == level for s in scores))
    cpu = np.array([s.grid_seconds for s in scores])
    print(f"grid CPU s/page: mean {cpu.mean():.3f} max {cpu.max():.3f}")


if __name__ == "__main__":
    main()
