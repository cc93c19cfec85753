"""A bounded burst on loopback: 200 small uploads from 8 clients at once against one worker.

Every request is answered 202 or 429 with Retry-After (nothing else, nothing lost); the
number of waiting documents never passes the setting plus the uploads in flight; clients that
come back after a 429 get in, and every accepted document reaches a final status. The pages
are tiny blank images (a second or so of work each) so the test measures the queue, not OCR.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from models.db import session_factory
from models.store import queue_depth
from tests.conftest import CLIENT_HEADERS
from tests.reliability import files
from tests.reliability.processes import Redis, api, jixiao_env, running, wait_final
from tests.service.helpers import read_path_missing

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(read_path_missing()), reason=read_path_missing() or ""),
]
UPLOADS, CLIENTS, DEPTH = 200, 8, 20


def test_a_burst_is_bounded_and_nothing_is_lost(tmp_path: Path) -> None:
    redis = Redis(tmp_path / "redis")
    redis.start()
    env = jixiao_env(
        tmp_path / "data", REDIS_URL=redis.url, JIXIAO_OPEN_ACCESS="1",
        JIXIAO_MAX_QUEUE_DEPTH=str(DEPTH),
    )  # fmt: skip
    database = session_factory(f"sqlite:///{(tmp_path / 'data' / 'jixiao.db').resolve()}")
    answers: list[int] = []
    depths: list[int] = []
    accepted: dict[int, str] = {}
    done = threading.Event()
    try:
        with (
            api(env, tmp_path / "api.log", "--api-only") as (url, _),
            running(["worker", "--concurrency", "1"], env, tmp_path / "worker.log"),
            httpx.Client(base_url=url, timeout=60, headers=CLIENT_HEADERS) as client,
        ):

            def waiting() -> int:
                # one read of the database, as the intake counts: two requests (queued, then
                # processing) count a document that moves between them twice
                with database() as session:
                    return queue_depth(session)

            def sample() -> None:
                while not done.is_set():
                    depths.append(waiting())
                    time.sleep(0.05)

            def send(i: int) -> None:
                while True:
                    response = client.post(
                        "/api/v1/documents", files={"files": (f"{i}.png", files.png(mark=i))}
                    )
                    answers.append(response.status_code)
                    if response.status_code != 429:
                        break
                    assert int(response.headers["Retry-After"]) > 0
                    time.sleep(1)  # sooner than asked: the test wants the queue kept full
                assert response.status_code == 202, response.text
                accepted[i] = response.json()["documents"][0]["id"]

            sampler = threading.Thread(target=sample)
            sampler.start()
            started = time.monotonic()
            try:
                with ThreadPoolExecutor(CLIENTS) as pool:
                    list(pool.map(send, range(UPLOADS)))
            finally:
                done.set()
                sampler.join()
            docs = wait_final(client, list(accepted.values()), timeout_s=900)
            elapsed = time.monotonic() - started
    finally:
        redis.stop()
    assert set(answers) <= {202, 429} and answers.count(202) == UPLOADS
    assert len(set(accepted.values())) == UPLOADS  # every upload is its own document
    assert max(depths) <= DEPTH + CLIENTS, max(depths)
    assert all(d["status"] == "failed" and d["error"] for d in docs)  # blank: read, no form
    print(
        f"{UPLOADS} uploads, {answers.count(429)} answered 429 first, max waiting "
        f"{max(depths)} (limit {DEPTH}), all processed in {elapsed:.0f} s"
    )
