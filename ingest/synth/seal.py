"""A red round official seal (公章): ring, five-pointed star, the unit's name along the arc.

Returned as an ink-coverage mask in [0, 1]; the caller multiplies it onto the page so black
text under the seal still shows through, as it does with real stamp ink.
"""

import math

import cv2
import numpy as np
from PIL import Image, ImageChops, ImageDraw

from ingest.synth.fonts import load_font


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    points = []
    for k in range(10):
        radius = r if k % 2 == 0 else r * 0.382
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def seal_mask(text: str, diameter: int, font: str, rng: np.random.Generator) -> np.ndarray:
    """Ink coverage (float32, diameter x diameter) of a seal reading `text` clockwise."""
    d = diameter
    mask = Image.new("L", (d, d), 0)
    draw = ImageDraw.Draw(mask)
    ring = max(2, round(d * 0.035))
    draw.ellipse(
        (ring // 2, ring // 2, d - 1 - ring // 2, d - 1 - ring // 2), outline=255, width=ring
    )
    draw.polygon(_star(d / 2, d / 2, d * 0.16), fill=255)

    chars = list(text)
    span = min(260.0, max(180.0, 24.0 * len(chars)))
    arc_per_char = math.radians(span) * d * 0.36 / max(len(chars), 1)
    size = max(8, round(min(d * 0.15, arc_per_char * 0.92)))
    glyph_font = load_font(font, size)
    radius = d / 2 - ring * 1.6 - size * 0.6
    for k, ch in enumerate(chars):
        # angle 0 is 12 o'clock, growing clockwise
        angle = -span / 2 + span * (k / max(len(chars) - 1, 1))
        glyph = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(glyph).text((size, size), ch, font=glyph_font, fill=255, anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC)
        rad = math.radians(angle)
        gx = d / 2 + radius * math.sin(rad) - size
        gy = d / 2 - radius * math.cos(rad) - size
        layer = Image.new("L", (d, d), 0)
        layer.paste(glyph, (round(gx), round(gy)))
        mask = ImageChops.lighter(mask, layer)

    cover = np.asarray(mask, dtype=np.float32) / 255.0
    # Uneven ink: a stamp prints darker where pressed harder and leaves dry specks.
    coarse = rng.uniform(0.55, 1.0, size=(6, 6)).astype(np.float32)
    pressure = cv2.resize(coarse, (d, d), interpolation=cv2.INTER_CUBIC)
    dry = (rng.random((d, d)) > rng.uniform(0.03, 0.15)).astype(np.float32)
    cover = cv2.GaussianBlur(cover * pressure * dry, (0, 0), max(0.6, d / 400))
    return np.clip(cover * rng.uniform(0.75, 0.95), 0.0, 1.0)
