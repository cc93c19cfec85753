"""From reading evidence to the probability that a field is right, and where to flag.

A small logistic regression over a few evidence features, fitted on the corpus's calibration
split (`jixiao calibrate`), so that a field with confidence 0.9 is right about nine times in
ten. Thresholds per value kind are then chosen on the same split: the lowest threshold that
keeps unflagged wrong fields under the residual-error target, so as few fields as possible go
to a reviewer. The fitted parameters live in a small JSON file next to this module.
"""

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ingest.evaluation.calibration import reliability

DEFAULT_MODEL_PATH = Path(__file__).parent / "calibration.json"

# The evidence features, in the order of a feature row (see `ingest.confidence`).
FEATURES: tuple[str, ...] = (
    "log_ocr_confidence",  # log of the weakest character's confidence
    "structure_confidence",
    "label_score",
    "seal_overlap",
    "joined_across_pages",  # 0/1
    "implausible",  # 0/1: the value does not fit its kind (a `format` issue)
    "check_failures",  # how many other checks put the field in doubt
    "empty",  # 0/1: no value
)
LOG_FLOOR = 1e-4  # OCR confidences below this are as bad as this


class FitSummary(BaseModel):
    """How the fit did on the data it was fitted on, for the record in the model file."""

    model_config = ConfigDict(frozen=True)

    documents: int
    fields: int
    wrong: int
    ece: float
    residual_error: float
    automation: float
    target: float
    margin: float


class CalibrationModel(BaseModel):
    """Parameters of the field-confidence model and the flag threshold per value kind."""

    model_config = ConfigDict(frozen=True)

    method: Literal["identity", "logistic"]
    note: str
    features: tuple[str, ...] = FEATURES
    weights: tuple[float, ...] = ()  # intercept, then one per feature
    thresholds: dict[str, float] = Field(default_factory=dict)  # kind -> flag below this
    default_threshold: float = Field(ge=0.0, le=1.0)
    structure_doubt: float = Field(default=0.5, ge=0.0, le=1.0)  # structure conf below: flag
    seal_doubt: float = Field(default=0.05, ge=0.0, le=1.0)  # share under a seal above: flag
    # Weakest character at or below this: flagged whatever the model says (an even-odds
    # character, such as a sign whose bars could not be counted, is never taken on trust).
    reading_doubt: float = Field(default=0.5, ge=0.0, le=1.0)
    fit: FitSummary | None = None

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """Probability correct for each feature row (n x len(FEATURES))."""
        rows = np.atleast_2d(np.asarray(rows, dtype=float))
        if self.method == "identity":
            return np.exp(rows[:, self.features.index("log_ocr_confidence")])
        return _sigmoid(_with_intercept(rows) @ np.asarray(self.weights))

    def threshold(self, kind: str) -> float:
        return self.thresholds.get(kind, self.default_threshold)


def feature_value(name: str, value: float) -> float:
    """The feature as the model sees it (confidences on a log scale)."""
    return math.log(max(value, LOG_FLOOR)) if name == "log_ocr_confidence" else float(value)


class Sample(BaseModel):
    """One field of a calibration document: its evidence, whether it was right, and whether
    something other than its confidence already flags it."""

    model_config = ConfigDict(frozen=True)

    kind: str
    features: tuple[float, ...]
    correct: bool
    flagged_anyway: bool = False


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def _with_intercept(rows: np.ndarray) -> np.ndarray:
    return np.hstack([np.ones((rows.shape[0], 1)), rows])


def fit_logistic(rows: np.ndarray, correct: np.ndarray, l2: float = 1.0) -> np.ndarray:
    """Ridge-penalised logistic regression by Newton steps; intercept first, not penalised.

    The penalty keeps weights finite when the data are separable (every field right)."""
    x = _with_intercept(np.asarray(rows, dtype=float))
    y = np.asarray(correct, dtype=float)
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 1e-6
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = _sigmoid(x @ w)
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
    margin: float = 0.5,
    base: "CalibrationModel | None" = None,
) -> CalibrationModel:
    """Fit the probability model and per-kind thresholds on calibration samples.

    Thresholds aim at `margin` x `target` on the calibration split, leaving room for the
    difference between the split a threshold is chosen on and the documents it meets later.
    What is not learnt from the samples (structure and seal doubt, thresholds of kinds the
    samples lack, such as long text, which no exact-match label describes) is kept from `base`.
    """
    if not samples:
        raise ValueError("no calibration samples")
    base = base or load_model()
    rows = np.array([s.features for s in samples], dtype=float)
    correct = np.array([s.correct for s in samples], dtype=bool)
    kinds = np.array([s.kind for s in samples])
    anyway = np.array([s.flagged_anyway for s in samples], dtype=bool)
    weights = fit_logistic(rows, correct)
    probability = _sigmoid(_with_intercept(rows) @ weights)
    thresholds = select_thresholds(probability, correct, kinds, anyway, target * margin)
    overall = select_thresholds(
        probability, correct, np.full(len(samples), "all"), anyway, target * margin
    )["all"]
    flagged = anyway | (probability < np.array([thresholds[k] for k in kinds]))
    summary = FitSummary(
        documents=documents,
        fields=len(samples),
        wrong=int((~correct).sum()),
        ece=float(reliability(zip(probability.tolist(), correct.tolist(), strict=True)).ece),
        residual_error=float((~correct & ~flagged).sum() / len(samples)),
        automation=float(1 - flagged.mean()),
        target=target,
        margin=margin,
    )
    return CalibrationModel(
        method="logistic",
        note=f"fitted by `jixiao calibrate` on {documents} calibration documents",
        weights=tuple(float(w) for w in weights),
        thresholds={**base.thresholds, **thresholds},
        default_threshold=max(overall, *thresholds.values()),
        structure_doubt=base.structure_doubt,
        seal_doubt=base.seal_doubt,
        reading_doubt=base.reading_doubt,
        fit=summary,
    )


def load_model(path: Path = DEFAULT_MODEL_PATH) -> CalibrationModel:
    return CalibrationModel.model_validate_json(path.read_bytes())


@lru_cache(maxsize=1)
def default_model() -> CalibrationModel:
    """The shipped model, read once per process."""
    return load_model(DEFAULT_MODEL_PATH)


def save_model(model: CalibrationModel, path: Path = DEFAULT_MODEL_PATH) -> None:
    data = model.model_dump(mode="json")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
