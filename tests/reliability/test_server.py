"""The API as a real process on loopback: streamed size limit, concurrent uploads and
reviewers, a full queue (429), the broker down at upload (503, nothing kept, then recovery),
the start-up access message and tokens kept out of its log.

The server runs `--api-only` on a Redis of the test's own (a worker is not needed: what is
under test is what the API accepts, stores and answers). Tokens come from `jixiao token`.
"""

import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from jixiao.settings import Settings
from models.db import Document, session_factory
from tests.api.test_api import _processed
from tests.reliability import files
from tests.reliability.processes import ROOT, Redis, api, jixiao_env

pytestmark = pytest.mark.slow
UPLOAD = "/api/v1/documents"


def _token(env: dict[str, str], name: str, role: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "token", "create", "--name", name, "--role", role],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout.strip()


class Server:
    def __init__(self, url: str, pid: int, data: Path, tokens: dict[str, str], redis: Redis):
        self.url, self.pid, self.data, self.tokens, self.redis = url, pid, data, tokens, redis
        self.settings = Settings(data_dir=data, REDIS_URL=None, DATABASE_URL=None)

    def client(self, role: str = "uploader") -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)

    def rss_peak_kib(self) -> int:
        status = Path(f"/proc/{self.pid}/status").read_text()
        return int(
            next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1]
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("server")
    redis = Redis(folder / "redis")
    redis.start()
    env = jixiao_env(
        folder / "data", REDIS_URL=redis.url, JIXIAO_MAX_UPLOAD_BYTES=str(2 << 20),
        JIXIAO_MAX_QUEUE_DEPTH="25",
    )  # fmt: skip
    tokens = {role: _token(env, f"{role}-1", role) for role in ("uploader", "reviewer", "admin")}
    tokens["reviewer2"] = _token(env, "reviewer-2", "reviewer")
    log = folder / "api.log"
    try:
        with api(env, log, "--api-only") as (url, proc):
            yield Server(url, proc.pid, folder / "data", tokens, redis)
    finally:
        redis.stop()
    text = log.read_text(errors="replace")
    assert "access: API tokens required" in text
    assert not any(t in text for t in tokens.values())  # requests were logged, tokens never


def _stream(total: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    yield (
        b'--b0undary\r\nContent-Disposition: form-data; name="files"; filename="big.pdf"\r\n'
        b"\r\n%PDF-1.4\n"
    )
    for _ in range(total // chunk):
        yield b"\0" * chunk
    yield b"\r\n--b0undary--\r\n"


def test_an_oversized_upload_is_stopped_mid_stream(server: Server) -> None:
    before = server.rss_peak_kib()
    with server.client() as client:
        try:
            response = client.post(
                UPLOAD,
                content=_stream(256 << 20),
                headers={"Content-Type": "multipart/form-data; boundary=b0undary"},
            )
            assert response.status_code == 413 and response.json()["error"] == "file_too_large"
        except httpx.TransportError:
            pass  # the server answered 413 and closed while the client was still sending
    assert server.rss_peak_kib() - before < 64 << 10  # 256 MiB sent; the peak moved < 64 MiB
    assert not any((server.data / "incoming").iterdir())


def test_twenty_parallel_uploads_of_one_file_are_stored_once(server: Server) -> None:
    content = files.png(mark=7)
    with server.client() as client, ThreadPoolExecutor(20) as pool:
        barrier = threading.Barrier(20)

        def send(i: int) -> httpx.Response:
            barrier.wait()
            return client.post(UPLOAD, files={"files": (f"copy{i}.png", content)})

        responses = list(pool.map(send, range(20)))
    assert [r.status_code for r in responses] == [202] * 20, [r.text for r in responses]
    ids = {r.json()["documents"][0]["id"] for r in responses}
    assert len(ids) == 1
    assert sum(not r.json()["documents"][0]["duplicate"] for r in responses) == 1
    with session_factory(server.settings.resolved_database_url)() as session:
        assert session.query(Document).filter(Document.id.in_(ids)).count() == 1
    stored = [p for p in (server.data / "uploads").iterdir() if p.read_bytes() == content]
    assert len(stored) == 1
    assert not any((server.data / "incoming").iterdir())


def test_two_reviewers_on_one_version_one_wins(server: Server) -> None:
    with server.client() as client:
        doc_id = client.post(UPLOAD, files={"files": ("r.png", files.png(mark=8))}).json()[
            "documents"
        ][0]["id"]
    _processed(server.settings, doc_id)
    path = f"{UPLOAD}/{doc_id}/fields/budget.basic_expenditure"
    barrier = threading.Barrier(2)

    def patch(role: str, value: str) -> httpx.Response:
        with server.client(role) as client:
            barrier.wait()
            return client.patch(path, json={"value": value, "version": 1})

    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(patch, ["reviewer", "reviewer2"], ["397.72", "397.71"])
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    loser = first if first.status_code == 409 else second
    assert loser.json()["error"] == "stale_version"
    with server.client("reviewer") as client:
        (audit,) = client.get(f"{UPLOAD}/{doc_id}/corrections").json()
        (field,) = [
            f
            for f in client.get(f"{UPLOAD}/{doc_id}/fields").json()
            if f["path"] == path.rsplit("/", 1)[1]
        ]
    winner = "reviewer-1" if first.status_code == 200 else "reviewer-2"
    assert audit["who"] == winner and field["version"] == 2
    assert field["value"] == audit["after"]


def test_broker_down_at_upload_answers_503_keeps_nothing_and_recovers(server: Server) -> None:
    with server.client("admin") as client:
        before = client.get(UPLOAD, params={"limit": 1}).json()["total"]
        server.redis.stop()
        try:
            down = client.post(UPLOAD, files={"files": ("late.png", files.png(mark=999))})
            assert down.status_code == 503, down.text
            assert down.json()["error"] == "queue_unavailable" and down.headers["Retry-After"]
            assert client.get(UPLOAD, params={"limit": 1}).json()["total"] == before
            assert not any(
                p.read_bytes() == files.png(mark=999) for p in (server.data / "uploads").iterdir()
            )
        finally:
            server.redis.start()
        again = client.post(UPLOAD, files={"files": ("late.png", files.png(mark=999))})
        assert again.status_code == 202, again.text  # the same request works once Redis is back


def test_a_full_queue_answers_429_with_retry_after(server: Server) -> None:
    statuses: list[int] = []
    with server.client() as client:
        for i in range(40):
            response = client.post(UPLOAD, files={"files": (f"q{i}.png", files.png(mark=100 + i))})
            statuses.append(response.status_code)
            if response.status_code == 429:
                assert int(response.headers["Retry-After"]) > 0
                assert response.json()["error"] == "queue_full"
        waiting = client.get(UPLOAD, params={"status": "queued", "limit": 1}).json()["total"]
    assert set(statuses) == {202, 429} and waiting == 25  # no worker: the queue stays full
