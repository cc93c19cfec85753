"""Truth cells of a printed page, recovered from the rules the engine drew and its text layer.

The page's grid is every x where vertical rules run and every y where horizontal rules run or
vertical rules end (a table cut by a page break may open without a top or bottom rule: its
cells then end where the vertical rules do). Neighbouring grid slots with no rule between
them are one cell. A cell's text is the printed characters inside it, read in lines; it is
matched to the logical block it came from, so hard line breaks and spaces come back as typed.
"""

from collections.abc import Sequence

import numpy as np

from ingest.synth.printed.readback import Char, PrintedPage, Rule
from ingest.synth.table import Block
from models.truth import TruthCell, TruthPage


class UnreadablePrint(ValueError):
    """A printed page whose rules do not form a table of rectangular cells."""


def _cluster(values: Sequence[float], tol: float) -> list[float]:
    """Means of runs of sorted values no more than `tol` apart."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _covers(rules: list[Rule], at: float, lo: float, hi: float, tol: float) -> bool:
    """A rule near `at` runs over the middle of the stretch lo..hi."""
    mid = (lo + hi) / 2
    return any(abs(r.at - at) <= tol and r.lo <= mid <= r.hi for r in rules)


class _Slots:
    """Union-find over the grid's slots."""

    def __init__(self, rows: int, cols: int) -> None:
        self.cols = cols
        self.parent = list(range(rows * cols))

    def find(self, k: int) -> int:
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def grid_cells(rules: Sequence[Rule]) -> list[tuple[int, int, int, int]] | None:
    """Cells as pixel boxes, or None when the page has no ruled table."""
    horizontal = [r for r in rules if r.horizontal]
    vertical = [r for r in rules if not r.horizontal]
    if not horizontal or len(vertical) < 2:
        return None
    tol = max(3.0, 1.5 * max(r.width for r in rules))
    xs = _cluster([r.at for r in vertical], tol)
    ys = _cluster([r.at for r in horizontal] + [v for r in vertical for v in (r.lo, r.hi)], tol)
    if len(xs) < 2 or len(ys) < 2:
        return None
    rows, cols = len(ys) - 1, len(xs) - 1
    slots = _Slots(rows, cols)
    for i in range(rows):
        for j in range(cols):
            if j + 1 < cols and not _covers(vertical, xs[j + 1], ys[i], ys[i + 1], tol):
                slots.join(i * cols + j, i * cols + j + 1)
            if i + 1 < rows and not _covers(horizontal, ys[i + 1], xs[j], xs[j + 1], tol):
                slots.join(i * cols + j, (i + 1) * cols + j)
    members: dict[int, list[tuple[int, int]]] = {}
    for i in range(rows):
        for j in range(cols):
            members.setdefault(slots.find(i * cols + j), []).append((i, j))
    boxes = []
    for slot_list in members.values():
        i0, i1 = min(i for i, _ in slot_list), max(i for i, _ in slot_list) + 1
        j0, j1 = min(j for _, j in slot_list), max(j for _, j in slot_list) + 1
        if len(slot_list) != (i1 - i0) * (j1 - j0):
            raise UnreadablePrint("the page's rules leave a cell that is not a rectangle")
        boxes.append((round(xs[j0]), round(ys[i0]), round(xs[j1]), round(ys[i1])))
    return boxes


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines (overlapping in height), top to bottom, left to right."""
    lines: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: (c.bbox[1] + c.bbox[3]) / 2):
        mid = (ch.bbox[1] + ch.bbox[3]) / 2
        if lines:
            top = min(c.bbox[1] for c in lines[-1])
            bottom = max(c.bbox[3] for c in lines[-1])
            if top <= mid <= bottom:
                lines[-1].append(ch)
                continue
        lines.append([ch])
    return [sorted(line, key=lambda c: c.bbox[0]) for line in lines]


def _dense(text: str) -> str:
    return "".join(text.split())


def typed_span(typed: str, visible: str) -> str | None:
    """The stretch of `typed` (spaces and breaks kept) whose non-space characters are
    `visible`, or None when `typed` does not hold it."""
    positions = [k for k, ch in enumerate(typed) if not ch.isspace()]
    dense = "".join(typed[k] for k in positions)
    start = dense.find(visible)
    if start < 0 or not visible:
        return None
    return typed[positions[start] : positions[start + len(visible) - 1] + 1]


class BlockMatcher:
    """Finds the logical block a cell's text came from, over all pages of a document in
    reading order: whole text before a fragment, a block not yet printed in full before one
    that is (the two 预算金额 headers are alike), the cell's own column before another."""

    def __init__(self, blocks: Sequence[Block]) -> None:
        self.blocks = list(blocks)
        self.dense = [_dense(b.text) for b in blocks]
        self.shown: dict[int, str] = {}  # block index -> visible text printed so far

    def match(self, visible: str, column: int | None) -> int | None:
        whole = [i for i, d in enumerate(self.dense) if d == visible]
        parts = [i for i, d in enumerate(self.dense) if visible in d]
        for found in (whole, parts):
            open_ = [i for i in found if self.shown.get(i, "") != self.dense[i]] or found
            same_col = [i for i in open_ if self.blocks[i].col == column]
            if open_:
                block = (same_col or open_)[0]
                self.shown[block] = self.shown.get(block, "") + visible
                return block
        return None


def page_cells(page: PrintedPage, blocks: BlockMatcher) -> TruthPage | None:
    """The page's truth cells, or None when nothing on it is a ruled table."""
    boxes = grid_cells(page.rules)
    if boxes is None:
        return None
    xs = sorted({x for b in boxes for x in (b[0], b[2])})
    ys = sorted({y for b in boxes for y in (b[1], b[3])})
    printed = [c for c in page.chars if c.printed]
    centres = np.array(
        [((c.bbox[0] + c.bbox[2]) / 2, (c.bbox[1] + c.bbox[3]) / 2) for c in printed]
    ).reshape(-1, 2)
    cells = []
    for box in sorted(boxes, key=lambda b: (b[1], b[0])):
        x0, y0, x1, y1 = box
        inside = (
            (centres[:, 0] >= x0)
            & (centres[:, 0] < x1)
            & (centres[:, 1] >= y0)
            & (centres[:, 1] < y1)
        )
        lines = _lines([printed[k] for k in np.flatnonzero(inside)])
        visible = "".join(c.text for line in lines for c in line)
        column = next((k for k, x in enumerate(xs) if x == x0), None)
        block = blocks.match(visible, column) if visible else None
        typed = blocks.blocks[block] if block is not None else None
        text = (typed_span(typed.text, visible) if typed else None) or visible
        cells.append(
            TruthCell(
                row=ys.index(y0),
                col=xs.index(x0),
                row_span=ys.index(y1) - ys.index(y0),
                col_span=xs.index(x1) - xs.index(x0),
                bbox=list(box),
                text=text,
                role=typed.role if typed else "value",
            )
        )
    height, width = page.image.shape
    return TruthPage(
        page=page.index + 1,
        width=width,
        height=height,
        dpi=page.dpi,
        table_bbox=[xs[0], ys[0], xs[-1], ys[-1]],
        cells=cells,
    )
