"""The form as a spreadsheet user types it: merged cells, wrapped text, column widths, row
heights, an A4 print setup, and title rows that may repeat on every page.

Spreadsheets never split a row across pages, and LibreOffice does not grow a row for a
merged cell's text, so row heights are set here from the text each row holds (measured with
the face's own widths, with room to spare, as a user drags rows until nothing is clipped).
"""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ingest.synth.printed.look import PrintLook, line_count
from ingest.synth.table import Block, LogicalTable

_PAD_PT = 2.5  # LibreOffice's inner cell margin on each side
_SPARE = 0.9  # wrap as if the column were this much narrower: engines measure a little wider
_MAX_ROW_PT = 409.0  # the highest row a spreadsheet allows


def _col_widths_pt(look: PrintLook) -> list[float]:
    width_pt = look.table_width_mm() / 25.4 * 72
    return [f * width_pt for f in look.col_fractions]


def _excel_width(pt: float) -> float:
    """Column width in characters; LibreOffice prints a width of N characters N x 7 pt wide
    (measured on its PDF of a sheet with widths 10 and 20)."""
    return max(1.0, pt / 7.0)


def _block_height(block: Block, widths: list[float], look: PrintLook) -> float:
    if block.vertical:
        lines = len([ch for ch in block.text if not ch.isspace()])
    else:
        inner = sum(widths[block.col : block.col + block.col_span]) - 2 * _PAD_PT
        lines = line_count(block.text, inner * _SPARE, look.font, look.size_pt)
    return lines * look.line_pt() * 1.08 + 2 * _PAD_PT + 2


def _row_heights(table: LogicalTable, look: PrintLook, widths: list[float]) -> list[float]:
    heights = [look.min_row_pt] * len(table.keys)
    for block in table.blocks:
        if block.row_span == 1:
            heights[block.row] = max(heights[block.row], _block_height(block, widths, look))
    for block in sorted(table.blocks, key=lambda b: b.row_span):
        if block.row_span > 1:
            last = block.row + block.row_span - 1
            have = sum(heights[block.row : last + 1])
            heights[last] += max(0.0, _block_height(block, widths, look) - have)
    return [min(h, _MAX_ROW_PT) for h in heights]


def _print_setup(ws: Worksheet, look: PrintLook, title_rows: int, last_row: int) -> None:
    top, right, bottom, left = (mm / 25.4 for mm in look.margins_mm)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if look.landscape else "portrait"
    ws.page_margins.top, ws.page_margins.bottom = top, bottom
    ws.page_margins.left, ws.page_margins.right = left, right
    ws.page_margins.header = ws.page_margins.footer = min(top, bottom) / 2
    if look.fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    if look.repeat_title:
        ws.print_title_rows = f"1:{title_rows}"
    if look.page_numbers:
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.print_area = f"A1:{get_column_letter(len(look.col_fractions))}{last_row}"


def write_xlsx(table: LogicalTable, title: str, look: PrintLook, path: Path) -> None:
    """One sheet: the title rows, then the table from the next row on."""
    wb = Workbook()
    ws = wb.active
    ws.title = "绩效目标表"
    widths = _col_widths_pt(look)
    columns = len(widths)
    for k, pt in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(k)].width = _excel_width(pt)
    body = Font(name=look.font, size=look.size_pt)
    row = 1
    if look.attachment:
        ws.cell(row, 1, look.attachment).font = body
        row += 1
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    cell = ws.cell(row, 1, title)
    cell.font = Font(name=look.title_font, size=look.title_pt, bold=True)
    lines = title.count("\n") + 1
    cell.alignment = Alignment(
        horizontal="center", vertical="center", wrap_text=True if lines > 1 else None
    )
    ws.row_dimensions[row].height = look.title_pt * (2.0 if lines == 1 else 1.6 * lines)
    row += 1
    if look.unit_note:
        ws.cell(row, columns, "单位：万元").font = body
        ws.cell(row, columns).alignment = Alignment(horizontal="right")
        row += 1
    title_rows = row - 1

    rule = Side(style="medium" if look.rule_pt > 1.05 else "thin")
    border = Border(left=rule, right=rule, top=rule, bottom=rule)
    for r, height in enumerate(_row_heights(table, look, widths)):
        ws.row_dimensions[row + r].height = round(height, 1)
        for c in range(1, columns + 1):
            ws.cell(row + r, c).border = border
    for block in table.blocks:
        r0, c0 = row + block.row, block.col + 1
        if block.row_span > 1 or block.col_span > 1:
            ws.merge_cells(
                start_row=r0,
                start_column=c0,
                end_row=r0 + block.row_span - 1,
                end_column=c0 + block.col_span - 1,
            )
        stacked = block.vertical and not look.vertical_by_breaks
        text = block.text
        if block.vertical and look.vertical_by_breaks:
            text = "\n".join(ch for ch in block.text if not ch.isspace())
        cell = ws.cell(r0, c0, text or None)
        cell.font = body
        cell.alignment = Alignment(
            horizontal="center" if block.vertical else block.align,
            vertical="center",
            wrap_text=True,
            text_rotation=255 if stacked else 0,
        )
    _print_setup(ws, look, title_rows, row + len(table.keys) - 1)
    wb.save(path)
