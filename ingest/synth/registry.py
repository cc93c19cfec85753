"""The forms a synthetic corpus can be made of, by their id in `ingest.forms`."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ingest.synth.columns import ColumnWidths
from ingest.synth.content import generate_content, seed_content
from ingest.synth.form import SynthContent
from ingest.synth.project_content import generate_project_content
from ingest.synth.project_table import COLUMNS as PROJECT_COLUMNS
from ingest.synth.project_table import PRINTED_COLUMNS as PROJECT_PRINTED_COLUMNS
from ingest.synth.project_table import build_project_table
from ingest.synth.table import COLUMNS, PRINTED_COLUMNS, LogicalTable, TableLook, build_table


@dataclass(frozen=True)
class SynthForm:
    """What the corpus writer needs of a form; everything after the logical table (pages,
    pixels, printing engines, degradation, truth cells) is the same for every form."""

    id: str
    generate: Callable[[random.Random], SynthContent]
    # Each form's builder takes its own content type, made by its own `generate`.
    build_table: Callable[[Any, TableLook, random.Random], LogicalTable]
    columns: ColumnWidths  # as a document drawn here sets them
    printed_columns: ColumnWidths  # as a user of an office program or a web page sets them
    seed: Callable[[], SynthContent] | None = None  # a real filing replayed as document 0


SYNTH_FORMS: dict[str, SynthForm] = {
    form.id: form
    for form in (
        SynthForm(
            id="department_overall",
            generate=generate_content,
            build_table=build_table,
            columns=COLUMNS,
            printed_columns=PRINTED_COLUMNS,
            seed=seed_content,
        ),
        SynthForm(
            id="project_expenditure",
            generate=generate_project_content,
            build_table=build_project_table,
            columns=PROJECT_COLUMNS,
            printed_columns=PROJECT_PRINTED_COLUMNS,
        ),
    )
}
DEFAULT_FORM = "department_overall"


def synth_form(form_id: str = DEFAULT_FORM) -> SynthForm:
    try:
        return SYNTH_FORMS[form_id]
    except KeyError:
        raise KeyError(f"no synthetic corpus for form {form_id!r}") from None
