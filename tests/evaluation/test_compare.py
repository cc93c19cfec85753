import random

import pytest

from ingest.evaluation.compare import (
    edit_distance,
    normalize_text,
    text_similarity,
    values_equal,
)
from ingest.template import default_template, kind_key


def _reference_distance(a: str, b: str) -> int:
    """Textbook Levenshtein table, the oracle for the bit-parallel version."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("kitten", "sitting", 3),
        ("", "侨联", 2),
        ("侨务接待次数", "侨务接待次数", 0),
        ("侨务接待次数", "侨务按待次数", 1),  # one substitution
        ("预算控制98%以内", "预算控制98%以", 1),  # one deletion
        ("2024年12月31日前完成", "2024年12月3日前完成", 1),
    ],
)
def test_edit_distance_known_strings(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_edit_distance_agrees_with_reference_on_random_strings() -> None:
    rng = random.Random(7)
    for _ in range(500):
        a = "".join(rng.choice("侨联abc") for _ in range(rng.randint(0, 80)))
        b = "".join(rng.choice("侨联abcd") for _ in range(rng.randint(0, 80)))
        assert edit_distance(a, b) == _reference_distance(a, b)


def test_normalize_text_removes_width_and_all_whitespace() -> None:
    assert (
        normalize_text("期望达到的目标（概述）\n 总 体\u3000目 标")
        == "期望达到的目标(概述)总体目标"
    )
    assert normalize_text(None) == ""
    assert normalize_text(18) == "18"


def test_amounts_compare_as_decimals_only_for_amount_fields() -> None:
    assert values_equal("49.41", "49.410", "amount")
    assert values_equal("0", "0.00", "amount")
    assert not values_equal("49.41", "49.42", "amount")
    assert not values_equal("49.41", "49.410", "text")
    assert not values_equal("49.41", "49.4l", "amount")  # unparsable: compared as text


def test_empty_matches_empty_and_counts_match_ints() -> None:
    assert values_equal(None, None, "amount")
    assert values_equal(None, "", "text")
    assert not values_equal(None, "0", "amount")
    assert values_equal(18, 18, "count")
    assert values_equal("≥90%", "≥90%", "indicator_value")
    assert not values_equal("≥90%", "≧90%", "indicator_value")  # both signs are kept as printed


def test_field_kinds_come_from_the_template() -> None:
    kinds = default_template().kinds_by_key()
    assert kinds[kind_key("tasks[3].amount")] == "amount"
    assert kinds[kind_key("budget.other_funds")] == "amount"
    assert kinds[kind_key("basic_info.staff_count")] == "count"
    assert kinds[kind_key("indicators[12].name")] != "amount"


def test_text_similarity_bounds() -> None:
    assert text_similarity(None, "") == 1.0
    assert text_similarity("abcd", "abcx") == pytest.approx(0.75)
    assert text_similarity("ab", None) == 0.0
