"""Request and response bodies of the API (the export JSON itself is `models.contract`)."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
)

from models.contract import DocumentFlag, FieldValue

MAX_INT = 2**31 - 1  # the databases' integer columns
# A note from a reviewer: no control characters but line breaks and tabs.
NO_CONTROLS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
Note = Annotated[str, StringConstraints(max_length=2000, pattern=NO_CONTROLS)]
Counter = Annotated[int, Field(ge=1, le=MAX_INT)]  # versions and revisions
PixelBox = Annotated[
    list[Annotated[int, Field(ge=0, le=MAX_INT)]], Field(min_length=4, max_length=4)
]


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
    """A queue entry: which form it was read as, the department (and project) and year it is
    for, and how many flags are left."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    form: str | None = None  # `department_overall`, `project_expenditure`
    form_name: str | None = None
    schema_id: str | None = Field(default=None, alias="schema")  # its export contract
    department: str | None = None
    project: str | None = None  # the project's name, on a 项目支出 form
    year: int | None = None
    flagged_count: int = 0
    # Seconds until its last page is read, while it waits (`models.eta`); None once read, or
    # before the service has read a page to judge its pace by.
    eta_s: float | None = None


class FormOut(_Out):
    """A form the service reads: its id (stored with each document), name and contract."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    name: str
    schema_id: str = Field(alias="schema")


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
    group: "ReviewGroupOut | None" = None  # the group it stands for, if it does


class ReviewGroupOut(BaseModel):
    """Flagged fields asked as one review item: the terms of a failed sum check (`sum`,
    confirmed at `checks/{key}/confirm`) or a row's fields in structural doubt (`row`,
    confirmed at `rows/{key}/confirm`), with what the reviewer is asked, and every term, the
    first being the field that stands for the group, a term flagged for a reason of its own
    first."""

    kind: Literal["sum", "row"]
    key: str  # the first check's id, or the row (`indicators[5]`)
    checks: list[str]  # the failed checks (none for a row)
    messages: list[str]
    reasons: list[str]  # what the group stands for; a term's other reasons are its own doubts
    terms: list[FieldOut]


class GroupConfirm(BaseModel):
    """The terms the reviewer saw, each at the version seen, all confirmed as printed."""

    model_config = ConfigDict(extra="forbid")

    versions: dict[Annotated[str, StringConstraints(max_length=128)], Counter] = Field(
        min_length=1, max_length=1000
    )
    comment: Note | None = None


class GroupConfirmResult(_Out):
    fields: list[FieldOut]  # the confirmed terms
    changed: list[FieldOut]  # other fields whose status the re-validation moved
    flagged_count: int
    document_status: str


class FieldPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: StrictStr | StrictInt | None  # `true` is not a count; kinds bound the rest
    comment: Note | None = None
    version: Counter


class PatchResult(_Out):
    field: FieldOut
    changed: list[FieldOut]  # other fields whose status the re-validation moved
    flagged_count: int
    document_status: str


class AcceptRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    force: StrictBool = False
    reason: Note | None = None
    revision: Counter | None = None  # the revision the reviewer looked at


class RowCreate(BaseModel):
    """A row to add before `index` (the list's length: at the end). `from_flag` names the
    `unassigned_text` document flag it was read from, which the row resolves; else `page` and
    `bbox` may say where it is printed."""

    model_config = ConfigDict(extra="forbid")

    list: Literal["tasks", "indicators"]
    index: int = Field(ge=0, le=MAX_INT)
    values: dict[str, FieldValue] = Field(default_factory=dict)
    revision: Counter
    from_flag: int | None = Field(default=None, ge=0, le=MAX_INT)
    page: Counter | None = None
    bbox: PixelBox | None = None
    comment: Note | None = None


class RevisionComment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    revision: Counter
    comment: Note | None = None


class UndoRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: Note | None = None


class ReviewState(_Out):
    """What a row, flag or undo act leaves: the document's revision, status and what is left."""

    revision: int
    status: str
    flagged_count: int
    open_flags: int


class RegionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bbox: PixelBox


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
