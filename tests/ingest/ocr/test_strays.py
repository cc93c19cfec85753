"""Characters read from dust at a line's ends are dropped; printed ones stay, and a glyph read
as a speck is doubted."""

from ingest.ocr.assign import _trim_specks
from ingest.ocr.strays import (
    GLYPH_READ_AS_SPECK_CONFIDENCE,
    doubt_glyphs_read_as_specks,
    drop_stray_ends,
)
from tests.ingest.ocr.render import draw_line
from tests.ingest.ocr.tokens import read_line


def _line(text: str, dot_before: bool = False, dot_after: bool = False):
    """A rendered line, the column of each character's middle, and optional dust dots."""
    line = draw_line(text)
    left, right, middle, xs = line.left, line.right, line.middle, line.xs
    if dot_before:
        line.draw.ellipse((left - 16, middle, left - 10, middle + 6), fill=0)
        xs.insert(0, left - 13.0)
    if dot_after:
        line.draw.ellipse((right + 6, middle, right + 12, middle + 6), fill=0)
        xs.append(right + 9.0)
    return line.pixels(), xs


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


def _faint_sign_before(value: str):
    """`≧` printed pale grey before a value in full black, as a worn print or a photo shows
    it, and the column of each character's middle."""
    line = draw_line("≧" + value)
    image = line.pixels()
    sign = slice(round(line.left), round(2 * line.xs[0] - line.left))
    image[:, sign] = 255 - (255 - image[:, sign].astype(int)) * 3 // 5
    return image, line.xs


def test_a_glyph_of_its_own_read_as_a_speck_is_doubted_so_its_loss_flags_the_value():
    """A pale ≧ read as `M` at 0.55: the cells' reader drops it as a speck reading, and the
    value `60%` must not be left as sure as the digits read beside it."""
    image, xs = _faint_sign_before("60%")
    token = read_line("M60%").model_copy(update={"char_confidences": (0.55, 0.99, 0.99, 0.99)})
    doubted = doubt_glyphs_read_as_specks(token, image, xs)
    assert doubted.text == "M60%"
    assert doubted.char_confidences[0] <= GLYPH_READ_AS_SPECK_CONFIDENCE
    assert doubted.char_confidences[1:] == (0.99, 0.99, 0.99)
    trimmed = _trim_specks(doubted)
    assert trimmed.text == "60%"
    assert min(trimmed.char_confidences) <= GLYPH_READ_AS_SPECK_CONFIDENCE


def test_a_speck_read_beside_a_glyph_is_not_doubted_as_a_glyph():
    """A dot apart from the text, or a speck touching its first glyph (its ink is that
    glyph's), read as a doubtful mark keeps its own confidence; so does a sure reading and a
    sign the form prints."""
    image, xs = _line("服务对象人数", dot_before=True)
    token = read_line("·服务对象人数").model_copy(
        update={"char_confidences": (0.55,) + (0.99,) * 6}
    )
    assert doubt_glyphs_read_as_specks(token, image, xs) == token
    line = draw_line("6个")
    line.draw.ellipse((line.left - 3, line.middle, line.left + 4, line.middle + 7), fill=0)
    xs = [line.left - 1.0, *line.xs]
    token = read_line("·6个").model_copy(update={"char_confidences": (0.55, 0.99, 0.99)})
    assert doubt_glyphs_read_as_specks(token, line.pixels(), xs) == token
    image, xs = _faint_sign_before("60%")
    assert doubt_glyphs_read_as_specks(read_line("M60%"), image, xs).char_confidences[0] == 0.99
    token = read_line("≧60%").model_copy(update={"char_confidences": (0.55, 0.99, 0.99, 0.99)})
    assert doubt_glyphs_read_as_specks(token, image, xs) == token
