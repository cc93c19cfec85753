"""A worker's heartbeat: a small JSON file its consumer rewrites every few seconds with the
tasks it is running and since when, so whoever started the worker can tell a live one from a
dead, hung or deaf one (`workers.supervisor`).

The file is written from the consumer's own timer: on Redis the timer runs in the consumer's
event loop, so a hung loop stops the beat; on the embedded SQLite queue it is a thread, and
a consumer that stops taking work shows instead as idle while documents wait.
"""

import json
import os
import socket
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
    """Consumer step: beat at once when the consumer starts, then every `BEAT_S` seconds."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.entry: Any = None
        self.path = heartbeat_path(get_settings().data_dir.resolve(), os.getpid())

    def start(self, parent: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _beat(self.path)
        self.entry = parent.timer.call_repeatedly(BEAT_S, _beat, (self.path,))

    def stop(self, parent: Any) -> None:
        if self.entry is not None:
            self.entry.cancel()
            self.entry = None

    def shutdown(self, parent: Any) -> None:
        self.stop(parent)
        self.path.unlink(missing_ok=True)
