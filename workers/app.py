"""The Celery application. Its configuration is read from `Settings` when first needed, not at
import, so importing this module is cheap and a process can configure it explicitly first.

Two transports: Redis when `REDIS_URL` is set; otherwise an embedded SQLite broker and result
store under the data folder, so `jixiao serve` runs real Celery with nothing to install.

Documents are read in upload order: a document's pages are queued behind those of the documents
uploaded before it, and its assembly, queued when its last page is read, waits in a queue of its
own that workers take from in turn with the pages, so the first upload is finished after its own
pages rather than after every page uploaded with it.
"""

from typing import Any

from celery import Celery
from kombu import Queue

from jixiao.settings import Settings, get_settings
from workers.heartbeat import HeartbeatStep

TASK_MODULES = ["workers.tasks"]
READ_QUEUE = "celery"  # Celery's default name, so messages queued by earlier releases are read
ASSEMBLE_QUEUE = "jixiao.assemble"

celery_app = Celery("jixiao", include=TASK_MODULES)


def _limits(soft_s: float, settings: Settings) -> dict[str, float]:
    return {"soft_time_limit": soft_s, "time_limit": soft_s + settings.time_limit_grace_s}


def celery_config(settings: Settings) -> dict[str, Any]:
    longest = max(settings.page_time_limit_s, settings.document_time_limit_s)
    if settings.redis_url:
        broker = backend = settings.redis_url
        # A message whose whole worker vanished is handed out again after this long; it must
        # outlast the longest task (a live task's message would otherwise run twice).
        visibility_s = 2 * (longest + settings.time_limit_grace_s)
        transport_options: dict[str, Any] = {"visibility_timeout": visibility_s}
    else:
        data = settings.data_dir.resolve()
        data.mkdir(parents=True, exist_ok=True)
        broker = f"sqla+sqlite:///{data / 'broker.sqlite'}"
        backend = f"db+sqlite:///{data / 'results.sqlite'}"
        # kombu hands these options to create_engine, so none are set (it polls every second)
        transport_options = {}
    return {
        "broker_url": broker,
        "result_backend": backend,
        "broker_transport_options": transport_options,
        "broker_connection_retry_on_startup": True,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        # A task is acknowledged only when done; a killed worker's task is delivered again.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        # A pool process that dies (killed, out of memory) gets its task sent again, counted
        # against the task's max_retries, so a page that kills every worker is given up on.
        "task_retry_on_worker_lost": True,
        # Soft limit: the task is asked to stop and records why; hard limit: its process goes.
        "task_annotations": {
            "jixiao.ingest_document": _limits(settings.document_time_limit_s, settings),
            "jixiao.read_page": _limits(settings.page_time_limit_s, settings),
            "jixiao.assemble_document": _limits(settings.document_time_limit_s, settings),
        },
        "task_queues": (Queue(READ_QUEUE), Queue(ASSEMBLE_QUEUE)),
        "task_default_queue": READ_QUEUE,
        "task_routes": {"jixiao.assemble_document": {"queue": ASSEMBLE_QUEUE}},
        "worker_prefetch_multiplier": 1,
        "result_expires": 24 * 3600,
        "worker_hijack_root_logger": False,
    }


def configure(settings: Settings) -> Celery:
    """Point the app at the transports these settings describe (API and worker startup)."""
    celery_app.conf.update(celery_config(settings))
    return celery_app


celery_app.add_defaults(lambda: celery_config(get_settings()))
celery_app.steps["consumer"].add(HeartbeatStep)
