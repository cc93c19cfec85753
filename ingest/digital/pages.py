"""The pages of a PDF that are read from the file: judged, rendered, gridded and filled.

`open_pages` opens what a source offers: a PDF's own pages, each judged on its text layer
(`ingest.digital.sniff`), or an office file's print, whose pages are all read from the layer
because LibreOffice wrote it from the file's own text. Images offer none. A page read here
becomes a `CleanPage` (the rendered page, as the reviewer sees it; no cleaning is needed) and
a `PageTable` whose cells hold the layer's text, the grid taken from the vector rules, or from
the rendered image where the page draws none.
"""

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2

from ingest.artifacts import CleanPage, PageTable, SourceDocument
from ingest.digital.layer import LayerPage, PdfLayer
from ingest.digital.package import DOCX, XLSX
from ingest.digital.place import place_chars
from ingest.digital.printing import print_to_pdf
from ingest.digital.rules import grid_from_vectors
from ingest.digital.sniff import LayerVerdict, judge_layer
from ingest.sources import PDF
from models.contract import PageReader

_OFFICE_READERS = {XLSX: PageReader.SPREADSHEET, DOCX: PageReader.WORD_DOCUMENT}


class LayerPages:
    """A PDF's pages with what each one's text layer is worth."""

    def __init__(self, path: Path, dpi: int, reader: PageReader, judge: bool) -> None:
        self._pdf = PdfLayer(path)
        self._dpi = dpi
        self.reader = reader
        self.judged = judge  # the layer was judged, so it is also checked against OCR
        # Fonts whose Unicode maps a check on an earlier page found right: a wrong map
        # belongs to a font, so a page printed only in these needs no check of its own.
        self.vouched: set[str] = set()
        self._layers: dict[int, LayerPage] = {}
        self.verdicts: list[LayerVerdict] = []
        for index in range(len(self._pdf)):
            layer = self._pdf.read(index, dpi)
            verdict = judge_layer(layer) if judge else LayerVerdict.USABLE
            if verdict == LayerVerdict.USABLE:
                self._layers[index] = layer
            self.verdicts.append(verdict)

    def __len__(self) -> int:
        return len(self.verdicts)

    def usable(self, index: int) -> bool:
        return index in self._layers

    def fonts(self, index: int) -> frozenset[str]:
        """The fonts of a usable page's printed characters."""
        return frozenset(c.font for c in self._layers[index].chars if c.visible)

    def read(self, index: int) -> tuple[CleanPage, PageTable]:
        """A usable page as the pipeline's artifacts."""
        layer = self._layers[index]
        image = self._pdf.render(index, self._dpi)
        clean = CleanPage(
            index=index,
            image=image,
            gray=cv2.cvtColor(image, cv2.COLOR_BGR2GRAY),
            dpi=self._dpi,
            notes=(self.reader.value,),
        )
        grid = grid_from_vectors(layer)
        if grid is None:
            from ingest.grid import find_grid

            grid = find_grid(clean)
        table = place_chars(layer, grid).model_copy(update={"reader": self.reader})
        return clean, table

    def close(self) -> None:
        self._pdf.close()


@contextmanager
def open_pages(source: SourceDocument, dpi: int, workdir: Path) -> Iterator[LayerPages | None]:
    """What the source offers to be read from the file, or None for an image.

    An office file is printed into `workdir` first (which must outlive the reading)."""
    if source.media_type == PDF:
        pages = LayerPages(Path(source.path), dpi, PageReader.TEXT_LAYER, judge=True)
    elif source.media_type in _OFFICE_READERS:
        printed = print_to_pdf(Path(source.path), source.media_type, workdir)
        pages = LayerPages(printed, dpi, _OFFICE_READERS[source.media_type], judge=False)
    else:
        yield None
        return
    try:
        yield pages
    finally:
        pages.close()


def ocr_reason(source: SourceDocument, index: int, dpi: int) -> str | None:
    """Why a page of a PDF is OCR'd: its text layer's verdict (None for other sources)."""
    if source.media_type != PDF:
        return None
    layer = PdfLayer(Path(source.path))
    try:
        return judge_layer(layer.read(index, dpi)).value
    finally:
        layer.close()


def with_printed_pages(source: SourceDocument, pages: LayerPages | None) -> SourceDocument:
    """An office source counts the pages of its print."""
    if pages is None or source.media_type == PDF:
        return source
    return dataclasses.replace(source, pages=len(pages))
