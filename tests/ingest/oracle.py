"""The oracle reading: ground-truth pages turned into the PageTables a perfect reader returns.

Stitching and mapping are tested on these, so their errors are measured apart from the errors
of grid finding and OCR. Also holds a small layout language for hand-made pages:

    rows = [["部门名称", Span("湛江市…", 4)],
            ["预算整体情况", "部门预算支出", …],
            [UP, "基本支出", "397.72", …]]

A string is a one-column cell, `Span(text, n)` spans n columns and `UP` continues the cell
above downwards (a merged cell), so row spans follow from the picture.
"""

from dataclasses import dataclass

from ingest.artifacts import CellText, Grid, GridCell, OcrToken, PageTable
from models.truth import GroundTruth, TruthCell, TruthPage

PAGE_SIZE = (1654, 2339)  # A4 at 200 DPI
COLUMN_WIDTHS = (160, 330, 420, 200, 330)
ROW_HEIGHT = 90
TABLE_ORIGIN = (100, 260)


@dataclass(frozen=True)
class Span:
    text: str
    cols: int


UP = object()

Entry = str | Span | object


def truth_page(
    number: int,
    rows: list[list[Entry]],
    column_widths: tuple[int, ...] = COLUMN_WIDTHS,
    origin: tuple[int, int] = TABLE_ORIGIN,
) -> TruthPage:
    """A truth page (1-based `number`) from a picture of its rows."""
    xs = [origin[0]]
    for width in column_widths:
        xs.append(xs[-1] + width)
    ys = [origin[1] + ROW_HEIGHT * r for r in range(len(rows) + 1)]
    owner: dict[tuple[int, int], list] = {}  # (row, col) -> [row, col, row_span, col_span, text]
    for r, row in enumerate(rows):
        c = 0
        for entry in row:
            if entry is UP:
                cell = owner[(r - 1, c)]
                if cell[0] + cell[2] == r:
                    cell[2] += 1
                for k in range(cell[1], cell[1] + cell[3]):
                    owner[(r, k)] = cell
                c += cell[3]
                continue
            text, span = (entry.text, entry.cols) if isinstance(entry, Span) else (entry, 1)
            cell = [r, c, 1, span, text]
            for k in range(c, c + span):
                owner[(r, k)] = cell
            c += span
        assert c == len(column_widths), f"row {r} covers {c} columns"
    unique = {id(cell): cell for cell in owner.values()}.values()
    cells = [
        TruthCell(
            row=r,
            col=c,
            row_span=rs,
            col_span=cs,
            bbox=[xs[c], ys[r], xs[c + cs], ys[r + rs]],
            text=text,
            role="value",
        )
        for r, c, rs, cs, text in sorted(unique, key=lambda cell: (cell[0], cell[1]))
    ]
    return TruthPage(
        page=number,
        width=PAGE_SIZE[0],
        height=PAGE_SIZE[1],
        dpi=200,
        table_bbox=[xs[0], ys[0], xs[-1], ys[-1]],
        cells=cells,
    )


def _rules(spans: list[tuple[int, int, int, int]]) -> tuple[dict[int, int], tuple[int, ...]]:
    """Rules from cells' (start index, end index, start px, end px): the rank of every index
    that has a rule, and the rules' pixel positions (a truth index without a rule on this page,
    e.g. under a wide cell only, is no rule of this page's grid)."""
    found: dict[int, list[int]] = {}
    for i0, i1, p0, p1 in spans:
        found.setdefault(i0, []).append(p0)
        found.setdefault(i1, []).append(p1)
    order = sorted(found)
    return {i: rank for rank, i in enumerate(order)}, tuple(
        round(sum(found[i]) / len(found[i])) for i in order
    )


def page_table(page: TruthPage, title: str | None = None) -> PageTable:
    """What a perfect reader returns for one truth page; `title` is printed above the table
    (a line break in it starts another line)."""
    index = page.page - 1
    rows, row_edges = _rules(
        [(c.row, c.row + c.row_span, c.bbox[1], c.bbox[3]) for c in page.cells]
    )
    cols, col_edges = _rules(
        [(c.col, c.col + c.col_span, c.bbox[0], c.bbox[2]) for c in page.cells]
    )
    grid = Grid(
        page=index,
        row_edges=row_edges,
        col_edges=col_edges,
        cells=tuple(
            GridCell(
                row=rows[c.row],
                col=cols[c.col],
                row_span=rows[c.row + c.row_span] - rows[c.row],
                col_span=cols[c.col + c.col_span] - cols[c.col],
                bbox=tuple(c.bbox),
                confidence=1.0,
            )
            for c in page.cells
        ),
    )
    cells = tuple(
        CellText(
            page=index,
            cell=cell,
            text=truth.text,
            tokens=(OcrToken(text=truth.text, bbox=cell.bbox, confidence=1.0),)
            if truth.text.strip()
            else (),
        )
        for cell, truth in zip(grid.cells, page.cells, strict=True)
    )
    outside: tuple[OcrToken, ...] = ()
    if title:  # a line above the table per line of the title
        x0, y0, x1, _ = page.table_bbox
        lines = title.split("\n")
        top = y0 - 30 - 60 * len(lines)
        outside = tuple(
            OcrToken(
                text=line,
                bbox=(x0, max(top + 60 * k, 0), x1, max(top + 60 * k + 60, 1)),
                confidence=1.0,
            )
            for k, line in enumerate(lines)
        )
    return PageTable(
        page=index, width=page.width, height=page.height, grid=grid, cells=cells, outside=outside
    )


def page_tables(truth: GroundTruth) -> list[PageTable]:
    """The oracle reading of a ground-truth document (the title above the first page)."""
    title = truth.document.title
    return [page_table(p, title if i == 0 else None) for i, p in enumerate(truth.pages)]
