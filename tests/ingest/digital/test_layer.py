"""The text layer and vector rules of real printed pages, and the verdict on each page."""

from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ingest.digital.layer import LayerChar, LayerPage, Segment, open_layer
from ingest.digital.place import place_chars
from ingest.digital.rules import grid_from_vectors
from ingest.digital.sniff import LayerVerdict, judge_layer
from tests.ingest.digital.fixtures import GARBLED, MIXED, SCAN_WITH_LAYER, SEED_PDF


def _page(path: Path, index: int = 0) -> LayerPage:
    with open_layer(path) as layer:
        return layer.read(index, 200)


def test_printed_pages_give_characters_in_pixels_and_every_rule() -> None:
    page = _page(SEED_PDF)
    assert (page.width, page.height) == (1654, 2339)  # A4 at 200 DPI
    text = "".join(c.text for c in page.chars)
    assert "湛江市归国华侨联合会" in text and "397.72" in text
    assert not any(c.unmapped for c in page.chars)
    # the label of the cell the page break cuts, clipped away below the table's last rule
    assert "".join(c.text for c in page.chars if not c.visible) == "年度重点工作任务"
    first = next(c for c in page.chars if c.text == "部")
    assert 150 < first.box[0] < 300 and 200 < first.box[1] < 300  # the first row's label
    assert len([s for s in page.segments if s.horizontal]) >= 10
    assert page.image_share == 0.0


@pytest.mark.parametrize("index", [0, 1, 2])
def test_grid_from_vector_rules_keeps_all_five_columns_on_every_page(index: int) -> None:
    grid = grid_from_vectors(_page(SEED_PDF, index))
    assert grid is not None and grid.n_cols == 5
    assert all(c.confidence == 1.0 for c in grid.cells)
    # a page break cuts the tall label cells: the break closes them, so every cell is bounded
    assert grid.cells[0].row == 0 and grid.cells[0].col == 0


def test_characters_land_in_their_cells_and_the_title_outside() -> None:
    page = _page(SEED_PDF)
    table = place_chars(page, grid_from_vectors(page))
    texts = {(c.cell.row, c.cell.col): c.text for c in table.cells}
    assert texts[(0, 0)] == "部门名称"
    assert texts[(0, 1)] == "湛江市归国华侨联合会"
    assert texts[(3, 2)] == "397.72"
    assert all(t.confidence == 1.0 for c in table.cells for t in c.tokens)
    assert table.outside[0].text == "2024年市级部门整体预算绩效目标表"


def test_thin_filled_rectangles_are_rules_as_a_browser_prints_them() -> None:
    """Chromium draws borders as filled rectangles one pixel thin: a 2 x 2 table of them."""
    bars = [Segment(100, y, 900, y, 2) for y in (100, 300, 500)]
    bars += [Segment(x, 100, x, 500, 2) for x in (100, 500, 900)]
    page = LayerPage(0, 1000, 1400, 200, (), tuple(bars), 0.0)
    grid = grid_from_vectors(page)
    assert grid is not None and (grid.n_rows, grid.n_cols) == (2, 2)
    assert grid.row_edges == (100, 300, 500) and grid.col_edges == (100, 500, 900)


def test_a_printed_page_is_read_from_its_layer() -> None:
    assert judge_layer(_page(SEED_PDF)) == LayerVerdict.USABLE


def test_a_scanners_invisible_ocr_layer_is_not_trusted() -> None:
    page = _page(SCAN_WITH_LAYER)
    assert page.chars and not any(c.visible for c in page.chars)  # render mode 3
    assert judge_layer(page) == LayerVerdict.INVISIBLE


def test_a_scanned_page_in_a_printed_document_has_no_layer() -> None:
    verdicts = [judge_layer(_page(MIXED, i)) for i in range(3)]
    assert verdicts == [LayerVerdict.USABLE, LayerVerdict.NO_TEXT, LayerVerdict.USABLE]


def test_a_layer_with_a_wrong_unicode_map_passes_the_cheap_checks() -> None:
    """Only the sampled OCR can tell (tests/ingest/digital/test_read.py)."""
    assert judge_layer(_page(GARBLED)) == LayerVerdict.USABLE


def _chars(texts: str, **flags: bool) -> tuple[LayerChar, ...]:
    return tuple(
        LayerChar(ch, (i * 20.0, 0.0, i * 20.0 + 18, 20.0), flags.get("visible", True),
                  flags.get("unmapped", False))
        for i, ch in enumerate(texts)
    )  # fmt: skip


@pytest.mark.parametrize(
    ("chars", "image_share", "verdict"),
    [
        (_chars("部门整体预算绩效目标表"), 0.0, LayerVerdict.USABLE),
        (_chars("第1页"), 0.0, LayerVerdict.NO_TEXT),
        (_chars("部门整体预算绩效目标表", visible=False), 0.0, LayerVerdict.INVISIBLE),
        (_chars("部门整体预算绩效目标表"), 0.9, LayerVerdict.UNDER_IMAGE),
        (_chars("部门整体预算绩效目标表", unmapped=True), 0.0, LayerVerdict.GARBLED),
        (_chars("\ue001\ue002\ue003\ue004\ue005\ue006\ue007\ue008"), 0.0, LayerVerdict.GARBLED),
        (_chars("部门整体预算绩效目标表\ufffd\ufffd"), 0.0, LayerVerdict.GARBLED),
    ],
)
def test_cheap_verdicts(chars: tuple[LayerChar, ...], image_share: float, verdict: str) -> None:
    page = LayerPage(0, 1654, 2339, 200, chars, (), image_share)
    assert judge_layer(page) == verdict


def test_characters_clipped_away_are_not_printed(tmp_path: Path) -> None:
    """A browser clips the line a page break cuts and keeps its glyphs in the file."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(tmp_path / "clip.pdf"), pagesize=(300, 200))
    pdf.saveState()
    frame = pdf.beginPath()
    frame.rect(0, 100, 300, 100)  # the page's content area: y from 100 up
    pdf.clipPath(frame, stroke=0, fill=0)
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(20, 150, "通过政府采购")  # inside
    pdf.drawString(20, 60, "府方定")  # beyond the clip: in the file, not on the page
    pdf.restoreState()
    pdf.save()
    chars = _page(tmp_path / "clip.pdf").chars
    assert "".join(c.text for c in chars if c.visible) == "通过政府采购"
    assert "".join(c.text for c in chars if not c.visible) == "府方定"
