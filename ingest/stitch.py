"""One logical table from the per-page tables of a document.

A page break cuts through the form, and each page's grid only knows its own rows. Stitching
undoes the cut with evidence visible on the pages and the template's idea of a header:

- Columns: every page's vertical rules, taken relative to its table box, are merged into one
  lattice, so a logical column is the same x range on every page.
- Repeated header: a row at the top of a later page that reads as the header of a rows section
  (tasks, indicators) whose header was already seen is dropped, whatever section follows it;
  unless, in a section printing a table per half, the 一级 under it starts again (`产出指标`
  after `满意度指标`): that is the next table's header, kept.
- Cut label cell: the left label column (and, inside a rows section, its carried-down columns
  such as 一级/二级指标) is one merged cell across the break when its two parts do not name
  different things: the same text, text on one part only, or on neither; a part after the
  break that names another section than the rows running up to it never continues a label
  read as nothing.
- Cut row: inside the same section, the first row of the next page continues the last row of
  the page before when it has the same column layout (in a rows section, also when a faded rule
  merged some of its cells into whole neighbours, the name cell kept) and (rows section) lacks
  the name cell while other content continues, or lacks the row's figure (amount, 指标值)
  after a name whose last line before the break was full (a name wrapped over the break; in a
  table printing one of its halves only, the other left empty, the printed half's name), or
  (single-value section) holds the same one wide cell. In a table printing two halves side by
  side, a later half whose name goes on after the break where its name ended short before it,
  or whose figure has text on both sides, printed one row more than the first half there: a new
  row, both names in doubt. A header cell printing two labels over two lattice columns (the
  rule between them not seen: `三级指标 指标值`) names both columns.
  Its texts are concatenated and the cell remembers every page part.
- Undecided row: a name whose last line before the break is full may go on after it, even
  where the next page's first row has a name of its own and no new group starts (Word breaks a
  row line by line: `党建工作经费实施` / `时间`), as when the name after the break is one
  line shorter than the full one before it (left-aligned or centred). Nothing tells a name
  that fills its last line exactly from one cut there, so both rows are kept apart and their
  cells' structure is in doubt.
"""

from dataclasses import dataclass, field

from ingest.artifacts import (
    BBox,
    CellPiece,
    CellText,
    Grid,
    LogicalCell,
    PageTable,
    Table,
    union_box,
    weakest_confidence,
)
from ingest.labels import LabelMatch, fold_label, match_label, match_row, split_wordings
from ingest.ocr.lines import ends_short
from ingest.template import SectionSpec, Template
from models.contract import PageReader

# Column rules of different pages closer than this (share of the table width) are one rule.
LATTICE_TOLERANCE = 0.015
# The structure confidence of the cells of two rows a page break may have cut from one.
UNDECIDED_ROW_CONFIDENCE = 0.3
# The structure confidence of a cell joined across a rule the grid saw because its parts'
# texts make one name: under any flagging threshold, a reviewer confirms it.
JOINED_NAME_CONFIDENCE = 0.45


@dataclass
class _Part:
    """A page cell placed on the lattice: page rows [r0, r1), lattice columns [c0, c1)."""

    cell: CellText
    r0: int
    r1: int
    c0: int
    c1: int


@dataclass
class _Open:
    """A logical cell being built; rows are logical, `parts` in page order."""

    row: int
    col: int
    row_end: int
    col_end: int
    text: str
    parts: list[CellText] = field(default_factory=list)
    # Two cells the grid cut apart whose texts make one name: the rule between them is
    # taken for none, on the text's word alone.
    joined_by_name: bool = False


@dataclass(frozen=True)
class _Header:
    """A rows-section header row: the section and the lattice columns of each of its columns
    (one, or one per half in a table printing two side by side)."""

    section: SectionSpec
    repeated: dict[str, tuple[int, ...]]

    @property
    def columns(self) -> dict[str, int]:
        """Each column's first lattice column: the first half's."""
        return {key: cols[0] for key, cols in self.repeated.items()}

    @property
    def carry_columns(self) -> list[int]:
        return [self.columns[k] for k in self.section.carry_down if k in self.columns]

    @property
    def figure_column(self) -> int | None:
        """The column holding a row's figure (task amount, 指标值): printed once per row."""
        kinds = {"amount", "indicator_value"}
        keys = [c.key for c in self.section.columns if c.kind in kinds]
        return next((self.columns[k] for k in keys if k in self.columns), None)

    @property
    def key_column(self) -> int | None:
        """The column that names a row (task name, 三级指标): empty only on a continued row."""
        keys = [c.key for c in self.section.columns if c.key not in self.section.carry_down]
        return next((self.columns[k] for k in keys if k in self.columns), None)

    def other_halves(self) -> list[tuple[int, int | None]]:
        """The name and figure columns of the halves after the first, in a table printing two
        side by side."""

        def later(column: int | None) -> tuple[int, ...]:
            cols = next((c for c in self.repeated.values() if column in c), ())
            return tuple(c for c in cols if c != column)

        names, figures = later(self.key_column), later(self.figure_column)
        return [(name, figures[i] if i < len(figures) else None) for i, name in enumerate(names)]


def _merges(after: dict[int, _Part], spans: set[tuple[int, int]]) -> bool:
    """Whether the parts cover the same columns as `spans`, each part a run of whole spans: a
    faded rule on the continued part of a row merges an emptied cell into its neighbour."""
    starts, ends = {a for a, _ in spans}, {b for _, b in spans}
    parts = {(p.c0, p.c1) for p in after.values()}
    covered = sorted(c for a, b in parts for c in range(a, b))
    return covered == sorted(c for a, b in spans for c in range(a, b)) and all(
        a in starts and b in ends for a, b in parts
    )


def column_lattice(grids: list[Grid], tolerance: float = LATTICE_TOLERANCE) -> list[float]:
    """Column rules of all pages relative to their table box, merged: 0.0 ... 1.0."""
    edges = sorted(e for grid in grids for e in _relative_columns(grid))
    lattice: list[list[float]] = []
    for edge in edges:
        if lattice and edge - lattice[-1][-1] <= tolerance:
            lattice[-1].append(edge)
        else:
            lattice.append([edge])
    return [sum(group) / len(group) for group in lattice]


def _relative_columns(grid: Grid) -> list[float]:
    left, right = grid.col_edges[0], grid.col_edges[-1]
    width = max(right - left, 1)
    return [(x - left) / width for x in grid.col_edges]


def _nearest(lattice: list[float], x: float) -> int:
    return min(range(len(lattice)), key=lambda i: abs(lattice[i] - x))


class _Stitcher:
    def __init__(self, template: Template, lattice: list[float]) -> None:
        self.template = template
        self.lattice = lattice
        self.rows_sections = [s for s in template.sections if s.layout == "rows"]
        self.section_labels = {s.key: s.labels for s in template.sections}
        self.cells: list[_Open] = []
        self.cover: dict[tuple[int, int], _Open] = {}
        self.n_rows = 0
        self.headers: dict[int, _Header] = {}
        self.undecided: set[int] = set()  # ids of page cells of rows a break may have cut
        self.names = {
            fold_label(w) for wordings in template.taxonomy_names().values() for w in wordings
        }

    # -- reading a page ------------------------------------------------------------------
    def _place(self, grid: Grid, cells: tuple[CellText, ...]) -> list[_Part]:
        columns = [_nearest(self.lattice, x) for x in _relative_columns(grid)]
        placed = []
        for ct in cells:
            c = ct.cell
            if c.row >= grid.n_rows or c.col + c.col_span > grid.n_cols:
                continue
            c0, c1 = columns[c.col], columns[c.col + c.col_span]
            placed.append(_Part(ct, c.row, c.row + c.row_span, c0, max(c1, c0 + 1)))
        return placed

    def _header(self, starting: list[_Part]) -> _Header | None:
        """The rows section whose header this row is (label column excluded), if any."""
        content = sorted((p for p in starting if p.c0 >= 1), key=lambda p: p.c0)
        texts = [p.cell.text for p in content]
        for section in self.rows_sections:
            labels = {c.key: c.labels for c in section.columns}
            found = match_row(texts, labels)
            if found:
                keyed = [(content[i].c0, m.key) for i, m in found.items()]
                unread = [p for i, p in enumerate(content) if i not in found]
                repeated: dict[str, tuple[int, ...]] = {}
                for col, key in sorted(keyed + _joined_labels(unread, labels)):
                    repeated[key] = (*repeated.get(key, ()), col)
                return _Header(section, repeated)
        return None

    # -- decisions at a page break -----------------------------------------------------------
    def _section_of(self, text: str) -> LabelMatch | None:
        return match_label(text, self.section_labels)

    def _context(self, label: _Open | None, last: int) -> _Header | None:
        """The rows-section header in force for the last row, if it lies in the same block."""
        first = label.row if label is not None else 0
        rows = [r for r in self.headers if first <= r <= last]
        return self.headers[max(rows)] if rows else None

    def _same_label(self, before: str, after: str, context: _Header | None) -> bool:
        """Whether two parts of the label column can be one merged cell cut by the break."""
        a, b = fold_label(before), fold_label(after)
        if not b or a == b:
            return True
        if not a:
            # Text on the second part only: it must not name another section than the one
            # whose rows run up to the break.
            found = self._section_of(after)
            return context is None or found is None or found.key == context.section.key
        sa, sb = self._section_of(before), self._section_of(after)
        if sa is not None and sb is not None:
            return sa.key == sb.key
        if sb is not None and context is not None and sb.key != context.section.key:
            # The part after the break names another section than the one whose rows run up
            # to it, whatever the part before (unread) says.
            return False
        return self._section_of(before + after) is not None  # a label split by the break

    def _continues(
        self, label: _Open, context: _Header | None, page_cover: dict, top: int, last: int
    ) -> bool:
        """Whether the page's first row is the rest of the last row of the page before."""
        n_cols = len(self.lattice) - 1
        before = {k: c for k in range(1, n_cols) if (c := self.cover.get((last, k)))}
        after = {k: p for k in range(1, n_cols) if (p := page_cover.get((top, k)))}
        spans = {(c.col, c.col_end) for c in before.values()}
        if not spans:
            return False
        same_layout = spans == {(p.c0, p.c1) for p in after.values()}
        if not same_layout and (context is None or not _merges(after, spans)):
            return False
        if context is not None:
            key = context.key_column
            if key not in before or key not in after:
                return False
            if (after[key].c0, after[key].c1) != (before[key].col, before[key].col_end):
                return False
            skip = {key, *context.carry_columns}
            rest = [p.cell.text for k, p in after.items() if k not in skip]
            if not fold_label(before[key].text):
                # The first half left empty on both sides of the break (a table printing one
                # half only): the half that names the row tells.
                return not fold_label(after[key].cell.text) and any(
                    self._name_ran_over(before, after, name, figure)
                    for name, figure in context.other_halves()
                )
            if not fold_label(after[key].cell.text):
                return any(t.strip() for t in rest) and not self._other_half_starts(
                    context, before, after
                )
            return self._name_ran_over(before, after, key, context.figure_column)
        section = self._section_of(label.text)
        if section is not None:
            return self.template.section(section.key).layout == "value"
        # Label unread: a block of one wide content cell is a single value.
        return spans == {(1, n_cols)}

    def _boundary(
        self, page_cover: dict, top: int, opens_section: bool
    ) -> tuple[dict[int, tuple[_Open, bool]], bool]:
        """Page cells (by id) that extend a logical cell (and whether as a label), and whether
        the page's top row continues the last logical row. A header printed for the first time
        at the top (`opens_section`) starts a section there: nothing above continues."""
        last = self.n_rows - 1
        label, part = self.cover.get((last, 0)), page_cover.get((top, 0))
        if label is None or part is None or label.col_end != part.c1 or opens_section:
            return {}, False
        context = self._context(label, last)
        if not self._same_label(label.text, part.cell.text, context):
            return {}, False
        joins = {id(part): (label, True)}
        for column in context.carry_columns if context else ():
            before, after = self.cover.get((last, column)), page_cover.get((top, column))
            if (
                before is None
                or after is None
                or (before.col, before.col_end) != (after.c0, after.c1)
            ):
                break
            a, b = fold_label(before.text), fold_label(after.cell.text)
            if a and b and a != b and not self._one_name(before.text, after.cell.text):
                break  # a new 一级 starts a new 二级 too
            joins[id(after)] = (before, True)
        if not self._continues(label, context, page_cover, top, last):
            if context is not None and self._name_may_go_on(context, page_cover, top, last):
                own = set(range(1, len(self.lattice) - 1)) - set(context.carry_columns)
                after = [p.cell for k, p in page_cover.items() if k[0] == top and k[1] in own]
                before = [
                    c.parts[-1] for k, c in self.cover.items() if k[0] == last and k[1] in own
                ]
                self.undecided.update(id(cell) for cell in after + before)
            return joins, False
        for k in range(1, len(self.lattice) - 1):
            after = page_cover.get((top, k))
            if after is not None and id(after) not in joins:
                joins[id(after)] = (self.cover[(last, after.c0)], False)
        return joins, True

    def _name_ran_over(
        self,
        before: dict[int, _Open],
        after: dict[int, _Part],
        name_column: int,
        figure: int | None,
    ) -> bool:
        """Whether a row's name itself ran over the break (a two-line name): its last line
        before the break is full, the row's figure was printed before the break, none after."""
        if name_column not in before or name_column not in after:
            return False
        name = before[name_column].parts[-1] if before[name_column].parts else None
        return (
            figure is not None
            and figure in before
            and figure in after
            and bool(before[figure].text.strip())
            and not after[figure].cell.text.strip()
            and bool(fold_label(after[name_column].cell.text))
            and name is not None
            and bool(name.tokens)
            and self._separator(name) == ""
        )

    def _other_half_starts(
        self, context: _Header, before: dict[int, "_Open"], after: dict[int, _Part]
    ) -> bool:
        """Whether another half's name goes on after the break where its name before it ended
        on a short line, or where its figure (printed once a row) has text on both sides:
        that half printed one more row than the first (its level cell merged over both), which
        starts at the break. Both names stay in doubt: a tall row may be cut through both."""
        starts = False
        for name, figure in context.other_halves():
            if name not in before or name not in after or not before[name].parts:
                continue
            if not fold_label(after[name].cell.text):
                continue
            both = figure in before and figure in after
            figured = both and bool(before[figure].text.strip() and after[figure].cell.text.strip())
            if figured or self._separator(before[name].parts[-1]) == "\n":
                starts = True
                self.undecided.update((id(after[name].cell), id(before[name].parts[-1])))
        return starts

    def _name_may_go_on(self, context: _Header, page_cover: dict, top: int, last: int) -> bool:
        """Whether the last row's name fills its last line before the break and the page's
        first row, in the same group (its levels empty, the same, or the rest of a level name
        the break cut: `产出` / `指标`), has a name of one short line, as the rest of a wrapped
        name has."""
        key = context.key_column
        before, after = self.cover.get((last, key)), page_cover.get((top, key))
        if before is None or after is None or not before.parts or not after.cell.text.strip():
            return False
        for column in context.carry_columns:
            above, below = self.cover.get((last, column)), page_cover.get((top, column))
            text = fold_label(below.cell.text) if below is not None else ""
            if not text:
                continue
            if above is None or (
                fold_label(above.text) != text and not self._one_name(above.text, text)
            ):
                return False  # a new group starts: a new row
        name, tail = before.parts[-1], after.cell
        return bool(name.tokens) and self._separator(name) == "" and _one_short_line(tail, name)

    def _new_table(self, header: _Header, page_cover: dict, top: int) -> bool:
        """Whether a seen section's header at a page's top starts a table of its own (a section
        printing a table per half, 中期 then 年度) rather than repeating the one the break
        cut: the 一级 of the row under it comes before the last one above the break in the
        taxonomy's order (`产出指标` after `满意度指标`). One table runs through its 一级 in
        that order; the next starts again."""
        if header.section.halves is None or not header.carry_columns:
            return False
        column = header.carry_columns[0]
        before = self.cover.get((self.n_rows - 1, column))
        after = page_cover.get((top + 1, column))
        if before is None or after is None:
            return False
        order = list(self.template.taxonomy)
        last, first = (
            self.template.canonical_level1(text) for text in (before.text, after.cell.text)
        )
        return last in order and first in order and order.index(first) < order.index(last)

    def _one_name(self, above: str, below: str) -> bool:
        """Whether two texts one above the other are one 一级/二级 name wrapped over two
        lines (`社会效益` / `指标`, `项目` / `效益指标`) whose upper part is no name alone: a
        level cell never prints a bare `项目` or `社会效益`, but the lower part may read as a
        shorter name of its own."""
        a, b = fold_label(above), fold_label(below)
        return bool(a and b) and a not in self.names and a + b in self.names

    def _join_cut_names(self) -> None:
        """A name wrapped in a cell merged over rows can be cut between its lines by a rule
        the grid saw there (the rule the next columns have between those rows, where the
        lines sit close to it): two cells one above the other whose texts make one name
        (`_one_name`) are that name's one cell, in doubt."""
        by_top = {(c.row, c.col, c.col_end): c for c in self.cells}
        gone: set[int] = set()
        for cell in sorted(self.cells, key=lambda c: (c.col, c.row)):
            below = by_top.get((cell.row_end, cell.col, cell.col_end))
            if id(cell) in gone or below is None or not self._one_name(cell.text, below.text):
                continue
            cell.text += below.text
            cell.parts += below.parts
            cell.row_end = below.row_end
            cell.joined_by_name = True
            gone.add(id(below))
        self.cells = [c for c in self.cells if id(c) not in gone]

    # -- building -------------------------------------------------------------------------
    @staticmethod
    def _separator(before: CellText) -> str:
        """How a text continued on the next page joins the part before the break: a hard line
        break when that part ends on a short line (a paragraph ended there), else directly (the
        break fell between wrapped lines), judged as lines within a cell are
        (`ingest.ocr.lines.ends_short`). Without token boxes nothing shows a paragraph end."""
        if not before.tokens or before.text[-1:].isspace():
            return ""
        left_pad = min(t.bbox[0] for t in before.tokens) - before.cell.bbox[0]
        return "\n" if ends_short(_last_line(before), before.cell.bbox, left_pad) else ""

    def _extend(self, target: _Open, part: CellText, row_end: int, as_label: bool) -> None:
        """Add a page part to a logical cell. A label's text is printed once, not repeated."""
        before, after = fold_label(target.text), fold_label(part.text)
        if not target.parts:
            target.text = part.text
        elif as_label:
            if not before:
                target.text = part.text
            elif after and after != before:
                target.text += part.text
        elif part.text.strip():
            previous = next((p for p in reversed(target.parts) if p.text.strip()), None)
            joint = self._separator(previous) if previous is not None else ""
            target.text = target.text + joint + part.text if target.text.strip() else part.text
        target.parts.append(part)
        target.row_end = max(target.row_end, row_end)
        for r in range(target.row, target.row_end):
            for c in range(target.col, target.col_end):
                self.cover[(r, c)] = target

    def add_page(self, page: PageTable) -> None:
        grid = page.grid
        if grid is None or grid.n_rows == 0 or grid.n_cols == 0:
            return
        placed = self._place(grid, page.cells)
        starting: list[list[_Part]] = [[] for _ in range(grid.n_rows)]
        page_cover: dict[tuple[int, int], _Part] = {}
        for p in placed:
            starting[p.r0].append(p)
            for r in range(p.r0, p.r1):
                for c in range(p.c0, p.c1):
                    page_cover.setdefault((r, c), p)
        seen = {h.section.key for h in self.headers.values()}
        top = 0
        while self.n_rows and top < grid.n_rows:
            header = self._header(starting[top])
            if header is None or header.section.key not in seen:
                break
            if self._new_table(header, page_cover, top):
                break
            top += 1
        joins: dict[int, tuple[_Open, bool]] = {}
        continued = False
        if self.n_rows and top < grid.n_rows:
            opens = self._header(starting[top]) is not None
            joins, continued = self._boundary(page_cover, top, opens)
        first = self.n_rows - 1 if continued else self.n_rows
        row_map = {r: first + r - top for r in range(top, grid.n_rows)}
        self.n_rows = first + grid.n_rows - top
        for p in sorted(placed, key=lambda p: (p.r0, p.c0)):
            kept = [r for r in range(p.r0, p.r1) if r >= top]
            if not kept:
                continue
            start, end = row_map[kept[0]], row_map[kept[-1]] + 1
            target, as_label = joins.get(id(p), (None, False))
            if target is None:
                target = _Open(start, p.c0, start, p.c1, "")
                self.cells.append(target)
            self._extend(target, p.cell, end, as_label)
        for r in range(top, grid.n_rows):
            header = self._header(starting[r])
            if header is not None:
                self.headers[row_map[r]] = header

    def table(self, pages: list[PageTable]) -> Table:
        self._join_cut_names()
        pixels = {page.page for page in pages if page.reader == PageReader.OCR}
        cells = tuple(
            LogicalCell(
                row=c.row,
                col=c.col,
                row_span=c.row_end - c.row,
                col_span=c.col_end - c.col,
                text=c.text,
                confidence=_reading_confidence(c.parts, c.text),
                weakest_line=min(
                    (t.confidence for p in c.parts for t in p.tokens if t.text.strip()),
                    default=1.0,
                ),
                structure_confidence=min(
                    *(
                        min(p.cell.confidence, UNDECIDED_ROW_CONFIDENCE)
                        if id(p) in self.undecided
                        else p.cell.confidence
                        for p in c.parts
                    ),
                    JOINED_NAME_CONFIDENCE if c.joined_by_name else 1.0,
                ),
                seal_overlap=max(p.seal_overlap for p in c.parts),
                pieces=tuple(CellPiece(page=p.page, bbox=p.cell.bbox) for p in c.parts),
                joined_across_pages=len({p.page for p in c.parts}) > 1,
                text_cut_by_page_break=len({p.page for p in c.parts if p.text.strip()}) > 1,
                stacked_lines=any(p.stacked_lines for p in c.parts),
                from_pixels=all(p.page in pixels for p in c.parts),
            )
            for c in sorted(self.cells, key=lambda c: (c.row, c.col))
        )
        outside = [(page.page, token) for page in pages for token in page.outside]
        return Table(
            n_rows=self.n_rows,
            n_cols=max(len(self.lattice) - 1, 0),
            cells=cells,
            outside=tuple(t for _, t in outside),
            outside_pages=tuple(p for p, _ in outside),
        )


def _last_line(cell: CellText) -> BBox:
    """The box of a cell's bottom line of tokens (the cell has tokens)."""
    bottom = max(cell.tokens, key=lambda t: t.bbox[3])
    return union_box(t.bbox for t in cell.tokens if t.bbox[3] > bottom.bbox[1])


def _one_short_line(cell: CellText, full: CellText) -> bool:
    """Whether a cell holds one line narrower, by more than one and a half characters, than the
    full line `full` ends on in the same column: the rest of a wrapped name. Measured against
    that line rather than the cell's edge, so a short line centred in its cell, with as wide a
    margin on the left as on the right, is short too (`矛盾纠纷排查社会` / `影响`)."""
    if not cell.tokens:
        return False
    line = union_box(t.bbox for t in cell.tokens)
    height = min(t.bbox[3] - t.bbox[1] for t in cell.tokens)
    full_line = _last_line(full)
    shorter = (full_line[2] - full_line[0]) - (line[2] - line[0]) > 1.5 * height
    return line[3] - line[1] < 1.5 * height and shorter


def stitch(pages: list[PageTable], template: Template) -> Table:
    """Join the pages' tables into one logical table on a common column lattice."""
    pages = sorted(pages, key=lambda p: p.page)
    grids = [p.grid for p in pages if p.grid is not None and p.grid.n_cols > 0]
    stitcher = _Stitcher(template, column_lattice(grids) if grids else [0.0, 1.0])
    for page in pages:
        stitcher.add_page(page)
    return stitcher.table(pages)


def _joined_labels(parts: list[_Part], labels: dict[str, tuple[str, ...]]) -> list[tuple[int, str]]:
    """(lattice column, key) of the labels in header cells that print two or more one after
    the other over as many lattice columns (`三级指标 指标值`: the rule between them not seen)."""
    wordings = [w for words in labels.values() for w in words]
    keyed = []
    for part in parts:
        words = split_wordings(part.cell.text, wordings) or []
        found = [match_label(word, labels) for word in words]
        if len(found) > 1 and len(found) == part.c1 - part.c0 and all(found):
            keyed += [(part.c0 + j, m.key) for j, m in enumerate(found) if m is not None]
    return keyed


def _reading_confidence(parts: list[CellText], text: str) -> float:
    """The weakest reading of a cell's parts. A part left empty beside a glyph-tall blob
    (`CellText.unread_mark`) doubts the cell only when no part holds text: the empty part of
    a cell a page break cut, with a speck of dust in it, says nothing of the value printed on
    the other side of the break. A part holding text beside such a blob doubts it always."""
    if text.strip():
        return min(p.confidence if p.text.strip() else weakest_confidence(p.tokens) for p in parts)
    return min(p.confidence for p in parts)
