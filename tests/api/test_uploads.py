"""Streaming multipart reception and zip batches, with hostile names, sizes and archives."""

import asyncio
import hashlib
import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from api.uploads import expand_zip, is_zip, receive_multipart
from ingest.errors import InputRejected


def _body(files: list[tuple[str, bytes]], data: dict | None = None) -> tuple[str, bytes]:
    request = httpx.Request(
        "POST", "http://x/", files=[("files", (n, c)) for n, c in files], data=data or {}
    )
    return request.headers["content-type"], request.read()


async def _chunks(body: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for i in range(0, len(body), size):
        yield body[i : i + size]


def _receive(files: list[tuple[str, bytes]], incoming: Path, limit: int, **kw) -> object:
    ctype, body = _body(files, **kw)
    return asyncio.run(receive_multipart(ctype, _chunks(body), incoming, limit))


def test_files_are_streamed_to_disk_with_hash_and_safe_names(tmp_path: Path) -> None:
    a, b = b"%PDF-1.4 first" * 500, b"second file"
    upload = _receive(
        [("../../etc/passwd.pdf", a), ("ok.png", b)], tmp_path, 10**6, data={"batch_name": "q1"}
    )
    assert [f.filename for f in upload.files] == ["passwd.pdf", "ok.png"]
    assert [f.sha256 for f in upload.files] == [hashlib.sha256(x).hexdigest() for x in (a, b)]
    assert [f.path.read_bytes() for f in upload.files] == [a, b]
    assert all(f.path.parent == tmp_path for f in upload.files)
    assert upload.fields == {"batch_name": "q1"}


def test_size_limit_stops_the_stream_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(InputRejected) as err:
        _receive([("big.pdf", b"x" * 300_000)], tmp_path, 100_000)
    assert err.value.code == "file_too_large"
    assert list(tmp_path.iterdir()) == []


def test_body_without_files_is_rejected(tmp_path: Path) -> None:
    request = httpx.Request("POST", "http://x/", files={"batch_name": (None, b"x")})
    body = request.read()
    with pytest.raises(InputRejected) as err:
        asyncio.run(
            receive_multipart(request.headers["content-type"], _chunks(body), tmp_path, 1000)
        )
    assert err.value.code == "no_files"
    with pytest.raises(InputRejected) as err:
        _receive([], tmp_path, 1000, data={"batch_name": "x"})  # a urlencoded form
    assert err.value.code == "bad_request"


def _zip(tmp_path: Path, members: dict[str, bytes], name: str = "batch.zip") -> object:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, content in members.items():
            zf.writestr(member, content)
    (upload,) = _receive([(name, buf.getvalue())], tmp_path, 10**8).files
    return upload


def test_zip_members_never_leave_the_incoming_folder(tmp_path: Path) -> None:
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    archive = _zip(incoming, {"../../evil.pdf": b"%PDF-1.4 a", "dir/b.png": b"png", "dir/": b""})
    assert is_zip(archive)
    files = expand_zip(archive, incoming, 10**6)
    assert sorted(f.filename for f in files) == ["b.png", "evil.pdf"]
    assert all(f.path.parent == incoming for f in files)
    assert not archive.path.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["incoming"]


def test_zip_bomb_is_refused_before_filling_the_disk(tmp_path: Path) -> None:
    archive = _zip(tmp_path, {"bomb.pdf": b"\0" * 50_000_000})
    with pytest.raises(InputRejected) as err:
        expand_zip(archive, tmp_path, 10_000_000)
    assert err.value.code == "zip_unsafe"
    assert list(tmp_path.iterdir()) == []


def test_corrupt_zip_is_rejected(tmp_path: Path) -> None:
    archive = _zip(tmp_path, {"a.pdf": b"%PDF-1.4" * 100})
    archive.path.write_bytes(archive.path.read_bytes()[:60])
    with pytest.raises(InputRejected) as err:
        expand_zip(archive, tmp_path, 10**6)
    assert err.value.code == "zip_corrupt"
