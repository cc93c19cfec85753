"""The seed document laid out by hand the way the real filing prints it (tests/data/seed/*.txt).

Three pages: the tasks header is repeated at the top of pages 2 and 3 (on page 3 above the
indicators), the 年度重点工作任务 label is printed on both parts of its cut cell, 绩效指标 only on
the part on page 3, and 产出指标 only on the part on page 2.
"""

from pathlib import Path

from models.contract import Indicator, PerformanceTargets
from models.truth import GroundTruth
from tests.ingest.oracle import UP, Entry, Span, truth_page

SEED_GOLD = Path(__file__).parents[1] / "data" / "seed" / "seed_gold.json"
TASKS_HEADER = ["名称", "主要实施内容", "拟投入的资金(万元)", "期望达到的目标(概述)"]
INDICATORS_HEADER = ["一级指标", "二级指标", "三级指标", "指标值"]


def seed_document() -> PerformanceTargets:
    return PerformanceTargets.model_validate_json(SEED_GOLD.read_text(encoding="utf-8"))


def indicator_rows(
    indicators: list[Indicator], label: str | None, level1_printed: bool = True
) -> list[list[Entry]]:
    """Indicator rows with 一级/二级 merged over their runs; `label` heads the left column."""
    printed_level2 = {"服务对象满意度指标": "服务对象\n满意度指标"}
    rows: list[list[Entry]] = []
    for i, ind in enumerate(indicators):
        before = indicators[i - 1] if i else None
        left = (label or "") if i == 0 else UP
        new_level1 = before is None or before.level1 != ind.level1
        level1 = (ind.level1 if i or level1_printed else "") if new_level1 else UP
        new_level2 = new_level1 or before.level2 != ind.level2
        level2 = printed_level2.get(ind.level2, ind.level2) if new_level2 else UP
        rows.append([left, level1, level2, ind.name or "", ind.value or ""])
    return rows


def seed_truth() -> GroundTruth:
    doc = seed_document()
    budget = doc.budget
    task1, task2 = doc.tasks
    page1: list[list[Entry]] = [
        ["部门名称", Span(doc.department, 4)],
        ["基本信息", "财政供养人员数", str(doc.basic_info.staff_count), "下属二级单位数", ""],
        ["预算整体情况", "部门预算支出", "预算金额(万元)", "收入来源", "预算金额(万元)"],
        [UP, "基本支出", budget.basic_expenditure, "财政拨款", budget.fiscal_appropriation],
        [UP, "项目支出", budget.project_expenditure, "其他资金", ""],
        [UP, "事业发展性支出", "预算金额(万元)", "按预算级次划分", "预算金额(万元)"],
        [UP, "财政专项资金", "", "市本级使用资金", ""],
        [UP, "其他事业发展性支出", "", "拟用于对下\n转移支付资金", ""],
        ["总 体 绩 效 目 标", Span(doc.overall_goal, 4)],
        ["年\n度\n重\n点\n工\n作\n任\n务", *TASKS_HEADER],
        [UP, task1.name, task1.content, task1.amount, task1.expected],
    ]
    page2: list[list[Entry]] = [
        [
            "年度重点工作任务",
            "名称",
            "主要实施内容",
            "拟投入的资金（万元）",
            "期望达到的目标（ 概述 ）",
        ],
        ["年度重点工作任务", task2.name, task2.content, task2.amount, task2.expected],
        ["其他需完成的任务(可选填)", Span("", 4)],
        ["", *INDICATORS_HEADER],
        *[[UP, *row[1:]] for row in indicator_rows(doc.indicators[:13], None)],
    ]
    page3: list[list[Entry]] = [
        [
            "年度重点工作任务",
            "名称",
            "主要实施内容",
            "拟投入的资金 (万元)",
            "期望达到的目标 (概述)",
        ],
        *indicator_rows(doc.indicators[13:], "绩效指标", level1_printed=False),
    ]
    return GroundTruth(
        doc_id="seed-by-hand",
        level="clean",
        split="test",
        seed=0,
        document=doc,
        pages=[truth_page(n, rows) for n, rows in enumerate((page1, page2, page3), start=1)],
    )
