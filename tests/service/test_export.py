"""JSON, CSV and XLSX exports of the seed document."""

import csv
import io
import json
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from ingest import forms
from ingest.export import export
from models.contract import CorrectionEntry, PerformanceTargets

SEED = Path(__file__).parents[1] / "data" / "seed" / "seed_gold.json"


@pytest.fixture(scope="module")
def seed() -> PerformanceTargets:
    return PerformanceTargets.model_validate(json.loads(SEED.read_text(encoding="utf-8")))


def test_json_is_the_contract(seed: PerformanceTargets) -> None:
    out = export([seed], "json")
    assert PerformanceTargets.model_validate_json(out.content) == seed
    batch = json.loads(export([seed, seed], "json", batch=True).content)
    assert [d["department"] for d in batch] == [seed.department] * 2


def _with_trail(seed: PerformanceTargets) -> PerformanceTargets:
    at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    trail = [
        CorrectionEntry(at=at, who="李明", path="budget.basic_expenditure", before="397.73",
                        after="397.72", comment="按原件"),
        CorrectionEntry(at=at, who="李明", action="delete_row", path="indicators[3]",
                        before={"level1": "产出指标", "name": "重复"}),
    ]  # fmt: skip
    return seed.model_copy(update={"corrections": trail})


def test_json_carries_the_audit_trail(seed: PerformanceTargets) -> None:
    out = json.loads(export([_with_trail(seed)], "json").content)
    assert [c["action"] for c in out["corrections"]] == ["correct", "delete_row"]
    assert out["corrections"][0]["who"] == "李明"


def test_files_are_named_by_department_and_year(seed: PerformanceTargets) -> None:
    assert export([seed], "xlsx").name == "湛江市归国华侨联合会-2024年-绩效目标表"
    assert export([seed, seed], "json", batch=True).name == "绩效目标表-2024年-2份"
    unread = seed.model_copy(update={"department": None, "year": None})
    assert export([unread], "json").name == "未识别部门-绩效目标表"


def test_csv_has_one_file_per_section_and_the_trail(seed: PerformanceTargets) -> None:
    out = export([_with_trail(seed)], "csv")
    assert out.extension == "csv.zip"
    with zipfile.ZipFile(io.BytesIO(out.content)) as zf:
        tables = {
            name.removeprefix(f"{out.name}-"): list(
                csv.DictReader(io.StringIO(zf.read(name).decode("utf-8-sig")))
            )
            for name in zf.namelist()
        }
    assert set(tables) == {f"{n}.csv" for n in ("文档", "预算", "重点工作任务", "绩效指标",
                                                  "字段", "修改记录")}  # fmt: skip
    assert tables["预算.csv"][0]["基本支出"] == seed.budget.basic_expenditure
    assert tables["预算.csv"][0]["其他资金"] == ""  # empty cell, not "None"
    assert [t["拟投入的资金(万元)"] for t in tables["重点工作任务.csv"]] == [
        t.amount for t in seed.tasks
    ]
    assert len(tables["绩效指标.csv"]) == len(seed.indicators)
    assert tables["绩效指标.csv"][-1]["指标值"] == seed.indicators[-1].value
    trail = tables["修改记录.csv"]
    assert next((r["复核人"], r["操作"], r["原值"], r["新值"]) for r in trail) == (
        "李明", "更正", "397.73", "397.72"
    )  # fmt: skip
    assert json.loads(trail[1]["原值"])["name"] == "重复" and trail[1]["操作"] == "删除行"


def test_xlsx_reproduces_the_form_and_keeps_numbers(seed: PerformanceTargets) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(export([_with_trail(seed)], "xlsx").content))
    assert wb.sheetnames == ["绩效目标表", "预算", "重点工作任务", "绩效指标", "修改记录"]
    form = wb["绩效目标表"]
    merged = {str(r) for r in form.merged_cells.ranges}
    assert "A1:E1" in merged and "B2:E2" in merged  # title, department
    values = [[c.value for c in row] for row in form.iter_rows()]
    budget_row = next(r for r in values if r[1] == "基本支出")
    assert budget_row[2] == pytest.approx(float(seed.budget.basic_expenditure))
    # 一级指标 merged down over its indicator rows
    first = next(i for i, r in enumerate(values, 1) if r[1] == "一级指标") + 1
    level1_runs = [r for r in form.merged_cells.ranges if r.min_col == 2 and r.min_row >= first]
    n_output = sum(i.level1 == "产出指标" for i in seed.indicators)
    assert any(r.max_row - r.min_row + 1 == n_output for r in level1_runs)
    budget = [[c.value for c in row] for row in wb["预算"].iter_rows()]
    assert budget[0][2] == "基本支出"
    assert isinstance(budget[1][2], float) and budget[1][2] == pytest.approx(397.72)
    tasks = [[c.value for c in row] for row in wb["重点工作任务"].iter_rows(min_row=2)]
    assert sum(r[5] for r in tasks) == pytest.approx(64.17)
    assert wb["绩效指标"].max_row == len(seed.indicators) + 1
    trail = [[c.value for c in row] for row in wb["修改记录"].iter_rows()]
    assert trail[0][:5] == ["文档编号", "部门", "时间", "复核人", "操作"]
    assert trail[1][3:8] == ["李明", "更正", "budget.basic_expenditure", "397.73", "397.72"]


def test_the_form_sheet_keeps_the_empty_rows_printed_on_paper(seed: PerformanceTargets) -> None:
    no_cost = [i for i in seed.indicators if i.level2 != "成本指标"]
    wb = openpyxl.load_workbook(
        io.BytesIO(export([seed.model_copy(update={"indicators": no_cost})], "xlsx").content)
    )
    rows = [[c.value for c in row] for row in wb["绩效目标表"].iter_rows()]
    first = next(i for i, r in enumerate(rows) if r[1] == "一级指标") + 1
    level2 = [r[2] for r in rows[first:]]
    # 成本指标 printed with nothing under it: one empty row, after 时效指标, before 效益指标's
    at = level2.index("成本指标")
    assert rows[first + at][3:] == [None, None]
    shown = [v for v in level2 if v]  # a merged cell reads back in its first row only
    assert shown[shown.index("成本指标") - 1 : shown.index("成本指标") + 2] == [
        "时效指标",
        "成本指标",
        "经济效益指标",
    ]
    assert wb["绩效指标"].max_row == len(no_cost) + 1  # the flat sheet holds what was read


def test_the_budget_block_is_laid_out_as_the_forms_template_prints_it(
    seed: PerformanceTargets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The block's rows are the template's `printed_rows`: a region printing two pairs the
    other way round changes its template, not the export."""
    built_in = forms.form_by_id("department_overall")
    text = (built_in.folder / "template.yaml").read_text(encoding="utf-8")
    printed = "      - pairs: [budget.special_funds, budget.city_level_funds]"
    swapped = "      - pairs: [budget.city_level_funds, budget.special_funds]"
    assert text.count(printed) == 1
    (tmp_path / "template.yaml").write_text(text.replace(printed, swapped), encoding="utf-8")
    form = replace(built_in, folder=tmp_path)
    monkeypatch.setitem(forms._REGISTRY, form.id, form)
    budget = seed.budget.model_copy(update={"special_funds": "12.50", "city_level_funds": "3.00"})
    doc = seed.model_copy(update={"budget": budget})
    wb = openpyxl.load_workbook(io.BytesIO(export([doc], "xlsx").content))
    rows = [[c.value for c in row] for row in wb["绩效目标表"].iter_rows()]
    row = next(r for r in rows if "财政专项资金" in r)
    assert row[1:] == ["市本级使用资金", pytest.approx(3.0), "财政专项资金", pytest.approx(12.5)]


def test_the_first_forms_words_in_its_exports_are_its_templates(
    seed: PerformanceTargets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A region wording the budget block, a pair or a task column otherwise changes its
    template, and the form sheet, the flat sheets and the CSV files follow it."""
    built_in = forms.form_by_id("department_overall")
    text = (built_in.folder / "template.yaml").read_text(encoding="utf-8")
    reworded = {
        "    title: 预算\n": "    title: 部门预算\n",
        "        labels: [基本支出]\n": "        labels: [人员经费]\n",
        "        labels: [名称, 任务名称]\n": "        labels: [任务名称, 名称]\n",
        "    labels: [部门名称, 单位名称, 部门(单位)名称]\n": "    labels: [单位名称, 部门名称]\n",
    }
    for before, after in reworded.items():
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    (tmp_path / "template.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setitem(forms._REGISTRY, built_in.id, replace(built_in, folder=tmp_path))
    wb = openpyxl.load_workbook(io.BytesIO(export([seed], "xlsx").content))
    assert wb.sheetnames == ["绩效目标表", "部门预算", "重点工作任务", "绩效指标", "修改记录"]
    budget = [c.value for c in wb["部门预算"][1]]
    assert budget[:4] == ["文档编号", "部门", "人员经费", "项目支出"]
    assert [c.value for c in wb["重点工作任务"][1]][3] == "任务名称"
    rows = [[c.value for c in row] for row in wb["绩效目标表"].iter_rows()]
    assert rows[1][:2] == ["单位名称", seed.department]
    assert next(r for r in rows if "人员经费" in r)[2] == pytest.approx(397.72)
    out = export([seed], "csv")
    with zipfile.ZipFile(io.BytesIO(out.content)) as zf:
        header = zf.read(f"{out.name}-部门预算.csv").decode("utf-8-sig").splitlines()[0]
    assert header.split(",")[2] == "人员经费"
