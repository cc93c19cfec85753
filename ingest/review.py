"""A reviewer's acts applied to a document, and the checks run again.

Pure: the service calls it after every correction, added or deleted row and resolved document
flag, and stores what it returns. A corrected field is settled (confidence 1.0) but still shows
the checks it takes part in, so a reviewer sees when a fix leaves a sum broken. Check flags on
untouched fields are recomputed, so a fix can clear a `sum_mismatch` elsewhere or raise a new
one; reading doubts (low confidence, structure, seal, missing) stay until someone corrects the
field. The document is `ready` (for a reviewer to accept) only with no field flagged and no
document flag open.
"""

import re

from pydantic import BaseModel

from ingest.confidence import ordered_reasons, review_state
from ingest.template import Template, ValueKind, kind_key
from ingest.validate import CHECK_REASONS, field_kinds, run_checks
from ingest.values import normalize_value, read_number
from models.contract import (
    BBox,
    DocumentFlagReason,
    DocumentFlagStatus,
    FieldRecord,
    FieldStatus,
    FieldValue,
    FormDocument,
    row_lists,
    value_paths,
)

# What a reviewer may type into one field: far more than any printed form holds, far less than
# would burden the store, the exports or a spreadsheet cell.
MAX_CHARS: dict[str, int] = {"long_text": 10_000}
MAX_SHORT_CHARS = 500
MAX_COUNT = 10**9
NUMBER_DIGITS = 15  # before the decimal point; 万元 amounts of a whole province need 9
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab and line breaks are text

# Check reasons an untouched field loses when the checks no longer name it. `missing` stays:
# a field nobody corrected is as empty as it was.
_RECOMPUTED = CHECK_REASONS - {"missing"}


class InvalidCorrection(ValueError):
    """A correction names no field of the document or does not fit the field's kind."""


def revalidate(
    doc: FormDocument, corrections: dict[str, FieldValue], template: Template
) -> FormDocument:
    """`doc` with `corrections` (path -> value as the reviewer typed it) applied and its
    check flags recomputed."""
    current = dict(value_paths(doc))
    kinds = field_kinds(doc, template)
    unknown = sorted(set(corrections) - set(current))
    if unknown:
        raise InvalidCorrection(f"no such field: {', '.join(unknown)}")
    values = {path: _typed(path, value, kinds[path]) for path, value in corrections.items()}
    halves = template.half_keys()
    for path, value in values.items():
        if kind_key(path) in halves and value is not None:
            values[path] = _half(path, str(value), template)
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
    state = review_state(fields, corrected.document_flags)
    return corrected.model_copy(update={"fields": fields}).in_state(state)


def _typed(path: str, value: FieldValue, kind: ValueKind) -> FieldValue:
    """The contract value of what a reviewer typed, by the explicit rules of `read_number` for
    amounts and counts (`49,41` is refused, never read as 4941).

    Bounded per kind, so a correction can neither carry what no form prints (a 20 MB text, a
    27-digit amount, a count of 5,000 digits, `true`) nor characters a workbook cannot hold."""
    if isinstance(value, bool):
        raise InvalidCorrection(f"{path}：不能填写 true 或 false")
    if isinstance(value, int):
        if abs(value) >= MAX_COUNT:
            raise InvalidCorrection(f"{path}：数值超出范围")
        return value
    if not isinstance(value, str):
        return value
    limit = MAX_CHARS.get(kind, MAX_SHORT_CHARS)
    if len(value) > limit:
        raise InvalidCorrection(f"{path}：最多 {limit} 个字符")
    if _CONTROL.search(value):
        raise InvalidCorrection(f"{path}：不能含有控制字符")
    if kind in ("amount", "count") and value.strip():
        number = read_number(value)
        if number.problem:
            raise InvalidCorrection(number.problem)
        if kind == "count" and not number.value.isdigit():
            raise InvalidCorrection(f"“{value.strip()}”不是整数")
        if len(number.value.lstrip("-").split(".")[0]) > NUMBER_DIGITS:
            raise InvalidCorrection(f"{path}：整数部分最多 {NUMBER_DIGITS} 位")
        if kind == "count" and int(number.value) >= MAX_COUNT:
            raise InvalidCorrection(f"{path}：数值超出范围")
        return number.value if kind == "amount" else int(number.value)
    return normalize_value(value, kind)


def _half(path: str, text: str, template: Template) -> str:
    """The half (`mid_term`) a reviewer typed, or named as a reviewer does (`中期`, `年度`)."""
    section = next(s for s in template.sections if s.halves and path.startswith(f"{s.list}["))
    halves = section.halves
    assert halves is not None
    half = text.strip() if text.strip() in halves.values else halves.named(text)
    if half is None:
        raise InvalidCorrection(f"{path}：请填写 {' 或 '.join(halves.titles.values())}")
    return half


def restore_records(
    doc: FormDocument, records: list[FieldRecord], template: Template
) -> FormDocument:
    """`doc` with fields put back as `records` say they were (an undone correction), checks
    run again."""
    by_path = {r.path: r for r in records}
    fields = [by_path.get(f.path, f) for f in doc.fields]
    restored = with_values(doc, {r.path: r.value for r in records})
    return revalidate(restored.model_copy(update={"fields": fields}), {}, template)


def row_paths(model: type[BaseModel], list_name: str, index: int) -> list[str]:
    return [f"{list_name}[{index}].{key}" for key in model.model_fields]


def _shifted(
    model: type[BaseModel], list_name: str, start: int, stop: int, by: int
) -> dict[str, str]:
    """Old path -> new path of every field of rows `start`..`stop - 1` moved by `by`."""
    renames = {}
    for i in range(start, stop):
        old_paths = row_paths(model, list_name, i)
        new_paths = row_paths(model, list_name, i + by)
        for old, new in zip(old_paths, new_paths, strict=True):
            renames[old] = new
    return renames


def insert_row(
    doc: FormDocument,
    list_name: str,
    index: int,
    values: dict[str, FieldValue],
    template: Template,
    *,
    page: int | None = None,
    bbox: BBox | None = None,
) -> tuple[FormDocument, dict[str, str]]:
    """A task or indicator row a reviewer adds before row `index` (== length: at the end),
    with the renames of the rows below it. Its values are the reviewer's, so its fields are
    `corrected`; `page`/`bbox` say where on the scan it is printed, if the reviewer knows."""
    model = row_lists(type(doc)).get(list_name)
    rows = list(getattr(doc, list_name)) if model else []
    if model is None or not 0 <= index <= len(rows):
        raise InvalidCorrection(f"不能在{list_name}第{index + 1}行处添加")
    unknown = set(values) - set(model.model_fields)
    if unknown:
        raise InvalidCorrection(f"没有这一栏：{', '.join(sorted(unknown))}")
    kinds = field_kinds(doc.model_copy(update={list_name: [*rows, model()]}), template)
    last = row_paths(model, list_name, len(rows))
    typed = {
        key: _typed(path, values.get(key), kinds[path])
        for key, path in zip(model.model_fields, last, strict=True)
    }
    rows.insert(index, model(**typed))
    renames = _shifted(model, list_name, index, len(rows) - 1, 1)
    moved = [f.model_copy(update={"path": renames.get(f.path, f.path)}) for f in doc.fields]
    added = [
        FieldRecord(
            path=path,
            value=typed[key],
            confidence=1.0,
            status=FieldStatus.CORRECTED,
            page=page,
            bbox=bbox,
        )
        for key, path in zip(model.model_fields, row_paths(model, list_name, index), strict=True)
    ]
    grown = doc.model_copy(update={list_name: rows, "fields": moved + added})
    return revalidate(grown, {}, template), renames


def delete_row(
    doc: FormDocument, list_name: str, index: int, template: Template
) -> tuple[FormDocument, dict[str, str], list[FieldRecord]]:
    """The document without row `index` (a row read twice, or text that is no row), the
    renames of the rows below it and the removed row's field records (for the audit trail)."""
    model = row_lists(type(doc)).get(list_name)
    rows = list(getattr(doc, list_name)) if model else []
    if model is None or not 0 <= index < len(rows):
        raise InvalidCorrection(f"{list_name}没有第{index + 1}行")
    del rows[index]
    gone = set(row_paths(model, list_name, index))
    removed = [f for f in doc.fields if f.path in gone]
    renames = _shifted(model, list_name, index + 1, len(rows) + 1, -1)
    kept = [
        f.model_copy(update={"path": renames.get(f.path, f.path)})
        for f in doc.fields
        if f.path not in gone
    ]
    shrunk = doc.model_copy(update={list_name: rows, "fields": kept})
    return revalidate(shrunk, {}, template), renames, removed


def resolve_flag(doc: FormDocument, index: int, template: Template) -> FormDocument:
    """Document flag `index` resolved (a reviewer checked the page, section or text)."""
    if not 0 <= index < len(doc.document_flags):
        raise InvalidCorrection(f"没有第{index + 1}条文档标记")
    flags = list(doc.document_flags)
    flags[index] = flags[index].model_copy(update={"status": DocumentFlagStatus.RESOLVED})
    return revalidate(doc.model_copy(update={"document_flags": flags}), {}, template)


def unassigned_text(doc: FormDocument, index: int) -> tuple[int | None, BBox | None, str]:
    """Where an `unassigned_text` document flag was read, and its text."""
    if not 0 <= index < len(doc.document_flags):
        raise InvalidCorrection(f"没有第{index + 1}条文档标记")
    flag = doc.document_flags[index]
    if flag.reason != DocumentFlagReason.UNASSIGNED_TEXT:
        raise InvalidCorrection("只有“未归属文字”标记可以补录为一行")
    return flag.page, flag.bbox, flag.text or ""


def with_values(doc: FormDocument, values: dict[str, FieldValue]) -> FormDocument:
    """`doc` with the values at `values`' paths replaced, validated against the contract."""
    data = doc.model_dump(by_alias=True)
    for path, value in values.items():
        node = data
        *parents, last = path.replace("]", "").replace("[", ".").split(".")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[last] = value
    try:
        return type(doc).model_validate(data)
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
