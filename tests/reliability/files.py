"""Hostile and broken files, built in the test from scratch (nothing downloaded or stored)."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw


def png(width: int = 320, height: int = 200, mark: int = 0) -> bytes:
    """A small white page; `mark` moves a dot so each one has its own sha256."""
    image = Image.new("L", (width, height), 255)
    image.putpixel((mark % width, (mark // width) % height), 0)
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def png_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A valid PNG header claiming `width` x `height` with a tiny, highly compressed body."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit gray
    row = b"\0" + b"\0" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(64)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def tiff_bomb(frames: int = 500) -> bytes:
    """A multi-frame TIFF: every frame small, but far more of them than pages allowed."""
    pages = [Image.new("1", (64, 64), 1) for _ in range(frames)]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:], compression="group4")
    return buf.getvalue()


def pdf(pages: int = 1, size: tuple[int, int] = (300, 200)) -> bytes:
    images = [Image.new("RGB", size, "white") for _ in range(pages)]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=72)
    return buf.getvalue()


def encrypted_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    page = canvas.Canvas(buf, pagesize=A4, encrypt="secret")
    page.drawString(100, 700, "locked")
    page.save()
    return buf.getvalue()


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written object by object (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def zero_page_pdf() -> bytes:
    """A well-formed PDF whose page tree is empty."""
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def _stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), entries) + data + b"\nendstream"


def boxed_pdf(boxes: bytes, pages: int = 1) -> bytes:
    """Pages with the given box entries (`/MediaBox [...] /CropBox [...]`, `/UserUnit`...),
    each drawing one line: what a page costs is decided by its boxes alone."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R %s /Contents 3 0 R >>" % boxes
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
            _stream(b"0 0 m 100 100 l S"),
            *[page] * pages,
        ]
    )


def image_bomb_pdf(side: int = 20000, pages: int = 50) -> bytes:
    """Every A4 page draws one `side` x `side` image (1 bit, zeros: a few KB deflated) at
    about 2 cm: tiny on paper and on disk, but decoded whole for every page it is drawn on."""
    row = b"\0" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    image = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    entries = b"/BitsPerComponent 1 /Filter /FlateDecode"
    return _pages_drawing(image, (side, side), entries, pages)


def jpx_bomb_pdf(side: int, stated: int | None = None, pages: int = 50) -> bytes:
    """Every A4 page draws one `side` x `side` JPEG 2000 image (zeros: about a KB), whose
    dictionary says it is `stated` x `stated` (default: the truth). Encoding it takes seconds
    and gigabytes, so only the corpus writer calls this."""
    encoded = io.BytesIO()
    Image.new("L", (side, side), 0).save(encoded, "JPEG2000", tile_size=(4096, 4096))
    entries = b"/BitsPerComponent 8 /Filter /JPXDecode"
    size = (stated or side, stated or side)
    return _pages_drawing(encoded.getvalue(), size, entries, pages)


def _pages_drawing(image: bytes, size: tuple[int, int], entries: bytes, pages: int) -> bytes:
    """`pages` A4 pages drawing one gray image XObject (`size` as its dictionary states it)."""
    entries = b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray %s" % (
        *size,
        entries,
    )
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
        b"/Resources << /XObject << /Im0 4 0 R >> >> >>"
    )
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
            _stream(b"q 60 0 0 60 100 600 cm /Im0 Do Q"),
            _stream(image, entries),
            *[page] * pages,
        ]
    )


def executable() -> bytes:
    """An ELF header, as an executable renamed to .pdf starts."""
    return b"\x7fELF\x02\x01\x01\x00" + b"\0" * 8 + b"\x02\x00\x3e\x00" + b"\0" * 200


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buf.getvalue()


def ruled_table(path: Path, labels: list[list[str]], cell: tuple[int, int] = (260, 70)) -> Path:
    """A ruled table drawn with a CJK font: a page with a table that is not the form."""
    from ingest.synth.fonts import FACES, load_font  # the corpus generator's fonts

    rows, cols = len(labels), len(labels[0])
    w, h = cell
    image = Image.new("RGB", (cols * w + 160, rows * h + 160), "white")
    draw = ImageDraw.Draw(image)
    font = load_font(next(iter(FACES)), 30)
    for r in range(rows + 1):
        draw.line([(80, 80 + r * h), (80 + cols * w, 80 + r * h)], fill="black", width=3)
    for c in range(cols + 1):
        draw.line([(80 + c * w, 80), (80 + c * w, 80 + rows * h)], fill="black", width=3)
    for r, row in enumerate(labels):
        for c, text in enumerate(row):
            draw.text((80 + c * w + 16, 80 + r * h + 18), text, fill="black", font=font)
    image.save(path)
    return path


def noise_page(path: Path, seed: int = 0) -> Path:
    """A page with text-like marks and no ruling lines: a page with no table."""
    rng = np.random.default_rng(seed)
    page = np.full((600, 800), 255, np.uint8)
    for _ in range(40):
        x, y = int(rng.integers(20, 700)), int(rng.integers(20, 560))
        page[y : y + 12, x : x + int(rng.integers(20, 80))] = 0
    Image.fromarray(page).save(path)
    return path
