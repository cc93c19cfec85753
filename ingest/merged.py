"""Merged 一级/二级 cells: one printed cell, one value, whatever number of rows it spans; and
the half a table was printed for (中期 or 年度), told once for all of its rows.

The contract repeats a merged level on every indicator row it covers, so a cell the reading
lost or misread would otherwise cost a flag, and a correction, per row. `merged_spans` tells
which rows one printed cell covers (the same box on the same page; rows with no box and the
same value when the cell was not found), so review shows it once and a correction applies to
every row. The half of a table (`halves.field`) is told by one label or title, or guessed
for the whole table where none names it: its rows are spanned the same way.

`infer_level1` fills a 一级指标 that was not read at all from the 二级指标 beside it: the
taxonomy admits exactly one 一级 for each 二级, so the value is not a guess; it is marked
`evidence: inferred` and stays flagged only when the 二级 does not decide it.
"""

from collections.abc import Iterable

from ingest.artifacts import FieldEvidence, MappedDocument
from ingest.forms import form_of
from ingest.template import SectionSpec, Template
from models.contract import FieldRecord, FormDocument


def _same_cell(
    section: SectionSpec,
    rows: list,
    records: dict[str, FieldRecord],
    key: str,
    a: int,
    b: int,
) -> bool:
    first_row, second_row = rows[a], rows[b]
    half = section.halves.field if section.halves else None
    if half is not None and getattr(first_row, half) != getattr(second_row, half):
        return False  # the 中期 and 年度 halves are printed apart
    outer = section.carry_down[: section.carry_down.index(key)] if key != half else []
    if any(getattr(first_row, k) != getattr(second_row, k) for k in outer):
        return False  # a carried cell never spans two of the one before it (二级 two 一级)
    first = records.get(f"{section.list}[{a}].{key}")
    second = records.get(f"{section.list}[{b}].{key}")
    boxed = [r is not None and r.bbox is not None for r in (first, second)]
    if all(boxed):
        return (first.page, first.bbox) == (second.page, second.bbox)  # type: ignore[union-attr]
    return not any(boxed) and getattr(first_row, key) == getattr(second_row, key)


def merged_spans(doc: FormDocument) -> dict[str, tuple[str, ...]]:
    """Each 一级/二级 path of a cell spanning several rows -> every path that cell covers,
    in row order (the first is the one review shows). The merged cells are the carried-down
    columns of the rows section with the taxonomy's levels, and its half field."""
    section = form_of(doc).template.levels_section()
    if section is None:
        return {}
    rows = getattr(doc, section.list)
    records = {f.path: f for f in doc.fields}
    spans: dict[str, tuple[str, ...]] = {}
    n = len(rows)
    half = [section.halves.field] if section.halves else []
    for key in [*section.carry_down, *half]:
        start = 0
        for k in range(1, n + 1):
            if k < n and _same_cell(section, rows, records, key, k - 1, k):
                continue
            if k - start > 1:
                paths = tuple(f"{section.list}[{i}].{key}" for i in range(start, k))
                spans.update(dict.fromkeys(paths, paths))
            start = k
    return spans


def infer_level1(
    mapped: MappedDocument, template: Template, printed: Iterable[str] = ()
) -> MappedDocument:
    """Unread 一级指标 filled from their 二级指标 by the taxonomy, marked `inferred`. Where the
    form prints that 一级 in more than one wording (`项目效益指标` for 效益指标), the taxonomy
    names the 一级 but not the words on the paper: they are the wording of the version of
    the form the table's cell texts (`printed`) show (`Template.level1_wording`), and the
    value stays in doubt."""
    printed = tuple(printed)
    section = template.levels_section()
    if section is None:
        return mapped
    doc = mapped.document
    indicators = list(getattr(doc, section.list))
    records = {f.path: f for f in doc.fields}
    evidence = dict(mapped.evidence)
    for i, indicator in enumerate(indicators):
        level1 = template.level1_of(indicator.level2) if indicator.level2 else None
        if indicator.level1 is not None or level1 is None:
            continue
        level1 = template.level1_wording(level1, printed)
        path = f"{section.list}[{i}].level1"
        indicators[i] = indicator.model_copy(update={"level1": level1})
        old = records.get(path)
        records[path] = (
            old or FieldRecord(path=path, value=None, confidence=1.0, status="accepted")
        ).model_copy(update={"value": level1, "evidence": "inferred"})
        worded = len(template.level1_wordings(template.canonical_level1(level1))) > 1
        evidence[path] = FieldEvidence(
            path=path,
            ocr_confidence=1.0,
            structure_confidence=0.0 if worded else 1.0,
            structure_in_doubt=worded,
        )
    fields = [records.get(f.path, f) for f in doc.fields]
    fields += [r for p, r in records.items() if p not in {f.path for f in doc.fields}]
    document = doc.model_copy(update={section.list: indicators, "fields": fields})
    return mapped.model_copy(update={"document": document, "evidence": evidence})
