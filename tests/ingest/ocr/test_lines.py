"""Detected tokens put into lines, top to bottom, each left to right."""

from ingest.artifacts import OcrToken
from ingest.ocr.lines import group_lines


def _token(text: str, box: tuple[int, int, int, int]) -> OcrToken:
    return OcrToken(text=text, bbox=box, confidence=0.99)


def test_padded_boxes_of_two_lines_set_close_are_two_lines_in_order():
    """A photographed paragraph's first lines as the detector boxed them (seed 89303): they
    overlap by half the first one's height; read as one row, left to right, the indented
    first line came after the second's start."""
    tokens = [
        _token("日常监督检查和专项督导，及时发现", (531, 921, 938, 968)),
        _token("(1) 规范物业服务检查工作，开展", (540, 903, 928, 940)),
        _token("和整改存在问题，做好资金的申请、", (530, 949, 933, 996)),
    ]
    assert [line.text for line in group_lines(tokens)] == [
        "(1) 规范物业服务检查工作，开展",
        "日常监督检查和专项督导，及时发现",
        "和整改存在问题，做好资金的申请、",
    ]


def test_pieces_of_one_line_and_a_comma_below_its_middle_are_one_line():
    tokens = [
        _token("按照年度工作计划", (300, 102, 600, 140)),
        _token("制定实施方案", (640, 100, 900, 138)),
        _token("，", (605, 128, 615, 141)),
    ]
    (line,) = group_lines(tokens)
    assert line.text.replace(" ", "") == "按照年度工作计划，制定实施方案"
