"""What one request may cost before it is refused: every file of a multipart upload counts
against the batch cap and the queue's room (a request that does not fit is refused whole,
nothing kept); a body is neither read without a valid token nor past its route's limit."""

import asyncio
import itertools
import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
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


# Bodies: authentication and the size limit come before any of the body is read. The app is
# called as the server calls it (ASGI), with a body handed out lazily, so the test can count
# how much of it the app took before answering.

BIG = 100 << 20  # 100 MiB offered; nothing near it may be read


async def _call(app: FastAPI, method: str, path: str, headers: dict, total: int) -> tuple:
    chunk = b"7" * (1 << 20)
    chunks = itertools.repeat(chunk, total // len(chunk))
    taken = 0

    async def receive() -> dict:
        nonlocal taken
        data = next(chunks, None)
        if data is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        taken += len(data)
        return {"type": "http.request", "body": data, "more_body": True}

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip
    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body)["error"], taken


@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "chunked"])
def test_a_body_without_a_token_is_refused_before_any_of_it_is_read(
    settings: Settings, tokens: dict[Role, str], announced: bool
) -> None:
    headers = {"Host": "127.0.0.1", "Content-Type": "application/json"}
    if announced:
        headers["Content-Length"] = str(BIG)
    path = "/api/v1/documents/x/fields/year"
    for extra, code in (({}, "auth_required"), (bearer("jx_nope_nope"), "invalid_token")):
        status, error, taken = asyncio.run(
            _call(create_app(settings), "PATCH", path, {**headers, **extra}, BIG)
        )
        assert (status, error, taken) == (401, code, 0)


@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "chunked"])
def test_a_body_past_its_route_limit_is_cut_off(
    settings: Settings, tokens: dict[Role, str], announced: bool
) -> None:
    headers = {"Host": "127.0.0.1", "Content-Type": "application/json"}
    headers |= bearer(tokens[Role.REVIEWER])
    if announced:
        headers["Content-Length"] = str(BIG)
    path = "/api/v1/documents/x/fields/year"
    status, error, taken = asyncio.run(_call(create_app(settings), "PATCH", path, headers, BIG))
    assert (status, error) == (413, "body_too_large")
    assert taken <= (0 if announced else 1 << 20)  # at most the one chunk that passed the limit
