import json
from pathlib import Path

import pytest

from ingest.evaluation.results import PipelineResult, Timings, save_result
from jixiao.cli import main
from models.contract import value_paths
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
    n = sum(not doc.is_long_text(p) for p, _ in value_paths(doc))
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


class _FakeEngine:
    """Stands in for the OCR engine; only its identity is checked."""


def test_in_process_run_uses_one_engine_and_stores_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest.artifacts import PageTable
    from ingest.pipeline import ReadResult

    corpus, _, _ = _corpus(tmp_path)
    engines: list[_FakeEngine] = []
    seen: list[tuple[str, object]] = []

    def create_engine(options: object) -> _FakeEngine:
        engines.append(_FakeEngine())
        return engines[-1]

    def read_document(path: Path, options: object, *, engine: object) -> ReadResult:
        seen.append((path.name, engine))
        if path.stem == "b":
            raise RuntimeError("grid not found")
        tables = [PageTable(page=k, width=800, height=1100, grid=grid(page=k)) for k in (0, 1)]
        return ReadResult(predicted(seed_document()), [], tables, None, None, {"ocr": 2.0})

    monkeypatch.setattr("ingest.ocr.create_engine", create_engine)
    monkeypatch.setattr("ingest.pipeline.read_document", read_document)
    results, out = tmp_path / "fresh", tmp_path / "report.json"
    args = ["eval", "--corpus", str(corpus), "--results", str(results), "--json", str(out)]
    assert main(args) == 1  # document b failed to read
    assert len(engines) == 1 and [name for name, _ in seen] == ["a.pdf", "b.pdf"]
    assert all(engine is engines[0] for _, engine in seen)
    assert sorted(p.name for p in results.iterdir()) == ["a.grids.json", "a.json", "a.timings.json"]
    report = json.loads(out.read_text())
    failed = [d for d in report["documents"] if d["error"]]
    assert [d["doc_id"] for d in failed] == ["b"] and "grid not found" in failed[0]["error"]
    assert report["documents"][0]["counts"]["structure"]["f1"] == 1.0
    assert report["documents"][0]["counts"]["seconds_per_page"] == pytest.approx(1.0)

    seen.clear()
    assert main(args) == 1  # a is re-scored from disk; only b is read again
    assert [name for name, _ in seen] == ["b.pdf"]
