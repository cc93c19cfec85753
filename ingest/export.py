"""Exports of checked documents: contract JSON, CSV (one file per entity, zipped) and XLSX.

The XLSX holds, per document, a sheet laid out like the printed form (merged cells where the
form merges them) and, for all documents together, flat sheets `budget`, `tasks` and
`indicators` whose amounts are numbers, so they sum in a spreadsheet without retyping.
Text that a spreadsheet would run as a formula is made inert in both (`ingest.sheet_cells`).
Pure: documents in, bytes out.
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from ingest.sheet_cells import append_row, csv_cell
from models.contract import BUDGET_KEYS, Indicator, PerformanceTargets, Task

Format = Literal["json", "csv", "xlsx"]

BUDGET_LABELS: dict[str, str] = {
    "basic_expenditure": "基本支出",
    "project_expenditure": "项目支出",
    "fiscal_appropriation": "财政拨款",
    "other_funds": "其他资金",
    "special_funds": "财政专项资金",
    "other_development_expenditure": "其他事业发展性支出",
    "city_level_funds": "市本级使用资金",
    "transfer_payment_funds": "拟用于对下转移支付资金",
}
DOCUMENT_COLUMNS = (
    "document_id", "filename", "sha256", "pages", "status", "title", "year", "department",
    "staff_count", "subunit_count", "overall_goal", "other_tasks",
)  # fmt: skip
FIELD_COLUMNS = ("path", "value", "ocr_text", "confidence", "status", "reasons", "page", "bbox")


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    media_type: str
    extension: str


def _number(amount: str | None) -> Decimal | None:
    """A spreadsheet cell's number; Decimal keeps the two printed places exact."""
    return Decimal(amount) if amount is not None else None


def _as_printed(amount: str | None) -> str | None:
    """CSV keeps amounts exactly as the contract writes them."""
    return amount


def _document_row(doc: PerformanceTargets) -> list[Any]:
    src = doc.source
    return [
        doc.document_id, src and src.filename, src and src.sha256, src and src.pages,
        doc.status.value, doc.title, doc.year, doc.department, doc.basic_info.staff_count,
        doc.basic_info.subunit_count, doc.overall_goal, doc.other_tasks,
    ]  # fmt: skip


def _budget_row(doc: PerformanceTargets, number: Callable[[str | None], Any]) -> list[Any]:
    return [doc.document_id, doc.department] + [
        number(getattr(doc.budget, key)) for key in BUDGET_KEYS
    ]


def _task_rows(doc: PerformanceTargets, number: Callable[[str | None], Any]) -> list[list[Any]]:
    return [
        [doc.document_id, doc.department, i + 1, t.name, t.content, number(t.amount), t.expected]
        for i, t in enumerate(doc.tasks)
    ]


def _indicator_rows(doc: PerformanceTargets) -> list[list[Any]]:
    return [
        [doc.document_id, doc.department, i + 1, *(getattr(ind, k) for k in Indicator.model_fields)]
        for i, ind in enumerate(doc.indicators)
    ]


BUDGET_HEADER = ["document_id", "department", *BUDGET_KEYS]
TASK_HEADER = ["document_id", "department", "index", *Task.model_fields]
INDICATOR_HEADER = ["document_id", "department", "index", *Indicator.model_fields]


def to_json(docs: list[PerformanceTargets], *, batch: bool = False) -> ExportFile:
    """One document: the contract object. A batch: a JSON array of them."""
    payload: Any = [d.to_json_dict() for d in docs] if batch else docs[0].to_json_dict()
    content = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    return ExportFile(content, "application/json", "json")


def _csv_bytes(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buf.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs see UTF-8


def _field_rows(doc: PerformanceTargets) -> list[list[Any]]:
    return [
        [doc.document_id, f.path, f.value, f.ocr_text, f.confidence, f.status.value,
         ";".join(f.reasons), f.page, json.dumps(f.bbox) if f.bbox else None]
        for f in doc.fields
    ]  # fmt: skip


def to_csv_zip(docs: list[PerformanceTargets]) -> ExportFile:
    """documents, budget, tasks, indicators and fields, one CSV each, in one zip."""

    def each(rows_of: Callable[[PerformanceTargets], list[list[Any]]]) -> list[list[Any]]:
        return [row for d in docs for row in rows_of(d)]

    files = {
        "documents.csv": _csv_bytes(DOCUMENT_COLUMNS, map(_document_row, docs)),
        "budget.csv": _csv_bytes(BUDGET_HEADER, (_budget_row(d, _as_printed) for d in docs)),
        "tasks.csv": _csv_bytes(TASK_HEADER, each(lambda d: _task_rows(d, _as_printed))),
        "indicators.csv": _csv_bytes(INDICATOR_HEADER, each(_indicator_rows)),
        "fields.csv": _csv_bytes(("document_id", *FIELD_COLUMNS), each(_field_rows)),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return ExportFile(buf.getvalue(), "application/zip", "zip")


def _form_sheet(ws: Any, doc: PerformanceTargets) -> None:
    """The printed form's layout: 5 columns, section labels merged down the left column."""
    from openpyxl.styles import Alignment, Border, Font, Side

    wrap = Alignment(wrap_text=True, vertical="center")
    rows: list[list[Any]] = []
    merges: list[tuple[int, int, int, int]] = []  # (row0, col0, row1, col1), 1-based

    def add(values: list[Any], *, span_value: bool = False) -> int:
        rows.append(values + [None] * (5 - len(values)))
        r = len(rows)
        if span_value:
            merges.append((r, 2, r, 5))
        return r

    def section(label: str, body: list[list[Any]]) -> None:
        first = len(rows) + 1
        for i, values in enumerate(body):
            add([label if i == 0 else None, *values])
        if len(body) > 1:
            merges.append((first, 1, len(rows), 1))

    budget = {k: _number(getattr(doc.budget, k)) for k in BUDGET_KEYS}
    rows.append([doc.title, None, None, None, None])
    merges.append((1, 1, 1, 5))
    add(["部门名称", doc.department], span_value=True)
    add(["基本信息", "财政供养人员数", doc.basic_info.staff_count, "下属二级单位数",
         doc.basic_info.subunit_count])  # fmt: skip
    section("预算整体情况", [
        ["部门预算支出", "预算金额(万元)", "收入来源", "预算金额(万元)"],
        ["基本支出", budget["basic_expenditure"], "财政拨款", budget["fiscal_appropriation"]],
        ["项目支出", budget["project_expenditure"], "其他资金", budget["other_funds"]],
        ["事业发展性支出", "预算金额(万元)", "按预算级次划分", "预算金额(万元)"],
        ["财政专项资金", budget["special_funds"], "市本级使用资金", budget["city_level_funds"]],
        ["其他事业发展性支出", budget["other_development_expenditure"], "拟用于对下转移支付资金",
         budget["transfer_payment_funds"]],
    ])  # fmt: skip
    add(["总体绩效目标", doc.overall_goal], span_value=True)
    section("年度重点工作任务", [
        ["名称", "主要实施内容", "拟投入的资金(万元)", "期望达到的目标(概述)"],
        *([t.name, t.content, _number(t.amount), t.expected] for t in doc.tasks),
    ])  # fmt: skip
    add(["其他需完成的任务(可选填)", doc.other_tasks], span_value=True)
    first_indicator = len(rows) + 2
    section("绩效指标", [
        ["一级指标", "二级指标", "三级指标", "指标值"],
        *([i.level1, i.level2, i.name, i.value] for i in doc.indicators),
    ])  # fmt: skip
    for col, key in ((2, "level1"), (3, "level2")):  # merged down over equal neighbours
        start = 0
        for k in range(1, len(doc.indicators) + 1):
            same = k < len(doc.indicators) and (
                getattr(doc.indicators[k], key) == getattr(doc.indicators[start], key)
                and (col == 2 or doc.indicators[k].level1 == doc.indicators[start].level1)
            )
            if not same:
                if k - start > 1:
                    merges.append((first_indicator + start, col, first_indicator + k - 1, col))
                start = k

    thin = Side(style="thin")
    for values in rows:
        append_row(ws, values)
    for row in ws.iter_rows(min_row=2, max_row=len(rows), max_col=5):
        for cell in row:
            cell.alignment = wrap
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.00"
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    for letter, width in zip("ABCDE", (16, 22, 40, 22, 40), strict=True):
        ws.column_dimensions[letter].width = width


def _flat_sheet(wb: Any, title: str, header: list[str], rows: Iterable[list[Any]]) -> None:
    ws = wb.create_sheet(title)
    append_row(ws, header)
    for values in rows:
        append_row(ws, values)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.00"


def to_xlsx(docs: list[PerformanceTargets]) -> ExportFile:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for i, doc in enumerate(docs):
        title = "绩效目标表" if len(docs) == 1 else f"绩效目标表{i + 1}"
        _form_sheet(wb.create_sheet(title), doc)
    _flat_sheet(wb, "budget", BUDGET_HEADER, (_budget_row(d, _number) for d in docs))
    _flat_sheet(wb, "tasks", TASK_HEADER, (r for d in docs for r in _task_rows(d, _number)))
    _flat_sheet(wb, "indicators", INDICATOR_HEADER, (r for d in docs for r in _indicator_rows(d)))
    buf = io.BytesIO()
    wb.save(buf)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return ExportFile(buf.getvalue(), media, "xlsx")


def export(docs: list[PerformanceTargets], fmt: Format, *, batch: bool = False) -> ExportFile:
    """Documents in the asked format; `batch` makes the JSON an array even for one document."""
    if not docs:
        raise ValueError("nothing to export")
    if fmt == "json":
        return to_json(docs, batch=batch)
    if fmt == "csv":
        return to_csv_zip(docs)
    return to_xlsx(docs)
