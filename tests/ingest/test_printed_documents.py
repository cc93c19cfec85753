"""Documents printed by LibreOffice and Chromium (tests/data/printed) read end to end with the
real OCR engine: a task starting at the top of a page after the tasks' header alone at the
foot of the one before, tables that open without a top rule, rows split by the break. Every
truth row comes back and every short field is right or flagged."""

from pathlib import Path

import pytest

from ingest.evaluation.corpus import load_truths
from ingest.evaluation.metrics import score_document
from ingest.evaluation.results import from_read_result
from ingest.ocr.base import OcrEngine
from ingest.pipeline import read_document
from ingest.template import default_template
from jixiao.options import read_options
from jixiao.settings import Settings
from models.truth import GroundTruth

PRINTED = Path(__file__).parents[1] / "data" / "printed"


@pytest.mark.slow
@pytest.mark.parametrize(
    "truth", load_truths(PRINTED), ids=lambda t: f"{t.doc_id}-{t.source_format}"
)
def test_a_printed_document_loses_no_row_and_no_unflagged_field(
    truth: GroundTruth, engine: OcrEngine, tmp_path: Path
) -> None:
    read = read_document(
        PRINTED / f"{truth.doc_id}.pdf", read_options(Settings(data_dir=tmp_path)), engine=engine
    )
    counts = score_document(truth, from_read_result(read), default_template()).counts
    assert counts.missing_rows == 0 and counts.extra_rows == 0
    assert counts.unflagged_errors == 0
    assert counts.short_accuracy is not None and counts.short_accuracy >= 0.98
    assert counts.structure is not None and counts.structure.f1 >= 0.99
