"""The per-document work as Celery tasks: rasterise, then a chord of pages, then assemble.

    ingest_document(doc)  rasterise; store page PNGs; fan out (a page whose text the file
                          holds, a PDF's trusted text layer or an office file's print, is
                          read here and stored with its PageTable)
      read_page(doc, n)   clean + grid + OCR one page; store clean PNG and PageTable JSON
    assemble_document(doc) stitch, map, check, flag; store the document and its fields

Tasks take ids, read their inputs from the database and the data folder, and write with
upserts, so a redelivered task is harmless. Bad input (`InputRejected`, `UnknownTemplate`) fails
the document at once; any other fault is retried with backoff and, when retries run out,
recorded against its stage and page. A page that fails does not stop the others.

Time limits and the cap on runs come from settings (`workers.app`): at the soft limit a task
records "time limit exceeded"; a task that never comes back (hard limit, or its process died
on the last allowed run) is still accounted for: a page by the chord's error path, which
assembles the pages that were read, a document-level task by `_task_died`.
"""

import logging
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

from celery import Task, chord
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded, WorkerLostError
from celery.signals import task_failure, worker_process_init
from sqlalchemy.orm import Session

from ingest.artifacts import PageImage, PageTable, SourceDocument
from ingest.errors import InputRejected, UnknownTemplate
from ingest.forms import form_of
from ingest.ocr.base import OcrEngine
from ingest.review_items import covered_by
from jixiao.options import input_limits, ocr_options
from jixiao.settings import get_settings
from models import store
from models.blobs import BlobStore
from models.contract import ReviewState
from models.db import Document, ProcessingStatus, get_engine, session_factory, utcnow
from workers.app import celery_app

log = logging.getLogger(__name__)

PERMANENT = (InputRejected, UnknownTemplate)
MAX_RETRIES = 2  # transient faults, with backoff
MAX_RUNS = 4  # runs of one task at most: transient retries and lost workers together
TASK_OPTIONS: dict[str, Any] = {"bind": True, "max_retries": MAX_RUNS - 1, "default_retry_delay": 1}
T = TypeVar("T")


@worker_process_init.connect
def _init_process(**_: Any) -> None:
    """A forked pool process must not share the parent's DB connections; load OCR once here."""
    get_engine(get_settings().resolved_database_url).dispose(close=False)
    try:
        get_ocr_engine()
    except Exception:  # the first page task reports it against its stage
        log.exception("OCR engine could not be loaded")


def get_ocr_engine() -> OcrEngine:
    """This process's engine: `create_engine` builds it once and hands back the same one."""
    from ingest.ocr import create_engine

    return create_engine(ocr_options(get_settings()))


def _session() -> Session:
    return session_factory(get_settings().resolved_database_url)()


def _blobs() -> BlobStore:
    return BlobStore(get_settings().data_dir)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, InputRejected):
        return f"{exc.code}: {exc.message}"
    if isinstance(exc, (SoftTimeLimitExceeded, TimeLimitExceeded)):
        return "time limit exceeded"
    if isinstance(exc, WorkerLostError):
        return f"the worker process died {MAX_RUNS} times running it"
    # shown to API clients: where the data folder lies is none of theirs
    data_dir = str(get_settings().data_dir.resolve())
    return f"{type(exc).__name__}: {exc}".replace(data_dir, "<data>")


def _time_limit_inside(exc: BaseException) -> SoftTimeLimitExceeded | None:
    """The soft time limit can fire inside a library callback (ONNX Runtime's) that re-raises
    it as its own error; the chain of causes still holds it."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SoftTimeLimitExceeded):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _attempt(task: Task, work: Callable[[], T]) -> tuple[T | None, BaseException | None]:
    """Run `work`; retry transient faults with backoff; hand back what finally went wrong."""
    try:
        return work(), None
    except PERMANENT as exc:
        return None, exc
    except SoftTimeLimitExceeded as exc:
        return None, exc
    except Exception as exc:
        if stopped := _time_limit_inside(exc):  # a library wrapped it: still no retry
            return None, stopped
        if task.request.retries < MAX_RETRIES:
            log.warning("retrying %s after %s", task.name, _describe(exc))
            raise task.retry(exc=exc, countdown=2**task.request.retries) from exc
        log.exception("%s failed after retries", task.name)
        return None, exc


def _source(doc: Document, blobs: BlobStore) -> SourceDocument:
    return SourceDocument(
        path=str(blobs.upload_path(doc.sha256)),
        filename=doc.filename,
        sha256=doc.sha256,
        size=doc.size,
        media_type=doc.media_type,
        pages=doc.pages_total,
    )


@celery_app.task(name="jixiao.ingest_document", **TASK_OPTIONS)
def ingest_document(self: Task, document_id: str) -> int:
    """Rasterise every page to the data folder, then fan out the pages not read yet.

    The document becomes this run's (`self.request.id`); a second message for it, sent again
    after a restart while the first still waited, finds it owned by another run and stops."""
    settings, blobs, run = get_settings(), _blobs(), self.request.id
    with _session() as session, session.begin():
        doc = store.claim_document(session, document_id, run)
        if doc is None:
            return 0  # unknown, finished, or being read by another run
        source = _source(doc, blobs)

    def rasterize() -> int:
        from ingest.pipeline import read_source_pages

        count = 0
        # closed on the way out, so a failed write stops the renderer at once
        with (
            tempfile.TemporaryDirectory(prefix="jixiao-print-") as work,
            closing(
                read_source_pages(source, input_limits(settings), get_ocr_engine(), Path(work))
            ) as pages,
        ):
            for page, from_file in pages:
                n = page.index + 1
                relative = blobs.page_path(document_id, n)
                blobs.write_image(relative, page.image)
                with _session() as session, session.begin():
                    row = store.upsert_page(
                        session, document_id, n, dpi=page.dpi, image_path=relative
                    )
                    if from_file is not None:  # read from the file: nothing left to OCR
                        row.clean_image_path, row.error = relative, None
                        row.table = from_file[1].model_dump(mode="json")
                count = n
        return count

    pages, error = _attempt(self, rasterize)
    with _session() as session, session.begin():
        doc = store.lock_document(session, document_id)
        if not store.owned_by(doc, run):
            return 0
        if error is not None or not pages:
            store.fail_document(
                session, document_id, "rasterize", _describe(error) if error else "no pages"
            )
            return 0
        doc.pages_total, doc.stage = pages, "read"
        session.flush()
        store.recount_pages(session, document_id)  # pages read from the file are done
        pages_now = store.pages_of(session, document_id)
        unread = [p.n for p in pages_now if p.table is None or p.error is not None]
    # if a page task fails outright (hard limit, lost for good) the errback assembles anyway
    assemble = assemble_document.si(document_id, run)
    if unread:
        chord(read_page.si(document_id, n, run) for n in unread)(
            assemble.on_error(assemble_document.si(document_id, run))
        )
    else:  # every page is read already: from the file's text, or by an earlier delivery
        assemble.delay()
    return pages


@celery_app.task(name="jixiao.read_page", **TASK_OPTIONS)
def read_page(self: Task, document_id: str, n: int, run: str | None = None) -> bool:
    """Clean, find the grid and OCR one page; store the clean image and the PageTable.

    A page already read is not read again, and a run that no longer owns the document
    neither reads nor stores."""
    blobs = _blobs()
    with _session() as session:
        page = store.get_page(session, document_id, n)
        if page is None or not store.owned_by(session.get(Document, document_id), run):
            return False
        if page.table is not None and page.error is None:
            return True  # read already: by an earlier delivery, or from the file's own text
        image_path, dpi = page.image_path, page.dpi
        source = _source(session.get(Document, document_id), blobs)

    def work() -> tuple[str, dict]:
        from ingest.digital.pages import ocr_reason
        from ingest.pipeline import read_page as read

        image = PageImage(index=n - 1, image=blobs.read_image(image_path), dpi=dpi)
        reason = ocr_reason(source, n - 1, dpi)
        clean, table = read(image, get_ocr_engine(), reason=reason)
        clean_path = blobs.page_path(document_id, n, clean=True)
        blobs.write_image(clean_path, clean.image)
        return clean_path, table.model_dump(mode="json")

    started = time.monotonic()
    result, error = _attempt(self, work)
    took_s = time.monotonic() - started
    with _session() as session, session.begin():
        if not store.owned_by(store.lock_document(session, document_id), run):
            return False
        page = store.get_page(session, document_id, n)
        page.read_at, page.read_s = utcnow(), took_s
        if result is not None:
            page.clean_image_path, page.table, page.error = result[0], result[1], None
            log.info("read page %d of %s", n, document_id)
        else:
            page.error = _describe(error)
            store.record_error(session, document_id, "read", page.error, page=n)
        session.flush()
        store.recount_pages(session, document_id)
    return result is not None


@celery_app.task(name="jixiao.assemble_document", **TASK_OPTIONS)
def assemble_document(self: Task, document_id: str, run: str | None = None) -> str:
    """Stitch the read pages, map them onto the template, run the checks, store the fields."""
    blobs = _blobs()
    with _session() as session, session.begin():
        doc = store.lock_document(session, document_id)
        if not store.owned_by(doc, run):
            return doc.status if doc else "missing"
        store.set_stage(session, document_id, "assemble")
        source = _source(doc, blobs)
        pages = store.pages_of(session, document_id)
        tables = [PageTable.model_validate(p.table) for p in pages if p.table is not None]
        failed = [p.n for p in pages if p.table is None]
        for page in pages:
            if page.table is None and page.error is None:  # its task never came back
                page.error = "stopped: hard time limit, or its worker process kept dying"
                store.record_error(session, document_id, "read", page.error, page=page.n)

    def work() -> Any:
        from ingest.pipeline import assemble

        return assemble(tables, source, get_ocr_engine().info, document_id).document

    document, error = _attempt(self, work) if tables else (None, None)
    with _session() as session, session.begin():
        doc = store.lock_document(session, document_id)
        if not store.owned_by(doc, run):
            # an assembly running twice: the first one stored (and reviewers may have corrected)
            return doc.status if doc else "missing"
        if document is None:
            message = _describe(error) if error else "no page could be read"
            store.fail_document(session, document_id, "assemble", message)
            return ProcessingStatus.FAILED
        if failed:
            document = document.in_state(ReviewState.NEEDS_REVIEW)
        store.save_result(
            session,
            document_id,
            document,
            form=form_of(document).id,
            auto_accept=get_settings().auto_accept_unflagged,
            covered=covered_by(document),
        )
        if failed:
            doc.error = "pages not read: " + ", ".join(str(n) for n in failed)
        return document.status.value


@task_failure.connect
def _task_died(
    sender: Task | None = None,
    task_id: str | None = None,
    args: tuple = (),
    exception: BaseException | None = None,
    **_: Any,
) -> None:
    """A document-level task that never returned fails its document with the reason, instead
    of leaving it `processing` for ever (pages are handled by the chord's error path); not
    when the document went back to the queue or to another run meanwhile."""
    if sender is None or sender.name not in (ingest_document.name, assemble_document.name):
        return
    document_id = args[0]
    run = task_id if sender.name == ingest_document.name else (args[1] if len(args) > 1 else None)
    with _session() as session, session.begin():
        doc = store.lock_document(session, document_id)
        if store.owned_by(doc, run):
            store.fail_document(session, document_id, doc.stage, _describe(exception))
