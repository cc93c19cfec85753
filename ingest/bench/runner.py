"""Worker processes for the benchmark, each building its reader once, and the timed phases.

Workers are spawned (not forked) so that each one's memory is its own, and they stay up across
repeats so engines stay warm. A phase's clock starts once every worker has its reader ready
and stops when the last document is back: pages per minute is wall time, as a queue sees it.
"""

import multiprocessing as mp
import os
import queue
import time
import traceback
from collections.abc import Iterator, Sequence
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ingest.bench.readers import DocRead, Pipeline, make_reader
from ingest.pipeline import ReadOptions

_READY = "ready"
_START_TIMEOUT_S = 600
_POLL_S = 2.0


class WorkerFailed(RuntimeError):
    """A worker could not build its reader, or died."""


class PhaseRun(BaseModel):
    """One pass of one pipeline over the documents with a given number of workers."""

    pipeline: Pipeline
    workers: int
    wall_seconds: float
    documents: list[DocRead]

    @property
    def pages(self) -> int:
        return sum(d.pages for d in self.documents)


def threads_per_worker(workers: int) -> int:
    """Each worker's share of the cores this process may use."""
    return max(len(os.sched_getaffinity(0)) // workers, 1)


def _serve(pipeline: Pipeline, options: ReadOptions, tasks: Any, results: Any) -> None:
    """Worker main: build the reader, announce readiness, read documents until told to stop."""
    try:
        reader = make_reader(pipeline, options)
    except Exception as exc:
        results.put((_READY, f"{type(exc).__name__}: {exc}"))
        return
    results.put((_READY, None))
    for pdf in iter(tasks.get, None):
        try:
            read = reader.read(Path(pdf))
        except Exception as exc:  # reported per document; the worker goes on
            traceback.print_exc()
            read = DocRead(
                doc_id=Path(pdf).stem,
                pipeline=pipeline,
                pid=os.getpid(),
                error=f"{type(exc).__name__}: {exc}",
            )
        results.put(("read", read.model_dump_json()))


class WorkerPool:
    """`workers` processes of one pipeline; use as a context manager."""

    def __init__(self, pipeline: Pipeline, workers: int, options: ReadOptions) -> None:
        context = mp.get_context("spawn")
        ocr = options.ocr.model_copy(update={"threads": threads_per_worker(workers)})
        share = options.model_copy(update={"ocr": ocr})
        self.pipeline = pipeline
        self.workers = workers
        self._tasks = context.Queue()
        self._results = context.Queue()
        self._processes: list[BaseProcess] = [
            context.Process(
                target=_serve, args=(pipeline, share, self._tasks, self._results), daemon=True
            )
            for _ in range(workers)
        ]

    def __enter__(self) -> "WorkerPool":
        for process in self._processes:
            process.start()
        deadline = time.monotonic() + _START_TIMEOUT_S
        for _ in self._processes:
            kind, error = self._next(deadline)
            if kind != _READY:
                raise WorkerFailed(f"unexpected message from a {self.pipeline} worker: {kind}")
            if error:
                raise WorkerFailed(f"a {self.pipeline} worker could not start: {error}")
        return self

    def __exit__(self, *exc: object) -> None:
        for _ in self._processes:
            self._tasks.put(None)
        for process in self._processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()

    def run(self, pdfs: Sequence[Path]) -> PhaseRun:
        """Read every document once, spread over the workers; wall time from first to last."""
        started = time.perf_counter()
        reads = list(self.stream(pdfs))
        wall = time.perf_counter() - started
        order = {pdf.stem: i for i, pdf in enumerate(pdfs)}
        reads.sort(key=lambda r: order.get(r.doc_id, len(order)))
        return PhaseRun(
            pipeline=self.pipeline, workers=self.workers, wall_seconds=wall, documents=reads
        )

    def stream(self, pdfs: Sequence[Path]) -> Iterator[DocRead]:
        """Documents as they come back, in completion order."""
        for pdf in pdfs:
            self._tasks.put(str(pdf))
        for _ in pdfs:
            _, payload = self._next(None)
            yield DocRead.model_validate_json(payload)

    def _next(self, deadline: float | None) -> tuple[str, Any]:
        """The next message; a dead worker or a passed deadline is an error, not a hang."""
        while True:
            try:
                return self._results.get(timeout=_POLL_S)
            except queue.Empty:
                dead = [p.exitcode for p in self._processes if not p.is_alive()]
                if dead:
                    raise WorkerFailed(
                        f"a {self.pipeline} worker died (exit code {dead[0]})"
                    ) from None
                if deadline is not None and time.monotonic() > deadline:
                    raise WorkerFailed(f"{self.pipeline} workers did not start in time") from None


class SoakRun(BaseModel):
    """Resident memory of one jixiao worker after each page, over `pages` pages."""

    pages: int
    rss_mb: list[float]
    errors: list[str] = []


def soak(pdfs: Sequence[Path], pages: int, options: ReadOptions) -> SoakRun:
    """One worker reads the documents round and round until `pages` pages are read."""
    rss: list[float] = []
    errors: list[str] = []
    with WorkerPool("jixiao", 1, options) as pool:
        k = 0
        while len(rss) < pages:
            (read,) = pool.stream([pdfs[k % len(pdfs)]])
            if read.error:
                errors.append(f"{read.doc_id}: {read.error}")
                if len(errors) >= len(pdfs):
                    break
            rss.extend(read.rss_mb)
            k += 1
    return SoakRun(pages=min(len(rss), pages), rss_mb=rss[:pages], errors=errors)
