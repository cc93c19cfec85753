"""The audit trail, and corrections exported as OCR training data."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.auth import Admin, Reviewer
from api.deps import BlobsDep, SessionDep, require_document
from api.schemas import CorrectionOut
from api.training import paddleocr_zip
from models import store

router = APIRouter(prefix="/api/v1", tags=["corrections"])


@router.get("/documents/{document_id}/corrections", response_model=list[CorrectionOut])
def corrections(document_id: str, session: SessionDep, _: Reviewer) -> list[CorrectionOut]:
    """Every reviewer act on the document, oldest first: what, where, before, after, who, when,
    why; `field_path` is where a corrected field is now, if its row has moved since."""
    require_document(session, document_id)
    now = {r.id: r.path for r in store.fields_of(session, document_id)}
    return [
        CorrectionOut.model_validate(c).model_copy(update={"field_path": now.get(c.field_id)})
        for c in store.corrections_of(session, document_id)
    ]


@router.get("/corrections/export")
def export_corrections(
    session: SessionDep,
    blobs: BlobsDep,
    _: Admin,
    fmt: Annotated[Literal["paddleocr"], Query(alias="format")] = "paddleocr",
) -> Response:
    """Corrected crops plus `rec_gt.txt`, zipped, for fine-tuning the recogniser."""
    content = paddleocr_zip(session, blobs)
    disposition = 'attachment; filename="corrections-paddleocr.zip"'
    return Response(
        content, media_type="application/zip", headers={"Content-Disposition": disposition}
    )
