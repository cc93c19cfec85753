"""Ruled tables drawn with CJK fonts, with the grid and the expected cell texts known.

Lets the OCR tests and the strategy measurement run on pages whose every cell text is known,
without depending on the page-cleaning and grid stages.
"""

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ingest.artifacts import CleanPage, Grid, GridCell

SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


@dataclass(frozen=True)
class CellSpec:
    row: int
    col: int
    text: str  # "\n" = hard break; long text wraps at the cell's width
    row_span: int = 1
    col_span: int = 1
    vertical: bool = False  # one character per line, centred


@dataclass(frozen=True)
class RenderedPage:
    page: CleanPage
    grid: Grid
    expected: dict[tuple[int, int], str]  # (row, col) -> text as it should be read
    title: str


def render_table(
    row_edges: list[int],
    col_edges: list[int],
    cells: list[CellSpec],
    *,
    size: tuple[int, int] = (1654, 2339),
    font_px: int = 29,
    title: str = "",
    font_path: str = SERIF,
    rule: int = 3,
    dpi: int = 200,
    line_step: float = 1.45,
) -> RenderedPage:
    """Draw rules, text and an optional title; return the page, its grid and expected texts.
    Lines of a cell are `line_step` font sizes apart (1.0: set with no leading)."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(font_path, font_px)
    if title:
        title_font = ImageFont.truetype(SANS, round(font_px * 1.4))
        width = draw.textlength(title, font=title_font)
        draw.text(((size[0] - width) / 2, row_edges[0] - font_px * 3), title, 0, title_font)
    grid_cells = []
    for spec in cells:
        box = (
            col_edges[spec.col],
            row_edges[spec.row],
            col_edges[spec.col + spec.col_span],
            row_edges[spec.row + spec.row_span],
        )
        draw.rectangle(box, outline=0, width=rule)
        _draw_cell_text(draw, box, spec, font, font_px, line_step)
        grid_cells.append(
            GridCell(
                row=spec.row,
                col=spec.col,
                row_span=spec.row_span,
                col_span=spec.col_span,
                bbox=box,
                confidence=1.0,
            )
        )
    gray = np.asarray(image, dtype=np.uint8).copy()
    page = CleanPage(index=0, image=np.dstack([gray] * 3), gray=gray, dpi=dpi)
    grid = Grid(
        page=0, row_edges=tuple(row_edges), col_edges=tuple(col_edges), cells=tuple(grid_cells)
    )
    expected = {(c.row, c.col): c.text for c in cells}
    return RenderedPage(page=page, grid=grid, expected=expected, title=title)


def wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy character wrap inside `width`; hard breaks start a new line."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for ch in paragraph:
            if line and font.getlength(line + ch) > width:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    return lines


def _draw_cell_text(
    draw: ImageDraw.ImageDraw, box, spec: CellSpec, font, font_px: int, line_step: float
) -> None:
    x0, y0, x1, y1 = box
    pad = round(font_px * 0.5)
    step = round(font_px * line_step)
    if spec.vertical:
        chars = list(spec.text)
        top = (y0 + y1) / 2 - len(chars) * step / 2
        for k, ch in enumerate(chars):
            w = font.getlength(ch)
            draw.text(((x0 + x1 - w) / 2, top + k * step), ch, 0, font)
        return
    lines = wrap(spec.text, font, x1 - x0 - 2 * pad)
    top = (y0 + y1) / 2 - len(lines) * step / 2
    for k, line in enumerate(lines):
        draw.text((x0 + pad, top + k * step + font_px * 0.1), line, 0, font)


def degrade(page: RenderedPage, seed: int = 0) -> RenderedPage:
    """A scan-like copy: blur, sensor noise and a faint grey background."""
    rng = np.random.default_rng(seed)
    gray = page.page.gray.astype(np.float32)
    import cv2

    gray = cv2.GaussianBlur(gray, (3, 3), 0.8) * 0.9 + 20
    gray += rng.normal(0, 12, gray.shape)
    gray = np.clip(gray, 0, 255).astype(np.uint8)
    clean = CleanPage(index=0, image=np.dstack([gray] * 3), gray=gray, dpi=page.page.dpi)
    return RenderedPage(page=clean, grid=page.grid, expected=page.expected, title=page.title)


LINE_PX = 29  # glyph size of `draw_line`


@dataclass
class DrawnLine:
    """One line of text on white, drawable for marks around it."""

    image: Image.Image
    draw: ImageDraw.ImageDraw
    left: float  # where the first character starts
    right: float  # where the last one ends
    middle: int  # the y of the line's middle
    xs: list[float]  # the column the recogniser reports for each character

    def pixels(self) -> np.ndarray:
        return np.asarray(self.image).copy()


def draw_line(text: str, reported_at: float = 0.5) -> DrawnLine:
    """`text` in the serif face with two characters' margin on each side; each character's
    column is taken `reported_at` of the way across it, as the recogniser reports it."""
    font = ImageFont.truetype(SERIF, LINE_PX)
    left = 2 * LINE_PX
    width = round(font.getlength(text)) + 4 * LINE_PX
    image = Image.new("L", (width, 2 * LINE_PX), 255)
    draw = ImageDraw.Draw(image)
    draw.text((left, LINE_PX // 3), text, 0, font)
    xs, x = [], float(left)
    for ch in text:
        step = font.getlength(ch)
        xs.append(x + reported_at * step)
        x += step
    return DrawnLine(image, draw, left, x, LINE_PX // 3 + LINE_PX // 2, xs)
