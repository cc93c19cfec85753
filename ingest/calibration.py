"""From reading evidence to the probability that a field is right, and where to flag.

A small logistic regression over a few evidence features, so that a field with confidence 0.9
is right about nine times in ten, and a flag threshold per value kind. The fitted parameters
live in a small JSON file per form and OCR engine (`ingest/forms/<form>/calibration/
<engine>.json`): engines differ in how their confidences relate to being right, forms in what
their fields hold. A form and engine never fitted get `UNFITTED`, which trusts nothing it has
not read near-certainly. Fitting needs the truth, so it lives with the evaluation
(`ingest.evaluation.fitting`, run by `jixiao calibrate`).
"""

import math
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

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
    # Paragraphs (their threshold's fit; not in the counts above, which are short fields).
    paragraphs: int = 0
    paragraphs_wrong: int = 0
    paragraphs_flagged: int = 0


class CalibrationModel(BaseModel):
    """Parameters of the field-confidence model and the flag threshold per value kind."""

    model_config = ConfigDict(frozen=True)

    # identity: the weakest character's confidence; weakest: the weakest of the reading, the
    # structure and the label evidence, nothing where a check fails (a prior with no fit);
    # logistic: fitted.
    method: Literal["identity", "weakest", "logistic"]
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
        read = np.exp(rows[:, self.features.index("log_ocr_confidence")])
        if self.method == "identity":
            return read
        if self.method == "weakest":
            column = {name: rows[:, self.features.index(name)] for name in self.features}
            sure = np.minimum.reduce([read, column["structure_confidence"], column["label_score"]])
            failed = (column["implausible"] > 0) | (column["check_failures"] > 0)
            return np.where(failed, 0.0, sure)
        return sigmoid(with_intercept(rows) @ np.asarray(self.weights))

    def threshold(self, kind: str) -> float:
        return self.thresholds.get(kind, self.default_threshold)


def feature_value(name: str, value: float) -> float:
    """The feature as the model sees it (confidences on a log scale)."""
    return math.log(max(value, LOG_FLOOR)) if name == "log_ocr_confidence" else float(value)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def with_intercept(rows: np.ndarray) -> np.ndarray:
    return np.hstack([np.ones((rows.shape[0], 1)), rows])


def load_model(path: Path) -> CalibrationModel:
    return CalibrationModel.model_validate_json(path.read_bytes())


# What a form and engine without a fit get: a value is trusted only when its weakest character
# was read near-certainly (and the reading doubts flag as always).
UNFITTED = CalibrationModel(
    method="weakest",
    note=(
        "no fit for this form and OCR engine: a value is flagged unless its reading, its cell"
        " and its label are each at least 0.99 sure and no check speaks against it"
    ),
    default_threshold=0.99,
)


@lru_cache(maxsize=16)
def model_at(path: Path) -> CalibrationModel:
    """The model fitted at `path`, read once per process; `UNFITTED` when there is none."""
    return load_model(path) if path.is_file() else UNFITTED
