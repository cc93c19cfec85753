"""XLSX and DOCX uploads: one document each (a zip, but no batch), and a hostile one refused
with a clear 4xx and nothing kept."""

import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jixiao.settings import Settings
from models.db import Document, session_factory
from tests.ingest.digital.fixtures import SEED_DOCX, SEED_XLSX


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", REDIS_URL=None, DATABASE_URL=None, open_access=True)


def _documents(settings: Settings) -> list[Document]:
    with session_factory(settings.resolved_database_url)() as session:
        return list(session.query(Document))


def test_office_files_are_documents_not_batches(client: TestClient, queued: list[str]) -> None:
    files = [("files", ("form.xlsx", SEED_XLSX.read_bytes()))]
    body = client.post("/api/v1/documents", files=files).json()
    assert body["batch_id"] is None and len(body["documents"]) == 1 and len(queued) == 1
    body = client.post(
        "/api/v1/documents", files=[("files", ("表.docx", SEED_DOCX.read_bytes()))]
    ).json()
    assert body["batch_id"] is None and len(body["documents"]) == 1 and len(queued) == 2


def test_a_macro_workbook_is_refused_and_nothing_kept(
    client: TestClient, settings: Settings, tmp_path: Path, queued: list[str]
) -> None:
    hostile = tmp_path / "macro.xlsx"
    with zipfile.ZipFile(SEED_XLSX) as zin, zipfile.ZipFile(hostile, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("xl/vbaProject.bin", b"\x00" * 64)
    response = client.post("/api/v1/documents", files={"files": ("m.xlsx", hostile.read_bytes())})
    assert response.status_code == 422
    assert response.json()["error"] == "office_macros"
    assert queued == [] and _documents(settings) == []
    uploads = settings.data_dir / "uploads"
    assert not uploads.exists() or not any(p.is_file() for p in uploads.rglob("*"))
