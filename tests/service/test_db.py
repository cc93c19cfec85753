"""Tables, migrations and the store's upserts, on SQLite and (when reachable) PostgreSQL."""

import json
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models import store
from models.contract import FieldRecord, FieldStatus, PerformanceTargets, value_paths
from models.db import Base, FieldRow, get_engine, session_factory, upgrade_database
from tests.service.helpers import fresh_postgres_database, postgres_unreachable

SEED = Path(__file__).parents[1] / "data" / "seed" / "seed_gold.json"


def _sqlite(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'db' / 'jixiao.db'}"
    upgrade_database(url)
    return url


def _document_with_fields() -> PerformanceTargets:
    doc = PerformanceTargets.model_validate(json.loads(SEED.read_text(encoding="utf-8")))
    fields = [
        FieldRecord(path=p, value=v, confidence=0.9, status=FieldStatus.ACCEPTED)
        for p, v in value_paths(doc)
    ]
    return doc.model_copy(update={"fields": fields})


def _new_document(session, sha: str = "a" * 64) -> str:
    doc, new = store.register_upload(
        session, sha256=sha, filename="x.pdf", media_type="application/pdf", size=3, pages=1,
        batch_id=None,
    )  # fmt: skip
    assert new
    session.commit()
    return doc.id


def test_migrations_match_the_models_on_sqlite(tmp_path: Path) -> None:
    url = _sqlite(tmp_path)
    upgrade_database(url)  # a second start is a no-op
    with get_engine(url).connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


@pytest.mark.services
def test_migrations_match_the_models_on_postgres() -> None:
    if reason := postgres_unreachable():
        pytest.skip(reason)
    with fresh_postgres_database() as url:
        upgrade_database(url)
        with get_engine(url).connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_repeated_upload_is_recognised(tmp_path: Path) -> None:
    url = _sqlite(tmp_path)
    with session_factory(url)() as session:
        first = _new_document(session)
        again, new = store.register_upload(
            session, sha256="a" * 64, filename="other.pdf", media_type="application/pdf",
            size=3, pages=1, batch_id=None,
        )  # fmt: skip
        assert (again.id, new) == (first, False)
        assert store.list_documents(session, status=None, batch_id=None, limit=10, offset=0)[1] == 1


def test_sync_fields_upserts_and_keeps_versions(tmp_path: Path) -> None:
    url = _sqlite(tmp_path)
    content = _document_with_fields()
    with session_factory(url)() as session:
        doc_id = _new_document(session)
        store.save_result(session, doc_id, content)
        session.commit()
        row = store.get_field(session, doc_id, "budget.basic_expenditure")
        assert store.claim_field_version(session, row.id, 1)
        session.commit()
        flagged = content.fields[5].model_copy(
            update={"status": FieldStatus.FLAGGED, "reasons": ["sum_mismatch"]}
        )
        store.save_result(
            session,
            doc_id,
            content.model_copy(
                update={"fields": [*content.fields[:5], flagged, *content.fields[6:]]}
            ),
        )  # a redelivered assemble: same rows, updated in place
        session.commit()
        rows = session.query(FieldRow).filter_by(document_id=doc_id).all()
        assert len(rows) == len(content.fields)
        assert store.get_field(session, doc_id, "budget.basic_expenditure").version == 2
        assert store.flagged_count(session, doc_id) == 1
        assert store.fields_of(session, doc_id)[0].path == flagged.path  # risk order


def test_only_one_claim_of_a_version_wins(tmp_path: Path) -> None:
    url = _sqlite(tmp_path)
    with session_factory(url)() as session:
        doc_id = _new_document(session)
        store.save_result(session, doc_id, _document_with_fields())
        session.commit()
        row_id = store.get_field(session, doc_id, "department").id
        assert store.claim_field_version(session, row_id, 1)
        session.commit()
        assert not store.claim_field_version(session, row_id, 1)
