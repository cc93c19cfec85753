"""One document printed by a real engine: content -> source file -> engine's PDF -> pixels and
truth read back from the PDF -> degraded pages.

The content and its random draws are the native generator's for the same (seed, index), so a
document reads the same whichever engine laid it out. Every value must be printed somewhere:
a print that clipped a value away (a row too low for its text) is refused rather than scored
against text no reader could see; only merged label columns (绩效指标, 一级, 二级) may show
their text on neither part of a page break, as real tables do.
"""

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.synth.degrade import PageMarks, TitleSpan
from ingest.synth.form import SynthContent
from ingest.synth.printed.cells import BlockMatcher, page_cells
from ingest.synth.printed.look import PrintLook, pick_look, seal_fonts
from ingest.synth.printed.printers import Printer
from ingest.synth.printed.readback import PrintedPage, read_printed
from ingest.synth.printed.sheet import write_xlsx
from ingest.synth.printed.web import write_html
from ingest.synth.printed.word import write_docx
from ingest.synth.registry import SynthForm, synth_form
from ingest.synth.table import LogicalTable
from models.truth import Engine, SourceFormat, TruthPage

_ATTEMPTS = 8  # looks tried before a document whose values keep getting clipped is given up


class LostInPrint(ValueError):
    """The engine printed a value nowhere on the page (clipped, or pushed off)."""


@dataclass(frozen=True)
class PrintedDocument:
    content: SynthContent
    look: PrintLook
    source: Path  # the XLSX, DOCX or HTML file
    pdf: Path  # what the engine printed, with its text layer
    pages: list[TruthPage]
    clean: list[np.ndarray]  # the PDF rasterised at the truth's DPI, gray
    marks: list[PageMarks]


def source_format_for(engine: Engine, rng: random.Random) -> SourceFormat:
    if engine == "browser":
        return "html"
    return rng.choice(("xlsx", "docx"))


def _write_source(table: LogicalTable, content: SynthContent, look: PrintLook, path: Path) -> None:
    title = content.document.title or ""
    if look.source_format == "html":
        path.write_text(write_html(table, title, look), encoding="utf-8")
    elif look.source_format == "xlsx":
        write_xlsx(table, title, look, path)
    else:
        write_docx(table, title, look, path)


def check_printed(table: LogicalTable, matcher: BlockMatcher) -> None:
    for k, block in enumerate(table.blocks):
        typed, shown = matcher.dense[k], matcher.shown.get(k, "")
        if typed == shown or (block.row_span > 1 and shown in ("", typed)):
            continue
        raise LostInPrint(f"{table.keys[block.row]} column {block.col}: {block.text!r}")


def _title_span(page: PrintedPage, title: str) -> TitleSpan | None:
    """Where the title is printed on the page: its characters in text-layer order."""
    dense = "".join(title.split())
    chars = [c for c in page.chars if c.printed]
    text = "".join(c.text for c in chars)
    at = text.find(dense)
    if at < 0 or not dense:
        return None
    boxes = [c.bbox for c in chars[at : at + len(dense)]]
    x0, x1 = min(b[0] for b in boxes), max(b[2] for b in boxes)
    y0, y1 = min(b[1] for b in boxes), max(b[3] for b in boxes)
    return TitleSpan(cx=(x0 + x1) / 2, cy=(y0 + y1) / 2, half=(x1 - x0) / 2)


def _marks(
    page: PrintedPage, cells: TruthPage | None, look: PrintLook, content: SynthContent
) -> PageMarks:
    boxes = (
        tuple((c.bbox[0], c.bbox[1], c.bbox[2], c.bbox[3]) for c in cells.cells) if cells else ()
    )
    anchor = content.seal_cell
    dept = (
        next((c.bbox for c in cells.cells if anchor and c.text == anchor), None) if cells else None
    )
    widths = [r.width for r in page.rules]
    return PageMarks(
        dpi=page.dpi,
        cell_boxes=boxes,
        rule_px=max(1, round(float(np.median(widths)))) if widths else 1,
        title=_title_span(page, content.document.title or "") if page.index == 0 else None,
        department=(dept[0], dept[1], dept[2], dept[3]) if dept else None,
        seal_fonts=seal_fonts(look),
    )


def _blank_truth(page: PrintedPage) -> TruthPage:
    """A printed page without a ruled table: no cells to score, the whole page as its frame."""
    height, width = page.image.shape
    return TruthPage(
        page=page.index + 1,
        width=width,
        height=height,
        dpi=page.dpi,
        table_bbox=[0, 0, width, height],
        cells=[],
    )


def print_document(
    rng: random.Random,
    content: SynthContent,
    fmt: SourceFormat,
    dpi: int,
    printer: Printer,
    folder: Path,
    name: str,
    form: SynthForm | None = None,
) -> PrintedDocument:
    """Lay `content` (of `form`, the 部门整体 form by default) out as a user of `fmt` would,
    print it into `folder` and read it back; a look whose print clipped a value is replaced by
    another. A spreadsheet cannot print a row taller than a page (its text is clipped whatever
    the look), so where every XLSX look clipped a value the table is typed in Word instead,
    whose rows break across pages."""
    form = form or synth_form()
    pdf = folder / f"{name}.printed.pdf"
    formats = (fmt, "docx") if fmt == "xlsx" else (fmt,)
    for source_format in formats:
        source = folder / f"{name}.{source_format}"
        for attempt in range(_ATTEMPTS):
            look = pick_look(rng, source_format, form.printed_columns)
            table = form.build_table(content, look, rng)
            _write_source(table, content, look, source)
            printer.print_pdf(source, pdf)
            printed = read_printed(pdf, dpi)
            matcher = BlockMatcher(table.blocks)
            cells = [page_cells(p, matcher) for p in printed]
            try:
                check_printed(table, matcher)
            except LostInPrint:
                if attempt == _ATTEMPTS - 1 and source_format == formats[-1]:
                    raise
                continue
            return PrintedDocument(
                content=content,
                look=look,
                source=source,
                pdf=pdf,
                pages=[c or _blank_truth(p) for p, c in zip(printed, cells, strict=True)],
                clean=[p.image for p in printed],
                marks=[_marks(p, c, look, content) for p, c in zip(printed, cells, strict=True)],
            )
        source.unlink(missing_ok=True)
    raise AssertionError("unreachable")
