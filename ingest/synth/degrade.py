"""Degradation levels: what scanning, stamping and photographing do to a clean page.

clean  nothing;
scan   paper tone, small rotation (0.3–3°), slight blur, sensor noise (JPEG comes with the PDF);
heavy  a red seal over the title or the department name, specks, faded and broken rules,
       uneven toner, rotation, stronger noise;
photo  the page warped in perspective inside a darker background, uneven light and shadow,
       a colour cast, mild blur and noise.
Truth stays in the clean page's frame; only the pixels move. Degradation knows a page only by
its `PageMarks`, so pages drawn here and pages printed by office and browser engines age alike.
"""

import math
from dataclasses import dataclass

import cv2
import numpy as np

from ingest.synth.seal import seal_mask
from ingest.synth.style import mm_to_px
from models.truth import Level

BBox = tuple[int, int, int, int]


@dataclass(frozen=True)
class TitleSpan:
    """The title line: its centre and half its width, in pixels."""

    cx: float
    cy: float
    half: float


@dataclass(frozen=True)
class PageMarks:
    """What degradation needs to know of a clean page: where rules run and where a seal goes."""

    dpi: int
    cell_boxes: tuple[BBox, ...]  # rules run along their edges
    rule_px: int
    title: TitleSpan | None  # page 1's title, if any
    department: BBox | None  # the department name's cell
    seal_fonts: tuple[str, str]  # faces the seal is lettered in, chosen at random


LEVEL_JPEG_QUALITY: dict[str, tuple[int, int] | None] = {
    "clean": None,
    "scan": (65, 85),
    "heavy": (50, 70),
    "photo": (60, 80),
}


def _field(
    rng: np.random.Generator, shape: tuple[int, int], lo: float, hi: float, cells: int = 6
) -> np.ndarray:
    """A smooth random field in [lo, hi], for paper tone, toner and light."""
    coarse = rng.uniform(lo, hi, size=(cells, cells)).astype(np.float32)
    return cv2.resize(coarse, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)


def _rotate(img: np.ndarray, deg: float, fill: tuple[float, ...]) -> np.ndarray:
    h, w = img.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    return cv2.warpAffine(
        img,
        matrix,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=fill,
    )


def _noise(img: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    grain = rng.standard_normal(img.shape[:2], dtype=np.float32)
    grain *= np.float32(sigma)
    return img + grain[..., None]


def _seal_target(marks: PageMarks, rng: np.random.Generator) -> tuple[int, int]:
    """A point on the title or on the department name, where seals are usually stamped."""
    title, dept = marks.title, marks.department
    if title is not None and (dept is None or rng.random() < 0.5):
        return round(title.cx + rng.uniform(-0.2, 0.8) * title.half), round(title.cy)
    x0, y0, x1, y1 = dept if dept is not None else marks.cell_boxes[0]
    return round(x0 + (x1 - x0) * rng.uniform(0.35, 0.7)), round((y0 + y1) / 2)


def _stamp(img: np.ndarray, marks: PageMarks, text: str, rng: np.random.Generator) -> BBox:
    diameter = mm_to_px(rng.uniform(38, 42), marks.dpi)
    title_font, body_font = marks.seal_fonts
    cover = seal_mask(text, diameter, title_font if rng.random() < 0.5 else body_font, rng)
    matrix = cv2.getRotationMatrix2D((diameter / 2, diameter / 2), rng.uniform(-25, 25), 1.0)
    cover = cv2.warpAffine(cover, matrix, (diameter, diameter))
    cx, cy = _seal_target(marks, rng)
    x0, y0 = cx - diameter // 2, cy - diameter // 2
    h, w = img.shape[:2]
    ax0, ay0, ax1, ay1 = max(0, x0), max(0, y0), min(w, x0 + diameter), min(h, y0 + diameter)
    part = cover[ay0 - y0 : ay1 - y0, ax0 - x0 : ax1 - x0, None]
    ink = (
        np.array(
            [rng.uniform(195, 230), rng.uniform(25, 60), rng.uniform(35, 70)], dtype=np.float32
        )
        / 255.0
    )
    region = img[ay0:ay1, ax0:ax1]
    img[ay0:ay1, ax0:ax1] = region * (1.0 - part * (1.0 - ink))
    return ax0, ay0, ax1, ay1


def _damage_rules(
    img: np.ndarray, marks: PageMarks, rng: np.random.Generator, paper: np.ndarray
) -> None:
    """Fade some stretches of ruling line and break others, as worn toner and copiers do."""
    half = marks.rule_px // 2 + 1
    for x0, y0, x1, y1 in marks.cell_boxes:
        for horizontal, fixed, lo, hi in ((True, y0, x0, x1), (False, x0, y0, y1)):
            if rng.random() > 0.35 or hi - lo < 20:
                continue
            length = int(rng.uniform(0.1, 0.6) * (hi - lo))
            start = int(rng.uniform(lo, hi - length))
            keep = 0.0 if rng.random() < 0.4 else rng.uniform(0.3, 0.7)
            if horizontal:
                sl = (slice(fixed - half, fixed + half + 1), slice(start, start + length))
            else:
                sl = (slice(start, start + length), slice(fixed - half, fixed + half + 1))
            img[sl] = img[sl] * keep + paper * (1.0 - keep)


def _specks(img: np.ndarray, rng: np.random.Generator, count: int) -> None:
    h, w = img.shape[:2]
    ys, xs = rng.integers(0, h, count), rng.integers(0, w, count)
    radii = rng.choice([1, 1, 1, 2, 2, 3], count)
    shades = rng.uniform(20, 120, count)
    for y, x, r, s in zip(ys, xs, radii, shades, strict=True):
        cv2.circle(img, (int(x), int(y)), int(r), (float(s),) * 3, -1)


def _photo(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = img.shape[:2]
    # Background, light and shadow vary slowly: made on a small grid and scaled up.
    sh, sw = max(8, h // 16), max(8, w // 16)
    base = np.array(
        [rng.uniform(60, 120), rng.uniform(55, 105), rng.uniform(45, 95)], dtype=np.float32
    )
    small = base * _field(rng, (sh, sw), 0.75, 1.15)[..., None]
    out = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    inset = lambda lo, hi, size: size * rng.uniform(lo, hi)  # noqa: E731
    dst = np.float32(
        [
            [inset(0.03, 0.09, w), inset(0.02, 0.06, h)],
            [w - inset(0.03, 0.09, w), inset(0.02, 0.06, h)],
            [w - inset(0.02, 0.08, w), h - inset(0.02, 0.06, h)],
            [inset(0.02, 0.08, w), h - inset(0.02, 0.06, h)],
        ]
    )
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    matrix = cv2.getPerspectiveTransform(src, dst)
    cv2.warpPerspective(
        img, matrix, (w, h), dst=out, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_TRANSPARENT
    )

    angle = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    ramp = (xx / sw - 0.5) * math.cos(angle) + (yy / sh - 0.5) * math.sin(angle)
    light = 1.0 - rng.uniform(0.12, 0.3) * (ramp + 0.5) * _field(rng, (sh, sw), 0.7, 1.1)
    shadow = np.zeros((sh, sw), np.float32)
    cv2.ellipse(
        shadow,
        (int(rng.uniform(0, sw)), int(rng.uniform(0, sh))),
        (int(sw * rng.uniform(0.2, 0.5)), int(sh * rng.uniform(0.1, 0.3))),
        rng.uniform(0, 180),
        0,
        360,
        1.0,
        -1,
    )
    shadow = cv2.GaussianBlur(shadow, (0, 0), sw / 12) * rng.uniform(0.1, 0.3)
    cast = np.array([1.0, rng.uniform(0.95, 0.99), rng.uniform(0.86, 0.95)], np.float32)
    shade = (light - shadow)[..., None] * cast
    out *= cv2.resize(shade, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.GaussianBlur(out, (0, 0), rng.uniform(0.7, 1.2))


def degrade(
    gray: np.ndarray,
    level: Level,
    marks: PageMarks,
    seal_text: str | None,
    rng: np.random.Generator,
) -> tuple[np.ndarray, BBox | None]:
    """The page as it comes out of the scanner or camera (H x W x 3 RGB, same size as the
    clean page; the clean level stays H x W gray), and the seal's box in the clean page's
    frame if one was stamped."""
    if level == "clean":
        return gray, None
    white = rng.uniform(238, 252)
    paper = np.array(
        [white, white - rng.uniform(0, 3), white - rng.uniform(2, 9)], dtype=np.float32
    )
    ink = gray.astype(np.float32)[..., None] / 255.0
    img = paper * ink * _field(rng, gray.shape, 0.97, 1.01)[..., None]
    seal_box: BBox | None = None
    if level == "heavy":
        darkness = (255.0 - img) * _field(rng, gray.shape, 0.55, 1.0)[..., None]
        img = 255.0 - darkness
        img = np.minimum(img, paper)
        _damage_rules(img, marks, rng, paper)
        _specks(img, rng, int(rng.integers(30, 200)))
        if seal_text:
            seal_box = _stamp(img, marks, seal_text, rng)
    if level == "photo":
        img = _photo(img, rng)
        sigma = rng.uniform(2.0, 4.0)
    else:
        deg = rng.uniform(0.3, 3.0) * rng.choice([-1.0, 1.0])
        img = _rotate(img, deg, tuple(float(v) for v in paper))
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.45, 0.8 if level == "scan" else 1.0))
        sigma = rng.uniform(1.0, 2.2) if level == "scan" else rng.uniform(4.0, 7.0)
    img = _noise(img, rng, sigma)
    img += np.float32(0.5)
    np.clip(img, 0, 255, out=img)
    return img.astype(np.uint8), seal_box
