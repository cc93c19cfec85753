"""What review asks once: a merged 一级/二级 cell (`ingest.merged`), and the terms of a failed
sum check.

A failed `sum_equal` or `sum_at_most` check flags every one of its terms, yet it asks one
question: do these figures, as printed, disagree? `check_groups` gives each failed check's
flagged terms as one group, so review asks it once. The groups are found by running the form's
checks on the document as it now is, the same call re-validation makes after every reviewer
act, so they stay true after corrections: a corrected or confirmed term leaves its group (it
is no longer flagged), and a fix that makes the sum hold ends it. Checks sharing a flagged
term (a total in two sums) are one group. A term flagged also for another reason (a reading
doubt) stays in the group, listed first, with its own reasons to be looked at.
"""

from pydantic import BaseModel, ConfigDict

from ingest.forms import form_of
from ingest.merged import merged_spans
from ingest.validate import CheckIssue, run_checks
from models.contract import FieldRecord, FieldStatus, FormDocument


class CheckGroup(BaseModel):
    """The flagged terms of failed sum checks, asked as one review item."""

    model_config = ConfigDict(frozen=True)

    checks: tuple[str, ...]  # the template's check ids, in template order
    messages: tuple[str, ...]  # each check's message, what the reviewer is asked
    reasons: frozenset[str]  # the reasons these checks flag (`sum_mismatch`)
    paths: tuple[str, ...]  # the flagged terms, the one that most needs a look first


def _failed_sums(doc: FormDocument) -> list[CheckIssue]:
    template = form_of(doc).template
    sums = {spec.id for spec in template.checks}
    return [issue for issue in run_checks(doc, template) if issue.check in sums]


def _term_order(record: FieldRecord, reasons: frozenset[str], position: int) -> tuple:
    """A term flagged for a reason of its own first, then one with a suggestion (the check's
    single suspect), then the least confident, then the check's order."""
    own = bool(set(record.reasons) - reasons)
    return (not own, record.suggestion is None, record.confidence, position)


def check_groups(doc: FormDocument) -> list[CheckGroup]:
    """Each failed sum check of `doc` (joined with any sharing a flagged term) with at least
    two flagged terms; a single flagged term is an ordinary item."""
    flagged = {f.path: f for f in doc.fields if f.status == FieldStatus.FLAGGED}
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
        ordered = sorted(paths, key=lambda p: _term_order(flagged[p], reasons, paths.index(p)))
        groups.append(
            CheckGroup(
                checks=tuple(issue.check for issue in issues),
                messages=tuple(issue.message for issue in issues),
                reasons=reasons,
                paths=tuple(ordered),
            )
        )
    return groups


def covered_by(doc: FormDocument) -> dict[str, str]:
    """Every path another item's first field stands for -> that first field's path: the rows
    of a merged cell below its first, and the terms of a check group after its first."""
    covered = {path: group.paths[0] for group in check_groups(doc) for path in group.paths[1:]}
    merged = {path: span[0] for path, span in merged_spans(doc).items() if span[0] != path}
    return covered | merged
