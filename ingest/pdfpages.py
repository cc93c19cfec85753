"""What a PDF's pages are, read with PDFium before anything is rendered.

A page is rendered as its crop box (clipped to the media box, turned by /Rotate), the box a
viewer shows; its images are decoded at their own pixel sizes whatever size they are drawn
at (a JPEG 2000 image at its codestream's size, whatever its dictionary says). Both are read
here from the file's structure, not from a tool's printout, so the upload checks and the
rasteriser agree on what a page will cost.

Parsing a hostile file is itself work, so `inspect_pdf` runs the reading in a child process
(`python -m ingest.pdfpages`) with a memory limit and a deadline: a parser bomb costs that
child, never the API or the worker.
"""

import json
import math
import struct
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from ingest.errors import InputRejected

if TYPE_CHECKING:
    import pypdfium2 as pdfium

POINTS_PER_INCH = 72.0
_FORM_DEPTH = 8  # form XObjects nest; images inside them are drawn too
_PDFINFO_TIMEOUT_S = 10
# A JPEG 2000 codestream's start and size markers; the size segment then holds its length and
# capabilities (2 bytes each), then the image's width, height, left and top offsets (4 each).
_JPX_SIZE = b"\xff\x4f\xff\x51"


class PdfPage(BaseModel):
    model_config = ConfigDict(frozen=True)

    width_pt: float  # as rendered: the crop box, rotation applied
    height_pt: float
    image_pixels: int  # pixels of every image drawn on the page, each time it is drawn
    images: int

    def rendered_size(self, dpi: int) -> tuple[int, int]:
        """Width and height in pixels of the page rendered at `dpi` (poppler rounds up)."""
        scale = dpi / POINTS_PER_INCH
        return math.ceil(self.width_pt * scale - 1e-6), math.ceil(self.height_pt * scale - 1e-6)


class PdfLayout(BaseModel):
    model_config = ConfigDict(frozen=True)

    page_count: int
    pages: list[PdfPage]  # every page when page_count <= the asked maximum, else none


def read_layout(path: Path, max_pages: int) -> PdfLayout:
    """The layout of a PDF, in this process; `InputRejected` for a file PDFium cannot open."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise InputRejected("encrypted_pdf", "The PDF is protected by a password.") from exc
        if _has_no_pages(path):
            raise InputRejected("no_pages", "The PDF has no pages.") from exc
        raise InputRejected("corrupt_pdf", "The PDF is damaged and cannot be read.") from exc
    try:
        count = len(pdf)
        pages = [_page(pdf, i) for i in range(count)] if count <= max_pages else []
    finally:
        pdf.close()
    return PdfLayout(page_count=count, pages=pages)


def _has_no_pages(path: Path) -> bool:
    """Whether poppler reads an empty page tree where PDFium only says it cannot load the file:
    a client is told "no pages", not "damaged", for a file that is merely empty."""
    result = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, timeout=_PDFINFO_TIMEOUT_S, check=False
    )
    return b"page count 0" in result.stderr or b"Wrong page range" in result.stderr


def _page(pdf: "pdfium.PdfDocument", index: int) -> PdfPage:
    import pypdfium2.raw as pdfium_c

    page = pdf[index]
    width, height = page.get_size()
    pixels = images = 0
    kinds = (pdfium_c.FPDF_PAGEOBJ_IMAGE,)
    for image in page.get_objects(filter=kinds, max_depth=_FORM_DEPTH):
        w, h = image.get_px_size()
        pixels += max(w * h, _coded_pixels(image))
        images += 1
    page.close()
    return PdfPage(width_pt=width, height_pt=height, image_pixels=pixels, images=images)


def _coded_pixels(image: "pdfium.PdfImage") -> int:
    """The pixels a JPEG 2000 image's own header gives: its decoder follows the codestream, not
    the /Width and /Height of the PDF (which PDFium reports), so a dictionary that understates
    the image cannot hide the work of decoding it. 0 for other images and unreadable headers."""
    if "JPXDecode" not in image.get_filters():
        return 0
    data = bytes(image.get_data(decode_simple=True))
    at = data.find(_JPX_SIZE)  # in a raw codestream and inside a JP2 file's codestream box
    if at < 0 or len(data) < at + 24:
        return 0
    width, height, left, top = struct.unpack_from(">4I", data, at + 8)
    return max(width - left, 0) * max(height - top, 0)


def inspect_pdf(path: Path, max_pages: int, memory_bytes: int, timeout_s: float) -> PdfLayout:
    """`read_layout` in a child process limited to `memory_bytes` and `timeout_s`."""
    command = [
        *limited(memory_bytes),
        sys.executable,
        "-m",
        "ingest.pdfpages",
        str(path),
        str(max_pages),
    ]
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as exc:
        raise InputRejected(
            "pdf_too_complex", f"The PDF could not be read within {timeout_s:.0f} s."
        ) from exc
    try:
        answer = json.loads(result.stdout)
    except ValueError:
        answer = None
    if result.returncode != 0 or not isinstance(answer, dict):
        raise InputRejected(
            "pdf_too_complex",
            f"The PDF could not be read within {memory_bytes >> 20} MiB of memory.",
        )
    if "error" in answer:
        raise InputRejected(answer["error"], answer["message"])
    return PdfLayout.model_validate(answer)


def limited(memory_bytes: int) -> list[str]:
    """The command prefix that caps a child's address space (util-linux `prlimit`)."""
    return ["prlimit", f"--as={memory_bytes}", "--core=0", "--"]


def main(argv: list[str]) -> int:
    path, max_pages = Path(argv[0]), int(argv[1])
    try:
        answer = read_layout(path, max_pages).model_dump()
    except InputRejected as exc:
        answer = {"error": exc.code, "message": exc.message}
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
