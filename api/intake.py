"""Turning received files into documents: content-addressed storage, checks, queueing.

A file whose bytes are already known returns the existing document (its sha256 is unique in
the database, so even simultaneous uploads of the same file end as one document). A file the
sources stage rejects is reported per file; only a request with nothing usable is an error.
"""

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from api.errors import Busy
from api.uploads import Received, Upload, expand_zip, is_zip
from ingest.digital.package import office_kind
from ingest.errors import InputRejected
from jixiao.settings import Settings
from models import store
from models.blobs import BlobStore
from models.db import Document

RETRY_AFTER_S = 30


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


def _register(
    session: Session, item: Received, blobs: BlobStore, settings: Settings, batch_id: str | None
) -> tuple[Document, bool]:
    from ingest.sources import accept_upload

    known = store.find_by_sha256(session, item.sha256)
    if known is not None:
        item.path.unlink(missing_ok=True)
        return known, False
    stored = blobs.keep_upload(item.path, item.sha256)
    try:
        source = accept_upload(stored, item.filename, settings)
    except InputRejected:
        stored.unlink(missing_ok=True)
        raise
    return store.register_upload(
        session,
        sha256=item.sha256,
        filename=item.filename,
        media_type=source.media_type,
        size=item.size,
        pages=source.pages,
        batch_id=batch_id,
    )


def check_capacity(session: Session, settings: Settings) -> None:
    """429 while `max_queue_depth` documents wait, before any of the body is read.

    Requests in flight when the queue fills can each still add their files, so the depth is
    bounded by the setting plus the files of the uploads being received at that moment."""
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
    """Store and register every file of an upload; a zip or several files make a batch."""
    blobs = BlobStore(settings.data_dir)
    items: list[Received] = []
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
    batch = store.create_batch(session, upload.fields.get("batch_name")) if batch_wanted else None
    result = IntakeResult(batch.id if batch else None, rejected=rejected)
    for i, item in enumerate(items):
        try:
            result.documents.append(_register(session, item, blobs, settings, result.batch_id))
        except InputRejected as exc:
            if len(items) == 1 and not batch_wanted:
                raise
            result.rejected.append(Rejected(item.filename, exc.code, exc.message))
        except BaseException:
            for rest in items[i:]:
                rest.path.unlink(missing_ok=True)
            raise
    if not result.documents:
        first = result.rejected[0]
        raise InputRejected(first.code, f"{first.filename}: {first.message}")
    return result
