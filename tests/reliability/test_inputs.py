"""Hostile and broken uploads through the API: a clear 4xx with a stable code and a sentence,
and nothing half-stored (no document row, no stored bytes, nothing left in incoming/).

What only shows once a page is read (blank page, no table, another form) goes through a real
worker in test_worker.py; an oversized upload is streamed to a real server in test_server.py.
"""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jixiao.settings import Settings
from models.db import Batch, Document, session_factory
from models.tokens import Role
from tests.reliability import files
from tests.reliability.conftest import bearer

UPLOAD = "/api/v1/documents"


def _nothing_stored(settings: Settings) -> None:
    with session_factory(settings.resolved_database_url)() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0
        assert session.scalar(select(func.count()).select_from(Batch)) == 0
    for folder in ("uploads", "incoming"):
        path = settings.data_dir / folder
        assert not path.exists() or not any(path.iterdir()), folder


def _truncated_pdf() -> bytes:
    whole = files.pdf(pages=2)
    return whole[: len(whole) // 2]


CASES = {
    "empty": ("scan.pdf", b"", 422, "empty_file"),
    "executable renamed .pdf": ("scan.pdf", files.executable(), 415, "unsupported_type"),
    "html": ("scan.pdf", b"<!doctype html><html><body>hi</body></html>", 415, "unsupported_type"),
    "corrupt pdf": ("scan.pdf", b"%PDF-1.4\n1 0 obj <<>> garbage\n%%EOF\n", 422, "corrupt_pdf"),
    "truncated pdf": ("scan.pdf", _truncated_pdf(), 422, "corrupt_pdf"),
    "encrypted pdf": ("scan.pdf", files.encrypted_pdf(), 422, "encrypted_pdf"),
    "0-page pdf": ("scan.pdf", files.zero_page_pdf(), 422, "no_pages"),
    "51-page pdf": ("scan.pdf", files.pdf(pages=51, size=(40, 40)), 422, "too_many_pages"),
    "30000x30000 png": ("scan.png", files.png_bomb(), 422, "image_too_large"),
    "500-frame tiff": ("scan.tif", files.tiff_bomb(), 422, "too_many_pages"),
    "zip bomb": ("batch.zip", files.zip_of({"a.pdf": b"\0" * 150_000_000}), 422, "zip_unsafe"),
    "1e6 x 90 pt page": (
        "wide.pdf",
        files.boxed_pdf(b"/MediaBox [0 0 1000000 90]"),
        422,
        "image_too_large",
    ),
    "50 pages reusing one 20000x20000 image": (
        "bomb.pdf",
        files.image_bomb_pdf(),
        422,
        "image_too_large",
    ),
}


@pytest.fixture
def uploader(tokens: dict[Role, str]) -> dict[str, str]:
    return bearer(tokens[Role.UPLOADER])


@pytest.mark.parametrize("case", list(CASES))
def test_refused_with_a_reason_and_nothing_kept(
    case: str, client: TestClient, settings: Settings, uploader: dict, queued: list
) -> None:
    name, content, status, code = CASES[case]
    response = client.post(UPLOAD, files={"files": (name, content)}, headers=uploader)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code
    assert len(body["message"]) > 10 and " " in body["message"]  # a sentence, not a code
    assert queued == []
    _nothing_stored(settings)


def test_hostile_names_are_display_names_only(
    client: TestClient, settings: Settings, uploader: dict, tmp_path: Path
) -> None:
    name = "../../../etc/\x07pass\x1b[31mwd\r\n.png"
    response = client.post(UPLOAD, files={"files": (name, files.png())}, headers=uploader)
    assert response.status_code == 202, response.text
    (doc,) = response.json()["documents"]
    assert "/" not in doc["filename"] and ".." not in doc["filename"]
    assert all(ch.isprintable() for ch in doc["filename"]) and doc["filename"].endswith(".png")
    stored = [p for p in tmp_path.rglob("*") if p.is_file() and "jixiao.db" not in p.name]
    assert [p.parent.name for p in stored] == ["uploads"]


def test_zip_slip_members_stay_inside_the_data_folder(
    client: TestClient, settings: Settings, uploader: dict, tmp_path: Path
) -> None:
    archive = files.zip_of(
        {"../../../../tmp/evil.png": files.png(mark=3), "ok/../../b.png": files.png(mark=4)}
    )
    response = client.post(UPLOAD, files={"files": ("batch.zip", archive)}, headers=uploader)
    assert response.status_code == 202, response.text
    body = response.json()
    assert sorted(d["filename"] for d in body["documents"]) == ["b.png", "evil.png"]
    outside = [p for p in tmp_path.parent.rglob("evil.png")] + list(Path("/tmp").glob("evil.png"))
    assert outside == []
    stored = [p for p in settings.data_dir.rglob("*") if p.is_file() and "jixiao.db" not in p.name]
    assert sorted(p.parent.name for p in stored) == ["uploads", "uploads"]
