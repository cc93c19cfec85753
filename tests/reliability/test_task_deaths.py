"""Tasks that never come back (hard time limit, a worker killed on the last allowed run) still
end their document: the chord's error path assembles the pages that were read and records the
missing one; a dead document-level task fails its document with the reason. Eager Celery with
the reading stages faked, like tests/workers/test_tasks.py, because a real hard kill cannot be
timed onto one page reliably; the real soft limit and a real kill are in test_worker.py."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from celery.exceptions import TimeLimitExceeded

import ingest.pipeline
from jixiao.settings import Settings, get_settings
from models import store
from models.contract import EngineInfo
from models.db import Document, session_factory
from tests.workers.test_tasks import _fake_assemble, _register, _three_page_pdf
from tests.workers.test_tasks import data_dir as data_dir  # the fixture
from workers import tasks
from workers.app import celery_config


def test_limits_and_the_cap_on_runs_come_from_settings() -> None:
    config = celery_config(
        Settings(page_time_limit_s=7, document_time_limit_s=20, time_limit_grace_s=3)
    )
    assert config["task_annotations"]["jixiao.read_page"] == {
        "soft_time_limit": 7,
        "time_limit": 10,
    }
    assert config["task_annotations"]["jixiao.assemble_document"]["time_limit"] == 23
    assert config["task_retry_on_worker_lost"] and config["task_acks_late"]
    assert tasks.read_page.max_retries == tasks.MAX_RUNS - 1 < 10


def test_a_page_that_never_came_back_is_recorded_and_the_rest_assembled(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ingest.pipeline, "assemble", _fake_assemble)
    monkeypatch.setattr(
        tasks, "get_ocr_engine", lambda: SimpleNamespace(info=EngineInfo(engine="fake"))
    )
    doc_id = _register(data_dir, _three_page_pdf(data_dir / "three.pdf"))
    url = get_settings().resolved_database_url
    with session_factory(url)() as session:
        for n in (1, 2, 3):
            store.upsert_page(session, doc_id, n, dpi=50, image_path=f"pages/{doc_id}/{n}.png")
        for n in (1, 3):  # pages 1 and 3 were read; page 2's task died without a word
            store.get_page(session, doc_id, n).table = {
                "page": n - 1,
                "width": 10,
                "height": 10,
                "grid": None,
            }
        store.set_stage(session, doc_id, "read", "processing")
        session.commit()

    assert tasks.assemble_document.delay(doc_id).get() == "needs_review"

    with session_factory(url)() as session:
        doc = session.get(Document, doc_id)
        assert doc.error == "pages not read: 2"
        (error,) = store.errors_of(session, doc_id)
        assert (error.stage, error.page) == ("read", 2) and "hard time limit" in error.message


def test_a_dead_document_task_fails_its_document(data_dir: Path) -> None:
    doc_id = _register(data_dir, _three_page_pdf(data_dir / "three.pdf"))
    url = get_settings().resolved_database_url
    with session_factory(url)() as session:
        store.set_stage(session, doc_id, "rasterize", "processing")
        session.commit()
    tasks._task_died(sender=tasks.ingest_document, args=(doc_id,), exception=TimeLimitExceeded(360))
    tasks._task_died(sender=tasks.read_page, args=("other", 1), exception=TimeLimitExceeded(1))
    with session_factory(url)() as session:
        doc = session.get(Document, doc_id)
        assert (doc.status, doc.stage, doc.error) == ("failed", "rasterize", "time limit exceeded")
