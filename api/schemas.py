"""Request and response bodies of the API (the export JSON itself is `models.contract`)."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from models.contract import FieldValue


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class DocumentRef(_Out):
    id: str
    filename: str
    status: str
    duplicate: bool = False


class RejectedFile(_Out):
    filename: str
    code: str
    message: str


class UploadAccepted(_Out):
    batch_id: str | None
    documents: list[DocumentRef]
    rejected: list[RejectedFile] = Field(default_factory=list)


class DocumentSummary(_Out):
    id: str
    batch_id: str | None
    filename: str
    sha256: str
    status: str
    stage: str
    pages_done: int
    pages_total: int
    created_at: datetime
    updated_at: datetime


class DocumentOverview(DocumentSummary):
    """A queue entry: which department and year the form is for, and how many flags are left."""

    department: str | None = None
    year: int | None = None
    flagged_count: int = 0


class DocumentList(_Out):
    items: list[DocumentOverview]
    total: int
    limit: int
    offset: int


class StageErrorOut(_Out):
    stage: str
    page: int | None
    message: str
    at: datetime


class DocumentDetail(DocumentOverview):
    error: str | None
    accepted_by: str | None
    accept_reason: str | None
    errors: list[StageErrorOut]


class FieldOut(_Out):
    path: str
    value: Any
    ocr_text: str | None
    confidence: float
    status: str
    reasons: list[str]
    suggestion: Any
    page: int | None
    bbox: list[int] | None
    version: int


class FieldPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: FieldValue
    comment: str | None = Field(default=None, max_length=2000)
    version: int = Field(ge=1)


class PatchResult(_Out):
    field: FieldOut
    changed: list[FieldOut]  # other fields whose status the re-validation moved
    flagged_count: int
    document_status: str


class AcceptRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    force: bool = False
    reason: str | None = Field(default=None, max_length=2000)


class CorrectionOut(_Out):
    id: int
    path: str
    before: Any
    after: Any
    who: str
    at: datetime
    comment: str | None
