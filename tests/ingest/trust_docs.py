"""Documents for the trust-layer tests, built from the seed's gold file with made-up evidence."""

import json
from pathlib import Path

from ingest.artifacts import FieldEvidence, MappedDocument
from ingest.calibration import CalibrationModel
from ingest.review import with_values
from models.contract import FieldRecord, FieldStatus, PerformanceTargets, value_paths

SEED_GOLD = Path(__file__).parent.parent / "data" / "seed" / "seed_gold.json"


# The uncalibrated model: confidence is the weakest character's, short fields below 0.9 flagged.
# Tests of the flag mechanics use it, so they do not depend on the fit shipped in the package.
IDENTITY = CalibrationModel(
    method="identity",
    note="weakest character confidence; short fields below 0.9 flagged",
    thresholds={"long_text": 0.0},
    default_threshold=0.9,
)


def as_path(key: str) -> str:
    """A keyword argument as a field path: `tasks__0__amount` -> `tasks[0].amount`."""
    parts = key.split("__")
    return parts[0] + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in parts[1:])


def seed_document(**changes: object) -> PerformanceTargets:
    """The seed table as mapping would deliver it: every value with a record read at 0.99.

    `changes` maps a path to a printed value (the field's value and OCR text both change)."""
    data = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    doc = PerformanceTargets.model_validate(data)
    doc = with_values(doc, {as_path(key): v for key, v in changes.items()})
    return with_records(doc)


def with_records(
    doc: PerformanceTargets,
    confidence: dict[str, float] | None = None,
    ocr: dict | None = None,
    pages: dict[str, int] | None = None,
) -> PerformanceTargets:
    """`doc` with a record per value; `pages` gives a row (`indicators[3]`) a page other
    than the first."""
    confidence, ocr, pages = confidence or {}, ocr or {}, pages or {}
    records = [
        FieldRecord(
            path=path,
            value=value,
            ocr_text=ocr.get(path, None if value is None else str(value)),
            confidence=confidence.get(path, 0.99),
            status=FieldStatus.ACCEPTED,
            page=pages.get(path.split(".", 1)[0], 1),
            bbox=[0, 0, 10, 10],
        )
        for path, value in value_paths(doc)
    ]
    return doc.model_copy(update={"fields": records})


def mapped(doc: PerformanceTargets, **evidence: dict) -> MappedDocument:
    """`doc` with evidence for every field: OCR confidence from its record, the rest clean.

    `evidence` maps a path (dots as `__`) to FieldEvidence overrides."""
    overrides = {as_path(key): v for key, v in evidence.items()}
    records = {f.path: f for f in doc.fields}
    out = {}
    for path, _ in value_paths(doc):
        base = {
            "path": path,
            "ocr_confidence": records[path].confidence,
            "structure_confidence": 0.99,
        }
        out[path] = FieldEvidence(**{**base, **overrides.get(path, {})})
    return MappedDocument(document=doc, evidence=out)
