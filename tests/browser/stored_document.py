"""A reviewable document stored directly through `models.store`, without OCR: the seed table
(corpus document syn11_0000) with its real page images and cell boxes, and flagged fields whose
values and answers are known (ten by default). Used for the keyboard timing, the conflict test,
and a failed sum and a row in doubt confirmed at once, where waiting for real OCR would measure
nothing new."""

import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.review import with_values
from ingest.review_items import covered_by
from jixiao.settings import Settings
from models import store
from models.blobs import BlobStore
from models.contract import (
    DocumentFlag,
    FieldRecord,
    FieldStatus,
    FieldValue,
    PerformanceTargets,
    ReviewState,
    SourceInfo,
    value_paths,
)
from models.db import session_factory

CORPUS = Path(__file__).parents[1] / "data" / "corpus"
SEED_DOC = "syn11_0000"
FILENAME = "侨联-2024-已存.pdf"
SUGGESTED = "461.89"  # 397.72 + 64.17, what the budget identity pins the total down to


@dataclass(frozen=True)
class Flag:
    path: str
    shown: FieldValue  # what the "OCR" read
    reason: str
    confidence: float
    action: (
        str  # what a clerk does: "type" the printed value, "confirm" it, or take the "suggestion"
    )


# Seven reading doubts and a budget whose total was misread: the total's suggestion fixes
# it, and the re-run checks then clear the two other fields of the identity.
FLAGS: tuple[Flag, ...] = (
    Flag("budget.fiscal_appropriation", "461.39", "sum_mismatch", 0.62, "suggestion"),
    Flag("budget.basic_expenditure", "397.72", "sum_mismatch", 0.97, "cleared"),
    Flag("budget.project_expenditure", "64.17", "sum_mismatch", 0.97, "cleared"),
    Flag("department", "湛江市归国华桥联合会", "seal_overlap", 0.41, "type"),
    Flag("basic_info.staff_count", 16, "low_confidence", 0.52, "type"),
    Flag("indicators[0].value", "6欠", "low_confidence", 0.55, "type"),
    Flag("indicators[1].value", "18次", "low_confidence", 0.71, "confirm"),
    Flag("indicators[2].value", "z次", "low_confidence", 0.58, "type"),
    Flag("indicators[5].value", "2O次", "structure", 0.64, "type"),
    Flag("indicators[6].value", "12次", "low_confidence", 0.74, "confirm"),
)
# A budget identity the paper itself breaks (财政拨款 printed 461.39): its four terms flagged by
# the check alone, one review item; and one reading doubt elsewhere.
SUM_AS_PRINTED: tuple[Flag, ...] = (
    Flag("budget.basic_expenditure", "397.72", "sum_mismatch", 0.97, "confirm"),
    Flag("budget.project_expenditure", "64.17", "sum_mismatch", 0.97, "confirm"),
    Flag("budget.fiscal_appropriation", "461.39", "sum_mismatch", 0.96, "confirm"),
    Flag("budget.other_funds", None, "sum_mismatch", 0.97, "confirm"),
    Flag("indicators[1].value", "18次", "low_confidence", 0.71, "confirm"),
)
# A row whose cells' bounds were in doubt (a rule inferred from its text): its name and value
# flagged for structure alone, one review item; and one reading doubt elsewhere.
ROW_IN_DOUBT: tuple[Flag, ...] = (
    Flag("indicators[5].name", "开展调研次数", "structure", 0.97, "confirm"),
    Flag("indicators[5].value", "20次", "structure", 0.96, "confirm"),
    Flag("indicators[1].value", "18次", "low_confidence", 0.71, "confirm"),
)


@dataclass(frozen=True)
class StoredDocument:
    id: str
    truth: dict[str, FieldValue]  # path -> the printed value


def _page_images(pdf: Path) -> list[np.ndarray]:
    from pdf2image import convert_from_path

    return [np.asarray(p.convert("RGB"))[:, :, ::-1] for p in convert_from_path(pdf, dpi=200)]


def _boxes(truth: dict, values: list[tuple[str, FieldValue]]) -> dict[str, tuple[int, list[int]]]:
    """Each value's (page, box): the first unused truth cell printing it, in reading order."""
    cells = [
        (page["page"], cell)
        for page in truth["pages"]
        for cell in page["cells"]
        if cell["role"] == "value" and cell["text"]
    ]
    used: set[int] = set()
    boxes = {}
    for path, value in values:
        if value is None:
            continue
        for i, (page, cell) in enumerate(cells):
            if i not in used and cell["text"] == str(value):
                used.add(i)
                boxes[path] = (page, cell["bbox"])
                break
    return boxes


def _fields(
    doc: PerformanceTargets, boxes: dict[str, tuple[int, list[int]]], flagged: tuple[Flag, ...]
) -> list[FieldRecord]:
    flags = {f.path: f for f in flagged}
    records = []
    for path, value in value_paths(doc):
        flag = flags.get(path)
        page, bbox = boxes.get(path, (None, None))
        records.append(
            FieldRecord(
                path=path,
                value=value,
                ocr_text=None if value is None else str(value),
                confidence=flag.confidence if flag else 0.99,
                status=FieldStatus.FLAGGED if flag else FieldStatus.ACCEPTED,
                reasons=[flag.reason] if flag else [],
                suggestion=SUGGESTED if flag and flag.action == "suggestion" else None,
                page=page,
                bbox=bbox,
            )
        )
    return records


def store_flagged_document(
    settings: Settings,
    document_flags: tuple[DocumentFlag, ...] = (),
    flags: tuple[Flag, ...] = FLAGS,
) -> StoredDocument:
    truth = json.loads((CORPUS / f"{SEED_DOC}.truth.json").read_text("utf-8"))
    gold = PerformanceTargets.model_validate(truth["document"])
    printed = value_paths(gold)
    doc = with_values(gold, {f.path: f.shown for f in flags})
    pdf = CORPUS / f"{SEED_DOC}.pdf"
    sha256 = hashlib.sha256(pdf.read_bytes() + uuid.uuid4().bytes).hexdigest()
    images = _page_images(pdf)
    blobs = BlobStore(settings.data_dir)
    with session_factory(settings.resolved_database_url)() as session:
        row, _ = store.register_upload(
            session,
            sha256=sha256,
            filename=FILENAME,
            media_type="application/pdf",
            size=pdf.stat().st_size,
            pages=len(images),
            batch_id=None,
        )
        for n, image in enumerate(images, start=1):
            relative = blobs.page_path(row.id, n, clean=True)
            blobs.write_image(relative, image)
            page = store.upsert_page(session, row.id, n, dpi=200, image_path=relative)
            page.clean_image_path = relative
        row.pages_done = len(images)
        source = SourceInfo(filename=FILENAME, sha256=sha256, pages=len(images))
        fields = _fields(doc, _boxes(truth, printed), flags)
        update = {
            "fields": fields,
            "document_id": row.id,
            "source": source,
            "document_flags": list(document_flags),
        }
        content = doc.model_copy(update=update).in_state(ReviewState.NEEDS_REVIEW)
        # as the workers store a document: each review item's first field standing for the rest
        store.save_result(session, row.id, content, covered=covered_by(content))
        session.commit()
        return StoredDocument(id=row.id, truth=dict(printed))
