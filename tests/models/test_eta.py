"""The estimated wait of a queued document: pages ahead of it in upload order, at the pace the
workers read the latest pages."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from models.db import Document, Page, ProcessingStatus, session_factory, upgrade_database, utcnow
from models.eta import reading_etas, reading_pace

NOW = utcnow()


@pytest.fixture
def session(tmp_path: Path) -> Session:
    url = f"sqlite:///{tmp_path / 'eta.db'}"
    upgrade_database(url)
    return session_factory(url)()


def _document(session: Session, name: str, *, status: str, done: int, total: int, minute: int):
    doc = Document(
        sha256=name * 8, filename=f"{name}.pdf", media_type="application/pdf", size=1,
        status=status, pages_done=done, pages_total=total,
        created_at=NOW - timedelta(minutes=60 - minute),
    )  # fmt: skip
    session.add(doc)
    session.flush()
    return doc


def _read_pages(session: Session, doc: Document, seconds_ago: list[float], took_s: float) -> None:
    for n, ago in enumerate(seconds_ago, start=1):
        session.add(Page(document_id=doc.id, n=n, dpi=200, image_path=f"{doc.id}/{n}.png",
                         read_at=NOW - timedelta(seconds=ago), read_s=took_s))  # fmt: skip
    session.flush()


def test_no_pace_before_any_page_is_read(session: Session) -> None:
    _document(session, "a", status=ProcessingStatus.QUEUED, done=0, total=4, minute=1)
    assert reading_pace(session) is None
    assert reading_etas(session) == {}


def test_two_workers_reading_together_halve_the_pace_and_a_pause_does_not_count(
    session: Session,
) -> None:
    done = _document(session, "d", status=ProcessingStatus.NEEDS_REVIEW, done=6, total=6, minute=0)
    # two workers, each 2 s a page, finishing in pairs; one idle minute before the last pair
    _read_pages(session, done, [0, 0.1, 62, 62.1, 64, 64.1], took_s=2.0)
    assert reading_pace(session) == pytest.approx(1.0, abs=0.05)


def test_one_worker_reads_at_the_pace_of_its_pages(session: Session) -> None:
    done = _document(session, "d", status=ProcessingStatus.NEEDS_REVIEW, done=3, total=3, minute=0)
    _read_pages(session, done, [3600, 3605, 3610], took_s=2.5)
    assert reading_pace(session) == pytest.approx(2.5)


def test_each_waiting_document_waits_for_the_pages_uploaded_before_it(session: Session) -> None:
    done = _document(session, "d", status=ProcessingStatus.NEEDS_REVIEW, done=3, total=3, minute=0)
    _read_pages(session, done, [3600, 3602, 3604], took_s=2.0)
    first = _document(session, "a", status=ProcessingStatus.PROCESSING, done=1, total=4, minute=1)
    second = _document(session, "b", status=ProcessingStatus.QUEUED, done=0, total=5, minute=2)
    failed = _document(session, "f", status=ProcessingStatus.FAILED, done=0, total=9, minute=3)
    assert reading_etas(session) == {first.id: 6.0, second.id: 16.0}
    assert failed.id not in reading_etas(session)
