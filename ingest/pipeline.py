"""The reading pipeline as three steps, so a queue can fan the middle one out per page.

    rasterize_source  (one document)  -> PageImage, one at a time
    read_page         (one page)      -> CleanPage + PageTable
    assemble          (one document)  -> checked, flagged document of its form

A page whose text the file holds (a PDF's trusted text layer, an office file's print) is read
from the file instead (`read_from_file`): no rasterising, cleaning or OCR. `read_document`
chains the steps in-process for the CLI, the benchmark and the evaluation harness,
rasterising, cleaning and gridding the next page in a helper thread while the current page is
read.
"""

import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from pydantic import BaseModel, ConfigDict

from ingest.artifacts import (
    CleanPage,
    Grid,
    MappedDocument,
    PageImage,
    PageTable,
    SourceDocument,
    Table,
)
from ingest.forms import Form, default_form, form_for_schema, recognise
from ingest.ocr.base import OcrEngine, OcrOptions
from ingest.sources import InputLimits
from ingest.template import Template
from models.contract import DocumentFlag, EngineInfo, FormDocument, PageReading, SourceInfo

if TYPE_CHECKING:
    from ingest.digital.pages import LayerPages

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class ReadOptions(BaseModel):
    """What reading a document in this process takes: the input limits (pages render at their
    `raster_dpi`), and the OCR engine to use when the caller hands none in."""

    model_config = ConfigDict(frozen=True)

    limits: InputLimits
    ocr: OcrOptions


@dataclass
class StageTimer:
    """Seconds spent per stage, summed over pages."""

    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, started: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started


class Assembled(NamedTuple):
    """A document as the trust layer judged it: the contract with its flags, the stitched table,
    and the mapped form whose evidence and doubts the flags were decided on (what calibration
    must fit on, so the model learns from what it will meet)."""

    document: FormDocument
    table: Table
    mapped: MappedDocument


@dataclass
class ReadResult:
    document: FormDocument
    pages: list[CleanPage]
    page_tables: list[PageTable]
    table: Table | None
    mapped: MappedDocument
    timings: dict[str, float]
    # What went to the OCR models: recognised line crops and whole-image detection passes.
    ocr_calls: dict[str, int] = field(default_factory=dict)


def rasterize_source(source: SourceDocument, limits: InputLimits) -> Iterator[PageImage]:
    from ingest.rasterize import rasterize

    yield from rasterize(source, dpi=limits.raster_dpi, limits=limits)


def read_page(
    page: PageImage,
    engine: OcrEngine,
    timer: StageTimer | None = None,
    reason: str | None = None,
) -> tuple[CleanPage, PageTable]:
    """Clean one page, find its grid and read its cells; `reason`: see `read_prepared`."""
    timer = timer or StageTimer()
    clean, grid = prepare_page(page, engine, timer)
    return clean, read_prepared(clean, grid, engine, timer, reason)


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
    clean: CleanPage,
    grid: Grid | None,
    engine: OcrEngine,
    timer: StageTimer,
    reason: str | None = None,
) -> PageTable:
    """OCR a prepared page; `reason` says why a page with a text layer was not read from it."""
    from ingest.ocr.assign import read_cells

    started = time.perf_counter()
    table = read_cells(clean, grid, engine)
    timer.add("ocr", started)
    return table.model_copy(update={"reader_reason": reason}) if reason else table


def read_from_file(
    pages: "LayerPages", index: int, engine: OcrEngine, timer: StageTimer
) -> tuple[CleanPage, PageTable]:
    """A page read from its text layer, once a quick OCR of a few of its lines agrees with
    the layer (unless earlier pages vouched for all its fonts); a page where it does not is
    OCR'd from its rendering instead."""
    from ingest.digital.sniff import LayerVerdict
    from ingest.digital.verify import layer_agrees

    started = time.perf_counter()
    clean, table = pages.read(index)
    timer.add("layer", started)
    fonts = pages.fonts(index)
    if not pages.judged or fonts <= pages.vouched:
        return clean, table
    started = time.perf_counter()
    agrees = layer_agrees(table, clean.gray, engine)
    timer.add("layer_check", started)
    if agrees:
        pages.vouched |= fonts
        return clean, table
    image = PageImage(index=index, image=clean.image, dpi=clean.dpi)
    clean, grid = prepare_page(image, engine, timer)
    return clean, read_prepared(clean, grid, engine, timer, LayerVerdict.DISAGREES.value)


def assemble(
    page_tables: list[PageTable],
    source: SourceDocument,
    engine_info: EngineInfo,
    document_id: str,
    template: Template | None = None,
    timer: StageTimer | None = None,
) -> Assembled:
    """Stitch pages, map onto the template (the form the pages name, unless one is given),
    account for every page and line, run the checks and decide the flags."""
    from ingest.accounting import account
    from ingest.completeness import check_sections
    from ingest.confidence import assess
    from ingest.mapping import map_table
    from ingest.merged import infer_level1
    from ingest.ocr.signs import settle_document_signs
    from ingest.validate import run_checks

    page_tables = settle_document_signs(page_tables)
    form = form_for_schema(template.schema_id) if template else recognised_form(page_tables)
    template = form.template
    timer = timer or StageTimer()
    started = time.perf_counter()
    table = _whole_table(page_tables, source, template)
    mapped = infer_level1(map_table(table, template), template, (c.text for c in table.cells))
    accounting = account(
        page_tables, table, mapped.trace, template, source.pages, mapped.document.fields
    )
    completeness = check_sections(mapped, table, template)
    doubtful = completeness.doubtful | accounting.doubtful
    mapped = with_doubts(mapped, [*accounting.flags, *completeness.flags], doubtful)
    timer.add("mapping", started)
    started = time.perf_counter()
    issues = run_checks(mapped.document, template)
    document = assess(mapped, issues, template, form.calibration(engine_info.engine))
    timer.add("checks", started)
    document = document.model_copy(
        update={
            "document_id": document_id,
            "source": SourceInfo(
                filename=source.filename, sha256=source.sha256, pages=source.pages
            ),
            "accounting": accounting.account,
            "ocr": engine_info.model_copy(update={"pages": _page_readings(page_tables)}),
        }
    )
    return Assembled(document, table, mapped)


def recognised_form(page_tables: list[PageTable]) -> Form:
    """The form whose title or section labels the pages print; the 部门整体 form when none
    does (its mapping then refuses a table of another form)."""
    texts = [
        *(cell.text for table in page_tables for cell in table.cells),
        *(token.text for table in page_tables for token in table.outside),
        # a title read in pieces
        *("".join(token.text for token in table.outside) for table in page_tables),
    ]
    return recognise(texts) or default_form()


def with_doubts(
    mapped: MappedDocument, flags: list[DocumentFlag], doubtful: frozenset[str]
) -> MappedDocument:
    """`mapped` carrying the document flags, and with the structure of `doubtful` fields in
    doubt (a column shift, a row holding text no field took): the trust layer flags them
    whatever their OCR confidence."""
    shifted = {"structure_confidence": 0.0, "structure_in_doubt": True}
    evidence = {
        path: e.model_copy(update=shifted) if path in doubtful else e
        for path, e in mapped.evidence.items()
    }
    document = mapped.document.model_copy(update={"document_flags": flags})
    return mapped.model_copy(update={"document": document, "evidence": evidence})


def _whole_table(page_tables: list[PageTable], source: SourceDocument, template: Template) -> Table:
    """An office file's own table placed on its print; the stitched pages of anything else."""
    from ingest.digital.package import OFFICE_TYPES

    if source.media_type in OFFICE_TYPES:
        from ingest.digital.office import office_table

        return office_table(source, page_tables)
    from ingest.stitch import stitch

    return stitch(page_tables, template)


def _page_readings(page_tables: list[PageTable]) -> list[PageReading]:
    """Which path read each page, and why a page with a text layer was OCR'd."""
    return [
        PageReading(page=t.page + 1, reader=t.reader, reason=t.reader_reason)
        for t in sorted(page_tables, key=lambda t: t.page)
    ]


def read_document(
    path: Path,
    options: ReadOptions,
    *,
    filename: str | None = None,
    engine: OcrEngine | None = None,
    progress: Progress | None = None,
) -> ReadResult:
    """Read one file end to end in this process."""
    from ingest.digital.pages import open_pages, with_printed_pages
    from ingest.ocr import create_engine
    from ingest.ocr.counted import CountedEngine
    from ingest.sources import accept_upload

    limits = options.limits
    counted = CountedEngine(engine or create_engine(options.ocr))
    timer = StageTimer()
    started = time.perf_counter()
    source = accept_upload(path, filename or path.name, limits)
    timer.add("sources", started)
    pages: list[CleanPage] = []
    tables: list[PageTable] = []
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="jixiao-read-") as work,
        open_pages(source, limits.raster_dpi, Path(work)) as from_file,
    ):
        # an office file is printed here, and every PDF page's layer judged
        timer.add("layer", started)
        source = with_printed_pages(source, from_file)
        to_render = _to_render(source, from_file)
        images = _images(source, limits, set(to_render))
        # closed once the helper thread is done, so an error stops poppler now, not whenever
        # the failed read's frames are collected
        with (
            closing(images),
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="jixiao-prepare") as ahead,
        ):
            prepared = _prepared_ahead(images, counted, ahead, timer) if to_render else iter(())
            for index in range(source.pages):
                if index not in to_render:  # the file holds its text: no pixels needed
                    clean, table = read_from_file(from_file, index, counted, timer)
                elif (ready := next(prepared, None)) is None:
                    break  # the rasteriser gave fewer pages than the file claims
                else:
                    clean, grid = ready
                    reason = from_file.verdicts[index].value if from_file else None
                    table = read_prepared(clean, grid, counted, timer, reason)
                pages.append(clean)
                tables.append(table)
                if progress:
                    progress("read", len(pages), source.pages)
        assembled = assemble(
            tables, source, counted.info, document_id=source.sha256[:16], timer=timer
        )
    if progress:
        progress("done", source.pages, source.pages)
    calls = {"lines": counted.lines, "detections": counted.detections}
    document, table, mapped = assembled
    return ReadResult(document, pages, tables, table, mapped, timer.seconds, calls)


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


def _to_render(source: SourceDocument, from_file: "LayerPages | None") -> list[int]:
    """The pages whose text only their pixels hold."""
    return [i for i in range(source.pages) if not (from_file and from_file.usable(i))]


def read_source_pages(
    source: SourceDocument, limits: InputLimits, engine: OcrEngine, workdir: Path
) -> Iterator[tuple[PageImage, tuple[CleanPage, PageTable] | None]]:
    """Every page of a source in order, for a queue: its image and, where the file holds its
    text, what was read from it (the rest are left to `read_page`).

    An office file is printed into `workdir`, which must outlive the iteration."""
    from ingest.digital.pages import open_pages, with_printed_pages

    with open_pages(source, limits.raster_dpi, workdir) as from_file:
        source = with_printed_pages(source, from_file)
        to_render = _to_render(source, from_file)
        images = _images(source, limits, set(to_render)) if to_render else iter(())
        for index in range(source.pages):
            if index in to_render:
                yield next(images), None
                continue
            clean, table = read_from_file(from_file, index, engine, StageTimer())
            yield PageImage(index=index, image=clean.image, dpi=clean.dpi), (clean, table)


def _images(source: SourceDocument, limits: InputLimits, wanted: set[int]) -> Iterator[PageImage]:
    """The source's pages as images, only those `wanted` (the rest are read from the file)."""
    return (page for page in rasterize_source(source, limits) if page.index in wanted)
