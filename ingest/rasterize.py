"""Turn an accepted source into page images, one page at a time, so memory stays bounded.

PDF pages are rendered by one poppler process as PPM: PNG encoding a noisy scan costs seconds,
PPM is a memory copy, and one process for the document parses the file once (measured 0.107
s/page against 0.125 s/page for a pdf2image call per page, 200 DPI scanned A4). Poppler draws
each page's crop box, the box `ingest.pdfpages` measured, under a memory limit.

Image files keep their own pixels. Their resolution comes from the file when it describes a
believable sheet, otherwise it is estimated from the pixel size as an A4 sheet: later stages
size their kernels in millimetres, and a phone photo's nominal 72 DPI would mislead them.
"""

import select
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import cv2
import numpy as np
from PIL import Image, ImageOps

from ingest.artifacts import PageImage, SourceDocument
from ingest.errors import InputRejected
from ingest.pdfpages import inspect_pdf, limited
from ingest.sources import PDF, InputLimits, check_pdf_page

_RENDER_TIMEOUT_S = 120
_INSPECT_TIMEOUT_S = 30
_OUT_OF_MEMORY = b"Out of memory"  # poppler's words when a bitmap cannot be allocated
_A4_LONG_SIDE_INCHES = 297 / 25.4
# A believable sheet: its long side between A5 and A2 at the stated resolution.
_SHEET_LONG_SIDE_INCHES = (7.0, 24.0)
_DPI_RANGE = (50, 1200)


def rasterize(source: SourceDocument, dpi: int, limits: InputLimits) -> Iterator[PageImage]:
    """Yield the pages of one source as BGR uint8 images, numbered from 0."""
    if source.media_type == PDF:
        pages = _pdf_pages(source, dpi, limits)
    else:
        pages = _image_pages(source, dpi)
    for index, (image, page_dpi) in enumerate(pages):
        yield PageImage(index=index, image=image, dpi=page_dpi)


def rasterize_many(
    sources: list[SourceDocument], dpi: int, limits: InputLimits
) -> Iterator[PageImage]:
    """Several uploads (say, one photo per page) read as the pages of one document."""
    index = 0
    for source in sources:
        for page in rasterize(source, dpi, limits):
            yield PageImage(index=index, image=page.image, dpi=page.dpi)
            index += 1


def _pdf_pages(
    source: SourceDocument, dpi: int, limits: InputLimits
) -> Iterator[tuple[np.ndarray, int]]:
    """One pdftoppm process streams every page as PPM through a pipe.

    Each page is checked again from the PDF's structure (the upload may predate a limit),
    poppler renders exactly the crop box that was checked, every page image must have the
    size that box gives before any of it is read, and poppler runs with a memory limit, so no
    page can take more than the limits allow from the worker or its machine.

    The pipe's small buffer holds poppler back until the previous page has been taken, so at
    most one page waits in each process while poppler renders ahead of the reader.
    """
    layout = inspect_pdf(
        Path(source.path), source.pages, limits.raster_memory_bytes, _INSPECT_TIMEOUT_S
    )
    if layout.page_count != source.pages:
        raise InputRejected("corrupt_pdf", "The PDF no longer has the pages it was accepted with.")
    for number, page in enumerate(layout.pages, start=1):
        check_pdf_page(page, number, dpi, limits)
    command = [
        *limited(limits.raster_memory_bytes),
        "pdftoppm", "-cropbox", "-r", str(dpi), "-f", "1", "-l", str(source.pages), source.path,
    ]  # fmt: skip
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, bufsize=0)
        try:
            pipe = _Pipe(process.stdout)
            for number, page in enumerate(layout.pages, start=1):
                deadline = time.monotonic() + _RENDER_TIMEOUT_S
                pixels = pipe.read_ppm(deadline, number, page.rendered_size(dpi))
                errors.seek(0)
                if _OUT_OF_MEMORY in errors.read():
                    message = f"Page {number} cannot be rendered within the memory limit."
                    raise InputRejected("image_too_large", message)
                yield cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR), dpi
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            process.stdout.close()


class _Pipe:
    """Reads binary PPM images (P6, 8 bit) from a pipe with a deadline per page."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def read_ppm(self, deadline: float, number: int, expected: tuple[int, int]) -> np.ndarray:
        """The next page, which must be `expected` (width, height) give or take a pixel of
        rounding: its pixels are only allocated once the header says so."""
        header: list[bytes] = []
        token = b""
        while len(header) < 4:
            byte = self._read(1, deadline, number)
            if byte.isspace():
                if token:
                    header.append(token)
                    token = b""
            elif len(token) > 12:
                raise InputRejected("corrupt_pdf", f"Page {number} was rendered unreadably.")
            else:
                token += byte
        magic, width, height, maxval = header
        if magic != b"P6" or maxval != b"255" or not (width.isdigit() and height.isdigit()):
            raise InputRejected("corrupt_pdf", f"Page {number} was rendered unreadably.")
        size = int(width), int(height)
        if any(abs(got - want) > 1 for got, want in zip(size, expected, strict=True)):
            raise InputRejected(
                "corrupt_pdf",
                f"Page {number} rendered at {size[0]} x {size[1]} pixels, not the "
                f"{expected[0]} x {expected[1]} its page box gives.",
            )
        pixels = np.empty((size[1], size[0], 3), dtype=np.uint8)
        view = memoryview(pixels).cast("B")
        done = 0
        while done < len(view):
            self._wait(deadline, number)
            got = self._stream.readinto(view[done:])
            if not got:
                raise _cannot_render(number)
            done += got
        return pixels

    def _read(self, size: int, deadline: float, number: int) -> bytes:
        self._wait(deadline, number)
        data = self._stream.read(size)
        if not data:
            raise _cannot_render(number)
        return data

    def _wait(self, deadline: float, number: int) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([self._stream], [], [], remaining)[0]:
            raise InputRejected("render_timeout", f"Page {number} took too long to render.")


def _cannot_render(number: int) -> InputRejected:
    return InputRejected("corrupt_pdf", f"Page {number} cannot be rendered.")


def _image_pages(source: SourceDocument, dpi: int) -> Iterator[tuple[np.ndarray, int]]:
    with Image.open(source.path) as image:
        for frame in range(source.pages):
            try:
                image.seek(frame)
                image.load()
                upright = ImageOps.exif_transpose(image)
                pixels = _to_bgr(upright)
            except Exception as exc:  # a decoder fed a hostile file may raise anything
                raise InputRejected(
                    "corrupt_image", f"Frame {frame + 1} of the image cannot be decoded."
                ) from exc
            yield pixels, _image_dpi(image, pixels.shape, dpi)


def _image_dpi(image: Image.Image, shape: tuple[int, ...], fallback: int) -> int:
    """The file's resolution if it describes a plausible sheet, else an A4 estimate."""
    long_side = max(shape[0], shape[1])
    stated = image.info.get("dpi")
    if stated:
        value = round(float(min(stated[0], stated[1])))
        low, high = _SHEET_LONG_SIDE_INCHES
        if _DPI_RANGE[0] <= value <= _DPI_RANGE[1] and low <= long_side / value <= high:
            return value
    estimate = round(long_side / _A4_LONG_SIDE_INCHES)
    return estimate if _DPI_RANGE[0] <= estimate <= _DPI_RANGE[1] else fallback


def _to_bgr(image: Image.Image) -> np.ndarray:
    """Any PIL mode to BGR uint8; transparency is laid on white paper, not black."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        values = np.asarray(image, dtype=np.float32)
        peak = float(values.max()) or 1.0
        gray = np.clip(values * (255.0 / peak), 0, 255).astype(np.uint8)
        return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(paper, rgba)
    if image.mode == "L":
        return cv2.cvtColor(np.asarray(image), cv2.COLOR_GRAY2BGR)
    return cv2.cvtColor(np.asarray(image.convert("RGB")), cv2.COLOR_RGB2BGR)
