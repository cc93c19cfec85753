import pytest

from ingest.values import normalize_value, parse_amount, parse_count, without_specks


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("10,891.62", "10891.62"),
        ("10，891.62", "10891.62"),
        ("0", "0"),
        (" 397.72 ", "397.72"),
        ("３９７.７２", "397.72"),
        ("1O.5", "10.5"),
        ("l2.00", "12.00"),
        ("64.17万元", "64.17"),
        ("72 807.38", "72807.38"),
        ("约10万", None),
        ("-", None),
    ],
)
def test_amounts(printed, value):
    assert parse_amount(printed) == value


@pytest.mark.parametrize(
    ("printed", "value"), [("18", 18), ("18人", 18), ("l8", 18), ("1.5", None)]
)
def test_counts(printed, value):
    assert parse_count(printed) == value


def test_empty_cells_are_none_for_every_kind():
    for kind in ("text", "long_text", "amount", "count", "indicator_value", "taxonomy2"):
        assert normalize_value(" \n ", kind) is None


def test_text_is_kept_as_printed_and_digits_only_fixed_in_numbers():
    assert normalize_value("≧95%", "indicator_value") == "≧95%"
    assert normalize_value("1、甲。\n2、乙（丙）。", "long_text") == "1、甲。\n2、乙（丙）。"
    assert normalize_value("IO次", "indicator_value") == "IO次"
    assert normalize_value("lO", "amount") == "10"


def test_indicator_levels_lose_the_cells_line_breaks():
    assert normalize_value("服务对象\n满意度指标", "taxonomy2") == "服务对象满意度指标"
    assert normalize_value("服务对象", "taxonomy2") == "服务对象"


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("合理使用各项经费.", "合理使用各项经费"),
        (". 5个", "5个"),
        ("·2025年12月31日前完成", "2025年12月31日前完成"),
        ("有效带动。", "有效带动"),
        ("●资金支付及时率", "资金支付及时率"),  # a dot of dust read as a bullet
        ("预算控制·98%以内", "预算控制98%以内"),
        ("7775.人次", "7775人次"),
        ("≥95.5%", "≥95.5%"),  # a decimal point is no speck
        ("PM2.5", "PM2.5"),
        (".", ""),  # nothing else left
    ],
)
def test_specks_are_taken_off_a_short_value_where_the_form_prints_no_mark(read, printed):
    assert without_specks(read) == printed
