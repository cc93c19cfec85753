"""A form's values as flat tables, derived from its template: one row per document for the
fields outside any list (in the template's order, under their printed labels), and one row per
item for each rows section. The export of a form without a layout of its own is these tables;
the words over columns that are not the form's (document, item number, half) are the export's.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ingest.template import SectionSpec, Template
from models.contract import FormDocument, value_paths

Number = Callable[[str | None], Any]

DOCUMENT_ID = "文档编号"
# Fields every document has, before the form's own.
TITLE_AND_YEAR: tuple[tuple[str, str], ...] = (("title", "表名"), ("year", "年度"))


@dataclass(frozen=True)
class FlatTable:
    name: str
    header: tuple[str, ...]
    rows: list[list[Any]]


def single_fields(section: SectionSpec) -> list[tuple[str, str]]:
    """(path, header) of the fields a section holds once per document."""
    if section.layout == "value" and section.field:
        return [(section.field, section.heading())]
    if section.layout == "headed":
        return [(c.key, c.labels[0]) for c in section.columns]
    fields = []
    for pair in section.pairs:
        fields.append((pair.field, pair.title or pair.labels[0]))
        if pair.code_field:
            fields.append((pair.code_field, f"{pair.labels[0]}·代码"))
    return fields


def cell_of(template: Template, number: Number) -> Callable[[str, Any], Any]:
    """A value for its table cell by path: amounts through `number` (exact strings for CSV,
    Decimals for a spreadsheet), other values as they are."""
    kinds = template.kinds_by_key()

    def cell(path: str, value: Any) -> Any:
        return number(value) if kinds.get(path) == "amount" else value

    return cell


def single_cells(
    doc: FormDocument, fields: list[tuple[str, str]], cell: Callable[[str, Any], Any]
) -> list[Any]:
    """A document's cells of `fields` (path, header)."""
    values = dict(value_paths(doc))
    return [cell(path, values.get(path)) for path, _ in fields]


def rows_table(
    section: SectionSpec,
    docs: list[FormDocument],
    template: Template,
    number: Number,
    per_document: tuple[tuple[str, Callable[[FormDocument], Any]], ...] = (),
) -> FlatTable:
    """A rows section's items of the documents, a row each: the document, the cells of
    `per_document` (header, value of the document), its number in the list, its half, and its
    columns under their printed labels."""
    name = section.list or section.key
    cell = cell_of(template, number)
    halves = section.halves
    header = [DOCUMENT_ID, *(h for h, _ in per_document), "序号"]
    if halves is not None:
        header.append("期间")
    header += [c.labels[0] for c in section.columns]
    items = []
    for doc in docs:
        for i, item in enumerate(getattr(doc, name)):
            row = [doc.document_id, *(value(doc) for _, value in per_document), i + 1]
            if halves is not None:
                half = getattr(item, halves.field)
                row.append(halves.titles.get(half, half))
            row += [cell(f"{name}.{c.key}", getattr(item, c.key)) for c in section.columns]
            items.append(row)
    return FlatTable(section.heading(), tuple(header), items)


def flat_tables(docs: list[FormDocument], template: Template, number: Number) -> list[FlatTable]:
    """The documents' values: a `基本信息` table and one table per rows section."""
    cell = cell_of(template, number)
    singles = [
        *TITLE_AND_YEAR,
        *(f for s in template.sections if s.layout != "rows" for f in single_fields(s)),
    ]
    rows = [[doc.document_id, *single_cells(doc, singles, cell)] for doc in docs]
    tables = [FlatTable("基本信息", (DOCUMENT_ID, *(h for _, h in singles)), rows)]
    tables += [
        rows_table(section, docs, template, number)
        for section in template.sections
        if section.layout == "rows"
    ]
    return tables
