"""A third form defined only in test data (`tests/data/forms/meeting_budget`: its form file,
template and contract) is recognised, mapped, checked and exported with no change elsewhere."""

import csv
import io
import json
import threading
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from ingest import forms
from ingest.completeness import check_sections
from ingest.confidence import assess
from ingest.export import export
from ingest.forms import load_form, recognise
from ingest.mapping import map_table
from ingest.stitch import stitch
from ingest.validate import run_checks
from tests.ingest.oracle import UP, Span, page_table, truth_page
from tests.ingest.template_text import without_message

FOLDER = Path(__file__).parents[1] / "data" / "forms" / "meeting_budget"
ROWS = [
    ["会议名称", Span("全市财政工作会议", 3)],
    ["主办单位", Span("湛江市财政局", 3)],
    ["经费明细", "支出项目", "金额(万元)", "测算依据"],
    [UP, "场地费", "1.20", "1天×1.2万元"],
    [UP, "资料印刷费", "0.35", "150份"],
]


@pytest.fixture
def meeting(monkeypatch: pytest.MonkeyPatch) -> forms.Form:
    forms.forms()  # the built-in ones first
    form = load_form(FOLDER)
    monkeypatch.setitem(forms._REGISTRY, form.id, form)
    return form


def _folder_with(tmp_path: Path, template_text: str) -> Path:
    for name in ("form.yaml", "contract.py"):
        (tmp_path / name).write_text((FOLDER / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "template.yaml").write_text(template_text, encoding="utf-8")
    return tmp_path


def test_a_form_from_its_own_folder_is_read_checked_and_exported(meeting: forms.Form):
    table = page_table(
        truth_page(1, ROWS, column_widths=(180, 400, 260, 400)), "2025年会议经费预算表"
    )
    assert recognise(["2025年会议经费预算表"]) is meeting
    template = meeting.template
    mapped = map_table(stitch([table], template), template)
    doc = assess(mapped, run_checks(mapped.document, template), template, meeting.calibration("x"))
    assert doc.schema_id == "meeting-budget/1"
    assert (doc.year, doc.meeting.name, doc.meeting.host) == (
        2025,
        "全市财政工作会议",
        "湛江市财政局",
    )
    assert [(c.item, c.amount) for c in doc.costs] == [("场地费", "1.20"), ("资料印刷费", "0.35")]
    data = json.loads(export([doc], "json").content)
    assert data["costs"][1]["note"] == "150份"
    out = export([doc], "csv")
    with zipfile.ZipFile(io.BytesIO(out.content)) as zf:
        text = zf.read(f"{out.name}-经费明细.csv").decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == [
        "文档编号",
        "序号",
        "支出项目",
        "金额(万元)",
        "测算依据",
    ]
    assert out.name == "湛江市财政局-2025年-会议经费预算表"


def test_a_broken_template_in_a_forms_folder_fails_at_load_naming_file_and_line(tmp_path: Path):
    text = (FOLDER / "template.yaml").read_text(encoding="utf-8")
    folder = _folder_with(tmp_path, text.replace("meeting.host", "meeting.hots"))
    with pytest.raises(forms.TemplateError, match=r"template.yaml, line 19: .*meeting.hots"):
        load_form(folder)


def test_a_form_tells_reviewers_in_its_own_words(tmp_path: Path):
    """The checks' sentences are the form's: a rewording in its folder is what reviewers read,
    and a form without a taxonomy, rates or dates needs no sentence about them."""
    text = (FOLDER / "template.yaml").read_text(encoding="utf-8")
    for sentence in ("not_level2", "date_after_year", "level1_absent", "halves_one_row"):
        assert sentence not in text
    reworded = text.replace("金额最多保留{decimals}位小数", "金额请保留{decimals}位小数以内")
    template = load_form(_folder_with(tmp_path, reworded)).template
    rows = [*ROWS[:3], [UP, "场地费", "1.205", "1天×1.2万元"]]
    table = page_table(
        truth_page(1, rows, column_widths=(180, 400, 260, 400)), "2025年会议经费预算表"
    )
    mapped = map_table(stitch([table], template), template)
    (issue,) = [i for i in run_checks(mapped.document, template) if i.reason == "format"]
    assert issue.paths == ("costs[0].amount",)
    assert issue.message == "数值格式与该栏目不符：金额请保留2位小数以内"


def test_a_section_that_lost_its_rows_is_told_in_the_forms_own_words(tmp_path: Path):
    text = (FOLDER / "template.yaml").read_text(encoding="utf-8")
    original = "  no_rows: '{section}未读到任何行，请核对并补录'"
    assert text.count(original) == 1
    reworded = text.replace(original, "  no_rows: '{section}一行也没有，请补录'")
    template = load_form(_folder_with(tmp_path, reworded)).template
    table = page_table(
        truth_page(1, ROWS[:3], column_widths=(180, 400, 260, 400)), "2025年会议经费预算表"
    )
    stitched = stitch([table], template)
    flags = check_sections(map_table(stitched, template), stitched, template).flags
    assert [(f.section, f.message) for f in flags] == [("costs", "经费明细一行也没有，请补录")]


def test_a_form_lacking_a_sentence_of_the_page_accounting_fails_at_load(tmp_path: Path):
    text = (FOLDER / "template.yaml").read_text(encoding="utf-8")
    folder = _folder_with(tmp_path, without_message(text, "page_failed"))
    with pytest.raises(forms.TemplateError, match="'page_failed' is missing"):
        load_form(folder)


def test_the_form_read_when_nothing_tells_is_the_one_whose_folder_says_so(
    meeting: forms.Form, monkeypatch: pytest.MonkeyPatch
):
    assert "default" not in (FOLDER / "form.yaml").read_text(encoding="utf-8")
    built_in = forms.default_form()
    assert built_in.id == "department_overall"
    monkeypatch.setitem(forms._REGISTRY, meeting.id, replace(meeting, default=True))
    with pytest.raises(forms.TemplateError, match="exactly one form"):
        forms.default_form()
    monkeypatch.setitem(forms._REGISTRY, built_in.id, replace(built_in, default=False))
    assert forms.default_form().id == meeting.id


def test_a_form_whose_folder_says_printed_gets_a_form_sheet_in_its_own_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = _folder_with(tmp_path, (FOLDER / "template.yaml").read_text(encoding="utf-8"))
    declared = (FOLDER / "form.yaml").read_text(encoding="utf-8")
    (folder / "form.yaml").write_text(declared + "printed: true\n", encoding="utf-8")
    forms.forms()
    form = load_form(folder)
    monkeypatch.setitem(forms._REGISTRY, form.id, form)
    template = form.template
    table = page_table(
        truth_page(1, ROWS, column_widths=(180, 400, 260, 400)), "2025年会议经费预算表"
    )
    doc = map_table(stitch([table], template), template).document
    book = openpyxl.load_workbook(io.BytesIO(export([doc], "xlsx").content))
    assert book.sheetnames == ["会议经费预算表", "经费明细", "修改记录"]
    sheet = book["会议经费预算表"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[:4] == [
        ["2025年会议经费预算表", None, None, None],
        ["会议名称", "全市财政工作会议", None, None],
        ["主办单位", "湛江市财政局", None, None],
        ["经费明细", "支出项目", "金额(万元)", "测算依据"],
    ]
    assert rows[4][1:3] == ["场地费", pytest.approx(1.2)]  # an amount a spreadsheet sums
    assert {"B2:D2", "A4:A6"} <= {str(r) for r in sheet.merged_cells.ranges}
    header = [c.value for c in book["经费明细"][1]]
    assert header == ["文档编号", "主办单位", "序号", "支出项目", "金额(万元)", "测算依据"]


def test_threads_asking_for_the_forms_while_they_load_all_see_every_form(monkeypatch):
    """A service's first requests come together: one must not see the registry half filled
    (the upload page named one form of two, and a document would be recognised among one)."""
    monkeypatch.setattr(forms, "_REGISTRY", {})
    real_load = forms.load_form

    def slow_load(folder):
        time.sleep(0.2)  # a template read and checked takes a while
        return real_load(folder)

    monkeypatch.setattr(forms, "load_form", slow_load)
    seen: list[int] = []
    first = threading.Thread(target=lambda: seen.append(len(forms.forms())))
    first.start()
    time.sleep(0.3)  # the first form loaded, the second loading
    seen.append(len(forms.forms()))
    first.join()
    assert seen == [2, 2]
