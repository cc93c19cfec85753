"""A minimal PDF writer: one full-page image per page, nothing else, byte-for-byte deterministic.

Each page's MediaBox is the image size at `dpi`, so rasterising the PDF at that DPI gives the
image's pixel size back. JPEG pages embed the JPEG stream (DCTDecode) as scanners do; lossless
pages embed zlib-compressed raw pixels (FlateDecode).
"""

import io
import zlib
from pathlib import Path

import numpy as np
from PIL import Image


def _image_stream(image: np.ndarray, jpeg_quality: int | None) -> tuple[bytes, str, str]:
    gray = image.ndim == 2
    space = "/DeviceGray" if gray else "/DeviceRGB"
    if jpeg_quality is None:
        return zlib.compress(np.ascontiguousarray(image).tobytes(), 6), "/FlateDecode", space
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="JPEG", quality=jpeg_quality)
    return buf.getvalue(), "/DCTDecode", space


def write_pdf(
    path: Path, images: list[np.ndarray], dpi: int, jpeg_qualities: list[int | None]
) -> None:
    """Write `images` (H x W gray or H x W x 3 RGB, uint8) as the pages of a PDF."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    add(b"<< /Type /Catalog /Pages 2 0 R >>")
    add(b"")  # the page tree, filled in once the kids are known
    kids = []
    for image, quality in zip(images, jpeg_qualities, strict=True):
        h, w = image.shape[:2]
        data, filt, space = _image_stream(image, quality)
        img = add(
            f"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace {space} "
            f"/BitsPerComponent 8 /Filter {filt} /Length {len(data)} >>\nstream\n".encode()
            + data
            + b"\nendstream"
        )
        pw, ph = f"{w * 72 / dpi:.4f}", f"{h * 72 / dpi:.4f}"
        draw = f"q {pw} 0 0 {ph} 0 0 cm /Im0 Do Q".encode()
        content = add(b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream")
        kids.append(
            add(
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw} {ph}] /Resources "
                f"<< /XObject << /Im0 {img} 0 R >> >> /Contents {content} 0 R >>".encode()
            )
        )
    refs = " ".join(f"{k} 0 R" for k in kids)
    objects[1] = f"<< /Type /Pages /Kids [{refs}] /Count {len(kids)} >>".encode()

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    path.write_bytes(out.getvalue())
