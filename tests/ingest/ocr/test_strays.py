"""Characters read from dust at a line's ends are dropped; printed ones stay."""

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ingest.ocr.strays import drop_stray_ends
from tests.ingest.ocr.tokens import read_line

SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
PX = 29


def _line(text: str, dot_before: bool = False, dot_after: bool = False):
    """A rendered line, the column of each character's middle, and optional dust dots."""
    font = ImageFont.truetype(SERIF, PX)
    left = 2 * PX
    width = round(font.getlength(text)) + 4 * PX
    image = Image.new("L", (width, 2 * PX), 255)
    draw = ImageDraw.Draw(image)
    draw.text((left, PX // 3), text, 0, font)
    xs, x = [], float(left)
    for ch in text:
        step = font.getlength(ch)
        xs.append(x + step / 2)
        x += step
    middle = PX // 3 + PX // 2
    if dot_before:
        draw.ellipse((left - 16, middle, left - 10, middle + 6), fill=0)
        xs.insert(0, left - 13.0)
    if dot_after:
        draw.ellipse((x + 6, middle, x + 12, middle + 6), fill=0)
        xs.append(x + 9.0)
    return np.asarray(image).copy(), xs


def test_dust_read_as_characters_at_both_ends_is_dropped():
    image, xs = _line("服务对象人数", dot_before=True, dot_after=True)
    cleaned = drop_stray_ends(read_line("6服务对象人数4"), image, xs)
    assert cleaned.text == "服务对象人数"
    assert len(cleaned.char_confidences) == len(cleaned.text)


def test_the_dropped_characters_doubt_moves_to_the_new_end():
    image, xs = _line("资金使用合规率", dot_after=True)
    token = read_line("资金使用合规率+").model_copy(
        update={"char_confidences": (0.99,) * 7 + (0.7,)}
    )
    cleaned = drop_stray_ends(token, image, xs)
    assert cleaned.text == "资金使用合规率"
    assert cleaned.char_confidences[-1] == 0.7


def test_printed_digits_signs_and_punctuation_stay():
    for text in ("≥95%", "100", "6次", "-1-", "完成任务。", "398.72", "2024年12月"):
        image, xs = _line(text)
        assert drop_stray_ends(read_line(text), image, xs).text == text, text


def test_a_dot_read_as_punctuation_is_left_to_the_reader():
    image, xs = _line("效率逐步提高", dot_after=True)
    assert drop_stray_ends(read_line("效率逐步提高。"), image, xs).text == "效率逐步提高。"


def test_a_digit_beside_a_number_is_kept_even_when_read_over_a_dot():
    image, xs = _line("0.53", dot_before=True)  # a faded 3 would look no bigger
    assert drop_stray_ends(read_line("30.53"), image, xs).text == "30.53"
    image, xs = _line("服务农户人数", dot_before=True)
    assert drop_stray_ends(read_line("8服务农户人数"), image, xs).text == "服务农户人数"
