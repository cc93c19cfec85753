"""`jixiao upload`, `jixiao status`, `jixiao export`: scripts talking to a running server.

Results go to stdout, progress and errors to stderr, so a script can pipe one and log the
other. Exit codes: 0 done; 1 the server refused or a document could not be read; 2 no server
reached; 3 bad input here (a file missing, a file the server rejected, an unwritable --out).
"""

import argparse
import json
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import unquote

DEFAULT_SERVER = "http://127.0.0.1:8000"
DONE = {"needs_review", "ready", "accepted", "failed"}
REFUSED, UNREACHABLE, BAD_INPUT = 1, 2, 3
ENVIRONMENT = (
    "environment: JIXIAO_SERVER (base URL), JIXIAO_TOKEN (API token from `jixiao token "
    "create`, needed unless the server runs in embedded local mode). exit codes: 0 done, 1 "
    "refused by the server or a document not read, 2 no server reached, 3 bad input (a file "
    "missing or rejected, --out not writable)."
)


class BadInput(Exception):
    """Something wrong on this side: a file to send is missing, --out cannot be written."""


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.epilog = ENVIRONMENT
    parser.add_argument(
        "--server",
        default=os.environ.get("JIXIAO_SERVER", DEFAULT_SERVER),
        help=f"base URL (default: $JIXIAO_SERVER or {DEFAULT_SERVER})",
    )
    if name == "upload":
        parser.add_argument(
            "files",
            nargs="+",
            type=Path,
            help="scans (PDF, PNG, JPEG, TIFF), digital PDF, XLSX or DOCX files, or zips of them",
        )
        parser.add_argument("--batch-name", default=None)
        parser.add_argument(
            "--wait", action="store_true", help="poll until every file is read (progress on stderr)"
        )
    else:
        parser.add_argument("id", help="document id")
    if name == "status":
        parser.add_argument("--wait", action="store_true", help="poll until it is read")
    if name == "export":
        parser.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
        parser.add_argument(
            "--out", type=Path, default=None, help="default: the server's name (部门-年度-…)"
        )


def _print(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=1))


def _error(message: str) -> None:
    print(f"jixiao: {message}", file=sys.stderr)


def _refused(response: Any) -> int:
    try:
        body = response.json()
        _error(f"{response.status_code} {body.get('error')}: {body.get('message')}")
    except ValueError:
        _error(f"{response.status_code}: {response.text[:200]}")
    return REFUSED


def _progress(doc: dict) -> str:
    pages = f"{doc['pages_done']}/{doc['pages_total']}"
    return f"{doc['filename']}: {doc['status']} {doc['stage']} {pages}"


def _wait(client: Any, ids: list[str], poll_s: float = 1.0) -> list[dict]:
    """Poll until every document is finished, telling stderr each time one moves."""
    shown: dict[str, str] = {}
    while True:
        docs = [client.get(f"/api/v1/documents/{i}").raise_for_status().json() for i in ids]
        for doc in docs:
            line = _progress(doc)
            if shown.get(doc["id"]) != line:  # an ETA that only ticks down is not news
                eta = f" (about {doc['eta_s']:.0f}s left)" if doc.get("eta_s") else ""
                print(line + eta, file=sys.stderr, flush=True)
                shown[doc["id"]] = line
        if all(d["status"] in DONE for d in docs):
            return docs
        time.sleep(poll_s)


def _upload(client: Any, args: argparse.Namespace) -> int:
    missing = [str(p) for p in args.files if not p.is_file()]
    if missing:
        raise BadInput(f"找不到文件：{', '.join(missing)}")
    with ExitStack() as stack:
        files = [
            ("files", (p.name, stack.enter_context(p.open("rb")), "application/octet-stream"))
            for p in args.files
        ]
        data = {"batch_name": args.batch_name} if args.batch_name else {}
        response = client.post("/api/v1/documents", files=files, data=data)
    if response.status_code != 202:
        refused = _refused(response)
        return BAD_INPUT if response.status_code in (400, 413, 415, 422) else refused
    body = response.json()
    for rejected in body["rejected"]:
        _error(f"{rejected['filename']} 未接收：{rejected['message']}")
    if args.wait and body["documents"]:
        body["documents"] = _wait(client, [d["id"] for d in body["documents"]])
    _print(body)
    if body["rejected"]:
        return BAD_INPUT
    failed = [d for d in body["documents"] if d["status"] == "failed"]
    for doc in failed:
        _error(f"{doc['filename']} 识别失败：{doc.get('error')}")
    return REFUSED if failed else 0


def _file_name(response: Any, fallback: str) -> str:
    disposition = response.headers.get("content-disposition", "")
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "filename*" and value.lower().startswith("utf-8''"):
            return Path(unquote(value[7:])).name
    return fallback


def _export(client: Any, args: argparse.Namespace) -> int:
    response = client.get(f"/api/v1/documents/{args.id}/export", params={"format": args.format})
    if not response.is_success:
        return _refused(response)
    extension = {"json": "json", "csv": "csv.zip", "xlsx": "xlsx"}[args.format]
    out = args.out or Path(_file_name(response, f"{args.id}.{extension}"))
    try:
        out.write_bytes(response.content)
    except OSError as exc:
        raise BadInput(f"不能写入 {out}：{exc.strerror}") from exc
    print(out)
    return 0


def run(args: argparse.Namespace) -> int:
    import httpx

    try:
        token = os.environ.get("JIXIAO_TOKEN")
        headers = {"X-Jixiao-Client": "cli"}  # what a server without tokens asks of changes
        if token:
            headers["Authorization"] = f"Bearer {token}"
        with httpx.Client(base_url=args.server, timeout=120, headers=headers) as client:
            if args.command == "upload":
                return _upload(client, args)
            if args.command == "export":
                return _export(client, args)
            if args.wait:
                _print(_wait(client, [args.id])[0])
                return 0
            response = client.get(f"/api/v1/documents/{args.id}")
            if not response.is_success:
                return _refused(response)
            _print(response.json())
            return 0
    except BadInput as exc:
        _error(str(exc))
        return BAD_INPUT
    except httpx.HTTPStatusError as exc:
        return _refused(exc.response)
    except httpx.TransportError as exc:
        _error(f"cannot reach {args.server}: {exc}")
        return UNREACHABLE
