"""Upload, list, follow, accept and export documents."""

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from api import review
from api.auth import Reviewer, Uploader
from api.deps import (
    DispatchDep,
    SessionDep,
    SettingsDep,
    content_of,
    require_document,
)
from api.errors import NotFound, Unavailable
from api.intake import check_capacity, take_in, withdraw
from api.schemas import (
    MAX_INT,
    AcceptRequest,
    DocumentDetail,
    DocumentList,
    DocumentOverview,
    DocumentRef,
    DocumentSummary,
    RejectedFile,
    StageErrorOut,
    UploadAccepted,
)
from api.uploads import receive_multipart
from ingest.export import ExportFile, export
from ingest.forms import Form, form_by_id, form_for_schema, form_ids, value_at
from models import store
from models.blobs import BlobStore
from models.contract import CorrectionEntry, PerformanceTargets
from models.db import Document, ProcessingStatus
from models.eta import WAITING, reading_etas

router = APIRouter(prefix="/api/v1", tags=["documents"])

ExportFormat = Annotated[Literal["json", "csv", "xlsx"], Query(alias="format")]

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "batch_name": {"type": "string"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/documents", status_code=202, response_model=UploadAccepted, openapi_extra=_UPLOAD_BODY
)
async def upload(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    dispatch: DispatchDep,
    _: Uploader,
) -> UploadAccepted:
    """PDF, PNG, JPEG or TIFF files, or a zip of them (a batch); processing starts at once.

    429 with Retry-After while the queue is full; 503 (nothing kept) when the queue is down;
    507 (nothing kept) while the disk is full."""
    length = request.headers.get("content-length", "")
    announced = int(length) if length.isdigit() else 0
    await run_in_threadpool(check_capacity, session, settings, announced)
    incoming = BlobStore(settings.data_dir).incoming_dir()
    received = await receive_multipart(
        request.headers.get("content-type"), request.stream(), incoming, settings.max_upload_bytes
    )
    try:
        result = await run_in_threadpool(take_in, session, received, settings)
        await run_in_threadpool(session.commit)
    finally:
        received.discard()
    waiting = [doc for doc, new in result.documents if new]
    for i, doc in enumerate(waiting):
        try:
            await run_in_threadpool(dispatch, doc.id)
        except Exception as exc:  # the broker is down: a document never queued is not kept
            await run_in_threadpool(withdraw, session, waiting[i:], settings)
            raise Unavailable(
                "queue_unavailable",
                "the work queue is not reachable; the files were not kept, retry shortly",
                {"Retry-After": "10"},
            ) from exc
    return UploadAccepted(
        batch_id=result.batch_id,
        documents=[
            DocumentRef(id=d.id, filename=d.filename, status=d.status, duplicate=not new)
            for d, new in result.documents
        ],
        rejected=[RejectedFile.model_validate(r) for r in result.rejected],
    )


@router.get("/documents", response_model=DocumentList)
def list_documents(
    session: SessionDep,
    _: Uploader,
    status: ProcessingStatus | None = None,
    batch: str | None = None,
    form: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
) -> DocumentList:
    rows, total = store.list_documents(
        session, status=status, batch_id=batch, form=form, limit=limit, offset=offset
    )
    flags = store.flagged_counts(session, [r.id for r in rows])
    etas = reading_etas(session) if any(r.status in WAITING for r in rows) else {}
    items = [_overview(r, flags.get(r.id, 0), etas.get(r.id)) for r in rows]
    return DocumentList(items=items, total=total, limit=limit, offset=offset)


def _form_of(doc: Document) -> Form | None:
    """The form a document was read as; its contract's form where that was not recorded."""
    if doc.form in form_ids():
        return form_by_id(doc.form)  # type: ignore[arg-type]
    schema = (doc.content or {}).get("schema")
    try:
        return form_for_schema(schema) if schema else None
    except KeyError:
        return None


def _overview(doc: Document, flagged: int, eta_s: float | None) -> DocumentOverview:
    """The summary plus what the form itself says it is (known once it has been read)."""
    content = doc.content or {}
    form = _form_of(doc)
    said = {key: value_at(content, path) for key, path in form.summary.items()} if form else {}
    return DocumentOverview(
        **DocumentSummary.model_validate(doc).model_dump(),
        form=form.id if form else None,
        form_name=form.name if form else None,
        schema=content.get("schema"),
        department=said.get("department"),
        project=said.get("project"),
        year=content.get("year"),
        flagged_count=flagged,
        eta_s=eta_s,
    )


@router.get("/documents/{document_id}", response_model=DocumentDetail)
def get_document(document_id: str, session: SessionDep, _: Uploader) -> DocumentDetail:
    """Status, progress (stage, pages done of total), flagged count, errors by stage and page."""
    doc = require_document(session, document_id)
    eta_s = reading_etas(session).get(doc.id) if doc.status in WAITING else None  # polled often
    return DocumentDetail(
        **_overview(doc, store.flagged_count(session, document_id), eta_s).model_dump(),
        document_flags=(doc.content or {}).get("document_flags", []),
        error=doc.error,
        accepted_by=doc.accepted_by,
        accepted_at=doc.accepted_at,
        accept_reason=doc.accept_reason,
        errors=[StageErrorOut.model_validate(e) for e in store.errors_of(session, document_id)],
    )


@router.post("/documents/{document_id}/accept", response_model=DocumentSummary)
def accept(
    document_id: str, body: AcceptRequest, session: SessionDep, who: Reviewer
) -> DocumentSummary:
    """A reviewer's decision: when no flag is left, or forced with a reason; never while a
    document flag is open. A later edit reopens the document."""
    doc = review.accept(
        session,
        document_id,
        force=body.force,
        reason=body.reason,
        revision=body.revision,
        who=who.name,
    )
    return DocumentSummary.model_validate(doc)


def _with_trail(session: SessionDep, doc: Document) -> PerformanceTargets:
    """The stored document with its audit trail, as every export carries it."""
    trail = [
        CorrectionEntry.model_validate(c, from_attributes=True)
        for c in store.corrections_of(session, doc.id)
    ]
    return content_of(doc).model_copy(update={"corrections": trail})


def _download(out: ExportFile, fallback: str) -> Response:
    """The file under its Chinese name (RFC 5987), with an ASCII name for old clients."""
    name = f"{out.name}.{out.extension}"
    disposition = (
        f"attachment; filename=\"{fallback}.{out.extension}\"; filename*=UTF-8''{quote(name)}"
    )
    return Response(
        out.content, media_type=out.media_type, headers={"Content-Disposition": disposition}
    )


@router.get("/documents/{document_id}/export")
def export_document(
    document_id: str, session: SessionDep, _: Reviewer, fmt: ExportFormat = "json"
) -> Response:
    """JSON (the contract, with `corrections[]`), CSV (one file per section and the audit trail,
    zipped) or XLSX (form sheet, flat sheets, 修改记录); named by department and year."""
    doc = require_document(session, document_id)
    return _download(export([_with_trail(session, doc)], fmt), doc.id)


@router.get("/batches/{batch_id}/export", tags=["batches"])
def export_batch(
    batch_id: str, session: SessionDep, _: Reviewer, fmt: ExportFormat = "json"
) -> Response:
    """Every processed document of the batch; JSON is an array of contract documents."""
    docs = [d for d in store.documents_of_batch(session, batch_id) if d.content is not None]
    if not docs:
        raise NotFound("no_batch", f"no processed documents in batch {batch_id}")
    out = export([_with_trail(session, d) for d in docs], fmt, batch=True)
    return _download(out, f"batch-{batch_id}")
