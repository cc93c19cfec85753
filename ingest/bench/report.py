"""Medians and ratios from the benchmark's runs, the printed table and the JSON shape.

Machines are noisy (the build box is shared), so every speed is a median over repeats and the
comparison with the peer is quoted as a ratio of medians taken in the same command.
"""

import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ingest.bench.accuracy import TextCounts, score_pages
from ingest.bench.readers import MODEL_STAGES, Pipeline
from ingest.bench.runner import PhaseRun, SoakRun
from models.truth import GroundTruth

if TYPE_CHECKING:
    from rich.console import Console

SOAK_BASELINE_PAGE = 20  # memory is compared from here on: caches and arenas have settled


class Figures(BaseModel):
    """One pipeline at one worker count: medians over its repeats."""

    pipeline: Pipeline
    workers: int
    threads_per_worker: int
    repeats: int
    pages: int  # per run
    pages_per_minute: float  # median
    pages_per_minute_runs: list[float]
    seconds_per_page: float  # worker seconds per page (wall / pages in one worker), median
    stage_seconds_per_page: dict[str, float]  # worker seconds per page, median per stage
    ocr_model_share: float | None  # share of the read spent in OCR model calls, median
    peak_rss_mb_per_worker: list[float]  # each worker's peak over all its runs
    peak_child_rss_mb: float
    errors: list[str]


class Ratio(BaseModel):
    workers: int
    jixiao_pages_per_minute: float
    peer_pages_per_minute: float
    speedup: float


class SoakFigures(BaseModel):
    pages: int
    rss_mb_at_baseline: float | None
    rss_mb_at_end: float | None
    growth_mb: float | None
    rss_mb: list[float]
    errors: list[str]


class BenchReport(BaseModel):
    corpus: str
    documents: int
    pages: int
    dpi: int
    cores: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    figures: list[Figures]
    accuracy: dict[str, TextCounts]  # pipeline -> cell-text counts
    ratios: list[Ratio]
    soak: SoakFigures | None = None


def figures(runs: Sequence[PhaseRun], threads: int) -> Figures:
    """Medians over repeated runs of one pipeline at one worker count."""
    first = runs[0]
    docs = [d for run in runs for d in run.documents]
    per_run_stages = [_stage_sums(run) for run in runs]
    stages = sorted({name for sums in per_run_stages for name in sums})
    shares = [s for run in runs if (s := _model_share(run)) is not None]
    peaks: dict[int, float] = {}
    for d in docs:
        peaks[d.pid] = max(peaks.get(d.pid, 0.0), d.peak_rss_mb)
    ppm = [60 * run.pages / run.wall_seconds for run in runs if run.wall_seconds > 0]
    return Figures(
        pipeline=first.pipeline,
        workers=first.workers,
        threads_per_worker=threads,
        repeats=len(runs),
        pages=first.pages,
        pages_per_minute=statistics.median(ppm) if ppm else 0.0,
        pages_per_minute_runs=ppm,
        seconds_per_page=statistics.median(
            sum(d.seconds for d in run.documents) / max(run.pages, 1) for run in runs
        ),
        stage_seconds_per_page={
            name: statistics.median(
                sums.get(name, 0.0) / max(run.pages, 1)
                for sums, run in zip(per_run_stages, runs, strict=True)
            )
            for name in stages
        },
        ocr_model_share=statistics.median(shares) if shares else None,
        peak_rss_mb_per_worker=sorted(peaks.values()),
        peak_child_rss_mb=max((d.peak_child_rss_mb for d in docs), default=0.0),
        errors=sorted({f"{d.doc_id}: {d.error}" for d in docs if d.error}),
    )


def _stage_sums(run: PhaseRun) -> dict[str, float]:
    sums: dict[str, float] = {}
    for doc in run.documents:
        for name, seconds in doc.stages.items():
            sums[name] = sums.get(name, 0.0) + seconds
    return sums


def _model_share(run: PhaseRun) -> float | None:
    total = sum(d.seconds for d in run.documents)
    model = sum(d.stages.get(name, 0.0) for d in run.documents for name in MODEL_STAGES)
    return model / total if total > 0 and model > 0 else None


def accuracy(run: PhaseRun, truths: Sequence[GroundTruth]) -> TextCounts:
    """Cell-text counts of one run's reads over the corpus's truth."""
    by_id = {d.doc_id: d for d in run.documents}
    total = TextCounts()
    for truth in truths:
        read = by_id.get(truth.doc_id)
        total += score_pages(truth.pages, read.predictions if read else [])
    return total


def ratios(all_figures: Sequence[Figures]) -> list[Ratio]:
    """jixiao's median pages per minute over the peer's, at each worker count both ran."""
    peer = {f.workers: f for f in all_figures if f.pipeline == "peer"}
    out = []
    for f in all_figures:
        other = peer.get(f.workers)
        if f.pipeline == "jixiao" and other is not None and other.pages_per_minute > 0:
            out.append(
                Ratio(
                    workers=f.workers,
                    jixiao_pages_per_minute=f.pages_per_minute,
                    peer_pages_per_minute=other.pages_per_minute,
                    speedup=f.pages_per_minute / other.pages_per_minute,
                )
            )
    return out


def soak_figures(run: SoakRun) -> SoakFigures:
    """Growth from page 20 to the last page (from the first page if the run is shorter)."""
    series = run.rss_mb
    base = series[min(SOAK_BASELINE_PAGE, len(series)) - 1] if series else None
    end = series[-1] if series else None
    return SoakFigures(
        pages=run.pages,
        rss_mb_at_baseline=base,
        rss_mb_at_end=end,
        growth_mb=end - base if base is not None and end is not None else None,
        rss_mb=series,
        errors=run.errors,
    )


def print_report(report: BenchReport, console: "Console") -> None:
    from rich.table import Table

    console.print(
        f"[bold]jixiao bench[/bold]  {report.corpus}: {report.documents} documents, "
        f"{report.pages} pages at {report.dpi} DPI; {report.cores} cores; load average "
        f"{_load(report.load_before)} before, {_load(report.load_after)} after"
    )
    speed = Table(title="Speed (medians over repeats)")
    for header in ("pipeline", "workers", "threads", "runs", "pages/min", "s/page/worker"):
        speed.add_column(header, justify="right" if header != "pipeline" else "left")
    speed.add_column("OCR model share", justify="right")
    speed.add_column("peak RSS/worker MB", justify="right")
    for f in report.figures:
        speed.add_row(
            f.pipeline,
            str(f.workers),
            str(f.threads_per_worker),
            str(f.repeats),
            f"{f.pages_per_minute:.1f}",
            f"{f.seconds_per_page:.2f}",
            "–" if f.ocr_model_share is None else f"{100 * f.ocr_model_share:.0f}%",
            " ".join(f"{mb:.0f}" for mb in f.peak_rss_mb_per_worker),
        )
    console.print(speed)

    stages = Table(title="Seconds per page in a worker, by stage (medians)")
    stages.add_column("stage")
    for f in report.figures:
        stages.add_column(f"{f.pipeline} ×{f.workers}", justify="right")
    names = sorted({name for f in report.figures for name in f.stage_seconds_per_page})
    for name in names:
        stages.add_row(
            name,
            *(
                "–"
                if name not in f.stage_seconds_per_page
                else f"{f.stage_seconds_per_page[name]:.3f}"
                for f in report.figures
            ),
        )
    console.print(stages)

    quality = Table(title="Cell-text accuracy (non-empty truth cells read exactly)")
    for header in ("pipeline", "truth cells", "matched", "exact", "accuracy"):
        quality.add_column(header, justify="right" if header != "pipeline" else "left")
    for name, counts in report.accuracy.items():
        quality.add_row(
            name,
            str(counts.truth_cells),
            str(counts.matched),
            str(counts.exact),
            "–" if counts.accuracy is None else f"{100 * counts.accuracy:.1f}%",
        )
    console.print(quality)

    for r in report.ratios:
        console.print(
            f"{r.workers} worker(s): jixiao {r.jixiao_pages_per_minute:.1f} pages/min, peer "
            f"{r.peer_pages_per_minute:.1f} pages/min: [bold]{r.speedup:.1f}×[/bold]"
        )
    if report.soak is not None:
        s = report.soak
        console.print(
            f"soak: {s.pages} pages in one worker, RSS {_mb(s.rss_mb_at_baseline)} at page "
            f"{min(SOAK_BASELINE_PAGE, s.pages)} → {_mb(s.rss_mb_at_end)} at page {s.pages}: "
            f"growth {_mb(s.growth_mb)}"
        )
    for f in report.figures:
        for error in f.errors:
            console.print(f"{f.pipeline} failed on {error}", style="red", markup=False)


def _load(load: tuple[float, float, float]) -> str:
    return "/".join(f"{v:.2f}" for v in load)


def _mb(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} MB"
