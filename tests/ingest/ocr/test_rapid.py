"""The default engine on real rendered text: real models, a few seconds in all."""

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.ocr import create_engine
from ingest.ocr.base import EngineUnavailable, OcrEngine
from ingest.ocr.rapid import engine_threads
from jixiao.options import ocr_options
from jixiao.settings import Settings
from tests.ingest.ocr.render import SANS, SERIF, CellSpec, render_table

LINE = "预算金额397.72万元"


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    return create_engine(ocr_options(Settings(ocr_engine="rapidocr")))


def _line_image(text: str, font_px: int = 32) -> np.ndarray:
    font = ImageFont.truetype(SERIF, font_px)
    width = round(font.getlength(text)) + 2 * font_px
    image = Image.new("L", (width, font_px * 2), 255)
    ImageDraw.Draw(image).text((font_px, font_px // 3), text, 0, font)
    return np.asarray(image).copy()


def _check_token(token, text: str) -> None:
    assert token.text == text
    assert 0.0 <= token.confidence <= 1.0
    assert len(token.char_confidences) == len(token.text)
    assert all(0.0 <= c <= 1.0 for c in token.char_confidences)


def test_detects_and_reads_a_chinese_line(engine):
    image = np.full((200, 900), 255, dtype=np.uint8)
    line = _line_image(LINE)
    image[60 : 60 + line.shape[0], 100 : 100 + line.shape[1]] = line

    tokens = engine.detect_and_read(image)

    assert len(tokens) == 1
    _check_token(tokens[0], LINE)
    x0, y0, x1, y1 = tokens[0].bbox
    assert 100 <= x0 < 100 + 40 and 100 + line.shape[1] - 40 < x1 <= 100 + line.shape[1]
    assert 60 <= y0 < y1 <= 60 + line.shape[0]


def test_reads_lines_in_one_batch_without_detection(engine):
    crops = [_line_image(LINE), _line_image("产出指标"), np.full((40, 60), 255, np.uint8)]

    tokens = engine.read_lines(crops)

    assert len(tokens) == 3
    _check_token(tokens[0], LINE)
    _check_token(tokens[1], "产出指标")
    assert tokens[2].text == "" and tokens[2].confidence == 0.0
    assert tokens[1].bbox == (0, 0, crops[1].shape[1], crops[1].shape[0])


def test_info_names_the_bundled_models(engine):
    assert engine.info.engine == "rapidocr"
    assert engine.info.models["det"] == "PP-OCRv6_det_small"
    assert engine.info.models["rec"] == "PP-OCRv6_rec_small"
    assert set(engine.info.models) == {"det", "rec", "cls"}


def test_engine_is_created_once_per_options(engine):
    assert create_engine(ocr_options(Settings(ocr_engine="rapidocr"))) is engine
    assert isinstance(engine, OcrEngine)


def test_settings_the_engine_does_not_read_leave_it_as_it_is(engine):
    """Limits and queue settings are no part of the engine's options: no second engine."""
    other = Settings(ocr_engine="rapidocr", max_pages=3, raster_dpi=300, max_queue_depth=1)
    assert create_engine(ocr_options(other)) is engine


def test_unknown_engine_is_a_clear_error():
    with pytest.raises(EngineUnavailable, match="unknown OCR engine"):
        create_engine(ocr_options(Settings(ocr_engine="tesseract")))


def test_threads_follow_settings_or_the_cores():
    options = ocr_options(Settings())
    assert engine_threads(options.model_copy(update={"threads": 3})) == 3
    assert 1 <= engine_threads(options.model_copy(update={"threads": 0})) <= 64


def test_reads_a_ruled_table_with_a_vertical_label(engine):
    from ingest.ocr.assign import read_cells

    rendered = render_table(
        [200, 260, 320, 440],
        [100, 260, 700, 1000],
        [
            CellSpec(0, 0, "绩效指标", row_span=3, vertical=True),
            CellSpec(0, 1, "侨务接待次数"),
            CellSpec(0, 2, "18次"),
            CellSpec(1, 1, "资金使用合规率"),
            CellSpec(1, 2, "100%"),
            CellSpec(2, 1, "1、开展走访慰问活动\n2、组织考察"),
            CellSpec(2, 2, ""),
        ],
        size=(1100, 520),
        title="年度绩效目标表",
    )

    table = read_cells(rendered.page, rendered.grid, engine)

    texts = {(c.cell.row, c.cell.col): c.text for c in table.cells}
    assert texts == rendered.expected
    assert "".join(t.text for t in table.outside) == rendered.title


def test_lines_set_with_no_leading_are_read_one_by_one(engine):
    """A browser's paragraph at 1.0 line height, at 200 dpi: one empty pixel row between
    lines. Read as crops of two lines each, it came out as nonsense accepted at 0.99."""
    from ingest.evaluation.compare import edit_distance, normalize_text
    from ingest.ocr.assign import read_cells

    text = (
        "1.落实防灾减灾宣传工作，做好资料收集整理、统计分析和归档工作，确保资金使用安全规范有效。"
    )
    rendered = render_table(
        [100, 400],
        [100, 400, 700],
        [CellSpec(0, 0, text), CellSpec(0, 1, "加强安全生产执法检查工作")],
        size=(800, 500),
        font_px=24,
        line_step=1.02,
    )

    table = read_cells(rendered.page, rendered.grid, engine)

    read = {(c.cell.row, c.cell.col): normalize_text(c.text) for c in table.cells}
    assert edit_distance(read[(0, 0)], normalize_text(text)) <= 2  # a comma or a space at most
    assert len(table.cells[0].tokens) >= 4  # a token per printed line


class _CountingEngine:
    """The real engine, counting the detection calls made through it."""

    def __init__(self, engine: OcrEngine) -> None:
        self._engine = engine
        self.info = engine.info
        self.detections = 0

    def detect_and_read(self, image):
        self.detections += 1
        return self._engine.detect_and_read(image)

    def read_lines(self, crops):
        return self._engine.read_lines(crops)


def test_text_outside_the_table_is_read_without_detection_and_edges_are_not_text(engine):
    import dataclasses

    from ingest.ocr.assign import read_cells

    rendered = render_table(
        [400, 480, 560],
        [200, 700, 1450],
        [CellSpec(0, 0, "侨务接待次数"), CellSpec(0, 1, "18次"), CellSpec(1, 0, "")],
        size=(1654, 900),
        title="2024年度绩效目标表",
    )
    image = Image.fromarray(rendered.page.gray)
    draw = ImageDraw.Draw(image)
    draw.text((800, 700), "-1-", 0, ImageFont.truetype(SERIF, 29))  # page number
    draw.rectangle((30, 0, 44, 899), fill=0)  # a photo's paper edge, beside the table
    draw.rectangle((200, 640, 1450, 643), fill=0)  # a rule below the table
    draw.rectangle((1000, 760, 1003, 763), fill=0)  # a speck
    gray = np.asarray(image).copy()
    page = dataclasses.replace(rendered.page, gray=gray, image=np.dstack([gray] * 3))
    counting = _CountingEngine(engine)

    table = read_cells(page, rendered.grid, counting)

    assert [t.text for t in table.outside] == [rendered.title, "-1-"]
    assert counting.detections == 0
    assert {(c.cell.row, c.cell.col): c.text for c in table.cells} == rendered.expected


@pytest.mark.parametrize("font_path", [SANS, SERIF])
def test_a_sign_over_a_line_set_close_is_read_without_the_next_lines_strokes(engine, font_path):
    """`≥594元` over `每人每`, the lines a few pixels apart: a line's crop that took its margin
    from the page held the tops of the next line's glyphs under the `≥`, counted as the second
    bar of a `≧` (seed 89302, accepted)."""
    from ingest.ocr.assign import read_cells

    rendered = render_table(
        [100, 260],
        [100, 240],
        [CellSpec(0, 0, "≥594元\n每人每\n月")],
        size=(400, 400),
        font_px=28,
        line_step=1.1,
        font_path=font_path,
    )

    (cell,) = read_cells(rendered.page, rendered.grid, engine).cells

    assert cell.text.replace("\n", "") == "≥594元每人每月"
