"""Export contract of the 项目支出绩效目标表 (`project-performance-targets/1`), the second form
of a budget package: one table per project.

Same conventions as v1 of the 部门整体 form: amounts are decimal strings in 万元, empty cells
None, every value also in `fields[]`. An indicator row of the paper holds a 中期 and a 年度
indicator side by side (or the two halves are printed as two tables); each is one item of
`indicators` with its `scope`, 中期 items first.
"""

from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from models.contract import Amount, FormDocument, RunRecord, _Strict, register_contract

PROJECT_SCHEMA_ID = "project-performance-targets/1"

Scope = Literal["mid_term", "annual"]


class ProjectInfo(_Strict):
    name: str | None = None
    department: str | None = None
    department_code: str | None = None
    implementing_unit: str | None = None
    attribute: str | None = None
    period: str | None = None


class FundLine(_Strict):
    """One column of the funds block: the total and what it is made of."""

    total: Amount | None = None
    fiscal: Amount | None = None
    other: Amount | None = None


class Funds(_Strict):
    mid_term: FundLine = Field(default_factory=FundLine)
    annual: FundLine = Field(default_factory=FundLine)


class Narrative(_Strict):
    overview: str | None = None
    basis: str | None = None
    necessity: str | None = None
    measures: str | None = None
    plan: str | None = None


class Goals(_Strict):
    mid_term: str | None = None
    annual: str | None = None


class ProjectIndicator(_Strict):
    scope: Scope | None = None
    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    value: str | None = None


class _ProjectValues(BaseModel):
    project: ProjectInfo = Field(default_factory=ProjectInfo)
    funds: Funds = Field(default_factory=Funds)
    narrative: Narrative = Field(default_factory=Narrative)
    goals: Goals = Field(default_factory=Goals)
    indicators: list[ProjectIndicator] = Field(default_factory=list)


@register_contract
class ProjectTargets(RunRecord, _ProjectValues, FormDocument):
    """The 项目支出绩效目标表 as exported."""

    LONG_TEXT_KEYS: ClassVar[frozenset[str]] = frozenset(
        {"overview", "basis", "necessity", "measures", "plan", "mid_term", "annual"}
    )
    SECTION_KEYS: ClassVar[frozenset[str]] = frozenset(
        {"project", "funds", "overview", "basis", "necessity", "measures", "plan", "goals"}
        | {"indicators"}
    )

    schema_id: Literal["project-performance-targets/1"] = Field(
        default=PROJECT_SCHEMA_ID, alias="schema"
    )
