"""A full disk under the data folder: uploads get 507 (nothing kept) and /readyz says so, and
both recover by themselves once room returns; the embedded worker keeps, or regains, its
ability to read.

The disk is real: a small tmpfs mounted for the test (so the test needs root, and is skipped
without it), filled with a ballast file."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jixiao.settings import Settings
from tests.reliability import files

UPLOAD = "/api/v1/documents"
MIB = 1 << 20


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mount)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("a small disk cannot be mounted here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """A ballast file taking all but `leave` bytes of the disk."""
    import shutil

    ballast = disk / "ballast"
    size = shutil.disk_usage(disk).free - leave
    with ballast.open("wb") as handle:
        handle.truncate(0)
        chunk = b"\0" * MIB
        while size > 0:
            size -= handle.write(chunk[: min(size, MIB)])
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
