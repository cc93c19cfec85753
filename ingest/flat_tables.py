"""A form's values as flat tables, derived from its template: one row per document for the
fields outside any list (in the template's order, under their printed labels), and one row per
item for each rows section. The export of a form without a layout of its own is these tables.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ingest.template import SectionSpec, Template
from models.contract import FormDocument, value_paths

Number = Callable[[str | None], Any]


@dataclass(frozen=True)
class FlatTable:
    name: str
    header: tuple[str, ...]
    rows: list[list[Any]]


def _single_fields(section: SectionSpec) -> list[tuple[str, str]]:
    """(path, header) of the fields a section holds once per document."""
    if section.layout == "value" and section.field:
        return [(section.field, section.labels[0])]
    if section.layout == "headed":
        return [(c.key, c.labels[0]) for c in section.columns]
    fields = []
    for pair in section.pairs:
        fields.append((pair.field, pair.title or pair.labels[0]))
        if pair.code_field:
            fields.append((pair.code_field, f"{pair.labels[0]}·代码"))
    return fields


def flat_tables(docs: list[FormDocument], template: Template, number: Number) -> list[FlatTable]:
    """The documents' values: a `基本信息` table and one table per rows section. Amounts go
    through `number` (exact strings for CSV, Decimals for a spreadsheet)."""
    kinds = template.kinds_by_key()
    singles = [
        ("title", "表名"),
        ("year", "年度"),
        *(f for s in template.sections if s.layout != "rows" for f in _single_fields(s)),
    ]

    def cell(path: str, value: Any) -> Any:
        return number(value) if kinds.get(path) == "amount" else value

    tables = []
    rows = []
    for doc in docs:
        values = dict(value_paths(doc))
        rows.append([doc.document_id, *(cell(p, values.get(p)) for p, _ in singles)])
    tables.append(FlatTable("基本信息", ("文档编号", *(h for _, h in singles)), rows))
    for section in template.sections:
        if section.layout != "rows" or section.list is None:
            continue
        halves = section.halves
        header = ["文档编号", "序号"]
        if halves is not None:
            header.append("期间")
        header += [c.labels[0] for c in section.columns]
        items = []
        for doc in docs:
            for i, item in enumerate(getattr(doc, section.list)):
                row = [doc.document_id, i + 1]
                if halves is not None:
                    half = getattr(item, halves.field)
                    row.append(halves.titles.get(half, half))
                row += [
                    cell(f"{section.list}.{c.key}", getattr(item, c.key)) for c in section.columns
                ]
                items.append(row)
        tables.append(FlatTable(section.labels[0], tuple(header), items))
    return tables
