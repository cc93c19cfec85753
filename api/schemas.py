"""Request and response bodies of the API (the export JSON itself is `models.contract`)."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from models.contract import BBox, DocumentFlag, FieldValue


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
    revision: int  # moves with every reviewer act; row and flag requests send it back
    open_flags: int  # open document flags: a page, section or text line in doubt
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
    document_flags: list[DocumentFlag] = Field(default_factory=list)  # by index, for resolving
    error: str | None
    accepted_by: str | None
    accepted_at: datetime | None
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
    evidence: str | None = None  # `inferred`: not read, follows from another field
    span: list[str] = Field(default_factory=list)  # every row of its merged cell, if merged


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
    revision: int | None = Field(default=None, ge=1)  # the revision the reviewer looked at


class RowCreate(BaseModel):
    """A row to add before `index` (the list's length: at the end). `from_flag` names the
    `unassigned_text` document flag it was read from, which the row resolves; else `page` and
    `bbox` may say where it is printed."""

    model_config = ConfigDict(extra="forbid")

    list: Literal["tasks", "indicators"]
    index: int = Field(ge=0)
    values: dict[str, FieldValue] = Field(default_factory=dict)
    revision: int = Field(ge=1)
    from_flag: int | None = Field(default=None, ge=0)
    page: int | None = Field(default=None, ge=1)
    bbox: BBox | None = None
    comment: str | None = Field(default=None, max_length=2000)


class RevisionComment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    revision: int = Field(ge=1)
    comment: str | None = Field(default=None, max_length=2000)


class UndoRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(default=None, max_length=2000)


class ReviewState(_Out):
    """What a row, flag or undo act leaves: the document's revision, status and what is left."""

    revision: int
    status: str
    flagged_count: int
    open_flags: int


class RegionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bbox: BBox


class RegionText(BaseModel):
    text: str
    confidence: float


class CorrectionOut(_Out):
    id: int
    action: str
    path: str
    field_path: str | None = None  # where the field is now, when its row has moved since
    before: Any
    after: Any
    who: str
    at: datetime
    comment: str | None
