"""A reviewable document stored straight through `models.store` (no OCR): the seed table's
contract with one field row per value, every field accepted, for races and limits on review."""

import json
from pathlib import Path

from models import store
from models.contract import FieldRecord, FieldStatus, PerformanceTargets, value_paths
from models.db import session_factory, upgrade_database

SEED = Path(__file__).parents[1] / "data" / "seed" / "seed_gold.json"


def seed_contract() -> PerformanceTargets:
    doc = PerformanceTargets.model_validate(json.loads(SEED.read_text(encoding="utf-8")))
    fields = [
        FieldRecord(path=p, value=v, confidence=0.99, status=FieldStatus.ACCEPTED, page=1)
        for p, v in value_paths(doc)
    ]
    return doc.model_copy(update={"fields": fields})


def store_reviewable(database_url: str, sha256: str = "b" * 64) -> str:
    """Register a document and store the seed contract as its reading; its id."""
    upgrade_database(database_url)
    with session_factory(database_url)() as session:
        doc, _ = store.register_upload(
            session, sha256=sha256, filename="seed.pdf", media_type="application/pdf", size=1,
            pages=1, batch_id=None,
        )  # fmt: skip
        session.flush()
        store.set_stage(session, doc.id, "assemble", "processing")
        content = seed_contract().model_copy(update={"document_id": doc.id})
        store.save_result(session, doc.id, content)
        session.commit()
        return doc.id
