"""Seconds from upload to a finished status for a 4-page scan, with 1 and 2 workers on Redis
and PostgreSQL: `python -m bench.service_latency [--repeat N]` from the repository root.

Each run starts `jixiao serve --api-only` and N `jixiao worker` processes on a fresh PostgreSQL
database and Redis db 11, waits for the workers to load their models, then times one upload of
the seed table rendered as a 4-page scan until it is `needs_review`.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.service.helpers import (
    REDIS_URL,
    free_port,
    fresh_postgres_database,
    render_seed_pdf,
    wait_for,
)

ROOT = Path(__file__).parents[1]
DONE = ("needs_review", "ready", "accepted", "failed")


def measure(workers: int, folder: Path) -> float:
    pdf = render_seed_pdf(folder / f"seed-{workers}-{time.time_ns()}.pdf")
    port = free_port()
    with fresh_postgres_database() as database_url:
        env = dict(
            os.environ,
            REDIS_URL=REDIS_URL,
            DATABASE_URL=database_url,
            JIXIAO_DATA_DIR=str(folder / f"data-{time.time_ns()}"),
            JIXIAO_OPEN_ACCESS="true",  # loopback only; timing, not access, is measured here
        )
        commands = [["serve", "--api-only", "--port", str(port)]] + [["worker"]] * workers
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "jixiao.cli", *command], env=env, cwd=ROOT,
                start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            for command in commands
        ]  # fmt: skip
        try:
            server = f"http://127.0.0.1:{port}"
            wait_for(f"{server}/readyz")
            time.sleep(8)  # the workers load their OCR models
            started = time.monotonic()
            with pdf.open("rb") as fh:
                answer = httpx.post(
                    f"{server}/api/v1/documents",
                    files={"files": ("seed.pdf", fh)},
                    timeout=60,
                    headers={"X-Jixiao-Client": "bench"},
                )
            doc_id = answer.json()["documents"][0]["id"]
            url = f"{server}/api/v1/documents/{doc_id}"
            while (doc := httpx.get(url).json())["status"] not in DONE:
                time.sleep(0.2)
            seconds = time.monotonic() - started
            print(json.dumps({"workers": workers, "status": doc["status"],
                              "pages": doc["pages_total"], "seconds": round(seconds, 1)}),
                  flush=True)  # fmt: skip
            return seconds
        finally:
            for proc in procs:
                os.killpg(proc.pid, signal.SIGTERM)
            for proc in procs:
                proc.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        runs: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(args.repeat):
            for workers in runs:
                runs[workers].append(measure(workers, Path(tmp)))
    for workers, seconds in runs.items():
        print(f"{workers} worker(s): median {statistics.median(seconds):.1f} s over {seconds}")


if __name__ == "__main__":
    main()
