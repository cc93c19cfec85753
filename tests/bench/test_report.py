"""Medians over repeats, per-page stage seconds, model share, peaks per worker and ratios."""

import statistics

import pytest

from ingest.bench.readers import DETECT_AND_READ, READ_LINES, DocRead
from ingest.bench.report import figures, ratios, soak_figures
from ingest.bench.runner import PhaseRun, SoakRun


def _run(pipeline: str, wall: float, ocr: float, pids: tuple[int, ...] = (1,)) -> PhaseRun:
    docs = [
        DocRead(
            doc_id=f"d{i}",
            pipeline=pipeline,
            pid=pid,
            pages=2,
            seconds=2 * ocr + 1.0,
            stages={"grid": 0.5, "ocr": 2 * ocr, DETECT_AND_READ: ocr, READ_LINES: ocr / 2},
            peak_rss_mb=100.0 + 10 * pid + wall,
        )
        for i, pid in enumerate(pids)
    ]
    return PhaseRun(pipeline=pipeline, workers=len(set(pids)), wall_seconds=wall, documents=docs)


def test_speeds_are_medians_over_runs() -> None:
    runs = [_run("jixiao", wall, ocr) for wall, ocr in ((10.0, 1.0), (30.0, 3.0), (20.0, 2.0))]
    f = figures(runs, threads=2)
    assert f.pages_per_minute_runs == [60 * 2 / w for w in (10.0, 30.0, 20.0)]
    assert f.pages_per_minute == statistics.median(f.pages_per_minute_runs) == 60 * 2 / 20.0
    assert f.stage_seconds_per_page["ocr"] == pytest.approx(2 * 2.0 / 2)
    assert f.stage_seconds_per_page["grid"] == pytest.approx(0.5 / 2)
    assert f.ocr_model_share == pytest.approx(1.5 * 2.0 / (2 * 2.0 + 1.0))
    assert f.peak_rss_mb_per_worker == [100.0 + 10 + 30.0]


def test_each_worker_has_its_own_peak_and_errors_are_kept() -> None:
    run = _run("peer", 10.0, 1.0, pids=(7, 8, 7))
    failed = run.documents[1].model_copy(update={"error": "OSError: boom"})
    run = run.model_copy(update={"documents": [run.documents[0], failed, run.documents[2]]})
    f = figures([run], threads=1)
    assert f.peak_rss_mb_per_worker == [100.0 + 70 + 10.0, 100.0 + 80 + 10.0]
    assert f.errors == ["d1: OSError: boom"]


def test_ratios_pair_worker_counts_both_pipelines_ran() -> None:
    jixiao = [
        figures([_run("jixiao", w, 1.0, pids)], 1) for w, pids in ((6.0, (1,)), (4.0, (1, 2)))
    ]
    peer = figures([_run("peer", 60.0, 1.0)], 1)
    (ratio,) = ratios([*jixiao, peer])
    assert ratio.workers == 1
    assert ratio.speedup == pytest.approx(jixiao[0].pages_per_minute / peer.pages_per_minute)


def test_soak_growth_is_measured_from_page_20() -> None:
    series = [200.0 + 0.1 * k for k in range(100)]
    soak = soak_figures(SoakRun(pages=100, rss_mb=series))
    assert soak.rss_mb_at_baseline == series[19]
    assert soak.growth_mb == pytest.approx(series[-1] - series[19])
