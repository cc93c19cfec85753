"""The peer on one page of a clean synthetic document: img2table finds the ruled table,
Tesseract reads its cells, and the accuracy is scored on the cells it found."""

from pathlib import Path

import pytest

from ingest.bench.accuracy import score_page
from ingest.bench.peer import PeerReader
from ingest.ocr.base import EngineUnavailable
from ingest.pipeline import rasterize_source
from ingest.sources import accept_upload
from jixiao.options import input_limits
from jixiao.settings import Settings
from models.truth import GroundTruth


def test_peer_finds_the_table_and_is_scored_on_it(corpus: tuple[Path, GroundTruth]) -> None:
    folder, truth = corpus
    try:
        peer = PeerReader(threads=1)
    except EngineUnavailable as exc:
        pytest.skip(str(exc))
    limits = input_limits(Settings())
    source = accept_upload(folder / f"{truth.doc_id}.pdf", "doc.pdf", limits)
    page = next(iter(rasterize_source(source, limits)))
    prediction = peer.read_page(page.image, page.index)

    assert prediction.frame is not None
    boxes = [c.bbox for c in prediction.cells]
    assert len(boxes) == len(set(boxes)), "a merged cell is reported once"
    x0, y0, x1, y1 = prediction.frame
    assert all(x0 <= b[0] < b[2] <= x1 and y0 <= b[1] < b[3] <= y1 for b in boxes)

    counts = score_page(truth.pages[0], prediction)
    assert counts.truth_cells == sum(bool(c.text.strip()) for c in truth.pages[0].cells)
    assert 0 < counts.matched <= counts.truth_cells
    assert counts.exact <= counts.matched


def test_tesseract_threads_sleep_while_they_wait() -> None:
    """OpenMP threads that spin crawl on a loaded machine: the bench seemed hung, its
    tesseract taking 7-16 s of CPU for a page that needs under 2 s."""
    try:
        peer = PeerReader(threads=2)
    except EngineUnavailable as exc:
        pytest.skip(str(exc))
    assert peer._ocr.env["OMP_THREAD_LIMIT"] == "2"
    assert peer._ocr.env["OMP_WAIT_POLICY"] == "PASSIVE"
