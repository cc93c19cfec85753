"""The committed corpus and freshly generated documents: truth shape, grid tiling, checks,
the seed document, determinism, and PDFs that read back at the truth's size."""

import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from pdf2image import convert_from_path

from ingest.synth.corpus import make_document, split_for, write_corpus
from ingest.synth.degrade import LEVEL_JPEG_QUALITY
from models.contract import PerformanceTargets
from models.truth import GroundTruth, TruthPage

DATA = Path(__file__).parents[1] / "data"
CORPUS = DATA / "corpus"


def _truths() -> list[GroundTruth]:
    return [
        GroundTruth.model_validate_json(p.read_bytes()) for p in sorted(CORPUS.glob("*.truth.json"))
    ]


def _check_tiling(page: TruthPage) -> None:
    """Cells sit on the page's own grid and cover every grid slot exactly once."""
    ys = sorted({y for c in page.cells for y in (c.bbox[1], c.bbox[3])})
    xs = sorted({x for c in page.cells for x in (c.bbox[0], c.bbox[2])})
    assert page.table_bbox == [xs[0], ys[0], xs[-1], ys[-1]]
    covered = np.zeros((len(ys) - 1, len(xs) - 1), dtype=int)
    for c in page.cells:
        assert c.bbox == [xs[c.col], ys[c.row], xs[c.col + c.col_span], ys[c.row + c.row_span]]
        covered[c.row : c.row + c.row_span, c.col : c.col + c.col_span] += 1
    assert (covered == 1).all()


def test_fixed_corpus_is_complete_and_small() -> None:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    docs = manifest["documents"]
    assert len(docs) == 8
    assert sorted(d["level"] for d in docs) == sorted(["clean", "scan", "heavy", "photo"] * 2)
    assert {d["split"] for d in docs} == {"calibration", "test"}
    for d in docs:
        assert (CORPUS / f"{d['doc_id']}.pdf").is_file()
        assert (CORPUS / f"{d['doc_id']}.truth.json").is_file()
    assert sum(p.stat().st_size for p in CORPUS.iterdir()) < 8 * 1024 * 1024


def test_truth_grids_tile_the_table() -> None:
    for truth in _truths():
        assert 2 <= len(truth.pages) <= 6, truth.doc_id
        for page in truth.pages:
            _check_tiling(page)


def _amount(value: str | None) -> Decimal:
    return Decimal(value) if value else Decimal(0)


def test_budget_identity_holds_unless_broken_on_purpose() -> None:
    seen_broken = False
    for truth in _truths():
        b = truth.document.budget
        gap = (
            _amount(b.basic_expenditure)
            + _amount(b.project_expenditure)
            - _amount(b.fiscal_appropriation)
            - _amount(b.other_funds)
        )
        if "budget_identity" in truth.violations:
            seen_broken = True
            assert gap != 0
            assert truth.errors["budget.fiscal_appropriation"] == b.fiscal_appropriation
        else:
            assert gap == 0, truth.doc_id
    assert seen_broken


def test_printed_amounts_match_truth_values() -> None:
    """An amount printed with thousands separators is the truth value once they are removed."""
    for truth in _truths():
        texts = {c.text.replace(",", "") for p in truth.pages for c in p.cells}
        for key, value in truth.document.budget:
            if value is not None:
                assert value in texts, (truth.doc_id, key)


def test_seed_document_content_equals_seed_gold() -> None:
    gold = PerformanceTargets.model_validate_json((DATA / "seed" / "seed_gold.json").read_bytes())
    seeds = [t for t in _truths() if t.level == "scan" and t.doc_id.endswith("_0000")]
    assert len(seeds) == 1
    seed = seeds[0]
    assert seed.document.model_copy(update={"document_id": None}) == gold
    assert len(seed.pages) == 3
    # Page 3 opens with the tasks' header row again, as in the real filing.
    first_row = sorted((c for c in seed.pages[2].cells if c.row == 0), key=lambda c: c.col)
    assert [c.text for c in first_row][:2] == ["年度重点工作任务", "名称"]


def test_heavy_pages_carry_a_seal_on_page_one() -> None:
    for truth in _truths():
        sealed = [p.page for p in truth.pages if p.seal_bbox is not None]
        assert sealed == ([1] if truth.level == "heavy" else [])


def test_pdfs_read_back_at_truth_size() -> None:
    for truth in _truths()[:4]:  # one per level
        images = convert_from_path(CORPUS / f"{truth.doc_id}.pdf", dpi=truth.pages[0].dpi)
        assert len(images) == len(truth.pages)
        for image, page in zip(images, truth.pages, strict=True):
            assert image.size == (page.width, page.height)


def test_splits_alternate_within_each_level() -> None:
    splits = [split_for(5, i, 4) for i in range(16)]
    for level in range(4):
        assert sorted(splits[level::4]) == ["calibration"] * 2 + ["test"] * 2


@pytest.mark.parametrize("level", list(LEVEL_JPEG_QUALITY))
def test_generation_is_deterministic(level: str) -> None:
    a = make_document(3, 1, level, "test", from_seed=False)
    b = make_document(3, 1, level, "test", from_seed=False)
    assert a.truth.model_dump_json() == b.truth.model_dump_json()
    assert all(np.array_equal(x, y) for x, y in zip(a.images, b.images, strict=True))
    for image, page in zip(a.images, a.truth.pages, strict=True):
        assert image.shape[:2] == (page.height, page.width)
        _check_tiling(page)


def test_write_corpus_files_and_pdf(tmp_path: Path) -> None:
    manifest = write_corpus(
        tmp_path, 2, seed=9, levels=["photo"], page_images=True, include_seed=False
    )
    for entry in manifest.documents:
        truth = GroundTruth.model_validate_json(
            (tmp_path / f"{entry.doc_id}.truth.json").read_bytes()
        )
        assert truth.level == "photo" and not entry.from_seed
        pdf = (tmp_path / f"{entry.doc_id}.pdf").read_bytes()
        assert pdf.count(b"/DCTDecode") == entry.pages
        images = convert_from_path(tmp_path / f"{entry.doc_id}.pdf", dpi=entry.dpi)
        assert [im.size for im in images] == [(p.width, p.height) for p in truth.pages]
        pngs = sorted((tmp_path / "pages").glob(f"{entry.doc_id}_p*.png"))
        assert len(pngs) == entry.pages
