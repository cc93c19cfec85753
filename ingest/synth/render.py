"""Drawing a laid-out page with PIL: ruling lines centred on the grid edges, wrapped text."""

import numpy as np
from PIL import Image, ImageDraw

from ingest.synth.fonts import load_font
from ingest.synth.layout import PageLayout, PlacedCell
from ingest.synth.style import DocStyle


def _rule(
    draw: ImageDraw.ImageDraw, a: tuple[int, int], b: tuple[int, int], width: int, ink: int
) -> None:
    """A horizontal or vertical rule of `width` pixels centred on the segment a-b."""
    lo, hi = width // 2, width - width // 2 - 1
    (x0, y0), (x1, y1) = a, b
    if y0 == y1:
        draw.rectangle((x0 - lo, y0 - lo, x1 + hi, y0 + hi), fill=ink)
    else:
        draw.rectangle((x0 - lo, y0 - lo, x0 + hi, y1 + hi), fill=ink)


def _cell_text(draw: ImageDraw.ImageDraw, cell: PlacedCell, style: DocStyle) -> None:
    if not cell.lines:
        return
    font = load_font(style.font, style.body_px)
    x0, y0, x1, y1 = cell.bbox
    block_h = len(cell.lines) * style.line_h
    top = y0 + style.pad_y if cell.valign == "top" else y0 + (y1 - y0 - block_h) / 2
    align = "center" if cell.vertical else cell.align
    x, anchor = {
        "left": (x0 + style.pad_x, "lm"),
        "center": ((x0 + x1) / 2, "mm"),
        "right": (x1 - style.pad_x, "rm"),
    }[align]
    for i, line in enumerate(cell.lines):
        text = line.rstrip()
        if text:
            draw.text(
                (x, top + (i + 0.5) * style.line_h), text, font=font, fill=style.ink, anchor=anchor
            )


def render_page(page: PageLayout, style: DocStyle) -> np.ndarray:
    """The page as a clean grayscale image (H x W, uint8), exactly at the style's DPI."""
    image = Image.new("L", (style.page_w, style.page_h), 255)
    draw = ImageDraw.Draw(image)
    tx0, ty0, tx1, ty1 = page.table_bbox
    for cell in page.cells:
        x0, y0, x1, y1 = cell.bbox
        for a, b, outer in (
            ((x0, y0), (x1, y0), y0 == ty0),
            ((x0, y1), (x1, y1), y1 == ty1),
            ((x0, y0), (x0, y1), x0 == tx0),
            ((x1, y0), (x1, y1), x1 == tx1),
        ):
            _rule(draw, a, b, style.outer_rule_px if outer else style.rule_px, style.ink)
        _cell_text(draw, cell, style)
    for text in page.texts:
        draw.text(
            text.xy,
            text.text,
            font=load_font(text.font, text.px),
            fill=style.ink,
            anchor=text.anchor,
        )
    return np.asarray(image)
