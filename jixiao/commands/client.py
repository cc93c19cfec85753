"""`jixiao upload`, `jixiao status`, `jixiao export`: scripts talking to a running server.

Exit codes: 0 done, 1 the server refused (its JSON error is printed), 2 no server reached.
A server that needs a token gets the one in `$JIXIAO_TOKEN` (`jixiao token create`).
"""

import argparse
import json
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

DEFAULT_SERVER = "http://127.0.0.1:8000"
DONE = {"needs_review", "accepted", "failed"}


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "--server",
        default=os.environ.get("JIXIAO_SERVER", DEFAULT_SERVER),
        help=f"base URL (default: $JIXIAO_SERVER or {DEFAULT_SERVER})",
    )
    if name == "upload":
        parser.add_argument("files", nargs="+", type=Path, help="scans, or zips of scans")
        parser.add_argument("--batch-name", default=None)
        parser.add_argument("--wait", action="store_true", help="poll until every file is read")
    else:
        parser.add_argument("id", help="document id")
    if name == "status":
        parser.add_argument("--wait", action="store_true", help="poll until it is read")
    if name == "export":
        parser.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
        parser.add_argument("--out", type=Path, default=None, help="default: <id>.<extension>")


def _print(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=1))


def _wait(client: Any, ids: list[str], poll_s: float = 1.0) -> list[dict]:
    while True:
        docs = [client.get(f"/api/v1/documents/{i}").raise_for_status().json() for i in ids]
        if all(d["status"] in DONE for d in docs):
            return docs
        time.sleep(poll_s)


def _upload(client: Any, args: argparse.Namespace) -> int:
    with ExitStack() as stack:
        files = [
            ("files", (p.name, stack.enter_context(p.open("rb")), "application/octet-stream"))
            for p in args.files
        ]
        data = {"batch_name": args.batch_name} if args.batch_name else {}
        response = client.post("/api/v1/documents", files=files, data=data)
    if response.status_code != 202:
        _print(response.json())
        return 1
    body = response.json()
    if args.wait:
        body["documents"] = _wait(client, [d["id"] for d in body["documents"]])
    _print(body)
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
            if args.command == "status":
                if args.wait:
                    _print(_wait(client, [args.id])[0])
                    return 0
                response = client.get(f"/api/v1/documents/{args.id}")
                _print(response.json())
                return 0 if response.is_success else 1
            response = client.get(
                f"/api/v1/documents/{args.id}/export", params={"format": args.format}
            )
            if not response.is_success:
                _print(response.json())
                return 1
            extension = {"json": "json", "csv": "zip", "xlsx": "xlsx"}[args.format]
            out = args.out or Path(f"{args.id}.{extension}")
            out.write_bytes(response.content)
            print(out)
            return 0
    except httpx.HTTPStatusError as exc:
        print(f"{exc.response.status_code}: {exc.response.text}", file=sys.stderr)
        return 1
    except httpx.TransportError as exc:
        print(f"cannot reach {args.server}: {exc}", file=sys.stderr)
        return 2
