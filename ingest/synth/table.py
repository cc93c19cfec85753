"""A form's ruled table as logical rows and merged blocks, before any page exists, and the
部门整体 form's 5-column table built from its content.

A block is one merged cell of the whole table; the layout later cuts the tall ones at page
breaks. Row keys (`budget:3`, `tasks:header`, `indicators:12`) let content pin page breaks.
`TableBuilder` is what every form's table is built with.
"""

import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from ingest.synth.columns import ColumnWidths
from ingest.synth.content import FormContent, format_amount
from models.contract import Indicator

# The 部门整体 form's columns: label, name, wide text, amount, text (drawn and printed looks).
COLUMNS = ColumnWidths(
    ranges=((0.085, 0.12), (0.14, 0.19), None, (0.15, 0.2), (0.18, 0.25)),
    compact=(0.09, 0.15, None, 0.15, 0.2),
)
PRINTED_COLUMNS = ColumnWidths(ranges=((0.07, 0.12), (0.12, 0.2), None, (0.14, 0.22), (0.17, 0.26)))

Role = Literal["label", "header", "value"]
Align = Literal["left", "center", "right"]
Cut = Literal["first", "last", "all", "none"]  # which parts of a cut block show its text


class TableLook(Protocol):
    """The two choices of a document's look that shape its logical table."""

    @property
    def vertical_labels(self) -> bool: ...

    @property
    def amount_align(self) -> Align: ...


@dataclass(frozen=True)
class Block:
    row: int
    col: int
    text: str
    role: Role
    row_span: int = 1
    col_span: int = 1
    align: Align = "center"
    vertical: bool = False  # 竖排: one character per line
    cut: Cut = "first"


@dataclass(frozen=True)
class LogicalTable:
    keys: tuple[str, ...]
    blocks: tuple[Block, ...]
    repeat_headers: dict[str, str] = field(default_factory=dict)  # row key -> header row key
    breaks_before: frozenset[str] = frozenset()
    seal_anchor: tuple[str, int] = ("department", 1)  # (row key, column) a seal is stamped near

    def row_of(self, key: str) -> int:
        return self.keys.index(key)


class TableBuilder:
    """Rows and blocks of a table of `columns` columns whose column 0 holds the labels."""

    def __init__(
        self, style: TableLook, rng: random.Random, fixed_cut: bool, columns: int = 5
    ) -> None:
        self.style = style
        self.rng = rng
        self.fixed_cut = fixed_cut
        self.columns = columns
        self.keys: list[str] = []
        self.blocks: list[Block] = []

    def row(self, key: str) -> int:
        self.keys.append(key)
        return len(self.keys) - 1

    def cut(self, default: Cut) -> Cut:
        if self.fixed_cut:
            return default
        return self.rng.choice(("first", "first", "all", "all", "last", "none"))

    def section_label(self, row: int, text: str, span: int, default_cut: Cut = "all") -> None:
        self.blocks.append(
            Block(
                row=row,
                col=0,
                text=text,
                role="label",
                row_span=span,
                vertical=span > 1 and self.style.vertical_labels,
                cut=self.cut(default_cut),
            )
        )

    def cell(
        self, row: int, col: int, text: str, role: Role, align: Align = "center", col_span: int = 1
    ) -> None:
        self.blocks.append(
            Block(row=row, col=col, text=text, role=role, align=align, col_span=col_span)
        )

    def cells(
        self,
        row: int,
        texts: tuple[str, ...],
        roles: tuple[Role, ...],
        aligns: tuple[Align, ...] | None = None,
        first_col: int = 1,
    ) -> None:
        aligns = aligns or ("center",) * len(texts)
        for i, (text, role, align) in enumerate(zip(texts, roles, aligns, strict=True)):
            self.cell(row, first_col + i, text, role, align)

    def wide(self, row: int, text: str, align: Align = "left") -> None:
        """A value over every column right of the label."""
        self.cell(row, 1, text, "value", align, col_span=self.columns - 1)

    def merge_down(
        self,
        start: int,
        col: int,
        texts: Sequence[str],
        groups: Sequence[Hashable],
        col_span: int = 1,
    ) -> None:
        """Rows `start`, `start + 1`, ... in column `col`: one merged value block for each run
        of rows whose `groups` agree (a 一级 or 二级 printed once for its rows)."""
        i = 0
        while i < len(texts):
            j = i + 1
            while j < len(texts) and groups[j] == groups[i]:
                j += 1
            self.blocks.append(
                Block(
                    row=start + i,
                    col=col,
                    text=texts[i],
                    role="value",
                    row_span=j - i,
                    col_span=col_span,
                    cut=self.cut("first"),
                )
            )
            i = j

    def repeat_headers(self, sections: Sequence[tuple[str, float]]) -> dict[str, str]:
        """Each section's header row repeated on its continued pages, with its chance."""
        repeats: dict[str, str] = {}
        for section, chance in sections:
            if self.rng.random() < chance:
                repeats |= {
                    k: f"{section}:header"
                    for k in self.keys
                    if k.startswith(f"{section}:") and k != f"{section}:header"
                }
        return repeats


def build_table(content: FormContent, style: TableLook, rng: random.Random) -> LogicalTable:
    """Rows and merged blocks of the whole form, in the order the seed table prints them."""
    doc, lab = content.document, content.labels
    seed_like = bool(content.breaks_before)
    b = TableBuilder(style, rng, fixed_cut=seed_like)

    def amount(value: str | None) -> str:
        return format_amount(value, content.thousands_sep)

    r = b.row("department")
    b.section_label(r, lab.department, 1)
    b.wide(r, doc.department or "", align=rng.choice(("left", "center")))

    r = b.row("basic_info")
    b.section_label(r, lab.basic_info, 1)
    info = doc.basic_info
    counts = (
        "" if info.staff_count is None else str(info.staff_count),
        "" if info.subunit_count is None else str(info.subunit_count),
    )
    b.cells(r, (lab.staff, counts[0], lab.subunit, counts[1]), ("label", "value", "label", "value"))

    money: Align = style.amount_align
    bud = doc.budget
    budget_rows = (
        (lab.budget_header, ("header",) * 4),
        (
            (
                lab.basic,
                amount(bud.basic_expenditure),
                lab.fiscal,
                amount(bud.fiscal_appropriation),
            ),
            ("label", "value", "label", "value"),
        ),
        (
            (lab.project, amount(bud.project_expenditure), lab.other, amount(bud.other_funds)),
            ("label", "value", "label", "value"),
        ),
        (lab.dev_header, ("header",) * 4),
        (
            (lab.special, amount(bud.special_funds), lab.city, amount(bud.city_level_funds)),
            ("label", "value", "label", "value"),
        ),
        (
            (
                lab.other_dev,
                amount(bud.other_development_expenditure),
                lab.transfer,
                amount(bud.transfer_payment_funds),
            ),
            ("label", "value", "label", "value"),
        ),
    )
    first = len(b.keys)
    for i, (texts, roles) in enumerate(budget_rows):
        r = b.row(f"budget:{i}")
        aligns = tuple(money if role == "value" else "center" for role in roles)
        b.cells(r, texts, roles, aligns)
    b.section_label(first, lab.budget, len(budget_rows))

    r = b.row("overall_goal")
    b.section_label(r, lab.overall_goal, 1)
    b.wide(r, doc.overall_goal or "")

    first = b.row("tasks:header")
    b.cells(first, lab.task_header, ("header",) * 4)
    name_align: Align = rng.choice(("center", "left"))
    for i, task in enumerate(doc.tasks):
        r = b.row(f"tasks:{i}")
        b.cells(
            r,
            (task.name or "", task.content or "", amount(task.amount), task.expected or ""),
            ("value",) * 4,
            (name_align, "left", money, "left"),
        )
    b.section_label(first, lab.tasks, len(doc.tasks) + 1)

    r = b.row("other_tasks")
    b.section_label(r, lab.other_tasks, 1)
    b.wide(r, doc.other_tasks or "")

    first = b.row("indicators:header")
    b.cells(first, lab.indicator_header, ("header",) * 4)
    rows = content.indicator_rows
    start = len(b.keys)
    for i, ind in enumerate(rows):
        r = b.row(f"indicators:{i}")
        b.cells(
            r,
            (ind.name or "", ind.value or ""),
            ("value", "value"),
            (name_align, "center"),
            first_col=3,
        )
    for col, key in ((1, "level1"), (2, "level2")):
        texts = [getattr(row, key) or "" for row in rows]
        b.merge_down(start, col, texts, [_group(row, key) for row in rows])
    b.section_label(first, lab.indicators, len(rows) + 1, default_cut="last")

    if seed_like:
        repeats = dict(content.repeat_headers)
    else:
        repeats = b.repeat_headers((("tasks", 0.8), ("indicators", 0.6)))
    return LogicalTable(
        keys=tuple(b.keys),
        blocks=tuple(sorted(b.blocks, key=lambda blk: (blk.row, blk.col))),
        repeat_headers=repeats,
        breaks_before=frozenset(content.breaks_before),
    )


def _group(row: Indicator, key: str) -> tuple[str | None, ...]:
    """Rows share a 一级 block while level1 agrees, a 二级 block while both levels agree."""
    return (row.level1,) if key == "level1" else (row.level1, row.level2)
