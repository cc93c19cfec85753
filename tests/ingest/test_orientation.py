"""Pages turned a quarter or half round with nothing saying so (no EXIF) are turned back and
read as the form, instead of failing as "not this form"; an upright page is never turned."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ingest.artifacts import PageImage
from ingest.ocr.base import OcrEngine
from ingest.pipeline import read_document
from ingest.preprocess.orientation import upright
from jixiao.options import ocr_options, read_options
from jixiao.settings import Settings
from tests.service.helpers import read_path_missing, render_seed_pdf

pytestmark = pytest.mark.skipif(bool(read_path_missing()), reason=read_path_missing() or "")


@pytest.fixture(scope="module")
def first_page(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    from pdf2image import convert_from_path

    pdf = render_seed_pdf(tmp_path_factory.mktemp("seed") / "seed.pdf", misprinted_basic=None)
    (page,) = convert_from_path(pdf, dpi=200, first_page=1, last_page=1)
    return np.asarray(page.convert("RGB"))[:, :, ::-1].copy()


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    from ingest.ocr import create_engine

    return create_engine(ocr_options(Settings(ocr_threads=1)))


@pytest.mark.parametrize("quarter_turns", [0, 1, 2, 3])
def test_the_turn_that_sets_a_page_upright_is_found(
    first_page: np.ndarray, engine: OcrEngine, quarter_turns: int
) -> None:
    turned = np.ascontiguousarray(np.rot90(first_page, quarter_turns))
    page, turn = upright(PageImage(index=0, image=turned, dpi=200), engine)
    assert turn == (360 - 90 * quarter_turns) % 360
    assert np.array_equal(page.image, first_page)


def test_a_blank_page_is_left_as_it_is(engine: OcrEngine) -> None:
    blank = PageImage(index=0, image=np.full((2339, 1654, 3), 255, np.uint8), dpi=200)
    assert upright(blank, engine) == (blank, 0)


@pytest.mark.slow
def test_a_page_scanned_sideways_is_read_as_the_form(
    first_page: np.ndarray, tmp_path: Path
) -> None:
    path = tmp_path / "sideways.png"
    Image.fromarray(np.rot90(first_page, 1)[:, :, ::-1]).save(path)  # no EXIF orientation
    result = read_document(path, read_options(Settings(ocr_threads=1)))
    assert result.document.department == "湛江市归国华侨联合会"
    assert "turned by 270°" in result.pages[0].notes
