"""Turning received files into documents: content-addressed storage, checks, queueing.

A file whose bytes are already known returns the existing document (its sha256 is unique in
the database, so even simultaneous uploads of the same file end as one document). A file the
sources stage rejects is reported per file; only a request with nothing usable is an error.
"""

import unicodedata
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from api.errors import Busy, InsufficientStorage
from api.uploads import MAX_BATCH_FILES, Received, Upload, expand_zip, is_zip, too_many_files
from ingest.artifacts import SourceDocument
from ingest.digital.package import office_kind
from ingest.errors import InputRejected
from jixiao.settings import Settings
from models import store
from models.blobs import BlobStore
from models.db import Document

RETRY_AFTER_S = 30
MAX_BATCH_NAME = 255  # the column's width


@dataclass
class Rejected:
    filename: str
    code: str
    message: str


@dataclass
class IntakeResult:
    batch_id: str | None
    documents: list[tuple[Document, bool]] = field(default_factory=list)  # (doc, new)
    rejected: list[Rejected] = field(default_factory=list)


def _checked(item: Received, settings: Settings) -> SourceDocument:
    """The sources stage's verdict on a received file, before anything is stored."""
    from ingest.sources import accept_upload
    from jixiao.options import input_limits

    return accept_upload(item.path, item.filename, input_limits(settings))


def _register(
    session: Session,
    item: Received,
    source: SourceDocument,
    blobs: BlobStore,
    batch_id: str | None,
) -> tuple[Document, bool]:
    blobs.keep_upload(item.path, item.sha256)
    return store.register_upload(
        session,
        sha256=item.sha256,
        filename=item.filename,
        media_type=source.media_type,
        size=item.size,
        pages=source.pages,
        batch_id=batch_id,
    )


def check_capacity(session: Session, settings: Settings, announced_bytes: int) -> None:
    """Before any of the body is read: 507 while the disk lacks room for the upload (as its
    `Content-Length` announces it) plus `min_free_bytes`; 429 while `max_queue_depth`
    documents wait (checked again, counting every file, once they are in: `take_in`)."""
    if BlobStore(settings.data_dir).free_bytes() - announced_bytes < settings.min_free_bytes:
        raise InsufficientStorage()
    depth = store.queue_depth(session)
    session.rollback()  # end the read: the body may take long to arrive
    if depth >= settings.max_queue_depth:
        raise Busy(
            "queue_full",
            f"{depth} documents are waiting; retry in {RETRY_AFTER_S} s",
            {"Retry-After": str(RETRY_AFTER_S)},
        )


def withdraw(session: Session, documents: list[Document], settings: Settings) -> None:
    """Undo registrations that could not be queued: no row and no stored bytes are left."""
    blobs = BlobStore(settings.data_dir)
    for sha256 in store.withdraw_documents(session, [d.id for d in documents]):
        blobs.upload_path(sha256).unlink(missing_ok=True)
    session.commit()


def take_in(session: Session, upload: Upload, settings: Settings) -> IntakeResult:
    """Store and register every file of an upload; a zip or several files make a batch.

    Every file, loose or zipped, counts: against `MAX_BATCH_FILES`, and against the queue's
    room, checked under the intake lock so that concurrent uploads cannot each squeeze past
    it; a request that does not fit is refused whole (nothing stored)."""
    blobs = BlobStore(settings.data_dir)
    items: list[Received] = []
    try:
        return _take_in(session, upload, settings, blobs, items)
    finally:  # stored files were moved away; whatever is left was not kept
        for item in items:
            item.path.unlink(missing_ok=True)


def _take_in(
    session: Session, upload: Upload, settings: Settings, blobs: BlobStore, items: list[Received]
) -> IntakeResult:
    name = _batch_name(upload.fields.get("batch_name"))
    rejected: list[Rejected] = []
    batch_wanted = len(upload.files) > 1
    for received in upload.files:
        if is_zip(received) and office_kind(received.path) is None:  # XLSX/DOCX are zips too
            batch_wanted = True
            try:
                items += expand_zip(received, blobs.incoming_dir(), settings.max_upload_bytes)
            except InputRejected as exc:
                if len(upload.files) == 1:
                    raise
                rejected.append(Rejected(received.filename, exc.code, exc.message))
        else:
            items.append(received)
        if len(items) > MAX_BATCH_FILES:
            raise too_many_files(len(items))
    known: list[Document] = []
    fresh: list[tuple[Received, SourceDocument]] = []
    for item in items:
        if (doc := store.find_by_sha256(session, item.sha256)) is not None:
            known.append(doc)
            continue
        try:
            fresh.append((item, _checked(item, settings)))
        except InputRejected as exc:
            if len(items) == 1 and not batch_wanted:
                raise
            rejected.append(Rejected(item.filename, exc.code, exc.message))
    if not known and not fresh:
        first = rejected[0]
        raise InputRejected(first.code, f"{first.filename}: {first.message}")
    session.commit()  # end the reads: the lock below must open the transaction (SQLite)
    store.lock_intake(session)
    _check_room(session, len({item.sha256 for item, _ in fresh}), settings)
    batch = store.create_batch(session, name) if batch_wanted else None
    result = IntakeResult(batch.id if batch else None, rejected=rejected)
    result.documents += [(doc, False) for doc in known]
    for item, source in fresh:
        result.documents.append(_register(session, item, source, blobs, result.batch_id))
    return result


def _batch_name(given: str | None) -> str | None:
    """The batch's name as given; refused when longer than its column or not plain text."""
    if given is None or not given.strip():
        return None
    if len(given) > MAX_BATCH_NAME or any(unicodedata.category(c) == "Cc" for c in given):
        raise InputRejected(
            "bad_request", f"batch_name must be plain text of at most {MAX_BATCH_NAME} characters"
        )
    return given.strip()


def _check_room(session: Session, new: int, settings: Settings) -> None:
    """Refuse new documents that would take the queue past `max_queue_depth`."""
    if new > settings.max_queue_depth:
        raise InputRejected(
            "too_many_files",
            f"the request holds {new} new files; at most {settings.max_queue_depth} can wait "
            "at once: send them in smaller batches",
        )
    depth = store.queue_depth(session)
    if depth + new > settings.max_queue_depth:
        raise Busy(
            "queue_full",
            f"{depth} documents are waiting and this request adds {new}; "
            f"retry in {RETRY_AFTER_S} s",
            {"Retry-After": str(RETRY_AFTER_S)},
        )
