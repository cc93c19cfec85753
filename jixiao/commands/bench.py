"""`jixiao bench --corpus DIR`: jixiao's pages per minute against a peer pipeline's.

Both pipelines read the corpus's PDFs in worker processes (one reader per process, built
before the clock starts) with 1 and 2 workers by default, their runs taken in turn so both meet
the same load; speeds are medians over `--repeat` runs, and cell-text accuracy is scored
against the corpus's truth. `--soak N` also runs one jixiao worker over N pages and reports
how its memory grew.
Exit codes: 0 measured, 1 a worker or a document failed, 2 bad arguments or no corpus.
"""

import argparse
import os
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ingest.bench.readers import Pipeline
    from ingest.bench.runner import PhaseRun
    from ingest.pipeline import ReadOptions

EXIT_FAILED = 1
EXIT_USAGE = 2
WIDTH = 120  # the tables' natural width; narrower consoles (pipes, CI logs) would cut them


def _worker_counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("--workers takes counts like 1,2")
    return counts


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "--corpus", type=Path, required=True, help="folder of <doc_id>.pdf + .truth.json"
    )
    parser.add_argument("--limit", type=_positive, default=None, help="use at most N documents")
    parser.add_argument(
        "--repeat", type=_positive, default=3, help="runs per configuration (default 3)"
    )
    parser.add_argument(
        "--peer-repeat",
        type=_positive,
        default=1,
        help="runs per configuration for the peer, which is slow (default 1)",
    )
    parser.add_argument(
        "--workers", type=_worker_counts, default=[1, 2], help="worker processes (default 1,2)"
    )
    parser.add_argument("--json", type=Path, default=None, help="write every number here")
    parser.add_argument("--no-peer", action="store_true", help="measure jixiao only")
    parser.add_argument(
        "--soak",
        type=_positive,
        default=None,
        metavar="N",
        help="also read N pages in one worker (cycling the corpus) and report memory growth",
    )


def _interleaved(
    pipelines: list["Pipeline"],
    workers: int,
    repeats: dict[str, int],
    pdfs: list[Path],
    options: "ReadOptions",
    log: "Console",
) -> dict[str, list["PhaseRun"]]:
    """Runs of the pipelines taken in turn, each pool kept warm, so that both see the same
    load on a shared machine and their ratio is not skewed by when each one ran."""
    from ingest.bench.runner import WorkerPool

    runs: dict[str, list[PhaseRun]] = {p: [] for p in pipelines}
    with ExitStack() as stack:
        pools = {p: stack.enter_context(WorkerPool(p, workers, options)) for p in pipelines}
        for k in range(max(repeats[p] for p in pipelines)):
            for pipeline, pool in pools.items():
                if k < repeats[pipeline]:
                    runs[pipeline].append(pool.run(pdfs))
                    last = runs[pipeline][-1]
                    log.print(
                        f"{pipeline} ×{workers} run {k + 1}/{repeats[pipeline]}: "
                        f"{60 * last.pages / last.wall_seconds:.1f} pages/min, load "
                        f"{os.getloadavg()[0]:.1f}"
                    )
    return runs


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ingest.bench.report import (
        BenchReport,
        accuracy,
        figures,
        print_report,
        ratios,
        soak_figures,
    )
    from ingest.bench.runner import WorkerFailed, soak, threads_per_worker
    from ingest.evaluation.corpus import load_truths
    from jixiao.options import read_options
    from jixiao.settings import get_settings

    console = Console()
    console = console if console.width >= WIDTH else Console(width=WIDTH)
    errors = Console(stderr=True)
    if not args.corpus.is_dir():
        errors.print(f"no corpus folder: {args.corpus}", markup=False)
        return EXIT_USAGE
    try:
        truths = load_truths(args.corpus, "all", args.limit)
    except ValueError as exc:
        errors.print(f"unreadable ground truth in {args.corpus}:\n{exc}", markup=False)
        return EXIT_USAGE
    truths = [t for t in truths if (args.corpus / f"{t.doc_id}.pdf").is_file()]
    if not truths:
        errors.print(f"no <doc_id>.pdf with a .truth.json in {args.corpus}", markup=False)
        return EXIT_USAGE
    pdfs = [args.corpus / f"{t.doc_id}.pdf" for t in truths]
    options = read_options(get_settings())

    load_before = os.getloadavg()
    pipelines: list[Pipeline] = ["jixiao"] if args.no_peer else ["jixiao", "peer"]
    repeats = {"jixiao": args.repeat, "peer": args.peer_repeat}
    all_figures = []
    scores = {}
    soak_run = None
    try:
        for workers in args.workers:
            runs = _interleaved(pipelines, workers, repeats, pdfs, options, errors)
            for pipeline in pipelines:
                all_figures.append(figures(runs[pipeline], threads_per_worker(workers)))
                scores.setdefault(pipeline, accuracy(runs[pipeline][0], truths))
        if args.soak:
            soak_run = soak(pdfs, args.soak, options)
    except WorkerFailed as exc:
        errors.print(f"benchmark stopped: {exc}", markup=False)
        return EXIT_FAILED

    report = BenchReport(
        corpus=str(args.corpus),
        documents=len(truths),
        pages=sum(len(t.pages) for t in truths),
        dpi=options.limits.raster_dpi,
        cores=len(os.sched_getaffinity(0)),
        load_before=load_before,
        load_after=os.getloadavg(),
        figures=all_figures,
        accuracy=scores,
        ratios=ratios(all_figures),
        soak=soak_figures(soak_run) if soak_run else None,
    )
    print_report(report, console)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(report.model_dump_json(indent=1), encoding="utf-8")
    failed = any(f.errors for f in all_figures) or (soak_run is not None and soak_run.errors)
    return EXIT_FAILED if failed else 0
