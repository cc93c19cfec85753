"""The rows sections (tasks, indicators) checked against the template, and their columns
checked against their kinds, so that rows lost or shifted by the reader are flagged.

A row that was never read has no field to flag; what shows its loss is the section around it:
- no task at all; a 一级指标 of the taxonomy with no row (printed or not); 二级指标 out of the
  taxonomy's order within their 一级;
- rows of the section the grid found whose content no item holds (a header not seen above
  them, a column lattice that misplaced them);
- a page the section runs over on which it produced no row;
- a row read as two printed rows, a rule between them not seen: one of its own one-row cells
  holds entries stacked one above the other, an own column holds two cells of it one above the
  other, or a value is two values (`100%≥85%`); one of the two rows is lost.
Each is a `section_incomplete` document flag naming the section and its pages.

Column sanity: across a section, an own column (task name, amount, 三级指标, 指标值) that is
empty in most rows, beside a column whose values look like the empty column's kind rather than
its own, is a column shift. The section is flagged, and so is every field in it, whatever its
OCR confidence: the reader put text in the wrong column, and the text itself was read well.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from ingest.artifacts import LogicalCell, MappedDocument, MappingTrace, Table
from ingest.labels import fold_label, match_label, split_wordings
from ingest.messages import say
from ingest.template import SPANNING_KINDS, SectionSpec, Template, ValueKind, kind_key
from ingest.values import parse_amount, parse_count
from models.contract import (
    DocumentFlag,
    DocumentFlagReason,
    FieldValue,
    FormDocument,
    contract_for,
    is_blank,
    value_paths,
)

# Column sanity: an own column counts as empty when it is empty in at least this share of the
# rows whose neighbour holds something, and the neighbour's values then look like the empty
# column's kind (and not like their own) in at least this share.
EMPTY_SHARE = 0.5
LOOKALIKE_SHARE = 0.5
# A name (task name, 三级指标) is a phrase of at most this many characters; a paragraph of at
# least LONG_TEXT_CHARS.
NAME_CHARS = 30
LONG_TEXT_CHARS = 15
# A line of a paragraph is a label's cell read with it when it reads as a label and is at
# most this many characters longer than the wording (a period note, a stray mark).
LABEL_LINE_EXTRA = 2
# Sentence punctuation: a line holding it is prose, whatever words it shares with a label.
_PROSE = re.compile(r"[。，,；;：:！？]")

_MEASURE = re.compile(r"\d|[%％≥≧≤≦><＞＜]")
_OPERATOR = "≥≧≤≦><＞＜"
# Kinds whose value is one measure (`≥95%`, `100%`, `2024年12月底前`).
_MEASURE_KINDS = frozenset({"indicator_value", "percent", "date_or_period"})
# A value that is two measures one after the other: a number with its percent sign or a short
# unit, then a comparison and a number (`100%≥85%`, `≥80张≥500人`), or a number straight after
# a percentage (`100%85%`, `100%2024年6月底前完成`). One measure is written once; a range or a
# condition joins its two numbers with a word or a mark (`80%-90%`, `≥80%且≤95%`).
_TWO_VALUES = re.compile(
    rf"^[{_OPERATOR}]?=?\d[\d.]*"
    rf"(?:[%％][{_OPERATOR}]?|[^\d.%％{_OPERATOR}，,、；;且或至到~～/\-—]{{0,4}}[{_OPERATOR}])=?\d"
)
# A date or period, then a comparison and a number (`2023年10月底前完成≧95%`): a time is
# written to its end (前, 底, 内, 止, 完成), and nothing compares after it.
_PERIOD_THEN_MEASURE = re.compile(rf"\d.*?(?:前|底|内|止|完成)[{_OPERATOR}]=?\d")


def _two_values(text: str) -> bool:
    return bool(_TWO_VALUES.match(text) or _PERIOD_THEN_MEASURE.search(text))


@dataclass(frozen=True)
class Completeness:
    """Document flags for sections that lost rows, and the fields of shifted columns."""

    flags: tuple[DocumentFlag, ...]
    doubtful: frozenset[str]  # field paths a column shift puts in doubt


class _Checker:
    def __init__(self, mapped: MappedDocument, table: Table, template: Template) -> None:
        self.doc: FormDocument = mapped.document
        self.trace: MappingTrace = mapped.trace
        self.table = table
        self.template = template
        self.contract = contract_for(template.schema_id)
        # Logical row -> pages (1-based) of its own content cells (a merged 一级 starting on it
        # runs over the rows below, maybe onto later pages).
        self.row_pages: dict[int, set[int]] = {}
        self.starting: dict[int, list[LogicalCell]] = {}  # content cells starting on a row
        for cell in table.cells:
            if cell.col >= 1:
                self.starting.setdefault(cell.row, []).append(cell)
                pages = {p.page + 1 for p in cell.pieces} if cell.row_span == 1 else set()
                self.row_pages.setdefault(cell.row, set()).update(pages)
        self.flags: list[DocumentFlag] = []
        self.doubtful: set[str] = set()

    def _pages(self, rows: Iterable[int]) -> set[int]:
        return {p for r in rows for p in self.row_pages.get(r, ())}

    def _joined(self, texts: Iterable[str]) -> str:
        return say(self.template, "list_separator").join(texts)

    def _pages_text(self, pages: Iterable[int]) -> str:
        """The pages as the form's messages name them (`第2页、第3页`)."""
        return self._joined(say(self.template, "page", page=p) for p in sorted(pages))

    def _flag(self, section: SectionSpec, pages: set[int], message: str) -> None:
        self.flags.append(
            DocumentFlag(
                reason=DocumentFlagReason.SECTION_INCOMPLETE,
                section=self.contract.flag_section(section.key),
                page=min(pages) if pages else None,
                message=message,
            )
        )

    def _flag_items(
        self,
        section: SectionSpec,
        indices: list[int],
        key: str,
        *,
        doubt: bool = True,
        **values: object,
    ) -> None:
        """A flag on items `indices` of a rows section (message `key` with the section's label,
        their count, the pages their rows are printed on and `values`), and, with `doubt`,
        every field of them in doubt; nothing when there are none."""
        if not indices:
            return
        name = section.list or section.key
        item_rows = self._item_rows(section)
        pages = self._pages(r for i in indices if i < len(item_rows) for r in item_rows[i])
        message = say(
            self.template,
            key,
            section=section.labels[0],
            count=len(indices),
            pages=self._pages_text(pages),
            **values,
        )
        self._flag(section, pages, message)
        if doubt:
            self.doubtful.update(f"{name}[{i}].{c.key}" for i in indices for c in section.columns)

    def _item_rows(self, section: SectionSpec) -> tuple[tuple[int, ...], ...]:
        return self.trace.item_rows.get(section.list or section.key, ())

    # -- rows the grid found ------------------------------------------------------------------
    def unheld_rows(self, section: SectionSpec) -> set[int]:
        """Rows of the section with content no item, header or label holds: wholly (a header
        not seen above them), or in part (a column the header did not name); their pages."""
        held = self.trace.value_cells | self.trace.label_cells
        lost, partly = [], []
        for row in self.trace.section_rows.get(section.key, ()):
            content = [c for c in self.starting.get(row, ()) if c.text.strip()]
            unheld = [c for c in content if (c.row, c.col) not in held]
            if unheld:
                (lost if len(unheld) == len(content) else partly).append(row)
        for rows, key in ((lost, "rows_unread"), (partly, "rows_partly_unread")):
            if rows:
                pages = self._pages(rows)
                where = self._pages_text(pages)
                message = say(
                    self.template, key, section=section.labels[0], count=len(rows), pages=where
                )
                self._flag(section, pages, message)
        return self._pages(lost + partly)

    def pages_without_rows(self, section: SectionSpec, reported: set[int]) -> None:
        """Pages after the section's first row on which none of its items was read (a page
        that holds only its header before the rows begin is the form's layout; pages with rows
        already `reported` unheld aside)."""
        item_pages = self._pages(r for rows in self._item_rows(section) for r in rows)
        if not item_pages:
            return  # `at_least_one` says so
        section_pages = self._pages(self.trace.section_rows.get(section.key, ()))
        later = {page for page in section_pages if page > min(item_pages)}
        for page in sorted(later - item_pages - reported):
            message = say(self.template, "page_without_rows", section=section.labels[0], page=page)
            self._flag(section, {page}, message)

    def rows_read_as_one(self, section: SectionSpec) -> None:
        """Items whose reading shows two printed rows in one, a rule between them not seen:
        one of its own cells (not a paragraph or merged level) holds stacked entries; an own
        column holds text in cells of two of its rows on one page (the rule seen there, not
        across the row); or a value is two values one after the other (`100%≥85%`, an amount
        `1389.441669.23`). The lost row has no field to flag, so the section says a row may be
        missing."""
        name = section.list or section.key
        columns = self.trace.item_columns.get(name, {})
        own = {
            col
            for c in section.columns
            if c.kind not in SPANNING_KINDS
            for col in columns.get(c.key, ())
        }
        measures = [c.key for c in section.columns if c.kind in _MEASURE_KINDS]
        amounts = [c.key for c in section.columns if c.kind == "amount"]
        printed = {f.path: f.ocr_text or "" for f in self.doc.fields}
        stacked, doubled = [], []
        items = getattr(self.doc, name)
        for i, (item, rows) in enumerate(zip(items, self._item_rows(section), strict=False)):
            cells = [c for r in rows for c in self.starting.get(r, ()) if c.col in own]
            if any(c.stacked_lines for c in cells):
                stacked.append(i)
            elif (
                _two_cells_in_a_column(cells)
                or any(
                    _two_values("".join(str(getattr(item, key) or "").split())) for key in measures
                )
                or any(self._two_amounts(printed.get(f"{name}[{i}].{key}")) for key in amounts)
            ):
                doubled.append(i)
        # The stacked cell's own value is already in doubt (`mapping.STACKED_STRUCTURE_CONFIDENCE`).
        self._flag_items(section, stacked, "stacked_rows", doubt=False)
        # Two rows' texts run together in each of the item's cells (a name holding two names
        # beside a value holding two values): every field of it is in doubt, not only the row
        # it may hide.
        self._flag_items(section, doubled, "rows_read_as_one")

    def _two_amounts(self, text: str | None) -> bool:
        """Whether an amount cell prints two amounts run together (`1389.441669.23`: a row
        continued over a page break joined to the next page's first row)."""
        compact = "".join((text or "").split())
        return any(
            re.fullmatch(rf"\d[\d,]*\.\d{{{places}}}\d[\d,]*\.\d+", compact)
            for places in self.template.printed_decimals
            if places
        )

    def halves_aligned(self, section: SectionSpec) -> None:
        """In a table printing two halves side by side, an item of one half read over the rows
        of two items of the other half: its cells may hold two rows (the rule between them
        not seen on its side), and the lost row has no field to flag."""
        halves = section.halves
        if halves is None:
            return
        name = section.list or section.key
        items = getattr(self.doc, name)
        item_rows = self._item_rows(section)
        starts: dict[object, set[int]] = {}
        for item, rows in zip(items, item_rows, strict=False):
            starts.setdefault(getattr(item, halves.field), set()).add(rows[0])
        merged = [
            i
            for i, (item, rows) in enumerate(zip(items, item_rows, strict=False))
            if len(rows) > 1
            and any(
                len(set(rows) & others) > 1
                for half, others in starts.items()
                if half != getattr(item, halves.field)
            )
        ]
        self._flag_items(section, merged, "halves_one_row")

    def joined_levels(self, section: SectionSpec) -> None:
        """Items whose 一级 or 二级 reads as two names of the taxonomy one after the other
        (`质量指标成本指标`): two groups' cells were read as one, and rows with them."""
        levels = [c.key for c in section.columns if c.kind in ("taxonomy1", "taxonomy2")]
        if not levels:
            return
        names = [w for wordings in self.template.taxonomy_names().values() for w in wordings]
        name = section.list or section.key
        items = getattr(self.doc, name)
        joined = [
            i
            for i, item in enumerate(items)
            if any(len(split_wordings(getattr(item, key) or "", names) or ()) > 1 for key in levels)
        ]
        self._flag_items(section, joined, "joined_levels")

    # -- the template's expectations ------------------------------------------------------------
    def at_least_one(self, section: SectionSpec, items: list) -> None:
        if not items:
            pages = self._pages(self.trace.section_rows.get(section.key, ()))
            self._flag(section, pages, say(self.template, "no_rows", section=section.labels[0]))

    def taxonomy(self, section: SectionSpec) -> None:
        """Every 一级 of the taxonomy has rows (printed, if empty), and within a 一级 its
        二级 come in the taxonomy's order."""
        level1_key = next((c.key for c in section.columns if c.kind == "taxonomy1"), None)
        level2_key = next((c.key for c in section.columns if c.kind == "taxonomy2"), None)
        if level1_key is None or level2_key is None:
            return
        items = getattr(self.doc, section.list or section.key)
        if not items:
            return  # `at_least_one` says so
        canonical_level1 = self.template.canonical_level1
        seen = {canonical_level1(getattr(item, level1_key) or "") for item in items}
        seen |= self._printed_level1(section, level1_key)
        absent = [level1 for level1 in self.template.taxonomy if level1 not in seen]
        pages = self._pages(self.trace.section_rows.get(section.key, ()))
        if absent:
            message = say(
                self.template,
                "level1_absent",
                section=section.labels[0],
                absent=self._joined(absent),
            )
            self._flag(section, pages, message)
        # The order holds within each half of a table printing a 中期 and a 年度 half.
        half = section.halves.field if section.halves else None
        rank: dict[tuple[object, str], int] = {}
        for item in items:
            level1 = canonical_level1(getattr(item, level1_key) or "")
            level2 = getattr(item, level2_key)
            group = (getattr(item, half) if half else None, level1)
            order = self.template.taxonomy.get(level1, ())
            canonical = self.template.canonical_level2(level2) if level2 else None
            if canonical not in order:
                continue  # a 二级 under the wrong 一级 is the taxonomy check's
            if order.index(canonical) < rank.get(group, 0):
                message = say(
                    self.template,
                    "level2_order",
                    section=section.labels[0],
                    level1=level1,
                    level2=canonical,
                )
                self._flag(section, pages, message)
                return
            rank[group] = order.index(canonical)

    def _printed_level1(self, section: SectionSpec, level1_key: str) -> set[str]:
        """一级 names printed in the section's 一级 column, rows without content included."""
        columns = self.trace.item_columns.get(section.list or section.key, {}).get(level1_key, ())
        rows = set(self.trace.section_rows.get(section.key, ()))
        printed = {
            self.template.canonical_level1("".join(cell.text.split()))
            for cell in self.table.cells
            if cell.col in columns and cell.row in rows
        }
        return printed & set(self.template.taxonomy)

    # -- columns ------------------------------------------------------------------------------
    def columns(self, section: SectionSpec) -> None:
        """An own column empty beside one holding its kind: the reader shifted the column."""
        own = [c for c in section.columns if c.key not in section.carry_down]
        name = section.list or section.key
        items = getattr(self.doc, name)
        for a, b in pairwise(own):
            for empty, full in ((a, b), (b, a)):
                if self._shifted(items, empty.key, empty.kind, full.key, full.kind):
                    pages = self._pages(r for rows in self._item_rows(section) for r in rows)
                    message = say(
                        self.template,
                        "column_shift",
                        section=section.labels[0],
                        empty=empty.labels[0],
                        full=full.labels[0],
                    )
                    self._flag(section, pages, message)
                    self.doubtful.update(
                        f"{name}[{i}].{c.key}" for i in range(len(items)) for c in section.columns
                    )
                    return

    def shifted_rows(self, section: SectionSpec) -> None:
        """Rows whose name (三级指标) or value (指标值) is the name of a 一级 or 二级: the levels
        of that row were read one or two columns to the right, and its name and value with
        them. In a section without levels (tasks) such rows are indicator rows read into it,
        their header lost."""
        with_levels = any(c.kind.startswith("taxonomy") for c in section.columns)
        if not self.template.taxonomy:
            return
        levels = {
            *self.template.taxonomy,
            *(l2 for l2s in self.template.taxonomy.values() for l2 in l2s),
        }
        own = [c for c in section.columns if not c.kind.startswith("taxonomy")]
        name = section.list or section.key
        items = getattr(self.doc, name)
        hits = {
            i: [c for c in own if "".join(str(getattr(item, c.key) or "").split()) in levels]
            for i, item in enumerate(items)
        }
        shifted = [i for i, columns in hits.items() if columns]
        if not shifted:
            return
        named = self._joined(
            say(self.template, "column_named", column=c.labels[0])
            for c in own
            if any(c in hits[i] for i in shifted)
        )
        key = "level_names_shifted" if with_levels else "level_rows_in_section"
        self._flag_items(section, shifted, key, columns=named)

    def names_in_levels(self, section: SectionSpec) -> None:
        """Rows whose 一级 or 二级 holds text that names no level while their own name (三级指标)
        is empty and their value is not: the row was read one or more columns to the left, its
        name into a level column (`资金支付及时率` as the 一级) and its value with it, whatever
        the reading's confidence. A level name misread (`产出指示`) beside an empty name is
        in doubt alike: nothing tells the two apart."""
        levels = [c for c in section.columns if c.kind.startswith("taxonomy")]
        own = [c for c in section.columns if c.key not in section.carry_down]
        if not levels or len(own) < 2:
            return
        name_key, value_key = own[0].key, own[-1].key
        items = getattr(self.doc, section.list or section.key)
        shifted = [
            i
            for i, item in enumerate(items)
            if is_blank(getattr(item, name_key))
            and not is_blank(getattr(item, value_key))
            and any(not self._names_a_level(c.kind, getattr(item, c.key)) for c in levels)
        ]
        self._flag_items(section, shifted, "names_in_levels")

    def _names_a_level(self, kind: ValueKind, text: FieldValue) -> bool:
        """Whether a level cell is empty or holds a taxonomy name, in any of its wordings."""
        if is_blank(text):
            return True
        if kind == "taxonomy1":
            return self.template.canonical_level1(str(text)) in self.template.taxonomy
        return self.template.level1_of(str(text)) is not None

    def row_in_value(self, section: SectionSpec) -> None:
        """A one-value section (其他需完成的任务) one of whose printed rows holds several cells
        with text side by side: a row of the rows section printed before it, read under its
        label (a task on a page after one that lost its grid), and the rows section is flagged:
        it lost the row. Before any rows section (总体绩效目标) the wide cell was cut by a rule
        read in it, its text read column by column. Either way the value is in doubt."""
        rows = [
            r
            for r in self.trace.section_rows.get(section.key, ())
            if sum(
                bool(c.text.strip()) and (c.row, c.col) not in self.trace.label_cells
                for c in self.starting.get(r, ())
            )
            > 1
        ]
        if not rows or section.field is None:
            return
        at = self.template.sections.index(section)
        before = [s for s in self.template.sections[:at] if s.layout == "rows"]
        pages = self._pages(rows)
        where = {"section": section.labels[0], "count": len(rows), "pages": self._pages_text(pages)}
        if before:
            owner = before[-1]
            message = say(self.template, "rows_in_value", owner=owner.labels[0], **where)
            self._flag(owner, pages, message)
            self._doubt_cut_item(owner, rows)
        else:  # nothing to lose a row from: a wide cell cut by a rule read in its text
            self._flag(section, pages, say(self.template, "value_cut", **where))
        self.doubtful.add(section.field)

    def _doubt_cut_item(self, owner: SectionSpec, rows: list[int]) -> None:
        """A row of `owner` read under a one-value section that prints nothing in the
        owner's first column holds no item of its own but the rest of the owner's last item,
        cut by a page break (the label cell of the next page's top joined to the value's):
        that item's fields whose columns hold text in such a row are cut short, in doubt."""
        name = owner.list or owner.key
        columns = self.trace.item_columns.get(name, {})
        count = len(self._item_rows(owner))
        if not count or not columns:
            return
        key_of = {col: key for key, cols in columns.items() for col in cols}
        first = owner.columns[0].key
        for row in rows:
            keys = {key_of.get(c.col) for c in self.starting.get(row, ()) if c.text.strip()}
            if first not in keys:
                self.doubtful.update(f"{name}[{count - 1}].{key}" for key in keys if key)

    def labels_in_paragraphs(self) -> None:
        """A paragraph one of whose lines is a label the form prints (`年度目标`, a `中期指标`
        title above the indicators) was read together with that label's cell: the rule
        between them was lost, and the cell of a field beside it may have been read into it
        too (a 中期目标 cell, its own label and text run into the 年度目标 below). The
        paragraph is in doubt, and so is every empty field of its section."""
        labels = self.template.printed_labels()
        kinds = self.template.kinds_by_key()
        values = dict(value_paths(self.doc))
        for path, value in values.items():
            if kinds.get(kind_key(path)) != "long_text" or is_blank(value):
                continue
            if not any(self._label_line(line, labels) for line in str(value).splitlines()):
                continue
            self.doubtful.add(path)
            siblings = next((f for f in map(_own_fields, self.template.sections) if path in f), [])
            self.doubtful.update(p for p in siblings if is_blank(values.get(p)))

    @staticmethod
    def _label_line(line: str, labels: dict[str, tuple[str, ...]]) -> bool:
        folded = fold_label(line)
        if not folded or _PROSE.search(line):
            return False
        found = match_label(line, labels)
        return found is not None and len(folded) <= len(fold_label(found.label)) + LABEL_LINE_EXTRA

    def _shifted(
        self, items: list, empty: str, empty_kind: ValueKind, full: str, full_kind: ValueKind
    ) -> bool:
        texts = [
            (getattr(item, empty), str(getattr(item, full)))
            for item in items
            if getattr(item, full) is not None
        ]
        if not texts:
            return False
        empty_share = sum(e is None for e, _ in texts) / len(texts)
        filled = [text for _, text in texts]
        like_empty = sum(self._looks_like(empty_kind, t) for t in filled) / len(filled)
        like_own = sum(self._looks_like(full_kind, t) for t in filled) / len(filled)
        return empty_share >= EMPTY_SHARE and like_empty >= LOOKALIKE_SHARE > like_own

    def _looks_like(self, kind: ValueKind, text: FieldValue) -> bool:
        compact = "".join(str(text).split())
        if kind == "amount":
            return parse_amount(compact) is not None
        if kind == "count":
            return parse_count(compact) is not None
        if kind == "taxonomy1":
            return compact in self.template.taxonomy
        if kind == "taxonomy2":
            return self.template.level1_of(compact) is not None
        if kind == "long_text":
            return len(compact) >= LONG_TEXT_CHARS
        symbols = bool(_MEASURE.search(compact))
        if kind in ("indicator_value", "percent", "date_or_period"):
            words = (*self.template.period_words, *self.template.operators)
            return symbols or any(w in compact for w in words)
        return not symbols and 2 <= len(compact) <= NAME_CHARS  # a name (资金支付及时率)


def _own_fields(section: SectionSpec) -> list[str]:
    """The fields a section prints once (its value, pairs, or headed cells); none for a rows
    section, whose items are judged by their own rows."""
    if section.layout == "rows":
        return []
    if section.field is not None:
        return [section.field]
    return [*section.pair_paths, *(section.field_of(c) for c in section.columns)]


def _two_cells_in_a_column(cells: list[LogicalCell]) -> bool:
    """Whether two of `cells` with text stand in one column on one page: one above the
    other, each a row of its own there."""
    seen: set[tuple[int, int]] = set()
    for cell in cells:
        if not cell.text.strip():
            continue
        where = (cell.col, cell.pieces[0].page)
        if where in seen:
            return True
        seen.add(where)
    return False


def check_sections(mapped: MappedDocument, table: Table, template: Template) -> Completeness:
    """Flags for every rows section that lost rows or shifted a column, and for a one-value
    section holding such a section's row."""
    checker = _Checker(mapped, table, template)
    checker.labels_in_paragraphs()
    for section in template.sections:
        if section.layout == "value":
            checker.row_in_value(section)
        if section.layout != "rows":
            continue
        items = getattr(mapped.document, section.list or section.key)
        checker.at_least_one(section, items)
        checker.taxonomy(section)
        checker.pages_without_rows(section, checker.unheld_rows(section))
        checker.rows_read_as_one(section)
        checker.halves_aligned(section)
        checker.joined_levels(section)
        checker.columns(section)
        checker.shifted_rows(section)
        checker.names_in_levels(section)
    return Completeness(flags=tuple(checker.flags), doubtful=frozenset(checker.doubtful))
