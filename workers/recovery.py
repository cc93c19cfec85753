"""Putting unfinished documents back on the queue when the embedded worker (re)starts.

The embedded SQLite queue forgets a message once a worker has taken it, so a document whose
whole worker died (power cut, `kill -9` of the service, a worker restarted by `serve`'s
supervisor) would stay `processing` for ever. In embedded mode the service's own worker is
the only consumer, so on every start of it each unfinished document is released (back to
`queued`, owned by no run) and sent again. Whichever message for it comes first claims it;
another one, or a task of the old run still in flight, finds it owned by another run and does
nothing, and pages already read are not read again. (On Redis, unacknowledged messages come
back by themselves after the visibility timeout.)
"""

from collections.abc import Callable

from sqlalchemy.orm import Session

from models import store


def requeue_unfinished(session: Session, dispatch: Callable[[str], None]) -> list[str]:
    """Release every queued or processing document and send it to `dispatch`; their ids."""
    ids = store.release_unfinished(session)
    session.commit()
    for document_id in ids:
        dispatch(document_id)
    return ids
