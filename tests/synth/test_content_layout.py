"""Content rules and text wrapping, without rendering pixels."""

import random

import pytest

from ingest.synth.content import format_amount, generate_content
from ingest.synth.fonts import Measure
from ingest.synth.layout import join_lines, layout_pages, wrap
from ingest.synth.style import pick_style
from ingest.synth.table import build_table
from ingest.template import default_template

CONTENTS = [generate_content(random.Random(f"content-test/{i}")) for i in range(40)]


def test_format_amount() -> None:
    assert format_amount("10891.62", True) == "10,891.62"
    assert format_amount("10891.62", False) == "10891.62"
    assert format_amount("0", True) == "0"
    assert format_amount(None, True) == ""


@pytest.mark.parametrize(
    "text",
    [
        "",
        "预算控制98%以内",
        "1、开展培训。\n2、做好接待，拓展资源。 3、召开会议（含“党建带侨建”）。",
        "2024年12月31日前完成" * 5,
        "Sample 10,891.62 text with spaces",
    ],
)
def test_wrap_round_trips_text(text: str) -> None:
    measure = Measure("Noto Sans CJK SC", 40)
    lines = wrap(text, 300, measure)
    assert join_lines(lines) == text
    assert all(measure.width(line.text.rstrip()) <= 300 for line in lines)
    assert not any(line.text.startswith(("，", "。", "、")) for line in lines)


def test_content_ranges_and_taxonomy() -> None:
    template = default_template()
    for content in CONTENTS:
        doc = content.document
        assert 1 <= len(doc.tasks) <= 6
        assert 10 <= len(content.indicator_rows) <= 40
        assert doc.year is not None and doc.title and doc.title.startswith(str(doc.year))
        misplaced = [r for r in doc.indicators if template.level1_of(r.level2 or "") != r.level1]
        assert bool(misplaced) == ("taxonomy" in content.violations)
        for i, row in enumerate(doc.indicators):
            if row in misplaced:
                assert content.errors[f"indicators[{i}].level2"] == row.level2


def test_content_covers_the_real_variety() -> None:
    values = [r.value or "" for c in CONTENTS for r in c.indicator_rows]
    assert any("≥" in v for v in values) and any("≧" in v for v in values)
    assert any(v.endswith("日前完成") for v in values)
    assert any(r.name is None for c in CONTENTS for r in c.indicator_rows)
    assert any(c.thousands_sep for c in CONTENTS)
    assert any(c.labels.transfer == "拟用于对下\n转移支付资金" for c in CONTENTS)
    assert any("\n" in (t.content or "") for c in CONTENTS for t in c.document.tasks)
    assert {v for c in CONTENTS for v in c.violations} >= {"budget_identity", "taxonomy"}


def test_tasks_stay_within_project_unless_listed() -> None:
    for content in CONTENTS:
        doc = content.document
        total = sum(float(t.amount or 0) for t in doc.tasks)
        within = total <= float(doc.budget.project_expenditure or 0) + 0.005
        assert within != ("tasks_within_project" in content.violations)


def test_long_rows_continue_over_pages() -> None:
    """Some task row is split by a page break, and its parts join back to the content."""
    found = False
    for i, content in enumerate(CONTENTS[:15]):
        rng = random.Random(i)
        style = pick_style(rng, 150)
        pages = layout_pages(build_table(content, style, rng), style, "t")
        for task in content.document.tasks:
            parts = [
                c.text
                for p in pages
                for c in p.cells
                if c.col == 2
                and c.text
                and c.text in (task.content or "")
                and c.text != task.content
            ]
            if len(parts) >= 2:
                joined = "".join(parts)
                assert joined.replace("\n", "") == (task.content or "").replace("\n", "")
                found = True
    assert found
