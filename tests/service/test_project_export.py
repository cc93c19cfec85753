"""Exports of the second form, alone and in a batch with the first: each form's tables apart."""

import csv
import io
import json
import zipfile

import openpyxl

from ingest.export import export
from models.contract import PerformanceTargets
from models.project import ProjectTargets
from tests.ingest.layouts import seed_document
from tests.ingest.test_project_mapping import HEAD, SIDE_BY_SIDE, read


def _project() -> ProjectTargets:
    doc = read(HEAD + SIDE_BY_SIDE).document
    assert isinstance(doc, ProjectTargets)
    return doc.model_copy(update={"document_id": "p1"})


def _seed() -> PerformanceTargets:
    return seed_document().model_copy(update={"document_id": "d1"})


def test_json_names_the_form_and_the_file_names_the_project():
    out = export([_project()], "json")
    data = json.loads(out.content)
    assert data["schema"] == "project-performance-targets/1"
    assert data["funds"]["annual"]["fiscal"] == "100.50"
    assert data["indicators"][4]["scope"] == "annual"
    assert out.name == "武汉市青山区民政局-社区养老服务中心建设-2021年-项目支出绩效目标表"


def test_csv_holds_the_forms_fields_and_indicators_under_their_printed_labels():
    out = export([_project()], "csv")
    with zipfile.ZipFile(io.BytesIO(out.content)) as zf:
        names = sorted(n.rsplit("-", 1)[-1] for n in zf.namelist())
        info = list(
            csv.reader(io.StringIO(zf.read(f"{out.name}-基本信息.csv").decode("utf-8-sig")))
        )
        rows = list(
            csv.reader(io.StringIO(zf.read(f"{out.name}-绩效指标.csv").decode("utf-8-sig")))
        )
    assert set(names) == {"基本信息.csv", "字段.csv", "绩效指标.csv", "修改记录.csv"}
    header, values = info
    assert dict(zip(header, values, strict=True))["年度资金·财政拨款"] == "100.50"
    assert dict(zip(header, values, strict=True))["主管部门及代码·代码"] == "015001"
    assert rows[0][:4] == ["文档编号", "序号", "期间", "一级指标"]
    assert [r[2] for r in rows[1:]] == ["中期"] * 4 + ["年度"] * 3


def test_a_batch_of_both_forms_has_a_sheet_per_form_and_table():
    out = export([_seed(), _project()], "xlsx", batch=True)
    book = openpyxl.load_workbook(io.BytesIO(out.content))
    assert "绩效目标表" in book.sheetnames and "项目支出绩效目标表" in book.sheetnames
    assert "部门整体预算绩效目标表·绩效指标" in book.sheetnames
    assert "项目支出绩效目标表·绩效指标" in book.sheetnames
    assert book.sheetnames[-1] == "修改记录"
    sheet = book["项目支出绩效目标表·基本信息"]
    header = [c.value for c in sheet[1]]
    amount = sheet.cell(2, header.index("中期资金总额") + 1).value
    assert float(amount) == 300.0  # a number a spreadsheet can sum
    listing = [[c.value for c in row] for row in book["项目支出绩效目标表"].iter_rows()]
    assert ["项目名称", "社区养老服务中心建设"] in [r[:2] for r in listing]


def test_the_xlsx_of_the_second_form_is_in_its_own_layout_and_words():
    book = openpyxl.load_workbook(io.BytesIO(export([_project()], "xlsx").content))
    assert book.sheetnames == ["项目支出绩效目标表", "基本信息", "绩效指标", "修改记录"]
    info = [c.value for c in book["基本信息"][1]]
    assert info[:9] == [
        "文档编号", "表名", "年度", "项目名称", "主管部门及代码", "主管部门及代码·代码",
        "实施单位", "项目属性", "项目期",
    ]  # fmt: skip
    assert {"中期资金总额", "年度资金·财政拨款", "中期目标", "年度目标"} <= set(info)
    indicators = [c.value for c in book["绩效指标"][1]]
    assert indicators == ["文档编号", "序号", "期间", "一级指标", "二级指标", "三级指标", "指标值"]
    listing = [[c.value for c in row] for row in book["项目支出绩效目标表"].iter_rows()]
    assert listing[0][0] == "2021年度项目支出绩效目标申报表"
    under = listing[[r[0] for r in listing].index("绩效指标") + 1]
    assert under[:6] == ["序号", "期间", "一级指标", "二级指标", "三级指标", "指标值"]
    # nothing of the first form's words: its budget block, department line, tasks
    words = {c for row in listing for c in row} | set(info) | set(indicators)
    assert not words & {"预算", "预算整体情况", "基本支出", "部门名称", "重点工作任务", "部门"}
