"""Measure the OCR engines against each other on the same scan-like 200 DPI form pages.

    python -m tests.ingest.ocr.compare_engines [--engines rapidocr paddleocr] [--pages 2]

Each engine runs in a process of its own, so the peak RSS reported is that engine's alone.
Per engine: model load time; seconds per page, wall and CPU, median over `--repeat` calls, for
one full-page `detect_and_read` and for `read_cells` (how the pipeline reads a page's cells);
peak RSS; cells read exactly and character accuracy against the rendered truth. Then how
many cells the engines read alike.
"""

import argparse
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from ingest.evaluation.compare import edit_distance
from ingest.ocr import create_engine
from ingest.ocr.assign import read_cells
from jixiao.options import ocr_options
from jixiao.settings import Settings
from tests.ingest.ocr.compare_strategies import form_page
from tests.ingest.ocr.render import RenderedPage, degrade


def scan_pages(n: int) -> list[RenderedPage]:
    return [degrade(form_page(seed), seed) for seed in range(n)]


def _timed(call) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def measure(engine_name: str, pages: int, repeat: int) -> dict:
    """One engine, in this process: what `main` runs in a child per engine."""
    rendered = scan_pages(pages)
    with tempfile.TemporaryDirectory() as data_dir:
        load_s, _, engine = _timed(
            lambda: create_engine(ocr_options(Settings(ocr_engine=engine_name, data_dir=data_dir)))
        )
        engine.detect_and_read(rendered[0].page.gray)  # first inference allocates; not timed
        detect, cells, texts = [], [], []
        for k, page in enumerate(rendered):
            for _ in range(repeat):
                wall, cpu, _ = _timed(lambda p=page: engine.detect_and_read(p.page.gray))
                detect.append((wall, cpu))
            wall, cpu, table = _timed(lambda p=page: read_cells(p.page, p.grid, engine))
            cells.append((wall, cpu))
            texts += [[k, c.cell.row, c.cell.col, c.text] for c in table.cells]
    truth = [rendered[k].expected.get((r, c), "") for k, r, c, _ in texts]
    read = [t[3] for t in texts]
    return {
        "engine": engine_name,
        "models": engine.info.models,
        "load_s": load_s,
        "detect_s": [statistics.median(x) for x in zip(*detect, strict=True)],
        "read_cells_s": [statistics.median(x) for x in zip(*cells, strict=True)],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "exact": sum(a == b for a, b in zip(truth, read, strict=True)),
        "char_accuracy": _char_accuracy(truth, read),
        "cells": texts,
    }


def _char_accuracy(truth: list[str], read: list[str]) -> float:
    errors = sum(edit_distance(a, b) for a, b in zip(truth, read, strict=True))
    return 1 - errors / max(sum(len(t) for t in truth), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", nargs="+", default=["rapidocr", "paddleocr"])
    parser.add_argument("--pages", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.pages, args.repeat), ensure_ascii=False))
        return

    print(f"load average {os.getloadavg()[0]:.1f} on {len(os.sched_getaffinity(0))} cores")
    results = []
    for name in args.engines:
        command = [sys.executable, "-m", __spec__.name, "--child", name]
        command += ["--pages", str(args.pages), "--repeat", str(args.repeat)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    for r in results:
        total = len(r["cells"])
        print(
            f"{r['engine']:10} load {r['load_s']:5.1f} s | page {r['detect_s'][0]:5.2f} s "
            f"(cpu {r['detect_s'][1]:5.2f}) | read_cells {r['read_cells_s'][0]:5.2f} s "
            f"(cpu {r['read_cells_s'][1]:5.2f}) | peak RSS {r['peak_rss_mb']:6.0f} MB | "
            f"exact cells {r['exact']}/{total}, char acc {r['char_accuracy']:.4f} | {r['models']}"
        )
    for a, b in itertools.pairwise(results):
        same = sum(x[3] == y[3] for x, y in zip(a["cells"], b["cells"], strict=True))
        print(f"{a['engine']} and {b['engine']} read {same}/{len(a['cells'])} cells alike")
        for x, y in zip(a["cells"], b["cells"], strict=True):
            if x[3] != y[3]:
                print(f"    page {x[0]} cell {tuple(x[1:3])}: {x[3]!r} / {y[3]!r}")


if __name__ == "__main__":
    main()
