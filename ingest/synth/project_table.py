"""The 项目支出绩效目标表 as logical rows and merged blocks: 8 columns, column 0 the labels.

项目名称 | name (1–7)
主管部门及代码 | department (1–3) | 实施单位 | unit (5–7)
项目属性 | attribute (1–3) | 项目期 | period (5–7)
项目资金（万元） (3 rows) | 中期资金总额 (1–2) | amount (3) | 年度资金总额 (4–5) | amount (6–7)
narrative rows, where printed: label | text (1–7)
总体目标 (2 rows) | 中期目标（…） (1–4) | 年度目标 (5–7), then the two texts; or one text (1–7)
indicators: side by side (一级 1, 中期 二级 三级 值 2–4, 年度 二级 三级 值 5–7), two
tables one after the other, or the 年度 half alone (一级 二级 三级, 值 over 4–7)
"""

import random
from collections.abc import Hashable, Sequence

from ingest.synth.columns import ColumnWidths
from ingest.synth.project_content import NARRATIVE_KEYS, ProjectContent
from ingest.synth.table import Align, LogicalTable, TableBuilder, TableLook
from models.project import ProjectIndicator

# Label; 一级; 二级; 三级 (the rest); 指标值; 年度 二级, 三级, 指标值. The funds and goals rows
# span these columns too.
COLUMNS = ColumnWidths(
    ranges=(
        (0.1, 0.13),
        (0.08, 0.1),
        (0.09, 0.11),
        None,
        (0.09, 0.12),
        (0.09, 0.11),
        (0.12, 0.15),
        (0.09, 0.12),
    )
)
PRINTED_COLUMNS = ColumnWidths(
    ranges=(
        (0.09, 0.12),
        (0.08, 0.1),
        (0.09, 0.12),
        None,
        (0.09, 0.13),
        (0.09, 0.12),
        (0.12, 0.16),
        (0.09, 0.13),
    )
)
_WIDTH = COLUMNS.count


def _level2_groups(
    items: Sequence[ProjectIndicator | None], group: int, first: int
) -> list[Hashable]:
    """A 二级 cell spans the rows of one 一级 whose items share it; an empty row stands alone."""
    return [
        (group, item.level2) if item is not None else ("empty", first + k)
        for k, item in enumerate(items)
    ]


class _ProjectTable:
    def __init__(self, content: ProjectContent, style: TableLook, rng: random.Random) -> None:
        self.content = content
        self.b = TableBuilder(style, rng, fixed_cut=False, columns=_WIDTH)
        self.money: Align = style.amount_align
        self.name_align: Align = rng.choice(("center", "left"))

    def pair_row(self, key: str, pairs: Sequence[tuple[str, str]]) -> None:
        """Label/value pairs from column 0: one pair over the row, or two side by side."""
        b = self.b
        r = b.row(key)
        if len(pairs) == 1:
            label, value = pairs[0]
            b.section_label(r, label, 1)
            b.cell(r, 1, value, "value", self.name_align, col_span=_WIDTH - 1)
            return
        (label_a, value_a), (label_b, value_b) = pairs
        b.section_label(r, label_a, 1)
        b.cell(r, 1, value_a, "value", self.name_align, col_span=3)
        b.cell(r, 4, label_b, "label")
        b.cell(r, 5, value_b, "value", self.name_align, col_span=3)

    def header_pairs(self) -> None:
        c, lab = self.content, self.content.labels
        info = c.document.project
        self.pair_row("project:name", [(lab.name, info.name or "")])
        self.pair_row(
            "project:department",
            [
                (lab.department, c.shown("project.department", info.department)),
                (lab.unit, info.implementing_unit or ""),
            ],
        )
        self.pair_row(
            "project:attribute",
            [(lab.attribute, info.attribute or ""), (lab.period, info.period or "")],
        )

    def funds(self) -> None:
        c, lab, b = self.content, self.content.labels, self.b
        funds = c.document.funds
        first = len(b.keys)
        for i, (key, mid_label, annual_label) in enumerate(
            (
                ("total", lab.mid_total, lab.annual_total),
                ("fiscal", lab.fiscal, lab.fiscal),
                ("other", lab.other, lab.other),
            )
        ):
            r = b.row(f"funds:{i}")
            mid = c.shown(f"funds.mid_term.{key}", getattr(funds.mid_term, key))
            annual = c.shown(f"funds.annual.{key}", getattr(funds.annual, key))
            b.cell(r, 1, mid_label, "label", col_span=2)
            b.cell(r, 3, mid, "value", self.money)
            b.cell(r, 4, annual_label, "label", col_span=2)
            b.cell(r, 6, annual, "value", self.money, col_span=2)
        b.section_label(first, lab.funds, 3)

    def narrative(self) -> None:
        narrative, lab, b = self.content.document.narrative, self.content.labels, self.b
        for key in NARRATIVE_KEYS:
            text = getattr(narrative, key)
            if text is None:
                continue
            r = b.row(key)
            b.section_label(r, getattr(lab, key), 1)
            b.wide(r, text)

    def goals(self) -> None:
        c, lab, b = self.content, self.content.labels, self.b
        goals = c.document.goals
        if not c.goals_headed:
            r = b.row("goals")
            b.section_label(r, lab.goals, 1)
            b.wide(r, goals.annual or "")
            return
        first = b.row("goals:header")
        b.cell(first, 1, lab.mid_goal, "header", col_span=4)
        b.cell(first, 5, lab.annual_goal, "header", col_span=3)
        r = b.row("goals:0")
        b.cell(r, 1, goals.mid_term or "", "value", "left", col_span=4)
        b.cell(r, 5, goals.annual or "", "value", "left", col_span=3)
        b.section_label(first, lab.goals, 2)

    def side_by_side(self) -> None:
        c, lab, b = self.content, self.content.labels, self.b
        first = len(b.keys)
        if c.half_titles:
            r = b.row("indicator_halves")
            b.cell(r, 1, lab.halves[0], "header", col_span=4)
            b.cell(r, 5, lab.halves[1], "header", col_span=3)
        r = b.row("indicators:header")
        b.cells(r, lab.header + lab.header[1:], ("header",) * 7)
        start = len(b.keys)
        level1: list[str] = []
        groups: list[Hashable] = []
        halves: dict[int, tuple[list[str], list[Hashable]]] = {2: ([], []), 5: ([], [])}
        for g, group in enumerate(c.groups):
            height = max(len(group.mid_term), len(group.annual))
            base = len(b.keys)
            for k in range(height):
                b.row(f"indicators:{base - start + k}")
            for col, items in ((2, group.mid_term), (5, group.annual)):
                rows = [items[k] if k < len(items) else None for k in range(height)]
                texts, keys = halves[col]
                keys += _level2_groups(rows, g, len(texts))
                texts += [(item.level2 or "") if item else "" for item in rows]
                for k, item in enumerate(rows):
                    name, value = (item.name or "", item.value or "") if item else ("", "")
                    b.cell(base + k, col + 1, name, "value", self.name_align)
                    b.cell(base + k, col + 2, value, "value")
            level1 += [group.level1] * height
            groups += [g] * height
        b.merge_down(start, 1, level1, groups)
        for col, (texts, keys) in halves.items():
            b.merge_down(start, col, texts, keys)
        b.section_label(first, lab.indicators, len(b.keys) - first, default_cut="last")

    def one_half(self, section: str, label: str, scope: str) -> None:
        """A 4-column indicator table of one half, its 指标值 over columns 4–7."""
        c, lab, b = self.content, self.content.labels, self.b
        first = b.row(f"{section}:header")
        b.cells(first, lab.header[:3], ("header",) * 3)
        b.cell(first, 4, lab.header[3], "header", col_span=_WIDTH - 4)
        start = len(b.keys)
        level1: list[str] = []
        groups: list[Hashable] = []
        level2: list[str] = []
        level2_groups: list[Hashable] = []
        for g, group in enumerate(c.groups):
            items = group.mid_term if scope == "mid_term" else group.annual
            for item in items:
                r = b.row(f"{section}:{len(b.keys) - start}")
                b.cell(r, 3, item.name or "", "value", self.name_align)
                b.cell(r, 4, item.value or "", "value", col_span=_WIDTH - 4)
            level1 += [group.level1] * len(items)
            groups += [g] * len(items)
            level2 += [item.level2 or "" for item in items]
            level2_groups += _level2_groups(items, g, len(level2_groups))
        b.merge_down(start, 1, level1, groups)
        b.merge_down(start, 2, level2, level2_groups)
        b.section_label(first, label, len(b.keys) - first, default_cut="last")

    def indicators(self) -> tuple[str, ...]:
        """The indicator rows; returns the sections whose header may repeat on a new page."""
        c, lab = self.content, self.content.labels
        if c.indicator_layout == "side_by_side":
            self.side_by_side()
            return ("indicators",)
        if c.indicator_layout == "two_tables":
            self.one_half("mid_term", lab.mid_indicators, "mid_term")
            self.one_half("annual", lab.annual_indicators, "annual")
            return ("mid_term", "annual")
        self.one_half("indicators", lab.indicators, "annual")
        return ("indicators",)

    def build(self) -> LogicalTable:
        self.header_pairs()
        self.funds()
        self.narrative()
        self.goals()
        sections = self.indicators()
        b = self.b
        return LogicalTable(
            keys=tuple(b.keys),
            blocks=tuple(sorted(b.blocks, key=lambda blk: (blk.row, blk.col))),
            repeat_headers=b.repeat_headers([(s, 0.6) for s in sections]),
            seal_anchor=("project:department", 1),
        )


def build_project_table(
    content: ProjectContent, style: TableLook, rng: random.Random
) -> LogicalTable:
    """Rows and merged blocks of the whole project table, in printed order."""
    return _ProjectTable(content, style, rng).build()
