"""Upload acceptance: every hostile or broken file ends in its own stable rejection code."""

import hashlib
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.errors import InputRejected
from ingest.sources import InputLimits, accept_upload, safe_filename
from jixiao.options import input_limits
from jixiao.settings import Settings


def _pdf(path: Path, pages: int = 1, size: tuple[float, float] = A4, **kwargs: object) -> Path:
    doc = canvas.Canvas(str(path), pagesize=size, **kwargs)
    for number in range(pages):
        doc.drawString(72, 720, f"page {number + 1}")
        doc.showPage()
    doc.save()
    return path


def _png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG that claims huge dimensions but holds no pixel data: a decompression bomb's header."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))
    return path


def _tiff_headers(path: Path, frames: list[tuple[int, int]]) -> Path:
    """A little-endian TIFF whose frames claim the given sizes; the strips are not really there."""
    entries_per_ifd = 9
    ifd_size = 2 + entries_per_ifd * 12 + 4
    data_offset = 8
    first_ifd = data_offset + 16
    out = bytearray(b"II*\x00" + struct.pack("<I", first_ifd) + bytes(16))
    for number, (width, height) in enumerate(frames):
        offset = first_ifd + number * ifd_size
        next_ifd = offset + ifd_size if number + 1 < len(frames) else 0
        tags = [
            (256, 4, width),
            (257, 4, height),
            (258, 3, 8),
            (259, 3, 1),
            (262, 3, 1),
            (273, 4, data_offset),
            (277, 3, 1),
            (278, 4, height),
            (279, 4, 16),
        ]
        out += struct.pack("<H", len(tags))
        for tag, kind, value in tags:
            packed = struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
            out += struct.pack("<HHI", tag, kind, 1) + packed
        out += struct.pack("<I", next_ifd)
    path.write_bytes(bytes(out))
    return path


def _limits(**changes: object) -> InputLimits:
    return input_limits(Settings(**changes))


@pytest.fixture
def limits() -> InputLimits:
    return _limits(max_pages=5, max_upload_bytes=10_000_000, max_image_pixels=60_000_000)


def _code(path: Path, limits: InputLimits) -> str:
    with pytest.raises(InputRejected) as caught:
        accept_upload(path, path.name, limits)
    assert caught.value.message
    return caught.value.code


def test_a_pdf_is_accepted_with_its_hash_and_page_count(
    tmp_path: Path, limits: InputLimits
) -> None:
    path = _pdf(tmp_path / "doc.bin", pages=3)
    source = accept_upload(path, "../../secret/表格 1.pdf", limits)
    assert source.media_type == "application/pdf"
    assert source.pages == 3
    assert source.size == path.stat().st_size
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert source.filename == "表格 1.pdf"


def test_images_are_sniffed_from_bytes_not_names(tmp_path: Path, limits: InputLimits) -> None:
    png = tmp_path / "scan.pdf"
    Image.new("RGB", (40, 30), "white").save(png, format="PNG")
    jpeg = tmp_path / "scan.png"
    Image.new("RGB", (40, 30), "white").save(jpeg, format="JPEG")
    assert accept_upload(png, png.name, limits).media_type == "image/png"
    assert accept_upload(jpeg, jpeg.name, limits).media_type == "image/jpeg"


def test_tiff_frames_are_pages(tmp_path: Path, limits: InputLimits) -> None:
    path = tmp_path / "pages.tif"
    frames = [Image.new("L", (50, 70), value) for value in (0, 128, 255)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    source = accept_upload(path, path.name, limits)
    assert (source.media_type, source.pages) == ("image/tiff", 3)


def test_owner_password_only_pdf_is_readable_and_accepted(
    tmp_path: Path, limits: InputLimits
) -> None:
    encrypt = pdfencrypt.StandardEncryption("", "owner", canPrint=0)
    path = _pdf(tmp_path / "restricted.pdf", encrypt=encrypt)
    assert accept_upload(path, path.name, limits).pages == 1


def test_empty_file(tmp_path: Path, limits: InputLimits) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert _code(path, limits) == "empty_file"


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "doc.pdf")
    limit = _limits(max_upload_bytes=path.stat().st_size - 1)
    assert _code(path, limit) == "file_too_large"


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><body>not a pdf</body></html>",
        b"\x7fELF\x02\x01\x01" + bytes(200),
        b"MZ\x90\x00" + bytes(200),
        b"PK\x03\x04" + bytes(200),
    ],
    ids=["html", "elf", "windows-exe", "zip"],
)
def test_other_types_renamed_pdf(tmp_path: Path, limits: InputLimits, content: bytes) -> None:
    path = tmp_path / "invoice.pdf"
    path.write_bytes(content)
    assert _code(path, limits) == "unsupported_type"


def test_truncated_pdf(tmp_path: Path, limits: InputLimits) -> None:
    data = _pdf(tmp_path / "whole.pdf", pages=2).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert _code(path, limits) == "corrupt_pdf"


def test_pdf_with_garbage_body(tmp_path: Path, limits: InputLimits) -> None:
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n")
    assert _code(path, limits) == "corrupt_pdf"


def test_password_protected_pdf(tmp_path: Path, limits: InputLimits) -> None:
    encrypt = pdfencrypt.StandardEncryption("user-secret", "owner-secret")
    path = _pdf(tmp_path / "locked.pdf", encrypt=encrypt)
    assert _code(path, limits) == "encrypted_pdf"


def test_pdf_without_pages(tmp_path: Path, limits: InputLimits) -> None:
    path = tmp_path / "zero.pdf"
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    assert _code(path, limits) == "no_pages"


def test_pdf_with_too_many_pages(tmp_path: Path, limits: InputLimits) -> None:
    path = _pdf(tmp_path / "long.pdf", pages=limits.max_pages + 1)
    assert _code(path, limits) == "too_many_pages"
    assert accept_upload(path, path.name, _limits(max_pages=limits.max_pages + 1)).pages == 6


def test_pdf_page_too_large_to_render(tmp_path: Path, limits: InputLimits) -> None:
    path = _pdf(tmp_path / "poster.pdf", size=(14_000, 14_000))  # 194 inches square
    assert _code(path, limits) == "image_too_large"


def test_png_decompression_bomb_is_refused_from_its_header(
    tmp_path: Path, limits: InputLimits
) -> None:
    path = _png_header_only(tmp_path / "bomb.png", 30_000, 30_000)
    assert path.stat().st_size < 100
    assert _code(path, limits) == "image_too_large"


def test_png_over_the_configured_pixel_limit(tmp_path: Path) -> None:
    path = _png_header_only(tmp_path / "big.png", 4_000, 3_000)
    assert _code(path, _limits(max_image_pixels=10_000_000)) == "image_too_large"
    assert accept_upload(path, path.name, _limits(max_image_pixels=12_000_000)).pages == 1


def test_tiff_with_a_huge_later_frame(tmp_path: Path, limits: InputLimits) -> None:
    path = _tiff_headers(tmp_path / "bomb.tif", [(100, 100), (20_000, 20_000), (20_000, 20_000)])
    assert _code(path, limits) == "image_too_large"


def test_tiff_with_too_many_frames(tmp_path: Path, limits: InputLimits) -> None:
    path = _tiff_headers(tmp_path / "many.tif", [(100, 100)] * 10_000)
    assert _code(path, limits) == "too_many_pages"


def test_image_with_a_valid_signature_and_broken_body(tmp_path: Path, limits: InputLimits) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert _code(path, limits) == "corrupt_image"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\clerk\\部门 预算.pdf", "部门 预算.pdf"),
        ("a\x00b\r\nc\x1b[31m.pdf", "abc[31m.pdf"),
        ("evil\u202efdp.exe", "evilfdp.exe"),
        ("..", "upload"),
        ("/", "upload"),
        ("", "upload"),
        ("...hidden.pdf", "hidden.pdf"),
    ],
)
def test_safe_filename(given: str, shown: str) -> None:
    assert safe_filename(given) == shown


def test_safe_filename_shortens_long_names_but_keeps_the_extension() -> None:
    shown = safe_filename("预" * 400 + ".pdf")
    assert shown.endswith(".pdf")
    assert len(shown) <= 150
