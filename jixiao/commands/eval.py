"""`jixiao eval --corpus DIR [--results DIR]`: score pipeline output against ground truth.

Results already in `--results` are re-scored without reading pixels; documents without one
are read in this process (one OCR engine for all) and, when `--results` is given, saved there.
Exit codes: 0 scored, 1 some document could not be read, 2 bad arguments or no corpus.
"""

import argparse
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.commands.corpus import EXIT_READ_FAILED, EXIT_USAGE, add_corpus_argument

if TYPE_CHECKING:
    from ingest.evaluation.results import PipelineResult
    from ingest.ocr.base import OcrEngine
    from ingest.pipeline import ReadOptions
    from models.truth import GroundTruth


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    add_corpus_argument(parser)
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="folder of <doc_id>.json (+ .grids.json, .timings.json); missing ones are read "
        "and written here",
    )
    parser.add_argument("--json", type=Path, default=None, help="write every number here")
    parser.add_argument("--split", choices=("test", "calibration", "all"), default="all")
    parser.add_argument("--limit", type=int, default=None, help="score at most N documents")
    parser.add_argument(
        "--input",
        choices=INPUTS,
        default="scan",
        help="which file of each document to read: the scan (default), the engine's printed "
        "PDF with its text layer, or the source it printed (XLSX/DOCX); documents without it "
        "are left out",
    )


INPUTS = ("scan", "printed", "source")


READABLE_SOURCES = ("xlsx", "docx")


def input_path(corpus: Path, truth: "GroundTruth", which: str) -> Path | None:
    """The file of `truth`'s document that `--input` names; None for a printed or source
    file the document does not have (native documents have neither, and an HTML source is
    not an upload jixiao takes)."""
    if which == "printed":
        path = corpus / f"{truth.doc_id}.printed.pdf"
    elif which == "source":
        if truth.source_format not in READABLE_SOURCES:
            return None
        path = corpus / f"{truth.doc_id}.{truth.source_format}"
    else:
        return corpus / f"{truth.doc_id}.pdf"  # a missing scan is a failed read, as always
    return path if path.is_file() else None


class _Reader:
    """Reads documents in-process with one OCR engine, created only if a read is needed."""

    def __init__(self, options: "ReadOptions") -> None:
        self.options = options
        self._engine: OcrEngine | None = None

    def engine(self) -> "OcrEngine":
        from ingest.ocr import create_engine

        if self._engine is None:
            self._engine = create_engine(self.options.ocr)
        return self._engine

    def read(self, pdf: Path) -> "PipelineResult":
        from ingest.evaluation.results import from_read_result
        from ingest.pipeline import read_document

        read = read_document(pdf, self.options, engine=self.engine())
        return from_read_result(read)


def _result_for(
    truth: "GroundTruth", args: argparse.Namespace, reader: _Reader
) -> tuple["PipelineResult", str | None]:
    """The stored result, else a fresh read; a failed read scores as an empty document."""
    from ingest.evaluation.results import PipelineResult, load_result, save_result

    if args.results is not None and (stored := load_result(args.results, truth.doc_id)):
        return stored, None
    reader.engine()  # an engine that cannot start fails the run, not each document
    try:
        result = reader.read(args.inputs[truth.doc_id])
    except Exception as exc:  # reported per document; the others are still scored
        traceback.print_exc()
        empty = type(truth.document)()  # nothing read, in the truth's own form
        return PipelineResult(document=empty), f"{type(exc).__name__}: {exc}"
    if args.results is not None:
        save_result(args.results, truth.doc_id, result)
    return result, None


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ingest.evaluation.corpus import load_truths
    from ingest.evaluation.metrics import score_document
    from ingest.evaluation.report import WIDTH, print_report, summarize
    from ingest.forms import form_for_schema
    from ingest.ocr.base import EngineUnavailable
    from jixiao.options import read_options
    from jixiao.settings import get_settings

    console = Console()
    console = console if console.width >= WIDTH else Console(width=WIDTH)
    errors = Console(stderr=True)
    if args.limit is not None and args.limit < 1:
        errors.print("--limit must be at least 1")
        return EXIT_USAGE
    if not args.corpus.is_dir():
        errors.print(f"no corpus folder: {args.corpus}", markup=False)
        return EXIT_USAGE
    if args.results is not None and args.results.exists() and not args.results.is_dir():
        errors.print(f"--results is not a folder: {args.results}", markup=False)
        return EXIT_USAGE
    try:
        truths = load_truths(args.corpus, args.split, args.limit)
    except ValueError as exc:
        errors.print(f"unreadable ground truth in {args.corpus}:\n{exc}", markup=False)
        return EXIT_USAGE
    args.inputs = {
        t.doc_id: path for t in truths if (path := input_path(args.corpus, t, args.input))
    }
    truths = [t for t in truths if t.doc_id in args.inputs]
    if not truths:
        errors.print(
            f"no {args.split} documents (*.truth.json) with a {args.input} file in {args.corpus}",
            markup=False,
        )
        return EXIT_USAGE

    reader = _Reader(read_options(get_settings()))
    scores = []
    for truth in truths:
        try:
            result, error = _result_for(truth, args, reader)
        except EngineUnavailable as exc:
            errors.print(f"cannot start the OCR engine: {exc}", markup=False)
            return EXIT_READ_FAILED
        form = form_for_schema(truth.document.schema_id)  # each truth scored by its own form
        score = score_document(truth, result, form.template, form=form.id)
        scores.append(score.model_copy(update={"error": error}))
    report = summarize(scores)
    print_report(report, console)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(report.model_dump_json(indent=1), encoding="utf-8")
    return EXIT_READ_FAILED if any(s.error for s in scores) else 0
