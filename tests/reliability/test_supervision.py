"""`jixiao serve` keeps its embedded worker working: a killed worker is reported by /readyz and
restarted (no zombie left), a hung one is found stuck and replaced, and SIGTERM stops serve and
its worker cleanly (exit status 0, no process left), after which the restarted service
finishes the interrupted document without reading any page twice.

Real processes: `jixiao serve` in embedded mode (SQLite queue) with the real reading pipeline.
"""

import os
import re
import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.conftest import CLIENT_HEADERS
from tests.reliability import files
from tests.reliability.processes import api, jixiao_env, until, wait_final
from tests.service.helpers import read_path_missing, render_seed_pdf

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(read_path_missing()), reason=read_path_missing() or ""),
]
UPLOAD = "/api/v1/documents"


def _worker(serve: subprocess.Popen) -> psutil.Process:
    """serve's worker: its child running `jixiao.cli worker`."""

    def find() -> psutil.Process | None:
        for child in psutil.Process(serve.pid).children():
            if "worker" in child.cmdline():
                return child
        return None

    return until(find, 30, "serve started no worker")


def _ready(url: str) -> dict:
    response = httpx.get(f"{url}/readyz", timeout=10)
    return {**response.json(), "status": response.status_code}


def _upload(url: str, name: str, content: bytes) -> str:
    with httpx.Client(base_url=url, timeout=60, headers=CLIENT_HEADERS) as client:
        response = client.post(UPLOAD, files={"files": (name, content)})
    assert response.status_code == 202, response.text
    return response.json()["documents"][0]["id"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return jixiao_env(
        tmp_path / "data", JIXIAO_WORKER_RESTART_DELAY_S="3", JIXIAO_WORKER_STUCK_AFTER_S="6"
    )


def _replaced_after(
    url: str, serve: subprocess.Popen, sig: int, state: str, within_s: float
) -> dict:
    """Send `sig` to serve's ready worker; the /readyz answer naming it `state` once the
    worker is replaced by a new, ready one (the old one reaped)."""
    until(lambda: _ready(url)["status"] == 200, 120, "the worker never became ready")
    old = _worker(serve)
    old.send_signal(sig)
    report = until(lambda: (r := _ready(url))["worker"] == state and r, within_s, f"not {state}")
    until(lambda: _ready(url)["status"] == 200, 120, "the worker was not replaced")
    assert _worker(serve).pid != old.pid and not psutil.pid_exists(old.pid)
    return report


def test_a_killed_worker_is_reported_restarted_and_reads_again(
    env: dict[str, str], tmp_path: Path
) -> None:
    with api(env, tmp_path / "serve.log") as (url, serve):
        dead = _replaced_after(url, serve, signal.SIGKILL, "dead", 10)
        assert dead["status"] == 503 and "code -9" in dead["worker_reason"]
        doc_id = _upload(url, "blank.png", files.png(mark=11))
        with httpx.Client(base_url=url, timeout=30) as client:
            (doc,) = wait_final(client, [doc_id], 180)
        assert doc["status"] == "failed" and "not a" in doc["error"]  # read, by the new worker


def test_a_hung_worker_is_found_stuck_and_replaced(env: dict[str, str], tmp_path: Path) -> None:
    with api(env, tmp_path / "serve.log") as (url, serve):
        stuck = _replaced_after(url, serve, signal.SIGSTOP, "stuck", 30)
        assert stuck["status"] == 503 and "heartbeat" in stuck["worker_reason"]


def test_sigterm_stops_serve_and_its_worker_and_no_page_is_read_twice(
    env: dict[str, str], tmp_path: Path
) -> None:
    pdf = render_seed_pdf(tmp_path / "seed.pdf")
    logs = [tmp_path / "serve-1.log", tmp_path / "serve-2.log"]
    with api(env, logs[0]) as (url, serve):
        until(lambda: _ready(url)["status"] == 200, 120, "the worker never became ready")
        family = [_worker(serve), *_worker(serve).children(recursive=True)]
        doc_id = _upload(url, "seed.pdf", pdf.read_bytes())
        with httpx.Client(base_url=url, timeout=30) as client:
            total = until(
                lambda: (
                    (d := client.get(f"{UPLOAD}/{doc_id}").json())["pages_done"] >= 1
                    and d["pages_total"]
                ),
                300,
                "no page was read",
            )
        os.kill(serve.pid, signal.SIGTERM)
        assert serve.wait(timeout=60) == 0
        assert not [p.pid for p in family if p.is_running() and p.status() != "zombie"]
    with api(env, logs[1]) as (url, _), httpx.Client(base_url=url, timeout=30) as client:
        (doc,) = wait_final(client, [doc_id], 600)
    assert doc["status"] == "needs_review" and doc["pages_done"] == total
    reads = Counter(
        int(n)
        for log in logs
        for n in re.findall(rf"read page (\d+) of {doc_id}", log.read_text(errors="replace"))
    )
    assert reads == Counter(range(1, total + 1))  # each page read exactly once, over both runs
    # pages take longer than the 6 s after which silence means stuck: the beat goes on meanwhile
    assert not any("worker stuck" in log.read_text(errors="replace") for log in logs)


@pytest.fixture(autouse=True)
def _nothing_outlives_the_test(tmp_path: Path) -> Iterator[None]:
    yield
    until(lambda: not _ours(tmp_path), 30, "a worker or server outlived its test")


def _ours(folder: Path) -> list[int]:
    """Processes started for this test: their data folder is in its temporary folder."""
    mine = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("JIXIAO_DATA_DIR", "").startswith(str(folder)):
                mine.append(process.pid)
        except psutil.Error:
            continue
    return mine
