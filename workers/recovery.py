"""Putting unfinished documents back on the queue when the embedded service starts.

The embedded SQLite queue forgets a message once a worker has taken it, so a document whose
whole worker died (power cut, `kill -9` of the service) would stay `processing` for ever. In
embedded mode the service's own worker is the only consumer, so on start every unfinished
document is sent again; the tasks are idempotent, so one that was still queued is only read
twice, never stored twice. (On Redis, unacknowledged messages come back by themselves after the
visibility timeout.)
"""

from collections.abc import Callable

from sqlalchemy.orm import Session

from models import store


def requeue_unfinished(session: Session, dispatch: Callable[[str], None]) -> list[str]:
    """Send every queued or processing document to `dispatch` again; their ids."""
    ids = store.unfinished_documents(session)
    for document_id in ids:
        dispatch(document_id)
    return ids
