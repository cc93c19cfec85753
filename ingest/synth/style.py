"""The look of one document: page, margins, fonts, column widths, rules, label direction.

Every length is in pixels at the document's DPI, because truth boxes are pixels of the page as
drawn at that DPI and the text is wrapped with that pixel font.
"""

import random
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ingest.synth.columns import ColumnWidths
from ingest.synth.fonts import BODY_FACES, TITLE_FACES
from ingest.synth.table import COLUMNS

A4_MM = (210.0, 297.0)


def mm_to_px(mm: float, dpi: int) -> int:
    return round(mm / 25.4 * dpi)


def pt_to_px(pt: float, dpi: int) -> int:
    return round(pt / 72 * dpi)


class DocStyle(BaseModel):
    model_config = ConfigDict(frozen=True)

    dpi: int
    page_w: int
    page_h: int
    margin_top: int
    margin_bottom: int
    col_edges: tuple[int, ...]  # x of the vertical rules, one more than the table's columns
    font: str
    title_font: str
    body_px: int
    title_px: int
    line_h: int
    pad_x: int
    pad_y: int
    min_row_h: int
    rule_px: int
    outer_rule_px: int
    ink: int  # gray level of text and rules
    vertical_labels: bool
    amount_align: Literal["center", "right"]
    page_numbers: Literal["none", "dash", "of"]
    attachment: str | None  # "附件2" above the title
    unit_note: bool  # "单位：万元" above the table's right edge


def pick_style(
    rng: random.Random, dpi: int, compact: bool = False, columns: ColumnWidths = COLUMNS
) -> DocStyle:
    """A random but typical office-document look for a table of `columns` (the 部门整体
    form's by default); `compact` sets it as tight as the seed's filing (9 pt, single-spaced,
    low rows) so that its three pages hold what they held."""
    page_w, page_h = mm_to_px(A4_MM[0], dpi), mm_to_px(A4_MM[1], dpi)
    left = mm_to_px(15 if compact else rng.uniform(14, 26), dpi)
    right = mm_to_px(15 if compact else rng.uniform(14, 24), dpi)
    fractions = columns.draw(rng, compact)
    width = page_w - left - right
    edges = [left]
    for f in fractions:
        edges.append(edges[-1] + round(width * f))
    edges[-1] = page_w - right
    pt = 9.0 if compact else rng.choice((9.0, 10.0, 10.5, 10.5, 12.0))
    body_px = pt_to_px(pt, dpi)
    rule_pt = rng.uniform(0.5, 1.0)
    return DocStyle(
        dpi=dpi,
        page_w=page_w,
        page_h=page_h,
        margin_top=mm_to_px(18 if compact else rng.uniform(18, 28), dpi),
        margin_bottom=mm_to_px(16 if compact else rng.uniform(16, 26), dpi),
        col_edges=tuple(edges),
        font=rng.choice(BODY_FACES),
        title_font=rng.choice(TITLE_FACES),
        body_px=body_px,
        title_px=pt_to_px(rng.choice((16.0, 18.0, 22.0)), dpi),
        line_h=round(body_px * (1.22 if compact else rng.uniform(1.25, 1.55))),
        pad_x=mm_to_px(rng.uniform(1.0, 2.2), dpi),
        pad_y=mm_to_px(0.8 if compact else rng.uniform(0.8, 1.8), dpi),
        min_row_h=mm_to_px(6.0 if compact else rng.uniform(7.0, 10.0), dpi),
        rule_px=max(1, pt_to_px(rule_pt, dpi)),
        outer_rule_px=max(1, pt_to_px(rule_pt * rng.choice((1.0, 1.0, 1.5, 2.0)), dpi)),
        ink=rng.randint(0, 35),
        vertical_labels=rng.random() < 0.7,
        amount_align=rng.choice(("center", "center", "right")),
        page_numbers=rng.choice(("none", "dash", "dash", "of")),
        attachment=rng.choice((None, None, "附件2", "附件3", "附件")),
        unit_note=rng.random() < 0.4,
    )
