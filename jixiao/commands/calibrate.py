"""`jixiao calibrate --corpus DIR --results DIR [--form ID]`: refit field confidence and flag
thresholds of one form, for the configured OCR engine, on the corpus's calibration split
(never its test split); the model goes to the form's folder unless `--out` says otherwise.

The fit needs each field's reading evidence, which the contract JSON does not carry, so every
calibration document's mapped form is kept as `RESULTS/<doc_id>.mapped.json`; documents
without one are read in this process (one OCR engine for all) and both it and the contract
JSON are written there. Exit codes: 0 fitted, 1 a document could not be read, 2 no
calibration documents or bad arguments.
"""

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.commands.corpus import EXIT_READ_FAILED, EXIT_USAGE, add_corpus_argument

if TYPE_CHECKING:
    from ingest.artifacts import MappedDocument
    from ingest.ocr.base import OcrEngine
    from ingest.pipeline import ReadOptions
    from ingest.template import Template


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    add_corpus_argument(parser)
    parser.add_argument(
        "--results",
        type=Path,
        required=True,
        help="folder of <doc_id>.mapped.json; missing ones are read and written here",
    )
    parser.add_argument(
        "--form",
        default=None,
        help="the form whose documents are fitted (others in the corpus are left out; "
        "default: the form a document is read as when nothing tells)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="model file to write (default: the form's calibration/<engine>.json)",
    )
    parser.add_argument(
        "--target",
        type=float,
        default=None,
        help="residual error to keep under (default: JIXIAO_RESIDUAL_ERROR_TARGET)",
    )
    parser.add_argument(
        "--margin",
        type=float,
        default=0.5,
        help="aim at this share of the target on the calibration split",
    )
    parser.add_argument("--limit", type=int, default=None, help="use at most N documents")


def run(args: argparse.Namespace) -> int:
    from ingest.artifacts import MappedDocument
    from ingest.calibration import model_at
    from ingest.errors import UnknownTemplate
    from ingest.evaluation.compare import PARAGRAPH_TOLERANCE
    from ingest.evaluation.corpus import load_truths
    from ingest.evaluation.fitting import fit_model, samples_for, save_model
    from ingest.forms import default_form, form_by_id
    from jixiao.options import read_options
    from jixiao.settings import get_settings

    settings = get_settings()
    options = read_options(settings)
    try:
        form = default_form() if args.form is None else form_by_id(args.form)
    except KeyError as exc:
        print(exc)
        return EXIT_USAGE
    truths = [
        t
        for t in load_truths(args.corpus, "calibration", args.limit)
        if t.document.schema_id == form.schema_id
    ]
    if not truths:
        print(f"no calibration documents of {form.name} in {args.corpus}")
        return EXIT_USAGE
    template = form.template
    out = args.out or form.calibration_path(settings.ocr_engine)
    base = model_at(out)
    engine = None
    samples = []
    unread: list[str] = []
    for truth in truths:
        path = args.results / f"{truth.doc_id}.mapped.json"
        if path.is_file():
            mapped = MappedDocument.model_validate_json(path.read_bytes())
        else:
            engine = engine or _engine(options)
            try:
                mapped = _read(
                    args.corpus / f"{truth.doc_id}.pdf",
                    args.results,
                    truth.doc_id,
                    engine,
                    options,
                    template,
                )
            except UnknownTemplate as exc:
                # A document not read as this form has no field evidence to learn from; it is
                # left out of the fit and counted, so the figure says what it covers.
                print(f"{truth.doc_id}: {exc}")
                unread.append(truth.doc_id)
                continue
        samples += samples_for(mapped, truth.document, template, base)
    target = settings.residual_error_target if args.target is None else args.target
    model = fit_model(samples, len(truths), target, args.margin, base)
    out.parent.mkdir(parents=True, exist_ok=True)
    save_model(model, out)
    fit = model.fit
    print(
        f"{fit.documents} documents, {fit.fields} short fields, {fit.wrong} wrong; "
        f"on this split: ECE {fit.ece:.4f}, residual error {fit.residual_error:.4%}, "
        f"automation {fit.automation:.2%} (target {target:.2%} x margin {args.margin})"
    )
    print(
        f"{fit.paragraphs} paragraphs, {fit.paragraphs_wrong} wrong (over "
        f"{PARAGRAPH_TOLERANCE:.0%} of their characters), {fit.paragraphs_flagged} flagged"
    )
    for kind, threshold in sorted(model.thresholds.items()):
        print(f"  flag {kind} below {threshold:.4f}")
    print(f"wrote {out}")
    if unread:
        print(f"left out, unreadable: {', '.join(unread)}")
        return EXIT_READ_FAILED
    return 0


def _engine(options: "ReadOptions") -> "OcrEngine":
    from ingest.ocr import create_engine

    return create_engine(options.ocr)


def _read(
    pdf: Path,
    results: Path,
    doc_id: str,
    engine: "OcrEngine",
    options: "ReadOptions",
    template: "Template",
) -> "MappedDocument":
    """Read one document as `template`'s form; keep the mapped form its flags were decided on
    (inferred 一级, the accounting's and completeness's doubts and document flags included) and
    its contract JSON in `results`."""
    from ingest.errors import UnknownTemplate
    from ingest.evaluation.results import from_read_result, save_result
    from ingest.pipeline import read_document

    read = read_document(pdf, options, engine=engine)
    mapped = read.mapped
    if mapped.document.schema_id != template.schema_id:
        raise UnknownTemplate(f"read as {mapped.document.schema_id}, not {template.schema_id}")
    save_result(results, doc_id, from_read_result(read))
    (results / f"{doc_id}.mapped.json").write_text(mapped.model_dump_json(), encoding="utf-8")
    return mapped
