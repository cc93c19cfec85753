"""`jixiao worker`: a Celery worker process (prefork) for the reading pipeline.

It reads the same settings as the API (`REDIS_URL`, `DATABASE_URL`, `JIXIAO_DATA_DIR`) and
brings the database to the newest migration before taking work, so it can start first.
"""

import argparse
import os
import socket


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "--concurrency", type=int, default=1, help="pool processes (each loads the OCR models)"
    )
    parser.add_argument("--loglevel", default="INFO")


def run(args: argparse.Namespace) -> int:
    from jixiao.settings import get_settings
    from models.db import upgrade_database
    from workers.app import configure

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
