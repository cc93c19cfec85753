"""The office file's cells placed on its print: the pipeline's `Table` with text from the file
and boxes from the printed pages.

Text, spans and rows come from the file and are exact; the print only says where each cell
sits, so the reviewer is shown the right crop. Cells are matched to printed cells by their
text in reading order (both run row by row, so the match moves forward only, and a value that
repeats, such as 100%, matches the next one). Matched cells fix each row's band on its page
and each column's span; every cell, empty or not, matched or not, is then boxed from the bands
of its rows and columns, one piece per page its rows were printed on. A row no single-row
cell fixes lies between rows that are fixed and shares their gap.
"""

import statistics
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from ingest.artifacts import BBox, CellPiece, LogicalCell, OcrToken, PageTable, Table
from ingest.digital.source_table import SourceCell, SourceTable

_PREFIX = 4  # a printed cell cut by a page break matches when it holds this much of the text


@dataclass(frozen=True)
class _Printed:
    page: int
    bbox: BBox
    text: str


def locate(source: SourceTable, printed: list[PageTable]) -> Table:
    """The file's table, each cell with the pieces of the printed pages it covers."""
    printed_cells = [
        _Printed(t.page, c.cell.bbox, _plain(c.text))
        for t in sorted(printed, key=lambda t: t.page)
        for c in sorted(t.cells, key=lambda c: (c.cell.row, c.cell.col))
    ]
    matches = _match(source.cells, printed_cells)
    rows = _row_bands(source, matches)
    cols = _col_bands(source, matches)
    cells = []
    for index, cell in enumerate(source.cells):
        pieces = _pieces(cell, rows, cols, matches.get(index))
        cells.append(
            LogicalCell(
                row=cell.row,
                col=cell.col,
                row_span=cell.row_span,
                col_span=cell.col_span,
                text=cell.text,
                confidence=1.0,
                structure_confidence=1.0,
                pieces=pieces,
                from_pixels=False,
            )
        )
    outside, pages = _outside(source.outside, printed)
    return Table(
        n_rows=source.n_rows,
        n_cols=source.n_cols,
        cells=tuple(cells),
        outside=tuple(outside),
        outside_pages=tuple(pages),
    )


def _plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _match(cells: tuple[SourceCell, ...], printed: list[_Printed]) -> dict[int, _Printed]:
    """Source cell index -> the printed cell holding its text.

    Both lists run in reading order, so the match is the order-keeping pairing with the most
    agreeing text (a longest common subsequence): a label whose text the print shows only on
    the next page, or a header row printed again, cannot pull the rest out of step.
    """
    said = [(i, _plain(c.text)) for i, c in enumerate(cells) if c.text.strip()]
    shown = [p.text for p in printed]
    n, m = len(said), len(shown)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for a in range(n - 1, -1, -1):
        row, below = best[a], best[a + 1]
        text = said[a][1]
        for b in range(m - 1, -1, -1):
            score = _agreement(text, shown[b])
            row[b] = max(below[b], row[b + 1], below[b + 1] + score if score else 0.0)
    matches: dict[int, _Printed] = {}
    a = b = 0
    while a < n and b < m:
        score = _agreement(said[a][1], shown[b])
        if score and best[a][b] == best[a + 1][b + 1] + score:
            matches[said[a][0]] = printed[b]
            a, b = a + 1, b + 1
        elif best[a][b] == best[a + 1][b]:
            a += 1
        else:
            b += 1
    return matches


def _agreement(text: str, seen: str) -> float:
    """1 for the same text, less for a part of it cut off by a page break, else 0."""
    if seen == text:
        return 1.0
    if len(seen) >= _PREFIX and text.startswith(seen):
        return 0.5
    return 0.0


_Band = tuple[int, int, int]  # page, start, end


def _row_bands(source: SourceTable, matches: dict[int, _Printed]) -> dict[int, _Band]:
    """Each source row's page and vertical extent."""
    known: dict[int, _Band] = {}
    for index, printed in matches.items():
        cell = source.cells[index]
        if cell.row_span == 1 and cell.row not in known:
            known[cell.row] = (printed.page, printed.bbox[1], printed.bbox[3])
    if not known:
        return {}
    heights = [end - start for _, start, end in known.values()]
    typical = round(statistics.median(heights))
    bands: dict[int, _Band] = dict(known)
    ordered = sorted(known)
    for row in range(source.n_rows):
        if row in bands:
            continue
        before = max((r for r in ordered if r < row), default=None)
        after = min((r for r in ordered if r > row), default=None)
        if before is not None and after is not None and known[before][0] == known[after][0]:
            page, _, top = known[before]
            bottom = known[after][1]
            share = (bottom - top) / (after - before - 1)
            k = row - before - 1
            bands[row] = (page, round(top + k * share), round(top + (k + 1) * share))
        elif before is not None:
            page, _, top = known[before]
            k = row - before - 1
            bands[row] = (page, top + k * typical, top + (k + 1) * typical)
        else:
            page, bottom, _ = known[after]
            k = after - row
            bands[row] = (page, max(bottom - k * typical, 0), max(bottom - (k - 1) * typical, 0))
    return bands


def _col_bands(source: SourceTable, matches: dict[int, _Printed]) -> dict[int, tuple[int, int]]:
    """Each source column's horizontal extent (a print keeps columns where they are)."""
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for index, printed in matches.items():
        cell = source.cells[index]
        if cell.col_span == 1:
            spans[cell.col].append((printed.bbox[0], printed.bbox[2]))
    bands = {
        col: (round(statistics.median(a for a, _ in s)), round(statistics.median(b for _, b in s)))
        for col, s in spans.items()
    }
    for index, printed in matches.items():  # columns seen only inside wider cells
        cell = source.cells[index]
        if cell.col not in bands:
            bands[cell.col] = (printed.bbox[0], printed.bbox[2])
        last = cell.col + cell.col_span - 1
        if last not in bands:
            bands[last] = (printed.bbox[0], printed.bbox[2])
    return bands


def _pieces(
    cell: SourceCell,
    rows: dict[int, _Band],
    cols: dict[int, tuple[int, int]],
    matched: _Printed | None,
) -> tuple[CellPiece, ...]:
    by_page: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for row in range(cell.row, cell.row + cell.row_span):
        if row in rows:
            page, start, end = rows[row]
            by_page[page].append((start, end))
    left = cols.get(cell.col, (0, 0))[0]
    right = cols.get(cell.col + cell.col_span - 1, (0, 0))[1]
    pieces = [
        CellPiece(
            page=page,
            bbox=(left, min(s for s, _ in spans), right, max(e for _, e in spans)),
        )
        for page, spans in sorted(by_page.items())
    ]
    if matched is not None and len(pieces) <= 1:
        return (CellPiece(page=matched.page, bbox=matched.bbox),)
    return tuple(pieces) or (CellPiece(page=0, bbox=(0, 0, 0, 0)),)


def _same_text(printed: str, plain: str) -> bool:
    """The printed piece is the text, or a part of it too long to be a coincidence."""
    seen = _plain(printed)
    return bool(seen) and (seen == plain or (len(seen) >= _PREFIX and seen in plain))


def _outside(texts: tuple[str, ...], printed: list[PageTable]) -> tuple[list[OcrToken], list[int]]:
    """The file's text around the table, each where the print shows it."""
    candidates = [
        (t.page, token) for t in sorted(printed, key=lambda t: t.page) for token in t.outside
    ]
    tokens: list[OcrToken] = []
    pages: list[int] = []
    for order, text in enumerate(texts):
        plain = _plain(text)
        found = next(((p, tok) for p, tok in candidates if _same_text(tok.text, plain)), None)
        if found is not None:
            candidates.remove(found)
            page, bbox = found[0], found[1].bbox
        else:  # not printed where the print could be read: kept, in order, without a box
            page, bbox = 0, (0, order, 0, order)
        tokens.append(
            OcrToken(text=text, bbox=bbox, confidence=1.0, char_confidences=(1.0,) * len(text))
        )
        pages.append(page)
    return tokens, pages
