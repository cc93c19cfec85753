"""The form as a web system renders it for printing: one HTML table with rowspans and colspans.

Chromium places the page breaks: a row that does not fit is split line by line, a rowspan cell
is cut wherever the page ends, and with collapsed borders the continued part opens without a
top rule. Section labels are set vertically with `writing-mode: vertical-rl`, or typed one
character per line.
"""

from html import escape

from ingest.synth.printed.look import PrintLook
from ingest.synth.table import Block, LogicalTable


def _cell(block: Block, look: PrintLook) -> str:
    spans = ""
    if block.row_span > 1:
        spans += f' rowspan="{block.row_span}"'
    if block.col_span > 1:
        spans += f' colspan="{block.col_span}"'
    if block.vertical and look.vertical_by_breaks:
        body = "\n".join(ch for ch in block.text if not ch.isspace())
    elif block.vertical:
        body = f'<div class="v">{escape(block.text)}</div>'
        return f'<td{spans} class="c">{body}</td>'
    else:
        body = block.text
    return f'<td{spans} style="text-align:{block.align}">{escape(body)}</td>'


def write_html(table: LogicalTable, title: str, look: PrintLook) -> str:
    """A whole HTML page, styled for print on A4, with the title above the table."""
    top, right, bottom, left = look.margins_mm
    width = look.table_width_mm()
    cols = "".join(f'<col style="width:{f * width:.1f}mm">' for f in look.col_fractions)
    rows = []
    for r in range(len(table.keys)):
        cells = "".join(_cell(b, look) for b in table.blocks if b.row == r)
        rows.append(f"<tr>{cells}</tr>")
    notes = []
    if look.attachment:
        notes.append(f'<div class="note">{escape(look.attachment)}</div>')
    heading = "<br>".join(escape(line) for line in title.split("\n"))
    notes.append(f'<div class="title">{heading}</div>')
    if look.unit_note:
        notes.append('<div class="unit">单位：万元</div>')
    pad_y, pad_x = look.pad_mm
    css = f"""
@page {{ size: A4 {"landscape" if look.landscape else "portrait"};
  margin: {top:.1f}mm {right:.1f}mm {bottom:.1f}mm {left:.1f}mm; }}
body {{ margin: 0; font-family: "{look.font}"; font-size: {look.size_pt}pt;
  line-height: {look.line_spacing:.2f}; color: #000; }}
.title {{ font-family: "{look.title_font}"; font-weight: bold; font-size: {look.title_pt}pt;
  text-align: center; margin: 0 0 0.8em 0; line-height: 1.3; }}
.note {{ margin-bottom: 0.6em; }}
.unit {{ text-align: right; margin-bottom: 0.3em; }}
table {{ border-collapse: collapse; width: {width:.1f}mm;
  table-layout: {"fixed" if look.fixed_widths else "auto"}; }}
td {{ border: {look.rule_pt:.2f}pt solid #000; padding: {pad_y:.1f}mm {pad_x:.1f}mm;
  vertical-align: middle; white-space: pre-wrap; overflow-wrap: anywhere; }}
td.c {{ text-align: center; }}
.v {{ writing-mode: vertical-rl; white-space: nowrap; margin: 0 auto; }}
"""
    return (
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{css}</style></head><body>\n"
        + "\n".join(notes)
        + f"\n<table><colgroup>{cols}</colgroup>\n"
        + "\n".join(rows)
        + "\n</table></body></html>\n"
    )
