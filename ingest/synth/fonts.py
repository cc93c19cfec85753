"""The CJK fonts the corpus prints with (Debian packages fonts-noto-cjk, fonts-arphic-uming,
fonts-wqy-zenhei, fonts-wqy-microhei) and cheap text measurement for wrapping."""

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont
from pydantic import BaseModel, ConfigDict


class FontFace(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str  # as recorded in the truth's `fonts`
    path: str
    index: int  # face inside the .ttc collection
    serif: bool


_NOTO = "/usr/share/fonts/opentype/noto"
FACES: dict[str, FontFace] = {
    f.name: f
    for f in (
        FontFace(
            name="Noto Serif CJK SC", path=f"{_NOTO}/NotoSerifCJK-Regular.ttc", index=2, serif=True
        ),
        FontFace(
            name="AR PL UMing CN",
            path="/usr/share/fonts/truetype/arphic/uming.ttc",
            index=0,
            serif=True,
        ),
        FontFace(
            name="Noto Sans CJK SC", path=f"{_NOTO}/NotoSansCJK-Regular.ttc", index=2, serif=False
        ),
        FontFace(
            name="WenQuanYi Zen Hei",
            path="/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
            index=0,
            serif=False,
        ),
        FontFace(
            name="WenQuanYi Micro Hei",
            path="/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
            index=0,
            serif=False,
        ),
        FontFace(
            name="Noto Serif CJK SC Bold",
            path=f"{_NOTO}/NotoSerifCJK-Bold.ttc",
            index=2,
            serif=True,
        ),
        FontFace(
            name="Noto Sans CJK SC Bold", path=f"{_NOTO}/NotoSansCJK-Bold.ttc", index=2, serif=False
        ),
    )
}
BODY_FACES = (
    "Noto Serif CJK SC",
    "AR PL UMing CN",
    "Noto Sans CJK SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)
TITLE_FACES = ("Noto Serif CJK SC Bold", "Noto Sans CJK SC Bold")


def missing_faces() -> list[str]:
    """Faces whose font file is not installed, so a caller can fail with a clear message."""
    return [f.name for f in FACES.values() if not Path(f.path).exists()]


@lru_cache(maxsize=64)
def load_font(name: str, px: int) -> ImageFont.FreeTypeFont:
    face = FACES[name]
    return ImageFont.truetype(face.path, px, index=face.index)


class Measure:
    """Text widths in pixels for one font and size, summed per character (CJK has no kerning
    worth modelling, and wrapping only needs to be consistent with itself)."""

    def __init__(self, name: str, px: int) -> None:
        self.font = load_font(name, px)
        self.px = px
        self._widths: dict[str, float] = {}

    def width(self, text: str) -> float:
        total = 0.0
        for ch in text:
            w = self._widths.get(ch)
            if w is None:
                w = self._widths[ch] = self.font.getlength(ch)
            total += w
        return total
