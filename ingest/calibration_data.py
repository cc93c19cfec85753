"""Calibration samples: every short field of a calibration document, its evidence features and
whether the reading was right, judged as `jixiao eval` judges it."""

from ingest.artifacts import MappedDocument
from ingest.calibration import CalibrationModel, Sample
from ingest.confidence import judge_fields
from ingest.evaluation.compare import values_equal
from ingest.evaluation.metrics import match_rows
from ingest.template import Template
from ingest.validate import field_kinds, run_checks
from models.contract import PerformanceTargets, is_long_text, value_paths


def field_correctness(
    truth: PerformanceTargets, pred: PerformanceTargets, template: Template
) -> dict[str, bool]:
    """Short predicted field path -> right, with task and indicator rows aligned first; a
    field of a row the truth lacks is wrong, one of an empty row the truth omits is right."""
    rows = match_rows(truth, pred, template)
    pred_values = dict(value_paths(pred))
    kinds = field_kinds(pred, template)
    correct = dict.fromkeys(rows.ignored, True) | dict.fromkeys(rows.extra, False)
    for path, truth_value in value_paths(truth):
        pred_path = rows.pred_of.get(path, path)
        if pred_path in pred_values and not is_long_text(path):
            correct[pred_path] = values_equal(truth_value, pred_values[pred_path], kinds[pred_path])
    return {p: ok for p, ok in correct.items() if not is_long_text(p)}


def samples_for(
    mapped: MappedDocument,
    truth: PerformanceTargets,
    template: Template,
    model: CalibrationModel,
) -> list[Sample]:
    """One sample per short field the pipeline produced."""
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
