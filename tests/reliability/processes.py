"""Real processes for the reliability tests: `jixiao serve`/`jixiao worker` and a private Redis.

Each process gets its own session (so a test can signal it and its children) and a log file
the test can read. Redis runs on a spare port with its files in the test's folder: the
machine's shared Redis is never touched.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.service.helpers import free_port, wait_for

ROOT = Path(__file__).parents[2]
FINAL = {"needs_review", "ready", "accepted", "failed"}


def jixiao_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DATABASE_URL"} and not k.startswith("JIXIAO_")
    }
    return {**env, "JIXIAO_DATA_DIR": str(data_dir), "JIXIAO_OCR_THREADS": "1", **extra}


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = log.open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "jixiao.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextmanager
def running(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    proc = start(args, env, log)
    try:
        yield proc
    finally:
        stop(proc)


@contextmanager
def api(env: dict[str, str], log: Path, *extra: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`jixiao serve` on a free loopback port; yields its base URL once it answers."""
    port = free_port()
    with running(["serve", "--port", str(port), *extra], env, log) as proc:
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/healthz", timeout_s=120)
        yield url, proc


class Redis:
    """A redis-server of this test's own, with an append-only file so a restart keeps data."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)

    def start(self) -> None:
        options = f"--port {self.port} --bind 127.0.0.1 --appendonly yes --appendfsync always"
        self.proc = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", *options.split(), "--save", ""],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        until(lambda: _answers(self.port), 20, "redis did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: redis flushes its append-only file and exits
            self.proc.wait(timeout=20)


def _answers(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(port=port, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def until(check: Callable[[], object], timeout_s: float, message: str, poll_s: float = 0.2):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(poll_s)
    raise TimeoutError(message)


def document(client: httpx.Client, doc_id: str) -> dict:
    return client.get(f"/api/v1/documents/{doc_id}").raise_for_status().json()


def wait_final(client: httpx.Client, doc_ids: list[str], timeout_s: float) -> list[dict]:
    def check() -> list[dict] | None:
        docs = [document(client, i) for i in doc_ids]
        return docs if all(d["status"] in FINAL for d in docs) else None

    return until(check, timeout_s, f"documents not finished: {doc_ids}", poll_s=0.5)
