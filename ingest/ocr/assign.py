"""Read the text of every grid cell on a page.

Two ways are implemented and measured against each other (`python -m
tests.ingest.ocr.compare_strategies`); ``cell_lines`` is the default because it reads as
accurately as ``full_page`` for about half the CPU time per page:

- ``cell_lines`` (default): the cell's text lines are found from the ink's row profile inside
  the cell (a ruled form prints text in straight rows between rules), and every line of the page
  is recognised in one batch, without the detection model. A cell whose rows cannot be told
  apart (skew, touching lines) falls back to detection inside that cell. Text above and below
  the table (title, page number) is found the same way, as runs of ink cut at wide gaps, and
  read in the same batch: detection over those strips cost more than all the cells together.
- ``full_page``: one detection pass over the whole page; each detected line goes to the cell it
  lies in, and a line crossing a rule is cut at the rule and its pieces re-read.

Both share how lines become a cell's text: wrapped lines are joined with no separator, and "\\n"
is kept only for a hard break, i.e. a line that ends well before the cell's right edge and is
followed by a new numbered item. A vertical label (one character per row) reads top to bottom.
"""

from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import cv2
import numpy as np

from ingest.artifacts import BBox, CellText, CleanPage, Grid, OcrToken, PageTable, union_box
from ingest.ocr.base import OcrEngine, crop
from ingest.ocr.hidden_rules import split_spanning_cells, split_stacked_rows
from ingest.ocr.lines import TextLine, compose_text, group_lines, has_stacked_lines
from ingest.ocr.strays import is_speck_reading, trim_ends

Strategy = Literal["cell_lines", "full_page"]

OUTSIDE = -1  # owner of a line read outside the table
# In line heights: ink runs longer than this are rules or paper edges, not strokes; marks
# smaller than this are specks; a strip's row taller than this is not one line of text.
_LONGEST_STROKE = 3.0
_SMALLEST_MARK = 0.4
_TALLEST_LINE = 2.5
# A mark dropped as dust in a cell that holds text, as tall as most of a line: a glyph on a
# wrapped line of its own that a photo's blur made one solid blob (`矛盾纠纷排查次` read without
# its `数`), or a blob printed over one. The line read may lack a character.
_GLYPH_MARK = 0.8
# A body character is about 10 pt (0.14 in) tall. In characters: a mark smaller than _SPECK in
# both directions is a speck unless a stroke lies beside it on its line, within _SPECK_REACH
# along the line and _SPECK_RISE across it: punctuation and decimal points sit on the line next
# to their text; dust above or below a line, or well past its end, does not.
_CHARACTER_IN = 0.14
_SPECK = 0.3
_SPECK_REACH = 0.75
_SPECK_RISE = 0.25
# In line heights: how far before a line's first character a mark low on the line may stand
# and still be its punctuation (a full-width mark's em square, and a little more).
_MARK_BESIDE = 1.5
# In line heights: how far from the left edge the text's lines start at such a mark may
# stand (a mark's ink sits in the left half of its em square).
_MARK_AT_EDGE = 0.5
# A band of a cell lower than this share of its tallest is a stroke's fragment or a rule's
# fringe, not a line of text.
_LINE_SHARE = 0.5
# Lines starting within this share of their height of the leftmost one keep to the text's
# left edge; a text keeps to one where this many of its lines do.
_SAME_EDGE = 0.2
_LINES_AT_EDGE = 2
# In characters: a row of ink this tall is most of a character, a line of its own.
_WHOLE_ROW = 0.6
# A solid round blob smaller than a character is dust or toner, unless it sits on a line beside
# text as a comma's head does (within the same reach as a speck).
_DOT = 0.2
_BLOB = 0.6
_BLOB_FILL = 0.6
# A cell gets a threshold of its own when its darkest mark is this many grey levels below its
# paper; it is read from that threshold's ink when the page's threshold left it empty, or saw
# it only in part: ink _UNSEEN_CONTRAST levels below its paper, _UNSEEN_WIDTH line heights
# long (most of a character) and as dark as such a mark somewhere, that the page's threshold
# did not see. What is read from such ink is worth _FAINT_CONFIDENCE at most, so it is always
# flagged.
_FAINT_CONTRAST = 60
_UNSEEN_CONTRAST = 35
_UNSEEN_WIDTH = 0.8
_FAINT_CONFIDENCE = 0.5
# Grey levels: unseen ink this close to the darkest ink seen in its cell is the same print.
_SAME_PRINT = 20
# A run of ink around the table this many times taller than wide, read with no ideograph, is
# no line of text.
_UPRIGHT = 2.0
# In line heights: how far right of the line it wraps onto a wrapped line may start when it
# lost one glyph at its start (a glyph is about a line height wide; a paragraph's indent is two).
_LOST_GLYPH = (0.6, 1.5)
# The confidence a line outside the table needs to count as text, unless it reads as two
# ideographs or more.
_OUTSIDE_CONFIDENCE = 0.5


def read_cells(
    page: CleanPage, grid: Grid | None, engine: OcrEngine, strategy: Strategy = "cell_lines"
) -> PageTable:
    """OCR the cleaned page and give every grid cell its text (empty when nothing is inside)."""
    height, width = page.gray.shape[:2]
    seal_boxes = _seal_boxes(page)
    if grid is None or not grid.cells:
        outside, unread = _read_without_table(page, engine)
        return PageTable(
            page=page.index,
            width=width,
            height=height,
            grid=grid,
            outside=tuple(_reading_order(outside)),
            unread=tuple(unread),
            seal_boxes=seal_boxes,
        )
    unread: list[BBox] = []
    unread_marks: set[int] = set()
    if strategy == "cell_lines":
        lines_by_cell, outside, unread, unread_marks = _read_by_cell_lines(page, grid, engine)
    else:
        lines_by_cell, outside = _read_full_page(page, grid, engine)
    cells = tuple(
        CellText(
            page=page.index,
            cell=cell,
            text=compose_text(lines_by_cell[i], cell.bbox),
            tokens=tuple(t for line in lines_by_cell[i] for t in line.tokens),
            seal_overlap=_seal_overlap(page, cell.bbox),
            stacked_lines=has_stacked_lines(lines_by_cell[i], cell.bbox),
            unread_mark=i in unread_marks,
        )
        for i, cell in enumerate(grid.cells)
    )
    table = PageTable(
        page=page.index,
        width=width,
        height=height,
        grid=grid,
        cells=cells,
        outside=tuple(_reading_order(outside)),
        unread=tuple(unread),
        seal_boxes=seal_boxes,
    )
    return split_spanning_cells(split_stacked_rows(table))


# --- cell_lines ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Band:
    """A row of ink inside one cell, in page pixels."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def width(self) -> int:
        return self.x1 - self.x0


def _read_by_cell_lines(
    page: CleanPage, grid: Grid, engine: OcrEngine
) -> tuple[list[list[TextLine]], list[OcrToken], list[BBox], set[int]]:
    ink = _ink_mask(page.gray)
    inset = max(2, round(page.dpi / 60))
    gray = page.gray.copy()  # the specks each cell drops are whitened here, so no crop holds one
    raw = [_ink_bands(ink, _inset(cell.bbox, inset), page.dpi, gray) for cell in grid.cells]
    line_height = _typical_height([b for bands in raw for b in bands], page.dpi)
    faint = set()
    for i, cell in enumerate(grid.cells):
        box = _inset(cell.bbox, inset)
        # the page's threshold took the faint glyphs, or some of them, for specks
        own, paper = _faint_bands(page.gray, ink, box, page.dpi)
        if _beyond(own, raw[i], line_height, page.gray, paper - _FAINT_CONTRAST):
            crop(gray, box)[:] = crop(page.gray, box)
            raw[i] = own
            faint.add(i)

    crops: list[np.ndarray] = []
    owners: list[tuple[int, BBox]] = []  # (cell index or OUTSIDE, line box on the page)
    fallback: list[int] = []
    unread_marks: set[int] = set()
    speck = _SPECK * _CHARACTER_IN * page.dpi
    for i, bands in enumerate(raw):
        inside = _inset(grid.cells[i].bbox, inset)
        # A speck kept for a stroke near it that is still a line of its own is not
        # punctuation (that sits in its text's line) but dust or a rule's corner beside it.
        bands = [
            b
            for b in _merge_fragments(bands, line_height, page.dpi)
            if max(b.width, b.height) >= speck
        ]
        if _dropped_mark(
            ink, gray, inside, (_GLYPH_MARK if bands else _SMALLEST_MARK) * line_height
        ):
            unread_marks.add(i)
        if any(b.height > 1.8 * line_height for b in bands):
            fallback.append(i)
        elif len(bands) >= 2 and all(b.width <= 1.5 * b.height for b in bands):
            crops.append(_stack_horizontally([_band_crop(gray, b, inside) for b in bands]))
            owners.append((i, union_box([(b.x0, b.y0, b.x1, b.y1) for b in bands])))
        else:
            for b, own in zip(bands, _own_rows(bands, inside), strict=True):
                crops.append(_band_crop(gray, b, own))
                owners.append((i, (b.x0, b.y0, b.x1, b.y1)))

    runs, outside = _outside_runs(page, grid, ink, line_height, engine)
    for box, run_crop in runs:
        crops.append(run_crop)
        owners.append((OUTSIDE, box))

    tokens_by_cell: list[list[OcrToken]] = [[] for _ in grid.cells]
    unread: list[BBox] = []
    for (i, box), token in zip(owners, engine.read_lines(crops), strict=True):
        if i == OUTSIDE:
            _keep_outside(token.model_copy(update={"bbox": box}), outside, unread)
        elif token.text.strip():
            token = _trim_specks(token.model_copy(update={"bbox": box}))
            tokens_by_cell[i].append(_doubted(token) if i in faint else token)
    for i in fallback:
        tokens_by_cell[i] = _detect_in(gray, _inset(grid.cells[i].bbox, inset), engine)
        # detected boxes are not the ink's: their starts say nothing of a glyph unseen
    for i, tokens in enumerate(tokens_by_cell):
        if i not in fallback:
            tokens_by_cell[i] = _doubt_lost_starts(tokens, line_height)

    lines_by_cell = [
        [TextLine((t,)) for t in tokens] if i not in fallback else group_lines(tokens)
        for i, tokens in enumerate(tokens_by_cell)
    ]
    return lines_by_cell, outside, unread, unread_marks


def _dropped_mark(ink: np.ndarray, cleaned: np.ndarray, box: BBox, height: float) -> bool:
    """Whether the dust filter took a mark at least `height` tall from the cell: in a cell
    left with no line, one as tall as a small glyph (a light digit alone in its cell, `8`, is
    seen only at its darkest strokes, as a solid blob like a toner dot); beside text, one as
    tall as a glyph (`_GLYPH_MARK`). Dust or glyph, pixels cannot tell; the reading is in
    doubt."""
    dropped = (crop(ink, box) & (crop(cleaned, box) == 255)).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(dropped, 8)
    heights = stats[1:count, cv2.CC_STAT_HEIGHT]
    return bool((heights >= height).any())


def _read_without_table(page: CleanPage, engine: OcrEngine) -> tuple[list[OcrToken], list[BBox]]:
    """A page without a table is all outside: its ink runs read like the text around a table.

    Detection over the whole page shrinks it to the detector's input size, where a page
    number's line is too small to be found. With no cells to measure, a line is taken to be a
    body line's nominal height: the rows of what is left of a table (cells of one and of two
    lines side by side) would otherwise pass for one line."""
    ink = _ink_mask(page.gray)
    runs, outside = _outside_runs(page, None, ink, _typical_height([], page.dpi), engine)
    unread: list[BBox] = []
    read = engine.read_lines([run_crop for _, run_crop in runs]) if runs else []
    for (box, _), token in zip(runs, read, strict=True):
        _keep_outside(token.model_copy(update={"bbox": box}), outside, unread)
    return outside, unread


def _outside_runs(
    page: CleanPage, grid: Grid | None, ink: np.ndarray, line_height: float, engine: OcrEngine
) -> tuple[list[tuple[BBox, np.ndarray]], list[OcrToken]]:
    """Ink runs outside the table (above, below and beside it), each with the crop to read in
    the cells' batch; runs too tall to be one line are read by detection here."""
    runs: list[tuple[BBox, np.ndarray]] = []
    detected: list[OcrToken] = []
    for strip in _outside_strips(page, grid):
        lines = []
        for band in _strip_runs(ink, strip, line_height, page.dpi):
            if band.height > _TALLEST_LINE * line_height:
                # Lines of the room around the band are read with their own band.
                found = _detect_in(page.gray, _pad(band, strip, line_height), engine)
                detected.extend(t for t in found if _centred_in(t.bbox, band))
            else:
                lines.append(band)
        for stack in _vertical_stacks(lines, line_height):
            crops = [_band_crop(page.gray, band, strip) for band in stack]
            box = union_box((b.x0, b.y0, b.x1, b.y1) for b in stack)
            runs.append((box, crops[0] if len(crops) == 1 else _stack_horizontally(crops)))
    kept: list[OcrToken] = []
    for token in detected:
        _keep_outside(token, kept, [])
    return runs, kept


def _vertical_stacks(bands: list[_Band], line_height: float) -> list[list[_Band]]:
    """Runs grouped into columns of single characters set one above the other (a note written
    vertically in the margin), each read as one line; every other run stands alone."""
    stacks: list[list[_Band]] = []
    for band in sorted(bands, key=lambda b: (b.y0, b.x0)):
        glyph = band.width <= 1.5 * band.height
        column = next(
            (
                stack
                for stack in stacks
                if glyph
                and (last := stack[-1]).width <= 1.5 * last.height
                and 0 <= band.y0 - last.y1 <= line_height
                and min(band.x1, last.x1) - max(band.x0, last.x0)
                >= 0.5 * min(band.width, last.width)
            ),
            None,
        )
        if column is None:
            stacks.append([band])
        else:
            column.append(band)
    return stacks


def _keep_outside(token: OcrToken, outside: list[OcrToken], unread: list[BBox]) -> None:
    """Keep a line read outside the table when it reads as text: two characters or more, an
    ideograph or a digit among them (what a Chinese form prints around its table, page numbers
    included), and a confident reading or two ideographs. A stroke of a photo's paper edge or
    its background reads as "一", "1", "mn" or "ayy"; such lines are kept apart as unread ink.
    So is a run of ink at least twice as tall as wide read with no ideograph: a strip along a
    rule or the paper's edge reads as `1111`, while words written down the margin are text."""
    visible = "".join(token.text.split())
    ideographs = sum("\u4e00" <= ch <= "\u9fff" for ch in visible)
    digits = sum(ch.isdigit() for ch in visible)
    confident = token.confidence >= _OUTSIDE_CONFIDENCE or ideographs >= 2
    x0, y0, x1, y1 = token.bbox
    upright = y1 - y0 >= _UPRIGHT * (x1 - x0) and not ideographs
    if len(visible) >= 2 and (ideographs or digits) and confident and not upright:
        outside.append(token)
    else:
        unread.append(token.bbox)


def _ink_mask(gray: np.ndarray) -> np.ndarray:
    """Dark pixels, by Otsu's threshold kept within sane bounds for a cleaned page."""
    otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return gray < min(max(otsu, 100.0), 200.0)


def _ink_bands(
    ink: np.ndarray, box: BBox, dpi: int, erase_in: np.ndarray | None = None
) -> list[_Band]:
    """Rows of ink inside `box`, with any rule residue along the box's edges wiped first and
    specks away from any stroke dropped (and whitened in the page image `erase_in`)."""
    x0, y0, x1, y1 = box
    if x1 - x0 < 4 or y1 - y0 < 4:
        return []
    cell = crop(ink, box).copy()
    edge = max(2, min(cell.shape) // 10)
    for rows in (cell[:edge], cell[-edge:]):
        rows[rows.mean(axis=1) > 0.5] = False
    for cols in (cell[:, :edge], cell[:, -edge:]):
        cols[:, cols.mean(axis=0) > 0.5] = False
    dropped = _drop_specks(cell, _CHARACTER_IN * dpi)
    whole = _WHOLE_ROW * _CHARACTER_IN * dpi
    bands = _row_bands(cell, whole)
    marks = _marks_beside_lines(dropped, bands)
    if marks.any():
        cell |= marks
        dropped &= ~marks
        bands = _row_bands(cell, whole)
    if erase_in is not None:
        crop(erase_in, box)[dropped] = 255
    return [_Band(b.x0 + x0, b.y0 + y0, b.x1 + x0, b.y1 + y0) for b in bands]


def _row_bands(cell: np.ndarray, whole: float) -> list[_Band]:
    """The rows of ink of a cell's mask (`_runs_of_rows`), in the mask's pixels."""
    profile = cell.sum(axis=1)
    rows = np.flatnonzero(profile >= 2)
    if rows.size == 0:
        return []
    bands = []
    for r0, r1 in _runs_of_rows(rows, whole):
        cols = np.flatnonzero(cell[r0:r1].any(axis=0))
        if profile[r0:r1].sum() >= 8:
            bands.append(_Band(int(cols[0]), int(r0), int(cols[-1]) + 1, int(r1)))
    return bands


def _marks_beside_lines(dropped: np.ndarray, bands: list[_Band]) -> np.ndarray:
    """The marks `_drop_specks` cleared that begin a wrapped line of left-aligned text: low
    on a line after the first whose glyphs start right of the left edge the text's other
    lines keep to (`_LINES_AT_EDGE` of them), before its first glyph by at most
    `_MARK_BESIDE` of its height, at that edge. A full-width `，` or `。` a layout set at a
    line's start stands at the foot of its own em square, most of a character away from the
    glyph after it, yet it is the line's first character, not dust. No text begins with such
    a mark, and centred lines (a name wrapped in a narrow cell, a title's `（2024年度）`) keep
    to no edge: a dot before any of them is dust. At a line's end such a mark follows its
    glyph closely, never dropped."""
    kept = np.zeros(dropped.shape, bool)
    tallest = max((b.height for b in bands), default=0)
    lines = [b for b in bands if b.height >= _LINE_SHARE * tallest]  # no rule's fringe
    if len(lines) < 2 or not dropped.any():
        return kept
    left = min(b.x0 for b in lines)
    at_left = [b for b in lines if b.x0 - left <= _SAME_EDGE * b.height]
    set_in = [b for b in lines[1:] if b not in at_left]  # room for a mark before them
    if len(at_left) < _LINES_AT_EDGE or not set_in:
        return kept  # no left edge the lines keep to, or no line set in from it
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dropped.view(np.uint8), 8)
    for label in range(1, count):
        x, y, w, h = (int(v) for v in stats[label, :4])
        for band in set_in:
            reach = _MARK_BESIDE * band.height
            low = y + h / 2 >= band.y0 + band.height / 2 and y + h <= band.y1 + reach / 6
            at_edge = abs(x - left) <= _MARK_AT_EDGE * band.height
            if low and at_edge and 0 <= band.x0 - (x + w) <= reach:
                kept[y : y + h, x : x + w] |= labels[y : y + h, x : x + w] == label
                break
    return kept


def _runs_of_rows(rows: np.ndarray, whole: float) -> list[tuple[int, int]]:
    """The runs of inked `rows` (sorted indices), each [start, end). Two empty rows part two
    runs; one parts them only where both are `whole` rows tall (most of a character): lines
    set with no leading at a low resolution (a browser's paragraphs at 1.0 line height) are
    parted by a single empty row, and read as one crop they come out as nonsense. A stroke
    of 三 or 二 is never that tall, so its rows stay one line."""
    breaks = np.flatnonzero(np.diff(rows) > 1)
    starts = np.concatenate(([rows[0]], rows[breaks + 1]))
    ends = np.concatenate((rows[breaks], [rows[-1]])) + 1
    runs: list[tuple[int, int]] = []
    for r0, r1 in zip(starts.tolist(), ends.tolist(), strict=True):
        if runs:
            last0, last1 = runs[-1]
            narrow = r0 - last1 <= 1
            if narrow and min(last1 - last0, r1 - r0) < whole:
                runs[-1] = (last0, r1)
                continue
        runs.append((r0, r1))
    return runs


def _faint_bands(
    gray: np.ndarray, ink: np.ndarray, box: BBox, dpi: int
) -> tuple[list[_Band], float]:
    """Rows of ink in a cell by the cell's own threshold — halfway between its paper and its
    darkest ink, or `_UNSEEN_CONTRAST` grey levels under its paper where that is lighter —
    and the cell's paper level.

    A glyph printed light, or blurred by a photo, can be lighter than the threshold that
    suits the whole page, yet dark against its own cell's paper. Halfway to the darkest ink
    misses it where something darker shares the cell: the darker start of a line whose print
    fades, or a blot of toner. What the page's threshold saw along the cell's edges (a rule's
    residue, with its blurred fringe) is left out.
    """
    x0, y0, x1, y1 = box
    if x1 - x0 < 4 or y1 - y0 < 4:
        return [], 255.0
    cell, seen = gray[y0:y1, x0:x1], np.ascontiguousarray(ink[y0:y1, x0:x1], np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(seen, 8)
    left, top, width, height = (stats[1:, k] for k in range(4))
    edge = (left == 0) | (top == 0) | (left + width >= x1 - x0) | (top + height >= y1 - y0)
    fringe = max(3, round(dpi / 30)) * 2 + 1
    rules = np.isin(labels, np.flatnonzero(edge) + 1).view(np.uint8)
    rules = cv2.dilate(rules, np.ones((fringe, fringe), np.uint8)).astype(bool)
    free = cell[~rules]
    if free.size == 0:
        return [], 255.0
    paper, darkest = float(np.percentile(free, 90)), float(free.min())
    if paper - darkest < _FAINT_CONTRAST:
        return [], paper
    threshold = max((paper + darkest) / 2, paper - _UNSEEN_CONTRAST)
    local = np.zeros(ink.shape, bool)
    local[y0:y1, x0:x1] = (cell < threshold) & ~rules
    return _ink_bands(local, box, dpi), paper


def _beyond(
    own: list[_Band], seen: list[_Band], line_height: float, gray: np.ndarray, dark: float
) -> bool:
    """Whether the cell's own threshold finds characters the page's did not see: any ink in
    a cell where the page's saw none; else a line beside none the page's threshold saw, or a
    stretch of one past both ends of what it saw on those rows (`282.56` read `282`), either
    at least `_UNSEEN_WIDTH` long and holding ink as `dark` as a faint glyph's (the shading
    of a photo's paper is lighter), or within `_SAME_PRINT` of the darkest ink the page's
    threshold saw in the cell: a value printed light as a whole (`≤5%` on a heavy page, its
    digits 70 levels under the paper, its sign 59) has its lightest glyph unseen; a band
    lower than a mark is a rule's fringe."""
    if not seen:
        return bool(own)
    seen_dark = min(float(gray[b.y0 : b.y1, b.x0 : b.x1].min()) for b in seen)
    dark = max(dark, seen_dark + _SAME_PRINT)
    for band in own:
        if band.height < _SMALLEST_MARK * line_height:
            continue  # a rule's faint fringe along the cell's edge, not a line of text
        beside = [b for b in seen if b.y0 < band.y1 and band.y0 < b.y1]
        if not beside:
            stretches = [(band.x0, band.x1)]
        else:
            start, end = min(b.x0 for b in beside), max(b.x1 for b in beside)
            stretches = [(band.x0, min(start, band.x1)), (max(end, band.x0), band.x1)]
        stretches = [(a, b) for a, b in stretches if b > a]
        wide = sum(b - a for a, b in stretches) >= _UNSEEN_WIDTH * line_height
        if wide and any(gray[band.y0 : band.y1, a:b].min() <= dark for a, b in stretches):
            return True
    return False


def _doubt_lost_starts(tokens: list[OcrToken], line_height: float) -> list[OcrToken]:
    """Lines of one cell, top to bottom, with the first character doubted where a line that
    wraps starts one glyph to the right of the line under it.

    A wrapped line is the fuller one: left-aligned, centred or right-aligned, it starts at or
    left of the shorter line it wraps onto. Starting a glyph's width right of it, it lost its
    first glyph to the page's threshold (a faint `不` of `不动产登记社会影响`), and the line was
    cut and read without it. A first line indented two glyphs (a paragraph's) is left alone."""
    doubted = list(tokens)
    for k, (line, below) in enumerate(pairwise(tokens)):
        (x0, _, x1, y1), (bx0, by0, bx1, _) = line.bbox, below.bbox
        shift = x0 - bx0
        wraps = by0 >= y1 - line_height / 2 and x1 - x0 > bx1 - bx0
        if wraps and _LOST_GLYPH[0] * line_height < shift < _LOST_GLYPH[1] * line_height:
            confs = list(line.char_confidences)
            if confs:
                confs[0] = min(confs[0], _FAINT_CONFIDENCE)
                doubted[k] = line.model_copy(
                    update={
                        "char_confidences": tuple(confs),
                        "confidence": min(line.confidence, confs[0]),
                    }
                )
    return doubted


def _doubted(token: OcrToken) -> OcrToken:
    """`token` read from ink the page's threshold did not see: never trusted."""
    confidences = tuple(min(c, _FAINT_CONFIDENCE) for c in token.char_confidences)
    confidence = min(token.confidence, _FAINT_CONFIDENCE)
    return token.model_copy(update={"confidence": confidence, "char_confidences": confidences})


def _trim_specks(token: OcrToken) -> OcrToken:
    """Drop doubtful speck readings from both ends of a line (`trim_ends`): a speck touching
    the text survives `_drop_specks` and is read as a stray mark. A character is judged by its
    own confidence: the doubt a dropped speck leaves on its neighbour says nothing of the
    neighbour's ink (`·6个` is `6个`, not `个`). A glyph of its own read so (a ≧ read `M`) was
    doubted by the recogniser (`strays.doubt_glyphs_read_as_specks`), so its doubt flags."""
    own = token.char_confidences
    return trim_ends(token, lambda end: is_speck_reading(end.char, own[end.index], end.rest))


def _drop_specks(cell: np.ndarray, character: float) -> np.ndarray:
    """Clear, in place, dust: marks too small to be a stroke, and solid blobs, that lie off
    every stroke's line; return the cleared pixels.

    A scan's dust and toner dots would otherwise become bands of their own, or widen a line's
    crop, and be read as "。", "•", "6" or "$". Punctuation is as small, but sits on its line
    right beside its text, and is thin or tiny.
    """
    cleared = np.zeros(cell.shape, bool)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(cell.view(np.uint8), 8)
    if count <= 1:
        return cleared
    width, height = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    size = np.maximum(width, height)
    fill = stats[1:, cv2.CC_STAT_AREA] / (width * height)
    blob = (
        (size >= _DOT * character)
        & (size < _BLOB * character)
        & (fill >= _BLOB_FILL)
        & (np.minimum(width, height) * 2 >= size)
    )
    small = size < _SPECK * character
    strokes = np.isin(labels, np.flatnonzero(~small & ~blob) + 1).view(np.uint8)
    along = max(3, round(_SPECK_REACH * character)) * 2 + 1
    across = max(1, round(_SPECK_RISE * character)) * 2 + 1
    near = cv2.dilate(strokes, np.ones((across, along), np.uint8)).astype(bool)
    for label in np.flatnonzero(small | blob) + 1:
        x, y, w, h = stats[label, :4]
        piece = labels[y : y + h, x : x + w] == label
        if not near[y : y + h, x : x + w][piece].any():
            cleared[y : y + h, x : x + w] |= piece
    cell[cleared] = False
    return cleared


def _typical_height(bands: list[_Band], dpi: int) -> float:
    """The page's text line height: median of the bands that are not stroke fragments."""
    floor = dpi * 0.05
    heights = [b.height for b in bands if b.height >= floor]
    return float(np.median(heights)) if heights else dpi * 0.15


def _merge_fragments(bands: list[_Band], line_height: float, dpi: int) -> list[_Band]:
    """Rejoin rows of one line that the profile cut apart (the strokes of 三, 二, 一…). Two
    rows each as tall as most of a character are two lines set close, never fragments: on a
    page whose touching paragraph lines make the typical band two lines tall, they would
    otherwise be read as one crop and the second line lost (`经费` under `办公设备购置`)."""
    whole = _WHOLE_ROW * _CHARACTER_IN * dpi
    merged: list[_Band] = []
    for band in bands:
        if merged:
            last = merged[-1]
            gap = band.y0 - last.y1
            lines = min(last.height, band.height) >= whole
            if not lines and gap <= 0.5 * line_height and band.y1 - last.y0 <= 1.3 * line_height:
                merged[-1] = _Band(min(last.x0, band.x0), last.y0, max(last.x1, band.x1), band.y1)
                continue
        merged.append(band)
    return merged


def _own_rows(bands: list[_Band], inside: BBox) -> list[BBox]:
    """For each band of a cell (top to bottom), the part of the cell its crop may take page
    pixels from: up to the lines above and below it. A line's margin taken from the page
    would hold the top of the next line's glyphs, a stroke under a `≥` that is then counted
    as the second bar of a `≧`."""
    if not bands:
        return []
    x0, y0, x1, y1 = inside
    tops = [y0, *(b.y1 for b in bands[:-1])]
    bottoms = [*(b.y0 for b in bands[1:]), y1]
    return [(x0, top, x1, bottom) for top, bottom in zip(tops, bottoms, strict=True)]


def _band_crop(gray: np.ndarray, band: _Band, inside: BBox) -> np.ndarray:
    """The band with a margin like the detector's boxes, which the recogniser expects.

    The margin is the page's own pixels as far as the cell allows (a comma at the start of a
    line may be too faint to count as ink), and white beyond that.
    """
    pad_x, pad_y = max(3, round(band.height * 0.5)), max(3, round(band.height * 0.4))
    want = (band.x0 - pad_x, band.y0 - pad_y, band.x1 + pad_x, band.y1 + pad_y)
    got = _clip(want, inside)
    return cv2.copyMakeBorder(
        crop(gray, got),
        got[1] - want[1],
        want[3] - got[3],
        got[0] - want[0],
        want[2] - got[2],
        cv2.BORDER_CONSTANT,
        value=255,
    )


def _stack_horizontally(chars: list[np.ndarray]) -> np.ndarray:
    """Vertical text set out as one horizontal line, so it is read in one pass with context."""
    height = max(c.shape[0] for c in chars)
    row = [
        cv2.copyMakeBorder(c, 0, height - c.shape[0], 0, 0, cv2.BORDER_CONSTANT, value=255)
        for c in chars
    ]
    return np.hstack(row)


def _outside_strips(page: CleanPage, grid: Grid | None) -> list[BBox]:
    """The page above the table (title), below it (notes, page number) and beside it (notes
    written in the margin); the whole page when it has no table."""
    height, width = page.gray.shape[:2]
    if grid is None:
        return [(0, 0, width, height)]
    gx0, gy0, gx1, gy1 = grid.bbox
    margin = max(2, round(page.dpi / 40))
    top, bottom = gy0 - margin, gy1 + margin
    strips = [
        (0, 0, width, top),
        (0, bottom, width, height),
        (0, top, gx0 - margin, bottom),
        (gx1 + margin, top, width, bottom),
    ]
    return [s for s in strips if s[3] - s[1] >= 8 and s[2] - s[0] >= 8]


def _strip_runs(ink: np.ndarray, strip: BBox, line_height: float, dpi: int) -> list[_Band]:
    """Text runs in a strip: rows of ink cut where a gap is wider than two characters.

    Ink runs far longer than any character (a rule, the paper's edge or its shadow on a
    photo) are removed first, so they neither merge rows nor get read as text.
    """
    region = crop(ink, strip).astype(np.uint8)
    longest = max(round(_LONGEST_STROKE * line_height), 3)
    edges = cv2.morphologyEx(region, cv2.MORPH_OPEN, np.ones((1, longest), np.uint8))
    edges |= cv2.morphologyEx(region, cv2.MORPH_OPEN, np.ones((longest, 1), np.uint8))
    text = np.zeros_like(ink)
    text[strip[1] : strip[3], strip[0] : strip[2]] = region > edges
    runs = []
    for band in _merge_fragments(_ink_bands(text, strip, dpi), line_height, dpi):
        if band.height < _SMALLEST_MARK * line_height:
            continue  # specks and the dots of a scan, not a line of text
        cols = np.flatnonzero(text[band.y0 : band.y1, band.x0 : band.x1].any(axis=0))
        gaps = np.flatnonzero(np.diff(cols) > 2 * band.height)
        starts = np.concatenate(([cols[0]], cols[gaps + 1])) + band.x0
        ends = np.concatenate((cols[gaps], [cols[-1]])) + band.x0 + 1
        runs.extend(
            _Band(int(x0), band.y0, int(x1), band.y1)
            for x0, x1 in zip(starts, ends, strict=True)
            if x1 - x0 >= _SMALLEST_MARK * line_height
        )
    return runs


def _pad(band: _Band, inside: BBox, line_height: float) -> BBox:
    """The band with a line's height of room around it, for the detector."""
    by = max(3, round(line_height))
    return _clip((band.x0 - by, band.y0 - by, band.x1 + by, band.y1 + by), inside)


def _detect_in(gray: np.ndarray, box: BBox, engine: OcrEngine) -> list[OcrToken]:
    """Detection and recognition inside `box`; boxes come back in page pixels."""
    x0, y0 = box[0], box[1]
    return [
        t.model_copy(
            update={"bbox": (t.bbox[0] + x0, t.bbox[1] + y0, t.bbox[2] + x0, t.bbox[3] + y0)}
        )
        for t in engine.detect_and_read(crop(gray, box))
    ]


# --- full_page ----------------------------------------------------------------------------


def _read_full_page(
    page: CleanPage, grid: Grid, engine: OcrEngine
) -> tuple[list[list[TextLine]], list[OcrToken]]:
    inset = max(2, round(page.dpi / 60))
    tokens_by_cell: list[list[OcrToken]] = [[] for _ in grid.cells]
    outside: list[OcrToken] = []
    pieces: list[tuple[int, BBox]] = []
    for token in engine.detect_and_read(page.gray):
        shares = [_overlap(token.bbox, cell.bbox) for cell in grid.cells]
        if sum(shares) < 0.5:
            outside.append(token)
            continue
        held = [i for i, cell in enumerate(grid.cells) if _holds_a_character(cell.bbox, token)]
        if len(held) <= 1:
            tokens_by_cell[int(np.argmax(shares))].append(token)
        else:
            pieces.extend((i, _clip(token.bbox, _inset(grid.cells[i].bbox, inset))) for i in held)
    reread = engine.read_lines([crop(page.gray, box) for _, box in pieces])
    for (i, box), token in zip(pieces, reread, strict=True):
        if token.text.strip():
            tokens_by_cell[i].append(token.model_copy(update={"bbox": box}))
    return [group_lines(tokens) for tokens in tokens_by_cell], outside


# --- geometry -----------------------------------------------------------------------------


def _reading_order(tokens: list[OcrToken]) -> list[OcrToken]:
    return [t for line in group_lines(tokens) for t in line.tokens]


def _centred_in(box: BBox, band: _Band) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return band.x0 <= x <= band.x1 and band.y0 <= y <= band.y1


def _inset(box: BBox, by: int) -> BBox:
    return (box[0] + by, box[1] + by, box[2] - by, box[3] - by)


def _clip(box: BBox, to: BBox) -> BBox:
    return (max(box[0], to[0]), max(box[1], to[1]), min(box[2], to[2]), min(box[3], to[3]))


def _holds_a_character(cell: BBox, token: OcrToken) -> bool:
    """Whether the cell holds a third of a character of the token or more (a character is
    about as wide as its line is high). Cutting off a mere margin costs only a re-read."""
    x0, y0, x1, y1 = _clip(token.bbox, cell)
    size = token.bbox[3] - token.bbox[1]
    return x1 - x0 >= size / 3 and y1 - y0 >= size / 3


def _overlap(token: BBox, cell: BBox) -> float:
    """Share of the token's area inside the cell."""
    x0, y0, x1, y1 = _clip(token, cell)
    area = max(token[2] - token[0], 1) * max(token[3] - token[1], 1)
    return max(x1 - x0, 0) * max(y1 - y0, 0) / area


def _seal_overlap(page: CleanPage, box: BBox) -> float:
    if page.seal_mask is None:
        return 0.0
    region = crop(page.seal_mask, box)
    return float(region.mean()) if region.size else 0.0


def _seal_boxes(page: CleanPage) -> tuple[BBox, ...]:
    """Boxes of the seal blobs, from a coarse copy of the mask (a seal is centimetres wide)."""
    if page.seal_mask is None or not page.seal_mask.any():
        return ()
    step = 8
    coarse = cv2.dilate(page.seal_mask[::step, ::step].astype(np.uint8), np.ones((3, 3)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(coarse)
    min_side = page.dpi * 0.2 / step
    return tuple(
        (int(x * step), int(y * step), int((x + w) * step), int((y + h) * step))
        for x, y, w, h, _ in stats[1:count]
        if w >= min_side and h >= min_side
    )
