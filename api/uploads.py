"""Receiving uploads: multipart bodies streamed to disk, and zip batches unpacked safely.

The body is parsed as it arrives and each file written in chunks while its sha256 is computed,
so an upload is never held in memory and the size limit stops it mid-stream. Zip members are
written under generated names (a member's path is never used on disk: no zip slip), their real
decompressed size is counted (no trusting headers: no zip bomb), and their number is bounded.
"""

import hashlib
import tempfile
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.multipart import MultipartParser, parse_options_header

from ingest.errors import InputRejected
from ingest.sources import safe_filename

CHUNK = 1 << 20
MAX_FIELD_BYTES = 4096
MAX_FIELDS = 16
MAX_BATCH_FILES = 500
MAX_ZIP_RATIO = 200  # decompressed / compressed; scanned pages never come close
ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Received:
    """One file on disk under `incoming/`, not yet stored by content."""

    path: Path
    filename: str
    sha256: str
    size: int


@dataclass
class Upload:
    files: list[Received] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    def discard(self) -> None:
        for f in self.files:
            f.path.unlink(missing_ok=True)


def too_large(limit: int) -> InputRejected:
    return InputRejected("file_too_large", f"upload exceeds the limit of {limit} bytes")


def too_many_files(count: int) -> InputRejected:
    return InputRejected(
        "too_many_files", f"the request holds {count} files; at most {MAX_BATCH_FILES} at once"
    )


class _Sink:
    """Writes one file part to a temporary file while hashing and counting it."""

    def __init__(self, incoming: Path, filename: str) -> None:
        self.handle = tempfile.NamedTemporaryFile(dir=incoming, delete=False, suffix=".part")  # noqa: SIM115
        self.filename = filename
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self.hash.update(data)
        self.size += len(data)

    def close(self) -> Received:
        self.handle.close()
        return Received(Path(self.handle.name), self.filename, self.hash.hexdigest(), self.size)


async def receive_multipart(
    content_type: str | None, body: AsyncIterator[bytes], incoming: Path, limit: int
) -> Upload:
    """Parse a multipart body chunk by chunk; files go to `incoming`, small fields to a dict."""
    ctype, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise InputRejected("bad_request", "send the files as multipart/form-data")
    upload = Upload()
    state: dict = {"headers": {}, "header": b"", "value": b"", "sink": None, "name": None}
    text = bytearray()
    total = 0

    def on_part_begin() -> None:
        state.update(headers={}, header=b"", value=b"", sink=None, name=None)
        text.clear()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["header"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["header"].lower()] = state["value"]
        state["header"], state["value"] = b"", b""

    def on_headers_finished() -> None:
        _, disp = parse_options_header(state["headers"].get(b"content-disposition"))
        state["name"] = disp.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in disp:
            if len(upload.files) >= MAX_BATCH_FILES:  # every file counts, not only a zip's
                raise too_many_files(len(upload.files) + 1)
            filename = safe_filename(disp[b"filename"].decode("utf-8", "replace"))
            state["sink"] = _Sink(incoming, filename)
        elif len(upload.fields) >= MAX_FIELDS:
            raise InputRejected("bad_request", f"more than {MAX_FIELDS} form fields")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state["sink"] is not None:
            state["sink"].write(data[start:end])
        elif len(text) + end - start > MAX_FIELD_BYTES:
            raise InputRejected("bad_request", f"form field {state['name']!r} is too long")
        else:
            text.extend(data[start:end])

    def on_part_end() -> None:
        sink = state["sink"]
        if sink is not None:
            upload.files.append(sink.close())
            state["sink"] = None
        elif state["name"]:
            upload.fields[state["name"]] = text.decode("utf-8", "replace")

    parser = MultipartParser(boundary, {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field,
        "on_header_value": on_header_value, "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
        "on_part_end": on_part_end,
    })  # fmt: skip
    try:
        async for chunk in body:
            total += len(chunk)
            if total > limit + 64 * 1024:  # the limit is on files; allow for part headers
                raise too_large(limit)
            parser.write(chunk)
        parser.finalize()
        if sum(f.size for f in upload.files) > limit:
            raise too_large(limit)
    except BaseException:
        if state["sink"] is not None:
            upload.files.append(state["sink"].close())
        upload.discard()
        raise
    if not upload.files:
        raise InputRejected("no_files", "the request holds no files")
    return upload


def is_zip(received: Received) -> bool:
    with received.path.open("rb") as fh:
        return fh.read(4) == ZIP_MAGIC


def expand_zip(archive: Received, incoming: Path, limit: int) -> list[Received]:
    """The members of a zip batch as files of their own; the archive itself is removed."""
    out: list[Received] = []
    try:
        with zipfile.ZipFile(archive.path) as zf:
            members = [
                m for m in zf.infolist()
                if not m.is_dir() and "__MACOSX/" not in m.filename
                and not safe_filename(m.filename).startswith(".")
            ]  # fmt: skip
            if len(members) > MAX_BATCH_FILES:
                raise InputRejected("zip_unsafe", f"more than {MAX_BATCH_FILES} files in the zip")
            budget = limit * 10  # all members together
            for member in members:
                if member.flag_bits & 0x1:
                    raise InputRejected("zip_unsafe", f"{member.filename}: encrypted member")
                if member.file_size > limit or member.file_size > MAX_ZIP_RATIO * max(
                    member.compress_size, 1 << 16
                ):
                    raise InputRejected("zip_unsafe", f"{member.filename}: too large unpacked")
                sink = _Sink(incoming, safe_filename(member.filename))
                try:
                    with zf.open(member) as src:
                        while chunk := src.read(CHUNK):
                            sink.write(chunk)
                            budget -= len(chunk)
                            if sink.size > limit or budget < 0:
                                raise InputRejected("zip_unsafe", "zip unpacks beyond the limit")
                finally:
                    out.append(sink.close())
    except (zipfile.BadZipFile, EOFError, NotImplementedError) as exc:
        for f in out:
            f.path.unlink(missing_ok=True)
        raise InputRejected("zip_corrupt", f"{archive.filename}: not a readable zip") from exc
    except BaseException:
        for f in out:
            f.path.unlink(missing_ok=True)
        raise
    finally:
        archive.path.unlink(missing_ok=True)
    if not out:
        raise InputRejected("no_files", f"{archive.filename}: the zip holds no files")
    return out
