"""A document's fields in risk order, their crops and pages, and corrections."""

from fastapi import APIRouter, Depends, Response
from fastapi.responses import FileResponse

from api import review
from api.auth import Reviewer, require
from api.deps import BlobsDep, PageNumber, SessionDep, require_document
from api.errors import NotFound
from api.schemas import FieldOut, FieldPatch, PatchResult
from models import store
from models.contract import FieldStatus
from models.tokens import Role

# values, page images and crops are the documents' content: reviewers only
router = APIRouter(
    prefix="/api/v1/documents/{document_id}",
    tags=["fields"],
    dependencies=[Depends(require(Role.REVIEWER))],
)


@router.get("/fields", response_model=list[FieldOut])
def list_fields(
    document_id: str, session: SessionDep, status: FieldStatus | None = None
) -> list[FieldOut]:
    """Flagged first, then the least confident, then reading order. Asked for the flagged ones,
    a merged 一级/二级 cell comes once, its first row standing for all (`span`)."""
    require_document(session, document_id)
    flagged = status == FieldStatus.FLAGGED
    rows = store.fields_of(session, document_id, status, cells_once=flagged)
    spans: dict[str, list[str]] = {}
    for row in store.fields_of(session, document_id):
        if row.covered_by:
            spans.setdefault(row.covered_by, [row.covered_by]).append(row.path)
    return [
        FieldOut.model_validate(r).model_copy(update={"span": spans.get(r.path, [])}) for r in rows
    ]


@router.get("/fields/{path}/crop", response_class=Response)
def field_crop(document_id: str, path: str, session: SessionDep, blobs: BlobsDep) -> Response:
    """The field's box on its cleaned page, as PNG."""
    row = store.get_field(session, document_id, path)
    if row is None:
        raise NotFound("no_field", f"没有字段 {path}")
    page = store.get_page(session, document_id, row.page) if row.page else None
    if page is None or not row.bbox:
        raise NotFound("no_crop", f"{path} has no position on a page")
    png = blobs.crop_png(page.clean_image_path or page.image_path, row.bbox)
    return Response(png, media_type="image/png")


@router.get("/pages/{n}/image", response_class=FileResponse)
def page_image(
    document_id: str,
    n: PageNumber,
    session: SessionDep,
    blobs: BlobsDep,
) -> FileResponse:
    """The cleaned page (the image field boxes refer to), or the raw page until it is read."""
    page = store.get_page(session, document_id, n)
    if page is None:
        raise NotFound("no_page", f"文档没有第 {n} 页")
    return FileResponse(
        blobs.absolute(page.clean_image_path or page.image_path), media_type="image/png"
    )


@router.patch("/fields/{path}", response_model=PatchResult)
def correct(
    document_id: str, path: str, body: FieldPatch, session: SessionDep, who: Reviewer
) -> PatchResult:
    """Correct a value; the document's checks re-run. A stale `version` answers 409."""
    row, changed, doc = review.correct_field(
        session,
        document_id,
        path,
        value=body.value,
        version=body.version,
        comment=body.comment,
        who=who.name,
    )
    return PatchResult(
        field=FieldOut.model_validate(row),
        changed=[FieldOut.model_validate(r) for r in changed],
        flagged_count=store.flagged_count(session, document_id),
        document_status=doc.status,
    )
