"""Accept an upload: decide what it is from its bytes and refuse it before any heavy work.

Every limit is checked from headers only (file size from the file system, page counts, page
boxes and the pixel sizes of the images a page draws from the PDF's structure, read by PDFium
in a limited child process; image dimensions from the image header, frame by frame for TIFF),
so a hostile file costs milliseconds, not memory. The name the client gave is used for display
only, after `safe_filename`; it never decides the type.
"""

import hashlib
import math
import unicodedata
import warnings
from pathlib import Path, PurePosixPath

from PIL import Image
from pydantic import BaseModel, ConfigDict

from ingest.artifacts import SourceDocument
from ingest.digital.package import OFFICE_TYPES, office_kind
from ingest.errors import InputRejected
from ingest.pdfpages import PdfPage, inspect_pdf

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)
_ZIP = b"PK\x03\x04"
# Readers accept a PDF header anywhere in the first KiB and an end marker in the last KiB.
_PDF_WINDOW = 1024
_PDF_READ_TIMEOUT_S = 30
_CHUNK = 1 << 20
_MAX_NAME_CHARS = 150


class InputLimits(BaseModel):
    """What one document may cost, checked here on upload and again by the rasteriser."""

    model_config = ConfigDict(frozen=True)

    max_upload_bytes: int
    max_pages: int
    max_image_pixels: int  # per page rendered, and per page's images decoded
    # The pixel limit is judged on pages as they render at this resolution.
    raster_dpi: int
    raster_memory_bytes: int  # address space of each child that parses or renders a PDF


def accept_upload(path: Path, filename: str, limits: InputLimits) -> SourceDocument:
    """Check an uploaded file against the input rules; raise `InputRejected` if it breaks one."""
    size = path.stat().st_size
    if size == 0:
        raise InputRejected("empty_file", "The file is empty.")
    if size > limits.max_upload_bytes:
        raise InputRejected(
            "file_too_large",
            f"The file has {size} bytes; the limit is {limits.max_upload_bytes}.",
        )
    media_type = sniff_media_type(path)
    if media_type == PDF:
        pages = _check_pdf(path, limits)
    elif media_type in OFFICE_TYPES:
        from ingest.digital.office import check_office

        check_office(path, media_type, limits.max_upload_bytes)
        pages = 1  # until it is printed (`ingest.digital.pages.with_printed_pages`)
    else:
        pages = _check_image(path, media_type, limits)
    return SourceDocument(
        path=str(path),
        filename=safe_filename(filename),
        sha256=sha256_file(path),
        size=size,
        media_type=media_type,
        pages=pages,
    )


def sniff_media_type(path: Path) -> str:
    """The media type from the content; anything but PDF, PNG, JPEG, TIFF, XLSX or DOCX is
    refused (an XLSX or DOCX is a zip package told by the parts it holds)."""
    with path.open("rb") as handle:
        head = handle.read(_PDF_WINDOW)
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    if head.startswith(_ZIP):  # a zip's first member may be a PDF: that is no PDF
        if kind := office_kind(path):
            return kind
    elif b"%PDF-" in head:
        return PDF
    raise InputRejected(
        "unsupported_type",
        "The file is not a PDF, PNG, JPEG, TIFF, XLSX or DOCX (judged by its content).",
    )


def sha256_file(path: Path) -> str:
    """Hash in chunks so a large upload never sits in memory whole."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def safe_filename(name: str) -> str:
    """A display name without directories, control characters or traversal; never empty."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/")
    name = PurePosixPath(name).name
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).lstrip(". ")
    if len(name) > _MAX_NAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        keep = ext if dot and 0 < len(ext) <= 10 else ""
        head = (stem if keep else name)[: _MAX_NAME_CHARS - len(keep) - 1].rstrip()
        name = f"{head}.{keep}" if keep else head
    return name or "upload"


def _check_pdf(path: Path, limits: InputLimits) -> int:
    with path.open("rb") as handle:
        handle.seek(max(path.stat().st_size - _PDF_WINDOW, 0))
        tail = handle.read()
    if b"%%EOF" not in tail:
        raise InputRejected(
            "corrupt_pdf", "The PDF is truncated: its end-of-file marker is missing."
        )
    layout = inspect_pdf(path, limits.max_pages, limits.raster_memory_bytes, _PDF_READ_TIMEOUT_S)
    if layout.page_count == 0:
        raise InputRejected("no_pages", "The PDF has no pages.")
    _check_page_count(layout.page_count, limits)
    for number, page in enumerate(layout.pages, start=1):
        check_pdf_page(page, number, limits.raster_dpi, limits)
    return layout.page_count


def check_pdf_page(page: PdfPage, number: int, dpi: int, limits: InputLimits) -> None:
    """Refuse a page that would render at `dpi` to more than `max_image_pixels` pixels, or
    whose images would take more than that to decode however small they are drawn (one huge
    image reused on every page is a work bomb)."""
    if not all(0 < side < math.inf for side in (page.width_pt, page.height_pt)):
        raise InputRejected("corrupt_pdf", f"Page {number} of the PDF has no size.")
    check_pixels(*page.rendered_size(dpi), limits, f"page {number}")
    if page.image_pixels > limits.max_image_pixels:
        raise InputRejected(
            "image_too_large",
            f"Page {number} draws images of {page.image_pixels} pixels in all; "
            f"the limit is {limits.max_image_pixels} pixels.",
        )


def _check_image(path: Path, media_type: str, limits: InputLimits) -> int:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                pages = 0
                while True:
                    pages += 1
                    _check_page_count(pages, limits)
                    check_pixels(*image.size, limits, f"frame {pages}")
                    if media_type != TIFF:
                        break
                    try:
                        image.seek(pages)
                    except EOFError:
                        break
    except Image.DecompressionBombError as exc:
        raise InputRejected(
            "image_too_large", "The image's dimensions are absurdly large."
        ) from exc
    except InputRejected:
        raise
    except (
        Exception
    ) as exc:  # a decoder fed a hostile file may raise anything (TypeError, KeyError…)
        raise InputRejected("corrupt_image", "The image is damaged and cannot be read.") from exc
    return pages


def _check_page_count(pages: int, limits: InputLimits) -> None:
    if pages > limits.max_pages:
        raise InputRejected(
            "too_many_pages",
            f"The document has more than {limits.max_pages} pages, the limit.",
        )


def check_pixels(width: float, height: float, limits: InputLimits, where: str) -> None:
    """Refuse a page or frame of more than `max_image_pixels` pixels."""
    if width * height > limits.max_image_pixels:
        raise InputRejected(
            "image_too_large",
            f"{where.capitalize()} would be {int(width)} x {int(height)} pixels; "
            f"the limit is {limits.max_image_pixels} pixels.",
        )
