"""`jixiao bench` end to end on one clean synthetic document, and its usage errors."""

from pathlib import Path

import pytest

from ingest.bench.report import BenchReport
from jixiao.cli import main
from models.truth import GroundTruth


def test_missing_corpus_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["bench", "--corpus", str(tmp_path / "none")]) == 2
    assert main(["bench", "--corpus", str(tmp_path)]) == 2  # no documents


@pytest.mark.parametrize("workers", ["0", "1,x", ""])
def test_bad_worker_counts_are_refused(tmp_path: Path, workers: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["bench", "--corpus", str(tmp_path), "--workers", workers])
    assert exit_.value.code == 2


@pytest.mark.slow
def test_bench_measures_both_pipelines_and_memory(
    corpus: tuple[Path, GroundTruth], tmp_path: Path
) -> None:
    folder, truth = corpus
    out = tmp_path / "bench.json"
    argv = ["bench", "--corpus", str(folder), "--repeat", "1", "--workers", "1"]
    assert main([*argv, "--soak", "3", "--json", str(out)]) == 0

    report = BenchReport.model_validate_json(out.read_text(encoding="utf-8"))
    pages = len(truth.pages)
    assert (report.documents, report.pages) == (1, pages)
    jixiao, peer = report.figures
    assert (jixiao.pipeline, jixiao.repeats, peer.pipeline, peer.repeats) == (
        "jixiao",
        1,
        "peer",
        1,
    )
    assert jixiao.pages == peer.pages == pages
    assert len(jixiao.pages_per_minute_runs) == 1
    assert min(jixiao.pages_per_minute_runs) <= jixiao.pages_per_minute
    assert jixiao.pages_per_minute <= max(jixiao.pages_per_minute_runs)
    for stage in ("rasterize", "preprocess", "grid", "ocr", "mapping", "checks"):
        assert jixiao.stage_seconds_per_page[stage] > 0
    assert 0 < jixiao.ocr_model_share <= 1
    assert len(jixiao.peak_rss_mb_per_worker) == 1 and jixiao.peak_rss_mb_per_worker[0] > 50

    (ratio,) = report.ratios
    assert ratio.speedup == pytest.approx(jixiao.pages_per_minute / peer.pages_per_minute)
    non_empty = sum(bool(c.text.strip()) for p in truth.pages for c in p.cells)
    assert report.accuracy["jixiao"].truth_cells == report.accuracy["peer"].truth_cells == non_empty

    assert report.soak is not None and report.soak.pages == len(report.soak.rss_mb) == 3
    assert report.soak.growth_mb == pytest.approx(report.soak.rss_mb[-1] - report.soak.rss_mb[2])
