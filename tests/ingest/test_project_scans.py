"""Real scans of the 项目支出 form (tests/data/corpus_project) read end to end: the form is
recognised from the page, the indicators of both layouts land in their halves, and nothing
read wrong goes unflagged."""

from pathlib import Path

import pytest

from ingest.evaluation.corpus import load_truths
from ingest.evaluation.metrics import score_document
from ingest.evaluation.results import from_read_result
from ingest.forms import form_by_id
from ingest.pipeline import read_document
from jixiao.options import read_options
from jixiao.settings import Settings
from models.project import ProjectTargets

CORPUS = Path(__file__).parents[1] / "data" / "corpus_project"
FORM = form_by_id("project_expenditure")


@pytest.fixture(scope="module")
def options():
    return read_options(Settings(REDIS_URL=None, DATABASE_URL=None))


@pytest.mark.parametrize("truth", load_truths(CORPUS, "all", None), ids=lambda t: t.doc_id)
def test_a_scan_of_the_second_form_is_read_as_it(truth, options):
    read = read_document(CORPUS / f"{truth.doc_id}.pdf", options)
    doc = read.document
    assert isinstance(doc, ProjectTargets)
    assert doc.project.name == truth.document.project.name
    halves = [i.scope for i in doc.indicators]
    assert halves == sorted(halves, key=["mid_term", "annual"].index)  # 中期 first
    assert {i.scope for i in doc.indicators} == {i.scope for i in truth.document.indicators}
    counts = score_document(truth, from_read_result(read), FORM.template, form=FORM.id).counts
    assert counts.unflagged_errors == 0
    assert counts.short_correct >= 0.9 * counts.short_fields
