"""The export contracts, the fixed shapes clients rely on: what every form's document shares
(`FormDocument`: where it came from, its status, `fields[]`, document flags, the audit trail)
and contract v1 of the 部门整体 form (`department-performance-targets/1`).

Keys are exactly those of the contract; new keys may be added later, none renamed. Amounts are
decimal strings in 万元 without thousands separators, counts are integers, empty cells are None.
A form's contract is a `FormDocument` subclass registered by its `schema`, so stored documents
and truth files are parsed into the right one (`parse_document`).
"""

import json
import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializeAsAny,
    StringConstraints,
    model_validator,
)

SCHEMA_ID = "department-performance-targets/1"

Amount = Annotated[str, StringConstraints(pattern=r"^-?\d+(\.\d+)?$")]
BBox = Annotated[list[int], Field(min_length=4, max_length=4)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DocumentStatus(StrEnum):
    NEEDS_REVIEW = "needs_review"
    ACCEPTED = "accepted"
    FAILED = "failed"


class ReviewState(StrEnum):
    """Where the review stands (additive key `review_state`; `status` keeps v1's three values).

    `ready`: nothing left in doubt, waiting for a reviewer to accept it; the contract `status`
    is still `needs_review` then, since acceptance is a person's act (or a configured policy
    for documents read with no flag at all, recorded in `acceptance`)."""

    NEEDS_REVIEW = "needs_review"
    READY = "ready"
    ACCEPTED = "accepted"


class FieldStatus(StrEnum):
    ACCEPTED = "accepted"
    FLAGGED = "flagged"
    CORRECTED = "corrected"


class SourceInfo(_Strict):
    filename: str
    sha256: str
    pages: int


class BasicInfo(_Strict):
    staff_count: int | None = None
    subunit_count: int | None = None


class Budget(_Strict):
    basic_expenditure: Amount | None = None
    project_expenditure: Amount | None = None
    fiscal_appropriation: Amount | None = None
    other_funds: Amount | None = None
    special_funds: Amount | None = None
    other_development_expenditure: Amount | None = None
    city_level_funds: Amount | None = None
    transfer_payment_funds: Amount | None = None


class Task(_Strict):
    name: str | None = None
    content: str | None = None
    amount: Amount | None = None
    expected: str | None = None


class Indicator(_Strict):
    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    value: str | None = None


FieldValue = str | int | None


def is_blank(value: FieldValue) -> bool:
    """Whether a value holds nothing printed: none, or only white space."""
    return value is None or (isinstance(value, str) and not value.strip())


class FieldRecord(_Strict):
    """One value of the document with where it came from and how sure the system is."""

    path: str
    value: FieldValue
    ocr_text: str | None = None
    confidence: float = Field(ge=0.0, le=1.0)
    status: FieldStatus
    reasons: list[str] = Field(default_factory=list)
    page: int | None = Field(default=None, ge=1)
    bbox: BBox | None = None
    suggestion: FieldValue = None
    # Additive: `inferred` when the value was not read but follows from others (an unread
    # 一级指标 from its 二级指标, by the taxonomy).
    evidence: Literal["inferred"] | None = None


class DocumentFlagReason(StrEnum):
    PAGE_UNREAD = "page_unread"
    SECTION_INCOMPLETE = "section_incomplete"
    UNASSIGNED_TEXT = "unassigned_text"


class DocumentFlagStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class DocumentFlag(_Strict):
    """A doubt about the document itself: a page, section or text line that no field holds.

    A lost page or row has no field to flag, so it is flagged here; `section` None means the
    whole page is in doubt. A document with an open one is never accepted.
    """

    reason: DocumentFlagReason
    section: str | None = None  # a section key of the document's form template
    page: int | None = Field(default=None, ge=1)
    bbox: BBox | None = None
    text: str | None = None
    message: str
    status: DocumentFlagStatus = DocumentFlagStatus.OPEN


class PageOutcome(StrEnum):
    TABLE = "table"  # its table was read into the form
    BLANK = "blank"  # no ink on it
    UNREAD = "unread"  # ink, but no table read from it: a `page_unread` flag says so


class PageAccount(_Strict):
    """How one page ended and where its recognised text lines went."""

    page: int = Field(ge=1)
    outcome: PageOutcome
    text_lines: int = Field(default=0, ge=0)  # lines read in its cells and around its table
    placed_lines: int = Field(default=0, ge=0)  # of them, in a field or a template label


class ReadingAccount(_Strict):
    """Where every page and text line of the source ended (added key, allowed by the contract).

    A line not placed in a field or a label is an `unassigned_text` document flag, so
    `placed_share` is the share of the text that needs no reviewer to find a home for it."""

    pages: list[PageAccount] = Field(default_factory=list)
    text_lines: int = Field(default=0, ge=0)
    placed_lines: int = Field(default=0, ge=0)
    placed_share: float | None = Field(default=None, ge=0.0, le=1.0)  # None: no text read


class PageReader(StrEnum):
    """What a page's text was read from."""

    OCR = "ocr"  # the page's pixels, by the OCR engine
    TEXT_LAYER = "text_layer"  # the PDF's own text layer and vector rules
    SPREADSHEET = "spreadsheet"  # an XLSX file's cells; the page is its print
    WORD_DOCUMENT = "word_document"  # a DOCX file's tables; the page is its print


class PageReading(_Strict):
    """How one page was read (added key). `reason` says why a PDF page was OCR'd although it
    carries text: its layer is missing, invisible, under a scanned image, garbled, or does
    not match what the page shows."""

    page: int = Field(ge=1)
    reader: PageReader
    reason: str | None = None


class Acceptance(_Strict):
    """Who accepted the document and when; `policy` names the configured rule when no person
    did (a document read with no flag at all, accepted automatically)."""

    by: str
    at: datetime
    reason: str | None = None
    policy: str | None = None


class ReviewAction(StrEnum):
    CORRECT = "correct"
    UNDO = "undo"
    ADD_ROW = "add_row"
    DELETE_ROW = "delete_row"
    RESOLVE_FLAG = "resolve_flag"
    ACCEPT = "accept"
    REOPEN = "reopen"


class CorrectionEntry(_Strict):
    """One entry of the audit trail: a reviewer's act on a field, a row, a document flag or the
    document itself, with the path as it was at that moment."""

    at: datetime
    who: str
    action: ReviewAction = ReviewAction.CORRECT
    path: str
    before: Any = None
    after: Any = None
    comment: str | None = None


# The one list of status and act names a reviewer reads (the pages get them through
# /ui/form.json, the exports write them); `queued` and `processing` are the service's own.
STATUS_NAMES: dict[str, str] = {
    "queued": "排队中",
    "processing": "识别中",
    "needs_review": "待复核",
    "ready": "待接受",
    "accepted": "已接受",
    "failed": "失败",
}
ACTION_NAMES: dict[str, str] = {
    "correct": "更正",
    "undo": "撤销更正",
    "add_row": "添加行",
    "delete_row": "删除行",
    "resolve_flag": "处理文档标记",
    "accept": "接受",
    "reopen": "重新打开",
}


class EngineInfo(_Strict):
    """Which OCR engine and models produced the text (added key, allowed by the contract),
    and per page which path read it."""

    engine: str
    models: dict[str, str] = Field(default_factory=dict)
    pages: list[PageReading] = Field(default_factory=list)


# Keys every form's document has that are not values of the form: kept out of `value_paths`.
_RUN_KEYS = frozenset(
    {
        "schema_id",
        "document_id",
        "source",
        "status",
        "fields",
        "document_flags",
        "accounting",
        "ocr",
        "review_state",
        "acceptance",
        "corrections",
    }
)


class FormDocument(_Strict):
    """What the document of every form holds besides the form's own values (declared by a
    subclass after these keys, in reading order). Gold files omit the run-specific keys, so
    those default."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    # Value keys (last path part) scored as paragraphs by character accuracy.
    LONG_TEXT_KEYS: ClassVar[frozenset[str]] = frozenset()
    # The sections of the form a document flag may name.
    SECTION_KEYS: ClassVar[frozenset[str]] = frozenset()

    schema_id: str = Field(alias="schema")
    document_id: str | None = None
    source: SourceInfo | None = None
    status: DocumentStatus = DocumentStatus.NEEDS_REVIEW
    title: str | None = None
    year: int | None = None

    def in_state(self, state: ReviewState) -> "FormDocument":
        """This document in review `state`, with the v1 `status` that goes with it."""
        status = (
            DocumentStatus.ACCEPTED
            if state == ReviewState.ACCEPTED
            else DocumentStatus.NEEDS_REVIEW
        )
        return self.model_copy(update={"review_state": state, "status": status})

    def to_json_dict(self) -> dict:
        """The contract JSON: aliases applied, run-specific keys kept even when empty."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=False)

    @classmethod
    def flag_section(cls, key: str | None) -> str | None:
        """The section a document flag may name for a template section `key`: the contract's
        own, or none (a template section the contract does not list, such as the department
        line, leaves the flag to its page)."""
        return key if key in cls.SECTION_KEYS else None

    @model_validator(mode="after")
    def _flags_name_sections(self) -> "FormDocument":
        for flag in getattr(self, "document_flags", ()):
            if flag.section is not None and flag.section not in self.SECTION_KEYS:
                raise ValueError(f"document flag names no section of this form: {flag.section}")
        return self

    @classmethod
    def is_long_text(cls, path: str) -> bool:
        """Paragraph fields are scored by character accuracy, the rest must match exactly."""
        return path.rsplit(".", 1)[-1] in cls.LONG_TEXT_KEYS


class RunRecord(BaseModel):
    """The run-specific keys every form's document ends with. A form's contract lists it
    first among its bases (`class X(RunRecord, XValues, FormDocument)`), so its keys come
    after the form's own values in the JSON, as a reader expects."""

    fields: list[FieldRecord] = Field(default_factory=list)
    document_flags: list[DocumentFlag] = Field(default_factory=list)
    accounting: ReadingAccount | None = None
    ocr: EngineInfo | None = None
    review_state: ReviewState | None = None
    acceptance: Acceptance | None = None
    corrections: list[CorrectionEntry] = Field(default_factory=list)


class _DepartmentValues(BaseModel):
    department: str | None = None
    basic_info: BasicInfo = Field(default_factory=BasicInfo)
    budget: Budget = Field(default_factory=Budget)
    overall_goal: str | None = None
    tasks: list[Task] = Field(default_factory=list)
    other_tasks: str | None = None
    indicators: list[Indicator] = Field(default_factory=list)


class PerformanceTargets(RunRecord, _DepartmentValues, FormDocument):
    """The 部门整体预算绩效目标表 as exported (contract v1). Gold files omit the run-specific keys,
    so those default."""

    LONG_TEXT_KEYS: ClassVar[frozenset[str]] = frozenset(
        {"overall_goal", "other_tasks", "content", "expected"}
    )
    SECTION_KEYS: ClassVar[frozenset[str]] = frozenset(
        {"basic_info", "budget", "overall_goal", "tasks", "other_tasks", "indicators"}
    )

    schema_id: Literal["department-performance-targets/1"] = Field(
        default=SCHEMA_ID, alias="schema"
    )


def value_paths(doc: FormDocument) -> list[tuple[str, FieldValue]]:
    """Every value of the document with its `fields[]` path, in reading order (the order the
    contract declares them: nested models as `a.b`, list items as `a[i].b`)."""
    out: list[tuple[str, FieldValue]] = []

    def walk(prefix: str, model: BaseModel) -> None:
        for key in type(model).model_fields:
            if not prefix and key in _RUN_KEYS:
                continue
            value = getattr(model, key)
            path = f"{prefix}{key}"
            if isinstance(value, BaseModel):
                walk(f"{path}.", value)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    walk(f"{path}[{i}].", item)
            else:
                out.append((path, value))

    walk("", doc)
    return out


def row_lists(contract: type[FormDocument]) -> dict[str, type[BaseModel]]:
    """The contract's lists of rows (tasks, indicators) and the model of one row."""
    lists: dict[str, type[BaseModel]] = {}
    for name, info in contract.model_fields.items():
        args = getattr(info.annotation, "__args__", ())
        if name not in _RUN_KEYS and getattr(info.annotation, "__origin__", None) is list:
            lists[name] = args[0]
    return lists


# The row a task or indicator path names: `indicators[7].name` -> `indicators[7]` (list, index).
ROW_PATH = re.compile(r"^(\w+)\[(\d+)\]")

_CONTRACTS: dict[str, type[FormDocument]] = {}


def register_contract(contract: type[FormDocument]) -> type[FormDocument]:
    """Make documents whose `schema` is this contract's parse into it."""
    schema = contract.model_fields["schema_id"].default
    if not isinstance(schema, str):
        raise TypeError(f"{contract.__name__} declares no schema id")
    _CONTRACTS[schema] = contract
    return contract


def contract_for(schema: str) -> type[FormDocument]:
    """The registered contract of a schema id (`department-performance-targets/1`, ...)."""
    try:
        return _CONTRACTS[schema]
    except KeyError:
        raise ValueError(f"unknown document schema {schema!r}") from None


def parse_document(data: Any) -> FormDocument:
    """A stored or exported document in its own form's contract (v1 when it names none). The
    schema is named by its alias (`schema`, as exported) or by the field's own name (a dump
    without aliases, such as a cached mapped document)."""
    if isinstance(data, FormDocument):
        return data
    if isinstance(data, str | bytes):
        data = json.loads(data)
    return contract_for(data.get("schema", data.get("schema_id", SCHEMA_ID))).model_validate(data)


register_contract(PerformanceTargets)

# A field holding any registered form's document, parsed into its own contract by `schema`.
AnyFormDocument = Annotated[SerializeAsAny[FormDocument], BeforeValidator(parse_document)]
