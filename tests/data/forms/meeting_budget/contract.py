"""The contract of the third form, registered when its folder is loaded."""

from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from models.contract import Amount, FormDocument, RunRecord, register_contract


class Meeting(BaseModel):
    name: str | None = None
    host: str | None = None
    cap: Amount | None = None


class Cost(BaseModel):
    item: str | None = None
    amount: Amount | None = None
    note: str | None = None


class _Values(BaseModel):
    meeting: Meeting = Field(default_factory=Meeting)
    costs: list[Cost] = Field(default_factory=list)


@register_contract
class MeetingBudget(RunRecord, _Values, FormDocument):
    SECTION_KEYS: ClassVar[frozenset[str]] = frozenset({"meeting", "host", "costs"})

    schema_id: Literal["meeting-budget/1"] = Field(default="meeting-budget/1", alias="schema")
