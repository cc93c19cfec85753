"""The PaddleOCR engine and its model folders, with the real models the rapidocr wheel ships.

The folder tests need only onnxruntime; the engine tests need the `paddle` extra and are
skipped without it. The engine is built with Python's sockets closed, so a download or a
connectivity probe by PaddleOCR fails the tests instead of passing unnoticed.
"""

import socket
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import yaml

from ingest.ocr import create_engine
from ingest.ocr.assign import read_cells
from ingest.ocr.base import EngineUnavailable, OcrEngine
from ingest.ocr.paddle_models import (
    CONFIG_FILE,
    DETECTION,
    MODEL_FILE,
    RECOGNITION,
    build_model_dirs,
    bundled_model_dir,
    load_model_dirs,
)
from jixiao.cli import main
from jixiao.options import ocr_options
from jixiao.settings import Settings
from tests.ingest.ocr.render import CellSpec, RenderedPage, render_table


@pytest.fixture(scope="module")
def model_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("paddle-models")
    build_model_dirs(root)
    return root


def test_folders_hold_the_bundled_networks_with_their_configs(model_root):
    dirs = load_model_dirs(model_root)

    assert (dirs.detection_name, dirs.recognition_name) == (
        "PP-OCRv6_small_det",
        "PP-OCRv6_small_rec",
    )
    for folder, bundled in (
        (dirs.detection, "PP-OCRv6_det_small.onnx"),
        (dirs.recognition, "PP-OCRv6_rec_small.onnx"),
    ):
        assert (folder / MODEL_FILE).read_bytes() == (bundled_model_dir() / bundled).read_bytes()
        assert (folder / CONFIG_FILE).stat().st_mode & 0o044 == 0o044  # readable by a worker user
    det = yaml.safe_load((dirs.detection / CONFIG_FILE).read_text(encoding="utf-8"))
    ops = [next(iter(op)) for op in det["PreProcess"]["transform_ops"]]
    assert ops[1:] == ["DetResizeForTest", "NormalizeImage", "ToCHWImage", "KeepKeys"]
    assert det["PostProcess"]["name"] == "DBPostProcess"


def test_recognition_alphabet_matches_the_network_output(model_root):
    rec_dir = model_root / RECOGNITION
    config = yaml.safe_load((rec_dir / CONFIG_FILE).read_text(encoding="utf-8"))
    characters = config["PostProcess"]["character_dict"]
    session = ort.InferenceSession(str(rec_dir / MODEL_FILE), providers=["CPUExecutionProvider"])

    (scores,) = session.run(None, {"x": np.zeros((1, 3, 48, 320), np.float32)})

    # CTC classes: blank + the alphabet + the space CTCLabelDecode appends.
    assert scores.shape[-1] == len(characters) + 2
    assert len(set(characters)) == len(characters) and "" not in characters
    assert {"预", "算", "万", "元", "%", "≥"} <= set(characters)


def test_incomplete_folders_are_a_clear_error(tmp_path):
    (tmp_path / DETECTION).mkdir()

    with pytest.raises(EngineUnavailable, match="jixiao paddle-models --out"):
        load_model_dirs(tmp_path)
    with pytest.raises(EngineUnavailable, match="incomplete"):
        create_engine(ocr_options(Settings(ocr_engine="paddleocr", paddle_model_dir=tmp_path)))


def test_command_writes_loadable_folders(tmp_path, capsys):
    assert main(["paddle-models", "--out", str(tmp_path / "m")]) == 0

    assert load_model_dirs(tmp_path / "m").recognition_name == "PP-OCRv6_small_rec"
    assert "JIXIAO_PADDLE_MODEL_DIR=" in capsys.readouterr().out


# The engine itself: needs `pip install -e '.[paddle]'`.


def _offline_connect(*args, **kwargs):
    raise OSError("network closed in this test")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def engine(data_dir) -> OcrEngine:
    pytest.importorskip("paddleocr", reason="the paddleocr engine needs: pip install '.[paddle]'")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _offline_connect)
        patch.setattr(socket, "getaddrinfo", _offline_connect)
        engine = create_engine(ocr_options(Settings(ocr_engine="paddleocr", data_dir=data_dir)))
        engine.read_lines([_table().page.gray[200:260, 260:700]])  # first inference, offline too
    return engine


def _table() -> RenderedPage:
    return render_table(
        [200, 260, 320, 440],
        [100, 260, 700, 1000],
        [
            CellSpec(0, 0, "绩效指标", row_span=3, vertical=True),
            CellSpec(0, 1, "侨务接待次数"),
            CellSpec(0, 2, "≥18次"),
            CellSpec(1, 1, "资金使用合规率"),
            CellSpec(1, 2, "397.72万元"),
            CellSpec(2, 1, "1、开展走访慰问活动\n2、组织考察"),
            CellSpec(2, 2, ""),
        ],
        size=(1100, 520),
        title="年度绩效目标表",
    )


def test_engine_builds_its_default_folders_and_names_them(engine, data_dir):
    assert engine.info.engine == "paddleocr"
    assert engine.info.models == {"det": "PP-OCRv6_small_det", "rec": "PP-OCRv6_small_rec"}
    assert load_model_dirs(data_dir / "paddle-models").detection_name == "PP-OCRv6_small_det"
    assert isinstance(engine, OcrEngine)
    assert create_engine(ocr_options(Settings(ocr_engine="paddleocr", data_dir=data_dir))) is engine


def test_detects_and_reads_lines_on_a_page(engine):
    rendered = _table()

    tokens = engine.detect_and_read(rendered.page.gray)

    texts = [t.text for t in tokens]
    for expected in ("年度绩效目标表", "侨务接待次数", "≥18次", "397.72万元", "2、组织考察"):
        assert expected in texts
    height, width = rendered.page.gray.shape
    for token in tokens:
        assert 0.0 <= token.confidence <= 1.0 and token.char_confidences == ()
        x0, y0, x1, y1 = token.bbox
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
    amount = tokens[texts.index("397.72万元")]
    assert rendered.grid.cells[4].bbox[0] < amount.bbox[0] < amount.bbox[2] < 1000
    assert amount.confidence > 0.9


def test_reads_crops_in_one_batch_keeping_their_order(engine):
    gray = _table().page.gray
    crops = [gray[265:315, 710:990], np.full((40, 60), 255, np.uint8), gray[205:255, 265:690]]

    tokens = engine.read_lines(crops)

    assert [t.text for t in tokens] == ["397.72万元", "", "侨务接待次数"]
    assert tokens[1].confidence == 0.0
    assert tokens[0].bbox == (0, 0, 280, 50)
    assert all(0.0 <= t.confidence <= 1.0 for t in tokens)
    assert engine.read_lines([]) == []


@pytest.mark.parametrize("strategy", ["cell_lines", "full_page"])
def test_reads_a_ruled_table_into_its_cells(engine, strategy):
    rendered = _table()

    table = read_cells(rendered.page, rendered.grid, engine, strategy)

    assert {(c.cell.row, c.cell.col): c.text for c in table.cells} == rendered.expected
    assert "".join(t.text for t in table.outside) == rendered.title
