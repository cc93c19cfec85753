"""Failures built on purpose on real scans and read by the real grid and OCR: each ends in a
document flag that covers what was lost, never in silence (`silent_rows` is the evaluation's
own count of truth rows lost with no open flag over them), or, where the reader mends the damage,
in the value read right."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.artifacts import CleanPage, PageImage, PageTable
from ingest.grid import find_grid
from ingest.ocr.assign import read_cells
from ingest.ocr.base import OcrEngine
from ingest.preprocess import clean_page
from ingest.rasterize import rasterize
from ingest.sources import accept_upload
from jixiao.options import input_limits
from jixiao.settings import Settings
from models.contract import PageOutcome, ReviewState
from models.truth import GroundTruth
from tests.ingest.losses import assembled, flags, silent_rows
from tests.ingest.ocr.render import SANS

CORPUS = Path(__file__).parents[1] / "data" / "corpus"
SCAN, PHOTO = "syn11_0000", "syn11_0002"  # the seed table as a scan; a photographed table


def _truth(doc_id: str) -> GroundTruth:
    return GroundTruth.model_validate_json((CORPUS / f"{doc_id}.truth.json").read_bytes())


def _images(doc_id: str) -> list[PageImage]:
    limits = input_limits(Settings())
    source = accept_upload(CORPUS / f"{doc_id}.pdf", f"{doc_id}.pdf", limits)
    return list(rasterize(source, dpi=limits.raster_dpi, limits=limits))


def _read(page: CleanPage, engine: OcrEngine) -> PageTable:
    return read_cells(page, find_grid(page), engine)


def _painted(page: CleanPage, rows: slice, cols: slice = slice(None)) -> CleanPage:
    """The page with a region painted white, as if nothing had been printed there."""
    gray, image = page.gray.copy(), page.image.copy()
    gray[rows, cols] = 255
    image[rows, cols] = 255
    return dataclasses.replace(page, gray=gray, image=image)


@pytest.fixture(scope="module")
def scan(engine: OcrEngine) -> tuple[list[CleanPage], list[PageTable]]:
    pages = [clean_page(image) for image in _images(SCAN)]
    return pages, [_read(page, engine) for page in pages]


def _with_page(read: list[PageTable], index: int, table: PageTable) -> list[PageTable]:
    return [table if i == index else t for i, t in enumerate(read)]


def test_the_unharmed_scan_is_read_whole_with_every_line_placed(scan):
    _, read = scan
    doc = assembled(read)
    assert silent_rows(_truth(SCAN), doc) == 0
    assert doc.document_flags == []
    assert [p.outcome for p in doc.accounting.pages] == [PageOutcome.TABLE] * 3
    assert doc.accounting.placed_share == 1.0


def test_a_page_whose_table_is_cut_away_is_unread_and_covers_its_rows(scan, engine):
    pages, read = scan
    page = pages[1]
    _, top, _, bottom = find_grid(page).bbox
    cut = _painted(page, slice(max(top - 20, 0), bottom + 20))  # the page number stays
    doc = assembled(_with_page(read, 1, _read(cut, engine)))
    assert 2 in [f.page for f in flags(doc, "page_unread")]
    assert doc.accounting.pages[1].outcome == PageOutcome.UNREAD
    assert doc.review_state == ReviewState.NEEDS_REVIEW
    assert silent_rows(_truth(SCAN), doc) == 0


def test_a_page_holding_only_a_header_row_is_unread_and_covers_its_rows(scan, engine):
    pages, read = scan
    page = pages[2]
    grid = find_grid(page)
    header_only = _painted(page, slice(grid.row_edges[1] + 4, grid.row_edges[-1] + 20))
    doc = assembled(_with_page(read, 2, _read(header_only, engine)))
    assert 3 in [f.page for f in flags(doc, "page_unread")]
    assert doc.review_state == ReviewState.NEEDS_REVIEW
    assert silent_rows(_truth(SCAN), doc) == 0


def test_a_table_without_its_top_rule_keeps_its_first_row(scan, engine):
    # The column rules start together where the top rule was: that open edge is closed
    # (`ingest.grid.edges`), and the title's glyph strokes above are no edge of it.
    pages, read = scan
    page = pages[0]
    top = find_grid(page).row_edges[0]
    no_top = _painted(page, slice(top - 6, top + 7))
    assert abs(find_grid(no_top).row_edges[0] - top) <= 12
    doc = assembled(_with_page(read, 0, _read(no_top, engine)))
    department = next(f for f in doc.fields if f.path == "department")
    assert department.value == "湛江市归国华侨联合会"
    assert silent_rows(_truth(SCAN), doc) == 0


def test_text_written_beside_the_table_is_flagged_with_its_place_and_text(scan, engine):
    pages, read = scan
    page = pages[0]
    x0, y0, x1, _ = find_grid(page).bbox
    image = Image.fromarray(page.gray)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(SANS, 30)
    for k, char in enumerate("另有两项任务"):  # down the right margin
        draw.text((x1 + 40, y0 + 400 + 42 * k), char, 0, font)
    draw.text((max(x0 - 10, 0), 2 * y0 // 3 + 1500), "备注：详见附件三", 0, font)
    gray = np.asarray(image).copy()
    noted = dataclasses.replace(page, gray=gray, image=np.dstack([gray] * 3))
    doc = assembled(_with_page(read, 0, _read(noted, engine)))
    texts = {f.text: f for f in flags(doc, "unassigned_text")}
    assert "另有两项任务" in texts and "备注：详见附件三" in texts
    beside = texts["另有两项任务"]
    assert beside.page == 1 and beside.section is None and beside.bbox[0] > x1
    assert doc.review_state == ReviewState.NEEDS_REVIEW
    assert doc.accounting.placed_lines == doc.accounting.text_lines - 2


def test_a_photo_whose_lower_half_is_dark_is_flagged_where_it_could_not_be_read(engine):
    images = _images(PHOTO)
    dark = images[1].image.copy()
    half = dark.shape[0] // 2
    noise = np.random.default_rng(0).normal(0, 4, dark[half:].shape)
    dark[half:] = np.clip(dark[half:] * 0.03 + noise, 0, 255).astype(np.uint8)
    images[1] = dataclasses.replace(images[1], image=dark)
    doc = assembled([_read(clean_page(image), engine) for image in images])
    # Whether the grid still finds the top of the table or none of it, what is lost under the
    # dark half is flagged on its page: the page unread, or its lines unassigned.
    page_flags = flags(doc, "page_unread") + flags(doc, "unassigned_text")
    assert 2 in [f.page for f in page_flags]
    assert doc.review_state == ReviewState.NEEDS_REVIEW
    assert silent_rows(_truth(PHOTO), doc) == 0
