"""Scoring documents of the 项目支出 form: each truth by its own form's template, indicator rows
aligned with their half, and figures per form when a corpus holds both forms."""

import json
from pathlib import Path

import pytest

from ingest.evaluation.metrics import score_document
from ingest.evaluation.results import PipelineResult, load_result, save_result
from ingest.forms import form_by_id
from ingest.synth.corpus import make_document
from ingest.synth.registry import synth_form
from jixiao.cli import main
from models.contract import value_paths
from models.project import ProjectTargets
from models.truth import GroundTruth
from tests.evaluation.cases import predicted, seed_document, truth

FORM = form_by_id("project_expenditure")


@pytest.fixture(scope="module")
def truths() -> list[GroundTruth]:
    form = synth_form("project_expenditure")
    return [make_document(61, k, "clean", "test", False, form=form).truth for k in range(4)]


def _score(gt: GroundTruth, pred: ProjectTargets):
    return score_document(gt, PipelineResult(document=pred), FORM.template, form=FORM.id)


def _short(doc: ProjectTargets) -> int:
    return sum(not doc.is_long_text(p) for p, _ in value_paths(doc))


def test_the_truth_read_back_scores_perfectly(truths: list[GroundTruth]) -> None:
    for gt in truths:
        score = _score(gt, gt.document)
        c = score.counts
        assert score.form == "project_expenditure"
        assert c.short_fields == _short(gt.document) and c.short_accuracy == 1.0
        assert c.residual_error == 0.0 and c.char_accuracy == 1.0
        assert (c.missing_rows, c.extra_rows, c.extra_fields) == (0, 0, 0)


def test_a_lost_annual_indicator_costs_exactly_its_row(truths: list[GroundTruth]) -> None:
    gt = truths[0]
    items = gt.document.indicators
    lost = next(i for i, item in enumerate(items) if item.scope == "annual")
    pred = gt.document.model_copy(update={"indicators": items[:lost] + items[lost + 1 :]})
    c = _score(gt, pred).counts
    assert c.missing_rows == 1 and c.extra_rows == 0
    assert c.short_fields - c.short_correct == 5  # scope, level1, level2, name, value


def test_an_item_read_into_the_other_half_is_one_wrong_field(truths: list[GroundTruth]) -> None:
    gt = truths[1]
    items = list(gt.document.indicators)
    items[0] = items[0].model_copy(update={"scope": "annual"})
    c = _score(gt, gt.document.model_copy(update={"indicators": items})).counts
    assert c.short_fields - c.short_correct == 1 and c.missing_rows == 0


def test_stored_results_come_back_in_their_own_contract(
    truths: list[GroundTruth], tmp_path: Path
) -> None:
    save_result(tmp_path, "p", PipelineResult(document=truths[0].document))
    stored = load_result(tmp_path, "p")
    assert stored is not None and stored.document == truths[0].document


def test_eval_of_a_mixed_corpus_reports_each_form(
    truths: list[GroundTruth], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, results = tmp_path / "corpus", tmp_path / "results"
    corpus.mkdir()
    first = truth(seed_document(), doc_id="d0")
    cases = [(first, predicted(seed_document()))] + [(gt, gt.document) for gt in truths[:2]]
    for gt, pred in cases:
        (corpus / f"{gt.doc_id}.truth.json").write_text(gt.model_dump_json(by_alias=True))
        save_result(results, gt.doc_id, PipelineResult(document=pred))
    out = tmp_path / "report.json"
    args = ["eval", "--corpus", str(corpus), "--results", str(results), "--json", str(out)]
    assert main(args) == 0
    assert "project_expenditure" in capsys.readouterr().out
    report = json.loads(out.read_text())
    forms = {g["name"]: g for g in report["forms"]}
    assert forms["department_overall"]["documents"] == 1
    assert forms["project_expenditure"]["documents"] == 2
    assert forms["project_expenditure"]["counts"]["short_accuracy"] == 1.0
    assert forms["project_expenditure/clean"]["counts"]["residual_error"] == 0.0
    assert {d["form"] for d in report["documents"]} == {"department_overall", "project_expenditure"}
