"""`jixiao serve`'s own worker, kept working: started, watched, restarted when it dies or stops
working, and stopped within a grace period when the service stops.

What counts as stuck: no heartbeat (`workers.heartbeat`) for `worker_stuck_after_s`, or none
since start after `worker_start_timeout_s`; a task running past its hard time limit; or, on
the embedded queue, the worker idle that long while documents wait untouched (a consumer that
takes no more messages, as after a failed acknowledgement on a full disk). A dead or stuck
worker is reported by `health()` (and so by `/readyz`) until its replacement beats; on the
embedded queue every unfinished document is released and sent again before a worker starts
(`workers.recovery`), so nothing its predecessor held is lost and nothing is read twice.
"""

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel

from jixiao.settings import Settings
from workers.heartbeat import heartbeat_path, read_heartbeat

log = logging.getLogger(__name__)

CHECK_EVERY_S = 1.0
HEALTHY_RUN_S = 60.0  # a worker that lived this long restarts after the first delay again
MAX_RESTART_DELAY_S = 60.0
PARENT_ENV = "JIXIAO_SUPERVISOR_PID"  # tells the worker to die with its supervisor


class WorkerState(StrEnum):
    STARTING = "starting"
    RUNNING = "running"
    DEAD = "dead"
    STUCK = "stuck"
    STOPPED = "stopped"


class WorkerHealth(BaseModel):
    state: WorkerState
    pid: int | None
    restarts: int
    reason: str | None = None


class Supervisor:
    def __init__(self, settings: Settings, concurrency: int) -> None:
        self.settings = settings
        self.concurrency = concurrency
        self.embedded = not settings.redis_url
        self._proc: subprocess.Popen | None = None
        self._started_at = 0.0
        self._idle_since: float | None = None
        self._failed_at: float | None = None
        self._delay_s = settings.worker_restart_delay_s
        self._health = WorkerHealth(state=WorkerState.STOPPED, pid=None, restarts=0)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)

    def start(self) -> None:
        with self._lock:
            self._launch()
        self._watcher.start()

    def health(self) -> WorkerHealth:
        with self._lock:
            return self._health.model_copy()

    def stop(self) -> None:
        """Ask the worker to finish its task (Celery's warm shutdown), and end it and its pool
        after `shutdown_grace_s`; what it did not finish is sent again on the next start."""
        self._stopping.set()
        if self._watcher.is_alive():
            self._watcher.join()
        with self._lock:
            self._end(signal.SIGTERM, self.settings.shutdown_grace_s)
            self._health = self._health.model_copy(
                update={"state": WorkerState.STOPPED, "pid": None}
            )

    # -- inside the lock --------------------------------------------------------------------

    def _launch(self) -> None:
        if self.embedded:
            self._requeue()
        env = dict(
            os.environ,
            JIXIAO_DATA_DIR=str(self.settings.data_dir.resolve()),
            **{PARENT_ENV: str(os.getpid())},
        )
        concurrency = f"--concurrency={self.concurrency}"
        command = [sys.executable, "-m", "jixiao.cli", "worker", concurrency]
        self._proc = subprocess.Popen(command, env=env, start_new_session=True)
        self._started_at, self._idle_since = time.monotonic(), None
        self._health = self._health.model_copy(
            update={"state": WorkerState.STARTING, "pid": self._proc.pid, "reason": None}
        )

    def _requeue(self) -> None:
        from models.db import session_factory
        from workers.recovery import requeue_unfinished
        from workers.tasks import ingest_document

        try:
            with session_factory(self.settings.resolved_database_url)() as session:
                ids = requeue_unfinished(session, lambda i: ingest_document.delay(i))
        except Exception:  # the next check finds the documents waiting and tries again
            log.exception("unfinished documents could not be sent again")
            return
        if ids:
            print(f"re-queued {len(ids)} unfinished document(s)", flush=True)

    def _end(self, first: signal.Signals, grace_s: float) -> None:
        """Signal the worker, wait up to `grace_s`, then kill its whole process group."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(first)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=grace_s)
        with contextlib.suppress(ProcessLookupError):  # the pool too, whatever became of its head
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        heartbeat_path(self.settings.data_dir.resolve(), proc.pid).unlink(missing_ok=True)
        self._proc = None

    def _watch(self) -> None:
        while not self._stopping.wait(CHECK_EVERY_S):
            try:
                with self._lock:
                    self._check()
            except Exception:  # the watcher must outlive any one bad check
                log.exception("worker check failed")

    def _check(self) -> None:
        state, reason = self._verdict()
        now = time.monotonic()
        if state in (WorkerState.DEAD, WorkerState.STUCK):
            if self._failed_at is None:
                self._failed_at = now
                log.error("worker %s: %s", state.value, reason)
            self._health = self._health.model_copy(update={"state": state, "reason": reason})
            if now - self._failed_at >= self._delay_s:
                self._restart(now)
            return
        self._health = self._health.model_copy(update={"state": state, "reason": reason})

    def _restart(self, now: float) -> None:
        lived = now - self._started_at
        self._end(signal.SIGTERM, min(5.0, self.settings.shutdown_grace_s))
        self._delay_s = (
            self.settings.worker_restart_delay_s
            if lived >= HEALTHY_RUN_S
            else min(2 * self._delay_s, MAX_RESTART_DELAY_S)
        )
        self._failed_at = None
        self._health = self._health.model_copy(update={"restarts": self._health.restarts + 1})
        self._launch()

    def _verdict(self) -> tuple[WorkerState, str | None]:
        proc = self._proc
        if proc is None:
            return WorkerState.DEAD, "not running"
        code = proc.poll()  # reaps it: no zombie is left
        if code is not None:
            return WorkerState.DEAD, f"exited with code {code}"
        now = time.monotonic()
        beat = read_heartbeat(heartbeat_path(self.settings.data_dir.resolve(), proc.pid))
        limit = self.settings.worker_stuck_after_s
        if beat is None:
            if now - self._started_at > self.settings.worker_start_timeout_s:
                return WorkerState.STUCK, "no heartbeat since it started"
            return WorkerState.STARTING, None
        silent_s = time.time() - beat.at
        if silent_s > limit:
            return WorkerState.STUCK, f"no heartbeat for {silent_s:.0f} s"
        longest = max(self.settings.page_time_limit_s, self.settings.document_time_limit_s)
        if beat.oldest_active_s > longest + self.settings.time_limit_grace_s + limit:
            return WorkerState.STUCK, f"a task has run {beat.oldest_active_s:.0f} s"
        if beat.active:
            self._idle_since = None
            return WorkerState.RUNNING, None
        self._idle_since = self._idle_since or now
        if self.embedded and now - self._idle_since > limit:
            waiting_s = self._oldest_wait_s()
            if waiting_s is not None and waiting_s > limit:
                return WorkerState.STUCK, f"idle while a document has waited {waiting_s:.0f} s"
        return WorkerState.RUNNING, None

    def _oldest_wait_s(self) -> float | None:
        """How long the least recently touched unfinished document has waited, if any."""
        from models import store
        from models.db import session_factory

        with session_factory(self.settings.resolved_database_url)() as session:
            touched = store.oldest_unfinished_update(session)
        if touched is None:
            return None
        touched = touched if touched.tzinfo else touched.replace(tzinfo=UTC)
        return (datetime.now(UTC) - touched).total_seconds()
