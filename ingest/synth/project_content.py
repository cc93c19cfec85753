"""What a synthetic 项目支出绩效目标表 says: one project of a bureau, its funds, optional
narrative, goals and indicators, with the printing choices its table needs.

The truth `document` holds every value as the contract stores it: the department's name and
code apart although one cell prints `[015001]武汉市青山区教育局`, and an amount without the
unit some filings print inside the cell (`10000万元`); `printed` keeps such cells' text. Checks
broken on purpose are named by the template's check ids in `violations`, with the value
printed wrong in `errors`.
"""

import random
from typing import Literal

from pydantic import Field

from ingest.forms import form_by_id
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
)
from models.project import (
    FundLine,
    Funds,
    Goals,
    Narrative,
    ProjectIndicator,
    ProjectInfo,
    ProjectTargets,
    Scope,
)

IndicatorLayout = Literal["side_by_side", "two_tables", "annual_only"]
AmountStyle = Literal["cents", "four_decimals", "with_unit"]

NARRATIVE_KEYS = ("overview", "basis", "necessity", "measures", "plan")


class ProjectLabels(Frozen):
    """The printed wording of every fixed label; defaults are the national template's."""

    name: str = "项目名称"
    department: str = "主管部门及代码"
    unit: str = "实施单位"
    attribute: str = "项目属性"
    period: str = "项目期"
    funds: str = "项目资金（万元）"
    mid_total: str = "中期资金总额"
    annual_total: str = "年度资金总额"
    fiscal: str = "其中：财政拨款"
    other: str = "其他资金"
    overview: str = "项目概况"
    basis: str = "立项依据"
    necessity: str = "项目设立必要性"
    measures: str = "保证项目实施的制度、措施"
    plan: str = "项目实施计划"
    goals: str = "总体目标"
    mid_goal: str = "中期目标"
    annual_goal: str = "年度目标"
    indicators: str = "绩效指标"
    mid_indicators: str = "中期绩效指标"
    annual_indicators: str = "年度绩效指标"
    halves: tuple[str, str] = ("中期指标", "年度指标")
    header: tuple[str, str, str, str] = ("一级指标", "二级指标", "三级指标", "指标值")


class IndicatorGroup(Frozen):
    """One 一级指标 with its 中期 and 年度 indicators; side by side, row k of the group holds
    the k-th of each."""

    level1: str
    mid_term: tuple[ProjectIndicator, ...]
    annual: tuple[ProjectIndicator, ...]


class ProjectContent(SynthContent):
    document: ProjectTargets
    labels: ProjectLabels = ProjectLabels()
    printed: dict[str, str] = Field(
        default_factory=dict
    )  # path -> the cell's text where it is not the value itself
    groups: tuple[IndicatorGroup, ...] = ()
    indicator_layout: IndicatorLayout = "side_by_side"
    half_titles: bool = False  # side by side: a 中期指标 | 年度指标 row above the header
    goals_headed: bool = True  # 中期目标 | 年度目标 under a header row; else one cell

    @property
    def seal_owner(self) -> str | None:
        return self.document.project.implementing_unit or self.document.project.department

    @property
    def seal_cell(self) -> str | None:
        return self.shown("project.department", self.document.project.department)

    def shown(self, path: str, value: str | None) -> str:
        """A value's cell text as printed."""
        return self.printed.get(path, value or "")


# --- wording ---------------------------------------------------------------------------------

_PROVINCE = "广东省"
_ATTRIBUTES = ("新增项目", "延续性项目", "延续性项目", "延续项目", "基础建设类", "修缮类",
               "专项业务类", "设备购置类")  # fmt: skip
_UNIT_SUFFIXES = ("事务中心", "服务中心", "综合保障中心")
_BASES = (
    "《中华人民共和国预算法》",
    "《中共中央 国务院关于全面实施预算绩效管理的意见》",
    "《广东省省级财政资金项目库管理办法》",
    "《关于进一步加强财政支出预算绩效管理的通知》",
)
_NEED = (
    "项目的实施是履行部门职责的需要",
    "当前该项工作任务重、要求高，需要稳定的资金保障",
    "不实施该项目将影响工作的正常开展",
    "群众对该项工作的期待日益提高",
)
_MEASURES = (
    "成立项目领导小组，明确责任分工",
    "严格执行财务管理制度和政府采购制度",
    "建立项目台账，定期跟踪项目进度",
    "专款专用，确保资金使用安全规范",
    "开展绩效自评，及时发现和纠正问题",
)


def _goal_list(rng: random.Random, bureau: Bureau, count: int) -> str:
    """`目标1：…` items, each ending its sentence; joined by a hard break, a space or nothing."""
    glue = rng.choice(("\n", "\n", " ", ""))
    return glue.join(f"目标{k + 1}：{sentence(rng, bureau)}" for k in range(count))


def _narrative(
    rng: random.Random, bureau: Bureau, name: str, dept: str, city: str, year: int
) -> Narrative:
    """Some regions print the five narrative rows, most print none."""
    if rng.random() >= 0.35:
        return Narrative()
    texts = {
        "overview": f"{name}是{dept}为{bureau.aim}设立的项目。"
        + "".join(sentence(rng, bureau) for _ in range(rng.randint(1, 2))),
        "basis": "根据"
        + "、".join(rng.sample(_BASES, rng.randint(1, 2)))
        + f"和《{city}{year}年{bureau.name}工作要点》等文件精神，结合本单位实际设立本项目。",
        "necessity": "，".join(rng.sample(_NEED, rng.randint(2, 3))) + "。",
        "measures": "；".join(rng.sample(_MEASURES, rng.randint(2, 4))) + "。",
        "plan": numbered(rng, bureau, 2, 4),
    }
    kept = [k for k in NARRATIVE_KEYS if rng.random() < 0.8]
    return Narrative(**{k: texts[k] for k in kept})


def _level1_wording(rng: random.Random) -> dict[str, str]:
    """The taxonomy's 一级 as this filing prints them."""
    project_words = rng.random() < 0.3
    return {
        "产出指标": "项目完成指标" if project_words else "产出指标",
        "效益指标": "项目效益指标" if project_words else "效益指标",
        "满意度指标": "满意度指标",
    }


# How often a filing has indicators under a 二级 (1 when not listed: always).
_LEVEL2_CHANCE = {
    "质量指标": 0.7,
    "时效指标": 0.7,
    "成本指标": 0.7,
    "经济效益指标": 0.3,
    "生态效益指标": 0.3,
    "可持续影响指标": 0.3,
}


def _level2_plan(rng: random.Random) -> list[tuple[str, list[str]]]:
    """(一级, the 二级 this filing has under it), in the form's taxonomy order."""
    taxonomy = form_by_id("project_expenditure").template.taxonomy
    return [
        (
            level1,
            [l2 for l2 in level2s if l2 not in _LEVEL2_CHANCE or rng.random() < _LEVEL2_CHANCE[l2]],
        )
        for level1, level2s in taxonomy.items()
    ]


def _half(
    rng: random.Random,
    scope: Scope,
    level1: str,
    level2s: list[tuple[str, str]],
    fill: dict[str, str],
    year: int,
) -> tuple[ProjectIndicator, ...]:
    """One half's indicators of a 一级: 1–3 under each (kind, printed 二级), names unique."""
    items: list[ProjectIndicator] = []
    seen: set[str] = set()
    for kind, printed in level2s:
        for _ in range(rng.randint(1, 3 if kind == "数量指标" else 2)):
            stem, value = indicator_value(rng, kind, year)
            name = stem.format(**fill)
            if name in seen:
                continue
            seen.add(name)
            items.append(
                ProjectIndicator(scope=scope, level1=level1, level2=printed, name=name, value=value)
            )
    return tuple(items)


def _groups(
    rng: random.Random, bureau: Bureau, project: str, year: int, last_year: int, empty_mid: bool
) -> tuple[IndicatorGroup, ...]:
    wording = _level1_wording(rng)
    satisfaction = rng.choice(("服务对象满意度指标", "满意度指标", "社会公众或服务对象满意度指标"))
    groups = []
    for level1, level2s in _level2_plan(rng):
        printed = [(l2, satisfaction if l2 == "服务对象满意度指标" else l2) for l2 in level2s]
        fill = {
            "act": rng.choice(bureau.acts),
            "people": rng.choice(bureau.people),
            "task": project,
        }
        l1 = wording[level1]
        mid = () if empty_mid else _half(rng, "mid_term", l1, printed, fill, last_year)
        annual = _half(rng, "annual", l1, printed, fill, year)
        groups.append(IndicatorGroup(level1=l1, mid_term=mid, annual=annual))
    return tuple(groups)


# --- funds -----------------------------------------------------------------------------------


def _amount_text(value: int, style: AmountStyle) -> str:
    """An amount in cents as the contract stores it (the unit style prints whole 万元)."""
    if style == "with_unit":
        return str(value // 100)
    text = cents(value)
    return text + "00" if style == "four_decimals" else text


class _Funds:
    """The funds block in cents, drawn in whole 万元 when the filing prints the unit in its
    cells: each column's total is its fiscal part plus its other part, the 中期 column holds
    the 年度 one (the same for a one-year project)."""

    def __init__(self, rng: random.Random, years: int, style: AmountStyle) -> None:
        step = 100 if style == "with_unit" else 1
        annual = max(step, round(rng.uniform(5, 2000) * rng.choice((1, 1, 10)) * 100 / step) * step)
        mid = (
            annual if years == 1 else round(annual * rng.uniform(years * 0.7, years) / step) * step
        )
        share = rng.choice((None, 0.0, 0.0, rng.uniform(0.05, 0.4)))
        self.step, self.style = step, style
        self.lines = {"mid_term": self._split(mid, share), "annual": self._split(annual, share)}

    def _split(self, total: int, share: float | None) -> list[int | None]:
        """[total, fiscal, other]; other None when the filing leaves it empty."""
        other = None if share is None else round(total * share / self.step) * self.step
        return [total, total - (other or 0), other]

    def line(self, half: str) -> FundLine:
        total, fiscal, other = self.lines[half]
        return FundLine(
            total=None if total is None else _amount_text(total, self.style),
            fiscal=None if fiscal is None else _amount_text(fiscal, self.style),
            other=None if other is None else _amount_text(other, self.style),
        )

    def printed(self) -> dict[str, str]:
        """The cells' text where the unit is printed inside them."""
        if self.style != "with_unit":
            return {}
        return {
            f"funds.{half}.{key}": f"{value}万元"
            for half in ("mid_term", "annual")
            for key, value in self.line(half)
            if value is not None
        }


def _break_a_check(rng: random.Random, funds: _Funds) -> tuple[str | None, str | None]:
    """Now and then a filing whose funds break a check: (check id, path printed wrong)."""
    draw = rng.random()
    if draw < 0.05:
        half = rng.choice(("mid_term", "annual"))
        fiscal = funds.lines[half][1] or 0
        funds.lines[half][1] = fiscal + rng.choice((-1, 1)) * funds.step
        return f"{half}_funds", f"funds.{half}.fiscal"
    annual_total = funds.lines["annual"][0] or 0
    if draw < 0.09 and annual_total > 2 * funds.step:
        smaller = annual_total // 2 // funds.step * funds.step
        funds.lines["mid_term"] = [smaller, smaller, None]
        return "annual_within_mid_term", "funds.mid_term.total"
    return None, None


# --- the document ----------------------------------------------------------------------------


def _title(rng: random.Random, year: int, city: str, district: str | None) -> str:
    if rng.random() < 0.35:
        region = f"{city}{district}区级" if district else f"{_PROVINCE}{city}市级"
        return f"{region}预算部门(单位)项目支出绩效目标申报表\n（{year}年度）"
    return rng.choice((f"{year}年度项目支出绩效目标申报表", f"项目支出绩效目标表（{year}年度）"))


def _labels(rng: random.Random, with_code: bool, period_label: str) -> ProjectLabels:
    return ProjectLabels(
        department="主管部门及代码" if with_code else rng.choice(("主管部门", "主管部门及代码")),
        unit=rng.choice(("实施单位", "实施单位", "项目单位")),
        period=period_label,
        funds=rng.choice(("项目资金（万元）", "项目资金(万元)", "项目资金")),
        fiscal=rng.choice(("其中：财政拨款", "其中：财政拨款", "财政拨款")),
        necessity=rng.choice(("项目设立必要性", "项目设立的必要性")),
        goals=rng.choice(("总体目标", "总体目标", "项目总体目标")),
        mid_indicators=rng.choice(("中期绩效指标", "长期绩效指标")),
        header=(
            "一级指标",
            "二级指标",
            "三级指标",
            rng.choice(("指标值", "指标值", "指标值（包含数字及文字描述）")),
        ),
    )


def _blank_one(rng: random.Random, info: ProjectInfo) -> ProjectInfo:
    """Now and then a header pair printed with an empty value cell."""
    if rng.random() >= 0.12:
        return info
    return info.model_copy(update={rng.choice(("implementing_unit", "attribute", "period")): None})


def generate_project_content(rng: random.Random) -> ProjectContent:
    """A new project table: header pairs, funds, maybe narrative, goals, 3 to 19 indicators a
    half in one of three indicator layouts, and a broken check in some."""
    year = rng.randint(2021, 2026)
    bureau = rng.choice(BUREAUS)
    city = rng.choice(CITIES)
    district = rng.choice(DISTRICTS) if rng.random() < 0.3 else None
    dept = f"{city}{district or ''}{bureau.name}"
    project = rng.choice(bureau.tasks + GENERIC_TASKS)
    years = rng.choice((1, 1, 2, 3, 3, 5))
    last_year = year + years - 1
    code = f"{rng.randint(1, 150):03d}{rng.randint(1, 30):03d}" if rng.random() < 0.75 else None
    unit = rng.choice(
        (dept, dept, f"{city}{bureau.name.removesuffix('局')}{rng.choice(_UNIT_SUFFIXES)}")
    )
    if rng.random() < 0.5:
        period_label, period = "项目期", f"{years}年"
    else:
        period_label, period = "项目起止时间", f"{year}01-{last_year}12"
    info = _blank_one(
        rng,
        ProjectInfo(
            name=project,
            department=dept,
            department_code=code,
            implementing_unit=unit,
            attribute=rng.choice(_ATTRIBUTES),
            period=period,
        ),
    )
    printed = {}
    if code is not None:
        printed["project.department"] = printed["project.department_code"] = f"[{code}]{dept}"

    style: AmountStyle = rng.choice(("cents", "cents", "cents", "four_decimals", "with_unit"))
    funds = _Funds(rng, years, style)
    violation, wrong_path = _break_a_check(rng, funds)
    document_funds = Funds(mid_term=funds.line("mid_term"), annual=funds.line("annual"))
    printed |= funds.printed()

    layout: IndicatorLayout = rng.choice(
        ("side_by_side", "side_by_side", "two_tables", "annual_only")
    )
    empty_mid = layout == "annual_only" or (layout == "side_by_side" and rng.random() < 0.08)
    groups = _groups(rng, bureau, project, year, last_year, empty_mid)
    goals_headed = rng.random() < 0.75
    goals = Goals(
        mid_term=_goal_list(rng, bureau, rng.randint(2, 4)) if goals_headed else None,
        annual=_goal_list(rng, bureau, rng.randint(1, 3)),
    )
    document = ProjectTargets(
        title=_title(rng, year, city, district),
        year=year,
        project=info,
        funds=document_funds,
        narrative=_narrative(rng, bureau, project, dept, city, year),
        goals=goals,
        indicators=[i for g in groups for i in g.mid_term] + [i for g in groups for i in g.annual],
    )
    labels = _labels(rng, code is not None, period_label)
    mid_goal = f"{labels.mid_goal}（{year}年－{last_year}年）"
    content = ProjectContent(
        document=document,
        labels=labels.model_copy(update={"mid_goal": mid_goal}),
        printed=printed,
        groups=groups,
        indicator_layout=layout,
        half_titles=layout == "side_by_side" and rng.random() < 0.5,
        goals_headed=goals_headed,
    )
    if violation is None or wrong_path is None:
        return content
    wrong = document.model_dump(by_alias=True)
    for part in wrong_path.split("."):
        wrong = wrong[part]
    return content.model_copy(
        update={"violations": (violation,), "errors": {wrong_path: str(wrong)}}
    )
