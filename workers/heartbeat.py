"""A worker's heartbeat: a small JSON file its consumer rewrites every few seconds with the
tasks it is running and since when, so whoever started the worker can tell a live one from a
dead, hung or deaf one (`workers.supervisor`).

The file is written by a thread of the worker's main process while its consumer runs: a
process that hangs or dies stops the beat; a consumer that stops taking work while the process
lives shows instead as idle while documents wait.
"""

import json
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

from celery import bootsteps
from pydantic import BaseModel

from jixiao.settings import get_settings

BEAT_S = 2.0


class Heartbeat(BaseModel):
    pid: int
    at: float  # time.time() of the beat
    active: int  # tasks being run by the pool
    oldest_active_s: float  # how long the longest-running of them has run; 0 when idle


def heartbeat_path(data_dir: Path, pid: int, host: str | None = None) -> Path:
    return data_dir / "heartbeats" / f"{host or socket.gethostname()}-{pid}.json"


def read_heartbeat(path: Path) -> Heartbeat | None:
    try:
        return Heartbeat.model_validate_json(path.read_bytes())
    except (OSError, ValueError):
        return None


def _beat(path: Path) -> None:
    from celery.worker import state

    now = time.time()
    started = [r.time_start for r in list(state.active_requests) if r.time_start]
    beat = Heartbeat(
        pid=os.getpid(),
        at=now,
        active=len(state.active_requests),
        oldest_active_s=max((now - s for s in started), default=0.0),
    )
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps(beat.model_dump()))
        os.replace(tmp, path)
    except OSError:  # a full disk must not stop the consumer; a stale beat tells the story
        tmp.unlink(missing_ok=True)


class HeartbeatStep(bootsteps.StartStopStep):
    """Consumer step: a thread of the worker's main process beats every `BEAT_S` seconds
    while the consumer runs (the consumer's own timer does not fire while a task runs)."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.path = heartbeat_path(get_settings().data_dir.resolve(), os.getpid())
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self, parent: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.stopped.clear()
        _beat(self.path)
        self.thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopped.wait(BEAT_S):
            _beat(self.path)

    def stop(self, parent: Any) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()
            self.thread = None

    def shutdown(self, parent: Any) -> None:
        self.stop(parent)
        self.path.unlink(missing_ok=True)
