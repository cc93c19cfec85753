"""A reviewer's corrections applied to a document, and the checks run again.

Pure: the service calls it after every correction and stores what it returns. A corrected
field is settled (confidence 1.0) but still shows the checks it takes part in, so a reviewer
sees when a fix leaves a sum broken. Check flags on untouched fields are recomputed, so a fix
can clear a `sum_mismatch` elsewhere or raise a new one; reading doubts (low confidence,
structure, seal, missing) stay until someone corrects the field.
"""

import re

from ingest.confidence import document_status, ordered_reasons
from ingest.template import Template, ValueKind
from ingest.validate import CHECK_REASONS, field_kinds, run_checks
from ingest.values import normalize_value
from models.contract import (
    FieldRecord,
    FieldStatus,
    FieldValue,
    PerformanceTargets,
    value_paths,
)

# What a reviewer may type into one field: far more than any printed form holds, far less than
# would burden the store, the exports or a spreadsheet cell.
MAX_CHARS: dict[str, int] = {"long_text": 10_000}
MAX_SHORT_CHARS = 500
MAX_COUNT = 10**9
AMOUNT_DIGITS = 15  # before the decimal point; 万元 amounts of a whole province need 9
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab and line breaks are text

# Check reasons an untouched field loses when the checks no longer name it. `missing` stays:
# a field nobody corrected is as empty as it was.
_RECOMPUTED = CHECK_REASONS - {"missing"}


class InvalidCorrection(ValueError):
    """A correction names no field of the document or does not fit the field's kind."""


def revalidate(
    doc: PerformanceTargets, corrections: dict[str, FieldValue], template: Template
) -> PerformanceTargets:
    """`doc` with `corrections` (path -> value as the reviewer typed it) applied and its
    check flags recomputed."""
    current = dict(value_paths(doc))
    kinds = field_kinds(doc, template)
    unknown = sorted(set(corrections) - set(current))
    if unknown:
        raise InvalidCorrection(f"no such field: {', '.join(unknown)}")
    values = {path: _typed(path, value, kinds[path]) for path, value in corrections.items()}
    corrected = with_values(doc, values)
    records = {f.path: f for f in doc.fields}
    settled = {path for path, r in records.items() if r.status == FieldStatus.CORRECTED}
    settled |= set(values)
    fields = [
        _record(path, value, records.get(path), path in settled)
        for path, value in value_paths(corrected)
    ]
    corrected = corrected.model_copy(update={"fields": fields})
    issues = run_checks(corrected, template)
    check_reasons: dict[str, set[str]] = {}
    suggestions: dict[str, FieldValue] = {}
    for issue in issues:
        for path in issue.paths:
            check_reasons.setdefault(path, set()).add(issue.reason)
        if issue.suggestion_path and issue.suggestion_path not in settled:
            suggestions.setdefault(issue.suggestion_path, issue.suggestion)
    fields = [_reflag(f, check_reasons.get(f.path, set()), suggestions.get(f.path)) for f in fields]
    return corrected.model_copy(update={"fields": fields, "status": document_status(fields)})


def _typed(path: str, value: FieldValue, kind: ValueKind) -> FieldValue:
    """The contract value of what a reviewer typed: `10,891.62` is an amount, `18` a count.

    Bounded per kind, so a correction can neither carry what no form prints (a 20 MB text, a
    27-digit amount, a count of 5,000 digits, `true`) nor characters a workbook cannot hold."""
    if isinstance(value, bool):
        raise InvalidCorrection(f"{path}: true or false is not a {kind}")
    if isinstance(value, int):
        if abs(value) >= MAX_COUNT:
            raise InvalidCorrection(f"{path}: {value} is out of range")
        return value
    if value is None:
        return None
    limit = MAX_CHARS.get(kind, MAX_SHORT_CHARS)
    if len(value) > limit:
        raise InvalidCorrection(f"{path}: at most {limit} characters")
    if _CONTROL.search(value):
        raise InvalidCorrection(f"{path}: control characters are not allowed")
    typed = normalize_value(value, kind)
    if typed is None and value.strip():
        raise InvalidCorrection(f"{path}: {_shown(value)} is not a valid {kind}")
    if isinstance(typed, int) and typed >= MAX_COUNT:
        raise InvalidCorrection(f"{path}: {_shown(value)} is out of range")
    if isinstance(typed, str) and kind == "amount" and len(typed.split(".")[0]) > AMOUNT_DIGITS:
        raise InvalidCorrection(f"{path}: an amount has at most {AMOUNT_DIGITS} digits")
    return typed


def _shown(value: str) -> str:
    """A typed value as quoted in a message, cut short."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


def with_values(doc: PerformanceTargets, values: dict[str, FieldValue]) -> PerformanceTargets:
    """`doc` with the values at `values`' paths replaced, validated against the contract."""
    data = doc.model_dump(by_alias=True)
    for path, value in values.items():
        node = data
        *parents, last = path.replace("]", "").replace("[", ".").split(".")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[last] = value
    try:
        return PerformanceTargets.model_validate(data)
    except ValueError as exc:
        raise InvalidCorrection(str(exc)) from exc


def _record(path: str, value: FieldValue, old: FieldRecord | None, settled: bool) -> FieldRecord:
    if old is None:
        old = FieldRecord(path=path, value=value, confidence=0.0, status=FieldStatus.FLAGGED)
    if not settled:
        return old
    return old.model_copy(
        update={
            "value": value,
            "confidence": 1.0,
            "status": FieldStatus.CORRECTED,
            "reasons": [],
            "suggestion": None,
        }
    )


def _reflag(record: FieldRecord, checks: set[str], suggestion: FieldValue) -> FieldRecord:
    if record.status == FieldStatus.CORRECTED:
        return record.model_copy(update={"reasons": ordered_reasons(checks)})
    reasons = (set(record.reasons) - _RECOMPUTED) | checks
    return record.model_copy(
        update={
            "reasons": ordered_reasons(reasons),
            "status": FieldStatus.FLAGGED if reasons else FieldStatus.ACCEPTED,
            "suggestion": suggestion,
        }
    )
