"""Grids of pages printed by LibreOffice and Chromium (tests/data/printed): tables opening
without a top rule, cramped rows whose glyph strokes touch both rules, rules set close to text."""

from pathlib import Path

import pytest

from ingest.evaluation.corpus import load_truths
from ingest.evaluation.structure import score_page
from ingest.ocr.base import OcrEngine
from ingest.pipeline import StageTimer, prepare_page, rasterize_source
from ingest.sources import accept_upload
from jixiao.options import input_limits
from jixiao.settings import Settings
from models.truth import GroundTruth

PRINTED = Path(__file__).parents[2] / "data" / "printed"


def test_the_printed_corpus_stays_small() -> None:
    assert sum(p.stat().st_size for p in PRINTED.iterdir()) < 4 * 1024 * 1024


@pytest.mark.parametrize(
    "truth", load_truths(PRINTED), ids=lambda t: f"{t.doc_id}-{t.source_format}"
)
def test_every_printed_page_gets_the_truth_grid(
    truth: GroundTruth, engine: OcrEngine, tmp_path: Path
) -> None:
    limits = input_limits(Settings(data_dir=tmp_path))
    source = accept_upload(PRINTED / f"{truth.doc_id}.pdf", f"{truth.doc_id}.pdf", limits)
    pages = list(rasterize_source(source, limits))
    assert len(pages) == len(truth.pages)
    for page, expected in zip(pages, truth.pages, strict=True):
        _, grid = prepare_page(page, engine, StageTimer())
        counts = score_page(expected, grid)
        assert counts.f1 is not None and counts.f1 >= 0.99, (expected.page, counts)
