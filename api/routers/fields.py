"""A document's fields in risk order, their crops and pages, and corrections."""

from typing import Literal

from fastapi import APIRouter, Depends, Response
from fastapi.responses import FileResponse

from api import review
from api.auth import Reviewer, require
from api.deps import BlobsDep, PageNumber, SessionDep, require_document
from api.errors import NotFound
from api.schemas import (
    FieldOut,
    FieldPatch,
    GroupConfirm,
    GroupConfirmResult,
    PatchResult,
    ReviewGroupOut,
)
from models import store
from models.contract import FieldStatus, parse_document
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
    a merged 一级/二级 cell comes once, its first row standing for all (`span`), and so do the
    flagged terms of a failed sum check and a row's fields in structural doubt, the first
    standing for all (`group`)."""
    from ingest.review_items import review_groups

    doc = require_document(session, document_id)
    flagged = status == FieldStatus.FLAGGED
    rows = store.fields_of(session, document_id, status, cells_once=flagged)
    every = store.fields_of(session, document_id)
    groups = review_groups(parse_document(doc.content)) if doc.content else []
    terms = {path for group in groups for path in group.paths}
    spans: dict[str, list[str]] = {}
    for row in every:
        if row.covered_by and row.path not in terms:
            spans.setdefault(row.covered_by, [row.covered_by]).append(row.path)
    by_path = {row.path: FieldOut.model_validate(row) for row in every}
    group_of = {
        group.paths[0]: ReviewGroupOut(
            kind=group.kind,
            key=group.key,
            checks=list(group.checks),
            messages=list(group.messages),
            reasons=sorted(group.reasons),
            terms=[by_path[p] for p in group.paths if p in by_path],
        )
        for group in groups
    }
    return [
        FieldOut.model_validate(r).model_copy(
            update={"span": spans.get(r.path, []), "group": group_of.get(r.path)}
        )
        for r in rows
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


@router.post("/checks/{check}/confirm", response_model=GroupConfirmResult)
def confirm_check(
    document_id: str, check: str, body: GroupConfirm, session: SessionDep, who: Reviewer
) -> GroupConfirmResult:
    """Confirm the flagged terms of a failed sum check as printed, in one act (each audited as a
    confirmation); the checks re-run. A group or term changed since answers 409."""
    return _confirmed(session, document_id, "sum", check, body, who)


@router.post("/rows/{row}/confirm", response_model=GroupConfirmResult)
def confirm_row(
    document_id: str, row: str, body: GroupConfirm, session: SessionDep, who: Reviewer
) -> GroupConfirmResult:
    """Confirm the fields of a row in structural doubt (`indicators[5]`) as printed, in one act
    (each audited as a confirmation). A group or field changed since answers 409."""
    return _confirmed(session, document_id, "row", row, body, who)


def _confirmed(
    session: SessionDep,
    document_id: str,
    kind: Literal["sum", "row"],
    key: str,
    body: GroupConfirm,
    who: Reviewer,
) -> GroupConfirmResult:
    terms, changed, doc = review.confirm_group(
        session,
        document_id,
        kind,
        key,
        versions=body.versions,
        comment=body.comment,
        who=who.name,
    )
    return GroupConfirmResult(
        fields=[FieldOut.model_validate(r) for r in terms],
        changed=[FieldOut.model_validate(r) for r in changed],
        flagged_count=store.flagged_count(session, document_id),
        document_status=doc.status,
    )
