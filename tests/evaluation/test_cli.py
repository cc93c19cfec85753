import json
from pathlib import Path

import pytest

from ingest.evaluation.results import PipelineResult, Timings, save_result
from jixiao.cli import main
from models.contract import is_long_text, value_paths
from tests.evaluation.cases import grid, predicted, seed_document, truth


def _corpus(tmp_path: Path) -> tuple[Path, Path, int]:
    corpus, results = tmp_path / "corpus", tmp_path / "results"
    corpus.mkdir()
    doc = seed_document()
    wrong = doc.model_copy(update={"budget": doc.budget.model_copy(update={"other_funds": "1.00"})})
    cases = [
        ("a", "scan", predicted(doc), [grid(page=0), grid(page=1)]),
        ("b", "heavy", predicted(wrong), None),
    ]
    for doc_id, level, pred, grids in cases:
        gt = truth(doc, doc_id=doc_id, level=level)
        (corpus / f"{doc_id}.truth.json").write_text(gt.model_dump_json(by_alias=True))
        timings = Timings(seconds={"ocr": 4.0, "grid": 2.0}, pages=2)
        save_result(results, doc_id, PipelineResult(document=pred, grids=grids, timings=timings))
    n = sum(not is_long_text(p) for p, _ in value_paths(doc))
    return corpus, results, n


def test_eval_rescores_stored_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus, results, n = _corpus(tmp_path)
    out = tmp_path / "report.json"
    code = main(["eval", "--corpus", str(corpus), "--results", str(results), "--json", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "total" in printed and "heavy" in printed and "Reliability" in printed
    report = json.loads(out.read_text())
    total = report["total"]["counts"]
    assert report["total"]["documents"] == 2
    assert total["short_fields"] == 2 * n and total["unflagged_errors"] == 1
    assert total["residual_error"] == pytest.approx(1 / (2 * n))
    assert total["structure"]["f1"] == 1.0  # only the document with grids is scored
    assert total["seconds_per_page"] == pytest.approx(3.0)
    assert report["total"]["median_seconds_per_page"] == pytest.approx(3.0)
    assert len(total["reliability"]["curve"]) == 10
    assert [lv["name"] for lv in report["levels"]] == ["scan", "heavy"]
    assert report["levels"][0]["counts"]["short_accuracy"] == 1.0


def test_eval_split_and_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus, results, _ = _corpus(tmp_path)
    out = tmp_path / "report.json"
    args = ["eval", "--corpus", str(corpus), "--results", str(results), "--json", str(out)]
    assert main([*args, "--limit", "1"]) == 0
    assert [d["doc_id"] for d in json.loads(out.read_text())["documents"]] == ["a"]
    assert main([*args, "--split", "calibration"]) == 2  # the corpus has only test documents


def test_eval_bad_arguments(tmp_path: Path) -> None:
    assert main(["eval", "--corpus", str(tmp_path / "nowhere")]) == 2
    corpus, results, _ = _corpus(tmp_path)
    assert main(["eval", "--corpus", str(corpus), "--results", str(results), "--limit", "0"]) == 2
