"""The typed artifacts that flow between pipeline stages.

Each stage takes artifacts and returns new immutable ones, so any stage can be saved,
inspected and re-run on its own. Image-bearing artifacts are dataclasses holding numpy arrays;
everything without pixels is a frozen pydantic model, so it serialises to JSON (the workers
store per-page results this way between tasks).

Coordinates: every box is `(x0, y0, x1, y1)` in pixels of the *cleaned* page image
(`CleanPage.image`), which is also the image the review page shows. Pages are 0-based here;
the export contract's `page` is 1-based.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from models.contract import AnyFormDocument, PageReader

BBox = tuple[int, int, int, int]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


@dataclass(frozen=True)
class SourceDocument:
    """An accepted upload: its bytes live on disk, never in memory as a whole."""

    path: str
    filename: str
    sha256: str
    size: int
    media_type: str  # application/pdf, image/png, image/jpeg, image/tiff, or XLSX / DOCX
    pages: int  # an XLSX/DOCX counts 1 until printed (`ingest.digital.pages`)


@dataclass(frozen=True)
class PageImage:
    """One rasterised page, before any cleaning."""

    index: int
    image: np.ndarray  # H x W x 3, BGR, uint8
    dpi: int


@dataclass(frozen=True)
class CleanPage:
    """A page after deskew, perspective correction, illumination and seal suppression."""

    index: int
    image: np.ndarray  # H x W x 3, BGR, uint8: upright, flattened; shown to reviewers
    gray: np.ndarray  # H x W, uint8: black ink with the seal's red removed; read by grid and OCR
    dpi: int
    rotation_deg: float = 0.0
    perspective_corrected: bool = False
    seal_mask: np.ndarray | None = None  # H x W bool: pixels covered by a red seal
    notes: tuple[str, ...] = field(default_factory=tuple)


class GridCell(_Frozen):
    """A cell of the ruled table on one page; spans count grid rows/columns it covers."""

    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    bbox: BBox
    confidence: float = Field(ge=0.0, le=1.0)  # how sure the grid is of this cell's borders


class Grid(_Frozen):
    """The ruled table found on one page."""

    page: int
    row_edges: tuple[int, ...]  # y of each horizontal rule, top to bottom
    col_edges: tuple[int, ...]  # x of each vertical rule, left to right
    cells: tuple[GridCell, ...]

    @property
    def bbox(self) -> BBox:
        return (self.col_edges[0], self.row_edges[0], self.col_edges[-1], self.row_edges[-1])

    @property
    def n_rows(self) -> int:
        return max(len(self.row_edges) - 1, 0)

    @property
    def n_cols(self) -> int:
        return max(len(self.col_edges) - 1, 0)


class SignEvidence(_Frozen):
    """How the glyph of one ≥/≧/≤/≦ was judged on its page (`ingest.ocr.signs`), kept so that
    the sign glyphs of the whole document can settle a sign its own page could not: a page may
    hold no sure ≥ to measure it against where another page of the same print does."""

    bars: Literal[1, 2] | None = None  # the bars counted under the angle, where counted
    sure: bool = False  # the count vouched for, by the glyph itself or by its page
    aspect: float | None = None  # width over height
    # The slope of its lowest edge towards the tip of the angle (None: no straight edge).
    lowest_rise: float | None = None
    joined: bool = False  # narrowed from a run of ink holding its neighbour too
    two_bars_twice: bool = False  # two bars by its strokes and by its ink alike
    # In doubt on its page and left to its document: its confidence is not lowered yet.
    pending: bool = False


class OcrToken(_Frozen):
    """One recognised text line (or word) with confidence in [0, 1]."""

    text: str
    bbox: BBox
    confidence: float = Field(ge=0.0, le=1.0)
    char_confidences: tuple[float, ...] = ()
    # One per ≥/≧/≤/≦ (or > or <) in `text`, in order, where the recogniser judged its glyph.
    signs: tuple[SignEvidence, ...] = ()

    def doubted(self, at: Iterable[int], cap: float) -> "OcrToken":
        """The token with its characters `at` read at `cap` at most and its confidence their
        mean again; itself where none was read higher."""
        confs = list(self.char_confidences)
        for i in at:
            confs[i] = min(confs[i], cap)
        if confs == list(self.char_confidences):
            return self
        mean = float(np.mean(confs))
        return self.model_copy(update={"char_confidences": tuple(confs), "confidence": mean})


def union_box(boxes: Iterable[BBox]) -> BBox:
    """The smallest box holding all of `boxes` (at least one)."""
    boxes = list(boxes)
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


# The reading of a cell left empty beside a mark the dust filter took: at the reading doubt.
UNREAD_MARK_CONFIDENCE = 0.5


def weakest_confidence(tokens: Iterable[OcrToken]) -> float:
    """Weakest character decides: one unreadable digit makes the whole amount doubtful."""
    confs = [c for t in tokens for c in (t.char_confidences or (t.confidence,))]
    return min(confs) if confs else 1.0


class CellText(_Frozen):
    """A grid cell with the text read inside it."""

    page: int
    cell: GridCell
    text: str  # lines in reading order; a hard line break (short line) kept as "\n"
    tokens: tuple[OcrToken, ...] = ()
    seal_overlap: float = Field(default=0.0, ge=0.0, le=1.0)  # share of the cell under a seal
    # A line stops short and the next is not a numbered item: entries set one above the
    # other, as when a faded rule between two rows was not seen, rather than one wrapped text.
    stacked_lines: bool = False
    # A mark as tall as a small glyph was taken for dust where no line was read, or one as
    # tall as a glyph beside the lines read (`ingest.ocr.assign`): the reading is an
    # even-odds one.
    unread_mark: bool = False

    @property
    def confidence(self) -> float:
        return min(
            weakest_confidence(self.tokens), UNREAD_MARK_CONFIDENCE if self.unread_mark else 1.0
        )


class PageTable(_Frozen):
    """Everything read from one page: its grid, cell texts, and text outside the table."""

    page: int
    width: int
    height: int
    grid: Grid | None
    cells: tuple[CellText, ...] = ()
    outside: tuple[OcrToken, ...] = ()  # title, notes and page number around the table
    unread: tuple[BBox, ...] = ()  # ink runs around the table that read as no text
    seal_boxes: tuple[BBox, ...] = ()
    errors: tuple[str, ...] = ()
    reader: PageReader = PageReader.OCR
    # Why a page that carries a text layer was OCR'd instead (`ingest.digital.sniff`).
    reader_reason: str | None = None


class CellPiece(_Frozen):
    """Where part of a logical cell sits on a page."""

    page: int
    bbox: BBox


class LogicalCell(_Frozen):
    """A cell of the whole document's table after pages are stitched together."""

    row: int
    col: int
    row_span: int
    col_span: int
    text: str
    confidence: float = Field(ge=0.0, le=1.0)  # OCR confidence (weakest character)
    # The recogniser's mean confidence over the characters of its weakest line
    weakest_line: float = Field(default=1.0, ge=0.0, le=1.0)
    structure_confidence: float = Field(ge=0.0, le=1.0)
    seal_overlap: float = Field(default=0.0, ge=0.0, le=1.0)
    pieces: tuple[CellPiece, ...]
    joined_across_pages: bool = False
    # Its text is printed on both sides of a page break, not on one part beside empty ones.
    text_cut_by_page_break: bool = False
    stacked_lines: bool = False  # see CellText.stacked_lines
    # Its text was read from pixels (OCR), not from the file's own text (a text layer, an
    # XLSX or DOCX cell): only such text can hold a speck of dust read as a mark.
    from_pixels: bool = True


class Table(_Frozen):
    """One logical table: repeated headers dropped, cells cut by page breaks re-joined."""

    n_rows: int
    n_cols: int
    cells: tuple[LogicalCell, ...]
    outside: tuple[OcrToken, ...] = ()  # text outside the ruled area, page order
    outside_pages: tuple[int, ...] = ()  # page of each `outside` token

    def rows(self) -> list[list[LogicalCell]]:
        """Cells grouped by the logical row they start on, left to right."""
        grouped: list[list[LogicalCell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            grouped[cell.row].append(cell)
        return [sorted(r, key=lambda c: c.col) for r in grouped]


class FieldEvidence(_Frozen):
    """What the reading stages know about one field, for the confidence model to weigh."""

    path: str
    ocr_confidence: float = Field(ge=0.0, le=1.0)
    weakest_line: float = Field(default=1.0, ge=0.0, le=1.0)  # see LogicalCell
    structure_confidence: float = Field(ge=0.0, le=1.0)
    label_score: float = Field(default=1.0, ge=0.0, le=1.0)  # how well its label matched
    seal_overlap: float = Field(default=0.0, ge=0.0, le=1.0)
    joined_across_pages: bool = False
    text_cut_by_page_break: bool = False  # see LogicalCell
    missing: bool = False  # the template expects it and no cell held it
    unprinted: bool = False  # of an optional section the form did not print: nothing read
    # its section's columns look shifted (`ingest.completeness`), its item's rows hold a
    # cell no field took (`ingest.accounting`), or its value is what mapping made of a text
    # that did not read as one (`ingest.mapping`)
    structure_in_doubt: bool = False


class MappingTrace(_Frozen):
    """What mapping made of the stitched table, so that nothing it left out goes unnoticed.

    Cells are named by their logical (row, col); rows are logical rows of the `Table`."""

    value_cells: frozenset[tuple[int, int]] = frozenset()  # read into a field
    label_cells: frozenset[tuple[int, int]] = frozenset()  # a template label or header
    title_lines: tuple[tuple[int, BBox], ...] = ()  # (page, box) of the line read as title
    section_rows: dict[str, tuple[int, ...]] = Field(default_factory=dict)  # section -> rows
    item_rows: dict[str, tuple[tuple[int, ...], ...]] = Field(default_factory=dict)
    # list name -> column key -> the logical columns its header named (one per half of a
    # table printing two items side by side)
    item_columns: dict[str, dict[str, tuple[int, ...]]] = Field(default_factory=dict)


class MappedDocument(_Frozen):
    """The template-shaped document plus per-field evidence, before checks and flags."""

    document: AnyFormDocument
    evidence: dict[str, FieldEvidence]
    trace: MappingTrace = MappingTrace()
