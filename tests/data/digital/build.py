"""Builds the digital-submission fixtures of this folder from the seed table (run by hand;
the files are committed, so the tests need neither this script nor its randomness):

    .venv/bin/python -m tests.data.digital.build

- seed.xlsx / seed.docx: the seed table as a clerk would type it, merges included;
- seed.pdf: seed.xlsx printed by LibreOffice (a digital PDF with a text layer);
- scan_with_layer.pdf: page 1 of seed.pdf as a scanned image with an invisible OCR layer;
- mixed.pdf: seed.pdf with its second page replaced by a scan of itself;
- garbled.pdf: page 1 of seed.pdf re-typeset with a font whose Unicode map is wrong.
"""

import io
import random
import re
import subprocess
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ingest.digital.layer import open_layer
from ingest.digital.package import XLSX
from ingest.digital.printing import print_to_pdf
from ingest.synth.content import seed_content
from ingest.synth.style import pick_style
from ingest.synth.table import LogicalTable, build_table

HERE = Path(__file__).parent
WIDTHS = (9.0, 15.0, 34.0, 15.0, 22.0)  # column widths in Excel's units
BODY_PT = 10.0
LINE_PT = 13.5
_UNIT_PT = 5.6  # one width unit in points, roughly, for the default font
_TTF = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def _table() -> tuple[str, LogicalTable]:
    content = seed_content()
    table = build_table(content, pick_style(random.Random(5), 200, compact=True), random.Random(5))
    return content.document.title or "", table


def _lines(text: str, width_units: float) -> int:
    per_line = max(int(width_units * _UNIT_PT / BODY_PT * 0.92), 1)
    total = 0
    for part in text.split("\n") or [""]:
        size = sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in part)
        total += max(int(np.ceil(size / per_line)), 1)
    return total


def build_xlsx(path: Path) -> None:
    title, table = _table()
    book = Workbook()
    sheet = book.active
    sheet.title = "绩效目标表"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for i, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.cell(1, 1, title).font = Font(name="SimSun", size=14, bold=True)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    sheet.row_dimensions[1].height = 24
    sheet.cell(2, 5, "单位：万元").font = Font(name="SimSun", size=BODY_PT)
    first = 3
    need = [1] * len(table.keys)
    for block in table.blocks:
        width = sum(WIDTHS[block.col : block.col + block.col_span])
        lines = _lines(block.text, width)
        per_row = int(np.ceil(lines / block.row_span))
        for r in range(block.row, block.row + block.row_span):
            need[r] = max(need[r], per_row)
    for block in table.blocks:
        r, c = block.row + first, block.col + 1
        cell = sheet.cell(r, c, block.text or None)
        cell.font = Font(name="SimSun", size=BODY_PT)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal=block.align)
        if block.row_span > 1 or block.col_span > 1:
            sheet.merge_cells(
                start_row=r,
                start_column=c,
                end_row=r + block.row_span - 1,
                end_column=c + block.col_span - 1,
            )
        for rr in range(r, r + block.row_span):
            for cc in range(c, c + block.col_span):
                sheet.cell(rr, cc).border = border
    for row, lines in enumerate(need):
        sheet.row_dimensions[row + first].height = lines * LINE_PT + 5
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.save(path)


def build_docx(path: Path) -> None:
    title, table = _table()
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.8)
    heading = document.add_paragraph()
    heading.alignment = 1
    run = heading.add_run(title)
    run.bold, run.font.size = True, Pt(16)
    grid = document.add_table(rows=len(table.keys), cols=5)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, width in enumerate(WIDTHS):
        for cell in grid.columns[i].cells:
            cell.width = Cm(width * 0.5)
    for block in table.blocks:
        cell = grid.cell(block.row, block.col)
        if block.row_span > 1 or block.col_span > 1:
            cell = cell.merge(
                grid.cell(block.row + block.row_span - 1, block.col + block.col_span - 1)
            )
        lines = block.text.split("\n")
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(BODY_PT)
                run.font.name = "SimSun"
                run._element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    document.save(path)


def _scan(image: np.ndarray, seed: int) -> bytes:
    """A page image as a scanner would give it: gray, a little noise, JPEG."""
    rng = np.random.default_rng(seed)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    gray += rng.normal(0, 6, gray.shape)
    ok, jpeg = cv2.imencode(
        ".jpg", np.clip(gray, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 80]
    )
    assert ok
    return jpeg.tobytes()


def _image_page(pdf: canvas.Canvas, jpeg: bytes, size: tuple[float, float]) -> None:
    pdf.setPageSize(size)
    pdf.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, width=size[0], height=size[1])


def build_scan_with_layer(printed: Path, path: Path) -> None:
    """The first printed page as a scan, with its text laid under it invisibly (render mode
    3), as a scanner's OCR leaves it."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    source = pdfium.PdfDocument(str(printed))
    page = source[0]
    size = page.get_size()
    image = page.render(scale=200 / 72).to_numpy()[:, :, :3]
    with open_layer(printed) as layer:
        chars = layer.read(0, 72).chars
    out = canvas.Canvas(str(path), pagesize=size)
    _image_page(out, _scan(image, 1), size)
    text = out.beginText()
    text.setTextRenderMode(3)
    for char in chars:
        x0, y0, _, y1 = char.box
        text.setFont("STSong-Light", max(y1 - y0, 1) * 0.85)
        text.setTextOrigin(x0, size[1] - y1 + 0.15 * (y1 - y0))
        text.textOut(char.text)
    out.drawText(text)
    out.showPage()
    out.save()


def build_mixed(printed: Path, path: Path) -> None:
    """The printed document with its second page replaced by a scan of that page."""
    source = pdfium.PdfDocument(str(printed))
    page = source[1]
    size = page.get_size()
    image = page.render(scale=200 / 72).to_numpy()[:, :, :3]
    with tempfile.TemporaryDirectory() as work:
        scan = Path(work) / "scan.pdf"
        out = canvas.Canvas(str(scan), pagesize=size)
        _image_page(out, _scan(image, 2), size)
        out.showPage()
        out.save()
        mixed = pdfium.PdfDocument.new()
        mixed.import_pages(source, [0])
        mixed.import_pages(pdfium.PdfDocument(str(scan)), [0])
        mixed.import_pages(source, list(range(2, len(source))))
        mixed.save(str(path))


def build_garbled(printed: Path, path: Path) -> None:
    """The first printed page typeset again with an embedded TrueType font whose ToUnicode
    map sends every CJK glyph to the next code point: it shows the right text and says
    another."""
    pdfmetrics.registerFont(TTFont("Zen", _TTF, subfontIndex=0))
    source = pdfium.PdfDocument(str(printed))
    size = source[0].get_size()
    with open_layer(printed) as layer:
        page = layer.read(0, 72)
    out = canvas.Canvas(str(path), pagesize=size, pageCompression=0)
    for segment in page.segments:
        out.setLineWidth(max(segment.thickness, 0.5))
        out.line(segment.x0, size[1] - segment.y0, segment.x1, size[1] - segment.y1)
    for char in page.chars:
        x0, y0, _, y1 = char.box
        out.setFont("Zen", max(y1 - y0, 1) * 0.85)
        out.drawString(x0, size[1] - y1 + 0.15 * (y1 - y0), char.text)
    out.showPage()
    out.save()
    data = path.read_bytes()

    def shift(match: re.Match[bytes]) -> bytes:
        code = int(match.group(2), 16)
        shifted = code + 1 if code >= 0x4E00 else code
        return match.group(1) + b"<%04X>" % shifted

    garbled = re.sub(rb"(<[0-9A-Fa-f]{2,4}> )<([0-9A-Fa-f]{4})>", shift, data)
    assert garbled != data, "no ToUnicode map found to garble"
    path.write_bytes(garbled)


def main() -> None:
    build_xlsx(HERE / "seed.xlsx")
    build_docx(HERE / "seed.docx")
    with tempfile.TemporaryDirectory() as work:
        printed = print_to_pdf(HERE / "seed.xlsx", XLSX, Path(work))
        (HERE / "seed.pdf").write_bytes(printed.read_bytes())
    build_scan_with_layer(HERE / "seed.pdf", HERE / "scan_with_layer.pdf")
    build_mixed(HERE / "seed.pdf", HERE / "mixed.pdf")
    build_garbled(HERE / "seed.pdf", HERE / "garbled.pdf")
    subprocess.run(["ls", "-la", str(HERE)], check=False)


if __name__ == "__main__":
    main()
