"""`jixiao worker`: a Celery worker process (prefork) for the reading pipeline.

It reads the same settings as the API (`REDIS_URL`, `DATABASE_URL`, `JIXIAO_DATA_DIR`) and
brings the database to the newest migration before taking work, so it can start first.
"""

import argparse
import os
import socket
import sys


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "--concurrency", type=int, default=1, help="pool processes (each loads the OCR models)"
    )
    parser.add_argument("--loglevel", default="INFO")


def _die_with_supervisor() -> None:
    """Started by `jixiao serve`: ask Linux to SIGTERM this worker when serve dies, even by
    SIGKILL, so a killed server never leaves a worker consuming the queue behind it (a
    serve already gone before the request took effect ends this worker at once)."""
    from workers.supervisor import PARENT_ENV

    parent = os.environ.get(PARENT_ENV)
    if not parent or not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != int(parent):
        raise SystemExit("jixiao serve has gone; not starting its worker")


def run(args: argparse.Namespace) -> int:
    from jixiao.settings import get_settings
    from models.db import upgrade_database
    from workers.app import configure

    _die_with_supervisor()
    settings = get_settings()
    upgrade_database(settings.resolved_database_url)
    app = configure(settings)
    app.worker_main(
        [
            "worker",
            f"--concurrency={args.concurrency}",
            "--pool=prefork",
            f"--loglevel={args.loglevel}",
            f"--hostname=jixiao-{os.getpid()}@{socket.gethostname()}",
            "--without-gossip",
            "--without-mingle",
        ]
    )
    return 0
