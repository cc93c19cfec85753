"""Whole documents through `read_document` and `jixiao ingest`: digital pages read from the
file with nothing OCR'd but a few check lines, and every page the file cannot vouch for OCR'd
as before, the export's `ocr.pages` saying which path read which page."""

import json
import shutil
from pathlib import Path

import pytest

from ingest.evaluation.compare import normalize_text
from ingest.ocr import create_engine
from ingest.ocr.base import OcrEngine
from ingest.pipeline import ReadResult, read_document
from jixiao.cli import main as cli
from jixiao.options import ocr_options, read_options
from jixiao.settings import Settings
from models.contract import PerformanceTargets, value_paths
from tests.ingest.digital.fixtures import (
    GARBLED,
    MIXED,
    SCAN_WITH_LAYER,
    SEED_DOCX,
    SEED_PDF,
    SEED_XLSX,
    seed_gold,
)

NO_LIBREOFFICE = shutil.which("soffice") is None


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = tmp_path_factory.mktemp("data")
    return Settings(data_dir=data, REDIS_URL=None, DATABASE_URL=None)


@pytest.fixture(scope="module")
def engine(settings: Settings) -> OcrEngine:
    return create_engine(ocr_options(settings))


def _read(path: Path, engine: OcrEngine, settings: Settings) -> ReadResult:
    return read_document(path, read_options(settings), engine=engine)


def _readers(document: PerformanceTargets) -> list[tuple[str, str | None]]:
    assert document.ocr is not None
    return [(p.reader.value, p.reason) for p in document.ocr.pages]


def _assert_exact(document: PerformanceTargets) -> None:
    """Every value of the seed table, exactly (spaces aside: the layer holds none between
    numbered items), with a page and a box for its crop."""
    read = {path: normalize_text(value) for path, value in value_paths(document)}
    assert read == {path: normalize_text(value) for path, value in value_paths(seed_gold())}
    assert all(f.page is not None and f.bbox is not None for f in document.fields if f.value)


def test_a_printed_pdf_is_read_from_its_layer(engine: OcrEngine, settings: Settings) -> None:
    result = _read(SEED_PDF, engine, settings)
    _assert_exact(result.document)
    assert _readers(result.document) == [("text_layer", None)] * 3
    assert result.document.review_state == "ready"  # nothing in doubt: a reviewer accepts it
    assert not any(f.status == "flagged" for f in result.document.fields)
    assert all(f.confidence > 0.9 for f in result.document.fields)
    # nothing the layer holds was OCR'd: three lines of page 1 were checked, and pages 2
    # and 3 are printed in the fonts that check vouched for
    assert result.ocr_calls == {"lines": 3, "detections": 0}
    assert "ocr" not in result.timings and "preprocess" not in result.timings


@pytest.mark.slow
def test_a_scan_with_an_invisible_ocr_layer_is_ocrd(engine: OcrEngine, settings: Settings) -> None:
    result = _read(SCAN_WITH_LAYER, engine, settings)
    assert _readers(result.document) == [("ocr", "invisible_text_layer")]
    assert result.ocr_calls["lines"] > 40  # the page itself was read
    assert result.document.department == seed_gold().department


@pytest.mark.slow
def test_a_layer_that_says_other_than_it_shows_is_ocrd(
    engine: OcrEngine, settings: Settings
) -> None:
    """garbled.pdf's font maps every CJK glyph to the next code point: the page shows the
    seed's text and the layer says 湛 -> 湜. The sampled check catches it; OCR reads the page."""
    result = _read(GARBLED, engine, settings)
    assert _readers(result.document) == [("ocr", "text_layer_disagrees_with_image")]
    gold = seed_gold()
    assert (result.document.department, result.document.title) == (gold.department, gold.title)


@pytest.mark.slow
def test_a_mixed_pdf_reads_each_page_its_own_way(engine: OcrEngine, settings: Settings) -> None:
    result = _read(MIXED, engine, settings)
    assert _readers(result.document) == [
        ("text_layer", None),
        ("ocr", "no_text_layer"),
        ("text_layer", None),
    ]
    gold = seed_gold()
    assert result.document.budget == gold.budget  # page 1, from the layer
    ocr_page, last_page = result.page_tables[1:]
    assert ocr_page.reader == "ocr" and ocr_page.cells
    assert {"投诉率", "0%"} <= {c.text for c in last_page.cells}  # page 3, from the layer


@pytest.mark.skipif(NO_LIBREOFFICE, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize(
    ("path", "reader"), [(SEED_XLSX, "spreadsheet"), (SEED_DOCX, "word_document")]
)
def test_jixiao_ingest_reads_office_files(path: Path, reader: str, tmp_path: Path) -> None:
    out = tmp_path / "form.json"
    assert cli(["ingest", str(path), "--out", str(out), "--artifacts", str(tmp_path)]) == 0
    document = PerformanceTargets.model_validate(json.loads(out.read_text("utf-8")))
    _assert_exact(document)
    assert {p.reader.value for p in document.ocr.pages} == {reader}
    assert document.source.pages == len(document.ocr.pages) >= 3  # the pages of its print
    timings = json.loads((tmp_path / f"{path.stem}.timings.json").read_text("utf-8"))
    assert timings["ocr_calls"] == {"lines": 0, "detections": 0}
