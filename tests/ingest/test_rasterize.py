"""Rasterisation: pages come out one by one as upright BGR images with a believable DPI."""

import os
import time
from math import ceil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.artifacts import SourceDocument
from ingest.errors import InputRejected
from ingest.rasterize import _Pipe, rasterize, rasterize_many
from ingest.sources import accept_upload
from jixiao.options import input_limits
from jixiao.settings import Settings
from tests.reliability import files

LIMITS = input_limits(Settings())


def _accept(path: Path) -> SourceDocument:
    return accept_upload(path, path.name, LIMITS)


def _pdf_with_coloured_pages(path: Path, colours: list[tuple[float, float, float]]) -> Path:
    doc = canvas.Canvas(str(path), pagesize=A4)
    for red, green, blue in colours:
        doc.setFillColorRGB(red, green, blue)
        doc.rect(0, 0, A4[0], A4[1], stroke=0, fill=1)
        doc.showPage()
    doc.save()
    return path


def test_pdf_pages_stream_in_order_as_bgr(tmp_path: Path) -> None:
    colours = [(1.0, 0.0, 0.0), (0.0, 0.0, 1.0), (0.0, 1.0, 0.0)]
    source = _accept(_pdf_with_coloured_pages(tmp_path / "doc.pdf", colours))
    pages = list(rasterize(source, dpi=100, limits=LIMITS))
    assert [p.index for p in pages] == [0, 1, 2]
    for page, (red, green, blue) in zip(pages, colours, strict=True):
        assert page.dpi == 100
        assert page.image.dtype == np.uint8
        assert page.image.shape == (ceil(A4[1] / 72 * 100), ceil(A4[0] / 72 * 100), 3)
        centre = page.image[page.image.shape[0] // 2, page.image.shape[1] // 2]
        assert tuple(int(v) for v in centre) == (blue * 255, green * 255, red * 255)


def test_stopping_early_ends_the_renderer(tmp_path: Path) -> None:
    source = _accept(_pdf_with_coloured_pages(tmp_path / "doc.pdf", [(1, 1, 1)] * 4))
    pages = rasterize(source, dpi=50, limits=LIMITS)
    assert next(pages).index == 0
    pages.close()  # must not hang or leave poppler writing into a closed pipe


def test_image_keeps_its_pixels_and_stated_resolution(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    pixels = np.random.default_rng(1).integers(0, 256, (3508, 2480, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path, dpi=(300, 300), compress_level=1)
    (page,) = rasterize(_accept(path), dpi=200, limits=LIMITS)
    assert page.dpi == 300
    assert np.array_equal(page.image, pixels[:, :, ::-1])


@pytest.mark.parametrize(
    ("size", "stated", "expected"),
    [
        ((1654, 2339), None, 200),  # A4 at 200 DPI without a stated resolution
        ((3000, 4000), (72, 72), 342),  # phone photo: 72 DPI would make a 56-inch sheet
        ((2339, 1654), (1, 1), 200),  # JFIF's "no unit" default, landscape
    ],
)
def test_image_resolution_is_estimated_when_the_file_is_not_believable(
    tmp_path: Path, size: tuple[int, int], stated: tuple[int, int] | None, expected: int
) -> None:
    path = tmp_path / "photo.jpg"
    extra = {"dpi": stated} if stated else {}
    Image.new("RGB", size, "white").save(path, quality=50, **extra)
    (page,) = rasterize(_accept(path), dpi=150, limits=LIMITS)
    assert page.dpi == expected


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    path = tmp_path / "phone.jpg"
    image = Image.new("RGB", (400, 300), "white")
    image.paste((0, 0, 0), (0, 0, 100, 100))  # a black square top left as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    image.save(path, exif=exif, quality=95)
    (page,) = rasterize(_accept(path), dpi=200, limits=LIMITS)
    assert page.image.shape[:2] == (400, 300)
    assert page.image[50, 250].max() < 40  # the square now sits top right
    assert page.image[50, 50].min() > 200


def test_transparency_is_laid_on_white(tmp_path: Path) -> None:
    path = tmp_path / "clear.png"
    Image.new("RGBA", (120, 80), (0, 0, 0, 0)).save(path)
    (page,) = rasterize(_accept(path), dpi=200, limits=LIMITS)
    assert page.image.min() == 255


def test_tiff_frames_and_several_images_form_one_document(tmp_path: Path) -> None:
    tiff = tmp_path / "pages.tif"
    frames = [Image.new("1", (60, 80), value) for value in (0, 1, 0)]
    frames[0].save(tiff, save_all=True, append_images=frames[1:], compression="group4")
    photo = tmp_path / "last.png"
    Image.new("RGB", (60, 80), (40, 50, 60)).save(photo)
    pages = list(rasterize_many([_accept(tiff), _accept(photo)], dpi=200, limits=LIMITS))
    assert [p.index for p in pages] == [0, 1, 2, 3]
    assert [int(p.image[0, 0, 0]) for p in pages] == [0, 255, 0, 60]
    assert all(p.image.shape == (80, 60, 3) for p in pages)


def test_truncated_image_data_is_rejected_when_decoded(tmp_path: Path) -> None:
    path = tmp_path / "cut.jpg"
    noise = np.random.default_rng(2).integers(0, 256, (400, 300, 3), dtype=np.uint8)
    Image.fromarray(noise).save(path, quality=90)
    path.write_bytes(path.read_bytes()[:5000])
    source = _accept(path)
    with pytest.raises(InputRejected) as caught:
        list(rasterize(source, dpi=200, limits=LIMITS))
    assert caught.value.code == "corrupt_image"


# Page-size bombs: the page box that was checked is the box rendered, at the size it gives,
# within a memory limit; never the media box behind a small crop box.


def _pdf(path: Path, content: bytes) -> SourceDocument:
    path.write_bytes(content)
    return _accept(path)


def test_a_small_crop_box_over_a_huge_media_box_renders_the_crop_box(tmp_path: Path) -> None:
    boxes = b"/MediaBox [0 0 9000 9000] /CropBox [0 0 595 842]"
    (page,) = rasterize(_pdf(tmp_path / "crop.pdf", files.boxed_pdf(boxes)), dpi=20, limits=LIMITS)
    assert page.image.shape == (ceil(842 / 72 * 20), ceil(595 / 72 * 20), 3)  # not 2500 x 2500


def test_a_box_scaled_by_user_unit_renders_no_larger_than_checked(tmp_path: Path) -> None:
    boxes = b"/MediaBox [0 0 595 842] /UserUnit 1000"
    (page,) = rasterize(_pdf(tmp_path / "unit.pdf", files.boxed_pdf(boxes)), dpi=20, limits=LIMITS)
    assert page.image.shape == (ceil(842 / 72 * 20), ceil(595 / 72 * 20), 3)


def test_the_renderer_runs_within_its_memory_limit(tmp_path: Path) -> None:
    """An A4 page at 600 DPI (35 Mpx) needs over 100 MiB; with 64 MiB allowed, the page is
    refused with a reason instead of taking the memory."""
    source = _pdf(tmp_path / "a4.pdf", files.boxed_pdf(b"/MediaBox [0 0 595 842]"))
    tight = input_limits(Settings(raster_memory_bytes=64 << 20))
    with pytest.raises(InputRejected) as caught:
        list(rasterize(source, dpi=600, limits=tight))
    assert caught.value.code in {"image_too_large", "corrupt_pdf"}


def test_a_page_over_the_pixel_limit_at_this_resolution_is_refused_before_rendering(
    tmp_path: Path,
) -> None:
    source = _pdf(tmp_path / "a4.pdf", files.boxed_pdf(b"/MediaBox [0 0 595 842]"))
    with pytest.raises(InputRejected) as caught:
        next(rasterize(source, dpi=2400, limits=LIMITS))  # 19843 x 28067: past the 60 Mpx limit
    assert caught.value.code == "image_too_large"


def test_a_rendered_page_of_another_size_is_refused_from_its_header() -> None:
    """A header announcing 25000 x 25000 pixels for a page checked at 10 x 10: refused before
    1.9 GB are allocated (narrow test: the header is written here, not by poppler)."""
    read_end, write_end = os.pipe()
    os.write(write_end, b"P6\n25000 25000\n255\n" + b"\0" * 64)
    os.close(write_end)
    with os.fdopen(read_end, "rb", buffering=0) as stream, pytest.raises(InputRejected) as caught:
        _Pipe(stream).read_ppm(time.monotonic() + 5, 1, (10, 10))
    assert caught.value.code == "corrupt_pdf" and "25000 x 25000" in caught.value.message
