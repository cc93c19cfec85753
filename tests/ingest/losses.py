"""Documents assembled from hand-made or oracle page tables, and whether a truth row was lost
without an open document flag covering it (the evaluation's rule decides)."""

from ingest.artifacts import OcrToken, PageTable, SourceDocument
from ingest.evaluation.metrics import score_document
from ingest.evaluation.results import PipelineResult
from ingest.pipeline import assemble
from ingest.template import default_template
from models.contract import DocumentFlag, EngineInfo, PerformanceTargets
from models.truth import GroundTruth
from tests.ingest.layouts import INDICATORS_HEADER, TASKS_HEADER
from tests.ingest.oracle import UP, Entry, Span, page_table, truth_page

TEMPLATE = default_template()


def oracle_source(pages: int) -> SourceDocument:
    """A PDF of `pages` pages that is never opened: its pages come as oracle tables."""
    return SourceDocument(
        path="unused",
        filename="test.pdf",
        sha256="0" * 64,
        size=1,
        media_type="application/pdf",
        pages=pages,
    )


def assembled(tables: list[PageTable], pages: int | None = None) -> PerformanceTargets:
    """Stitch, map, account, check and flag `tables` as the pages of one source."""
    source = oracle_source(pages if pages is not None else len(tables))
    return assemble(tables, source, EngineInfo(engine="test"), "test").document


def silent_rows(truth: GroundTruth, document: PerformanceTargets) -> int:
    """Truth rows missing from `document` that no open document flag covers."""
    return score_document(truth, PipelineResult(document=document), TEMPLATE).counts.silent_rows


def flags(document: PerformanceTargets, reason: str) -> list[DocumentFlag]:
    return [f for f in document.document_flags if f.reason == reason]


def with_outside(table: PageTable, text: str, box: tuple[int, int, int, int]) -> PageTable:
    """`table` with one more line read around its frame."""
    token = OcrToken(text=text, bbox=box, confidence=0.99)
    return table.model_copy(update={"outside": (*table.outside, token)})


HEAD: list[list[Entry]] = [
    ["部门名称", Span("湛江市测试局", 4)],
    ["基本信息", "财政供养人员数", "18", "下属二级单位数", "2"],
    ["预算整体情况", "部门预算支出", "预算金额(万元)", "收入来源", "预算金额(万元)"],
    [UP, "基本支出", "100.00", "财政拨款", "150.00"],
    [UP, "项目支出", "50.00", "其他资金", "0"],
    [UP, "事业发展性支出", "预算金额(万元)", "按预算级次划分", "预算金额(万元)"],
    [UP, "财政专项资金", "", "市本级使用资金", ""],
    [UP, "其他事业发展性支出", "", "拟用于对下\n转移支付资金", ""],
    ["总体绩效目标", Span("1、完成任务。\n2、提升服务。", 4)],
]
TASKS: list[list[Entry]] = [
    ["年度重点工作任务", *TASKS_HEADER],
    [UP, "市侨联工作经费", "1、举办培训。", "30.00", "加强联系。"],
    [UP, "门户网站建设", "2、做好网站。", "20.00", "提升服务。"],
    ["其他需完成的任务(可选填)", Span("", 4)],
]
INDICATOR_ROWS: list[tuple[str, str, str, str]] = [
    ("产出指标", "数量指标", "侨务接待次数", "18次"),
    ("产出指标", "数量指标", "培训人次", "≥120人次"),
    ("产出指标", "质量指标", "资金使用合规率", "100%"),
    ("产出指标", "时效指标", "任务完成时间", "2024年12月31日前"),
    ("效益指标", "社会效益指标", "侨界群众受益面", "逐步扩大"),
    ("满意度指标", "服务对象满意度指标", "侨界群众满意度", "≥90%"),
]
TITLE = "2024年市级部门整体预算绩效目标表"


def indicators(rows: list[tuple[str, str, str, str]], header: bool = True) -> list[list[Entry]]:
    """The 绩效指标 block: 一级/二级 merged over their runs, the label down the left column."""
    printed: list[list[Entry]] = [["绩效指标", *INDICATORS_HEADER]] if header else []
    for i, (level1, level2, name, value) in enumerate(rows):
        before = rows[i - 1] if i else None
        left = UP if printed else "绩效指标"
        new1 = before is None or before[0] != level1
        new2 = new1 or before[1] != level2
        printed.append([left, level1 if new1 else UP, level2 if new2 else UP, name, value])
    return printed


def tables(*pages: list[list[Entry]]) -> list[PageTable]:
    """Oracle page tables of hand-made pages, the title above the first."""
    return [
        page_table(truth_page(n, rows), TITLE if n == 1 else None)
        for n, rows in enumerate(pages, 1)
    ]


def continued(rows: list[list[Entry]]) -> list[list[Entry]]:
    """Rows continued at the top of a new page: cells merged from above are cut by the break,
    their text printed on the part before it only."""
    first = ["" if entry is UP else entry for entry in rows[0]]
    return [first, *rows[1:]]
