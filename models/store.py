"""Reads and writes of the service's tables, shared by the API and the workers.

Every write a task makes is an upsert keyed by (document, page) or (document, path), so a
redelivered task leaves exactly one set of rows behind.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, false, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.contract import (
    Acceptance,
    DocumentFlagStatus,
    FieldStatus,
    FormDocument,
    ReviewState,
)
from models.db import (
    Batch,
    Correction,
    Document,
    FieldRow,
    Page,
    ProcessingStatus,
    StageError,
    utcnow,
)

# Recorded as who accepted a document that `Settings.auto_accept_unflagged` let through.
AUTO_ACCEPT_POLICY = "auto_accept_unflagged"
AUTO_ACCEPT_BY = "自动接受（配置）"


def create_batch(session: Session, name: str | None) -> Batch:
    batch = Batch(name=name)
    session.add(batch)
    session.flush()
    return batch


def find_by_sha256(session: Session, sha256: str) -> Document | None:
    return session.scalar(select(Document).where(Document.sha256 == sha256))


def register_upload(
    session: Session,
    *,
    sha256: str,
    filename: str,
    media_type: str,
    size: int,
    pages: int,
    batch_id: str | None,
) -> tuple[Document, bool]:
    """The document for these bytes, and whether it is new; a repeated upload is recognised."""
    existing = find_by_sha256(session, sha256)
    if existing is not None:
        return existing, False
    doc = Document(
        sha256=sha256,
        filename=filename,
        media_type=media_type,
        size=size,
        pages_total=pages,
        batch_id=batch_id,
        status=ProcessingStatus.QUEUED,
        stage="queued",
        pages_done=0,
    )
    try:
        with session.begin_nested():
            session.add(doc)
    except IntegrityError:  # the same bytes arrived concurrently: the other upload won
        return session.scalars(select(Document).where(Document.sha256 == sha256)).one(), False
    return doc, True


UNFINISHED = (ProcessingStatus.QUEUED, ProcessingStatus.PROCESSING)
_INTAKE_LOCK = 734062  # PostgreSQL advisory lock key (734061 serialises migrations)


def lock_intake(session: Session) -> None:
    """Serialise registrations until the transaction ends, so the queue depth an upload was
    checked against holds until it commits: an advisory lock on PostgreSQL, on SQLite a write
    (matching no row), which takes the database's single write lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _INTAKE_LOCK})
    else:
        session.execute(update(Batch).where(false()).values(name=None))


def queue_depth(session: Session) -> int:
    """Documents waiting for or in processing: what a new upload would queue behind."""
    query = select(func.count()).select_from(Document).where(Document.status.in_(UNFINISHED))
    return session.scalar(query) or 0


def unfinished_documents(session: Session) -> list[str]:
    """Ids of documents still waiting for or in processing, oldest first."""
    query = select(Document.id).where(Document.status.in_(UNFINISHED))
    return list(session.scalars(query.order_by(Document.created_at)))


def oldest_unfinished_update(session: Session) -> datetime | None:
    """When the least recently touched queued or processing document last changed."""
    query = select(func.min(Document.updated_at)).where(Document.status.in_(UNFINISHED))
    return session.scalar(query)


def release_unfinished(session: Session) -> list[str]:
    """Put every queued or processing document back to `queued`, owned by no run; their ids,
    oldest first. Whatever an earlier run still has in flight then finds it no longer owns
    the document and stores nothing."""
    ids = unfinished_documents(session)
    if ids:
        session.execute(
            update(Document)
            .where(Document.id.in_(ids))
            .values(status=ProcessingStatus.QUEUED, stage="queued", run_id=None)
            .values(updated_at=utcnow())
        )
    return ids


def claim_document(session: Session, document_id: str, run: str) -> Document | None:
    """The document, locked, if ingest run `run` may process it: a queued document becomes
    this run's; a processing one is only if it already is (the same message delivered again).
    None when it is gone, finished, or another run owns it."""
    doc = lock_document(session, document_id)
    if doc is None:
        return None
    if doc.status == ProcessingStatus.QUEUED:
        doc.status, doc.stage, doc.run_id = ProcessingStatus.PROCESSING, "rasterize", run
        return doc
    if doc.status == ProcessingStatus.PROCESSING and doc.run_id in (run, None):
        doc.run_id = run
        return doc
    return None


def owned_by(doc: Document | None, run: str | None) -> bool:
    """Whether a task of run `run` (None: sent before runs were recorded) may still write."""
    return (
        doc is not None
        and doc.status == ProcessingStatus.PROCESSING
        and (run is None or doc.run_id == run)
    )


def withdraw_documents(session: Session, document_ids: list[str]) -> list[str]:
    """Delete documents that were never queued (and a batch left empty); their sha256 back."""
    docs = [d for d in (session.get(Document, i) for i in document_ids) if d is not None]
    batches = {d.batch_id for d in docs if d.batch_id}
    for doc in docs:
        session.delete(doc)
    session.flush()
    for batch_id in batches:
        if not documents_of_batch(session, batch_id):
            session.execute(delete(Batch).where(Batch.id == batch_id))
    return [d.sha256 for d in docs]


def list_documents(
    session: Session,
    *,
    status: str | None,
    batch_id: str | None,
    limit: int,
    offset: int,
    form: str | None = None,
) -> tuple[list[Document], int]:
    """Documents with open document flags first (a page or rows may be missing), then the
    newest."""
    query = select(Document)
    if status:
        query = query.where(Document.status == status)
    if batch_id:
        query = query.where(Document.batch_id == batch_id)
    if form:
        query = query.where(Document.form == form)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = (Document.open_flags > 0).desc(), Document.created_at.desc(), Document.id
    rows = session.scalars(query.order_by(*order).limit(limit).offset(offset))
    return list(rows), total


def set_stage(session: Session, document_id: str, stage: str, status: str | None = None) -> None:
    values: dict[str, Any] = {"stage": stage, "updated_at": utcnow()}
    if status:
        values["status"] = status
    session.execute(update(Document).where(Document.id == document_id).values(**values))


def record_error(
    session: Session, document_id: str, stage: str, message: str, page: int | None = None
) -> None:
    session.add(StageError(document_id=document_id, stage=stage, page=page, message=message))


def fail_document(session: Session, document_id: str, stage: str, message: str) -> None:
    record_error(session, document_id, stage, message)
    session.execute(
        update(Document)
        .where(Document.id == document_id)
        .values(status=ProcessingStatus.FAILED, stage=stage, error=message, updated_at=utcnow())
    )


def upsert_page(session: Session, document_id: str, n: int, *, dpi: int, image_path: str) -> Page:
    page = session.scalar(select(Page).where(Page.document_id == document_id, Page.n == n))
    if page is None:
        page = Page(document_id=document_id, n=n, dpi=dpi, image_path=image_path)
        session.add(page)
    else:
        page.dpi, page.image_path = dpi, image_path
    session.flush()
    return page


def get_page(session: Session, document_id: str, n: int) -> Page | None:
    return session.scalar(select(Page).where(Page.document_id == document_id, Page.n == n))


def pages_of(session: Session, document_id: str) -> list[Page]:
    return list(
        session.scalars(select(Page).where(Page.document_id == document_id).order_by(Page.n))
    )


def recount_pages(session: Session, document_id: str) -> None:
    """pages_done from the rows themselves, so a redelivered page is not counted twice."""
    done = (
        select(func.count())
        .select_from(Page)
        .where(Page.document_id == document_id)
        .where((Page.table.is_not(None)) | (Page.error.is_not(None)))
        .scalar_subquery()
    )
    session.execute(
        update(Document)
        .where(Document.id == document_id)
        .values(pages_done=done, updated_at=utcnow())
    )


def lock_document(session: Session, document_id: str) -> Document | None:
    """Hold the document against every other writer until the transaction ends; its row,
    read after the lock is held (None when there is no such document).

    The lock is a write to the row, which PostgreSQL serialises per row and SQLite per database
    (a `SELECT ... FOR UPDATE` is silently ignored by SQLite). It must be the transaction's
    first statement: on SQLite a transaction that has already read cannot wait for the lock."""
    touched = session.execute(
        update(Document).where(Document.id == document_id).values(updated_at=utcnow())
    )
    if touched.rowcount == 0:
        return None
    return session.get(Document, document_id, populate_existing=True)


def open_document_flags(content: FormDocument) -> int:
    return sum(f.status == DocumentFlagStatus.OPEN for f in content.document_flags)


def write_content(doc: Document, content: FormDocument) -> None:
    """The document's stored contract JSON and what is kept beside it for queries; the
    service's status is the review state where the document has one (`ready` included)."""
    doc.content = content.to_json_dict()
    doc.status = (content.review_state or content.status).value
    doc.open_flags = open_document_flags(content)


def save_result(
    session: Session,
    document_id: str,
    content: FormDocument,
    *,
    form: str | None = None,
    auto_accept: bool = False,
    covered: dict[str, str] | None = None,
) -> None:
    """Store the assembled document (read as `form`) and its field rows; the status comes
    from the flags.

    A document with nothing in doubt is `ready` for a reviewer to accept; only with
    `auto_accept` (the configured policy) is it accepted here, recorded as the policy's act."""
    doc = session.get(Document, document_id)
    if doc is None:
        raise LookupError(document_id)
    unflagged = content.review_state == ReviewState.READY and not open_document_flags(content)
    if auto_accept and unflagged:
        now = utcnow()
        acceptance = Acceptance(
            by=AUTO_ACCEPT_BY,
            at=now,
            reason="识别结果无任何标记，按配置自动接受",
            policy=AUTO_ACCEPT_POLICY,
        )
        content = content.model_copy(update={"acceptance": acceptance})
        content = content.in_state(ReviewState.ACCEPTED)
        doc.accepted_by, doc.accepted_at, doc.accept_reason = acceptance.by, now, acceptance.reason
    write_content(doc, content)
    doc.form = form or doc.form
    doc.stage = "done"
    sync_fields(session, document_id, content, covered=covered)


def sync_fields(
    session: Session,
    document_id: str,
    content: FormDocument,
    *,
    new_version: int = 1,
    covered: dict[str, str] | None = None,
) -> list[FieldRow]:
    """Upsert one row per `fields[]` entry; rows whose path vanished and were never corrected go.

    Versions are left alone here: only a correction moves one (`claim_field_version`). A row
    created during review (a row a reviewer added) starts at `new_version`, above any version
    a stale page could still hold for that path. `covered` maps a field to the one that
    stands for it in review (`ingest.review_items.covered_by`)."""
    covered = covered or {}
    rows = {
        r.path: r
        for r in session.scalars(select(FieldRow).where(FieldRow.document_id == document_id))
    }
    seen = set()
    for ordinal, record in enumerate(content.fields):
        seen.add(record.path)
        values = record.model_dump(mode="json")
        row = rows.get(record.path)
        if row is None:
            row = FieldRow(document_id=document_id, version=new_version, **values)
            session.add(row)
            rows[record.path] = row
        else:
            for key, value in values.items():
                setattr(row, key, value)
        row.ordinal = ordinal
        row.covered_by = covered.get(record.path)
    corrected = set(
        session.scalars(select(Correction.path).where(Correction.document_id == document_id))
    )
    for path, row in list(rows.items()):
        if path not in seen and path not in corrected:
            session.delete(row)
            del rows[path]
    session.flush()
    return [rows[p] for p in (r.path for r in content.fields)]


_RISK = case((FieldRow.status == FieldStatus.FLAGGED.value, 0), else_=1)


def fields_of(
    session: Session, document_id: str, status: str | None = None, *, cells_once: bool = False
) -> list[FieldRow]:
    """Fields in risk order: flagged first, then the least confident, then reading order;
    `cells_once` leaves out the fields another stands for (a merged cell's rows below its
    first, a review group's terms after its first: a failed sum check, a row in doubt)."""
    query = select(FieldRow).where(FieldRow.document_id == document_id)
    if status:
        query = query.where(FieldRow.status == status)
    if cells_once:
        query = query.where(FieldRow.covered_by.is_(None))
    return list(session.scalars(query.order_by(_RISK, FieldRow.confidence, FieldRow.ordinal)))


def get_field(session: Session, document_id: str, path: str) -> FieldRow | None:
    return session.scalar(
        select(FieldRow).where(FieldRow.document_id == document_id, FieldRow.path == path)
    )


def flagged_count(session: Session, document_id: str) -> int:
    return flagged_counts(session, [document_id]).get(document_id, 0)


def flagged_counts(session: Session, document_ids: list[str]) -> dict[str, int]:
    """Items left per document (a merged cell, a failed sum check or a row in doubt counts
    once), in one query for a queue page."""
    rows = session.execute(
        select(FieldRow.document_id, func.count())
        .where(FieldRow.document_id.in_(document_ids))
        .where(FieldRow.status == FieldStatus.FLAGGED.value)
        .where(FieldRow.covered_by.is_(None))
        .group_by(FieldRow.document_id)
    )
    return {document_id: count for document_id, count in rows}


def rename_fields(
    session: Session, document_id: str, renames: dict[str, str], version: int
) -> None:
    """Move fields to new paths (their row moved up or down); each gets `version`, so a page
    still holding the old path's version gets 409 instead of editing the wrong row."""
    if not renames:
        return
    rows = [get_field(session, document_id, old) for old in renames]
    for row in rows:  # two steps: the unique (document, path) must hold after each flush
        if row is not None:
            row.path = "~" + row.path
    session.flush()
    for row, new in zip(rows, renames.values(), strict=True):
        if row is not None:
            row.path, row.version = new, version
    session.flush()


def drop_fields(session: Session, document_id: str, paths: list[str]) -> None:
    """Delete fields of a removed row; their audit entries stay, by path, without the link."""
    rows = [r for r in (get_field(session, document_id, p) for p in paths) if r is not None]
    ids = [r.id for r in rows]
    if ids:
        session.execute(
            update(Correction).where(Correction.field_id.in_(ids)).values(field_id=None)
        )
        for row in rows:
            session.delete(row)
        session.flush()


def claim_field_version(session: Session, field_id: int, version: int) -> bool:
    """Compare-and-set on the field's version: exactly one of two racing reviewers wins."""
    result = session.execute(
        update(FieldRow)
        .where(FieldRow.id == field_id, FieldRow.version == version)
        .values(version=version + 1)
    )
    return result.rowcount == 1


def errors_of(session: Session, document_id: str) -> list[StageError]:
    return list(
        session.scalars(
            select(StageError).where(StageError.document_id == document_id).order_by(StageError.id)
        )
    )


def corrections_of(session: Session, document_id: str | None = None) -> list[Correction]:
    query = select(Correction).order_by(Correction.id)
    if document_id:
        query = query.where(Correction.document_id == document_id)
    return list(session.scalars(query))


def last_undoable(session: Session, document_id: str) -> Correction | None:
    """The newest correction of a field that no undo has taken back yet."""
    undone = select(Correction.reverts).where(
        Correction.document_id == document_id, Correction.reverts.is_not(None)
    )
    return session.scalar(
        select(Correction)
        .where(Correction.document_id == document_id, Correction.action == "correct")
        .where(Correction.field_id.is_not(None), Correction.id.not_in(undone))
        .order_by(Correction.id.desc())
        .limit(1)
    )


def documents_of_batch(session: Session, batch_id: str) -> list[Document]:
    return list(
        session.scalars(
            select(Document).where(Document.batch_id == batch_id).order_by(Document.created_at)
        )
    )
