"""How long a waiting document has left before it is read: the pages queued ahead of it and its
own, at the pace the workers have been reading.

Workers take pages in upload order (`workers.app` routes assembly apart so a document is
finished as soon as its own pages are), so a document waits for the unread pages of every
document uploaded before it.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.db import Document, Page, ProcessingStatus

WAITING = (ProcessingStatus.QUEUED.value, ProcessingStatus.PROCESSING.value)
RECENT_PAGES = 20  # the pace is judged on this many of the latest pages read


def reading_pace(session: Session) -> float | None:
    """Seconds per page at which the workers empty the queue, or None before any page is read.

    The latest pages' reading times laid on the clock: their count over the time some page was
    being read counts every worker reading at once, and a pause with nothing to read does not
    slow the estimate down."""
    recent = session.execute(
        select(Page.read_at, Page.read_s)
        .where(Page.read_at.is_not(None), Page.read_s.is_not(None))
        .order_by(Page.read_at.desc())
        .limit(RECENT_PAGES)
    ).all()
    spans = sorted((at.timestamp() - took, at.timestamp()) for at, took in recent)
    busy, reach = 0.0, float("-inf")
    for start, end in spans:
        busy += max(0.0, end - max(start, reach))
        reach = max(reach, end)
    return busy / len(spans) if spans and busy > 0 else None


def reading_etas(session: Session) -> dict[str, float]:
    """Estimated seconds until each waiting document's last page is read, by document id;
    empty when there is no pace to go by yet."""
    pace = reading_pace(session)
    if pace is None:
        return {}
    waiting = session.execute(
        select(Document.id, Document.pages_total, Document.pages_done)
        .where(Document.status.in_(WAITING))
        .order_by(Document.created_at, Document.id)
    ).all()
    etas: dict[str, float] = {}
    ahead = 0
    for document_id, total, done in waiting:
        ahead += max(total - done, 1)  # pages not yet counted, or assembly left
        etas[document_id] = round(ahead * pace, 1)
    return etas
