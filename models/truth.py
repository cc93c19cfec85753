"""Ground truth written by the synthetic corpus generator and read by the evaluation harness.

Cell boxes are in pixels of the page as rendered at `dpi`, upright and undistorted, before any
degradation; compare them with a pipeline's boxes after normalising both by the table's box.
`engine` names what laid the pages out: `native` draws them itself; `office` (LibreOffice, from
an XLSX or DOCX) and `browser` (Chromium, from HTML) print them, and their cells are read back
from the printed PDF's rules and text layer.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

import models.project  # noqa: F401  (registers the second form's contract for parsing)
from models.contract import AnyFormDocument

Level = Literal["clean", "scan", "heavy", "photo"]
Split = Literal["calibration", "test"]
Engine = Literal["native", "office", "browser"]
SourceFormat = Literal["xlsx", "docx", "html"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TruthCell(_Strict):
    row: int  # grid row on this page, 0-based
    col: int
    row_span: int = 1
    col_span: int = 1
    bbox: list[int] = Field(min_length=4, max_length=4)
    text: str  # as printed in the cell ("" for an empty cell); "\n" for a hard line break
    role: Literal["label", "header", "value"] = "value"


class TruthPage(_Strict):
    page: int = Field(ge=1)
    width: int
    height: int
    dpi: int
    table_bbox: list[int] = Field(min_length=4, max_length=4)
    cells: list[TruthCell]
    seal_bbox: list[int] | None = None


class GroundTruth(_Strict):
    doc_id: str
    level: Level
    split: Split
    seed: int
    engine: Engine = "native"
    source_format: SourceFormat | None = None  # what the engine printed; None for native
    fonts: list[str] = Field(default_factory=list)
    document: AnyFormDocument  # the form's own contract, told by its `schema`
    pages: list[TruthPage]
    violations: list[str] = Field(default_factory=list)  # checks broken on purpose
    errors: dict[str, str] = Field(default_factory=dict)  # path -> printed wrong value, on purpose
