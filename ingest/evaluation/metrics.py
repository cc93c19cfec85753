"""Scoring one document's pipeline result against its ground truth.

Every metric is kept as the counts it is made of (fields right, characters edited, flags
raised), so per-level and total figures are sums of counts divided once, not averages of
per-document ratios.

A truth row missing from the prediction has no field to flag. Every short field of it counts
as wrong, and as flagged only when an open document flag covers it: one naming its section, or
one naming no section whose page is one the row is printed on (or that names no page). The old
rule (a missing row's empty cells right, none of it ever flagged) is kept beside the new one
for one release, as `residual_error_old_rule`.
"""

from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, computed_field

from ingest.evaluation.align import align_rows
from ingest.evaluation.calibration import Reliability, reliability
from ingest.evaluation.compare import (
    edit_distance,
    normalize_text,
    text_similarity,
    too_many_edits,
    values_equal,
)
from ingest.evaluation.effort import CURRENT_PAGE, ReviewPage, review_effort
from ingest.evaluation.results import PipelineResult, Timings
from ingest.evaluation.structure import StructureCounts, score_structure
from ingest.template import SectionSpec, Template, kind_key
from models.contract import (
    DocumentFlag,
    DocumentFlagStatus,
    FieldStatus,
    FieldValue,
    FormDocument,
    value_paths,
)
from models.truth import Engine, GroundTruth, Level, Split


class Counts(BaseModel):
    """The additive ingredients of every metric."""

    model_config = ConfigDict(frozen=True)

    short_fields: int = 0  # truth short fields scored
    short_correct: int = 0
    extra_fields: int = 0  # short fields of predicted rows the truth does not have
    unflagged_errors: int = 0  # truth short fields wrong or missing and not flagged
    unflagged_errors_old_rule: int = 0  # the same before missing rows could be covered
    long_chars: int = 0  # normalised characters of truth long text
    long_edits: int = 0
    fields: int = 0  # entries of the prediction's fields[]
    flagged: int = 0
    flagged_wrong: int = 0
    missing_rows: int = 0
    silent_rows: int = 0  # missing rows no open document flag covers
    extra_rows: int = 0
    text_lines: int = 0  # lines the reader recognised on the pages (the export's accounting)
    placed_lines: int = 0  # of them, in a field or a template label
    paragraphs: int = 0  # non-empty truth paragraphs
    paragraphs_unflagged_wrong: int = 0  # over 2 % of their characters wrong, not flagged
    review_items: int = 0  # see ingest.evaluation.effort
    review_keys: int = 0
    suggested: int = 0  # review items with a suggestion
    suggested_right: int = 0
    reliability: Reliability = Reliability()
    structure: StructureCounts | None = None  # None: no grids reported
    timings: Timings | None = None  # None: no timings reported

    def __add__(self, other: "Counts") -> "Counts":
        sums = {name: getattr(self, name) + getattr(other, name) for name in _ADDITIVE}
        return Counts(
            **sums,
            reliability=self.reliability + other.reliability,
            structure=_add_optional(self.structure, other.structure),
            timings=_add_optional(self.timings, other.timings),
        )

    @computed_field
    @property
    def short_accuracy(self) -> float | None:
        """Right short fields over truth short fields plus false ones from extra rows."""
        total = self.short_fields + self.extra_fields
        return self.short_correct / total if total else None

    @computed_field
    @property
    def char_accuracy(self) -> float | None:
        """1 − CER over all long text; floored at 0 when extra text outweighs the truth."""
        if self.long_chars == 0:
            return None if self.long_edits == 0 else 0.0
        return max(0.0, 1.0 - self.long_edits / self.long_chars)

    @computed_field
    @property
    def automation(self) -> float | None:
        return (self.fields - self.flagged) / self.fields if self.fields else None

    @computed_field
    @property
    def residual_error(self) -> float | None:
        return self.unflagged_errors / self.short_fields if self.short_fields else None

    @computed_field
    @property
    def residual_error_old_rule(self) -> float | None:
        return self.unflagged_errors_old_rule / self.short_fields if self.short_fields else None

    @computed_field
    @property
    def paragraph_residual(self) -> float | None:
        """Paragraphs with more than 2 % of their characters wrong and no flag."""
        return self.paragraphs_unflagged_wrong / self.paragraphs if self.paragraphs else None

    @computed_field
    @property
    def suggestion_share(self) -> float | None:
        return self.suggested / self.review_items if self.review_items else None

    @computed_field
    @property
    def suggestion_precision(self) -> float | None:
        return self.suggested_right / self.suggested if self.suggested else None

    @computed_field
    @property
    def flag_precision(self) -> float | None:
        return self.flagged_wrong / self.flagged if self.flagged else None

    @computed_field
    @property
    def placed_share(self) -> float | None:
        """Share of the recognised lines that reached a field or a template label."""
        return self.placed_lines / self.text_lines if self.text_lines else None

    @computed_field
    @property
    def seconds_per_page(self) -> float | None:
        if self.timings is None or self.timings.pages == 0:
            return None
        return self.timings.total_seconds / self.timings.pages


_ADDITIVE = tuple(name for name, info in Counts.model_fields.items() if info.annotation is int)


_Summable = TypeVar("_Summable", StructureCounts, Timings)


def _add_optional(a: _Summable | None, b: _Summable | None) -> _Summable | None:
    if a is None or b is None:
        return a if b is None else b
    return a + b


class DocumentScore(BaseModel):
    doc_id: str
    level: Level
    split: Split
    engine: Engine = "native"
    form: str = "department_overall"  # the id of the truth's form (`ingest.forms`)
    pages: int
    counts: Counts
    error: str | None = None  # why the pipeline produced no result for this document


@dataclass
class _RowMatch:
    """Where each truth value's prediction sits once rows are aligned."""

    pred_of: dict[str, str | None] = field(default_factory=dict)  # None: the row is missing
    missing: list[tuple[str, int]] = field(default_factory=list)  # (section, truth row index)
    extra: list[str] = field(default_factory=list)  # paths of predicted rows the truth lacks
    ignored: list[str] = field(default_factory=list)  # empty predicted rows the truth omits
    extra_rows: int = 0


def _value_columns(section: SectionSpec) -> list[str]:
    """Columns that tell rows apart; carried-down ones (merged 一级/二级) repeat across rows."""
    return [c.key for c in section.columns if c.key not in section.carry_down]


def _is_empty(row: BaseModel, columns: list[str]) -> bool:
    return all(not normalize_text(getattr(row, key)) for key in columns)


def _row_similarity(a: BaseModel, b: BaseModel, columns: list[str]) -> float:
    return sum(text_similarity(getattr(a, k), getattr(b, k)) for k in columns) / len(columns)


def _pairing_columns(section: SectionSpec) -> list[str]:
    """What rows are paired by: their own values, and the half a two-half row's item is of
    (a 中期 and a 年度 indicator often print the same name and value)."""
    halves = [section.halves.field] if section.halves is not None else []
    return _value_columns(section) + halves


def _match_section(
    section: SectionSpec, truth_rows: list[BaseModel], pred_rows: list[BaseModel]
) -> _RowMatch:
    """Align one list; an empty row on one side only is allowed and ignored (FORM.md)."""
    name, columns = section.list or section.key, _value_columns(section)
    pairing = _pairing_columns(section)
    match = _RowMatch()
    pairs = align_rows(
        len(truth_rows),
        len(pred_rows),
        lambda i, j: _row_similarity(truth_rows[i], pred_rows[j], pairing),
    )
    for t, p in pairs:
        if t is not None:
            if p is None and _is_empty(truth_rows[t], columns):
                continue
            if p is None:
                match.missing.append((section.key, t))
            for key in type(truth_rows[t]).model_fields:
                match.pred_of[f"{name}[{t}].{key}"] = None if p is None else f"{name}[{p}].{key}"
        elif p is not None:
            empty = _is_empty(pred_rows[p], columns)
            match.extra_rows += not empty
            paths = [f"{name}[{p}].{key}" for key in type(pred_rows[p]).model_fields]
            (match.ignored if empty else match.extra).extend(paths)
    return match


def match_rows(truth: FormDocument, pred: FormDocument, template: Template) -> _RowMatch:
    total = _RowMatch()
    for section in template.sections:
        if section.layout != "rows" or section.list is None:
            continue
        name = section.list
        part = _match_section(section, getattr(truth, name), getattr(pred, name))
        total.pred_of.update(part.pred_of)
        total.missing += part.missing
        total.extra += part.extra
        total.ignored += part.ignored
        total.extra_rows += part.extra_rows
    return total


def _printed_on(row: BaseModel, section: SectionSpec, truth: GroundTruth) -> set[int]:
    """Pages (1-based) holding a cell with one of the row's own values; empty when none does."""
    own = {normalize_text(getattr(row, key)) for key in _value_columns(section)} - {""}
    return {
        page.page
        for page in truth.pages
        if any(normalize_text(cell.text) in own for cell in page.cells)
    }


def _covered_rows(
    missing: list[tuple[str, int]],
    flags: list[DocumentFlag],
    truth: GroundTruth,
    template: Template,
) -> set[tuple[str, int]]:
    """The missing rows an open document flag covers."""
    open_flags = [f for f in flags if f.status == DocumentFlagStatus.OPEN]
    covered = set()
    for key, index in missing:
        section = template.section(key)
        pages: set[int] | None = None
        for flag in open_flags:
            if flag.section == key:
                covered.add((key, index))
                break
            if flag.section is None:
                if pages is None:
                    row = getattr(truth.document, section.list or key)[index]
                    pages = _printed_on(row, section, truth)
                if flag.page is None or not pages or flag.page in pages:
                    covered.add((key, index))
                    break
    return covered


def score_document(
    truth: GroundTruth,
    result: PipelineResult,
    template: Template,
    review_page: ReviewPage = CURRENT_PAGE,
    form: str = "department_overall",
) -> DocumentScore:
    """Compare one result with its truth (of `form`, read with its `template`); rows of tasks
    and indicators are aligned first. Review effort is counted as `review_page` presents the
    flags."""
    kinds = template.kinds_by_key()
    pred = result.document
    truth_values = value_paths(truth.document)
    pred_values: dict[str, FieldValue] = dict(value_paths(pred))
    rows = match_rows(truth.document, pred, template)
    covered = _covered_rows(rows.missing, pred.document_flags, truth, template)
    lost = {
        f"{template.section(key).list}[{index}]": (key, index) in covered
        for key, index in rows.missing
    }
    flagged_paths = {f.path for f in pred.fields if f.status == FieldStatus.FLAGGED}
    correct_at: dict[str, bool] = dict.fromkeys(rows.ignored, True)
    truth_at: dict[str, FieldValue] = {}
    c = dict.fromkeys(_ADDITIVE, 0)
    for path, truth_value in truth_values:
        if "[" in path and path not in rows.pred_of:
            continue  # an empty truth row the prediction omits
        pred_path = rows.pred_of.get(path, path)
        pred_value = pred_values.get(pred_path) if pred_path else None
        row_covered = lost.get(path.split(".", 1)[0])  # None: the row was not lost
        flagged = pred_path in flagged_paths or bool(row_covered)
        if truth.document.is_long_text(path):
            printed = normalize_text(truth_value)
            edits = edit_distance(printed, normalize_text(pred_value))
            c["long_chars"] += len(printed)
            c["long_edits"] += edits
            ok = edits == 0
            if printed:
                c["paragraphs"] += 1
                c["paragraphs_unflagged_wrong"] += too_many_edits(edits, printed) and not flagged
        else:
            printed_ok = values_equal(truth_value, pred_value, kinds.get(kind_key(path)))
            ok = printed_ok and row_covered is None
            c["short_fields"] += 1
            c["short_correct"] += ok
            c["unflagged_errors"] += not ok and not flagged
            c["unflagged_errors_old_rule"] += not printed_ok and pred_path not in flagged_paths
        if pred_path:
            correct_at[pred_path] = ok
            truth_at[pred_path] = truth_value
    for path in rows.extra:
        correct_at[path] = False
        if truth.document.is_long_text(path):
            c["long_edits"] += len(normalize_text(pred_values[path]))
        else:
            c["extra_fields"] += 1
    samples = []
    for record in pred.fields:
        ok = correct_at.get(record.path, False)
        c["fields"] += 1
        if record.status == FieldStatus.FLAGGED:
            c["flagged"] += 1
            c["flagged_wrong"] += not ok
        if not truth.document.is_long_text(record.path):
            samples.append((record.confidence, ok))
    c["missing_rows"], c["extra_rows"] = len(rows.missing), rows.extra_rows
    c["silent_rows"] = len(rows.missing) - len(covered)
    if pred.accounting is not None:
        c["text_lines"] = pred.accounting.text_lines
        c["placed_lines"] = pred.accounting.placed_lines
    c.update(review_effort(pred, truth_at, correct_at, kinds, review_page))
    counts = Counts(
        **c,
        reliability=reliability(samples),
        structure=score_structure(truth.pages, result.grids) if result.grids is not None else None,
        timings=result.timings,
    )
    return DocumentScore(
        doc_id=truth.doc_id,
        level=truth.level,
        split=truth.split,
        engine=truth.engine,
        form=form,
        pages=len(truth.pages),
        counts=counts,
    )
