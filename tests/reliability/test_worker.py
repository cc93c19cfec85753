"""Real worker processes on a Redis of the test's own, with the real reading pipeline.

Pages that only show their trouble when read (blank, no table, another form) fail with a
reason while the worker stays up; a worker process SIGKILLed mid-page has the page run again
and the document ends with one set of fields; Redis restarted mid-batch loses nothing; a task
over its time limit ends and says so. One page of the seed form (about 10 s of OCR here) is
the unit of work, so the module takes a few minutes.
"""

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import CLIENT_HEADERS
from tests.reliability import files
from tests.reliability.processes import (
    Redis,
    api,
    document,
    jixiao_env,
    start,
    stop,
    until,
    wait_final,
)
from tests.service.helpers import read_path_missing, render_seed_pdf

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(read_path_missing()), reason=read_path_missing() or ""),
]
UPLOAD = "/api/v1/documents"


class Stack:
    def __init__(self, folder: Path, env: dict[str, str], url: str, redis: Redis) -> None:
        self.folder, self.env, self.url, self.redis = folder, env, url, redis
        self.worker_log = folder / "worker.log"
        self.worker: subprocess.Popen | None = None

    def start_worker(self, **extra: str) -> None:
        self.worker = start(
            ["worker", "--concurrency", "1"], {**self.env, **extra}, self.worker_log
        )

    def upload(self, *named: tuple[str, bytes]) -> list[str]:
        with self.client() as client:
            response = client.post(UPLOAD, files=[("files", f) for f in named])
        assert response.status_code == 202, response.text
        return [d["id"] for d in response.json()["documents"]]

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, headers=CLIENT_HEADERS)


def _seed_page(folder: Path, seed: int) -> bytes:
    """Page 1 of the seed form, rendered by the corpus generator, as a one-page PDF."""
    whole = render_seed_pdf(folder / f"seed{seed}.pdf", seed=seed)
    page = folder / f"seed{seed}-p1.pdf"
    subprocess.run(["pdfseparate", "-f", "1", "-l", "1", str(whole), str(page)], check=True)
    return page.read_bytes()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("stack")
    redis = Redis(folder / "redis")
    redis.start()
    # open access on loopback keeps these tests about the work, not the tokens
    env = jixiao_env(folder / "data", REDIS_URL=redis.url, JIXIAO_OPEN_ACCESS="1")
    try:
        with api(env, folder / "api.log", "--api-only") as (url, _):
            stack = Stack(folder, env, url, redis)
            stack.start_worker()
            try:
                yield stack
            finally:
                if stack.worker is not None:
                    stop(stack.worker)
    finally:
        redis.stop()


def test_pages_without_the_form_fail_with_a_reason_and_the_worker_lives(
    stack: Stack, tmp_path: Path
) -> None:
    other_form = files.ruled_table(
        tmp_path / "other.png",
        [["姓名", "部门", "电话"], ["张三", "办公室", "12345"], ["李四", "财务科", "67890"]],
    )
    ids = stack.upload(
        ("blank.png", files.png(1654, 2339)),
        ("no-table.png", files.noise_page(tmp_path / "noise.png").read_bytes()),
        ("other-form.png", other_form.read_bytes()),
    )
    with stack.client() as client:
        docs = wait_final(client, ids, timeout_s=240)
    for doc in docs:
        assert doc["status"] == "failed", doc
        assert "部门整体预算绩效目标表" in doc["error"], doc  # says what it expected
        assert doc["errors"] and doc["errors"][-1]["stage"] == "assemble"
    assert stack.worker.poll() is None


def _pool_children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def test_a_worker_killed_mid_page_is_redelivered_and_stores_one_set_of_fields(
    stack: Stack, tmp_path: Path
) -> None:
    (doc_id,) = stack.upload(("seed.pdf", _seed_page(tmp_path, seed=7)))
    marker = "Task jixiao.read_page["  # the task received, not the start-up list of tasks
    offset = stack.worker_log.stat().st_size
    until(
        lambda: marker in stack.worker_log.read_text(errors="replace")[offset:], 120, "no page task"
    )
    with stack.client() as client:
        assert document(client, doc_id)["stage"] == "read"
    time.sleep(0.3)  # inside the page's work, which takes over a second
    (child,) = _pool_children(stack.worker.pid)
    os.kill(child, signal.SIGKILL)
    with stack.client() as client:
        (doc,) = wait_final(client, [doc_id], timeout_s=300)
        fields = client.get(f"{UPLOAD}/{doc_id}/fields").json()
        exported = client.get(f"{UPLOAD}/{doc_id}/export").json()
    log = stack.worker_log.read_text(errors="replace")[offset:]
    assert "WorkerLostError" in log or "retry" in log.lower()  # the kill did hit the task
    assert doc["status"] == "needs_review", doc
    assert (doc["pages_done"], doc["pages_total"]) == (1, 1) and not doc["errors"]
    paths = [f["path"] for f in fields]
    assert paths and len(paths) == len(set(paths)) == len(exported["fields"])
    assert stack.worker.poll() is None


def test_redis_restarted_mid_batch_the_batch_completes(stack: Stack, tmp_path: Path) -> None:
    ids = stack.upload(*[(f"s{seed}.pdf", _seed_page(tmp_path, seed)) for seed in (11, 12)])
    with stack.client() as client:
        until(lambda: document(client, ids[0])["stage"] == "read", 120, "never reading")
        stack.redis.stop()
        time.sleep(1)
        stack.redis.start()
        docs = wait_final(client, ids, timeout_s=400)
    assert [d["status"] for d in docs] == ["needs_review", "needs_review"], docs
    assert all(d["pages_done"] == d["pages_total"] == 1 for d in docs)


def test_a_task_over_its_time_limit_ends_and_says_so(stack: Stack, tmp_path: Path) -> None:
    stop(stack.worker)
    # a page takes over a second to read, so a 0.2 s limit always cuts it short
    stack.start_worker(JIXIAO_PAGE_TIME_LIMIT_S="0.2", JIXIAO_TIME_LIMIT_GRACE_S="2")
    started = time.monotonic()
    (doc_id,) = stack.upload(("slow.pdf", _seed_page(tmp_path, seed=13)))
    with stack.client() as client:
        (doc,) = wait_final(client, [doc_id], timeout_s=180)
    elapsed = time.monotonic() - started
    assert doc["status"] == "failed", doc
    (page_error,) = [e for e in doc["errors"] if e["page"] == 1]
    assert "time limit" in page_error["message"], page_error
    assert stack.worker.poll() is None
    print(f"page stopped at its 0.2 s limit; document failed {elapsed:.0f} s after upload")
