"""The one place that decides which fields a reviewer must look at.

Per field, the reading evidence and the check results become features, the calibration model
turns them into a probability of being right (the confidence), and the field is flagged when
that falls under its kind's threshold or when a check or a reading doubt names it.
"""

from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

import numpy as np
from pydantic import BaseModel, ConfigDict

from ingest.artifacts import FieldEvidence, MappedDocument
from ingest.calibration import FEATURES, CalibrationModel, feature_value
from ingest.corroboration import read_again
from ingest.plausibility import implausible_stretch
from ingest.template import SPANNING_KINDS, Template, ValueKind, kind_key
from ingest.validate import CheckIssue, Reason, balanced_terms, field_kinds, no_words
from models.contract import (
    ROW_PATH,
    DocumentFlag,
    DocumentFlagStatus,
    FieldRecord,
    FieldStatus,
    FieldValue,
    FormDocument,
    ReviewState,
    value_paths,
)

REASON_ORDER: tuple[str, ...] = Reason.__args__  # type: ignore[attr-defined]
TAXONOMY_LEVELS: dict[str, int] = {"taxonomy1": 1, "taxonomy2": 2}
# Doubts about how a value was read, which another reading of it can settle; a doubt about
# where it was read (structure) or what it says (format, checks) stays.
READING_DOUBTS = frozenset({"low_confidence", "seal_overlap"})


class FieldJudgement(BaseModel):
    """What is known about one field before its confidence is compared with a threshold."""

    model_config = ConfigDict(frozen=True)

    path: str
    kind: ValueKind
    features: tuple[float, ...]
    reasons: tuple[str, ...]  # from checks and reading doubts, before the threshold
    suggestion: FieldValue = None
    # Empty because its optional section was not printed, with every text line of the document
    # accounted for: had the section been printed and missed, its lines would be text no field
    # took, under an open document flag. The confidence model, fitted on exact matches, cannot
    # tell this empty from a lost value; the accounting can.
    vouched_empty: bool = False
    # An amount of a sum identity that balances to the cent (`validate.balanced_terms`): the
    # arithmetic vouches for its digits, whatever the recogniser's or a seal's doubt.
    balanced: bool = False


def ordered_reasons(reasons: set[str]) -> list[str]:
    """Reasons in one fixed order, so exports and tests do not depend on check order."""
    return [r for r in REASON_ORDER if r in reasons]


def evidence_reasons(evidence: FieldEvidence, kind: ValueKind, model: CalibrationModel) -> set[str]:
    """Reading doubts that flag a field whatever its confidence: a doubtful structure (its
    section's columns shifted, or its row holding text no field took, included), seal ink over
    it, a missing value, a short value with an even-odds character, or a paragraph with a line
    read below even odds.

    A paragraph continued on the next page is normal, and so is a merged 一级/二级 label cut by
    a page break (the taxonomy check still judges it); a short value whose text is printed on
    both sides of a break is not. One printed whole above the break, in a row that goes on
    below it, was read in one piece. A 一级指标 whose merged cell is doubtful is left to the
    taxonomy check: the 二级 of every row it spans must belong to it.
    """
    reasons = set()
    cut_short = evidence.text_cut_by_page_break and kind not in SPANNING_KINDS
    doubtful_cell = evidence.structure_confidence < model.structure_doubt and kind != "taxonomy1"
    if doubtful_cell or cut_short or evidence.structure_in_doubt:
        reasons.add("structure")
    if evidence.seal_overlap > model.seal_doubt:
        reasons.add("seal_overlap")
    # One unsure character may change a short value, seldom a paragraph; but a paragraph's
    # line read below even odds per character is a line mostly unread (a squeezed or smudged
    # crop read as unrelated characters). Text read from faint ink is capped at even odds
    # (`ingest.ocr.assign`): that doubts a short value, not a paragraph whose lines read well.
    if kind != "long_text" and evidence.ocr_confidence <= model.reading_doubt:
        reasons.add("low_confidence")
    if kind == "long_text" and evidence.weakest_line < model.reading_doubt:
        reasons.add("low_confidence")
    if evidence.missing:
        reasons.add("missing")
    return reasons


def rows_in_doubt(
    evidence: dict[str, FieldEvidence],
    kinds: dict[str, ValueKind],
    model: CalibrationModel,
    table_wide: frozenset[str] = frozenset(),
) -> set[str]:
    """Task and indicator rows (`indicators[7]`) one of whose own cells has a doubtful
    structure. A row's cells are cut by the same rules: where one of them is in doubt (two
    rows read as one, a rule not found), so is where every other cell of the row begins and
    ends, however sure the reading of its text (`100%100%` beside a name read from two rows).
    Cells that span rows by nature (paragraphs, merged 一级/二级) do not speak for the row, nor
    do fields told once for the whole table (`table_wide`: the half a table was printed for,
    guessed where nothing names it)."""
    rows = set()
    for path, found in evidence.items():
        row = ROW_PATH.match(path)
        if row is None or not _own_cell(path, kinds, table_wide):
            continue
        if found.structure_in_doubt or found.structure_confidence < model.structure_doubt:
            rows.add(row.group(0))
    return rows


def _own_cell(path: str, kinds: dict[str, ValueKind], table_wide: frozenset[str]) -> bool:
    """Whether the field at `path` is read from a cell of its row's own: not one spanning
    rows by nature (a paragraph, a merged 一级/二级), nor told once for the whole table."""
    return kinds.get(path) not in SPANNING_KINDS and kind_key(path) not in table_wide


def page_break_pairs(rows: AbstractSet[str], pages: dict[str, set[int]]) -> set[str]:
    """Each of `rows` a page break parts from a neighbouring item, with that item (`pages`:
    the pages each item's own cells were read on): a row cut by the break may go on at the top
    of the next page and be read there as an item of its own (`支出` and `制98%以内`, the ends
    of `应急演练支出` and `预算控制98%以内`), and which of the two holds what is then in doubt."""
    pairs = set()
    for row in rows:
        found = ROW_PATH.match(row)
        if found is None or not pages.get(row):
            continue
        name, index = found.group(1), int(found.group(2))
        after, before = f"{name}[{index + 1}]", f"{name}[{index - 1}]"
        if pages.get(after) and min(pages[after]) > max(pages[row]):
            pairs |= {row, after}
        if pages.get(before) and max(pages[before]) < min(pages[row]):
            pairs |= {row, before}
    return pairs


class CutRows(BaseModel):
    """Items a page break may have cut, by what their cells hold (`rows_cut_short`)."""

    model_config = ConfigDict(frozen=True)

    # text in a cell of their own or a paragraph, and none in another cell of their own
    short: frozenset[str]
    # of them, those whose text is all in paragraphs: no name, no amount, no value
    text_only: frozenset[str]


def rows_cut_short(
    values: dict[str, FieldValue], kinds: dict[str, ValueKind], table_wide: frozenset[str]
) -> CutRows:
    """Items with text in a cell of their own or a paragraph and none in another cell of their
    own: beside a page break, the end of the item before it (`成` of `2023年6月底前完成`, read
    as an item with no name under `2023年6月底前完`). Where all of its text is paragraphs (a
    task's last line, read as an item with no name and no amount), the paragraph it was cut
    from is the one in doubt. A merged 一级/二级 carried down says nothing of the row, and a
    name of no words (`111`, a rule read at the page's top) holds no text."""
    own_filled: dict[str, bool] = defaultdict(bool)
    own_empty: dict[str, bool] = defaultdict(bool)
    paragraph: dict[str, bool] = defaultdict(bool)
    for path, value in values.items():
        row = ROW_PATH.match(path)
        own = row is not None and _own_cell(path, kinds, table_wide)
        if row is None or not (own or kinds.get(path) == "long_text"):
            continue
        filled = bool(str(value or "").strip())
        if kinds.get(path) == "text" and no_words(value):
            filled = False  # a name of a digit or a mark or few: a rule or a speck read
        key = row.group(0)
        own_filled[key] |= own and filled
        own_empty[key] |= own and not filled
        paragraph[key] |= not own and filled
    short = {r for r in own_empty if own_empty[r] and (own_filled[r] or paragraph[r])}
    return CutRows(
        short=frozenset(short),
        text_only=frozenset(r for r in short if not own_filled[r]),
    )


def _at_level2_edge(path: str, values: dict[str, FieldValue]) -> bool:
    """Whether `path` is a 二级 whose row is the first or last of its group: a row in doubt
    there may be two rows read as one across the groups' boundary (`质量指标` beside a name
    and value of a 时效指标 row, the rule between them lost), so the merged cell's reading is
    no longer vouched for by its own rules."""
    row = ROW_PATH.match(path)
    if row is None or not path.endswith(".level2"):
        return False
    name, index = row.group(1), int(row.group(2))
    neighbours = (f"{name}[{index - 1}].level2", f"{name}[{index + 1}].level2")
    return any(n in values and values[n] != values[path] for n in neighbours)


def _features(evidence: FieldEvidence, value: FieldValue, issues: list[CheckIssue]) -> tuple:
    raw = {
        "log_ocr_confidence": evidence.ocr_confidence,
        "structure_confidence": evidence.structure_confidence,
        "label_score": evidence.label_score,
        "seal_overlap": evidence.seal_overlap,
        "joined_across_pages": evidence.joined_across_pages,
        "implausible": any(i.reason == "format" for i in issues),
        "check_failures": sum(i.reason != "format" for i in issues),
        "empty": value is None,
    }
    return tuple(feature_value(name, raw[name]) for name in FEATURES)


def _paragraphs_clear_of_seals(
    doc: FormDocument, evidence: dict[str, FieldEvidence], kinds: dict[str, ValueKind]
) -> list[str]:
    """The paragraphs read from table cells with no seal ink at all over them
    (`ingest.corroboration`; a touch under `seal_doubt` may still lie over the words that
    matter); a line outside the table (the title) is left out: no seal is measured there."""
    return [
        value
        for path, value in value_paths(doc)
        if kinds.get(path) == "long_text"
        and isinstance(value, str)
        and path in evidence
        and evidence[path].seal_overlap == 0.0
    ]


def judge_fields(
    mapped: MappedDocument,
    issues: list[CheckIssue],
    template: Template,
    model: CalibrationModel,
) -> list[FieldJudgement]:
    """Features and non-confidence reasons of every field, in `value_paths` order."""
    doc = mapped.document
    kinds = field_kinds(doc, template)
    records = {f.path: f for f in doc.fields}
    by_path: dict[str, list[CheckIssue]] = defaultdict(list)
    for issue in issues:
        for path in issue.paths:
            by_path[path].append(issue)
    table_wide = template.half_keys()
    own_pages: dict[str, set[int]] = defaultdict(set)
    for record in doc.fields:
        row = ROW_PATH.match(record.path)
        own = _own_cell(record.path, kinds, table_wide)
        if row is not None and record.page is not None and own:
            own_pages[row.group(0)].add(record.page)
    values = dict(value_paths(doc))
    in_doubt = rows_in_doubt(mapped.evidence, kinds, model, table_wide)
    cut = rows_cut_short(values, kinds, table_wide)
    doubtful_rows = in_doubt | page_break_pairs(in_doubt | cut.short, own_pages)
    paragraphs_cut = page_break_pairs(cut.text_only, own_pages)
    accounted = not any(f.status == DocumentFlagStatus.OPEN for f in doc.document_flags)
    clear_paragraphs = _paragraphs_clear_of_seals(doc, mapped.evidence, kinds)
    balanced = balanced_terms(doc, template)
    judged = []
    for path, value in values.items():
        evidence = mapped.evidence.get(path)
        if evidence is None:
            record = records.get(path)
            read = record.confidence if record else (1.0 if value is None else 0.0)
            evidence = FieldEvidence(path=path, ocr_confidence=read, structure_confidence=1.0)
        own = by_path[path]
        reasons = {i.reason for i in own} | evidence_reasons(evidence, kinds[path], model)
        row = ROW_PATH.match(path)
        in_row = row is not None and kind_key(path) not in table_wide
        if in_row and row.group(0) in doubtful_rows and kinds[path] not in SPANNING_KINDS:
            reasons.add("structure")
        elif in_row and row.group(0) in paragraphs_cut and kinds[path] == "long_text":
            reasons.add("structure")  # its text may go on in the item over the break
        elif in_row and row.group(0) in doubtful_rows and _at_level2_edge(path, values):
            reasons.add("structure")  # the row may hold the next group's first row
        if (
            "seal_overlap" in reasons
            and kinds[path] == "text"
            and read_again(str(value or ""), clear_paragraphs)
        ):
            reasons.discard("seal_overlap")  # two readings of different ink agree
        if kinds[path] == "long_text" and implausible_stretch(value, template):
            reasons.add("garbled")  # sure of each character, yet no Chinese a person writes
        if path in balanced:
            reasons -= READING_DOUBTS
        level = TAXONOMY_LEVELS.get(kinds[path])
        if level and value and template.lone_wording(str(value), level):
            reasons.discard("low_confidence")  # a character in doubt hides no other wording
        suggestion = next((i.suggestion for i in own if i.suggestion_path == path), None)
        judged.append(
            FieldJudgement(
                path=path,
                kind=kinds[path],
                features=_features(evidence, value, own),
                reasons=tuple(ordered_reasons(reasons)),
                suggestion=suggestion,
                vouched_empty=accounted and evidence.unprinted and value is None,
                balanced=path in balanced,
            )
        )
    return judged


def assess(
    mapped: MappedDocument,
    issues: list[CheckIssue],
    template: Template,
    model: CalibrationModel,
) -> FormDocument:
    """Set every field's confidence, status, reasons and suggestion, and the document's review
    state (`review_state`, over the fields and the document flags `mapped` carries)."""
    doc = mapped.document
    judged = judge_fields(mapped, issues, template, model)
    probability = model.probability(np.array([j.features for j in judged])) if judged else []
    records = {f.path: f for f in doc.fields}
    values = dict(value_paths(doc))
    fields = []
    for judgement, p in zip(judged, probability, strict=True):
        reasons = set(judgement.reasons)
        vouched = judgement.vouched_empty or judgement.balanced
        if p < model.threshold(judgement.kind) and not vouched:
            reasons.add("low_confidence")
        record = records.get(judgement.path)
        fields.append(
            FieldRecord(
                path=judgement.path,
                value=values[judgement.path],
                ocr_text=record.ocr_text if record else None,
                confidence=round(float(p), 4),
                status=FieldStatus.FLAGGED if reasons else FieldStatus.ACCEPTED,
                reasons=ordered_reasons(reasons),
                page=record.page if record else None,
                bbox=record.bbox if record else None,
                suggestion=judgement.suggestion,
                evidence=record.evidence if record else None,
            )
        )
    state = review_state(fields, doc.document_flags)
    return doc.model_copy(update={"fields": fields}).in_state(state)


def review_state(
    fields: Iterable[FieldRecord], document_flags: Iterable[DocumentFlag]
) -> ReviewState:
    """Never `accepted`: acceptance is a reviewer's act (or the service's configured policy).
    Ready only when no field is flagged and no document flag is open: a lost page or row has
    no field to flag, so its document flag alone keeps the document in review."""
    flagged = any(f.status == FieldStatus.FLAGGED for f in fields)
    open_flag = any(f.status == DocumentFlagStatus.OPEN for f in document_flags)
    return ReviewState.NEEDS_REVIEW if flagged or open_flag else ReviewState.READY
