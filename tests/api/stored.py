"""A processed document stored the way the workers store one (page image, contract JSON, field
rows), so review routes can be tested without OCR."""

import json
from pathlib import Path

import cv2
import numpy as np

from ingest.forms import form_of
from jixiao.settings import Settings
from models import store
from models.blobs import BlobStore
from models.contract import (
    FieldRecord,
    FieldStatus,
    FormDocument,
    PerformanceTargets,
    ReviewState,
    value_paths,
)
from models.db import session_factory

SEED = Path(__file__).parents[1] / "data" / "seed" / "seed_gold.json"
BOX = [100, 200, 400, 260]


def page_png(seed: int) -> bytes:
    page = np.full((1169, 827, 3), 255, np.uint8)
    cv2.line(page, (50, 100 + seed), (780, 100 + seed), (0, 0, 0), 2)
    cv2.putText(page, "397.72", (BOX[0] + 10, BOX[3] - 15), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2)
    return cv2.imencode(".png", page)[1].tobytes()


def seed_document() -> PerformanceTargets:
    return PerformanceTargets.model_validate(json.loads(SEED.read_text(encoding="utf-8")))


def with_records(doc: FormDocument, flagged: dict[str, list[str]]) -> FormDocument:
    """`doc` with a field record per value, `flagged` ones at low confidence with reasons."""
    fields = [
        FieldRecord(
            path=path, value=value, ocr_text=None if value is None else str(value),
            confidence=0.6 if path in flagged else 0.99,
            status=FieldStatus.FLAGGED if path in flagged else FieldStatus.ACCEPTED,
            reasons=flagged.get(path, []), page=1, bbox=BOX,
        )
        for path, value in value_paths(doc)
    ]  # fmt: skip
    needs_review = flagged or doc.document_flags
    state = ReviewState.NEEDS_REVIEW if needs_review else ReviewState.READY
    return doc.model_copy(update={"fields": fields}).in_state(state)


def store_processed(
    settings: Settings,
    document_id: str,
    doc: FormDocument,
    *,
    auto_accept: bool = False,
    covered: dict[str, str] | None = None,
) -> None:
    """Store what the workers would: a page image and a checked document."""
    doc = doc.model_copy(update={"document_id": document_id})
    blobs = BlobStore(settings.data_dir)
    image = blobs.page_path(document_id, 1, clean=True)
    blobs.write_image(image, cv2.imdecode(np.frombuffer(page_png(0), np.uint8), cv2.IMREAD_COLOR))
    with session_factory(settings.resolved_database_url)() as session:
        page = store.upsert_page(session, document_id, 1, dpi=100, image_path=image)
        page.clean_image_path = image
        store.set_stage(session, document_id, "assemble", "processing")
        form = form_of(doc).id
        store.save_result(
            session, document_id, doc, form=form, auto_accept=auto_accept, covered=covered
        )
        session.commit()
