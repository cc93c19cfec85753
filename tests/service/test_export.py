"""JSON, CSV and XLSX exports of the seed document."""

import csv
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ingest.export import export
from models.contract import PerformanceTargets

SEED = Path(__file__).parents[1] / "data" / "seed" / "seed_gold.json"


@pytest.fixture(scope="module")
def seed() -> PerformanceTargets:
    return PerformanceTargets.model_validate(json.loads(SEED.read_text(encoding="utf-8")))


def test_json_is_the_contract(seed: PerformanceTargets) -> None:
    out = export([seed], "json")
    assert PerformanceTargets.model_validate_json(out.content) == seed
    batch = json.loads(export([seed, seed], "json", batch=True).content)
    assert [d["department"] for d in batch] == [seed.department] * 2


def test_csv_has_one_file_per_entity(seed: PerformanceTargets) -> None:
    out = export([seed], "csv")
    with zipfile.ZipFile(io.BytesIO(out.content)) as zf:
        tables = {
            name: list(csv.DictReader(io.StringIO(zf.read(name).decode("utf-8-sig"))))
            for name in zf.namelist()
        }
    assert set(tables) == {
        "documents.csv",
        "budget.csv",
        "tasks.csv",
        "indicators.csv",
        "fields.csv",
    }
    assert tables["budget.csv"][0]["basic_expenditure"] == seed.budget.basic_expenditure
    assert tables["budget.csv"][0]["other_funds"] == ""  # empty cell, not "None"
    assert [t["amount"] for t in tables["tasks.csv"]] == [t.amount for t in seed.tasks]
    assert len(tables["indicators.csv"]) == len(seed.indicators)
    assert tables["indicators.csv"][-1]["value"] == seed.indicators[-1].value


def test_xlsx_reproduces_the_form_and_keeps_numbers(seed: PerformanceTargets) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(export([seed], "xlsx").content))
    assert wb.sheetnames == ["绩效目标表", "budget", "tasks", "indicators"]
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
    budget = [[c.value for c in row] for row in wb["budget"].iter_rows()]
    assert budget[0][2] == "basic_expenditure"
    assert isinstance(budget[1][2], float) and budget[1][2] == pytest.approx(397.72)
    tasks = [[c.value for c in row] for row in wb["tasks"].iter_rows(min_row=2)]
    assert sum(r[5] for r in tasks) == pytest.approx(64.17)
    assert wb["indicators"].max_row == len(seed.indicators) + 1
