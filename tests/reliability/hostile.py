"""The hostile corpus in `tests/data/hostile/`: files an attacker or a careless user sends, each
with the answer the upload must get. `python -m tests.reliability.hostile` writes the files and
`expected.json` from the builders in `files.py` (the stored files are what the tests read;
writing them takes a minute and a few GB of memory, for the JPEG 2000 images)."""

import json
from pathlib import Path

from tests.reliability import files

CORPUS = Path(__file__).parents[1] / "data" / "hostile"


def _polyglot() -> bytes:
    """A PNG signature with a PDF inside the first KiB: judged a PNG, and a broken one."""
    return files.png()[:16] + files.boxed_pdf(b"/MediaBox [0 0 595 842]")


def _deep_pdf() -> bytes:
    """A page whose dictionary nests 50,000 arrays deep: parser recursion as a bomb."""
    nested = b"[" * 50_000 + b"]" * 50_000
    return files.raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Deep " + nested + b" >>",
        ]
    )


def _tiff_frame_without_width() -> bytes:
    """A two-frame TIFF whose second frame has no width: PIL raises TypeError on it (found by
    the property tests; answered 500 before)."""
    tiff = files.tiff_bomb(2)
    width_tag = b"\x00\x01\x03\x00\x01\x00\x00\x00"  # tag 256, SHORT, one value
    second = tiff.find(width_tag, tiff.find(width_tag) + 1)
    return tiff[:second] + b"\x99\x99" + tiff[second + 2 :]


def build() -> dict[str, tuple[bytes, dict]]:
    """name -> (content, {"status": HTTP status, "error": code, or "pages": pages stored})."""
    a4 = b"/MediaBox [0 0 595 842]"
    return {
        "crop-box-over-9000pt-media-box.pdf": (
            files.boxed_pdf(b"/MediaBox [0 0 9000 9000] /CropBox [0 0 595 842]"),
            {"status": 202, "pages": 1},
        ),
        "user-unit-1000.pdf": (
            files.boxed_pdf(a4 + b" /UserUnit 1000"),
            {"status": 202, "pages": 1},
        ),
        "page-1e6-by-90pt.pdf": (
            files.boxed_pdf(b"/MediaBox [0 0 1000000 90]"),
            {"status": 422, "error": "image_too_large"},
        ),
        "rotated-page-3e5pt.pdf": (
            files.boxed_pdf(b"/MediaBox [0 0 90 300000] /Rotate 90"),
            {"status": 422, "error": "image_too_large"},
        ),
        "negative-box.pdf": (
            files.boxed_pdf(b"/MediaBox [0 0 -595 842]"),
            {"status": 202, "pages": 1},
        ),
        "50-pages-one-20000px-image.pdf": (
            files.image_bomb_pdf(),
            {"status": 422, "error": "image_too_large"},
        ),
        "50-pages-one-20000px-jpx.pdf": (  # the probe's: held a worker for 302 s
            files.jpx_bomb_pdf(20000),
            {"status": 422, "error": "image_too_large"},
        ),
        "50-pages-one-12000px-jpx-stated-10px.pdf": (  # decodable within the memory limit
            files.jpx_bomb_pdf(12000, stated=10),
            {"status": 422, "error": "image_too_large"},
        ),
        "nested-50000-deep.pdf": (_deep_pdf(), {"status": 202, "pages": 1}),
        "zero-pages.pdf": (files.zero_page_pdf(), {"status": 422, "error": "no_pages"}),
        "encrypted.pdf": (files.encrypted_pdf(), {"status": 422, "error": "encrypted_pdf"}),
        "no-eof-marker.pdf": (files.pdf(pages=2)[:600], {"status": 422, "error": "corrupt_pdf"}),
        "garbage.pdf": (
            b"%PDF-1.4\n1 0 obj <<>> garbage\n%%EOF\n",
            {"status": 422, "error": "corrupt_pdf"},
        ),
        "elf-named-pdf.pdf": (files.executable(), {"status": 415, "error": "unsupported_type"}),
        "png-then-pdf-polyglot.png": (_polyglot(), {"status": 422, "error": "corrupt_image"}),
        "png-30000x30000.png": (files.png_bomb(), {"status": 422, "error": "image_too_large"}),
        "tiff-500-frames.tif": (files.tiff_bomb(), {"status": 422, "error": "too_many_pages"}),
        "tiff-second-frame-without-width.tif": (
            _tiff_frame_without_width(),
            {"status": 422, "error": "corrupt_image"},
        ),
        "zip-150MB-of-zeros.zip": (
            files.zip_of({"a.pdf": b"\0" * 150_000_000}),
            {"status": 422, "error": "zip_unsafe"},
        ),
        "zip-slip.zip": (
            files.zip_of({"../../../../tmp/evil.png": files.png(mark=41)}),
            {"status": 202, "pages": 1},
        ),
    }


def write() -> None:
    CORPUS.mkdir(parents=True, exist_ok=True)
    expected = {}
    for name, (content, outcome) in build().items():
        (CORPUS / name).write_bytes(content)
        expected[name] = outcome
    text = json.dumps(expected, indent=1, ensure_ascii=False) + "\n"
    (CORPUS / "expected.json").write_text(text, encoding="utf-8")


def stored() -> dict[str, dict]:
    return json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


if __name__ == "__main__":
    write()
