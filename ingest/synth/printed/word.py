"""The form as a word-processor user types it: one table with vertical merges, section labels
set in vertical text direction (or typed one character per line), fixed or autofit widths.

Rows may break across pages, as Word and LibreOffice allow by default: a long cell continues
on the next page, and a vertically merged label column is cut wherever the page ends.
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ingest.synth.printed.look import PrintLook
from ingest.synth.table import Align, Block, LogicalTable

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


def _set_child(parent: OxmlElement, tag: str, **attrs: str) -> OxmlElement:
    """The child `tag` of `parent` (made when missing) with `attrs` set."""
    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        parent.append(child)
    for key, value in attrs.items():
        child.set(qn(key), value)
    return child


def _east_asian(font_owner: OxmlElement, face: str) -> None:
    r_pr = font_owner.get_or_add_rPr()
    _set_child(r_pr, "w:rFonts", **{"w:ascii": face, "w:hAnsi": face, "w:eastAsia": face})


def _paragraph(p: Paragraph, text: str, align: Align, size_pt: float, bold: bool = False) -> None:
    p.alignment = _ALIGN[align]
    run = p.add_run(text)
    run.font.size = Pt(size_pt)
    run.bold = bold


def _fill(cell: _Cell, block: Block, look: PrintLook) -> None:
    text = block.text
    if block.vertical and look.vertical_by_breaks:
        text = "\n".join(ch for ch in text if not ch.isspace())
    elif block.vertical:
        _set_child(cell._tc.get_or_add_tcPr(), "w:textDirection", **{"w:val": "tbRlV"})
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    align: Align = "center" if block.vertical else block.align
    paragraphs = text.split("\n")
    _paragraph(cell.paragraphs[0], paragraphs[0], align, look.size_pt)
    for line in paragraphs[1:]:
        _paragraph(cell.add_paragraph(), line, align, look.size_pt)


def _table_look(table: Table, look: PrintLook) -> None:
    """Rules of the look's weight, cell padding, and fixed or automatic column widths."""
    tbl_pr = table._tbl.tblPr
    borders = _set_child(tbl_pr, "w:tblBorders")
    size = str(max(2, round(look.rule_pt * 8)))  # eighths of a point
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _set_child(borders, f"w:{edge}", **{"w:val": "single", "w:sz": size, "w:color": "000000"})
    margins = _set_child(tbl_pr, "w:tblCellMar")
    pad_y, pad_x = (str(round(mm * 56.7)) for mm in look.pad_mm)  # twentieths of a point
    for edge, value in (("top", pad_y), ("bottom", pad_y), ("left", pad_x), ("right", pad_x)):
        _set_child(margins, f"w:{edge}", **{"w:w": value, "w:type": "dxa"})
    _set_child(tbl_pr, "w:tblLayout", **{"w:type": "fixed" if look.fixed_widths else "autofit"})
    table.autofit = not look.fixed_widths


def _page_number_footer(document: Document) -> None:
    p = document.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("第 ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    p._p.append(field)
    p.add_run(" 页")


def write_docx(table: LogicalTable, title: str, look: PrintLook, path: Path) -> None:
    document = Document()
    section = document.sections[0]
    width, height = look.page_mm()
    section.orientation = WD_ORIENT.LANDSCAPE if look.landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(width), Mm(height)
    top, right, bottom, left = look.margins_mm
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    normal = document.styles["Normal"]
    normal.font.name = look.font
    normal.font.size = Pt(look.size_pt)
    _east_asian(normal.element, look.font)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = look.line_spacing

    if look.attachment:
        _paragraph(document.add_paragraph(), look.attachment, "left", look.size_pt)
    heading = document.add_paragraph()
    _paragraph(heading, title, "center", look.title_pt, bold=True)
    for run in heading.runs:
        run.font.name = look.title_font
        _east_asian(run._r, look.title_font)
    heading.paragraph_format.space_after = Pt(look.title_pt * 0.6)
    if look.unit_note:
        _paragraph(document.add_paragraph(), "单位：万元", "right", look.size_pt)

    grid = document.add_table(rows=len(table.keys), cols=len(look.col_fractions))
    _table_look(grid, look)
    widths = [Mm(f * look.table_width_mm()) for f in look.col_fractions]
    for k, column in enumerate(grid.columns):
        column.width = widths[k]
    for row in grid.rows:
        if not look.rows_may_split:
            _set_child(row._tr.get_or_add_trPr(), "w:cantSplit")
        for k, cell in enumerate(row.cells):
            cell.width = widths[k]
    for block in table.blocks:
        cell = grid.cell(block.row, block.col)
        if block.row_span > 1 or block.col_span > 1:
            cell = cell.merge(
                grid.cell(block.row + block.row_span - 1, block.col + block.col_span - 1)
            )
        _fill(cell, block, look)
    if look.page_numbers:
        _page_number_footer(document)
    document.save(str(path))
