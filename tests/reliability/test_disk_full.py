"""A full disk under the data folder: uploads get 507 (nothing kept) and /readyz says so, and
both recover by themselves once room returns; the embedded worker keeps, or regains, its
ability to read.

The disk is real: a small tmpfs mounted for the test (so the test needs root, and is skipped
without it), filled with a ballast file."""

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from jixiao.settings import Settings
from tests.conftest import CLIENT_HEADERS
from tests.reliability import files
from tests.reliability.processes import api, jixiao_env, until, wait_final
from tests.reliability.test_worker import _seed_page
from tests.service.helpers import read_path_missing

UPLOAD = "/api/v1/documents"
MIB = 1 << 20


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", str(mount)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("a small disk cannot be mounted here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """A ballast file taking all but `leave` bytes of the disk; a running worker writing at the
    same time may fill it first, which is as full as it gets."""
    import errno
    import shutil

    ballast = disk / "ballast"
    size = shutil.disk_usage(disk).free - leave
    with ballast.open("wb", buffering=0) as handle:  # unbuffered: nothing left to flush
        chunk = b"\0" * MIB
        try:
            while size > 0:
                size -= handle.write(chunk[: min(size, MIB)])
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    return ballast


@pytest.fixture
def settings(small_disk: Path) -> Settings:
    return Settings(
        data_dir=small_disk / "data", REDIS_URL=None, DATABASE_URL=None, open_access=True,
        min_free_bytes=4 * MIB,
    )  # fmt: skip


def test_a_full_disk_refuses_uploads_says_so_and_recovers(
    client: TestClient, settings: Settings, small_disk: Path, queued: list
) -> None:
    assert client.get("/readyz").json()["disk"] is True
    ballast = fill(small_disk, leave=2 * MIB)
    refused = client.post(UPLOAD, files={"files": ("a.png", files.png(mark=1))})
    assert refused.status_code == 507 and refused.json()["error"] == "insufficient_storage"
    assert refused.headers["Retry-After"]
    ready = client.get("/readyz")
    assert (ready.status_code, ready.json()["disk"]) == (503, False)
    assert queued == [] and not list(settings.data_dir.glob("*/*"))  # no upload, nothing incoming

    ballast.unlink()  # room again: no restart needed
    assert client.get("/readyz").status_code == 200
    accepted = client.post(UPLOAD, files={"files": ("a.png", files.png(mark=1))})
    assert accepted.status_code == 202 and len(queued) == 1


def test_a_disk_filling_while_an_upload_streams_answers_507_and_keeps_nothing(
    client: TestClient, settings: Settings, small_disk: Path, queued: list
) -> None:
    settings.min_free_bytes = 0  # let the body in: the disk fills while it is written
    fill(small_disk, leave=1 * MIB)

    def body() -> Iterator[bytes]:  # streamed: no Content-Length to judge it by
        yield b'--b0\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n\r\n'
        for _ in range(4):
            yield b"%PDF-1.4\n" + b"\0" * MIB
        yield b"\r\n--b0--\r\n"

    headers = {"Content-Type": "multipart/form-data; boundary=b0"}
    response = client.post(UPLOAD, content=body(), headers=headers)
    assert response.status_code == 507 and response.json()["error"] == "insufficient_storage"
    assert queued == [] and not list(settings.data_dir.glob("*/*"))


@pytest.mark.slow
@pytest.mark.skipif(bool(read_path_missing()), reason=read_path_missing() or "")
def test_the_embedded_worker_reads_again_after_the_disk_was_full(
    small_disk: Path, tmp_path: Path
) -> None:
    """The probe: the disk filled while a document was read; the worker took no more tasks
    even after room was made. Here the disk fills just after an upload, is emptied 15 s
    later, and everything afterwards is read: the document caught in it ends with a status
    and a reason (not `processing` for ever), and a later upload is read."""
    env = jixiao_env(
        small_disk / "data", JIXIAO_MIN_FREE_BYTES=str(8 * MIB),
        JIXIAO_WORKER_STUCK_AFTER_S="10", JIXIAO_WORKER_RESTART_DELAY_S="2",
    )  # fmt: skip
    page = _seed_page(tmp_path, seed=3)
    with (
        api(env, tmp_path / "serve.log") as (url, _),
        httpx.Client(base_url=url, timeout=60, headers=CLIENT_HEADERS) as client,
    ):
        until(lambda: client.get("/readyz").status_code == 200, 120, "never ready")
        caught = _upload(client, "seed.pdf", page)
        ballast = fill(small_disk, leave=0)
        assert client.post(UPLOAD, files={"files": ("b.png", files.png())}).status_code == 507
        assert client.get("/readyz").json()["disk"] is False
        time.sleep(15)
        ballast.unlink()
        until(lambda: client.get("/readyz").status_code == 200, 180, "not ready again")
        later = _upload(client, "blank.png", files.png(mark=7))
        first, second = wait_final(client, [caught, later], 600)
    assert first["status"] in {"needs_review", "failed"}
    assert first["status"] == "needs_review" or first["error"]
    assert second["status"] == "failed" and "not a" in second["error"]  # read: a blank page


def _upload(client: httpx.Client, name: str, content: bytes) -> str:
    response = client.post(UPLOAD, files={"files": (name, content)})
    assert response.status_code == 202, response.text
    return response.json()["documents"][0]["id"]
