"""What review asks once: a merged 一级/二级 cell (`ingest.merged`), the terms of a failed sum
check, and the fields of one row whose structure is in doubt.

A failed `sum_equal` or `sum_at_most` check flags every one of its terms, yet it asks one
question: do these figures, as printed, disagree? `check_groups` gives each failed check's
flagged terms as one group, so review asks it once. The groups are found by running the form's
checks on the document as it now is, the same call re-validation makes after every reviewer
act, so they stay true after corrections: a corrected or confirmed term leaves its group (it
is no longer flagged), and a fix that makes the sum hold ends it. Checks sharing a flagged
term (a total in two sums) are one group. A term flagged also for another reason (a reading
doubt) stays in the group, listed first, with its own reasons to be looked at.

A row whose cells' bounds were in doubt (a rule inferred from the text, cells joined over a
page break, a row holding text no field took) flags each of its fields for `structure`, yet it
too asks one question: does this row hold what the paper prints in it? `row_groups` gives a
row's structure-flagged fields as one group. A field of a 一级/二级 cell merged over several
rows is asked with its cell (one item already), and a term of a failed sum with its check.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict

from ingest.forms import form_of
from ingest.merged import merged_spans
from ingest.validate import CheckIssue, run_checks
from models.contract import ROW_PATH, FieldRecord, FieldStatus, FormDocument

STRUCTURE = "structure"


class ReviewGroup(BaseModel):
    """Flagged fields asked as one review item: the terms of failed sum checks (`sum`), or the
    fields of one row in structural doubt (`row`)."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["sum", "row"]
    key: str  # what names it to confirm it: its first check's id, or the row (`tasks[2]`)
    checks: tuple[str, ...]  # the template's check ids, in template order (none for a row)
    messages: tuple[str, ...]  # what the reviewer is asked
    reasons: frozenset[str]  # the reasons the group stands for (`sum_mismatch`, `structure`)
    paths: tuple[str, ...]  # the flagged fields, the one that most needs a look first


def _failed_sums(doc: FormDocument) -> list[CheckIssue]:
    template = form_of(doc).template
    sums = {spec.id for spec in template.checks}
    return [issue for issue in run_checks(doc, template) if issue.check in sums]


def _term_order(record: FieldRecord, reasons: frozenset[str], position: int) -> tuple:
    """A term flagged for a reason of its own first, then one with a suggestion (the check's
    single suspect), then the least confident, then the group's order."""
    own = bool(set(record.reasons) - reasons)
    return (not own, record.suggestion is None, record.confidence, position)


def _ordered(paths: list[str], flagged: dict[str, FieldRecord], reasons: frozenset[str]) -> tuple:
    return tuple(sorted(paths, key=lambda p: _term_order(flagged[p], reasons, paths.index(p))))


def _flagged(doc: FormDocument) -> dict[str, FieldRecord]:
    return {f.path: f for f in doc.fields if f.status == FieldStatus.FLAGGED}


def check_groups(doc: FormDocument) -> list[ReviewGroup]:
    """Each failed sum check of `doc` (joined with any sharing a flagged term) with at least
    two flagged terms; a single flagged term is an ordinary item."""
    flagged = _flagged(doc)
    joined: list[tuple[list[CheckIssue], list[str]]] = []
    for issue in _failed_sums(doc):
        terms = [p for p in issue.paths if p in flagged]
        overlapping = [g for g in joined if set(g[1]) & set(terms)]
        issues, paths = [issue], list(terms)
        for group in overlapping:
            joined.remove(group)
            issues = group[0] + issues
            paths = group[1] + [p for p in paths if p not in group[1]]
        joined.append((issues, paths))
    groups = []
    for issues, paths in joined:
        if len(paths) < 2:
            continue
        reasons = frozenset(issue.reason for issue in issues)
        groups.append(
            ReviewGroup(
                kind="sum",
                key=issues[0].check,
                checks=tuple(issue.check for issue in issues),
                messages=tuple(issue.message for issue in issues),
                reasons=reasons,
                paths=_ordered(paths, flagged, reasons),
            )
        )
    return groups


def row_groups(doc: FormDocument, taken: frozenset[str] = frozenset()) -> list[ReviewGroup]:
    """Each row of `doc` with at least two fields flagged for `structure`, outside `taken`
    (terms of failed sums) and outside the 一级/二级 cells merged over several rows."""
    flagged = _flagged(doc)
    spanning = set(merged_spans(doc))
    by_row: dict[str, list[str]] = {}
    for path, record in flagged.items():
        row = ROW_PATH.match(path)
        if row and STRUCTURE in record.reasons and path not in taken and path not in spanning:
            by_row.setdefault(row.group(0), []).append(path)
    message = form_of(doc).template.messages.get(STRUCTURE, "")
    reasons = frozenset({STRUCTURE})
    return [
        ReviewGroup(
            kind="row",
            key=row,
            checks=(),
            messages=(message,),
            reasons=reasons,
            paths=_ordered(paths, flagged, reasons),
        )
        for row, paths in by_row.items()
        if len(paths) >= 2
    ]


def review_groups(doc: FormDocument, *, sums: bool = True, rows: bool = True) -> list[ReviewGroup]:
    """Every group review asks once: the failed sums, then the rows in doubt (either left out
    to count review as a page that asked them field by field)."""
    checks = check_groups(doc) if sums else []
    taken = frozenset(p for g in checks for p in g.paths)
    return [*checks, *(row_groups(doc, taken) if rows else [])]


def covered_by(doc: FormDocument) -> dict[str, str]:
    """Every path another item's first field stands for -> that first field's path: the rows
    of a merged cell below its first, and a group's fields after its first."""
    covered = {path: group.paths[0] for group in review_groups(doc) for path in group.paths[1:]}
    merged = {path: span[0] for path, span in merged_spans(doc).items() if span[0] != path}
    return covered | merged
