"""The generator printed by LibreOffice and Chromium: truth cells recovered from a printed
page's rules and text, and whole documents printed by each engine where it is installed."""

import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from ingest.synth.content import generate_content
from ingest.synth.corpus import ENGINES, LEVELS, engine_for, make_document, split_for
from ingest.synth.printed.cells import BlockMatcher, UnreadablePrint, grid_cells, typed_span
from ingest.synth.printed.document import LostInPrint, check_printed, print_document
from ingest.synth.printed.printers import Printer, printer_program
from ingest.synth.printed.readback import Rule, rule_shows
from ingest.synth.table import Block, LogicalTable
from models.contract import PerformanceTargets, value_paths
from models.truth import GroundTruth, SourceFormat
from tests.synth.test_corpus import _check_tiling


def _h(y: float, x0: float, x1: float) -> Rule:
    return Rule(True, y, x0, x1, 2.0)


def _v(x: float, y0: float, y1: float) -> Rule:
    return Rule(False, x, y0, y1, 2.0)


def test_a_table_open_at_the_top_ends_where_its_vertical_rules_do() -> None:
    # A label column cut by the page break beside two rows; no rule along the top.
    rules = [
        _v(100, 50, 250), _v(200, 50, 250), _v(300, 50, 250),
        _h(150, 200, 300), _h(250, 100, 300),
    ]  # fmt: skip
    assert sorted(grid_cells(rules) or []) == [
        (100, 50, 200, 250),
        (200, 50, 300, 150),
        (200, 150, 300, 250),
    ]


def test_rules_that_leave_a_ragged_cell_are_refused() -> None:
    rules = [
        _v(100, 0, 200), _v(200, 0, 100), _v(300, 0, 200),
        _h(0, 100, 300), _h(200, 100, 300), _h(100, 200, 300),
    ]  # fmt: skip
    with pytest.raises(UnreadablePrint):
        grid_cells(rules)


def test_a_page_without_rules_has_no_table() -> None:
    assert grid_cells([]) is None
    assert grid_cells([_h(10, 0, 100)]) is None


def test_a_rule_counts_only_where_the_page_shows_it() -> None:
    page = np.full((100, 100), 255, np.uint8)
    page[40:42, 10:90] = 0
    assert rule_shows(page, _h(41, 10, 90))
    assert not rule_shows(page, _h(70, 10, 90))  # drawn, then clipped off the page
    assert not rule_shows(page, _h(41, 10, 400))  # mostly beyond the page


def test_a_fragment_keeps_the_typed_breaks_and_spaces() -> None:
    typed = "1、开展培训。\n2、做好 接待。"
    assert typed_span(typed, "培训。2、做好接") == "培训。\n2、做好 接"
    assert typed_span(typed, typed.replace("\n", "").replace(" ", "")) == typed
    assert typed_span(typed, "没有") is None


def test_alike_headers_go_to_their_own_blocks_in_reading_order() -> None:
    blocks = [
        Block(row=0, col=2, text="预算金额（万元）", role="header"),
        Block(row=3, col=2, text="预算金额（万元）", role="header"),
        Block(row=4, col=2, text="1、开展培训。2、做好接待。", role="value"),
    ]
    matcher = BlockMatcher(blocks)
    assert matcher.match("预算金额（万元）", 2) == 0
    assert matcher.match("预算金额（万元）", 2) == 1
    assert matcher.match("1、开展培训。", 2) == 2
    assert matcher.match("2、做好接待。", 2) == 2
    assert matcher.shown[2] == "1、开展培训。2、做好接待。"
    assert matcher.match("无关", 2) is None


def _table(*blocks: Block) -> LogicalTable:
    return LogicalTable(keys=tuple(f"r{k}" for k in range(4)), blocks=blocks)


def test_a_value_clipped_away_is_refused_but_a_label_column_may_print_nowhere() -> None:
    label = Block(row=0, col=0, text="绩效指标", role="label", row_span=4)
    value = Block(row=1, col=4, text="≥95%", role="value")
    table = _table(label, value)
    matcher = BlockMatcher(table.blocks)
    matcher.match("≥95%", 4)
    check_printed(table, matcher)  # the merged label printed on no part: allowed
    with pytest.raises(LostInPrint):
        check_printed(table, BlockMatcher(table.blocks))
    clipped = BlockMatcher(table.blocks)
    clipped.match("≥9", 4)
    with pytest.raises(LostInPrint):
        check_printed(table, clipped)


def test_every_engine_meets_every_level_in_both_splits() -> None:
    seen = {
        (engine_for(i, len(LEVELS), ENGINES), LEVELS[i % len(LEVELS)], split_for(7, i, len(LEVELS)))
        for i in range(2 * len(LEVELS) * len(ENGINES))
    }
    assert len(seen) == len(ENGINES) * len(LEVELS) * 2


def _needs(fmt: SourceFormat) -> pytest.MarkDecorator:
    program = printer_program(fmt)
    return pytest.mark.skipif(shutil.which(program) is None, reason=f"{program} not installed")


def _assert_values_printed(truth: GroundTruth) -> None:
    """Every short value is some cell's whole text, or two cells' when a page break cuts its
    row; every long text starts in some cell."""
    cells = ["".join(c.text.split()).replace(",", "") for p in truth.pages for c in p.cells]
    cut = {a + b for a in cells for b in cells if a and b}
    for path, value in value_paths(truth.document):
        if value is None or path.endswith(("level1", "level2")) or path in ("title", "year"):
            continue
        dense = "".join(str(value).split())
        if PerformanceTargets.is_long_text(path):
            assert any(c.startswith(dense[:12]) for c in cells), path
        else:
            assert dense in cells or dense in cut, path


@pytest.mark.printing
@pytest.mark.parametrize(
    "fmt",
    [pytest.param(f, marks=_needs(f)) for f in ("xlsx", "docx", "html")],
)
def test_a_printed_document_keeps_every_value_in_its_truth_cells(
    fmt: SourceFormat, tmp_path: Path
) -> None:
    rng = random.Random(f"printed-test/{fmt}")
    content = generate_content(rng)
    with Printer() as printer:
        doc = print_document(rng, content, fmt, 150, printer, tmp_path, "doc")
    assert doc.look.source_format == fmt
    assert (tmp_path / f"doc.{fmt}").is_file()
    assert len(doc.clean) == len(doc.pages) == len(doc.marks) >= 1
    truth = GroundTruth(
        doc_id="doc", level="clean", split="test", seed=0, document=content.document,
        pages=doc.pages,
    )  # fmt: skip
    _assert_values_printed(truth)
    for image, page in zip(doc.clean, doc.pages, strict=True):
        assert image.shape == (page.height, page.width)
        if page.cells:
            _check_tiling(page)
    assert doc.marks[0].title is not None


@pytest.mark.printing
@_needs("html")
def test_a_browser_document_in_a_corpus_is_degraded_and_sealed(tmp_path: Path) -> None:
    with Printer() as printer:
        doc = make_document(5, 2, "heavy", "test", False, "browser", printer, tmp_path)
    truth = doc.truth
    assert (truth.engine, truth.source_format) == ("browser", "html")
    assert (tmp_path / f"{truth.doc_id}.html").is_file()
    assert (tmp_path / f"{truth.doc_id}.printed.pdf").is_file()
    assert [p.page for p in truth.pages if p.seal_bbox] == [1]
    for image, page in zip(doc.images, truth.pages, strict=True):
        assert image.shape == (page.height, page.width, 3)
    _assert_values_printed(truth)


@pytest.mark.printing
@_needs("xlsx")
@_needs("docx")
def test_a_paragraph_no_spreadsheet_row_can_hold_is_typed_in_word_instead(
    tmp_path: Path,
) -> None:
    # A spreadsheet clips a row taller than a page whatever the look; a Word row breaks.
    rng = random.Random("printed-test/too-tall")
    content = generate_content(rng)
    task = content.document.tasks[0]
    item = "扎实推进传染病监测工作，做好资料收集整理、统计分析和归档工作。"
    long = "".join(f"{k}.{item}" for k in range(40))
    tasks = [task.model_copy(update={"content": long}), *content.document.tasks[1:]]
    content = content.model_copy(
        update={"document": content.document.model_copy(update={"tasks": tasks})}
    )
    with Printer() as printer:
        doc = print_document(rng, content, "xlsx", 150, printer, tmp_path, "doc")
    assert doc.look.source_format == "docx"
    assert (tmp_path / "doc.docx").is_file() and not (tmp_path / "doc.xlsx").exists()
    cells = "".join("".join(c.text.split()) for p in doc.pages for c in p.cells)
    assert "39.扎实推进传染病监测工作" in cells
