"""Width-batched line recognition: batching rules, and real reads in input order."""

import random
from pathlib import Path

import numpy as np
import pytest

from ingest.ocr.rapid import MODEL_FILES
from ingest.ocr.recognizer import (
    BATCH_COLUMNS,
    MIN_SLACK_PX,
    WIDTH_SLACK,
    LineRecognizer,
    scaled_width,
    width_batches,
)
from tests.ingest.ocr.test_rapid import _line_image


def test_batches_hold_every_crop_once_with_little_padding():
    rng = random.Random(3)
    widths = {
        i: rng.choice([40, 90, 300, 310, 800, 1500, 2900]) + rng.randint(0, 40) for i in range(300)
    }

    batches = width_batches(widths)

    assert sorted(i for b in batches for i in b) == sorted(widths)
    for batch in batches:
        narrowest, widest = min(widths[i] for i in batch), max(widths[i] for i in batch)
        assert widest - narrowest <= max(narrowest * WIDTH_SLACK, MIN_SLACK_PX)
        assert len(batch) == 1 or len(batch) * widest <= BATCH_COLUMNS


def test_crops_of_similar_width_share_runs_up_to_the_column_budget():
    widths = {i: 100 + i % 10 for i in range(100)}
    batches = width_batches(widths)
    assert len(batches) == -(-100 * 109 // BATCH_COLUMNS)  # as few as the budget allows


def test_scaled_width_keeps_the_ratio():
    assert scaled_width(np.zeros((24, 100), np.uint8)) == 200
    assert scaled_width(np.zeros((96, 1), np.uint8)) == 1
    assert scaled_width(np.zeros((24, 100), np.uint8), 0.85) == 170


@pytest.fixture(scope="module")
def recognizer() -> LineRecognizer:
    rapidocr = pytest.importorskip("rapidocr")

    model = Path(rapidocr.__file__).parent / "models" / MODEL_FILES["rec"]
    return LineRecognizer(model, threads=1)


def test_reads_lines_of_any_width_in_input_order(recognizer):
    texts = ["100%", "预算金额397.72万元", "≥18次", "资金使用合规率", "2024年12月31日前完成"]
    crops = [_line_image(t) for t in texts]
    crops.insert(2, np.full((40, 60), 255, np.uint8))  # blank
    crops.append(np.full((1, 50), 0, np.uint8))  # too thin to read

    tokens = recognizer.read(crops)

    read = [t.text for t in tokens]
    assert read[:2] + read[3:-1] == texts
    assert read[2] == "" and tokens[2].confidence == 0.0
    assert read[-1] == "" and tokens[-1].char_confidences == ()
    for token, crop in zip(tokens, crops, strict=True):
        assert token.bbox == (0, 0, crop.shape[1], crop.shape[0])
        assert len(token.char_confidences) == len(token.text)
        if token.text:
            assert 0.5 < token.confidence <= 1.0
            assert token.confidence == pytest.approx(np.mean(token.char_confidences))


def test_a_line_reads_the_same_alone_and_in_a_batch(recognizer):
    lines = [_line_image(t) for t in ["侨务接待次数", "产出指标", "数量指标", "时效指标"]]
    together = recognizer.read(lines)
    alone = [recognizer.read([line])[0] for line in lines]
    assert [t.text for t in together] == [t.text for t in alone]


def test_double_bar_signs_are_read_as_printed(recognizer):
    texts = ["≧95%", "≥90%", "≦3个工作日", "≤5次"]
    tokens = recognizer.read([_line_image(t) for t in texts])
    assert [t.text for t in tokens] == texts
    assert all(min(t.char_confidences) > 0.5 for t in tokens)


def test_narrowed_crops_read_the_same_and_place_signs_on_their_glyphs():
    """Signs are settled from the glyph at the column each was emitted, so the step positions
    must map back to the crop through the narrowing."""
    rapidocr = pytest.importorskip("rapidocr")
    model = Path(rapidocr.__file__).parent / "models" / MODEL_FILES["rec"]
    narrowed = LineRecognizer(model, threads=1, width_factor=0.85)
    texts = ["≧95%", "≥90%", "≦3个工作日", "预算金额397.72万元", "资金使用合规率"]
    tokens = narrowed.read([_line_image(t) for t in texts])
    assert [t.text for t in tokens] == texts
    assert all(min(t.char_confidences) > 0.5 for t in tokens)
