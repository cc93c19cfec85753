"""What a document says about itself stays true: its times carry their offset on SQLite too,
and an acceptance does not outlive a later correction."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from jixiao.settings import Settings
from tests.conftest import CLIENT_HEADERS
from tests.reliability.reviewable import store_reviewable

DOCS = "/api/v1/documents"


def _client(tmp_path: Path) -> tuple[TestClient, str]:
    settings = Settings(data_dir=tmp_path / "data", REDIS_URL=None, DATABASE_URL=None)
    settings.open_access = True
    doc_id = store_reviewable(settings.resolved_database_url)
    app = create_app(settings)
    return TestClient(app, base_url="http://127.0.0.1", headers=CLIENT_HEADERS), doc_id


def test_times_carry_their_offset_on_sqlite(tmp_path: Path) -> None:
    client, doc_id = _client(tmp_path)
    with client:
        patched = client.patch(
            f"{DOCS}/{doc_id}/fields/department", json={"value": "侨联", "version": 1}
        )
        assert patched.status_code == 200, patched.text
        doc = client.get(f"{DOCS}/{doc_id}").json()
        (correction,) = client.get(f"{DOCS}/{doc_id}/corrections").json()
    for stamp in (doc["created_at"], doc["updated_at"], correction["at"]):
        moment = datetime.fromisoformat(stamp)
        assert moment.utcoffset() == timedelta(0), stamp  # not a naive time a browser misreads
        assert abs(datetime.now(UTC) - moment) < timedelta(minutes=5)


def test_a_correction_after_a_forced_acceptance_withdraws_it(tmp_path: Path) -> None:
    client, doc_id = _client(tmp_path)
    with client:
        accepted = client.post(
            f"{DOCS}/{doc_id}/accept", json={"force": True, "reason": "checked on paper"}
        )
        assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
        assert client.get(f"{DOCS}/{doc_id}").json()["accepted_by"] == "local"
        patched = client.patch(
            f"{DOCS}/{doc_id}/fields/budget.basic_expenditure", json={"value": "1.00", "version": 1}
        )
        assert patched.status_code == 200, patched.text
        doc = client.get(f"{DOCS}/{doc_id}").json()
    assert (doc["accepted_by"], doc["accept_reason"]) == (None, None)
    assert doc["status"] == "needs_review"  # the new amount breaks the budget's sums
