"""What one request may cost before it is refused: every file of a multipart upload counts
against the batch cap and the queue's room (a request that does not fit is refused whole,
nothing kept)."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jixiao.settings import Settings
from models.db import Document, session_factory
from models.tokens import Role
from tests.reliability import files
from tests.reliability.conftest import bearer

UPLOAD = "/api/v1/documents"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", REDIS_URL=None, DATABASE_URL=None, max_queue_depth=5
    )


@pytest.fixture
def uploader(tokens: dict[Role, str]) -> dict[str, str]:
    return bearer(tokens[Role.UPLOADER])


def _pngs(first: int, count: int) -> list[tuple[str, tuple[str, bytes]]]:
    return [("files", (f"p{i}.png", files.png(mark=i))) for i in range(first, first + count)]


def _documents(settings: Settings) -> int:
    with session_factory(settings.resolved_database_url)() as session:
        return session.scalar(select(func.count()).select_from(Document)) or 0


def _leftovers(settings: Settings) -> list[Path]:
    return [p for p in (settings.data_dir / "incoming").glob("*")]


def test_every_file_of_a_request_counts_against_the_queue(
    client: TestClient, settings: Settings, uploader: dict, queued: list
) -> None:
    over = client.post(UPLOAD, files=_pngs(0, 6), headers=uploader)
    assert over.status_code == 413 and over.json()["error"] == "too_many_files"
    assert (_documents(settings), queued, _leftovers(settings)) == (0, [], [])

    assert client.post(UPLOAD, files=_pngs(10, 3), headers=uploader).status_code == 202
    full = client.post(UPLOAD, files=_pngs(20, 3), headers=uploader)  # 3 waiting + 3 > 5
    assert full.status_code == 429 and full.json()["error"] == "queue_full"
    assert full.headers["Retry-After"]
    assert (_documents(settings), len(queued), _leftovers(settings)) == (3, 3, [])
    uploads = list((settings.data_dir / "uploads").iterdir())
    assert len(uploads) == 3  # nothing of the refused request was stored


def test_a_request_past_the_batch_cap_is_refused_while_it_streams(
    client: TestClient, settings: Settings, uploader: dict, queued: list
) -> None:
    parts = [("files", (f"{i}.png", b"\x89PNG\r\n\x1a\n")) for i in range(501)]
    response = client.post(UPLOAD, files=parts, headers=uploader)
    assert response.status_code == 413 and response.json()["error"] == "too_many_files"
    assert (_documents(settings), queued, _leftovers(settings)) == (0, [], [])
