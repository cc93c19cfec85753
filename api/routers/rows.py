"""Rows and document flags a reviewer repairs: add a lost row (typed, from an unassigned text
line, or from a region of the page read again), delete an extra one, resolve a document flag,
and undo the last correction. Every act is versioned, audited and re-validated."""

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool

from api import review
from api.auth import Reviewer, require
from api.deps import BlobsDep, PageNumber, Position, SessionDep, require_document
from api.errors import Invalid, NotFound
from api.schemas import (
    RegionRequest,
    RegionText,
    ReviewState,
    RevisionComment,
    RowCreate,
    UndoRequest,
)
from models import store
from models.db import Document
from models.tokens import Role

router = APIRouter(
    prefix="/api/v1/documents/{document_id}",
    tags=["review"],
    dependencies=[Depends(require(Role.REVIEWER))],
)


def _state(session: SessionDep, doc: Document) -> ReviewState:
    return ReviewState(
        revision=doc.revision,
        status=doc.status,
        flagged_count=store.flagged_count(session, doc.id),
        open_flags=doc.open_flags,
    )


@router.post("/rows", response_model=ReviewState)
def add_row(document_id: str, body: RowCreate, session: SessionDep, who: Reviewer) -> ReviewState:
    """Add a task or indicator row before `index`; a stale `revision` answers 409."""
    doc = review.add_row(
        session,
        document_id,
        list_name=body.list,
        index=body.index,
        values=body.values,
        revision=body.revision,
        from_flag=body.from_flag,
        page=body.page,
        bbox=body.bbox,
        comment=body.comment,
        who=who.name,
    )
    return _state(session, doc)


@router.delete("/rows/{list_name}/{index}", response_model=ReviewState)
def delete_row(
    document_id: str,
    list_name: str,
    index: Position,
    body: RevisionComment,
    session: SessionDep,
    who: Reviewer,
) -> ReviewState:
    """Delete a row that is not on the paper; its values stay in the audit trail."""
    doc = review.remove_row(
        session,
        document_id,
        list_name=list_name,
        index=index,
        revision=body.revision,
        comment=body.comment,
        who=who.name,
    )
    return _state(session, doc)


@router.post("/document-flags/{index}/resolve", response_model=ReviewState)
def resolve_flag(
    document_id: str, index: Position, body: RevisionComment, session: SessionDep, who: Reviewer
) -> ReviewState:
    """Resolve a document flag; the comment (required) says what the reviewer found."""
    doc = review.resolve_document_flag(
        session,
        document_id,
        index,
        revision=body.revision,
        comment=body.comment or "",
        who=who.name,
    )
    return _state(session, doc)


@router.post("/undo", response_model=ReviewState)
def undo(document_id: str, body: UndoRequest, session: SessionDep, who: Reviewer) -> ReviewState:
    """Take back the newest correction not yet undone (recorded in the audit trail)."""
    _, doc = review.undo_last(session, document_id, who=who.name, comment=body.comment)
    return _state(session, doc)


@router.post("/pages/{n}/read", response_model=RegionText)
async def read_region(
    document_id: str, n: PageNumber, body: RegionRequest, session: SessionDep, blobs: BlobsDep
) -> RegionText:
    """Read the text in a box the reviewer drew on page `n` (pixels of the page image)."""
    from ingest.ocr.region import read_region as read
    from workers.tasks import get_ocr_engine

    require_document(session, document_id)
    page = store.get_page(session, document_id, n)
    if page is None:
        raise NotFound("no_page", f"文档没有第 {n} 页")
    x0, y0, x1, y1 = body.bbox
    if x1 - x0 < 4 or y1 - y0 < 4:
        raise Invalid("empty_region", "框选的区域太小")
    image = blobs.read_image(page.clean_image_path or page.image_path)
    text, confidence = await run_in_threadpool(read, image, body.bbox, get_ocr_engine())
    return RegionText(text=text, confidence=confidence)
