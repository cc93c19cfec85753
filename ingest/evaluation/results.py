"""A pipeline run's output for one document, as files next to each other in a results folder.

    RESULTS/<doc_id>.json          contract JSON (required)
    RESULTS/<doc_id>.grids.json    one `Grid` (or null) per page (optional)
    RESULTS/<doc_id>.timings.json  {"seconds": {stage: s}, "pages": n,
                                    "ocr_calls": {"lines": n, "detections": n}} (optional)

Keeping them as files lets a second evaluation re-score a run without reading any pixels.
"""

import json
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from ingest.artifacts import Grid
from models.contract import AnyFormDocument, parse_document

if TYPE_CHECKING:
    from ingest.pipeline import ReadResult

_GRIDS = TypeAdapter(list[Grid | None])


class Timings(BaseModel):
    """Seconds per stage for a document, summed over its pages."""

    model_config = ConfigDict(frozen=True)

    seconds: dict[str, float] = Field(default_factory=dict)
    pages: int = Field(default=0, ge=0)
    # What went to the OCR models: line crops recognised, whole images detected.
    ocr_calls: dict[str, int] = Field(default_factory=dict)

    def __add__(self, other: "Timings") -> "Timings":
        seconds = dict(self.seconds)
        for stage, s in other.seconds.items():
            seconds[stage] = seconds.get(stage, 0.0) + s
        calls = dict(self.ocr_calls)
        for kind, n in other.ocr_calls.items():
            calls[kind] = calls.get(kind, 0) + n
        return Timings(seconds=seconds, pages=self.pages + other.pages, ocr_calls=calls)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


class PipelineResult(BaseModel):
    document: AnyFormDocument
    grids: list[Grid | None] | None = None  # per page, None where no grid was found
    timings: Timings | None = None


def from_read_result(read: "ReadResult") -> PipelineResult:
    """What the evaluation keeps of an in-process run: no images."""
    return PipelineResult(
        document=read.document,
        grids=[table.grid for table in read.page_tables],
        timings=Timings(
            seconds=read.timings, pages=len(read.page_tables), ocr_calls=read.ocr_calls
        ),
    )


def load_result(results_dir: Path, doc_id: str) -> PipelineResult | None:
    """The stored result for `doc_id`, or None when the run has not produced it yet."""
    path = results_dir / f"{doc_id}.json"
    if not path.is_file():
        return None
    document = parse_document(path.read_bytes())
    grids_path = results_dir / f"{doc_id}.grids.json"
    timings_path = results_dir / f"{doc_id}.timings.json"
    return PipelineResult(
        document=document,
        grids=_GRIDS.validate_json(grids_path.read_bytes()) if grids_path.is_file() else None,
        timings=(
            Timings.model_validate_json(timings_path.read_bytes())
            if timings_path.is_file()
            else None
        ),
    )


def save_result(results_dir: Path, doc_id: str, result: PipelineResult) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    _write(results_dir / f"{doc_id}.json", result.document.to_json_dict())
    if result.grids is not None:
        _write(results_dir / f"{doc_id}.grids.json", _GRIDS.dump_python(result.grids, mode="json"))
    if result.timings is not None:
        _write(results_dir / f"{doc_id}.timings.json", result.timings.model_dump(mode="json"))


def _write(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
