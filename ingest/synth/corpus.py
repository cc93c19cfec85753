"""Writing a corpus: per document a PDF and its ground truth, optionally page images, and a
manifest. Everything is derived from (seed, document index), so a corpus is reproducible
byte for byte and any single document can be regenerated on its own.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from pydantic import BaseModel

from ingest.synth.content import FormContent, generate_content, seed_content
from ingest.synth.degrade import LEVEL_JPEG_QUALITY, degrade
from ingest.synth.layout import PageLayout, layout_pages
from ingest.synth.pdf import write_pdf
from ingest.synth.render import render_page
from ingest.synth.style import DocStyle, pick_style
from ingest.synth.table import build_table
from models.truth import GroundTruth, Level, Split, TruthCell, TruthPage

LEVELS: tuple[Level, ...] = ("clean", "scan", "heavy", "photo")
LEVEL_DPIS: dict[str, tuple[int, ...]] = {
    "clean": (300,),
    "scan": (200,),
    "heavy": (150, 175, 200),
    "photo": (200,),
}


class ManifestEntry(BaseModel):
    doc_id: str
    level: Level
    split: Split
    pages: int
    dpi: int
    from_seed: bool


class Manifest(BaseModel):
    seed: int
    levels: list[Level]
    documents: list[ManifestEntry]


@dataclass(frozen=True)
class SynthDocument:
    truth: GroundTruth
    images: list[np.ndarray]  # degraded pages: RGB, or gray for the clean level
    jpeg_qualities: list[int | None]


def doc_id_for(seed: int, index: int) -> str:
    return f"syn{seed}_{index:04d}"


def split_for(seed: int, index: int, n_levels: int) -> Split:
    """Alternate within each level (levels cycle), so both splits see every level."""
    return "calibration" if (index // n_levels + index % n_levels + seed) % 2 == 0 else "test"


def _truth_page(page: PageLayout, style: DocStyle, seal: tuple[int, ...] | None) -> TruthPage:
    return TruthPage(
        page=page.index + 1,
        width=style.page_w,
        height=style.page_h,
        dpi=style.dpi,
        table_bbox=list(page.table_bbox),
        cells=[
            TruthCell(
                row=c.row,
                col=c.col,
                row_span=c.row_span,
                col_span=c.col_span,
                bbox=list(c.bbox),
                text=c.text,
                role=c.role,
            )
            for c in page.cells
        ],
        seal_bbox=list(seal) if seal else None,
    )


def make_document(
    seed: int, index: int, level: Level, split: Split, from_seed: bool
) -> SynthDocument:
    """Content, layout, pixels and truth of one document."""
    rng = random.Random(f"jixiao-synth/{seed}/{index}")
    noise = np.random.default_rng([seed, index])
    content: FormContent = seed_content() if from_seed else generate_content(rng)
    dpi = rng.choice(LEVEL_DPIS[level])
    style = pick_style(rng, dpi, compact=from_seed)
    table = build_table(content, style, rng)
    pages = layout_pages(table, style, content.document.title or "")
    images, truth_pages, qualities = [], [], []
    jpeg = LEVEL_JPEG_QUALITY[level]
    for page in pages:
        seal_text = content.document.department if page.index == 0 else None
        image, seal = degrade(render_page(page, style), level, page, style, seal_text, noise)
        images.append(image)
        qualities.append(None if jpeg is None else int(noise.integers(jpeg[0], jpeg[1] + 1)))
        truth_pages.append(_truth_page(page, style, seal))
    doc_id = doc_id_for(seed, index)
    truth = GroundTruth(
        doc_id=doc_id,
        level=level,
        split=split,
        seed=seed,
        fonts=sorted({style.font, style.title_font}),
        document=content.document.model_copy(update={"document_id": doc_id}),
        pages=truth_pages,
        violations=list(content.violations),
        errors=dict(content.errors),
    )
    return SynthDocument(truth=truth, images=images, jpeg_qualities=qualities)


def write_corpus(
    out: Path,
    n: int,
    seed: int,
    levels: Sequence[Level] = LEVELS,
    page_images: bool = False,
    include_seed: bool = True,
) -> Manifest:
    """Generate `n` documents into `out`; document 0 is the seed table when `include_seed`."""
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for index in range(n):
        level = levels[index % len(levels)]
        split = split_for(seed, index, len(levels))
        doc = make_document(seed, index, level, split, from_seed=include_seed and index == 0)
        truth = doc.truth
        dpi = truth.pages[0].dpi
        write_pdf(out / f"{truth.doc_id}.pdf", doc.images, dpi, doc.jpeg_qualities)
        (out / f"{truth.doc_id}.truth.json").write_text(
            truth.model_dump_json(by_alias=True, indent=1) + "\n", encoding="utf-8"
        )
        if page_images:
            (out / "pages").mkdir(exist_ok=True)
            for k, image in enumerate(doc.images, start=1):
                Image.fromarray(image).save(
                    out / "pages" / f"{truth.doc_id}_p{k}.png", compress_level=1
                )
        entries.append(
            ManifestEntry(
                doc_id=truth.doc_id,
                level=level,
                split=split,
                pages=len(doc.images),
                dpi=dpi,
                from_seed=include_seed and index == 0,
            )
        )
    manifest = Manifest(seed=seed, levels=list(levels), documents=entries)
    (out / "manifest.json").write_text(manifest.model_dump_json(indent=1) + "\n", encoding="utf-8")
    return manifest
