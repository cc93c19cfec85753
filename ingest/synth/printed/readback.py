"""What a printed PDF holds, in pixels of its pages rasterised at a DPI: the gray page, the
ruling lines the engine drew, and the characters of its text layer.

Rules are the page's thin path objects (Chromium fills thin rectangles, LibreOffice strokes
lines), taken at their drawn bounds. Both rules and characters count only where the rasterised
page shows them: engines also draw what the page or a cell then clips away (the next row's
rules below the page's end, text beyond a cell's edge).
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from pdf2image import convert_from_path

BBox = tuple[int, int, int, int]

_RULE_MAX_PT = 3.0  # a path thinner than this along one side and longer along the other
_INK = 160  # a character is printed when some pixel in its box is darker than this


@dataclass(frozen=True)
class Rule:
    horizontal: bool
    at: float  # y of a horizontal rule, x of a vertical one (pixels, the rule's centre)
    lo: float  # where it starts and ends along its length
    hi: float
    width: float  # thickness in pixels


@dataclass(frozen=True)
class Char:
    text: str
    bbox: BBox
    printed: bool


@dataclass(frozen=True)
class PrintedPage:
    index: int  # 0-based
    image: np.ndarray  # H x W uint8 gray
    dpi: int
    rules: tuple[Rule, ...]
    chars: tuple[Char, ...]  # in text-layer order, whitespace left out


def rule_shows(image: np.ndarray, rule: Rule) -> bool:
    """Most of the rule's length is dark on the page."""
    half = max(1.0, rule.width / 2)
    across = slice(max(0, int(rule.at - half)), max(1, int(np.ceil(rule.at + half))))
    along = slice(max(0, int(rule.lo)), max(1, int(np.ceil(rule.hi))))
    patch = image[across, along] if rule.horizontal else image[along, across]
    if patch.size == 0:
        return False
    darkest = patch.min(axis=0 if rule.horizontal else 1)
    return float(np.sum(darkest < _INK)) >= 0.5 * (rule.hi - rule.lo)


def _rules(page: pdfium.PdfPage, image: np.ndarray, scale: float, height_pt: float) -> list[Rule]:
    rules = []
    for obj in page.get_objects(max_depth=8):
        if obj.type != pdfium_raw.FPDF_PAGEOBJ_PATH:
            continue
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if min(w, h) > _RULE_MAX_PT or max(w, h) <= _RULE_MAX_PT:
            continue
        x0, x1 = left * scale, right * scale
        y0, y1 = (height_pt - top) * scale, (height_pt - bottom) * scale
        if w > h:
            rule = Rule(True, (y0 + y1) / 2, x0, x1, y1 - y0)
        else:
            rule = Rule(False, (x0 + x1) / 2, y0, y1, x1 - x0)
        if rule_shows(image, rule):
            rules.append(rule)
    return rules


def _chars(page: pdfium.PdfPage, image: np.ndarray, scale: float, height_pt: float) -> list[Char]:
    text_page = page.get_textpage()
    chars = []
    for i in range(text_page.count_chars()):
        text = text_page.get_text_range(i, 1)
        if not text or text.isspace():
            continue
        left, bottom, right, top = text_page.get_charbox(i)
        box = (
            int(np.floor(left * scale)),
            int(np.floor((height_pt - top) * scale)),
            int(np.ceil(right * scale)),
            int(np.ceil((height_pt - bottom) * scale)),
        )
        x0, y0 = max(box[0], 0), max(box[1], 0)
        patch = image[y0 : box[3], x0 : box[2]]
        printed = patch.size > 0 and int(patch.min()) < _INK
        chars.append(Char(text, box, printed))
    return chars


def read_printed(pdf: Path, dpi: int) -> list[PrintedPage]:
    """Every page of `pdf`: the raster at `dpi`, its rules and its characters in pixels."""
    images = [
        np.asarray(im.convert("L")) for im in convert_from_path(str(pdf), dpi=dpi, grayscale=True)
    ]
    document = pdfium.PdfDocument(str(pdf))
    pages = []
    try:
        for index, image in enumerate(images):
            page = document[index]
            width_pt, height_pt = page.get_size()
            scale = image.shape[1] / width_pt
            pages.append(
                PrintedPage(
                    index=index,
                    image=image,
                    dpi=dpi,
                    rules=tuple(_rules(page, image, scale, height_pt)),
                    chars=tuple(_chars(page, image, scale, height_pt)),
                )
            )
    finally:
        document.close()
    return pages
