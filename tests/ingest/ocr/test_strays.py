"""Characters read from dust at a line's ends are dropped; printed ones stay."""

from ingest.ocr.strays import drop_stray_ends
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
