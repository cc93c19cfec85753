"""Exports of checked documents: contract JSON, CSV (one file per section, zipped) and XLSX.

Documents of several forms export together, each form's tables apart (a sheet or file per form
and table). Every word over a form's field, table or section is its template's (a section's
`title`, else its first label); the words over what every document has (its source, status,
acceptance, fields and audit trail) are the export's own.

A form whose folder says so (`printed` in `form.yaml`, the 部门整体 form) has, per document, a
sheet laid out like the printed form (merged cells where the form merges them, a block as its
template's `printed_rows`, and the empty rows the paper prints for a 二级指标 with nothing
under it) and flat tables of its documents, of each printed block (预算) and of each rows
section (重点工作任务, 绩效指标), each row naming the department. Another form's tables are
derived from its template (`ingest.flat_tables`), with a sheet per document listing its fields
in order. Amounts are numbers in the XLSX, so they sum in a spreadsheet without retyping; 修改记录
is the audit trail. Text that a spreadsheet would run as a formula is made inert in both XLSX
and CSV (`ingest.sheet_cells`). Pure: documents in, bytes out; the service puts the audit trail
and acceptance into the documents (`corrections[]`, `acceptance`).
"""

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from ingest.flat_tables import (
    DOCUMENT_ID,
    TITLE_AND_YEAR,
    FlatTable,
    cell_of,
    flat_tables,
    rows_table,
    single_cells,
    single_fields,
)
from ingest.forms import Form, form_of
from ingest.sheet_cells import append_row, csv_cell
from ingest.template import PairSpec, SectionSpec, Template
from models.contract import (
    ACTION_NAMES,
    STATUS_NAMES,
    FormDocument,
    row_lists,
    value_paths,
)

Format = Literal["json", "csv", "xlsx"]
Number = Callable[[str | None], Any]

# The words over the columns of a document's source, review and acceptance: the export's own,
# every form's; the form's fields are under its template's words.
SOURCE_HEADER = ("文档编号", "文件名", "SHA-256", "页数", "状态")
ACCEPTANCE_HEADER = ("接受人", "接受时间", "接受说明")
FIELD_HEADER = ("文档编号", "字段", "值", "识别原文", "置信度", "状态", "原因", "页码", "位置")
TRAIL_HEADER = ("文档编号", "部门", "时间", "复核人", "操作", "对象", "原值", "新值", "备注")
FIELD_STATUS_NAMES = {"accepted": "无疑问", "flagged": "待复核", "corrected": "已更正"}
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    media_type: str
    extension: str
    name: str  # file name without extension, from department and year


def file_stem(docs: list[FormDocument], *, batch: bool = False) -> str:
    """`湛江市归国华侨联合会-2024年-绩效目标表`, or with the project for a 项目支出 form
    (`青山区民政局-养老中心建设-2021年-项目支出绩效目标表`); a batch: `绩效目标表-3份`."""
    if batch and len(docs) > 1:
        years = sorted({d.year for d in docs if d.year})
        span = f"{years[0]}-{years[-1]}年-" if len(years) > 1 else f"{years[0]}年-" if years else ""
        return f"绩效目标表-{span}{len(docs)}份"
    doc = docs[0]
    said = _summary(doc)
    kind = form_of(doc).export_name
    parts = [
        said.get("department") or "未识别部门",
        said.get("project"),
        f"{doc.year}年" if doc.year else None,
        kind,
    ]
    return _UNSAFE_NAME.sub("_", "-".join(str(p) for p in parts if p))


def _number(amount: str | None) -> Decimal | None:
    """A spreadsheet cell's number; Decimal keeps the two printed places exact."""
    return Decimal(amount) if amount is not None else None


def _as_printed(amount: str | None) -> str | None:
    """CSV keeps amounts exactly as the contract writes them."""
    return amount


def _text(value: Any) -> Any:
    """A value for one spreadsheet or CSV cell: rows and flags of the trail as JSON text."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _document_row(doc: FormDocument, fields: list[Any]) -> list[Any]:
    """A document's source and status, its `fields` and its acceptance."""
    src, accepted = doc.source, doc.acceptance
    return [
        doc.document_id, src and src.filename, src and src.sha256, src and src.pages,
        STATUS_NAMES.get(doc.status.value, doc.status.value), *fields, accepted and accepted.by,
        accepted and accepted.at.isoformat(timespec="seconds"), accepted and accepted.reason,
    ]  # fmt: skip


def _field_rows(doc: FormDocument) -> list[list[Any]]:
    return [
        [doc.document_id, f.path, f.value, f.ocr_text, f.confidence,
         FIELD_STATUS_NAMES.get(f.status.value, f.status.value), ";".join(f.reasons), f.page,
         json.dumps(f.bbox) if f.bbox else None]
        for f in doc.fields
    ]  # fmt: skip


def _summary(doc: FormDocument) -> dict[str, Any]:
    """What the document's form says a document is (`department`, `project`), by value."""
    values = dict(value_paths(doc))
    return {key: values.get(path) for key, path in form_of(doc).summary.items()}


def _trail_rows(doc: FormDocument) -> list[list[Any]]:
    department = _summary(doc).get("department")
    return [
        [doc.document_id, department, c.at.isoformat(timespec="seconds"), c.who,
         ACTION_NAMES.get(c.action.value, c.action.value), c.path, _text(c.before),
         _text(c.after), c.comment]
        for c in doc.corrections
    ]  # fmt: skip


def to_json(docs: list[FormDocument], *, batch: bool = False) -> ExportFile:
    """One document: the contract object. A batch: a JSON array of them."""
    payload: Any = [d.to_json_dict() for d in docs] if batch else docs[0].to_json_dict()
    content = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    return ExportFile(content, "application/json", "json", file_stem(docs, batch=batch))


def _csv_bytes(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buf.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs see UTF-8


def _printed_tables(form: Form, docs: list[FormDocument], number: Number) -> list[FlatTable]:
    """The tables of a form laid out as printed (`Form.printed`): its documents (source and
    status, the fields outside any list or block, acceptance), then one table per block the
    paper prints with rows of its own (`printed_rows`) and one per rows section, each row
    naming the document's department; every word over a field is its template's."""
    template = form.template
    cell = cell_of(template, number)
    headers = dict(f for s in template.sections for f in single_fields(s))
    path = form.summary.get("department")
    by_department = ((headers[path], lambda d: _summary(d)["department"]),) if path else ()
    singles = [
        *TITLE_AND_YEAR,
        *(f for s in template.sections if s.layout != "rows" and not s.printed_rows
          for f in single_fields(s)),
    ]  # fmt: skip
    header = (*SOURCE_HEADER, *(h for _, h in singles), *ACCEPTANCE_HEADER)
    rows = [_document_row(d, single_cells(d, singles, cell)) for d in docs]
    tables = [FlatTable("文档", header, rows)]
    for block in (s for s in template.sections if s.printed_rows):
        fields = single_fields(block)
        header = (DOCUMENT_ID, *(h for h, _ in by_department), *(h for _, h in fields))
        rows = [
            [d.document_id, *(of(d) for _, of in by_department), *single_cells(d, fields, cell)]
            for d in docs
        ]
        tables.append(FlatTable(block.heading(), header, rows))
    tables += [
        rows_table(section, docs, template, number, by_department)
        for section in template.sections
        if section.layout == "rows"
    ]
    return tables


def _by_form(docs: list[FormDocument]) -> list[tuple[Form, list[FormDocument]]]:
    """The documents grouped by form, forms in the order their first document comes."""
    groups: dict[str, tuple[Form, list[FormDocument]]] = {}
    for doc in docs:
        form = form_of(doc)
        groups.setdefault(form.id, (form, []))[1].append(doc)
    return list(groups.values())


def _form_tables(form: Form, docs: list[FormDocument], number: Number) -> list[FlatTable]:
    if form.printed:
        return _printed_tables(form, docs, number)
    return flat_tables(docs, form.template, number)


def to_csv_zip(docs: list[FormDocument], *, batch: bool = False) -> ExportFile:
    """One CSV per section of the form plus the fields and the audit trail, in one zip named
    after the document; inside, `<name>-预算.csv` and so on (`<name>-<form>-<table>.csv` when
    the documents are of several forms)."""
    stem = file_stem(docs, batch=batch)
    groups = _by_form(docs)
    tables = [
        (f"{form.name}-{t.name}" if len(groups) > 1 else t.name, t)
        for form, group in groups
        for t in _form_tables(form, group, _as_printed)
    ]
    tables += [
        ("字段", FlatTable("字段", FIELD_HEADER, [r for d in docs for r in _field_rows(d)])),
        (
            "修改记录",
            FlatTable("修改记录", TRAIL_HEADER, [r for d in docs for r in _trail_rows(d)]),
        ),
    ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, table in tables:
            rows = [_text_row(row) for row in table.rows]
            zf.writestr(f"{stem}-{name}.csv", _csv_bytes(table.header, rows))
    return ExportFile(buf.getvalue(), "application/zip", "csv.zip", stem)


def _text_row(row: list[Any]) -> list[Any]:
    return [_text(v) for v in row]


def printed_level_rows(doc: FormDocument, section: SectionSpec, template: Template) -> list[Any]:
    """The items of the list carrying the taxonomy's levels (`section`, the indicators) as the
    paper prints them: every 二级 of a 一级 that is present has a row, an empty one where
    nothing is under it (成本指标 with no 三级指标)."""
    name = section.list or section.key
    rows = list(getattr(doc, name))
    keys = {c.kind: c.key for c in section.columns}
    if "taxonomy1" not in keys or "taxonomy2" not in keys:
        return rows
    item, level1_of, level2_of = row_lists(type(doc))[name], keys["taxonomy1"], keys["taxonomy2"]

    def level2(row: Any) -> str | None:
        printed = getattr(row, level2_of)
        return template.canonical_level2(printed) if printed else None

    present = {level2(r) for r in rows} - {None}
    for level1, level2s in template.taxonomy.items():
        under = [n for n, r in enumerate(rows) if getattr(r, level1_of) == level1]
        if not under:
            continue
        for k, wanted in enumerate(level2s):
            if wanted in present:
                continue
            before = set(level2s[:k])
            at = max(
                (n + 1 for n in under
                 if getattr(rows[n], level2_of) is None or level2(rows[n]) in before),
                default=min(under),
            )  # fmt: skip
            rows.insert(at, item(**{level1_of: level1, level2_of: wanted}))
            present.add(wanted)
            under = [n for n, r in enumerate(rows) if getattr(r, level1_of) == level1]
    return rows


def _as_cell(kind: str, value: Any) -> Any:
    """A value in the form sheet: amounts as numbers."""
    return _number(value) if kind == "amount" else value


def _pair_cells(pair: PairSpec, values: dict[str, Any]) -> list[Any]:
    """A pair's label and value cells."""
    return [pair.title or pair.labels[0], _as_cell(pair.kind, values[pair.field])]


def _printed_block(section: SectionSpec, values: dict[str, Any]) -> list[list[Any]]:
    """A pairs section's rows as the form prints them (its `printed_rows`): header texts, and
    each pair's label and value, amounts as numbers."""
    pairs = {pair.field: pair for pair in section.pairs}
    return [
        list(row.headers) or [c for path in row.pairs for c in _pair_cells(pairs[path], values)]
        for row in section.printed_rows
    ]


def _form_sheet(ws: Any, doc: FormDocument, template: Template) -> None:
    """The printed form's layout under its title, section by section in the template's order,
    every word the template's: a label in the left column (merged down the rows of its
    section), a value across the columns right of it, pairs side by side, a block as its
    `printed_rows`, a list under its columns' labels with carried cells merged down over
    equal neighbours, the levels' list with the empty rows the paper prints."""
    from openpyxl.styles import Alignment, Border, Font, Side

    wrap = Alignment(wrap_text=True, vertical="center")
    width = template.columns
    values = dict(value_paths(doc))
    rows: list[list[Any]] = []
    merges: list[tuple[int, int, int, int]] = []  # (row0, col0, row1, col1), 1-based

    def add(cells: list[Any], *, span_value: bool = False) -> int:
        rows.append(cells + [None] * (width - len(cells)))
        r = len(rows)
        if span_value:
            merges.append((r, 2, r, width))
        return r

    def section(label: str, body: list[list[Any]]) -> None:
        first = len(rows) + 1
        for i, cells in enumerate(body):
            add([label if i == 0 else None, *cells])
        if len(body) > 1:
            merges.append((first, 1, len(rows), 1))

    def items(spec: SectionSpec) -> None:
        listed = (
            printed_level_rows(doc, spec, template)
            if spec is template.levels_section()
            else getattr(doc, spec.list or spec.key)
        )
        first = len(rows) + 2  # under the columns' labels
        section(spec.labels[0], [
            [c.labels[0] for c in spec.columns],
            *([_as_cell(c.kind, getattr(item, c.key)) for c in spec.columns] for item in listed),
        ])  # fmt: skip
        keys = [c.key for c in spec.columns]
        for j, key in enumerate(spec.carry_down):  # within the cell carried left of it
            col = 2 + keys.index(key)
            start = 0
            for k in range(1, len(listed) + 1):
                same = k < len(listed) and all(
                    getattr(listed[k], held) == getattr(listed[start], held)
                    for held in spec.carry_down[: j + 1]
                )
                if not same:
                    if k - start > 1:
                        merges.append((first + start, col, first + k - 1, col))
                    start = k

    rows.append([doc.title, *[None] * (width - 1)])
    merges.append((1, 1, 1, width))
    for spec in template.sections:
        if spec.layout == "value" and spec.field:
            add([spec.labels[0], values[spec.field]], span_value=True)
        elif spec.printed_rows:
            section(spec.labels[0], _printed_block(spec, values))
        elif spec.layout == "pairs":
            add([spec.labels[0], *(c for pair in spec.pairs for c in _pair_cells(pair, values))])
        elif spec.layout == "rows":
            items(spec)
        else:  # headed: a header row naming the cells under it
            section(spec.labels[0], [
                [c.labels[0] for c in spec.columns],
                [_as_cell(c.kind, values[c.key]) for c in spec.columns],
            ])  # fmt: skip

    thin = Side(style="thin")
    for values in rows:
        append_row(ws, values)
    for row in ws.iter_rows(min_row=2, max_row=len(rows), max_col=width):
        for cell in row:
            cell.alignment = wrap
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.00"
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    for letter, wide in zip("ABCDE", (16, 22, 40, 22, 40), strict=False):
        ws.column_dimensions[letter].width = wide


def _flat_sheet(wb: Any, title: str, header: Iterable[str], rows: Iterable[list[Any]]) -> None:
    ws = wb.create_sheet(title)
    append_row(ws, list(header))
    for values in rows:
        append_row(ws, _text_row(values))
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.00"


def _listing_sheet(ws: Any, doc: FormDocument, template: Template) -> None:
    """A form without a layout of its own: its title, then every field under its section and
    label in the template's order, list items as rows under their column labels."""
    from openpyxl.styles import Alignment, Font

    append_row(ws, [doc.title])
    ws["A1"].font = Font(bold=True, size=14)
    for table in flat_tables([doc], template, _number):
        append_row(ws, [])
        append_row(ws, [table.name])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        if table.name == "基本信息":
            for header, value in zip(table.header[1:], table.rows[0][1:], strict=True):
                append_row(ws, [header, _text(value)])
        else:
            append_row(ws, list(table.header[1:]))
            for row in table.rows:
                append_row(ws, _text_row(row[1:]))
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFG", (22, 40, 16, 16, 30, 30, 16), strict=True):
        ws.column_dimensions[letter].width = width


def to_xlsx(docs: list[FormDocument], *, batch: bool = False) -> ExportFile:
    """Per form: a sheet per document (the paper's layout, or a listing of its fields) and
    the form's flat sheets; then 修改记录 for all."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    groups = _by_form(docs)
    for form, group in groups:
        for i, doc in enumerate(group):
            title = form.export_name if len(group) == 1 else f"{form.export_name}{i + 1}"
            if form.printed:
                _form_sheet(wb.create_sheet(title), doc, form.template)
            else:
                _listing_sheet(wb.create_sheet(title), doc, form.template)
        for table in _form_tables(form, group, _number):
            if form.printed and table.name == "文档":
                continue  # the form sheets show it
            title = f"{form.name}·{table.name}" if len(groups) > 1 else table.name
            _flat_sheet(wb, title[:31], table.header, table.rows)
    _flat_sheet(wb, "修改记录", TRAIL_HEADER, (r for d in docs for r in _trail_rows(d)))
    buf = io.BytesIO()
    wb.save(buf)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return ExportFile(buf.getvalue(), media, "xlsx", file_stem(docs, batch=batch))


def export(docs: list[FormDocument], fmt: Format, *, batch: bool = False) -> ExportFile:
    """Documents in the asked format; `batch` makes the JSON an array even for one document."""
    if not docs:
        raise ValueError("nothing to export")
    if fmt == "json":
        return to_json(docs, batch=batch)
    if fmt == "csv":
        return to_csv_zip(docs, batch=batch)
    return to_xlsx(docs, batch=batch)
