"""A line end whose glyph was read as nothing is doubted; a fully read line is not."""

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ingest.ocr.coverage import UNREAD_INK_CONFIDENCE, doubt_unread_ends
from tests.ingest.ocr.tokens import read_line

SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
PX = 29


def _line(text: str, stub_before: bool = False, dot_after: bool = False):
    """A rendered line and the column of each character's middle, as the recogniser reports
    them (a little right of the middle); optionally a rule's stub before it, taller than the
    line, and a speck after it."""
    font = ImageFont.truetype(SERIF, PX)
    left = 2 * PX
    width = round(font.getlength(text)) + 4 * PX
    image = Image.new("L", (width, 2 * PX), 255)
    draw = ImageDraw.Draw(image)
    draw.text((left, PX // 3), text, 0, font)
    xs, x = [], float(left)
    for ch in text:
        step = font.getlength(ch)
        xs.append(x + 0.6 * step)
        x += step
    if stub_before:
        draw.rectangle((left - 20, 2, left - 18, 2 * PX - 3), fill=0)
    if dot_after:
        middle = PX // 3 + PX // 2
        draw.ellipse((x + 6, middle, x + 12, middle + 6), fill=0)
    return np.asarray(image).copy(), xs


def test_a_first_character_read_as_nothing_doubts_the_line_start():
    image, xs = _line("节约机关经费")
    token = doubt_unread_ends(read_line("约机关经费"), image, xs[1:])
    assert token.text == "约机关经费"
    assert token.char_confidences[0] == UNREAD_INK_CONFIDENCE
    assert token.char_confidences[-1] == 0.99


def test_lost_characters_at_the_end_doubt_the_last_one_read():
    image, xs = _line("≥13场次")
    token = doubt_unread_ends(read_line("≥13"), image, xs[:3])
    assert token.char_confidences[-1] == UNREAD_INK_CONFIDENCE
    assert token.char_confidences[0] == 0.99


def test_a_fully_read_line_is_left_alone():
    for text in ("办事群众政策知晓度", "≥13场", "282.56", "100%", "成", "2026年12月底前完成"):
        image, xs = _line(text)
        token = read_line(text)
        assert doubt_unread_ends(token, image, xs) is token, text


def test_a_rules_stub_and_a_speck_beside_the_line_are_no_glyphs():
    image, xs = _line("落地见效", stub_before=True, dot_after=True)
    token = read_line("落地见效")
    assert doubt_unread_ends(token, image, xs) is token
