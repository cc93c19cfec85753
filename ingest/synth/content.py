"""What a synthetic form says: random but plausible content, and the seed table as one document.

The truth `document` holds every value as printed (thousands separators dropped from amounts),
including the mistakes made on purpose, which are listed in `violations` and `errors`. Empty
indicator rows (a 二级指标 with no 三级指标 and no value) are printed but left out of
`document.indicators`, as the export contract allows; `indicator_rows` keeps them for layout.
"""

import json
import random
from functools import lru_cache
from pathlib import Path

from pydantic import Field

from ingest.synth.form import Frozen, SynthContent
from ingest.synth.wording import (
    BUREAUS,
    CITIES,
    DISTRICTS,
    GENERIC_TASKS,
    Bureau,
    cents,
    indicator_value,
    numbered,
    sentence,
    split_cents,
)
from ingest.template import default_template
from models.contract import Budget, Indicator, PerformanceTargets, Task

SEED_GOLD = Path(__file__).parent / "data" / "seed_gold.json"


class FormLabels(Frozen):
    """The printed wording of every fixed label; defaults are the seed table's."""

    department: str = "部门名称"
    basic_info: str = "基本信息"
    staff: str = "财政供养人员数"
    subunit: str = "下属二级单位数"
    budget: str = "预算整体情况"
    budget_header: tuple[str, str, str, str] = (
        "部门预算支出",
        "预算金额(万元)",
        "收入来源",
        "预算金额(万元)",
    )
    basic: str = "基本支出"
    project: str = "项目支出"
    fiscal: str = "财政拨款"
    other: str = "其他资金"
    dev_header: tuple[str, str, str, str] = (
        "事业发展性支出",
        "预算金额(万元)",
        "按预算级次划分",
        "预算金额(万元)",
    )
    special: str = "财政专项资金"
    other_dev: str = "其他事业发展性支出"
    city: str = "市本级使用资金"
    transfer: str = "拟用于对下转移支付资金"
    overall_goal: str = "总体绩效目标"
    tasks: str = "年度重点工作任务"
    task_header: tuple[str, str, str, str] = (
        "名称",
        "主要实施内容",
        "拟投入的资金(万元)",
        "期望达到的目标(概述)",
    )
    other_tasks: str = "其他需完成的任务(可选填)"
    indicators: str = "绩效指标"
    indicator_header: tuple[str, str, str, str] = ("一级指标", "二级指标", "三级指标", "指标值")


class FormContent(SynthContent):
    """One form's content plus the printing choices the layout needs."""

    document: PerformanceTargets
    indicator_rows: tuple[Indicator, ...]  # as printed, empty rows included
    labels: FormLabels = FormLabels()
    thousands_sep: bool = False
    # Layout of a real filing, replayed for the seed: a page break before these row keys, and
    # the header row printed at the top of the page that starts at a key (key -> header key).
    breaks_before: tuple[str, ...] = ()
    repeat_headers: dict[str, str] = Field(default_factory=dict)

    @property
    def seal_owner(self) -> str | None:
        return self.document.department

    @property
    def seal_cell(self) -> str | None:
        return self.document.department


def format_amount(value: str | None, thousands_sep: bool) -> str:
    """An amount as printed: empty for None, `10,891.62` when the form uses separators."""
    if value is None:
        return ""
    if not thousands_sep or "." not in value:
        return value
    whole, frac = value.split(".")
    return f"{int(whole):,}.{frac}"


def _add_cents(value: str | None) -> int:
    return round(float(value) * 100) if value else 0


# --- the seed -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _seed_gold_text() -> str:
    return SEED_GOLD.read_text(encoding="utf-8")


def seed_content() -> FormContent:
    """The real table of tests/data/seed as printed: three pages, the second task on page 2,
    and page 3 opening with the tasks' header row again although it continues the indicators."""
    document = PerformanceTargets.model_validate(json.loads(_seed_gold_text()))
    return FormContent(
        document=document,
        indicator_rows=tuple(document.indicators),
        breaks_before=("tasks:1", "indicators:13"),
        repeat_headers={"tasks:1": "tasks:header", "indicators:13": "tasks:header"},
    )


# --- random content -------------------------------------------------------------------------


def _overall_goal(rng: random.Random, bureau: Bureau, dept: str) -> str:
    if rng.random() < 0.4:
        points = [f"{k}是{sentence(rng, bureau)[:-1]}" for k in "一二三四"[: rng.randint(2, 4)]]
        return f"{dept}围绕{bureau.aim}，" + "；".join(points) + "。"
    return f"在市委市政府的坚强领导下，{dept}认真履行部门职责，{bureau.aim}。" + "".join(
        sentence(rng, bureau) for _ in range(rng.randint(1, 3))
    )


def _budget(rng: random.Random) -> tuple[Budget, int]:
    """A budget that satisfies 基本支出 + 项目支出 = 财政拨款 + 其他资金; returns project cents."""
    scale = rng.choice((1, 1, 10, 100))
    basic = round(rng.uniform(50, 900) * scale * 100)
    project = round(rng.uniform(10, 1200) * scale * 100)
    other = rng.choice((None, None, 0, rng.randint(100, max(101, basic // 5))))
    fiscal = basic + project - (other or 0)
    values: dict[str, str | None] = {
        "basic_expenditure": cents(basic),
        "project_expenditure": cents(project),
        "fiscal_appropriation": cents(fiscal),
        "other_funds": None if other is None else ("0" if other == 0 else cents(other)),
    }
    mode = rng.random()
    if mode < 0.35:
        special = rng.randint(0, project)
        city = rng.randint(0, project)
        values |= {
            "special_funds": cents(special),
            "other_development_expenditure": cents(project - special),
            "city_level_funds": cents(city),
            "transfer_payment_funds": "0" if city == project else cents(project - city),
        }
    elif mode < 0.5:
        values |= dict.fromkeys(
            (
                "special_funds",
                "other_development_expenditure",
                "city_level_funds",
                "transfer_payment_funds",
            ),
            "0",
        )
    return Budget(**values), project


def _indicators(
    rng: random.Random, bureau: Bureau, tasks: list[Task], year: int
) -> list[Indicator]:
    """Rows in taxonomy order, 10–40 of them, some 二级 printed without any row content."""
    while not 10 <= len(rows := _indicator_draw(rng, bureau, tasks, year)) <= 40:
        pass
    return rows


def _indicator_draw(
    rng: random.Random, bureau: Bureau, tasks: list[Task], year: int
) -> list[Indicator]:
    target = rng.randint(10, 40)
    groups = [(l1, l2) for l1, l2s in default_template().taxonomy.items() for l2 in l2s]
    weights = {
        "数量指标": 4,
        "质量指标": 3,
        "时效指标": 2,
        "成本指标": 2,
        "社会效益指标": 2,
        "服务对象满意度指标": 1.5,
    }
    total_w = sum(weights.get(l2, 1) for _, l2 in groups)
    satisfaction_label = rng.choice(("服务对象满意度指标", "服务对象满意度指标", "服务对象"))
    rows: list[Indicator] = []
    for l1, l2 in groups:
        printed_l2 = satisfaction_label if l2 == "服务对象满意度指标" else l2
        if l2 in ("成本指标", "经济效益指标", "生态效益指标") and rng.random() < 0.3:
            rows.append(Indicator(level1=l1, level2=printed_l2))
            continue
        count = max(1, round(target * weights.get(l2, 1) / total_w * rng.uniform(0.6, 1.4)))
        seen: set[str] = set()
        for _ in range(count):
            stem, value = indicator_value(rng, l2, year)
            name = stem.format(
                act=rng.choice(bureau.acts),
                people=rng.choice(bureau.people),
                task=rng.choice(tasks).name if tasks else bureau.tasks[0],
            )
            if name not in seen:
                seen.add(name)
                rows.append(Indicator(level1=l1, level2=printed_l2, name=name, value=value))
    return rows


def _misplace_level2(rng: random.Random, rows: list[Indicator]) -> list[Indicator]:
    """Print the 质量指标 block under 效益指标, as some filings do."""
    moved = [r.model_copy(update={"level1": "效益指标"}) for r in rows if r.level2 == "质量指标"]
    kept = [r for r in rows if r.level2 != "质量指标"]
    at = max(i for i, r in enumerate(kept) if r.level1 == "效益指标") + 1
    return kept[:at] + moved + kept[at:]


def _labels(rng: random.Random, district: bool) -> FormLabels:
    amount = rng.choice(("预算金额(万元)", "预算金额（万元）", "预算金额（万元）"))
    return FormLabels(
        department=rng.choice(("部门名称", "部门名称", "单位名称", "部门（单位）名称")),
        staff=rng.choice(("财政供养人员数", "财政供养人员数", "财政供养人数", "编制人数")),
        budget=rng.choice(("预算整体情况", "预算整体情况", "部门预算整体情况")),
        budget_header=("部门预算支出", amount, "收入来源", amount),
        dev_header=("事业发展性支出", amount, "按预算级次划分", amount),
        city="本级使用资金" if district else "市本级使用资金",
        transfer=rng.choice(("拟用于对下转移支付资金", "拟用于对下\n转移支付资金")),
        overall_goal=rng.choice(
            ("总体绩效目标", "总体绩效目标", "总 体 目 标", "部门整体绩效目标")
        ),
        tasks=rng.choice(("年度重点工作任务", "年度重点工作任务", "重点工作任务")),
        task_header=(
            rng.choice(("名称", "任务名称")),
            rng.choice(("主要实施内容", "主要实施内容", "实施内容")),
            rng.choice(
                (
                    "拟投入的资金(万元)",
                    "拟投入的资金（万元）",
                    "拟投入的资金 （万元）",
                    "拟投入资金(万元)",
                )
            ),
            rng.choice(
                ("期望达到的目标(概述)", "期望达到的目标（概述）", "期望达到的目标 （ 概述 ）")
            ),
        ),
        other_tasks=rng.choice(
            ("其他需完成的任务(可选填)", "其他需完成的任务（可选填）", "其他需完成的任务")
        ),
        indicator_header=(
            "一级指标",
            "二级指标",
            "三级指标",
            rng.choice(("指标值", "指标值", "指标值(包含数字及文字描述)")),
        ),
    )


def generate_content(rng: random.Random) -> FormContent:
    """A new form: department, budget, 1–6 tasks, 10–40 indicators, mistakes in some."""
    year = rng.randint(2021, 2026)
    district = rng.random() < 0.3
    bureau = rng.choice(BUREAUS)
    city = rng.choice(CITIES)
    dept = f"{city}{rng.choice(DISTRICTS)}{bureau.name}" if district else city + bureau.name
    budget, project = _budget(rng)
    violations: list[str] = []
    errors: dict[str, str] = {}

    names = rng.sample(bureau.tasks + GENERIC_TASKS, rng.randint(1, 6))
    shares = split_cents(rng, project if rng.random() < 0.7 else project * 9 // 10, len(names))
    if rng.random() < 0.05:
        shares[0] += project  # the tasks add up to more than 项目支出
        violations.append("tasks_within_project")
        errors["tasks[0].amount"] = cents(shares[0])
    tasks = [
        Task(
            name=name,
            content=numbered(rng, bureau, 2, 8 - len(names)),
            amount=cents(share),
            expected=numbered(rng, bureau, 1, 3) if rng.random() < 0.5 else sentence(rng, bureau),
        )
        for name, share in zip(names, shares, strict=True)
    ]
    if rng.random() < 0.12:
        wrong = cents(_add_cents(budget.fiscal_appropriation) + rng.choice((-1, 1)))
        budget = budget.model_copy(update={"fiscal_appropriation": wrong})
        violations.append("budget_identity")
        errors["budget.fiscal_appropriation"] = wrong

    rows = _indicators(rng, bureau, tasks, year)
    if rng.random() < 0.12:
        rows = _misplace_level2(rng, rows)
        violations.append("taxonomy")
    printed = [r for r in rows if r.name is not None or r.value is not None]
    for i, row in enumerate(printed):
        if "taxonomy" in violations and row.level2 == "质量指标":
            errors[f"indicators[{i}].level2"] = row.level2

    document = PerformanceTargets(
        title=f"{year}年{'区级' if district else '市级'}部门整体预算绩效目标表",
        year=year,
        department=dept,
        basic_info={
            "staff_count": rng.randint(4, 320),
            "subunit_count": rng.choice((None, None, 0, rng.randint(1, 12))),
        },
        budget=budget,
        overall_goal=_overall_goal(rng, bureau, dept),
        tasks=tasks,
        other_tasks=sentence(rng, bureau) if rng.random() < 0.15 else None,
        indicators=printed,
    )
    return FormContent(
        document=document,
        indicator_rows=tuple(rows),
        labels=_labels(rng, district),
        thousands_sep=rng.random() < 0.35,
        violations=tuple(violations),
        errors=errors,
    )
