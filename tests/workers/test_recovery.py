from pathlib import Path

from models import store
from models.db import ProcessingStatus, session_factory, upgrade_database
from workers.recovery import requeue_unfinished


def _document(session, sha: str, status: ProcessingStatus) -> str:
    doc, _ = store.register_upload(
        session, sha256=sha * 64, filename=f"{sha}.pdf", media_type="application/pdf",
        size=10, pages=1, batch_id=None,
    )  # fmt: skip
    doc.status = status
    session.flush()
    return doc.id


def test_unfinished_documents_are_sent_again_and_finished_ones_are_not(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'jixiao.db'}"
    upgrade_database(url)
    with session_factory(url)() as session, session.begin():
        queued = _document(session, "a", ProcessingStatus.QUEUED)
        stuck = _document(session, "b", ProcessingStatus.PROCESSING)
        _document(session, "c", ProcessingStatus.NEEDS_REVIEW)
        _document(session, "d", ProcessingStatus.FAILED)
    sent: list[str] = []
    with session_factory(url)() as session:
        assert requeue_unfinished(session, sent.append) == [queued, stuck]
    assert sent == [queued, stuck]
