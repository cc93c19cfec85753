"""Draw ruled tables with known cells, the way scans spoil them, for the grid tests."""

import math
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ingest.artifacts import CleanPage

A4_200DPI = (2339, 1654)  # rows, columns
CJK_FONTS = sorted(Path("/usr/share/fonts").glob("**/NotoSansCJK-Regular.tt[cf]"))


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    row_span: int
    col_span: int
    bbox: tuple[int, int, int, int]


@dataclass
class TableSpec:
    """A lattice of rule positions and the merged cells laid on it."""

    rows: list[int]
    cols: list[int]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # row, col, spans

    def cells(self) -> list[Cell]:
        covered: set[tuple[int, int]] = set()
        cells = []
        for r, c, rs, cs in self.merges:
            covered |= {(i, j) for i in range(r, r + rs) for j in range(c, c + cs)}
            cells.append(Cell(r, c, rs, cs, self._box(r, c, rs, cs)))
        for r in range(len(self.rows) - 1):
            for c in range(len(self.cols) - 1):
                if (r, c) not in covered:
                    cells.append(Cell(r, c, 1, 1, self._box(r, c, 1, 1)))
        return sorted(cells, key=lambda cell: (cell.row, cell.col))

    def _box(self, r: int, c: int, rs: int, cs: int) -> tuple[int, int, int, int]:
        return (self.cols[c], self.rows[r], self.cols[c + cs], self.rows[r + rs])


def form_spec() -> TableSpec:
    """A page shaped like the form: a label column with vertical merges, wide value cells,
    four-column blocks whose splits differ, and short single-line rows."""
    rows = [200, 290, 350, 400, 450, 500, 560, 620, 900, 960, 1180, 1400, 1460, 1520, 1580]
    rows += [1640, 1700, 1760, 1820, 1880, 1940, 2000, 2250]
    cols = [120, 300, 480, 560, 820, 900, 1180, 1534]
    merges = [
        (0, 1, 1, 6),  # department name
        (1, 1, 1, 2),
        (1, 3, 1, 2),
        (1, 5, 1, 2),
        (2, 0, 5, 1),  # budget label over five rows
        *[(r, c, 1, 2) for r in range(2, 7) for c in (1, 3, 5)],
        (7, 0, 1, 1),
        (7, 1, 1, 6),  # overall goal, one big cell
        (8, 0, 3, 1),  # tasks label
        *[(r, 1, 1, 1) for r in range(8, 11)],
        *[(r, 2, 1, 2) for r in range(8, 11)],
        *[(r, 4, 1, 2) for r in range(8, 11)],
        *[(r, 6, 1, 1) for r in range(8, 11)],
        (11, 0, 11, 1),  # indicator label
        (11, 1, 1, 2),
        (11, 3, 1, 2),
        (11, 5, 1, 1),
        (11, 6, 1, 1),
        (12, 1, 6, 2),  # 一级 over six rows
        (12, 3, 3, 2),  # 二级 over three rows
        (15, 3, 3, 2),
        (18, 1, 4, 2),
        (18, 3, 4, 2),  # an empty 二级 block
        *[(r, 5, 1, 1) for r in range(12, 22)],
        *[(r, 6, 1, 1) for r in range(12, 22)],
    ]
    return TableSpec(rows, cols, merges)


@dataclass
class Drawn:
    page: CleanPage
    cells: list[Cell]
    table_box: tuple[int, int, int, int]


def _segments(spec: TableSpec) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Every cell border as a segment, once."""
    segments = set()
    for cell in spec.cells():
        x0, y0, x1, y1 = cell.bbox
        segments |= {((x0, y0), (x1, y0)), ((x0, y1), (x1, y1))}
        segments |= {((x0, y0), (x0, y1)), ((x1, y0), (x1, y1))}
    return sorted(segments)


def draw_rules(
    spec: TableSpec,
    shape: tuple[int, int] = A4_200DPI,
    thickness: int = 2,
    level: int = 0,
    gap_share: float = 0.0,
    dash: tuple[int, int] | None = None,
    thickness_of: dict[int, int] | None = None,
    seed: int = 0,
) -> np.ndarray:
    """White page with the spec's rules: `gap_share` of every segment erased in a few gaps,
    `dash` = (on, off) pixels for dashed-looking rules, `thickness_of` per row-edge index."""
    rng = np.random.default_rng(seed)
    page = np.full(shape, 255, np.uint8)
    for (x0, y0), (x1, y1) in _segments(spec):
        width = thickness
        if thickness_of and y0 == y1 and y0 in spec.rows:
            width = thickness_of.get(spec.rows.index(y0), thickness)
        layer = np.zeros(shape, np.uint8)
        cv2.line(layer, (x0, y0), (x1, y1), 255, width)
        length = max(x1 - x0, y1 - y0)
        keep = np.ones(length + 1, bool)
        if dash:
            on, off = dash
            keep &= (np.arange(length + 1) % (on + off)) < on
        if gap_share > 0:
            n_gaps = 2
            gap = int(gap_share * length / n_gaps)
            for start in rng.integers(0, max(length - gap, 1), n_gaps):
                keep[start : start + gap] = False
        erased = np.nonzero(~keep)[0]
        if y0 == y1:
            layer[:, np.minimum(x0 + erased, shape[1] - 1)] = 0
        else:
            layer[np.minimum(y0 + erased, shape[0] - 1), :] = 0
        page[layer > 0] = level
    return page


def add_text(page: np.ndarray, spec: TableSpec, seed: int = 0, touch: bool = True) -> np.ndarray:
    """Fill cells with CJK lines, runs of dashes, a vertical label, and glyphs touching rules.

    Text is clipped to its cell, as a wrapped line would be; with `touch` a glyph somewhere in
    every cell overlaps the rule above it.
    """
    rng = np.random.default_rng(seed)
    font = ImageFont.truetype(str(CJK_FONTS[0]), 29)
    phrases = ["部门预算支出", "基本支出", "项目支出", "——", "财政拨款", "十卅中一", "≥95%"]
    page = page.copy()
    for cell in spec.cells():
        x0, y0, x1, y1 = cell.bbox
        canvas = Image.new("L", (x1 - x0, y1 - y0), 255)
        draw = ImageDraw.Draw(canvas)
        if cell.row_span >= 3 and x1 - x0 < 200:
            for k, char in enumerate("绩效指标一中十"):
                draw.text((20, 10 + 33 * k), char, font=font, fill=0)
        else:
            for line_y in range(8, y1 - y0 - 34, 42):
                text = str(rng.choice(phrases))
                if x1 - x0 > 600:
                    text = text * 3 + "——————" + "一二三四五六七八"
                while len(text) > 1 and font.getlength(text) > x1 - x0 - 20:
                    text = text[:-1]
                draw.text((6, line_y), text, font=font, fill=0)
        if touch:
            draw.text((int(rng.integers(40, x1 - x0 - 30)), -4), "中", font=font, fill=0)
        inner = page[y0 + 2 : y1 - 1, x0 + 2 : x1 - 1]
        np.minimum(inner, np.asarray(canvas)[2:-1, 2:-1], out=inner)
    return page


def add_ring(page: np.ndarray, centre: tuple[int, int], radius: int = 170, level: int = 150):
    """A seal's leftover: a faint ring and its star, plus the mask of the seal's disk."""
    cv2.circle(page, centre, radius, level, 6)
    cv2.circle(page, centre, radius - 14, level, 2)
    cx, cy = centre
    star = [
        (
            round(cx + 60 * math.cos(math.radians(90 + 144 * k))),
            round(cy - 60 * math.sin(math.radians(90 + 144 * k))),
        )
        for k in range(6)
    ]
    cv2.polylines(page, [np.array(star, np.int32)], False, level, 3)
    mask = np.zeros(page.shape, np.uint8)
    cv2.circle(mask, centre, radius + 4, 1, -1)
    return mask.astype(bool)


def add_noise(page: np.ndarray, sigma: float, specks: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noisy = page.astype(np.float32) + rng.normal(0, sigma, page.shape)
    ys = rng.integers(0, page.shape[0], specks)
    xs = rng.integers(0, page.shape[1], specks)
    for x, y in zip(xs, ys, strict=True):
        cv2.circle(noisy, (int(x), int(y)), int(rng.integers(1, 4)), 0, -1)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def rotate(page: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    """The page turned counter-clockwise by `degrees` about its centre, and the 2x3 map."""
    h, w = page.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    turned = cv2.warpAffine(page, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    return turned, matrix


def rotated_cells(cells: list[Cell], matrix: np.ndarray) -> list[Cell]:
    """Where each cell's sides land, read at their middles (how a skewed box is reported)."""

    def move(x: float, y: float) -> tuple[float, float]:
        return tuple(matrix @ np.array([x, y, 1.0]))

    moved = []
    for cell in cells:
        x0, y0, x1, y1 = cell.bbox
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        box = (
            round(move(x0, my)[0]),
            round(move(mx, y0)[1]),
            round(move(x1, my)[0]),
            round(move(mx, y1)[1]),
        )
        moved.append(Cell(cell.row, cell.col, cell.row_span, cell.col_span, box))
    return moved


def clean_page(gray: np.ndarray, seal_mask: np.ndarray | None = None) -> CleanPage:
    return CleanPage(
        index=0,
        image=cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR),
        gray=gray,
        dpi=200,
        seal_mask=seal_mask,
    )
