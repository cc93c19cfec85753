"""The API on a real app and database, with processing replaced by a stored result.

Workers are not started here (tests/workers runs them): uploads are queued through a recorded
dispatcher, and one document is then given a stored result with a deliberate sum mismatch,
which the review routes must let a reviewer fix, re-check, audit and export.
"""

import io
import zipfile
from pathlib import Path

import cv2
import numpy as np
import openpyxl
import pytest
from fastapi.testclient import TestClient

from jixiao.settings import Settings
from models.db import session_factory
from models.tokens import Role, create_token
from tests.api.stored import BOX, page_png, seed_document, store_processed, with_records


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # open local mode: these tests are about the routes; access is tests/reliability/test_access.py
    return Settings(data_dir=tmp_path / "data", REDIS_URL=None, DATABASE_URL=None, open_access=True)


def _processed(settings: Settings, document_id: str) -> None:
    """A stored result whose 基本支出 was misread, so the budget identity fails."""
    doc = seed_document()
    doc = doc.model_copy(
        update={"budget": doc.budget.model_copy(update={"basic_expenditure": "397.73"})}
    )
    flagged = {"budget.basic_expenditure", "budget.fiscal_appropriation"}
    store_processed(
        settings, document_id, with_records(doc, {key: ["sum_mismatch"] for key in flagged})
    )


def _upload(client: TestClient, *files: tuple[str, bytes]) -> dict:
    response = client.post("/api/v1/documents", files=[("files", f) for f in files])
    assert response.status_code == 202, response.text
    return response.json()


def test_upload_queues_once_and_recognises_repeats(client: TestClient, queued: list[str]) -> None:
    first = _upload(client, ("scan.png", page_png(1)))
    (doc,) = first["documents"]
    assert (doc["status"], doc["duplicate"], first["batch_id"]) == ("queued", False, None)
    again = _upload(client, ("renamed.png", page_png(1)))
    assert again["documents"][0]["id"] == doc["id"] and again["documents"][0]["duplicate"]
    assert queued == [doc["id"]]
    detail = client.get(f"/api/v1/documents/{doc['id']}").json()
    assert (detail["pages_total"], detail["pages_done"], detail["flagged_count"]) == (1, 0, 0)


def test_bad_files_get_a_clear_4xx(client: TestClient) -> None:
    response = client.post("/api/v1/documents", files={"files": ("a.pdf", b"<html>hi</html>")})
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_type"
    assert client.post("/api/v1/documents", files={"files": ("e.pdf", b"")}).status_code == 422
    assert client.get("/api/v1/documents/nope").status_code == 404


def test_a_zip_is_a_batch_with_per_file_rejections(client: TestClient, queued: list) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.png", page_png(2))
        zf.writestr("sub/b.png", page_png(3))
        zf.writestr("notes.txt", b"not a scan")
    body = _upload(client, ("batch.zip", buf.getvalue()))
    assert body["batch_id"] and len(body["documents"]) == 2 and len(queued) == 2
    assert [r["filename"] for r in body["rejected"]] == ["notes.txt"]
    listed = client.get("/api/v1/documents", params={"batch": body["batch_id"], "limit": 1})
    assert listed.json()["total"] == 2 and len(listed.json()["items"]) == 1


def test_review_correct_accept_export(client: TestClient, settings: Settings) -> None:
    (doc,) = _upload(client, ("scan.png", page_png(4)))["documents"]
    doc_id = doc["id"]
    assert client.get(f"/api/v1/documents/{doc_id}/export").status_code == 409  # not read yet
    _processed(settings, doc_id)
    base = f"/api/v1/documents/{doc_id}"

    flagged = client.get(f"{base}/fields", params={"status": "flagged"}).json()
    assert {f["path"] for f in flagged} == {
        "budget.basic_expenditure",
        "budget.fiscal_appropriation",
    }
    every = client.get(f"{base}/fields").json()
    assert [f["status"] for f in every[:2]] == ["flagged", "flagged"]  # risk order
    crop = client.get(f"{base}/fields/budget.basic_expenditure/crop")
    assert crop.headers["content-type"] == "image/png"
    h, w = cv2.imdecode(np.frombuffer(crop.content, np.uint8), cv2.IMREAD_COLOR).shape[:2]
    assert (w, h) == (BOX[2] - BOX[0] + 12, BOX[3] - BOX[1] + 12)
    assert client.get(f"{base}/pages/1/image").status_code == 200
    assert client.get(f"{base}/pages/9/image").status_code == 404

    refused = client.post(f"{base}/accept", json={})
    assert refused.status_code == 409 and refused.json()["error"] == "unresolved_flags"
    assert client.post(f"{base}/accept", json={"force": True}).status_code == 422

    path = f"{base}/fields/budget.basic_expenditure"
    with session_factory(settings.resolved_database_url)() as session:
        token = create_token(session, "clerk-li", Role.REVIEWER)
    assert client.patch(path, json={"value": "abc", "version": 1}).status_code == 422
    assert client.patch(path, json={"value": 397.72, "version": 1}).status_code == 422
    fixed = client.patch(
        path, json={"value": "397.72", "version": 1, "comment": "printed 397.72"},
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    assert fixed.status_code == 200, fixed.text
    result = fixed.json()
    assert (result["field"]["status"], result["field"]["version"]) == ("corrected", 2)
    # the identity holds again, so the other half of the mismatch is cleared by re-validation
    assert [(f["path"], f["status"]) for f in result["changed"]] == [
        ("budget.fiscal_appropriation", "accepted")
    ]
    assert result["flagged_count"] == 0
    stale = client.patch(path, json={"value": "1.00", "version": 1})
    assert stale.status_code == 409 and stale.json()["error"] == "stale_version"

    (audit,) = client.get(f"{base}/corrections").json()
    assert (audit["before"], audit["after"], audit["who"]) == ("397.73", "397.72", "clerk-li")
    accepted = client.post(f"{base}/accept", json={})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"

    exported = client.get(f"{base}/export", params={"format": "json"}).json()
    assert exported["budget"]["basic_expenditure"] == "397.72" and exported["status"] == "accepted"
    field = next(f for f in exported["fields"] if f["path"] == "budget.basic_expenditure")
    assert field["status"] == "corrected"
    xlsx = client.get(f"{base}/export", params={"format": "xlsx"})
    budget = openpyxl.load_workbook(io.BytesIO(xlsx.content))["预算"]
    assert budget.cell(2, 3).value == pytest.approx(397.72)
    with zipfile.ZipFile(
        io.BytesIO(client.get(f"{base}/export", params={"format": "csv"}).content)
    ) as zf:
        (budget_csv,) = [n for n in zf.namelist() if n.endswith("-预算.csv")]
        assert "397.72" in zf.read(budget_csv).decode("utf-8-sig")

    training = client.get("/api/v1/corrections/export", params={"format": "paddleocr"})
    with zipfile.ZipFile(io.BytesIO(training.content)) as zf:
        (line,) = zf.read("rec_gt.txt").decode().splitlines()
        image_name, label = line.split("\t")
        assert label == "397.72"
        assert cv2.imdecode(np.frombuffer(zf.read(image_name), np.uint8), 0) is not None


def test_batch_export_holds_every_processed_document(
    client: TestClient, settings: Settings
) -> None:
    body = _upload(client, ("a.png", page_png(5)), ("b.png", page_png(6)))
    for doc in body["documents"]:
        _processed(settings, doc["id"])
    out = client.get(f"/api/v1/batches/{body['batch_id']}/export", params={"format": "json"})
    assert sorted(d["document_id"] for d in out.json()) == sorted(
        d["id"] for d in body["documents"]
    )
    assert client.get("/api/v1/batches/none/export", params={"format": "json"}).status_code == 404


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {
        "ready": True,
        "database": True,
        "broker": True,
        "disk": True,
    }
    assert (
        "/api/v1/documents/{document_id}/fields/{path}"
        in client.get("/openapi.json").json()["paths"]
    )
