"""Writing a corpus: per document a PDF and its ground truth, optionally page images, and a
manifest, all of one form. Everything is derived from (seed, document index), so a corpus is
reproducible (byte for byte for the native engine; as far as the installed LibreOffice and
Chromium print alike for the others) and any single document can be regenerated on its own.

Documents cycle through the levels, and blocks of one cycle through the engines, so every
engine meets every level in both splits. A corpus folder holds, per document:

    <doc_id>.pdf           the scan: degraded page images, what `jixiao eval` reads
    <doc_id>.truth.json    ground truth (`models.truth.GroundTruth`, with its engine; its
                           `document` in the form's own contract)
    <doc_id>.xlsx|.docx|.html   office and browser documents: the source the engine printed
    <doc_id>.printed.pdf   office and browser documents: the engine's PDF, with its text layer
    pages/<doc_id>_p<k>.png     with --page-images: the degraded pages
    manifest.json          the form; every document's level, split, engine, source format and
                           pages
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from pydantic import BaseModel

from ingest.synth.degrade import LEVEL_JPEG_QUALITY, PageMarks, degrade
from ingest.synth.layout import PageLayout, layout_pages, page_marks
from ingest.synth.pdf import write_pdf
from ingest.synth.printed.document import print_document, source_format_for
from ingest.synth.printed.printers import Printer
from ingest.synth.registry import SynthForm, synth_form
from ingest.synth.render import render_page
from ingest.synth.style import DocStyle, pick_style
from models.truth import Engine, GroundTruth, Level, SourceFormat, Split, TruthCell, TruthPage

LEVELS: tuple[Level, ...] = ("clean", "scan", "heavy", "photo")
ENGINES: tuple[Engine, ...] = ("native", "office", "browser")
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
    engine: Engine = "native"
    source_format: SourceFormat | None = None


class Manifest(BaseModel):
    seed: int
    form: str = "department_overall"  # the id of the form every document is of
    levels: list[Level]
    engines: list[Engine] = ["native"]
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


def engine_for(index: int, n_levels: int, engines: Sequence[Engine]) -> Engine:
    """Each cycle of levels goes to the next engine; with the split alternating per cycle,
    every engine meets every level in both splits once there are 2 x engines cycles."""
    return engines[(index // n_levels) % len(engines)]


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


def _degraded(
    clean: list[np.ndarray],
    marks: list[PageMarks],
    level: Level,
    seal_owner: str | None,
    noise: np.random.Generator,
) -> tuple[list[np.ndarray], list[int | None], list[tuple[int, int, int, int] | None]]:
    """Each page through the level's degradation; the seal goes on page 1."""
    images, qualities, seals = [], [], []
    jpeg = LEVEL_JPEG_QUALITY[level]
    for k, (image, mark) in enumerate(zip(clean, marks, strict=True)):
        degraded, seal = degrade(image, level, mark, seal_owner if k == 0 else None, noise)
        images.append(degraded)
        qualities.append(None if jpeg is None else int(noise.integers(jpeg[0], jpeg[1] + 1)))
        seals.append(seal)
    return images, qualities, seals


def make_document(
    seed: int,
    index: int,
    level: Level,
    split: Split,
    from_seed: bool,
    engine: Engine = "native",
    printer: Printer | None = None,
    folder: Path | None = None,
    form: SynthForm | None = None,
) -> SynthDocument:
    """Content, layout, pixels and truth of one document of `form` (the 部门整体 form by
    default; `from_seed` replays its seed filing). Office and browser documents are printed by
    their engine with `printer`, their source and PDF kept in `folder`."""
    form = form or synth_form()
    rng = random.Random(f"jixiao-synth/{seed}/{index}")
    noise = np.random.default_rng([seed, index])
    if from_seed and form.seed is None:
        raise ValueError(f"the {form.id} form has no seed filing")
    content = form.seed() if from_seed and form.seed else form.generate(rng)
    dpi = rng.choice(LEVEL_DPIS[level])
    doc_id = doc_id_for(seed, index)
    owner = content.seal_owner
    source_format: SourceFormat | None = None
    if engine == "native":
        style = pick_style(rng, dpi, compact=from_seed, columns=form.columns)
        table = form.build_table(content, style, rng)
        layouts = layout_pages(table, style, content.document.title or "")
        clean = [render_page(page, style) for page in layouts]
        marks = [page_marks(page, style, table.seal_anchor) for page in layouts]
        images, qualities, seals = _degraded(clean, marks, level, owner, noise)
        truth_pages = [
            _truth_page(page, style, seal) for page, seal in zip(layouts, seals, strict=True)
        ]
        fonts = {style.font, style.title_font}
    else:
        if printer is None or folder is None:
            raise ValueError(f"the {engine} engine needs a printer and a folder")
        source_format = source_format_for(engine, rng)
        printed = print_document(rng, content, source_format, dpi, printer, folder, doc_id, form)
        source_format = printed.look.source_format
        images, qualities, seals = _degraded(printed.clean, printed.marks, level, owner, noise)
        truth_pages = [
            page.model_copy(update={"seal_bbox": list(seal) if seal else None})
            for page, seal in zip(printed.pages, seals, strict=True)
        ]
        fonts = {printed.look.font, printed.look.title_face}
    truth = GroundTruth(
        doc_id=doc_id,
        level=level,
        split=split,
        seed=seed,
        engine=engine,
        source_format=source_format,
        fonts=sorted(fonts),
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
    engines: Sequence[Engine] = ("native",),
    form: SynthForm | None = None,
) -> Manifest:
    """Generate `n` documents of `form` (the 部门整体 form by default) into `out`; document 0
    is the seed table when `include_seed` and the form has one."""
    form = form or synth_form()
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    with Printer() as printer:
        for index in range(n):
            entries.append(
                _write_document(
                    out, seed, index, levels, engines, page_images, include_seed, printer, form
                )
            )
    manifest = Manifest(
        seed=seed, form=form.id, levels=list(levels), engines=list(engines), documents=entries
    )
    (out / "manifest.json").write_text(manifest.model_dump_json(indent=1) + "\n", encoding="utf-8")
    return manifest


def _write_document(
    out: Path,
    seed: int,
    index: int,
    levels: Sequence[Level],
    engines: Sequence[Engine],
    page_images: bool,
    include_seed: bool,
    printer: Printer,
    form: SynthForm,
) -> ManifestEntry:
    level = levels[index % len(levels)]
    split = split_for(seed, index, len(levels))
    engine = engine_for(index, len(levels), engines)
    from_seed = include_seed and index == 0 and form.seed is not None
    doc = make_document(seed, index, level, split, from_seed, engine, printer, out, form)
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
    return ManifestEntry(
        doc_id=truth.doc_id,
        level=level,
        split=split,
        pages=len(doc.images),
        dpi=dpi,
        from_seed=from_seed,
        engine=engine,
        source_format=truth.source_format,
    )
