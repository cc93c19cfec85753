"""`jixiao serve`: the API, plus one worker subprocess unless `--api-only`.

With no configuration everything is embedded: SQLite under ./data, a SQLite-backed Celery
broker, one prefork worker, which `workers.supervisor` restarts when it dies or is stuck and
stops when serve gets SIGTERM or SIGINT (exit status 0 once the worker is gone). With
`REDIS_URL` and `DATABASE_URL`, run `jixiao serve --api-only` and as many `jixiao worker`
processes as the machine allows.

Access: the embedded mode on a loopback address runs open (no token, this machine only) and
says so; any other bind or configuration requires tokens (`jixiao token create`).
"""

import argparse
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


def open_access(settings: "Settings", host: str, require_tokens: bool) -> bool:
    """Open only where nobody else can connect; refuse an explicit open on a public bind."""
    from api.guard import is_loopback

    if settings.open_access and not is_loopback(host):
        raise SystemExit(f"JIXIAO_OPEN_ACCESS needs a loopback --host, not {host}")
    embedded = not settings.redis_url and not settings.database_url
    wanted = settings.open_access or (embedded and not require_tokens)
    return wanted and is_loopback(host)


def _exit_on_signal(signum: int, _frame: object) -> None:
    """SIGTERM/SIGINT outside uvicorn's own handling (during start-up, or uvicorn raising the
    signal again after its graceful stop): leave through `run`'s cleanup, exit status 0."""
    raise SystemExit(0)


def run(args: argparse.Namespace) -> int:
    import signal

    import uvicorn

    from api.app import create_app
    from jixiao.settings import get_settings
    from models.db import upgrade_database
    from workers.app import configure
    from workers.supervisor import Supervisor

    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, _exit_on_signal)
    settings = get_settings()
    is_open = open_access(settings, args.host, args.require_tokens)
    settings = settings.model_copy(update={"open_access": is_open})
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_database(settings.resolved_database_url)  # before the worker, so they do not race
    configure(settings)
    app = create_app(settings)
    supervisor = None if args.api_only else Supervisor(settings, args.concurrency)
    try:
        if supervisor is not None:
            supervisor.start()
            app.state.worker_health = supervisor.health
        mode = "redis" if settings.redis_url else "embedded (SQLite broker)"
        where = f"http://{args.host}:{args.port}"
        print(f"jixiao API on {where}  docs: /docs  queue: {mode}", flush=True)
        access = (
            f"OPEN, no token needed; reachable only from this machine ({args.host})"
            if is_open
            else "API tokens required (jixiao token create --role reviewer --name NAME)"
        )
        print(f"access: {access}", flush=True)
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    finally:
        if supervisor is not None:
            supervisor.stop()
            print("worker stopped", flush=True)
    return 0
