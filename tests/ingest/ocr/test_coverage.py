"""A line end or a glyph inside a line read as nothing is doubted; a fully read line is not."""

from ingest.ocr.coverage import UNREAD_INK_CONFIDENCE, doubt_unread_ink
from tests.ingest.ocr.render import LINE_PX, draw_line
from tests.ingest.ocr.tokens import read_line


def _line(text: str, stub_before: bool = False, dot_after: bool = False):
    """A rendered line and the column of each character's middle, as the recogniser reports
    them (a little right of the middle); optionally a rule's stub before it, taller than the
    line, and a speck after it."""
    line = draw_line(text, reported_at=0.6)
    if stub_before:
        line.draw.rectangle((line.left - 20, 2, line.left - 18, 2 * LINE_PX - 3), fill=0)
    if dot_after:
        x, middle = line.right, line.middle
        line.draw.ellipse((x + 6, middle, x + 12, middle + 6), fill=0)
    return line.pixels(), line.xs


def test_a_first_character_read_as_nothing_doubts_the_line_start():
    image, xs = _line("节约机关经费")
    token = doubt_unread_ink(read_line("约机关经费"), image, xs[1:])
    assert token.text == "约机关经费"
    assert token.char_confidences[0] == UNREAD_INK_CONFIDENCE
    assert token.char_confidences[-1] == 0.99


def test_lost_characters_at_the_end_doubt_the_last_one_read():
    image, xs = _line("≥13场次")
    token = doubt_unread_ink(read_line("≥13"), image, xs[:3])
    assert token.char_confidences[-1] == UNREAD_INK_CONFIDENCE
    assert token.char_confidences[0] == 0.99


def test_a_fully_read_line_is_left_alone():
    for text in ("办事群众政策知晓度", "≥13场", "282.56", "100%", "成", "2026年12月底前完成"):
        image, xs = _line(text)
        token = read_line(text)
        assert doubt_unread_ink(token, image, xs) is token, text


def test_a_rules_stub_and_a_speck_beside_the_line_are_no_glyphs():
    image, xs = _line("落地见效", stub_before=True, dot_after=True)
    token = read_line("落地见效")
    assert doubt_unread_ink(token, image, xs) is token


def test_a_sign_read_as_nothing_before_a_digit_doubts_the_line_start():
    """A digit is half as wide as an ideograph, so the ink a lost `≧` leaves before it reaches
    less far past the digit's column than a lost ideograph does past its neighbour's."""
    for text in ("≧60%", "≥8次"):
        image, xs = _line(text)
        token = doubt_unread_ink(read_line(text[1:]), image, xs[1:])
        assert token.char_confidences[0] == UNREAD_INK_CONFIDENCE, text
        assert token.char_confidences[-1] == 0.99, text


def test_a_glyph_read_as_nothing_inside_a_line_doubts_both_its_neighbours():
    """A clean print's `过政府采购` read `过政府购`, each character near certain."""
    image, xs = _line("过政府采购")
    token = doubt_unread_ink(read_line("过政府购"), image, xs[:3] + xs[4:])
    assert token.char_confidences == (0.99, 0.99, UNREAD_INK_CONFIDENCE, UNREAD_INK_CONFIDENCE)


def test_glyphs_whose_parts_stand_apart_and_spaced_letters_are_read_glyphs():
    """The parts of 部, 川 or 儿 stand apart, but each is narrower than a glyph and within one
    of the column its character was read at; a space between spaced-out characters holds no
    ink."""
    for text in ("目的地川流小儿以外", "项 目 名 称", "Excel表格", "收入比上年增长11.5%"):
        for reported_at in (0.3, 0.5, 0.7):
            line = draw_line(text, reported_at=reported_at)
            token = read_line(text)
            assert doubt_unread_ink(token, line.pixels(), line.xs) is token, (text, reported_at)
    line = draw_line("外部")  # 部 read at its right edge: 咅 stands apart, 0.6 line heights wide
    token = read_line("外部")
    assert doubt_unread_ink(token, line.pixels(), [line.xs[0], line.right - 2]) is token
