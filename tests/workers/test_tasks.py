"""The task chain in one process (Celery eager mode) with the reading stages faked.

Narrow on purpose: what is under test is the orchestration (pages stored, a failing page
recorded while the others go on, progress counted, results upserted, redelivery harmless).
The real pipeline with real worker processes is tests/workers/test_end_to_end.py.
"""

import shutil
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

import ingest.pipeline
from ingest.artifacts import CleanPage, PageImage, PageTable
from ingest.pipeline import Assembled
from ingest.sources import accept_upload
from jixiao.options import input_limits
from jixiao.settings import get_settings
from models import store
from models.contract import EngineInfo, FieldRecord, FieldStatus, PerformanceTargets
from models.db import Document, FieldRow, Page, session_factory, upgrade_database
from tests.ingest.digital.fixtures import SEED_PDF, SEED_XLSX, seed_gold
from workers import tasks
from workers.app import celery_app


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    get_settings.cache_clear()
    previous = dict(celery_app.conf)
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield tmp_path
    celery_app.conf.update(previous)
    get_settings.cache_clear()


def _fake_read(
    page: PageImage, engine: object, reason: str | None = None
) -> tuple[CleanPage, PageTable]:
    if page.index == 1:
        raise ValueError("no ruling lines found")
    gray = page.image[:, :, 0]
    clean = CleanPage(index=page.index, image=page.image, gray=gray, dpi=page.dpi)
    h, w = gray.shape
    return clean, PageTable(page=page.index, width=w, height=h, grid=None)


def _fake_assemble(tables: list[PageTable], source, engine_info, document_id) -> Assembled:
    fields = [
        FieldRecord(path="department", value=f"{len(tables)} pages", confidence=0.99,
                    status=FieldStatus.ACCEPTED, page=1, bbox=[1, 1, 5, 5])
    ]  # fmt: skip
    doc = PerformanceTargets(department=f"{len(tables)} pages", fields=fields, status="accepted")
    return Assembled(doc, None, None)


def _three_page_pdf(path: Path) -> Path:
    pages = [Image.fromarray(np.full((400, 300, 3), 255 - 40 * i, np.uint8)) for i in range(3)]
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=50)
    return path


def _register(data_dir: Path, pdf: Path) -> str:
    settings = get_settings()
    upgrade_database(settings.resolved_database_url)
    source = accept_upload(pdf, pdf.name, input_limits(settings))
    upload = data_dir / "uploads" / source.sha256
    upload.parent.mkdir(parents=True)
    upload.write_bytes(pdf.read_bytes())
    with session_factory(settings.resolved_database_url)() as session:
        doc, _ = store.register_upload(
            session, sha256=source.sha256, filename=source.filename, media_type=source.media_type,
            size=source.size, pages=source.pages, batch_id=None,
        )  # fmt: skip
        session.commit()
        return doc.id


def test_a_failing_page_is_recorded_and_the_rest_assembled(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest.pipeline, "read_page", _fake_read)
    monkeypatch.setattr(ingest.pipeline, "assemble", _fake_assemble)
    monkeypatch.setattr(
        tasks, "get_ocr_engine", lambda: SimpleNamespace(info=EngineInfo(engine="fake"))
    )
    monkeypatch.setattr(tasks, "MAX_RETRIES", 0)
    doc_id = _register(data_dir, _three_page_pdf(data_dir / "three.pdf"))

    assert tasks.ingest_document.delay(doc_id).get() == 3

    url = get_settings().resolved_database_url
    with session_factory(url)() as session:
        doc = session.get(Document, doc_id)
        # page 2 failed, so even a clean result needs a reviewer
        assert (doc.status, doc.stage, doc.pages_done, doc.pages_total) == (
            "needs_review",
            "done",
            3,
            3,
        )
        assert doc.error == "pages not read: 2"
        assert doc.content["department"] == "2 pages"
        (error,) = store.errors_of(session, doc_id)
        assert (error.stage, error.page) == ("read", 2)
        assert "no ruling lines" in error.message
        pages = store.pages_of(session, doc_id)
        assert [p.table is not None for p in pages] == [True, False, True]
        assert all((data_dir / p.image_path).is_file() for p in pages)
        assert (data_dir / pages[0].clean_image_path).is_file()
        # the failed page took time too: every page counts towards the queue's pace
        assert all(p.read_at is not None and p.read_s is not None for p in pages)

    # a redelivered message for a finished document changes nothing
    assert tasks.ingest_document.delay(doc_id).get() == 0
    tasks.read_page.delay(doc_id, 1).get()
    with session_factory(url)() as session:
        assert session.query(Page).filter_by(document_id=doc_id).count() == 3
        assert session.query(FieldRow).filter_by(document_id=doc_id).count() == 1
        assert session.get(Document, doc_id).pages_done == 3


def test_an_unreadable_upload_fails_the_document_without_retries(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = _three_page_pdf(data_dir / "three.pdf")
    doc_id = _register(data_dir, pdf)
    with session_factory(get_settings().resolved_database_url)() as session:
        sha = session.get(Document, doc_id).sha256
    (data_dir / "uploads" / sha).write_bytes(b"%PDF-1.4 truncated")
    calls: list[int] = []
    original = tasks._attempt
    monkeypatch.setattr(
        tasks, "_attempt", lambda task, work: calls.append(1) or original(task, work)
    )

    assert tasks.ingest_document.delay(doc_id).get() == 0

    with session_factory(get_settings().resolved_database_url)() as session:
        doc = session.get(Document, doc_id)
        assert (doc.status, doc.stage) == ("failed", "rasterize")
        assert doc.error
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("path", "reader"),
    [
        (SEED_PDF, "text_layer"),
        pytest.param(
            SEED_XLSX,
            "spreadsheet",
            marks=pytest.mark.skipif(not shutil.which("soffice"), reason="no LibreOffice"),
        ),
    ],
)
def test_digital_files_are_read_when_opened(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, path: Path, reader: str
) -> None:
    """The real reading of a printed PDF or a workbook (stored under its hash, with no name
    to go by): its pages are read when the document is opened, stored with their tables, and
    the page tasks find nothing left to OCR."""
    calls: list[int] = []
    original = ingest.pipeline.read_page
    monkeypatch.setattr(
        ingest.pipeline, "read_page", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    doc_id = _register(data_dir, path)
    assert tasks.ingest_document.delay(doc_id).get() == 3
    assert calls == []  # no page went to OCR
    with session_factory(get_settings().resolved_database_url)() as session:
        doc = session.get(Document, doc_id)
        assert (doc.status, doc.pages_done, doc.pages_total) == ("ready", 3, 3)  # nothing flagged
        assert doc.content["department"] == seed_gold().department
        readers = [p["reader"] for p in doc.content["ocr"]["pages"]]
        assert readers == [reader] * 3
        for page in store.pages_of(session, doc_id):
            assert (data_dir / page.clean_image_path).is_file()
