import json

import numpy as np

import ingest.pipeline
import jixiao.commands.calibrate as calibrate
from ingest.artifacts import MappedDocument
from ingest.calibration import FEATURES, CalibrationModel, load_model
from ingest.confidence import judge_fields
from ingest.evaluation.calibration import reliability
from ingest.evaluation.fitting import (
    Sample,
    field_correctness,
    fit_logistic,
    fit_model,
    samples_for,
    save_model,
    select_thresholds,
)
from ingest.forms import default_form
from ingest.pipeline import ReadResult, assemble
from ingest.review import with_values
from ingest.template import default_template
from ingest.validate import run_checks
from jixiao.cli import main
from models.contract import EngineInfo
from models.truth import GroundTruth
from tests.ingest.losses import HEAD, INDICATOR_ROWS, TASKS, indicators, oracle_source, tables
from tests.ingest.oracle import Span
from tests.ingest.trust_docs import IDENTITY, mapped, seed_document, with_records

TEMPLATE = default_template()
OCR = FEATURES.index("log_ocr_confidence")
SHIPPED = default_form().calibration("rapidocr")


def synthetic_samples(n: int, seed: int) -> list[Sample]:
    """Fields whose chance of being right follows a known curve of the OCR confidence."""
    rng = np.random.default_rng(seed)
    ocr = rng.beta(12, 1, size=n)
    p_true = 1 / (1 + np.exp(-(4.0 + 20.0 * np.log(ocr))))
    right = rng.random(n) < p_true
    samples = []
    for conf, ok in zip(ocr, right, strict=True):
        features = [0.0] * len(FEATURES)
        features[OCR] = float(np.log(conf))
        features[FEATURES.index("structure_confidence")] = 1.0
        features[FEATURES.index("label_score")] = 1.0
        samples.append(Sample(kind="amount", features=tuple(features), correct=bool(ok)))
    return samples


def ece(model: CalibrationModel, samples: list[Sample]) -> float:
    p = model.probability(np.array([s.features for s in samples]))
    return reliability(zip(p.tolist(), [s.correct for s in samples], strict=True)).ece


def test_fitted_model_is_calibrated_on_held_out_samples_where_raw_confidence_is_not():
    model = fit_model(
        synthetic_samples(20000, 1), documents=200, target=0.005, margin=0.5, base=SHIPPED
    )
    held_out = synthetic_samples(20000, 2)
    assert model.method == "logistic"
    assert ece(model, held_out) < 0.03
    assert ece(IDENTITY, held_out) > 0.05  # raw OCR confidence is overconfident
    assert model.fit is not None and model.fit.fields == 20000
    assert model.fit.residual_error <= 0.005 * 0.5


def test_logistic_fit_recovers_the_direction_of_the_evidence():
    samples = synthetic_samples(3000, 3)
    w = fit_logistic(
        np.array([s.features for s in samples]), np.array([s.correct for s in samples])
    )
    assert w[1 + OCR] > 5  # more confident reading, more often right


def test_fit_stays_finite_when_every_field_is_right():
    rows = np.zeros((50, len(FEATURES)))
    w = fit_logistic(rows, np.ones(50, dtype=bool))
    assert np.all(np.isfinite(w))


def _threshold_case(anyway_at: float | None = None) -> dict[str, float]:
    wrong = [0.2, 0.4, 0.6, 0.95, 0.97]
    p = np.array([0.99] * 995 + wrong + [0.5] * 10)
    correct = np.array([True] * 995 + [False] * 5 + [False] * 10)
    kinds = np.array(["amount"] * 1000 + ["count"] * 10)
    anyway = np.zeros(1010, dtype=bool)
    anyway[1000:] = True  # every count is flagged by a check anyway
    if anyway_at is not None:
        anyway[995 + wrong.index(anyway_at)] = True
    return select_thresholds(p, correct, kinds, anyway, target=0.002)


def test_threshold_flags_as_little_as_the_target_allows():
    thresholds = _threshold_case()
    # 1000 amounts at 0.2 % may leave 2 errors: 0.97 and 0.95 pass, 0.6 and below are flagged.
    assert 0.6 < thresholds["amount"] <= 0.95
    assert thresholds["count"] == 0.0  # its errors are all flagged already


def test_fields_flagged_anyway_do_not_push_the_threshold_up():
    assert 0.4 < _threshold_case(anyway_at=0.95)["amount"] <= 0.6


def test_fit_keeps_what_it_does_not_learn_from_the_base():
    base = default_form().calibration("rapidocr")
    model = fit_model(synthetic_samples(500, 4), documents=5, target=0.005, margin=0.5, base=base)
    assert model.thresholds["long_text"] == base.thresholds["long_text"]
    doubts = ("structure_doubt", "seal_doubt", "reading_doubt")
    assert [getattr(model, d) for d in doubts] == [getattr(base, d) for d in doubts]
    assert model.default_threshold >= model.thresholds["amount"]


def test_model_file_round_trip(tmp_path):
    model = fit_model(
        synthetic_samples(500, 5), documents=5, target=0.005, margin=0.5, base=SHIPPED
    )
    save_model(model, tmp_path / "m.json")
    assert load_model(tmp_path / "m.json") == model


def test_field_correctness_aligns_rows_and_compares_amounts_as_numbers():
    truth = seed_document()
    pred = with_values(truth, {"budget.basic_expenditure": "397.720", "tasks[1].amount": "14.70"})
    indicators = [*pred.indicators[:4], *pred.indicators[5:]]  # one row not read
    correct = field_correctness(truth, pred.model_copy(update={"indicators": indicators}), TEMPLATE)
    assert correct["budget.basic_expenditure"] is True
    assert correct["tasks[1].amount"] is False
    assert correct["indicators[4].name"] is True  # the row after the gap matches its truth
    assert correct["overall_goal"] is True and correct["tasks[0].content"] is True
    assert sum(not ok for ok in correct.values()) == 1


def test_a_paragraph_is_right_within_the_tolerance_paragraph_residual_allows():
    truth = seed_document()
    goal = truth.overall_goal
    assert goal is not None and len(goal) > 50
    one_slip = goal[:10] + "誤" + goal[11:]
    garbled = "交料农室作工理八" + goal[8:]
    pred = with_values(truth, {"overall_goal": one_slip, "tasks[0].content": garbled})
    correct = field_correctness(truth, pred, TEMPLATE)
    assert correct["overall_goal"] is True
    assert correct["tasks[0].content"] is False


def _paragraphs(n: int, seed: int) -> list[Sample]:
    """Paragraphs whose weakest character is weaker where they are wrong."""
    rng = np.random.default_rng(seed)
    samples = []
    for k in range(n):
        wrong = k % 10 == 0
        features = [0.0] * len(FEATURES)
        features[OCR] = float(np.log(rng.uniform(0.2, 0.5) if wrong else rng.uniform(0.6, 1.0)))
        features[FEATURES.index("structure_confidence")] = 1.0
        features[FEATURES.index("label_score")] = 1.0
        samples.append(Sample(kind="long_text", features=tuple(features), correct=not wrong))
    return samples


def test_paragraphs_get_a_threshold_of_their_own_and_leave_the_weights_alone():
    short = synthetic_samples(3000, 6)
    paragraphs = _paragraphs(300, 7)  # at 0.25 %, no wrong paragraph may pass
    alone = fit_model(short, documents=20, target=0.005, margin=0.5, base=SHIPPED)
    both = fit_model(short + paragraphs, documents=20, target=0.005, margin=0.5, base=SHIPPED)
    assert both.weights == alone.weights
    assert both.default_threshold == alone.default_threshold
    p = both.probability(np.array([s.features for s in paragraphs]))
    wrong = np.array([not s.correct for s in paragraphs])
    # every wrong paragraph is under the threshold, as few right ones as can be
    assert p[wrong].max() < both.thresholds["long_text"] <= p[~wrong].min()
    assert both.fit is not None and both.fit.fields == len(short)
    assert (both.fit.paragraphs, both.fit.paragraphs_wrong) == (300, 30)
    assert both.fit.paragraphs_flagged == 30


def test_samples_mark_fields_that_checks_flag_anyway():
    truth = seed_document()
    doc = with_records(seed_document(budget__basic_expenditure="391.72"))
    samples = samples_for(mapped(doc), truth, TEMPLATE, default_form().calibration("rapidocr"))
    wrong = [s for s in samples if not s.correct]
    assert len(wrong) == 1 and wrong[0].flagged_anyway and wrong[0].kind == "amount"


def _write_corpus(tmp_path, n_docs: int):
    """Calibration documents with misread values at lower OCR confidence, as stored results."""
    corpus, results = tmp_path / "corpus", tmp_path / "results"
    corpus.mkdir()
    results.mkdir()
    rng = np.random.default_rng(7)
    truth_doc = seed_document()
    for k in range(n_docs):
        doc_id = f"doc{k:02d}"
        truth = GroundTruth(
            doc_id=doc_id, level="scan", split="calibration", seed=k, document=truth_doc, pages=[]
        )
        (corpus / f"{doc_id}.truth.json").write_text(truth.model_dump_json(by_alias=True))
        changes, confidence = {}, {}
        for i in rng.choice(len(truth_doc.indicators), size=3, replace=False):
            changes[f"indicators[{i}].value"] = "误读"
            confidence[f"indicators[{i}].value"] = float(rng.uniform(0.3, 0.8))
        for i, _ in enumerate(truth_doc.indicators):
            confidence.setdefault(f"indicators[{i}].name", float(rng.uniform(0.85, 1.0)))
        pred = with_records(with_values(truth_doc, changes), confidence=confidence)
        (results / f"{doc_id}.mapped.json").write_text(mapped(pred).model_dump_json())
    test = GroundTruth(
        doc_id="zz", level="scan", split="test", seed=0, document=truth_doc, pages=[]
    )
    (corpus / "zz.truth.json").write_text(test.model_dump_json(by_alias=True))
    return corpus, results


def test_calibrate_command_fits_on_the_calibration_split_only(tmp_path, capsys):
    corpus, results = _write_corpus(tmp_path, 6)
    out = tmp_path / "model.json"
    assert (
        main(["calibrate", "--corpus", str(corpus), "--results", str(results), "--out", str(out)])
        == 0
    )
    model = load_model(out)
    assert model.method == "logistic" and model.fit is not None
    assert model.fit.documents == 6  # the test document is never read
    assert model.fit.wrong == 18
    assert model.fit.residual_error <= 0.005
    printed = capsys.readouterr().out
    assert "6 documents" in printed and str(out) in printed and " paragraphs, " in printed
    assert json.loads(out.read_text())["fit"]["fields"] == model.fit.fields


def test_calibrate_command_without_calibration_documents(tmp_path):
    (tmp_path / "corpus").mkdir()
    code = main(
        [
            "calibrate",
            "--corpus",
            str(tmp_path / "corpus"),
            "--results",
            str(tmp_path),
            "--out",
            str(tmp_path / "m.json"),
        ]
    )
    assert code == 2 and not (tmp_path / "m.json").exists()


def test_shipped_model_was_fitted_and_says_on_what():
    model = default_form().calibration("rapidocr")
    assert model.method == "logistic" and len(model.weights) == len(model.features) + 1
    assert model.fit is not None and model.fit.documents >= 10 and model.fit.ece <= 0.05
    assert model.fit.residual_error <= model.fit.target
    for kind in ("amount", "percent", "text", "indicator_value"):
        assert 0.0 <= model.threshold(kind) <= 1.0


def test_calibration_learns_from_the_mapped_form_the_flags_were_decided_on(tmp_path, monkeypatch):
    """A shifted column flags every indicator for structure whatever its reading: the document
    kept for the fit must carry that doubt (and the document flags), or every wrong value of
    the shift would count as missed by the threshold and push it up."""
    block = indicators(INDICATOR_ROWS)
    block[0] = ["绩效指标", "一级指标", "二级指标", Span("指标值(包含数字及文字描述)", 2)]
    pages = tables(HEAD + TASKS + block)
    judged = assemble(pages, oracle_source(len(pages)), EngineInfo(engine="test"), "test")

    def read(path, options, *, engine=None) -> ReadResult:
        return ReadResult(judged.document, [], pages, judged.table, judged.mapped, {})

    monkeypatch.setattr(ingest.pipeline, "read_document", read)
    kept = calibrate._read(tmp_path / "doc.pdf", tmp_path, "doc", None, None, TEMPLATE)
    assert kept is not None and kept.document.document_flags
    assert kept.document.document_flags == judged.document.document_flags
    doubted = {f.path for f in judged.document.fields if "structure" in f.reasons}
    reasons = {
        j.path: j.reasons
        for j in judge_fields(kept, run_checks(kept.document, TEMPLATE), TEMPLATE, SHIPPED)
    }
    assert doubted and all("structure" in reasons[p] for p in doubted)
    stored = (tmp_path / "doc.mapped.json").read_text()
    assert MappedDocument.model_validate_json(stored) == kept
