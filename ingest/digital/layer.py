"""What a PDF page holds besides pixels: its text layer's characters and its vector rules.

PDFium (through pypdfium2, Apache-2.0/BSD) is used because it gives, in one native pass, every
character with its box, whether its glyph has a Unicode map and how it is rendered, the page's
path objects with their points, and the page rendered by the same engine, so character boxes
and the reviewer's image agree to the pixel. Everything is returned in pixels of the page
rendered at the pipeline's DPI, the coordinate system of every other artifact.

PDFium is not thread-safe: one `PdfLayer` is used by one thread at a time.
"""

import ctypes
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as raw

from ingest.errors import InputRejected

_POINTS_PER_INCH = 72.0
# Render modes that paint nothing: 3 (invisible, the scanner's OCR layer) and 7 (clip only).
_INVISIBLE_MODES = frozenset({3, 7})
_MAX_FORM_DEPTH = 8
# A path side thinner than this (in points) is a rule drawn as a filled rectangle.
_THIN_PT = 3.0
_PAPER_WHITE = 245  # a fill or stroke this light on every channel does not print


@dataclass(frozen=True, slots=True)
class LayerChar:
    """One character of the text layer; `box` spans the font's height, in page pixels."""

    text: str
    box: tuple[float, float, float, float]
    visible: bool  # it is painted: its render mode draws it, and inside its clip
    unmapped: bool  # its glyph has no Unicode map: the text is a guess
    font: str = ""  # the font's base name: a wrong Unicode map belongs to a font


@dataclass(frozen=True, slots=True)
class Segment:
    """A straight horizontal or vertical stroke of the page's vector graphics, in pixels."""

    x0: float
    y0: float
    x1: float
    y1: float
    thickness: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.y1 - self.y0)


@dataclass(frozen=True)
class LayerPage:
    """The text layer and vector strokes of one page."""

    index: int
    width: int
    height: int
    dpi: int
    chars: tuple[LayerChar, ...]
    segments: tuple[Segment, ...]
    image_share: float  # share of the page under its largest image


class PdfLayer:
    """An open PDF whose pages are read for their text layer, vectors and rendering."""

    def __init__(self, path: Path) -> None:
        try:
            self._pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            raise InputRejected("corrupt_pdf", f"The PDF cannot be opened: {exc}") from exc

    def __len__(self) -> int:
        return len(self._pdf)

    def close(self) -> None:
        self._pdf.close()

    def read(self, index: int, dpi: int) -> LayerPage:
        """Characters, strokes and image coverage of page `index` (0-based)."""
        page = self._pdf[index]
        try:
            to_px = _PageTransform.of(page, dpi)
            textpage = page.get_textpage()
            try:
                chars = tuple(_chars(textpage, to_px))
            finally:
                textpage.close()
            segments: list[Segment] = []
            images: list[float] = []
            _walk(page, None, _IDENTITY, to_px, segments, images, 0)
            area = float(to_px.width * to_px.height) or 1.0
            return LayerPage(
                index=index,
                width=to_px.width,
                height=to_px.height,
                dpi=dpi,
                chars=chars,
                segments=tuple(segments),
                image_share=min(max(images, default=0.0) / area, 1.0),
            )
        finally:
            page.close()

    def render(self, index: int, dpi: int) -> np.ndarray:
        """The page as BGR pixels, by the engine whose boxes `read` gives."""
        page = self._pdf[index]
        try:
            bitmap = page.render(scale=dpi / _POINTS_PER_INCH, rev_byteorder=False)
            pixels = bitmap.to_numpy()
            return np.ascontiguousarray(pixels[:, :, :3])
        finally:
            page.close()


@contextmanager
def open_layer(path: Path) -> Iterator[PdfLayer]:
    layer = PdfLayer(path)
    try:
        yield layer
    finally:
        layer.close()


# --- coordinates -----------------------------------------------------------------------------

_Matrix = tuple[float, float, float, float, float, float]  # a, b, c, d, e, f as in PDF
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: _Matrix, outer: _Matrix) -> _Matrix:
    """`inner` then `outer`, PDF's row-vector convention."""
    a, b, c, d, e, f = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


@dataclass(frozen=True)
class _PageTransform:
    """Page space (points) to the rendered image's pixels, rotation and crop box included."""

    matrix: _Matrix
    width: int
    height: int

    @classmethod
    def of(cls, page: pdfium.PdfPage, dpi: int) -> "_PageTransform":
        scale = dpi / _POINTS_PER_INCH
        w_pt, h_pt = page.get_size()
        width, height = round(w_pt * scale), round(h_pt * scale)
        # PDFium maps page points to device pixels as integers: three points far apart give
        # the affine map to well under a pixel.
        far = 10_000

        def device(x: float, y: float) -> tuple[float, float]:
            dx, dy = ctypes.c_int(), ctypes.c_int()
            raw.FPDF_PageToDevice(
                page, 0, 0, width * far, height * far, 0, x, y, ctypes.byref(dx), ctypes.byref(dy)
            )
            return dx.value / far, dy.value / far

        ox, oy = device(0.0, 0.0)
        ax, ay = device(1000.0, 0.0)
        bx, by = device(0.0, 1000.0)
        matrix = ((ax - ox) / 1000, (ay - oy) / 1000, (bx - ox) / 1000, (by - oy) / 1000, ox, oy)
        return cls(matrix, width, height)

    def point(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.matrix
        return a * x + c * y + e, b * x + d * y + f

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, ...]:
        x0, y0 = self.point(left, bottom)
        x1, y1 = self.point(right, top)
        return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


# --- characters ------------------------------------------------------------------------------


def _chars(textpage: pdfium.PdfTextPage, to_px: _PageTransform) -> Iterator[LayerChar]:
    """Every character the file holds (not the spaces and breaks PDFium infers)."""
    left, right = ctypes.c_double(), ctypes.c_double()
    bottom, top = ctypes.c_double(), ctypes.c_double()
    rect = raw.FS_RECTF()
    looks: dict[int | None, _Look] = {}
    for i in range(raw.FPDFText_CountChars(textpage)):
        if raw.FPDFText_IsGenerated(textpage, i) == 1:
            continue
        code = raw.FPDFText_GetUnicode(textpage, i)
        if code in (0, 0xFFFE, 0xFFFF) or code in (0x0D, 0x0A):
            continue
        raw.FPDFText_GetCharBox(textpage, i, left, right, bottom, top)
        x, y = (left.value + right.value) / 2, (bottom.value + top.value) / 2
        if raw.FPDFText_GetLooseCharBox(textpage, i, rect):
            box = to_px.box(rect.left, rect.bottom, rect.right, rect.top)
        else:
            box = to_px.box(left.value, bottom.value, right.value, top.value)
        text_object = raw.FPDFText_GetTextObject(textpage, i)
        painted, font = _object_look(text_object, looks, x, y) if text_object else (True, "")
        yield LayerChar(
            text=chr(code),
            box=box,
            visible=painted,
            unmapped=bool(raw.FPDFText_HasUnicodeMapError(textpage, i)),
            font=font,
        )


@dataclass(frozen=True, slots=True)
class _Look:
    """What a text object says of all its characters."""

    drawn: bool  # its render mode paints
    clip: tuple[float, ...] | None  # the box it is clipped to, in page points
    font: str


def _object_look(
    text_object: object, looks: dict[int | None, _Look], x: float, y: float
) -> tuple[bool, str]:
    """Whether a character at (x, y) of this text object is painted, and its font; each
    object is asked once."""
    key = _address(text_object)
    look = looks.get(key)
    if look is None:
        mode = raw.FPDFTextObj_GetTextRenderMode(text_object)
        look = _Look(mode not in _INVISIBLE_MODES, _clip_box(text_object), _font_name(text_object))
        looks[key] = look
    clip = look.clip
    inside = clip is None or (clip[0] <= x <= clip[2] and clip[1] <= y <= clip[3])
    return look.drawn and inside, look.font


def _clip_box(text_object: object) -> tuple[float, ...] | None:
    """The box (page points) a text object is clipped to, or None; a browser clips the line
    a page break cuts and keeps the glyphs beyond the clip in the file."""
    clip = raw.FPDFPageObj_GetClipPath(text_object)
    box: tuple[float, ...] | None = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for path in range(raw.FPDFClipPath_CountPaths(clip) if clip else 0):
        points = []
        for k in range(raw.FPDFClipPath_CountPathSegments(clip, path)):
            segment = raw.FPDFClipPath_GetPathSegment(clip, path, k)
            raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
            points.append((x.value, y.value))
        if not points:
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        this = (min(xs), min(ys), max(xs), max(ys))
        box = (
            this
            if box is None
            else (  # several clip paths: their intersection
                max(box[0], this[0]),
                max(box[1], this[1]),
                min(box[2], this[2]),
                min(box[3], this[3]),
            )
        )
    return box


def _address(handle: object) -> int | None:
    """A PDFium handle's address, to know the same object again (the fastest way ctypes has)."""
    return ctypes.c_void_p.from_buffer(handle).value


def _font_name(text_object: object) -> str:
    """The base name of a text object's font."""
    buffer = ctypes.create_string_buffer(256)
    raw.FPDFFont_GetBaseFontName(raw.FPDFTextObj_GetFont(text_object), buffer, len(buffer))
    return buffer.value.decode("latin-1")


# --- vector strokes --------------------------------------------------------------------------


def _walk(
    page: pdfium.PdfPage,
    form: object | None,
    outer: _Matrix,
    to_px: _PageTransform,
    segments: list[Segment],
    images: list[float],
    depth: int,
) -> None:
    """Collect strokes and image areas of the page, descending into form XObjects."""
    if form is None:
        count, get = raw.FPDFPage_CountObjects(page), raw.FPDFPage_GetObject
        parent: object = page
    else:
        count, get, parent = raw.FPDFFormObj_CountObjects(form), raw.FPDFFormObj_GetObject, form
    for i in range(count):
        obj = get(parent, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind not in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_FORM):
            continue
        matrix = _compose(_object_matrix(obj), outer)
        if kind == raw.FPDF_PAGEOBJ_PATH:
            segments.extend(_path_segments(obj, matrix, to_px))
        elif kind == raw.FPDF_PAGEOBJ_IMAGE:
            images.append(_image_area(matrix, to_px))
        elif depth < _MAX_FORM_DEPTH:
            _walk(page, obj, matrix, to_px, segments, images, depth + 1)


def _object_matrix(obj: object) -> _Matrix:
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _image_area(matrix: _Matrix, to_px: _PageTransform) -> float:
    """An image fills the unit square under its matrix; its area in page pixels."""
    corners = [to_px.point(*_apply(matrix, x, y)) for x, y in ((0, 0), (1, 0), (1, 1), (0, 1))]
    xs = [min(max(x, 0.0), to_px.width) for x, _ in corners]
    ys = [min(max(y, 0.0), to_px.height) for _, y in corners]
    return (max(xs) - min(xs)) * (max(ys) - min(ys))


def _apply(matrix: _Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def _scale(matrix: _Matrix) -> float:
    """How much a matrix stretches lengths (the square root of its area factor)."""
    return abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]) ** 0.5


def _prints(obj: object, getter: object) -> bool:
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    if not getter(obj, r, g, b, a):
        return True
    return a.value > 0 and min(r.value, g.value, b.value) < _PAPER_WHITE


def _path_segments(obj: object, matrix: _Matrix, to_px: _PageTransform) -> list[Segment]:
    """Axis-parallel strokes of one path: stroked lines, and thin filled rectangles.

    Office suites draw cell borders as stroked lines, browsers as thin filled rectangles;
    a stroked rectangle gives its four sides. Curves and slanted lines are not rules.
    """
    fill_mode, stroked = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroked))
    stroke = bool(stroked.value) and _prints(obj, raw.FPDFPageObj_GetStrokeColor)
    fill = fill_mode.value != 0 and _prints(obj, raw.FPDFPageObj_GetFillColor)
    if not (stroke or fill):
        return []
    width = ctypes.c_float(1.0)
    raw.FPDFPageObj_GetStrokeWidth(obj, ctypes.byref(width))
    px_per_pt = _scale(to_px.matrix)
    line_px = max(abs(width.value) * _scale(matrix) * px_per_pt, 1.0)
    out: list[Segment] = []
    for subpath in _subpaths(obj, matrix, to_px):
        if stroke:
            out.extend(_stroked(subpath, line_px))
        if fill and (thin := _thin_rectangle(subpath, _THIN_PT * px_per_pt)):
            out.append(thin)
    return out


def _subpaths(
    obj: object, matrix: _Matrix, to_px: _PageTransform
) -> list[list[tuple[float, float]]]:
    """The path's points in page pixels, split at every move-to; closed ones end where they
    began."""
    x, y = ctypes.c_float(), ctypes.c_float()
    paths: list[list[tuple[float, float]]] = []
    for i in range(raw.FPDFPath_CountSegments(obj)):
        segment = raw.FPDFPath_GetPathSegment(obj, i)
        raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = to_px.point(*_apply(matrix, x.value, y.value))
        kind = raw.FPDFPathSegment_GetType(segment)
        if kind == raw.FPDF_SEGMENT_MOVETO or not paths:
            paths.append([point])
        elif kind == raw.FPDF_SEGMENT_LINETO:
            paths[-1].append(point)
        else:  # a curve: not part of a ruled table
            paths[-1].append((float("nan"), float("nan")))
            paths[-1].append(point)
        if raw.FPDFPathSegment_GetClose(segment) and paths[-1][0] != point:
            paths[-1].append(paths[-1][0])
    return paths


def _stroked(points: list[tuple[float, float]], line_px: float) -> Iterator[Segment]:
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x0 != x0 or x1 != x1:  # NaN: a curve's ends
            continue
        if abs(y1 - y0) <= 0.5 and abs(x1 - x0) > 0.5:
            yield Segment(min(x0, x1), y0, max(x0, x1), y1, line_px)
        elif abs(x1 - x0) <= 0.5 and abs(y1 - y0) > 0.5:
            yield Segment(x0, min(y0, y1), x1, max(y0, y1), line_px)


def _thin_rectangle(points: list[tuple[float, float]], thin_px: float) -> Segment | None:
    """A filled axis-parallel rectangle thin in one direction, as the rule along it."""
    clean = [p for p in points if p[0] == p[0]]
    if len(clean) < 4 or len(clean) != len(points):
        return None
    xs, ys = [p[0] for p in clean], [p[1] for p in clean]
    if len({round(x, 1) for x in xs}) > 2 or len({round(y, 1) for y in ys}) > 2:
        return None
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    w, h = x1 - x0, y1 - y0
    if h <= thin_px and w > 2 * h:
        mid = (y0 + y1) / 2
        return Segment(x0, mid, x1, mid, max(h, 1.0))
    if w <= thin_px and h > 2 * w:
        mid = (x0 + x1) / 2
        return Segment(mid, y0, mid, y1, max(w, 1.0))
    return None
