"""Fitting the field-confidence model (`ingest.calibration`) on the corpus's calibration split:
every field of a calibration document, its evidence features and whether the reading was
right, judged as `jixiao eval` judges it; then a logistic regression on the short fields and,
per value kind, paragraphs included, the lowest threshold that keeps unflagged wrong fields
under the residual-error target, so as few fields as possible go to a reviewer."""

import json
import math
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from ingest.artifacts import MappedDocument
from ingest.calibration import (
    CalibrationModel,
    FitSummary,
    sigmoid,
    with_intercept,
)
from ingest.confidence import judge_fields
from ingest.evaluation.calibration import reliability
from ingest.evaluation.compare import (
    normalize_text,
    paragraph_wrong,
    values_equal,
)
from ingest.evaluation.metrics import match_rows
from ingest.template import Template
from ingest.validate import field_kinds, run_checks
from models.contract import FormDocument, value_paths


class Sample(BaseModel):
    """One field of a calibration document: its evidence, whether it was right, and whether
    something other than its confidence already flags it."""

    model_config = ConfigDict(frozen=True)

    kind: str
    features: tuple[float, ...]
    correct: bool
    flagged_anyway: bool = False


def fit_logistic(rows: np.ndarray, correct: np.ndarray, l2: float = 1.0) -> np.ndarray:
    """Ridge-penalised logistic regression by Newton steps; intercept first, not penalised.

    The penalty keeps weights finite when the data are separable (every field right)."""
    x = with_intercept(np.asarray(rows, dtype=float))
    y = np.asarray(correct, dtype=float)
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 1e-6
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = sigmoid(x @ w)
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-9:
            break
    return w


def select_thresholds(
    probability: np.ndarray,
    correct: np.ndarray,
    kinds: np.ndarray,
    flagged_anyway: np.ndarray,
    target: float,
) -> dict[str, float]:
    """Per kind, the lowest threshold leaving at most `target` of its fields wrong and
    unflagged; fields flagged anyway cost nothing and count for nothing."""
    thresholds = {}
    for kind in sorted(set(kinds.tolist())):
        mask = kinds == kind
        allowed = math.floor(target * int(mask.sum()) + 1e-9)
        missed = np.sort(probability[mask & ~correct & ~flagged_anyway])[::-1]
        if len(missed) <= allowed:
            thresholds[kind] = 0.0
        else:
            thresholds[kind] = float(np.nextafter(missed[allowed], 1.0))
    return thresholds


def fit_model(
    samples: list[Sample],
    documents: int,
    target: float,
    margin: float,
    base: CalibrationModel,
) -> CalibrationModel:
    """Fit the probability model and per-kind thresholds on calibration samples.

    Thresholds aim at `margin` x `target` on the calibration split, leaving room for the
    difference between the split a threshold is chosen on and the documents it meets later.
    The weights are learnt from short fields only: a paragraph's evidence is the weakest of a
    hundred characters and means another thing, but its threshold is chosen on the same curve,
    a paragraph counting as wrong as paragraph residual counts it. What is not learnt from the
    samples (structure and seal doubt, thresholds of kinds the samples lack) is kept from
    `base`.
    """
    rows = np.array([s.features for s in samples], dtype=float)
    correct = np.array([s.correct for s in samples], dtype=bool)
    kinds = np.array([s.kind for s in samples])
    anyway = np.array([s.flagged_anyway for s in samples], dtype=bool)
    short = kinds != "long_text"
    if not short.any():
        raise ValueError("no calibration samples")
    weights = fit_logistic(rows[short], correct[short])
    probability = sigmoid(with_intercept(rows) @ weights)
    thresholds = select_thresholds(probability, correct, kinds, anyway, target * margin)
    overall = select_thresholds(
        probability[short],
        correct[short],
        np.full(int(short.sum()), "all"),
        anyway[short],
        target * margin,
    )["all"]
    flagged = anyway | (probability < np.array([thresholds[k] for k in kinds]))
    summary = FitSummary(
        documents=documents,
        fields=int(short.sum()),
        wrong=int((~correct[short]).sum()),
        ece=float(
            reliability(zip(probability[short].tolist(), correct[short].tolist(), strict=True)).ece
        ),
        residual_error=float((~correct & ~flagged)[short].mean()),
        automation=float(1 - flagged[short].mean()),
        target=target,
        margin=margin,
        paragraphs=int((~short).sum()),
        paragraphs_wrong=int((~correct[~short]).sum()),
        paragraphs_flagged=int(flagged[~short].sum()),
    )
    short_thresholds = [t for k, t in thresholds.items() if k != "long_text"]
    return CalibrationModel(
        method="logistic",
        note=f"fitted by `jixiao calibrate` on {documents} calibration documents",
        weights=tuple(float(w) for w in weights),
        thresholds={**base.thresholds, **thresholds},
        default_threshold=max(overall, *short_thresholds),
        structure_doubt=base.structure_doubt,
        seal_doubt=base.seal_doubt,
        reading_doubt=base.reading_doubt,
        fit=summary,
    )


def save_model(model: CalibrationModel, path: Path) -> None:
    data = model.model_dump(mode="json")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def field_correctness(
    truth: FormDocument, pred: FormDocument, template: Template
) -> dict[str, bool]:
    """Predicted field path -> right, with task and indicator rows aligned first; a field of a
    row the truth lacks is wrong, one of an empty row the truth omits is right. A short value
    is right as printed, a paragraph unless `paragraph_wrong`; a paragraph empty on both sides
    counts for nothing."""
    rows = match_rows(truth, pred, template)
    pred_values = dict(value_paths(pred))
    kinds = field_kinds(pred, template)
    correct = dict.fromkeys(rows.ignored, True) | dict.fromkeys(rows.extra, False)
    for path, truth_value in value_paths(truth):
        pred_path = rows.pred_of.get(path, path)
        if pred_path not in pred_values:
            continue
        predicted = pred_values[pred_path]
        if not truth.is_long_text(path):
            correct[pred_path] = values_equal(truth_value, predicted, kinds[pred_path])
        elif normalize_text(truth_value) or normalize_text(predicted):
            correct[pred_path] = not paragraph_wrong(truth_value, predicted)
    return correct


def samples_for(
    mapped: MappedDocument,
    truth: FormDocument,
    template: Template,
    model: CalibrationModel,
) -> list[Sample]:
    """One sample per field the pipeline produced, paragraphs as kind `long_text`."""
    correct = field_correctness(truth, mapped.document, template)
    issues = run_checks(mapped.document, template)
    return [
        Sample(
            kind=j.kind,
            features=j.features,
            correct=correct[j.path],
            flagged_anyway=bool(j.reasons),
        )
        for j in judge_fields(mapped, issues, template, model)
        if j.path in correct
    ]
