"""What review costs a clerk, counted against the truth: the items to look at, the key presses
to settle them, and how often a suggestion was there and right.

The clerk of this count knows the paper: an item whose value is right is confirmed (Ctrl+Enter,
one press), one whose suggestion is right takes it (Tab, Enter), any other is mended in the box
the page fills with the reading (a press per character to change, insert or delete, at most
retyping it whole, and Enter; moving the cursor is not counted). A merged 一级/二级 cell is
one item however many rows it spans; so are the flagged terms of a failed sum check and the
structure-flagged fields of one row (`ingest.review_items.review_groups`, as the review page
groups them): one press confirms them all when every term is right, otherwise the wrong terms
are fixed as above, and what the fixes leave flagged among the others (a sum the paper itself
breaks, a row still in doubt, a term's own reading doubt) takes a press per item it then is.
An open document flag is one item of one press (resolving it; typing a lost row is not
counted); every document ends with one press to accept it. A lower bound for people,
comparable between two versions on the same documents.
"""

from dataclasses import dataclass

from ingest.evaluation.compare import edit_distance, normalize_text, values_equal
from ingest.forms import form_of
from ingest.merged import merged_spans
from ingest.review import revalidate
from ingest.review_items import ReviewGroup, review_groups
from ingest.template import ValueKind, kind_key
from models.contract import (
    DocumentFlagStatus,
    FieldRecord,
    FieldStatus,
    FieldValue,
    FormDocument,
)


@dataclass(frozen=True)
class ReviewPage:
    """How a version of the review page presents the work: a merged cell once or per row, a
    failed sum check's terms once or each alone, a row's structure doubts once or per field,
    and the presses to accept a document once nothing is left."""

    cells_once: bool = True
    checks_once: bool = True
    rows_once: bool = True
    accept_presses: int = 1

    def groups(self, doc: FormDocument) -> list[ReviewGroup]:
        return review_groups(doc, sums=self.checks_once, rows=self.rows_once)


CURRENT_PAGE = ReviewPage()
# The page before merged cells and failed sum checks were one item and acceptance a person's
# act (a document with no flag left accepted itself): kept to measure the change on the same
# documents.
EARLIER_PAGE = ReviewPage(cells_once=False, checks_once=False, rows_once=False, accept_presses=0)
# The page with merged cells once and acceptance a person's act, but every term of a failed
# sum check, and every field of a row in doubt, an item of its own.
TERMS_PAGE = ReviewPage(checks_once=False, rows_once=False)
# The page with failed sums once, but every field of a row in structural doubt an item.
FIELDS_PAGE = ReviewPage(rows_once=False)


def review_effort(
    pred: FormDocument,
    truth_at: dict[str, FieldValue],
    correct_at: dict[str, bool],
    kinds: dict[str, ValueKind],
    page: ReviewPage = CURRENT_PAGE,
) -> dict[str, int]:
    """review_items, review_keys, suggested and suggested_right of one document; `truth_at`
    maps a predicted path to the printed value (absent: a row the paper does not have)."""
    spans = merged_spans(pred) if page.cells_once else {}
    groups = page.groups(pred)
    group_of = {path: group for group in groups for path in group.paths}
    records = {f.path: f for f in pred.fields}
    done: set[str] = set()
    counts = dict.fromkeys(("review_items", "review_keys", "suggested", "suggested_right"), 0)
    for record in pred.fields:
        if record.status != FieldStatus.FLAGGED or record.path in done:
            continue
        group = group_of.get(record.path)
        terms = [records[p] for p in group.paths] if group else [record]
        done.update(group.paths if group else spans.get(record.path, (record.path,)))
        rights = [_suggestion_right(r, truth_at, kinds) for r in terms if r.suggestion is not None]
        counts["review_items"] += 1
        counts["suggested"] += bool(rights)
        counts["suggested_right"] += bool(rights) and all(rights)
        if group is None:
            counts["review_keys"] += _fix_keys(record, truth_at, correct_at, kinds) or 1
        else:
            counts["review_keys"] += _group_keys(
                pred, records, group, truth_at, correct_at, kinds, page
            )
    open_flags = sum(f.status == DocumentFlagStatus.OPEN for f in pred.document_flags)
    counts["review_items"] += open_flags
    counts["review_keys"] += open_flags + page.accept_presses
    return counts


def _suggestion_right(
    record: FieldRecord, truth_at: dict[str, FieldValue], kinds: dict[str, ValueKind]
) -> bool:
    return values_equal(
        truth_at.get(record.path), record.suggestion, kinds.get(kind_key(record.path))
    )


def _fix_keys(
    record: FieldRecord,
    truth_at: dict[str, FieldValue],
    correct_at: dict[str, bool],
    kinds: dict[str, ValueKind],
) -> int:
    """The presses that put the printed value in a wrong field (Tab, Enter for a right
    suggestion; else the reading mended and Enter); 0 for a field that is right as read, or on
    no row of the paper."""
    if correct_at.get(record.path, False) or record.path not in truth_at:
        return 0
    if record.suggestion is not None and _suggestion_right(record, truth_at, kinds):
        return 2
    printed = normalize_text(truth_at[record.path])
    return min(edit_distance(normalize_text(record.value), printed), len(printed)) + 1


def _group_keys(
    pred: FormDocument,
    records: dict[str, FieldRecord],
    group: ReviewGroup,
    truth_at: dict[str, FieldValue],
    correct_at: dict[str, bool],
    kinds: dict[str, ValueKind],
    page: ReviewPage,
) -> int:
    """One press when every term is right; else the fixes of the wrong terms and a press for
    each item still flagged among the right ones once the fixes are re-validated; `records`
    are `pred`'s fields by path."""
    fixes = {p: _fix_keys(records[p], truth_at, correct_at, kinds) for p in group.paths}
    wrong = {p: truth_at[p] for p, keys in fixes.items() if keys}
    if not wrong:
        return 1
    fixed = revalidate(pred, wrong, form_of(pred).template)
    still = {f.path for f in fixed.fields if f.status == FieldStatus.FLAGGED} & set(group.paths)
    regrouped = [g for g in page.groups(fixed) if still & set(g.paths)]
    alone = still - {p for g in regrouped for p in g.paths}
    return sum(fixes.values()) + len(regrouped) + len(alone)
