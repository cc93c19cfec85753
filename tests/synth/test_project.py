"""The 项目支出 form's synthetic corpus: its truth agrees with its own table and pages, every
layout variant occurs, the funds checks hold except where broken on purpose, and documents of
the form are written, tiled, sealed and reproducible like the first form's."""

import random
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.forms import form_by_id
from ingest.synth.corpus import make_document, write_corpus
from ingest.synth.layout import layout_pages
from ingest.synth.printed.printers import Printer, printer_program
from ingest.synth.project_content import ProjectContent, generate_project_content
from ingest.synth.project_table import COLUMNS, build_project_table
from ingest.synth.registry import synth_form
from ingest.synth.style import pick_style
from ingest.synth.table import Block, LogicalTable
from models.contract import value_paths
from models.project import ProjectIndicator, ProjectTargets
from models.truth import GroundTruth, SourceFormat
from tests.synth.test_corpus import _check_tiling

FORM = synth_form("project_expenditure")
TEMPLATE = form_by_id("project_expenditure").template
CONTENTS = [generate_project_content(random.Random(f"project-test/{i}")) for i in range(80)]


def _dense(text: str | None) -> str:
    return "".join((text or "").split())


def _amount(value: str | None) -> Decimal:
    return Decimal(value) if value else Decimal(0)


def _table(content: ProjectContent, seed: int) -> tuple[LogicalTable, list]:
    rng = random.Random(seed)
    style = pick_style(rng, 150, columns=COLUMNS)
    table = build_project_table(content, style, rng)
    return table, layout_pages(table, style, content.document.title or "")


def test_every_layout_variant_and_quirk_occurs() -> None:
    layouts = {c.indicator_layout for c in CONTENTS}
    assert layouts == {"side_by_side", "two_tables", "annual_only"}
    assert any(c.half_titles for c in CONTENTS) and any(not c.goals_headed for c in CONTENTS)
    docs = [c.document for c in CONTENTS]
    level1 = {i.level1 for d in docs for i in d.indicators}
    assert {"项目完成指标", "项目效益指标", "产出指标", "效益指标", "满意度指标"} <= level1
    level2 = {i.level2 for d in docs for i in d.indicators}
    assert {"满意度指标", "社会公众或服务对象满意度指标", "服务对象满意度指标"} <= level2
    amounts = [v for d in docs for p, v in value_paths(d) if p.startswith("funds.") and v]
    assert any(len(a.split(".")[-1]) == 4 for a in amounts if "." in a)
    assert any(p.endswith("万元") for c in CONTENTS for p in c.printed.values())
    assert any(d.project.department_code is None for d in docs)
    assert any(d.narrative.overview for d in docs) and any(not d.narrative.plan for d in docs)
    assert any(d.project.period is None or d.project.attribute is None for d in docs)
    assert any("\n" in (d.title or "") for d in docs)
    side = [c for c in CONTENTS if c.indicator_layout == "side_by_side"]
    assert any(len(g.mid_term) != len(g.annual) for c in side for g in c.groups)


def test_titles_name_the_year_and_the_form() -> None:
    for content in CONTENTS:
        doc = content.document
        assert str(doc.year) in (doc.title or "") and "项目支出绩效目标" in (doc.title or "")


def test_funds_checks_hold_unless_broken_on_purpose() -> None:
    broken = set()
    for content in CONTENTS:
        funds = content.document.funds
        gaps = {
            f"{half}_funds": _amount(line.total) - _amount(line.fiscal) - _amount(line.other)
            for half, line in (("mid_term", funds.mid_term), ("annual", funds.annual))
        }
        gaps["annual_within_mid_term"] = max(
            Decimal(0), _amount(funds.annual.total) - _amount(funds.mid_term.total)
        )
        check_ids = {c.id for c in TEMPLATE.checks}
        assert set(content.violations) <= check_ids
        for check, gap in gaps.items():
            assert (gap != 0) == (check in content.violations), (check, content.document.funds)
        for path, value in content.errors.items():
            got = content.document.model_dump()
            for part in path.split("."):
                got = got[part]
            assert got == value
        broken |= set(content.violations)
    assert len(broken) >= 2


def test_indicators_are_mid_term_first_then_annual_with_their_group_level1() -> None:
    for content in CONTENTS:
        items = content.document.indicators
        scopes = [i.scope for i in items]
        assert scopes == sorted(scopes, key=lambda s: s != "mid_term")
        assert items == [i for g in content.groups for i in g.mid_term] + [
            i for g in content.groups for i in g.annual
        ]
        for group in content.groups:
            assert all(i.level1 == group.level1 for i in (*group.mid_term, *group.annual))
        if content.indicator_layout == "annual_only":
            assert set(scopes) == {"annual"}


def _covering(table: LogicalTable, row: int, col: int) -> Block | None:
    return next(
        (
            b
            for b in table.blocks
            if b.row <= row < b.row + b.row_span and b.col <= col < b.col + b.col_span
        ),
        None,
    )


def _read_back(table: LogicalTable) -> list[ProjectIndicator]:
    """The indicators as the printed table holds them, read row by row, 中期 before 年度."""
    halves: dict[str, list[ProjectIndicator]] = {"mid_term": [], "annual": []}
    for row, key in enumerate(table.keys):
        section, _, index = key.partition(":")
        if not index.isdigit() or section not in ("indicators", "mid_term", "annual"):
            continue
        two_halves = _covering(table, row, 5) is not None and _covering(table, row, 5).col == 5
        if two_halves:
            spots = (("mid_term", 2), ("annual", 5))
        else:
            spots = (("mid_term" if section == "mid_term" else "annual", 2),)
        for scope, col in spots:
            name, value = _covering(table, row, col + 1), _covering(table, row, col + 2)
            if not name or not name.text:
                continue
            halves[scope].append(
                ProjectIndicator(
                    scope=scope,
                    level1=_covering(table, row, 1).text,
                    level2=_covering(table, row, col).text,
                    name=name.text,
                    value=value.text,
                )
            )
    return halves["mid_term"] + halves["annual"]


def test_the_table_holds_exactly_the_truth_indicators() -> None:
    for k, content in enumerate(CONTENTS):
        table, _ = _table(content, k)
        assert _read_back(table) == content.document.indicators, content.indicator_layout


def _printed_cells(pages: list) -> list[str]:
    return [_dense(c.text) for page in pages for c in page.cells]


def _assert_values_printed(document: ProjectTargets, cells: list[str]) -> None:
    """Every short value is some cell's whole text (two cells' when a page break cuts its
    row); a department code and an amount printed with its unit are inside their cell."""
    cut = {a + b for a in cells for b in cells if a and b}
    for path, value in value_paths(document):
        if value is None or path in ("title", "year"):
            continue
        dense = _dense(str(value))
        if document.is_long_text(path):
            assert any(c.startswith(dense[:12]) for c in cells), path
        elif path.startswith("project.department"):
            assert any(
                c.endswith(_dense(document.project.department)) and dense in c for c in cells
            )
        elif path.startswith("funds."):
            assert dense in cells or f"{dense}万元" in cells, path
        elif not path.endswith(("level1", "level2", "scope")):
            assert dense in cells or dense in cut, path


def test_every_value_is_printed_in_its_cell_on_the_pages() -> None:
    for k, content in enumerate(CONTENTS[:30]):
        _, pages = _table(content, k)
        cells = _printed_cells(pages)
        _assert_values_printed(content.document, cells)
        info = content.document.project
        if info.department_code is not None:
            assert f"[{info.department_code}]{info.department}" in cells
        for page in pages:
            _check_tiling_layout(page)


def _check_tiling_layout(page) -> None:
    cells = {(c.row, c.col) for c in page.cells}
    rows = len(page.row_edges) - 1
    covered = sum(c.row_span * c.col_span for c in page.cells)
    assert covered == rows * (len(page.col_edges) - 1) and len(cells) == len(page.cells)


@pytest.mark.parametrize("level", ["clean", "heavy"])
def test_a_document_of_the_form_is_written_with_its_own_contract(level: str) -> None:
    a = make_document(21, 3, level, "test", False, form=FORM)
    b = make_document(21, 3, level, "test", False, form=FORM)
    truth = a.truth
    assert truth.model_dump_json() == b.truth.model_dump_json()
    assert isinstance(truth.document, ProjectTargets) and truth.document.document_id
    reparsed = GroundTruth.model_validate_json(truth.model_dump_json(by_alias=True))
    assert reparsed.document == truth.document
    assert [p.page for p in truth.pages if p.seal_bbox] == ([1] if level == "heavy" else [])
    for image, page in zip(a.images, truth.pages, strict=True):
        assert image.shape[:2] == (page.height, page.width)
        _check_tiling(page)
    cells = [_dense(c.text) for p in truth.pages for c in p.cells]
    _assert_values_printed(truth.document, cells)
    roles = {c.role for p in truth.pages for c in p.cells}
    assert roles == {"label", "header", "value"}


def test_the_first_form_has_a_seed_the_second_has_none(tmp_path: Path) -> None:
    manifest = write_corpus(tmp_path, 2, seed=8, levels=["clean"], form=FORM)
    assert manifest.form == "project_expenditure"
    assert not any(d.from_seed for d in manifest.documents)
    with pytest.raises(ValueError):
        make_document(8, 0, "clean", "test", True, form=FORM)


def _needs(fmt: SourceFormat) -> pytest.MarkDecorator:
    program = printer_program(fmt)
    return pytest.mark.skipif(shutil.which(program) is None, reason=f"{program} not installed")


@pytest.mark.printing
@pytest.mark.parametrize(
    ("fmt", "index"),
    [pytest.param(f, i, marks=_needs(f)) for f, i in (("xlsx", 1), ("docx", 2), ("html", 3))],
)
def test_a_printed_project_document_keeps_every_value(
    fmt: SourceFormat, index: int, tmp_path: Path
) -> None:
    engine = "browser" if fmt == "html" else "office"
    with Printer() as printer:
        for k in range(index, index + 6):  # the engine draws the format: find one of `fmt`
            doc = make_document(31, k, "clean", "test", False, engine, printer, tmp_path, FORM)
            if doc.truth.source_format == fmt:
                break
    truth = doc.truth
    assert truth.source_format == fmt and isinstance(truth.document, ProjectTargets)
    cells = [_dense(c.text).replace(",", "") for p in truth.pages for c in p.cells]
    _assert_values_printed(truth.document, cells)
    for page in truth.pages:
        if page.cells:
            _check_tiling(page)


def test_indicator_tables_continue_over_pages_with_their_header_repeated_in_some() -> None:
    continued = repeated = 0
    for k, content in enumerate(CONTENTS[:30]):
        _, pages = _table(content, k)
        for page in pages[1:]:
            keys = {c.key for c in page.cells}
            continued += any(":" in key and key.split(":")[1].isdigit() for key in keys)
            top = [c for c in page.cells if c.row == 0]
            repeated += any(c.role == "header" and c.text == "一级指标" for c in top)
    assert continued > repeated > 0
