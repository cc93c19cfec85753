"""Request and response bodies of the API (the export JSON itself is `models.contract`)."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
)

MAX_INT = 2**31 - 1  # the databases' integer columns


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


# A note from a reviewer: no control characters but line breaks and tabs.
NO_CONTROLS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
Note = Annotated[str, StringConstraints(max_length=2000, pattern=NO_CONTROLS)]
Version = Annotated[int, Field(ge=1, le=MAX_INT)]


class FieldPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: StrictStr | StrictInt | None  # `true` is not a count; kinds bound the rest
    comment: Note | None = None
    version: Version


class PatchResult(_Out):
    field: FieldOut
    changed: list[FieldOut]  # other fields whose status the re-validation moved
    flagged_count: int
    document_status: str


class AcceptRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    force: StrictBool = False
    reason: Note | None = None


class CorrectionOut(_Out):
    id: int
    path: str
    before: Any
    after: Any
    who: str
    at: datetime
    comment: str | None
