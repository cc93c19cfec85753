"""`jixiao serve`: the API, plus one worker subprocess unless `--api-only`.

With no configuration everything is embedded: SQLite under ./data, a SQLite-backed Celery
broker, one prefork worker. With `REDIS_URL` and `DATABASE_URL`, run `jixiao serve --api-only`
and as many `jixiao worker` processes as the machine allows.

Access: the embedded mode on a loopback address runs open (no token, this machine only) and
says so; any other bind or configuration requires tokens (`jixiao token create`).
"""

import argparse
import ipaddress
import os
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jixiao.settings import Settings


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--api-only", action="store_true", help="start no worker")
    parser.add_argument(
        "--concurrency", type=int, default=1, help="processes of the bundled worker"
    )
    parser.add_argument(
        "--require-tokens", action="store_true", help="no open access, even on 127.0.0.1"
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def open_access(settings: "Settings", host: str, require_tokens: bool) -> bool:
    """Open only where nobody else can connect; refuse an explicit open on a public bind."""
    if settings.open_access and not is_loopback(host):
        raise SystemExit(f"JIXIAO_OPEN_ACCESS needs a loopback --host, not {host}")
    embedded = not settings.redis_url and not settings.database_url
    wanted = settings.open_access or (embedded and not require_tokens)
    return wanted and is_loopback(host)


def _start_worker(concurrency: int) -> subprocess.Popen:
    from jixiao.settings import get_settings

    env = dict(os.environ, JIXIAO_DATA_DIR=str(get_settings().data_dir.resolve()))
    cmd = [sys.executable, "-m", "jixiao.cli", "worker", f"--concurrency={concurrency}"]
    return subprocess.Popen(cmd, env=env, preexec_fn=_die_with_parent)


def _die_with_parent() -> None:
    """In the worker child: ask Linux to SIGTERM it when `serve` dies, even by SIGKILL, so a
    killed server never leaves a worker consuming the queue behind it."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _requeue_unfinished(settings: "Settings") -> None:
    from models.db import session_factory
    from workers.app import configure
    from workers.recovery import requeue_unfinished
    from workers.tasks import ingest_document

    configure(settings)
    with session_factory(settings.resolved_database_url)() as session:
        ids = requeue_unfinished(session, lambda document_id: ingest_document.delay(document_id))
    if ids:
        print(f"re-queued {len(ids)} unfinished document(s) left by an earlier run", flush=True)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from jixiao.settings import get_settings
    from models.db import upgrade_database

    settings = get_settings()
    is_open = open_access(settings, args.host, args.require_tokens)
    settings = settings.model_copy(update={"open_access": is_open})
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_database(settings.resolved_database_url)  # before the worker, so they do not race
    worker = None if args.api_only else _start_worker(args.concurrency)
    if worker is not None and not settings.redis_url:
        _requeue_unfinished(settings)
    mode = "redis" if settings.redis_url else "embedded (SQLite broker)"
    print(f"jixiao API on http://{args.host}:{args.port}  docs: /docs  queue: {mode}", flush=True)
    access = (
        f"OPEN, no token needed; reachable only from this machine ({args.host})"
        if is_open
        else "API tokens required (jixiao token create --role reviewer --name NAME)"
    )
    print(f"access: {access}", flush=True)
    try:
        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0
