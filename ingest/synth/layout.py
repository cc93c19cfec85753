"""Pages from the logical table: wrapped text, row heights, page breaks, the grid of each page.

Pagination follows what word processors do with these forms: a row that does not fit moves to
the next page, unless it is long, in which case its text is split line by line across the
break; a header row may be repeated at the top of a continued page; a merged block cut by a
break becomes one cell per page, its text printed on the parts its `cut` names (or on none).
Every page's grid is the unique y of its horizontal rules and x of its vertical rules, so the
cells of a page tile its table exactly.
"""

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from ingest.synth.degrade import PageMarks, TitleSpan
from ingest.synth.fonts import Measure, load_font
from ingest.synth.style import DocStyle, pt_to_px
from ingest.synth.table import Align, Block, LogicalTable, Role


@dataclass(frozen=True)
class Line:
    text: str
    end: bool = False  # a hard line break follows


_TOKEN = re.compile(r"[A-Za-z0-9.,%:/+\-~]+ *|. *")
_NO_START = frozenset("，。、；：！？）》」』】〕”’%,.;:!?)")
_NO_END = frozenset("（《「『【〔“‘(")


def _tokens(paragraph: str) -> list[str]:
    """Unbreakable pieces: a Latin/number run or one character, keeping punctuation where
    Chinese typesetting keeps it (no closing mark at a line start, no opening mark at an end)."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(paragraph):
        tok = match.group()
        if tokens and (tok[0] in _NO_START or tokens[-1][-1] in _NO_END):
            tokens[-1] += tok
        else:
            tokens.append(tok)
    return tokens


def wrap(text: str, width: float, measure: Measure) -> list[Line]:
    """Greedy line filling; joining the lines back (`join_lines`) gives `text` again."""
    lines: list[Line] = []
    for paragraph in text.split("\n"):
        current = ""
        for tok in _tokens(paragraph):
            if measure.width((current + tok).rstrip()) <= width:
                current += tok
                continue
            if current:
                lines.append(Line(current))
                current = ""
            for ch in tok if measure.width(tok.rstrip()) > width else (tok,):
                if current and measure.width((current + ch).rstrip()) > width:
                    lines.append(Line(current))
                    current = ""
                current += ch
        lines.append(Line(current, end=True))
    if lines:
        lines[-1] = Line(lines[-1].text)
    return [] if text == "" else lines


def join_lines(lines: list[Line]) -> str:
    """The printed text of some lines: wrapped lines join directly, hard breaks become \\n."""
    text = "".join(line.text + ("\n" if line.end else "") for line in lines)
    return text.removesuffix("\n") if lines and lines[-1].end else text


@dataclass(frozen=True)
class PlacedCell:
    row: int
    col: int
    row_span: int
    col_span: int
    bbox: tuple[int, int, int, int]
    text: str  # as printed in this cell on this page
    lines: tuple[str, ...]  # what to draw, top to bottom (one character each when vertical)
    role: Role
    align: Align
    valign: Literal["middle", "top"]
    vertical: bool
    key: str  # the logical row key of the block's first row, e.g. "department"


@dataclass(frozen=True)
class FreeText:
    """Text printed outside the table: the title, notes, page numbers."""

    text: str
    xy: tuple[int, int]
    anchor: str  # PIL text anchor
    font: str
    px: int
    kind: Literal["title", "note", "page_number"]


@dataclass(frozen=True)
class PageLayout:
    index: int
    row_edges: tuple[int, ...]
    col_edges: tuple[int, ...]
    cells: tuple[PlacedCell, ...]
    texts: tuple[FreeText, ...]

    @property
    def table_bbox(self) -> tuple[int, int, int, int]:
        return (self.col_edges[0], self.row_edges[0], self.col_edges[-1], self.row_edges[-1])


@dataclass
class _PageRow:
    logical: int
    repeat: bool
    partial: bool
    y0: int = 0
    y1: int = 0
    lines: dict[int, list[Line]] = field(default_factory=dict)  # single-row block -> its lines


class _Paginator:
    def __init__(self, table: LogicalTable, style: DocStyle) -> None:
        self.table = table
        self.style = style
        self.measure = Measure(style.font, style.body_px)
        self.covering: list[list[int]] = [[] for _ in table.keys]
        for i, blk in enumerate(table.blocks):
            for r in range(blk.row, blk.row + blk.row_span):
                self.covering[r].append(i)
        self.lines = {
            i: wrap(blk.text, self.inner_width(blk), self.measure)
            for i, blk in enumerate(table.blocks)
            if blk.row_span == 1
        }
        self.heights = self._row_heights()

    def inner_width(self, blk: Block) -> int:
        edges = self.style.col_edges
        return edges[blk.col + blk.col_span] - edges[blk.col] - 2 * self.style.pad_x

    def text_height(self, n_lines: int) -> int:
        return n_lines * self.style.line_h + 2 * self.style.pad_y

    def _row_heights(self) -> list[int]:
        heights = [
            max(
                [self.style.min_row_h]
                + [
                    self.text_height(len(self.lines[i]))
                    for i in self.covering[r]
                    if i in self.lines
                ]
            )
            for r in range(len(self.table.keys))
        ]
        for blk in sorted(self.table.blocks, key=lambda b: b.row_span):
            if blk.row_span > 1:
                need = self.block_need(blk)
                have = sum(heights[blk.row : blk.row + blk.row_span])
                heights[blk.row + blk.row_span - 1] += max(0, need - have)
        return heights

    def vertical_chars(self, blk: Block) -> list[str]:
        return [ch for ch in blk.text if not ch.isspace()]

    def block_need(self, blk: Block) -> int:
        if blk.vertical:
            return self.text_height(len(self.vertical_chars(blk)))
        return self.text_height(len(wrap(blk.text, self.inner_width(blk), self.measure)))

    def single_blocks(self, r: int) -> list[int]:
        return [i for i in self.covering[r] if i in self.lines]

    def paginate(self, first_top: int) -> list[list[_PageRow]]:
        bottom = self.style.page_h - self.style.margin_bottom
        pages: list[list[_PageRow]] = [[]]
        y = first_top
        remaining: dict[int, list[Line]] | None = None
        forced_done: set[int] = set()
        r = 0

        def place(row: _PageRow, height: int) -> None:
            nonlocal y
            row.y0, row.y1 = y, y + height
            pages[-1].append(row)
            y += height

        def new_page(next_row: int) -> None:
            nonlocal y
            pages.append([])
            y = self.style.margin_top
            header = self.table.repeat_headers.get(self.table.keys[next_row])
            if header is not None:
                h = self.table.row_of(header)
                row = _PageRow(
                    h,
                    repeat=True,
                    partial=False,
                    lines={i: self.lines[i] for i in self.single_blocks(h)},
                )
                place(row, self.heights[h])

        while r < len(self.table.keys):
            key = self.table.keys[r]
            has_body = any(not row.repeat for row in pages[-1])
            if key in self.table.breaks_before and r not in forced_done and has_body:
                forced_done.add(r)
                new_page(r)
                continue
            lines = remaining or {i: self.lines[i] for i in self.single_blocks(r)}
            most = max((len(v) for v in lines.values()), default=0)
            need = (
                self.heights[r]
                if remaining is None
                else max(self.style.min_row_h, self.text_height(most))
            )
            fit = (bottom - y - 2 * self.style.pad_y) // self.style.line_h
            if y + need <= bottom or (not has_body and most <= fit):
                # On an empty page a row whose text fits is placed even if its padding
                # does not, so pagination always makes progress.
                place(
                    _PageRow(r, repeat=False, partial=remaining is not None, lines=lines),
                    min(need, bottom - y) if not has_body else need,
                )
                remaining = None
                r += 1
                continue
            if most > fit >= 1 and ((most >= 4 and fit >= 2) or not has_body):
                head = {i: v[:fit] for i, v in lines.items()}
                place(
                    _PageRow(r, repeat=False, partial=True, lines=head),
                    self.text_height(max(len(v) for v in head.values())),
                )
                remaining = {i: v[fit:] for i, v in lines.items()}
            new_page(r)
        return pages


def _title_px(style: DocStyle, lines: list[str]) -> int:
    """The style's title size, or smaller where a line would run wider than the table."""
    width = style.col_edges[-1] - style.col_edges[0]
    widest = max(load_font(style.title_font, style.title_px).getlength(t) for t in lines)
    if widest <= width:
        return style.title_px
    return int(style.title_px * width / widest)


def _title_texts(style: DocStyle, title: str) -> tuple[list[FreeText], int]:
    """Title block of page 1 (one line per line of `title`) and the y where the table starts
    below it."""
    texts: list[FreeText] = []
    y = style.margin_top
    cx = (style.col_edges[0] + style.col_edges[-1]) // 2
    if style.attachment:
        texts.append(
            FreeText(
                style.attachment, (style.col_edges[0], y), "lt", style.font, style.body_px, "note"
            )
        )
        y += round(style.body_px * 2.2)
    lines = title.split("\n")
    px = _title_px(style, lines)
    for k, line in enumerate(lines):
        if k:
            y += round(px * 1.4)
        texts.append(FreeText(line, (cx, y + px // 2), "mm", style.title_font, px, "title"))
    y += round(px * 1.9)
    if style.unit_note:
        texts.append(
            FreeText(
                "单位：万元", (style.col_edges[-1], y), "rb", style.font, style.body_px, "note"
            )
        )
        y += round(style.body_px * 0.6)
    return texts, y


def _page_number(style: DocStyle, page: int, pages: int) -> list[FreeText]:
    if style.page_numbers == "none":
        return []
    text = f"— {page} —" if style.page_numbers == "dash" else f"第 {page} 页，共 {pages} 页"
    y = style.page_h - style.margin_bottom // 2
    x = (style.col_edges[0] + style.col_edges[-1]) // 2
    return [FreeText(text, (x, y), "mm", style.font, pt_to_px(9, style.dpi), "page_number")]


def layout_pages(table: LogicalTable, style: DocStyle, title: str) -> list[PageLayout]:
    """Place the table on as many pages as it needs; page 1 carries the title above it."""
    pag = _Paginator(table, style)
    title_texts, first_top = _title_texts(style, title)
    pages = pag.paginate(first_top)

    # Runs of page rows covered by one block, per page: these become the cells.
    runs: dict[int, list[tuple[int, int, int]]] = {}  # block -> [(page, first row, n rows)]
    for p, rows in enumerate(pages):
        for c in range(len(style.col_edges) - 1):
            prev = None
            for g, row in enumerate(rows):
                blk = next(
                    (
                        i
                        for i in pag.covering[row.logical]
                        if table.blocks[i].col <= c < table.blocks[i].col + table.blocks[i].col_span
                    ),
                    None,
                )
                if blk is None or table.blocks[blk].col != c:
                    prev = None
                    continue
                if prev == blk and table.blocks[blk].row_span > 1:
                    page, first, n = runs[blk][-1]
                    runs[blk][-1] = (page, first, n + 1)
                else:
                    runs.setdefault(blk, []).append((p, g, 1))
                prev = blk

    cells: list[list[PlacedCell]] = [[] for _ in pages]
    edges = [tuple([rows[0].y0] + [row.y1 for row in rows]) for rows in pages]
    for i, parts in runs.items():
        blk = table.blocks[i]
        texts = _part_texts(pag, blk, i, parts, pages, edges)
        for (p, g, n), (text, lines, vertical) in zip(parts, texts, strict=True):
            x0, x1 = style.col_edges[blk.col], style.col_edges[blk.col + blk.col_span]
            partial = blk.row_span == 1 and pages[p][g].partial
            cells[p].append(
                PlacedCell(
                    row=g,
                    col=blk.col,
                    row_span=n,
                    col_span=blk.col_span,
                    bbox=(x0, edges[p][g], x1, edges[p][g + n]),
                    text=text,
                    lines=tuple(lines),
                    role=blk.role,
                    align=blk.align,
                    valign="top" if partial else "middle",
                    vertical=vertical,
                    key=table.keys[blk.row],
                )
            )

    out = []
    for p in range(len(pages)):
        texts = (title_texts if p == 0 else []) + _page_number(style, p + 1, len(pages))
        col_edges, placed = _own_columns(cells[p])
        out.append(
            PageLayout(
                index=p,
                row_edges=edges[p],
                col_edges=col_edges,
                cells=tuple(sorted(placed, key=lambda c: (c.row, c.col))),
                texts=tuple(texts),
            )
        )
    return out


def _own_columns(cells: list[PlacedCell]) -> tuple[tuple[int, ...], list[PlacedCell]]:
    """The page's own columns: the x of the vertical rules its cells draw, cells indexed by
    them (a page whose rows all merge two of the table's columns has one column there)."""
    xs = sorted({x for c in cells for x in (c.bbox[0], c.bbox[2])})
    placed = []
    for cell in cells:
        col = xs.index(cell.bbox[0])
        placed.append(replace(cell, col=col, col_span=xs.index(cell.bbox[2]) - col))
    return tuple(xs), placed


def _part_texts(
    pag: _Paginator,
    blk: Block,
    index: int,
    parts: list[tuple[int, int, int]],
    pages: list[list[_PageRow]],
    edges: list[tuple[int, ...]],
) -> list[tuple[str, list[str], bool]]:
    """(truth text, lines to draw, vertical) for each part of a block."""
    if blk.row_span == 1:
        out = []
        for p, g, _ in parts:
            lines = pages[p][g].lines.get(index, [])
            out.append((join_lines(lines), [ln.text for ln in lines], False))
        return out
    chosen = {"first": [0], "last": [len(parts) - 1], "all": list(range(len(parts))), "none": []}[
        blk.cut if len(parts) > 1 else "all"
    ]
    printed: dict[int, tuple[list[str], bool]] = {}

    def fit(k: int) -> tuple[list[str], bool] | None:
        p, g, n = parts[k]
        height = edges[p][g + n] - edges[p][g]
        chars = pag.vertical_chars(blk)
        if blk.vertical and pag.text_height(len(chars)) <= height:
            return chars, True
        lines = wrap(blk.text, pag.inner_width(blk), pag.measure)
        if pag.text_height(len(lines)) <= height:
            return [ln.text for ln in lines], False
        return None

    for k in chosen:
        if (got := fit(k)) is not None:
            printed[k] = got
    if chosen and not printed:
        for k in sorted(range(len(parts)), key=lambda k: -parts[k][2]):
            if (got := fit(k)) is not None:
                printed[k] = got
                break
    return [(blk.text, *printed[k]) if k in printed else ("", [], False) for k in range(len(parts))]


def page_marks(
    page: PageLayout, style: DocStyle, seal_anchor: tuple[str, int] = ("department", 1)
) -> PageMarks:
    """What degradation needs of a drawn page: its cells, its title and the cell a seal is
    stamped near (the table's `seal_anchor`: the department's name)."""
    title = next((t for t in page.texts if t.kind == "title"), None)
    key, col = seal_anchor
    dept = next((c for c in page.cells if c.key == key and c.col == col), None)
    return PageMarks(
        dpi=style.dpi,
        cell_boxes=tuple(c.bbox for c in page.cells),
        rule_px=style.rule_px,
        title=None
        if title is None
        else TitleSpan(
            cx=title.xy[0],
            cy=title.xy[1],
            half=load_font(title.font, title.px).getlength(title.text) / 2,
        ),
        department=None if dept is None else dept.bbox,
        seal_fonts=(style.title_font, style.font),
    )
