"""What review costs a clerk, counted against the truth: the items to look at, the key presses
to settle them, and how often a suggestion was there and right.

The clerk of this count knows the paper: an item whose value is right is confirmed (Ctrl+Enter,
one press), one whose suggestion is right takes it (Tab, Enter), any other is typed as printed
(its characters and Enter). A merged 一级/二级 cell is one item however many rows it spans; an
open document flag is one item of one press (resolving it; typing a lost row is not counted);
every document ends with one press to accept it. A lower bound for people, comparable between
two versions on the same documents.
"""

from dataclasses import dataclass

from ingest.evaluation.compare import values_equal
from ingest.merged import merged_spans
from ingest.template import ValueKind, kind_key
from models.contract import DocumentFlagStatus, FieldStatus, FieldValue, FormDocument


@dataclass(frozen=True)
class ReviewPage:
    """How a version of the review page presents the work: a merged cell once or per row, and
    the presses to accept a document once nothing is left."""

    cells_once: bool = True
    accept_presses: int = 1


CURRENT_PAGE = ReviewPage()
# The page before merged cells were one item and acceptance a person's act (a document with
# no flag left accepted itself): kept to measure the change on the same documents.
EARLIER_PAGE = ReviewPage(cells_once=False, accept_presses=0)


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
    done: set[str] = set()
    counts = dict.fromkeys(("review_items", "review_keys", "suggested", "suggested_right"), 0)
    for record in pred.fields:
        if record.status != FieldStatus.FLAGGED or record.path in done:
            continue
        done.update(spans.get(record.path, (record.path,)))
        truth = truth_at.get(record.path)
        suggestion_right = record.suggestion is not None and values_equal(
            truth, record.suggestion, kinds.get(kind_key(record.path))
        )
        counts["review_items"] += 1
        counts["suggested"] += record.suggestion is not None
        counts["suggested_right"] += suggestion_right
        if correct_at.get(record.path, False) or record.path not in truth_at:
            counts["review_keys"] += 1
        elif suggestion_right:
            counts["review_keys"] += 2
        else:
            counts["review_keys"] += len("" if truth is None else str(truth)) + 1
    open_flags = sum(f.status == DocumentFlagStatus.OPEN for f in pred.document_flags)
    counts["review_items"] += open_flags
    counts["review_keys"] += open_flags + page.accept_presses
    return counts
