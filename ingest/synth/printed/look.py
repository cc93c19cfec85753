"""How a user sets up one printed document: page, fonts, widths, padding, label direction.

Lengths are in points and millimetres, the units office programs and CSS take; the printing
engine turns them into pages, so where rows break is the engine's decision, not ours.
"""

import random
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ingest.synth.columns import ColumnWidths
from ingest.synth.fonts import BODY_FACES, FACES, Measure
from ingest.synth.layout import wrap
from ingest.synth.table import PRINTED_COLUMNS, Align
from models.truth import SourceFormat

TitleFace = Literal["Noto Serif CJK SC", "Noto Sans CJK SC"]


class PrintLook(BaseModel):
    model_config = ConfigDict(frozen=True)

    source_format: SourceFormat
    font: str  # a face of `fonts.FACES`, named as fontconfig knows it
    title_font: TitleFace  # printed bold
    size_pt: float
    title_pt: float
    line_spacing: float  # line height over font size, where the format sets one
    landscape: bool
    margins_mm: tuple[float, float, float, float]  # top, right, bottom, left
    col_fractions: tuple[float, ...]  # of the table's width, one per column
    table_scale: float  # the table's width over the printable width (> 1 only when fit_width)
    min_row_pt: float  # XLSX: the lowest row height the sheet uses
    pad_mm: tuple[float, float]  # cell padding: vertical, horizontal
    rule_pt: float
    vertical_labels: bool
    vertical_by_breaks: bool  # 竖排 typed as one character per line, not set as a direction
    amount_align: Align
    fixed_widths: bool  # DOCX/HTML: fixed column widths, else the engine sizes them to content
    repeat_title: bool  # XLSX: the title rows print again at the top of every page
    fit_width: bool  # XLSX: scaled to the page's width
    rows_may_split: bool  # DOCX: a row may break across pages
    attachment: str | None  # "附件2" above the title
    unit_note: bool  # "单位：万元" above the table
    page_numbers: bool

    @property
    def title_face(self) -> str:
        """The title's face as `fonts.FACES` names it."""
        return f"{self.title_font} Bold"

    def line_pt(self, size_pt: float | None = None) -> float:
        """Height of one line of body text at the face's own ascent and descent."""
        size = size_pt or self.size_pt
        ascent, descent = _metrics(self.font)
        return size * (ascent + descent) * max(1.0, self.line_spacing)

    def page_mm(self) -> tuple[float, float]:
        return (297.0, 210.0) if self.landscape else (210.0, 297.0)

    def table_width_mm(self) -> float:
        _, right, _, left = self.margins_mm
        return (self.page_mm()[0] - left - right) * self.table_scale


_MEASURE_PX = 100  # fonts are measured at 100 px per em, then scaled to points


@lru_cache(maxsize=16)
def _measure(font: str) -> Measure:
    return Measure(font, _MEASURE_PX)


def _metrics(font: str) -> tuple[float, float]:
    ascent, descent = _measure(font).font.getmetrics()
    return ascent / _MEASURE_PX, descent / _MEASURE_PX


def text_width_pt(text: str, font: str, size_pt: float) -> float:
    return _measure(font).width(text) * size_pt / _MEASURE_PX


def pick_look(
    rng: random.Random, source_format: SourceFormat, columns: ColumnWidths = PRINTED_COLUMNS
) -> PrintLook:
    """A random but typical setup of the format for a table of `columns` (the 部门整体 form's
    by default); spreadsheets go landscape more often."""
    landscape_chance = {"xlsx": 0.3, "docx": 0.1, "html": 0.15}[source_format]
    landscape = rng.random() < landscape_chance
    fractions = columns.draw(rng)
    vertical = rng.random() < 0.7
    fit_width = source_format == "xlsx" and rng.random() < 0.5
    return PrintLook(
        source_format=source_format,
        font=rng.choice(BODY_FACES),
        title_font=rng.choice(("Noto Serif CJK SC", "Noto Sans CJK SC")),
        size_pt=rng.choice((9.0, 10.0, 10.5, 10.5, 11.0, 12.0)),
        title_pt=rng.choice((14.0, 16.0, 18.0, 20.0)),
        line_spacing=rng.uniform(1.0, 1.35),
        landscape=landscape,
        margins_mm=(
            rng.uniform(12, 28),
            rng.uniform(10, 22),
            rng.uniform(12, 26),
            rng.uniform(10, 22),
        ),
        col_fractions=tuple(fractions),
        table_scale=rng.uniform(1.0, 1.35) if fit_width else rng.uniform(0.88, 1.0),
        min_row_pt=rng.uniform(14.0, 24.0),
        pad_mm=(rng.uniform(0.3, 2.0), rng.uniform(0.8, 2.5)),
        rule_pt=rng.uniform(0.5, 1.2),
        vertical_labels=vertical,
        vertical_by_breaks=vertical and rng.random() < 0.35,
        amount_align=rng.choice(("center", "center", "right")),
        fixed_widths=rng.random() < 0.7,
        repeat_title=rng.random() < 0.4,
        fit_width=fit_width,
        rows_may_split=rng.random() < 0.85,
        attachment=rng.choice((None, None, "附件2", "附件3", "附件")),
        unit_note=rng.random() < 0.4,
        page_numbers=rng.random() < 0.5,
    )


def seal_fonts(look: PrintLook) -> tuple[str, str]:
    """Faces the heavy level's seal may be lettered in: the title's and the body's."""
    assert look.title_face in FACES and look.font in FACES
    return look.title_face, look.font


def line_count(text: str, width_pt: float, font: str, size_pt: float) -> int:
    """Lines `text` takes when wrapped at `width_pt`, measured with the face's own widths."""
    if not text:
        return 1
    return len(wrap(text, width_pt * _MEASURE_PX / size_pt, _measure(font)))
