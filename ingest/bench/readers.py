"""What one benchmark worker does with one document, for jixiao and for the peer.

A reader is built once per worker process (engine and models loaded once) and then reads
documents, returning the timings, each page's cells and the process's memory after each page.
"""

import os
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from pydantic import BaseModel

from ingest.artifacts import OcrToken
from ingest.bench.accuracy import PagePrediction, from_page_table
from ingest.ocr.base import OcrEngine
from ingest.pipeline import ReadOptions, StageTimer, rasterize_source, read_document
from ingest.sources import InputLimits, accept_upload
from models.contract import EngineInfo

Pipeline = Literal["jixiao", "peer"]

# OCR model calls, timed inside the pipeline's "ocr" stage: detection (with recognition of
# what it found) and detection-free, batched recognition of line crops.
DETECT_AND_READ = "ocr.detect_and_read"
READ_LINES = "ocr.read_lines"
MODEL_STAGES = (DETECT_AND_READ, READ_LINES)


class DocRead(BaseModel):
    """One document read by one worker."""

    doc_id: str
    pipeline: Pipeline
    pid: int
    pages: int = 0
    seconds: float = 0.0  # the read, from accepting the file to the last stage
    stages: dict[str, float] = {}  # seconds per stage, summed over pages
    predictions: list[PagePrediction] = []
    rss_mb: list[float] = []  # the worker's resident memory after each page
    peak_rss_mb: float = 0.0  # the worker's peak so far
    peak_child_rss_mb: float = 0.0  # largest finished child (pdftoppm, tesseract) so far
    error: str | None = None


class Reader(Protocol):
    def read(self, pdf: Path) -> DocRead: ...


def current_rss_mb() -> float:
    """Resident memory now (Linux /proc), unlike getrusage's peak, so growth can be seen."""
    with open("/proc/self/statm") as statm:
        resident_pages = int(statm.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peaks() -> dict[str, float]:
    # ru_maxrss is in kilobytes on Linux.
    return {
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_child_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


class TimedEngine:
    """An OcrEngine that adds up the seconds spent in the wrapped engine's model calls."""

    def __init__(self, engine: OcrEngine) -> None:
        self._engine = engine
        self.seconds: dict[str, float] = {}

    @property
    def info(self) -> EngineInfo:
        return self._engine.info

    def detect_and_read(self, image: np.ndarray) -> list[OcrToken]:
        return self._timed(DETECT_AND_READ, lambda: self._engine.detect_and_read(image))

    def read_lines(self, crops: list[np.ndarray]) -> list[OcrToken]:
        return self._timed(READ_LINES, lambda: self._engine.read_lines(crops))

    def _timed(self, name: str, call: Callable[[], list[OcrToken]]) -> list[OcrToken]:
        started = time.perf_counter()
        try:
            return call()
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


class JixiaoReader:
    """The pipeline's own `read_document`, with the process's engine wrapped in a timer."""

    def __init__(self, options: ReadOptions) -> None:
        from ingest.ocr import create_engine

        self._options = options
        self._engine = TimedEngine(create_engine(options.ocr))

    def read(self, pdf: Path) -> DocRead:
        rss: list[float] = []

        def after_page(stage: str, done: int, total: int) -> None:
            if stage == "read":
                rss.append(current_rss_mb())

        self._engine.seconds = {}
        started = time.perf_counter()
        result = read_document(pdf, self._options, engine=self._engine, progress=after_page)
        seconds = time.perf_counter() - started
        return DocRead(
            doc_id=pdf.stem,
            pipeline="jixiao",
            pid=os.getpid(),
            pages=len(result.page_tables),
            seconds=seconds,
            stages=result.timings | self._engine.seconds,
            predictions=[from_page_table(t) for t in result.page_tables],
            rss_mb=rss,
            **_peaks(),
        )


class PeerPipelineReader:
    """The peer on the same pages: the same rasteriser at the same DPI, then img2table."""

    def __init__(self, limits: InputLimits, threads: int) -> None:
        from ingest.bench.peer import PeerReader

        self._limits = limits
        self._peer = PeerReader(threads)

    def read(self, pdf: Path) -> DocRead:
        timer = StageTimer()
        predictions: list[PagePrediction] = []
        rss: list[float] = []
        started = first = time.perf_counter()
        source = accept_upload(pdf, pdf.name, self._limits)
        timer.add("sources", started)
        started = time.perf_counter()
        for page in rasterize_source(source, self._limits):
            timer.add("rasterize", started)
            started = time.perf_counter()
            predictions.append(self._peer.read_page(page.image, page.index))
            timer.add("img2table", started)
            rss.append(current_rss_mb())
            started = time.perf_counter()
        return DocRead(
            doc_id=pdf.stem,
            pipeline="peer",
            pid=os.getpid(),
            pages=len(predictions),
            seconds=time.perf_counter() - first,
            stages=timer.seconds,
            predictions=predictions,
            rss_mb=rss,
            **_peaks(),
        )


def make_reader(pipeline: Pipeline, options: ReadOptions) -> Reader:
    """The worker's reader; `options.ocr.threads` is already the worker's share of the cores."""
    if pipeline == "jixiao":
        return JixiaoReader(options)
    return PeerPipelineReader(options.limits, options.ocr.threads)
