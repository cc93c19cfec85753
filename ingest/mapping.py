"""Map the stitched table onto the template: sections, pairs, task and indicator rows.

The left column's merged label cells cut the table into blocks; each block is a section of the
template, found by its label (fuzzy, see `ingest.labels`). A block whose label was not read is
placed by its header row (rows sections) or, failing that, by the template's section order
when exactly one section fits between its neighbours.

Choices that shape the output:
- `rows` sections: the header row names the columns; every later row is one item. A row whose
  own columns are all empty (for indicators: no 三级指标 and no 指标值, e.g. a bare 成本指标
  row) is omitted, as the contract allows; its carried-down levels still carry on.
- `carry_down` columns take the text of the merged cell over them, or the value above when
  their cell is empty. A 二级 under the wrong 一级 is kept as printed; the checks flag it.
- Every value gets a `fields[]` record and evidence; status decisions are left to the trust
  layer, so records are "accepted" and the document stays `needs_review`.
- What every cell became (a value, a label or header, or nothing) and which rows each section
  and row item came from is kept in a `MappingTrace`, for the accounting of every line and the
  completeness checks.
"""

import re
from collections import Counter
from dataclasses import dataclass, replace
from itertools import combinations, pairwise
from typing import Any

from ingest.artifacts import (
    BBox,
    FieldEvidence,
    LogicalCell,
    MappedDocument,
    MappingTrace,
    OcrToken,
    Table,
    union_box,
    weakest_confidence,
)
from ingest.errors import UnknownTemplate
from ingest.labels import (
    LabelMatch,
    best_label,
    match_label,
    match_row,
    nearest_wording,
    split_wordings,
    wordings_inside,
)
from ingest.template import (
    SPANNING_KINDS,
    ColumnSpec,
    PairSpec,
    SectionSpec,
    Template,
    ValueKind,
    kind_key,
    normalize_label,
)
from ingest.values import SPECKLESS_KINDS, normalize_value, without_specks
from models.contract import (
    ROW_PATH,
    FieldRecord,
    FieldStatus,
    FieldValue,
    FormDocument,
    contract_for,
    value_paths,
)

# The label score given to a section placed without reading its label.
INFERRED_SECTION_SCORE = 0.5
# A garbled label in a pairs section's first column names the unread pair it reads this much
# like (`主管部方夏代码` for 主管部门及代码).
PAIR_LABEL_GUESS = 0.5
# The structure confidence of a one-entry field whose cell holds entries stacked one above the
# other (a rule between two rows not seen): under any flagging threshold.
STACKED_STRUCTURE_CONFIDENCE = 0.2
# Specks read inside a label's words or a code's digits (a dot of dust between two of them,
# read as a point or a comma).
_SPECKS = re.compile(r"[.,·•・，]")
# A department's code printed before its name: `[015001]武汉市青山区教育局`, `015001 教育局`.
_CODED_NAME = re.compile(r"^\s*[\[【(（]?\s*(\d{3,12})\s*[\]】)）]?\s*[-—:：]?\s*(.*)$", re.S)
# A code in brackets anywhere in the cell, maybe with a speck between two digits (`[07.4015]`).
_BRACKETED_CODE = re.compile(rf"[\[【(（]\s*(\d(?:{_SPECKS.pattern}?\d){{2,11}})\s*[\]】)）]")


# A line holding only a year, as printed under a title: `（2021年度）`, `2021年`; read with a
# speck at either end (`.（2026年度）`), or its 度 as another ideograph inside the brackets
# (`(2026年庇)`), it is still that line.
_TITLE_YEAR = re.compile(
    r"[(（\[]?(?P<year>(19|20)\d{2})年(?:度|[\u4e00-\u9fff](?=[)）\]]))?[)）\]]?"
)
_YEAR_LINE_SPECKS = ".,'`·•_-~*^°。，、"
# A title too long for its line may wrap onto this many lines before the year line under it.
TITLE_WRAPS = 1


def split_code(text: str) -> tuple[str | None, str]:
    """(code, name) of a cell holding a code and a name; no code when none is printed."""
    found = _CODED_NAME.match(text)
    if found is None or not found.group(2).strip():
        return None, text
    return found.group(1), found.group(2)


@dataclass(frozen=True)
class _Source:
    """Where a value was read: a table cell, or the title line outside the table."""

    text: str
    confidence: float
    structure_confidence: float
    page: int | None  # 0-based
    bbox: tuple[int, int, int, int] | None
    label_score: float
    seal_overlap: float = 0.0
    joined_across_pages: bool = False
    text_cut_by_page_break: bool = False
    # The value is not the text as read but what the template makes of it (the name a garbled
    # level cell stands for, a pair whose label was guessed): a reviewer confirms it.
    decided: bool = False
    weakest_line: float = 1.0  # see LogicalCell
    from_pixels: bool = True  # see LogicalCell

    @classmethod
    def of_cell(cls, cell: LogicalCell, label_score: float, kind: ValueKind) -> "_Source":
        first = cell.pieces[0]
        structure = cell.structure_confidence
        if cell.stacked_lines and kind not in SPANNING_KINDS:
            structure = min(structure, STACKED_STRUCTURE_CONFIDENCE)
        return cls(
            text=cell.text,
            confidence=cell.confidence,
            structure_confidence=structure,
            page=first.page,
            bbox=first.bbox,
            label_score=label_score,
            seal_overlap=cell.seal_overlap,
            joined_across_pages=cell.joined_across_pages,
            text_cut_by_page_break=cell.text_cut_by_page_break,
            weakest_line=cell.weakest_line,
            from_pixels=cell.from_pixels,
        )


@dataclass(frozen=True)
class _Read:
    """A value of a row item, where it was read, whether its text was lost in print, and the
    cells it was read from."""

    value: FieldValue
    source: _Source | None
    lost: bool = False
    cells: tuple[LogicalCell, ...] = ()
    # The row's own empty cell a merged level's value was carried down into.
    carried_into: LogicalCell | None = None


@dataclass
class _Block:
    """Rows of the table under one left-column label, and the section they belong to."""

    label: LogicalCell
    rows: range
    section: SectionSpec | None = None
    score: float = 0.0


class _Mapper:
    def __init__(self, table: Table, template: Template) -> None:
        self.table = table
        self.template = template
        self.cover: dict[tuple[int, int], LogicalCell] = {}
        for cell in table.cells:
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.col, cell.col + cell.col_span):
                    self.cover.setdefault((r, c), cell)
        self.starting = table.rows()
        self.printed = tuple(cell.text for cell in table.cells)
        names = template.taxonomy_names()
        self.level_terms = {
            "taxonomy1": {k: w for k, w in names.items() if k in template.taxonomy},
            "taxonomy2": {k: w for k, w in names.items() if k not in template.taxonomy},
        }
        self.values: dict[str, FieldValue] = {}
        self.kinds = template.kinds_by_key()
        self.sources: dict[str, _Source] = {}
        self.expected: set[str] = set()
        self.counts: dict[str, int] = {}
        self.lost: set[str] = set()  # the cell is there but its text was printed nowhere
        self.value_cells: set[tuple[int, int]] = set()
        self.label_cells: set[tuple[int, int]] = set()
        self.title_lines: list[tuple[int, tuple[int, int, int, int]]] = []
        self.section_rows: dict[str, tuple[int, ...]] = {}
        self.item_rows: dict[str, tuple[tuple[int, ...], ...]] = {}
        self.item_columns: dict[str, dict[str, tuple[int, ...]]] = {}

    def _use(self, cells: list[LogicalCell] | tuple[LogicalCell, ...], as_value: bool) -> None:
        """Record what cells became: values, or template labels and headers."""
        (self.value_cells if as_value else self.label_cells).update((c.row, c.col) for c in cells)

    def _put(self, path: str, value: FieldValue, source: _Source | None) -> None:
        self.values[path] = value
        if source is not None:
            self.sources[path] = source

    def _content(self, row: int, first_column: bool = False) -> list[LogicalCell]:
        """Cells that start on `row`, left to right; the left label column only when the
        section prints its own labels there."""
        return [c for c in self.starting[row] if c.col >= (0 if first_column else 1)]

    # -- blocks and sections --------------------------------------------------------------
    def blocks(self) -> list[_Block]:
        labels = {s.key: s.labels for s in self.template.sections}
        blocks = []
        for cell in self.table.cells:
            joined = self._joined_pair_section(cell) if cell.col_span >= self.table.n_cols else None
            if cell.col != 0 or (cell.col_span >= self.table.n_cols and joined is None):
                continue
            block = _Block(cell, range(cell.row, cell.row + cell.row_span))
            found = match_label(cell.text, labels)
            if joined is not None:
                block.section, block.score = joined, INFERRED_SECTION_SCORE
            elif found is not None:
                block.section, block.score = self.template.section(found.key), found.score
            blocks += self._split_at_header(block)
        for before, block in zip([None, *blocks], blocks, strict=False):
            if block.section is None:
                section = self._header_section(block) or self._rows_continued(before, block)
                if section is not None:
                    block.section, block.score = section, INFERRED_SECTION_SCORE
        self._place_by_order(blocks)
        self._use([b.label for b in blocks if b.section is not None], as_value=False)
        return blocks

    def _split_at_header(self, block: _Block) -> list[_Block]:
        """The block, cut where a later row of it prints the header of a rows section other
        than its own: the rule under the label cell, faded in the label column alone, merged
        the label of the section above with the next section's label cell (empty where a page
        break printed that label on the next page). The rows from the header on are left
        for the header to name (`_header_section`)."""
        others = [
            s for s in self.template.sections if s.layout == "rows" and s is not block.section
        ]
        for row in block.rows[1:]:
            if any(self._header_cells(row, s) for s in others):
                head = _Block(block.label, range(block.rows.start, row), block.section, block.score)
                rest = _Block(block.label, range(row, block.rows.stop))
                return [head, *self._split_at_header(rest)]
        return [block]

    def _joined_pair_section(self, cell: LogicalCell) -> SectionSpec | None:
        """The section of a row read as one cell across the table that holds a pair's label
        and its value (`项目名称党建工作经费`, the rule between them not seen): a pairs
        section printing its labels in the first column."""
        fits = [
            s
            for s in self.template.sections
            if s.layout == "pairs"
            and s.labels_in_first_column
            and self._label_value_runs(cell.text, s) is not None
        ]
        return fits[0] if len(fits) == 1 else None

    def _header_section(self, block: _Block) -> SectionSpec | None:
        """The one section whose own labels the block's cells print: a rows section's or a
        headed section's header row, or two labels of a pairs section's pairs."""
        fits = [s for s in self.template.sections if self._prints_own_labels(block, s)]
        return fits[0] if len(fits) == 1 else None

    def _prints_own_labels(self, block: _Block, section: SectionSpec) -> bool:
        if section.layout == "rows":
            return any(self._header_cells(r, section) for r in block.rows)
        if section.layout == "headed":
            labels = {c.key: c.labels for c in section.columns}
            return any(match_row([c.text for c in self._content(r)], labels) for r in block.rows)
        if section.layout == "pairs":
            # Two of its pairs' labels; where a pair's label is the block's own, one more
            # beside the block's label if that reads somewhat like a pair's.
            labels = {p.field: p.labels for p in section.pairs}
            cells = [c for r in block.rows for c in self._content(r)]
            named = len({m.key for c in cells if (m := match_label(c.text, labels))})
            if section.labels_in_first_column:
                own = best_label(block.label.text, labels, threshold=PAIR_LABEL_GUESS)
                return named >= 1 and own is not None
            return named >= 2
        return False

    def _layout(self, row: int) -> set[tuple[int, int]]:
        return {
            (c.col, c.col_span)
            for k in range(1, self.table.n_cols)
            if (c := self.cover.get((row, k))) is not None
        }

    def _rows_continued(self, before: _Block | None, block: _Block) -> SectionSpec | None:
        """An unlabelled block right after a rows section, with its rows' column layout, holds
        more of its rows (the left cell was split, e.g. by a page break read as a rule)."""
        if before is None or before.section is None or before.section.layout != "rows":
            return None
        same = self._layout(before.rows[-1]) == self._layout(block.rows[0])
        return before.section if same else None

    def _place_by_order(self, blocks: list[_Block]) -> None:
        order = [s.key for s in self.template.sections]
        taken = {b.section.key for b in blocks if b.section is not None}
        for i, block in enumerate(blocks):
            if block.section is not None:
                continue
            before = [order.index(b.section.key) for b in blocks[:i] if b.section is not None]
            after = [order.index(b.section.key) for b in blocks[i + 1 :] if b.section is not None]
            low = max(before, default=-1)
            high = min(after, default=len(order))
            fits = [k for k in order[low + 1 : high] if k not in taken]
            if len(fits) == 1:
                block.section = self.template.section(fits[0])
                block.score = INFERRED_SECTION_SCORE
                taken.add(fits[0])

    # -- section layouts ------------------------------------------------------------------
    def _header(self, row: int, section: SectionSpec) -> dict[int, LabelMatch] | None:
        texts = [c.text for c in self._content(row)]
        return match_row(texts, {h: (h,) for h in section.headers})

    def _header_cells(
        self, row: int, section: SectionSpec
    ) -> list[tuple[LogicalCell, int, LabelMatch]] | None:
        """A rows section's header row as (cell, grid column, column label) left to right, or
        None when the row is not one. A cell spanning columns whose text is as many column
        labels one after the other (a rule between two header cells not seen) names each
        column it spans."""
        candidates = {c.key: c.labels for c in section.columns}
        entries: list[tuple[LogicalCell, int, str]] = []
        for cell in self._content(row):
            wordings = (w for labels in candidates.values() for w in labels)
            parts = split_wordings(cell.text, wordings) if cell.col_span > 1 else None
            if parts is not None and len(parts) == cell.col_span:
                entries += [(cell, cell.col + j, text) for j, text in enumerate(parts)]
            elif parts is not None and len(parts) == len(starts := self._starts_below(cell)):
                entries += [(cell, col, text) for col, text in zip(starts, parts, strict=True)]
            else:
                entries.append((cell, cell.col, cell.text))
        found = match_row([text for _, _, text in entries], candidates)
        if found is None:
            return None
        return [(entries[i][0], entries[i][1], match) for i, match in sorted(found.items())]

    def _starts_below(self, cell: LogicalCell) -> list[int]:
        """The columns where the cells of the row under `cell` start within its span: where a
        header cell joined over more columns than it names, its labels' columns are the ones
        the entries under it keep apart (`三级指标指标值` over a name column and a value cell
        three columns wide)."""
        below = cell.row + cell.row_span
        if below >= self.table.n_rows:
            return []
        end = cell.col + cell.col_span
        return [c.col for c in self.starting[below] if cell.col <= c.col < end]

    def value_section(self, section: SectionSpec, rows: list[int], score: float) -> None:
        cells = [c for r in rows for c in self._content(r)]
        self._put_cells(section.field or "", section.kind or "text", cells, score)

    def pairs_section(self, section: SectionSpec, rows: list[int], score: float) -> None:
        """Label/value cells. Pairs printed with the same label (a 中期 and a 年度 column)
        take the label's readings in the template's order: the first one read is the first
        pair's, the next the second's."""
        fields = {p.field: p.labels for p in section.pairs}
        specs = {p.field: p for p in section.pairs}
        same_label = {
            p.field: [q.field for q in section.pairs if q.labels == p.labels] for p in section.pairs
        }
        candidates = {**fields, **{f"header:{h}": (h,) for h in section.headers}}
        joined: list[tuple[LogicalCell, list[tuple[str, str]]]] = []
        for row in rows:
            cells = self._content(row, section.labels_in_first_column)
            if section.headers and self._header(row, section):
                self._use(cells, as_value=False)
                continue
            i = 0
            while i < len(cells):
                if runs := self._label_value_runs(cells[i].text, section):
                    joined.append((cells[i], runs))
                    i += 1
                    continue
                found = match_label(cells[i].text, candidates)
                guessed = found is None and i == 0 and section.labels_in_first_column
                if guessed:
                    found = self._unread_pair_label(cells[0].text, fields)
                label = 1  # cells the label fills
                if found is None and i + 2 < len(cells):
                    # a label cut in two by a stroke the grid took for a rule (`年度资|金总额`)
                    found = _whole_label(cells[i].text + cells[i + 1].text, fields)
                    if found is not None:
                        guessed, label = True, 2
                if found is not None:
                    self._use(cells[i : i + label], as_value=False)
                if found is None or found.key not in fields or i + label >= len(cells):
                    i += 1
                    continue
                free = [f for f in same_label[found.key] if f not in self.values]
                if free:
                    spec = specs[free[0]]
                    value = cells[i + label]
                    self._use([value], as_value=True)
                    source = _Source.of_cell(value, min(score, found.score), spec.kind)
                    self._put_pair(spec, replace(source, decided=guessed))
                i += label + 1
        # Cells holding labels and their values together (the rules between them not seen)
        # come after the cells read apart: a label printed twice names its first pair there.
        for cell, runs in joined:
            for key, value in runs:
                free = [f for f in same_label[key] if f not in self.values]
                if free:
                    self._use([cell], as_value=True)
                    spec = specs[free[0]]
                    source = _Source.of_cell(cell, INFERRED_SECTION_SCORE, spec.kind)
                    self._put_pair(spec, replace(source, text=value, decided=True))

    @staticmethod
    def _label_value_runs(text: str, section: SectionSpec) -> list[tuple[str, str]] | None:
        """(pair, value text) of a cell reading as a pair's label, its value, maybe another
        label and value (`年度资金总额18595万元财政拨款12841万元`): label and value cells
        merged where the rules between them were not seen. None unless the text starts with
        a label and every label is followed by a value of its pair's kind, and None where the
        text is a label read with a speck inside it (`主管部门及.代码`, not `主管部门` with the
        value `及.代码`)."""
        kinds = {p.field: p.kind for p in section.pairs}
        wordings = sorted(
            ((normalize_label(w), p.field) for p in section.pairs for w in p.labels),
            key=lambda wk: -len(wk[0]),
        )
        rest, runs = normalize_label(text), []
        if _SPECKS.sub("", rest) in {w for w, _ in wordings}:
            return None
        while rest:
            head = next(((w, k) for w, k in wordings if w and rest.startswith(w)), None)
            if head is None:
                return None
            rest = rest[len(head[0]) :]
            cut = min((p for w, _ in wordings if w and (p := rest.find(w)) > 0), default=len(rest))
            value, rest = rest[:cut], rest[cut:]
            if normalize_value(value, kinds[head[1]]) is None:
                return None
            runs.append((head[1], value))
        return runs or None

    def _unread_pair_label(
        self, text: str, fields: dict[str, tuple[str, ...]]
    ) -> LabelMatch | None:
        """A row's first cell in a section printing its labels there is a label whatever it
        reads as: garbled (a label wrapped in a narrow column on a heavy page), it names the
        pair not yet read whose labels it reads most like, if it reads like one at all; with
        a low score, so the value stays in doubt."""
        unread = {f: labels for f, labels in fields.items() if f not in self.values}
        found = best_label(text, unread, threshold=PAIR_LABEL_GUESS)
        return replace(found, score=INFERRED_SECTION_SCORE) if found is not None else None

    def _put_pair(self, spec: PairSpec, source: _Source) -> None:
        if spec.code_field is None:
            self._put(spec.field, normalize_value(source.text, spec.kind), source)
            return
        code, name = split_code(source.text)
        inside = _BRACKETED_CODE.search(source.text) if code is None else None
        if inside is not None:
            # A code printed, yet not before the name: the cell holds more than the pair (a
            # label or a mark read with it), and what belongs to which field is a guess; or
            # before it with a speck among its digits.
            code = _SPECKS.sub("", inside.group(1))
            name = source.text[: inside.start()] + source.text[inside.end() :]
            source = replace(source, decided=True)
        self._put(spec.field, normalize_value(name, spec.kind), source)
        self._put(spec.code_field, code, source)

    def headed_section(self, section: SectionSpec, rows: list[int], score: float) -> None:
        """A header row naming the field of each cell under it; with no header row read, the
        section's text is the last field's (a region printing one cell)."""
        labels = {column.key: column.labels for column in section.columns}
        kinds = {column.key: column.kind for column in section.columns}
        for at, row in enumerate(rows):
            cells = self._content(row)
            header = match_row([c.text for c in cells], labels)
            if header is None and len(cells) == len(section.columns):
                found = [match_label(c.text, labels) for c in cells]
                if all(f is not None for f in found):
                    header = dict(enumerate(f for f in found if f is not None))
            if header is None:
                continue
            self._use(cells, as_value=False)
            for i, found in header.items():
                head = cells[i]
                under = [
                    c
                    for r in rows[at + 1 :]
                    for c in self._content(r)
                    if head.col <= c.col < head.col + head.col_span
                ]
                self._put_cells(found.key, kinds[found.key], under, min(score, found.score))
            return
        last = section.columns[-1]
        cells = [c for r in rows for c in self._content(r) if c.text.strip()]
        self._put_cells(last.key, last.kind, cells, score)
        if len(cells) > 1 and last.key in self.sources:
            # Several cells and no header read: which text is which goal is not known.
            doubt = replace(
                self.sources[last.key], structure_confidence=STACKED_STRUCTURE_CONFIDENCE
            )
            self.sources[last.key] = doubt
        for column in section.columns[:-1]:
            # its label printed in the text (a header of two cells read as one, the rule
            # between them not seen): its value is somewhere in that text, not read apart
            named = any(wordings_inside(c.text, {column.key: column.labels}) for c in cells)
            if named and column.key not in self.sources:
                self.lost.add(column.key)

    def _put_cells(
        self, path: str, kind: ValueKind, cells: list[LogicalCell], score: float
    ) -> None:
        """The text of `cells` (top to bottom) as the value of `path`. Two of them side by side
        are one printed cell a rule seen where the paper has none cut in two (a crease or a
        stroke of a heavy print): its lines were read as two columns, the left ends of every
        line before the right ones, and the text's order is in doubt."""
        filled = [c for c in cells if c.text.strip()] or cells[:1]
        if not filled:
            return
        self._use(filled, as_value=True)
        text = "\n".join(c.text for c in filled)
        source = replace(_Source.of_cell(filled[0], score, kind), text=text)
        if any(_side_by_side(a, b) for a, b in combinations(filled, 2)):
            source = replace(source, structure_confidence=STACKED_STRUCTURE_CONFIDENCE)
        self._put(path, normalize_value(text, kind), source)

    def halves_section(self, section: SectionSpec, rows: list[int], score: float) -> None:
        """A rows section whose printed row holds two items side by side, or one half only
        (a table per half, told by its label or the title row above its header). The items
        of the first half come first, each with its half in `halves.field`."""
        assert section.halves is not None
        order = section.halves.values
        items: dict[str, list[dict[str, _Read]]] = {h: [] for h in order}
        item_rows: dict[str, list[list[int]]] = {h: [] for h in order}
        half_sources: dict[str, _Source] = {}
        guessed: set[str] = set()  # halves told by nothing printed: their items are in doubt
        current: list[tuple[str, dict[str, tuple[int, float]]]] = []
        every_columns: list[dict[str, tuple[int, float]]] = []
        label: LogicalCell | None = None
        for row in rows:
            header = self._header_cells(row, section)
            if header is not None:
                named = self._halves(section, row, header, score, half_sources, set(rows))
                block = self.cover.get((row, 0))
                if len(named) > 1 and block is not None and self._half_named(section, block.text):
                    # a label naming one half over a header read as two: which is a guess
                    guessed.update(half for half, _ in named if half is not None)
                if named[0][0] is None and current and block is label:
                    named = current  # the header repeated over a page break: the same table
                elif named[0][0] is None:
                    # A table no label or title names: after one half, likely the next; before
                    # a table named as a later half, the half before that one.
                    if current:
                        after = order.index(current[-1][0]) + 1
                        half = order[after] if after < len(order) else section.halves.single
                    else:
                        half = self._first_table_half(section, row, rows) or section.halves.single
                    guessed.add(half)
                    named = [(half, named[0][1])]
                current = [(h, c) for h, c in named if h is not None]
                label = block
                every_columns += [columns for _, columns in current]
                continue
            if not current:
                titles = [c for c in self._content(row) if self._half_named(section, c.text)]
                self._use(titles, as_value=False)
                continue
            for half, columns in current:
                own, own_rows = items[half], item_rows[half]
                if own and self._within_item_above(row, section, columns):
                    self._continue_item(own[-1], row, section, columns)
                    own_rows[-1].append(row)
                else:
                    own.append(self._row_item(row, section, columns, own[-1] if own else None))
                    own_rows.append([row])
        self._doubt_cells_of_two_halves(section, items)
        prefix = section.list or section.key
        kept_rows: list[tuple[int, ...]] = []
        index = 0
        for half in order:
            kept = self._keep_items(section, items[half])
            for i in kept:
                item = items[half][i]
                self._put_item(prefix, index, item)
                path = f"{prefix}[{index}].{section.halves.field}"
                self._put(path, half, None if half in guessed else half_sources.get(half))
                kept_rows.append(tuple(item_rows[half][i]))
                index += 1
        self.counts[prefix] = index
        self.item_rows[prefix] = tuple(kept_rows)
        read_from: dict[str, set[int]] = {}
        for columns in every_columns:
            for key, (col, _) in columns.items():
                read_from.setdefault(key, set()).add(col)
        self.item_columns[prefix] = {key: tuple(sorted(cols)) for key, cols in read_from.items()}

    def _halves(
        self,
        section: SectionSpec,
        row: int,
        header: list[tuple[LogicalCell, int, LabelMatch]],
        score: float,
        half_sources: dict[str, _Source],
        section_rows: set[int],
    ) -> list[tuple[str | None, dict[str, tuple[int, float]]]]:
        """The halves a header row names, each with its columns: a column named a second time,
        or one that each half prints before a column the first half already has (a half prints
        its columns in the template's order: a 二级指标 right of a 三级指标 is the next half's),
        starts the second half, which shares the `shared` columns of the first. A header of
        one half is named by a title row right above it in the section (`中期指标`), else by
        its section label (`中期绩效指标`); None when neither names one."""
        assert section.halves is not None
        self._use([cell for cell, _, _ in header], as_value=False)
        order = [c.key for c in section.columns]
        first: dict[str, tuple[int, float]] = {}
        second: dict[str, tuple[int, float]] = {}
        starts: list[LogicalCell] = []
        misread: list[int] = []
        misread_second: list[int] = []
        for cell, col, found in header:
            before = any(order.index(found.key) < order.index(key) for key in first)
            again = found.key in first or before or bool(second)
            if again and not second and all(k in section.carry_down for k in first):
                # a half holds an item's own column (三级, 指标值) before the next begins:
                # this is a header cell read as its neighbour's label (`级指标` as 一级指标)
                misread.append(col)
                continue
            shared = again and found.key in section.halves.shared
            if shared or any(order.index(found.key) <= order.index(key) for key in second):
                # the second half prints its columns in order too, and none it shares with the
                # first: a label at or before one it already has, or a shared one, is a header
                # cell read as another's (`一三级指标`, `一二级指标` as 一级指标)
                misread_second.append(col)
                continue
            target = second if again else first
            if not target:
                starts.append(cell)
            target.setdefault(found.key, (col, min(score, found.score)))
        self._misread_header_cells(misread, first, order)
        shared = section.halves.shared
        own_order = [key for key in order if key not in shared or key in second]
        self._misread_header_cells(misread_second, second, own_order)
        end = min((col for col, _ in second.values()), default=None)
        self._unread_first_half_header_cells(row, header, first, order, end)
        if second:
            self._unread_header_cells(row, header, first, second, shared)
            for key in shared:
                if key in first:
                    second.setdefault(key, first[key])
            halves = list(zip(section.halves.values, (first, second), strict=True))
        else:
            halves = [(self._table_half(section, row, section_rows), first)]
        for (half, _), start in zip(halves, starts, strict=False):
            if half is not None:
                half_sources.setdefault(half, _Source.of_cell(start, 1.0, "text"))
        return halves

    @staticmethod
    def _misread_header_cells(
        cols: list[int], first: dict[str, tuple[int, float]], order: list[str]
    ) -> None:
        """A header cell read as another column's label is the column the template prints at
        its place, where exactly one is missing between the named columns left and right of
        it; with the label score of a column told by position."""
        for col in cols:
            left = [order.index(k) for k, (c, _) in first.items() if c < col]
            right = [order.index(k) for k, (c, _) in first.items() if c > col]
            between = order[max(left, default=-1) + 1 : min(right, default=len(order))]
            missing = [key for key in between if key not in first]
            if len(missing) == 1:
                first[missing[0]] = (col, INFERRED_SECTION_SCORE)

    def _unread_header_cells(
        self,
        row: int,
        header: list[tuple[LogicalCell, int, LabelMatch]],
        first: dict[str, tuple[int, float]],
        second: dict[str, tuple[int, float]],
        shared: tuple[str, ...],
    ) -> None:
        """The second half prints the first half's own columns in the same order: where as
        many of its header cells were not read as a label (a long header wrapped in a narrow
        cell, garbled) as it lacks columns, those cells are them, in order; with the label
        score of a column told by position."""
        missing = sorted((k for k in first if k not in second and k not in shared), key=first.get)
        if not missing:
            return
        named = {id(cell) for cell, _, _ in header}
        start = min(col for col, _ in second.values())
        unread = [c for c in self._content(row) if id(c) not in named and c.col > start]
        if len(unread) != len(missing):
            return
        self._use(unread, as_value=False)
        for key, cell in zip(missing, unread, strict=True):
            second[key] = (cell.col, INFERRED_SECTION_SCORE)

    def _unread_first_half_header_cells(
        self,
        row: int,
        header: list[tuple[LogicalCell, int, LabelMatch]],
        first: dict[str, tuple[int, float]],
        order: list[str],
        end: int | None,
    ) -> None:
        """The first half prints, before its first named column, between two named ones and
        after its last named one up to `end` (the column the second half starts at), the
        columns of the template that come there (一级指标 and 二级指标 before 三级指标; 二级指标
        and 三级指标 between 一级指标 and 指标值; 指标值 after 三级指标): where the header cells
        there not read as a label (two labels joined by a rule not seen and read line by line,
        `一级指二级指标」标`, `二级指三级指标标1.`; a long label wrapped in a narrow cell,
        `值包數字曲教及子字描述`) end on the header row and fill as many grid columns as those,
        they are them, in order, with the label score of a column told by position."""
        named = {id(cell) for cell, _, _ in header}
        cells = [c for c in self._content(row) if id(c) not in named]
        anchors = sorted((col, order.index(key)) for key, (col, _) in first.items())
        ends = [(end, len(order))] if end is not None else []
        for (left, low), (right, high) in pairwise([(-1, -1), *anchors, *ends]):
            missing = [key for key in order[low + 1 : high] if key not in first]
            unread = [c for c in cells if left < c.col and c.col + c.col_span <= right]
            if not missing or any(c.row_span > 1 for c in unread):
                continue  # a header cell read with the value under it: told otherwise
            columns = [c.col + j for c in unread for j in range(c.col_span)]
            fills = columns[-1:] == [right - 1] and (left < 0 or columns[0] == left + 1)
            if len(columns) != len(missing) or not fills:
                continue
            self._use(unread, as_value=False)
            for key, col in zip(missing, columns, strict=True):
                first[key] = (col, INFERRED_SECTION_SCORE)

    def _table_half(self, section: SectionSpec, row: int, section_rows: set[int]) -> str | None:
        """The half the table of one half whose header is `row` is of: named by a title row
        right above the header in the section (`中期指标`), else by its section label
        (`中期绩效指标`); None when neither names one."""
        label = self.cover.get((row, 0))
        above = [c.text for c in self._content(row - 1) if c.text.strip()]
        titled = row - 1 in section_rows and above
        title = self._half_named(section, "".join(above)) if titled else None
        if title is not None and not all(self._half_named(section, t) for t in above):
            title = None  # a data row that happens to hold such a word
        return title or self._half_named(section, label.text if label else "")

    def _first_table_half(self, section: SectionSpec, row: int, rows: list[int]) -> str | None:
        """The half of the section's first table where nothing names it (`row`: its header):
        the half before the one a later table names; else, with another table after it under
        a label of its own, the first half; None when neither tells."""
        assert section.halves is not None
        order = section.halves.values
        label = self.cover.get((row, 0))
        later = [r for r in rows if r > row and self._header_cells(r, section)]
        for other in later:
            half = self._table_half(section, other, set(rows))
            if half is not None:
                at = order.index(half)
                return order[at - 1] if at > 0 else None
        return order[0] if any(self.cover.get((r, 0)) is not label for r in later) else None

    @staticmethod
    def _half_named(section: SectionSpec, text: str) -> str | None:
        assert section.halves is not None
        return section.halves.named(text)

    def _doubt_split_levels(self, section: SectionSpec, items: list[dict[str, _Read]]) -> None:
        """An empty level cell right above a cell that starts another group may be the top of
        that group's merged cell, cut by a rule the reader saw in it (the text sits in the
        lower part): the value carried into it from above may be the wrong group's, on every
        row the empty cell spans and on those of the empty cells right above it."""
        for item, below in pairwise(items):
            for key in section.carry_down:
                read, after = item[key], below[key]
                empty = read.carried_into
                if empty is None or after.carried_into is not None or not after.cells:
                    continue
                starts = after.cells[0].row == empty.row + empty.row_span
                if starts and after.value not in (None, read.value) and read.source is not None:
                    doubt = replace(read.source, structure_confidence=STACKED_STRUCTURE_CONFIDENCE)
                    run = _empty_run(items, key, empty)
                    for spanned in items:
                        if spanned[key].carried_into in run:
                            spanned[key] = replace(spanned[key], source=doubt)

    @staticmethod
    def _doubt_shared_cells(own: list[str], items: list[dict[str, _Read]]) -> None:
        """An item's own cell (a value, an amount) that runs on into the rows of the next item
        is one printed cell beside two: either the rule between the other cells is a stroke or
        a fold the reader took for one (a name cut in two, `卫生监督检查社会影` and `响`), or
        the items share it. What belongs to which item is a guess: both are in doubt. `own`:
        the item's own columns, those not carried down."""
        for item, below in pairwise(items):
            starts = [c.row for key in own for c in below[key].cells]
            if not starts:
                continue
            shared = any(c.row + c.row_span > min(starts) for key in own for c in item[key].cells)
            if not shared:
                continue
            for read_item in (item, below):
                for key in own:
                    read_item[key] = _doubted(read_item[key])

    @staticmethod
    def _doubt_cells_of_two_halves(
        section: SectionSpec, items: dict[str, list[dict[str, _Read]]]
    ) -> None:
        """A cell both halves read a column of their own from spans the rule between them (worn
        away in print): its text is one half's last column and the next half's first run
        together (`≥95%服务对象`). Which part is whose is a guess: every read of it is in
        doubt. A shared column (the 一级指标) is one cell for both halves by design."""
        assert section.halves is not None
        shared = set(section.halves.shared)
        halves_of: dict[int, set[str]] = {}
        for half, own in items.items():
            for item in own:
                for key, read in item.items():
                    for cell in read.cells if key not in shared else ():
                        halves_of.setdefault(id(cell), set()).add(half)
        across = {cell for cell, halves in halves_of.items() if len(halves) > 1}
        for own in items.values():
            for item in own:
                for key, read in item.items():
                    if key not in shared and any(id(cell) in across for cell in read.cells):
                        item[key] = _doubted(read)

    def _keep_items(self, section: SectionSpec, items: list[dict[str, _Read]]) -> list[int]:
        """The items with content of their own; a row with none (a bare 成本指标) prints only
        its labels."""
        own = [c.key for c in section.columns if c.key not in section.carry_down]
        self._doubt_split_levels(section, items)
        self._doubt_shared_cells(own, items)
        self._place_lost_level2(items, section)
        kept = [i for i, item in enumerate(items) if any(item[k].value is not None for k in own)]
        for i, item in enumerate(items):
            self._use([c for read in item.values() for c in read.cells], as_value=i in kept)
        return kept

    def _put_item(self, prefix: str, index: int, item: dict[str, _Read]) -> None:
        for key, read in item.items():
            path = f"{prefix}[{index}].{key}"
            self._put(path, read.value, read.source)
            if read.lost:
                self.lost.add(path)

    def rows_section(self, section: SectionSpec, rows: list[int], score: float) -> None:
        columns: dict[str, tuple[int, float]] = {}
        items: list[dict[str, _Read]] = []
        item_rows: list[list[int]] = []
        for row in rows:
            header = self._header_cells(row, section)
            if header is not None:
                self._use([cell for cell, _, _ in header], as_value=False)
                for _, col, found in header:
                    columns.setdefault(found.key, (col, min(score, found.score)))
            elif columns and items and self._within_item_above(row, section, columns):
                self._continue_item(items[-1], row, section, columns)
                item_rows[-1].append(row)
            elif columns:
                items.append(self._row_item(row, section, columns, items[-1] if items else None))
                item_rows.append([row])
        kept = self._keep_items(section, items)
        prefix = section.list or section.key
        for index, item in enumerate(items[i] for i in kept):
            self._put_item(prefix, index, item)
        self.counts[prefix] = len(kept)
        self.item_rows[prefix] = tuple(tuple(item_rows[i]) for i in kept)
        self.item_columns[prefix] = {key: (col,) for key, (col, _) in columns.items()}

    def _place_lost_level2(self, items: list[dict[str, _Read]], section: SectionSpec) -> None:
        """A 二级指标 printed on no part of its cut cell, told by its place: within a 一级 the
        二级 come in the taxonomy's order, so a group between two known ones (or before or after
        one) with a single possible 二级 there is that one. It is decided, not read, and in
        doubt whatever the confidence model makes of its low label score (the empty top of a
        cell whose name a page break put below it is taken for the group before that name),
        unless the break falls inside one cell that covers the whole group
        (`_pinned_by_rules`); a group with several possibilities stays empty and missing."""
        level1_key = next((c.key for c in section.columns if c.kind == "taxonomy1"), None)
        level2_key = next((c.key for c in section.columns if c.kind == "taxonomy2"), None)
        if level1_key is None or level2_key is None:
            return

        def known(index: int, level1: FieldValue) -> str | None:
            if not 0 <= index < len(items) or items[index][level1_key].value != level1:
                return None
            value = items[index][level2_key].value
            return self.template.canonical_level2(value) if isinstance(value, str) else None

        start = 0
        while start < len(items):
            end = start
            while end < len(items) and items[end][level2_key].lost:
                end += 1
            if end == start:
                start += 1
                continue
            level1 = items[start][level1_key].value
            canonical = self.template.canonical_level1(level1) if isinstance(level1, str) else None
            order = self.template.taxonomy.get(canonical, ()) if canonical else ()
            before, after = known(start - 1, level1), known(end, level1)
            low = order.index(before) + 1 if before in order else 0
            high = order.index(after) if after in order else len(order)
            candidates = order[low:high]
            if len(candidates) == 1 and (before or after):
                doubted = not _pinned_by_rules(items[start:end], level2_key)
                for item in items[start:end]:
                    source = item[level2_key].source
                    placed = (
                        replace(source, label_score=INFERRED_SECTION_SCORE, decided=doubted)
                        if source
                        else None
                    )
                    item[level2_key] = _Read(candidates[0], placed, cells=item[level2_key].cells)
            start = end

    def _within_item_above(
        self, row: int, section: SectionSpec, columns: dict[str, tuple[int, float]]
    ) -> bool:
        """Whether the row's naming cell (task name, 三级指标) is merged down from the row
        above: then the row is still that item, split by a rule inside one of its cells."""
        key = next((c.key for c in section.columns if c.key not in section.carry_down), None)
        cell = self.cover.get((row, columns[key][0])) if key in columns else None
        return cell is not None and cell.row < row

    def _continue_item(
        self,
        item: dict[str, _Read],
        row: int,
        section: SectionSpec,
        columns: dict[str, tuple[int, float]],
    ) -> None:
        """Add the text of a row's own cells to the item above, as the rest of its cells."""
        for spec in section.columns:
            cell = self.cover.get((row, columns[spec.key][0])) if spec.key in columns else None
            if spec.key in section.carry_down or cell is None or cell.row != row:
                continue
            if not cell.text.strip():
                continue
            before = item[spec.key]
            source = _Source.of_cell(cell, columns[spec.key][1], spec.kind)
            if before.source is not None:
                source = replace(
                    before.source,
                    text=before.source.text + cell.text,
                    confidence=min(before.source.confidence, cell.confidence),
                    weakest_line=min(before.source.weakest_line, cell.weakest_line),
                    structure_confidence=min(
                        before.source.structure_confidence, cell.structure_confidence
                    ),
                )
            value = normalize_value(source.text, spec.kind)
            item[spec.key] = _Read(value, source, cells=(*before.cells, cell))

    def _row_item(
        self,
        row: int,
        section: SectionSpec,
        columns: dict[str, tuple[int, float]],
        above: dict[str, _Read] | None,
    ) -> dict[str, _Read]:
        """One item of a rows section; carried-down columns resolved after the row's own."""
        cells: dict[str, LogicalCell | None] = {}
        used: set[int] = set()
        for spec in section.columns:
            cell = self.cover.get((row, columns[spec.key][0])) if spec.key in columns else None
            carried = spec.key in section.carry_down
            if cell is None or id(cell) in used or (cell.row != row and not carried):
                cells[spec.key] = None
            else:
                cells[spec.key] = cell
                used.add(id(cell))
        item: dict[str, _Read] = {}
        new_group = False
        for spec in section.columns:
            cell = cells[spec.key]
            if cell is None:
                item[spec.key] = _Read(None, None)
                continue
            value = normalize_value(cell.text, spec.kind)
            named = self._level_name(section, spec, columns, cell, row, value)
            if named is not None:
                source = _Source.of_cell(cell, columns[spec.key][1], spec.kind)
                placed = replace(source, label_score=INFERRED_SECTION_SCORE, decided=True)
                item[spec.key] = _Read(named, placed, cells=(cell,))
                new_group = new_group or self._changes(spec.key, named, above, section)
                continue
            if spec.key not in section.carry_down or value is not None:
                source = _Source.of_cell(cell, columns[spec.key][1], spec.kind)
                item[spec.key] = _Read(value, source, cells=(cell,))
                new_group = new_group or self._changes(spec.key, value, above, section)
                continue
            read = self._unprinted_level(section, spec, columns, cell, above, new_group)
            new_group = new_group or self._changes(spec.key, read.value, above, section)
            item[spec.key] = read
        return item

    @staticmethod
    def _changes(
        key: str, value: FieldValue, above: dict[str, _Read] | None, section: SectionSpec
    ) -> bool:
        """Whether a carried-down level differs from the row above: a new group starts."""
        return key in section.carry_down and (above is None or above[key].value != value)

    def _unprinted_level(
        self,
        section: SectionSpec,
        spec: ColumnSpec,
        columns: dict[str, tuple[int, float]],
        cell: LogicalCell,
        above: dict[str, _Read] | None,
        new_group: bool,
    ) -> _Read:
        """The value of an empty carried-down cell.

        Within one page an empty cell under a merged one is the same group split by a stray
        rule: it repeats the value above, unless a level to its left starts a new group. A cell
        cut by a page break whose text was printed on neither part lost it; a 一级指标 is then
        told by the 二级指标 under it (the taxonomy), anything else is left empty and marked.
        """
        source = _Source.of_cell(cell, columns[spec.key][1], spec.kind)
        if spec.kind == "taxonomy1":
            inferred = self._level1_by_taxonomy(section, columns, cell)
            if inferred is not None:
                # Where the form prints that 一级 in several wordings, which one is a guess.
                guess = len(self.template.level1_wordings(inferred)) > 1
                placed = replace(source, label_score=INFERRED_SECTION_SCORE, decided=guess)
                worded = self.template.level1_wording(inferred, self.printed)
                return _Read(worded, placed, cells=(cell,))
        if cell.joined_across_pages or new_group or above is None:
            return _Read(None, source, lost=True, cells=(cell,))
        return replace(above[spec.key], carried_into=cell)

    def _level_name(
        self,
        section: SectionSpec,
        spec: ColumnSpec,
        columns: dict[str, tuple[int, float]],
        cell: LogicalCell,
        row: int,
        value: FieldValue,
    ) -> str | None:
        """The taxonomy name a 一级/二级 cell stands for where its text reads as none; None
        where it reads as one, or as nothing to decide by.

        A level column prints only the taxonomy's names. A 一级 (a vertical label the OCR
        garbled, a name cut by a rule) is told by the 二级指标 beside it, in the wording its
        text is a misreading of, else in the document's (`Template.level1_wording`); a 二级
        by the wording its text is a misreading of (`质量指` for 质量指标), a 一级 without a
        二级 beside it too. A cell printing several names is two groups' cells read as one
        (the rule between them not seen): a 一级 on row `row` is the one of them the row's
        二级 falls under; anything else is left as read (`completeness` flags it)."""
        if spec.kind not in ("taxonomy1", "taxonomy2") or not isinstance(value, str):
            return None
        terms = self.level_terms[spec.kind]
        wordings = [w for ws in terms.values() for w in ws]
        if normalize_label(value) in {normalize_label(w) for w in wordings}:
            return None
        several = wordings_inside(value, terms)
        if len(several) > 1 or len(split_wordings(value, wordings) or ()) > 1:
            own = self._level1_beside(section, columns, row) if spec.kind == "taxonomy1" else None
            return next((w for w in several if self.template.canonical_level1(w) == own), None)
        near = nearest_wording(value, terms)
        told = (
            self._level1_by_taxonomy(section, columns, cell) if spec.kind == "taxonomy1" else None
        )
        if told is None or (near is not None and self.template.canonical_level1(near) == told):
            return near
        return self.template.level1_wording(told, self.printed)

    def _level1_beside(
        self,
        section: SectionSpec,
        columns: dict[str, tuple[int, float]],
        row: int,
        starting: bool = False,
    ) -> str | None:
        """The 一级 the 二级指标 printed beside row `row` belongs to, read as the wording its
        text is a misreading of where it reads as none (`数量指标.`, a speck after it;
        `starting`: only a 二级 cell that starts on that row)."""
        level2 = next((c.key for c in section.columns if c.kind == "taxonomy2"), None)
        beside = self.cover.get((row, columns[level2][0])) if level2 in columns else None
        if beside is None or (starting and beside.row != row):
            return None
        text = normalize_value(beside.text, "taxonomy2") or ""
        if (level1 := self.template.level1_of(text)) is not None:
            return level1
        near = nearest_wording(text, self.level_terms["taxonomy2"])
        return self.template.level1_of(near) if near is not None else None

    def _level1_by_taxonomy(
        self, section: SectionSpec, columns: dict[str, tuple[int, float]], cell: LogicalCell
    ) -> str | None:
        """The 一级 that most 二级指标 beside `cell` belong to (a misplaced one is outvoted)."""
        rows = range(cell.row, cell.row + cell.row_span)
        votes = Counter(
            level1
            for row in rows
            if (level1 := self._level1_beside(section, columns, row, starting=True)) is not None
        )
        return votes.most_common(1)[0][0] if votes else None

    # -- title ----------------------------------------------------------------------------
    def names_form(self) -> bool:
        """Whether a line around the table or a cell of it names this form in its title: then
        a table whose sections were not read is this form read badly (its pages and sections
        end as document flags), not another form to refuse."""
        pattern = re.compile(self.template.form_title_pattern)
        texts = [
            *("".join(t.text for t in tokens) for _, tokens in outside_lines(self.table)),
            *(c.text for c in self.table.cells),
        ]
        return any(pattern.search("".join(text.split())) for text in texts)

    def title(self) -> None:
        """The title line and the year in it, or, where the title names no year, on the line
        under it (`（2021年度）` printed below a long title), or under the title's last words
        where it wrapped (`…绩效目标申` / `报表` / `（2022年度）`). Where no line reads as the
        title (garbled on a heavy print), the year is still the first page's year line."""
        pattern = re.compile(self.template.title_pattern)
        lines = [
            (page, "".join("".join(t.text for t in tokens).split()), tokens)
            for page, tokens in outside_lines(self.table)
        ]
        for at, (page, text, tokens) in enumerate(lines):
            found = pattern.search(text)
            if found is None:
                continue
            box = union_box(t.bbox for t in tokens)
            source = _Source(text, weakest_confidence(tokens), 1.0, page, box, 1.0)
            self.title_lines.append((page, box))
            self._put("title", text, source)
            if found.group("year"):
                self._put("year", int(found.group("year")), source)
                return
            wrapped: list[tuple[str, BBox]] = []  # the title's own words wrapped under it
            for next_page, below, below_tokens in lines[at + 1 : at + 2 + TITLE_WRAPS]:
                if next_page != page:
                    break
                box = union_box(t.bbox for t in below_tokens)
                below = below.strip(_YEAR_LINE_SPECKS) or below
                year = _TITLE_YEAR.fullmatch(below)
                if year is None:
                    wrapped.append((below, box))
                    continue
                self.title_lines += [(page, b) for _, b in wrapped] + [(page, box)]
                read = _Source(below, weakest_confidence(below_tokens), 1.0, page, box, 1.0)
                whole = text + "".join(w for w, _ in wrapped)
                self._put("title", f"{whole}\n{below}", source)
                self._put("year", int(year.group("year")), read)
                return
            # The form prints its year in the title or under it: that line was lost or read
            # as something else, and the title may be cut short.
            doubt = replace(source, structure_confidence=STACKED_STRUCTURE_CONFIDENCE)
            self._put("title", text, doubt)
            return
        self._year_line_alone(lines)  # no line reads as the title

    def _year_line_alone(self, lines: list[tuple[int, str, list[OcrToken]]]) -> None:
        """The year from the first page's line that reads as the year line alone (`（2024年度）`
        under a title read as no title): the title stays missing, in doubt."""
        first = min((page for page, _, _ in lines), default=None)
        for page, text, tokens in lines:
            year = _TITLE_YEAR.fullmatch(text.strip(_YEAR_LINE_SPECKS) or text)
            if page == first and year is not None:
                box = union_box(t.bbox for t in tokens)
                self.title_lines.append((page, box))
                read = _Source(text, weakest_confidence(tokens), 1.0, page, box, 1.0)
                self._put("year", int(year.group("year")), read)
                return

    # -- the document ---------------------------------------------------------------------
    def run(self) -> MappedDocument:
        blocks = self.blocks()
        read = {b.section.key for b in blocks if b.section and b.score > INFERRED_SECTION_SCORE}
        # Optional sections (narrative rows some regions print) count only where printed.
        printed = [s for s in self.template.sections if not s.optional or s.key in read]
        if 2 * len(read) < len(printed) and not self.names_form():
            names = "、".join(self.template.section(k).labels[0] for k in sorted(read)) or "none"
            raise UnknownTemplate(
                f"not a {self.template.name} ({self.template.id}): found "
                f"{len(read)} of {len(printed)} section labels ({names})"
            )
        self.title()
        self.expected.update({"title", "year"})
        groups_read = {s.printed_with for s in self.template.sections if s.key in read}
        for section in self.template.sections:
            mine = [b for b in blocks if b.section is section]
            rows = [r for b in mine for r in b.rows]
            if rows:
                self.section_rows[section.key] = tuple(rows)
            score = min((b.score for b in mine), default=0.0)
            in_group_read = section.printed_with is not None and section.printed_with in groups_read
            if (
                section.layout == "value"
                and section.field
                and (not section.optional or in_group_read)
            ):
                self.expected.add(section.field)
            if section.layout == "pairs":
                self.expected.update(section.pair_paths)
            if section.layout == "headed" and not section.optional:
                self.expected.add(section.columns[-1].key)
            if not mine:
                continue
            if section.layout == "value":
                self.value_section(section, rows, score)
            elif section.layout == "pairs":
                self.pairs_section(section, rows, score)
            elif section.layout == "headed":
                self.headed_section(section, rows, score)
            elif section.halves is not None:
                self.halves_section(section, rows, score)
            else:
                self.rows_section(section, rows, score)
        return self.document()

    def _speckless(self, path: str, value: FieldValue) -> FieldValue:
        """A name or indicator value read whole from its cell with specks at its ends or
        inside, as printed (`合理使用各项经费.` → 合理使用各项经费): the record keeps the text
        read, and the checks keep the value in doubt (`validate`, `specks_removed`)."""
        source = self.sources.get(path)
        if (
            self.kinds.get(kind_key(path)) not in SPECKLESS_KINDS
            or not isinstance(value, str)
            or source is None
            or not source.from_pixels  # a file's own text holds what was typed, no dust
            or value != source.text.strip()
        ):
            return value
        return without_specks(value) or value

    def document(self) -> MappedDocument:
        values = {path: self._speckless(path, value) for path, value in self.values.items()}
        document = build_document(contract_for(self.template.schema_id), values, self.counts)
        records, evidence = [], {}
        for path, value in value_paths(document):
            source = self.sources.get(path)
            missing = path in self.lost or (source is None and path in self.expected)
            # An optional section the form did not print: nothing was read, nothing lost.
            unprinted = source is None and not missing and "[" not in path
            sure = 1.0 if unprinted else 0.0
            records.append(
                FieldRecord(
                    path=path,
                    value=value,
                    ocr_text=source.text if source else None,
                    confidence=source.confidence if source else 0.0,
                    status=FieldStatus.ACCEPTED,
                    page=source.page + 1 if source and source.page is not None else None,
                    bbox=list(source.bbox) if source and source.bbox else None,
                )
            )
            evidence[path] = FieldEvidence(
                path=path,
                ocr_confidence=source.confidence if source else sure,
                weakest_line=source.weakest_line if source else 1.0,
                structure_confidence=source.structure_confidence if source else sure,
                label_score=source.label_score if source else sure,
                seal_overlap=source.seal_overlap if source else 0.0,
                joined_across_pages=source.joined_across_pages if source else False,
                text_cut_by_page_break=source.text_cut_by_page_break if source else False,
                missing=missing,
                unprinted=unprinted,
                structure_in_doubt=source.decided if source else False,
            )
        trace = MappingTrace(
            value_cells=frozenset(self.value_cells),
            label_cells=frozenset(self.label_cells - self.value_cells),
            title_lines=tuple(self.title_lines),
            section_rows=self.section_rows,
            item_rows=self.item_rows,
            item_columns=self.item_columns,
        )
        return MappedDocument(
            document=document.model_copy(update={"fields": records}),
            evidence=evidence,
            trace=trace,
        )


def _whole_label(text: str, fields: dict[str, tuple[str, ...]]) -> LabelMatch | None:
    """The pair whose label `text` is exactly, in one of its wordings."""
    key = normalize_label(text)
    return next(
        (
            LabelMatch(field, wording, 1.0)
            for field, labels in fields.items()
            for wording in labels
            if normalize_label(wording) == key
        ),
        None,
    )


def _doubted(read: _Read) -> _Read:
    """`read` with its cell's bounds in doubt (flagged `structure`)."""
    if read.source is None:
        return read
    return replace(
        read, source=replace(read.source, structure_confidence=STACKED_STRUCTURE_CONFIDENCE)
    )


def _side_by_side(a: LogicalCell, b: LogicalCell) -> bool:
    """Whether two cells share a row and stand in different columns."""
    rows_meet = a.row < b.row + b.row_span and b.row < a.row + a.row_span
    cols_apart = a.col + a.col_span <= b.col or b.col + b.col_span <= a.col
    return rows_meet and cols_apart


def build_document(
    contract: type[FormDocument], values: dict[str, FieldValue], counts: dict[str, int]
) -> FormDocument:
    """The contract's document holding `values` by path (`a.b`, `list[i].key`), each list
    with `counts[list]` items."""
    data: dict[str, Any] = {name: [{} for _ in range(n)] for name, n in counts.items()}
    for path, value in values.items():
        node = data
        parts = path.split(".")
        for part in parts[:-1]:
            found = ROW_PATH.match(part)
            if found is not None:
                node = node[found.group(1)][int(found.group(2))]
            else:
                node = node.setdefault(part, {})
        node[parts[-1]] = value
    return contract.model_validate(data)


def outside_lines(table: Table) -> list[tuple[int, list[OcrToken]]]:
    """Tokens outside the table grouped into text lines (vertical overlap), page order."""
    lines: list[tuple[int, list[OcrToken]]] = []
    order = sorted(
        zip(table.outside_pages, table.outside, strict=True),
        key=lambda pt: (pt[0], pt[1].bbox[1]),
    )
    for page, token in order:
        if lines and lines[-1][0] == page:
            last = lines[-1][1]
            top, bottom = min(t.bbox[1] for t in last), max(t.bbox[3] for t in last)
            middle = (token.bbox[1] + token.bbox[3]) / 2
            if top <= middle <= bottom:
                last.append(token)
                continue
        lines.append((page, [token]))
    return [(page, sorted(tokens, key=lambda t: t.bbox[0])) for page, tokens in lines]


def map_table(table: Table, template: Template) -> MappedDocument:
    """The template-shaped document of a stitched table, every value with its evidence.

    Raises `UnknownTemplate` when fewer than half of the template's section labels are read
    (or no table cells were found) and no title names this form: the table is some other form
    and is not forced into this schema.
    """
    mapper = _Mapper(table, template)
    if not table.cells and not mapper.names_form():
        raise UnknownTemplate(f"not a {template.name}: no table cells were found")
    return mapper.run()


def _pinned_by_rules(run: list[dict[str, "_Read"]], key: str) -> bool:
    """Whether the rows of a group whose 二级 was printed nowhere are one cell with the page
    break inside it, its parts empty on both pages: then printed rules bound it on both sides
    and it is no part of a neighbour's cell (the top of a cell whose name the break put below
    it is a part on one page only, with the name's part on the next), so the taxonomy's order
    names it as surely as it names the place. Several cells, or one on one page, stay in
    doubt."""
    cells = {id(c): c for item in run for c in item[key].cells}
    if len(cells) != 1:
        return False
    (cell,) = cells.values()
    return cell.joined_across_pages and not cell.text.strip()


def _empty_run(items: list[dict[str, "_Read"]], key: str, last: LogicalCell) -> list[LogicalCell]:
    """The empty level cells one above the other that end at `last`, each with a rule of its
    own above it: the value carried into all of them crossed a rule, and the group printed
    under them may begin at any of them."""
    empties = [c for item in items if (c := item[key].carried_into) is not None]
    run = [last]
    while above := next(
        (c for c in empties if c.row + c.row_span == run[-1].row and c.col == last.col), None
    ):
        run.append(above)
    return run
