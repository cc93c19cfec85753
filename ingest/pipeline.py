"""The reading pipeline as three steps, so a queue can fan the middle one out per page.

    rasterize_source  (one document)  -> PageImage, one at a time
    read_page         (one page)      -> CleanPage + PageTable
    assemble          (one document)  -> checked, flagged PerformanceTargets

`read_document` chains them in-process for the CLI, the benchmark and the evaluation harness,
rasterising, cleaning and gridding the next page in a helper thread while the current page is
read.
"""

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.artifacts import CleanPage, Grid, PageImage, PageTable, SourceDocument, Table
from ingest.ocr.base import OcrEngine
from ingest.template import Template, default_template
from jixiao.settings import Settings, get_settings
from models.contract import EngineInfo, PerformanceTargets, SourceInfo

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class StageTimer:
    """Seconds spent per stage, summed over pages."""

    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, started: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started


@dataclass
class ReadResult:
    document: PerformanceTargets
    pages: list[CleanPage]
    page_tables: list[PageTable]
    table: Table | None
    timings: dict[str, float]


def rasterize_source(source: SourceDocument, settings: Settings) -> Iterator[PageImage]:
    from ingest.rasterize import rasterize

    yield from rasterize(source, dpi=settings.raster_dpi, settings=settings)


def read_page(
    page: PageImage, engine: OcrEngine, timer: StageTimer | None = None
) -> tuple[CleanPage, PageTable]:
    """Clean one page, find its grid and read its cells."""
    timer = timer or StageTimer()
    clean, grid = prepare_page(page, engine, timer)
    return clean, read_prepared(clean, grid, engine, timer)


def prepare_page(
    page: PageImage, engine: OcrEngine, timer: StageTimer
) -> tuple[CleanPage, Grid | None]:
    """Everything before OCR: the page turned upright, cleaned, and its grid."""
    from ingest.grid import find_grid
    from ingest.preprocess import clean_page
    from ingest.preprocess.orientation import upright

    started = time.perf_counter()
    page, turn = upright(page, engine)
    clean = clean_page(page)
    if turn:
        clean = replace(clean, notes=(f"turned by {turn}°", *clean.notes))
    timer.add("preprocess", started)
    started = time.perf_counter()
    grid = find_grid(clean)
    timer.add("grid", started)
    return clean, grid


def read_prepared(
    clean: CleanPage, grid: Grid | None, engine: OcrEngine, timer: StageTimer
) -> PageTable:
    from ingest.ocr.assign import read_cells

    started = time.perf_counter()
    table = read_cells(clean, grid, engine)
    timer.add("ocr", started)
    return table


def assemble(
    page_tables: list[PageTable],
    source: SourceDocument,
    engine_info: EngineInfo,
    document_id: str,
    template: Template | None = None,
    timer: StageTimer | None = None,
) -> tuple[PerformanceTargets, Table | None]:
    """Stitch pages, map onto the template, run the checks and decide the flags."""
    from ingest.confidence import assess
    from ingest.mapping import map_table
    from ingest.merged import infer_level1
    from ingest.stitch import stitch
    from ingest.validate import run_checks

    template = template or default_template()
    timer = timer or StageTimer()
    started = time.perf_counter()
    table = stitch(page_tables, template)
    mapped = infer_level1(map_table(table, template), template)
    timer.add("mapping", started)
    started = time.perf_counter()
    issues = run_checks(mapped.document, template)
    document = assess(mapped, issues, template)
    timer.add("checks", started)
    document = document.model_copy(
        update={
            "document_id": document_id,
            "source": SourceInfo(
                filename=source.filename, sha256=source.sha256, pages=source.pages
            ),
            "ocr": engine_info,
        }
    )
    return document, table


def read_document(
    path: Path,
    *,
    filename: str | None = None,
    engine: OcrEngine | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> ReadResult:
    """Read one file end to end in this process."""
    from ingest.ocr import create_engine
    from ingest.sources import accept_upload

    settings = settings or get_settings()
    engine = engine or create_engine(settings.ocr_engine, settings)
    timer = StageTimer()
    started = time.perf_counter()
    source = accept_upload(path, filename or path.name, settings)
    timer.add("sources", started)
    pages: list[CleanPage] = []
    tables: list[PageTable] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="jixiao-prepare") as ahead:
        pages_read = rasterize_source(source, settings)
        for clean, grid in _prepared_ahead(pages_read, engine, ahead, timer):
            pages.append(clean)
            tables.append(read_prepared(clean, grid, engine, timer))
            if progress:
                progress("read", len(pages), source.pages)
    document, table = assemble(
        tables, source, engine.info, document_id=source.sha256[:16], timer=timer
    )
    if progress:
        progress("done", source.pages, source.pages)
    return ReadResult(document, pages, tables, table, timer.seconds)


def _prepared_ahead(
    pages: Iterator[PageImage], engine: OcrEngine, ahead: ThreadPoolExecutor, timer: StageTimer
) -> Iterator[tuple[CleanPage, Grid | None]]:
    """Pages rasterised, cleaned and gridded one page ahead in a helper thread, so that this
    work runs while the page before is being read: OpenCV, poppler and ONNX Runtime all work
    outside the interpreter lock, and OCR alone leaves part of the cores idle."""

    def prepare_next() -> tuple[CleanPage, Grid | None] | None:
        started = time.perf_counter()
        page = next(pages, None)
        timer.add("rasterize", started)
        return None if page is None else prepare_page(page, engine, timer)

    upcoming = ahead.submit(prepare_next)
    while (prepared := upcoming.result()) is not None:
        upcoming = ahead.submit(prepare_next)
        yield prepared
