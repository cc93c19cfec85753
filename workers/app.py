"""The Celery application. Its configuration is read from `Settings` when first needed, not at
import, so importing this module is cheap and a process can configure it explicitly first.

Two transports: Redis when `REDIS_URL` is set; otherwise an embedded SQLite broker and result
store under the data folder, so `jixiao serve` runs real Celery with nothing to install.
"""

from typing import Any

from celery import Celery

from jixiao.settings import Settings, get_settings

TASK_MODULES = ["workers.tasks"]

celery_app = Celery("jixiao", include=TASK_MODULES)


def celery_config(settings: Settings) -> dict[str, Any]:
    if settings.redis_url:
        broker = backend = settings.redis_url
        transport_options: dict[str, Any] = {"visibility_timeout": 3600}
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
        "worker_prefetch_multiplier": 1,
        "result_expires": 24 * 3600,
        "worker_hijack_root_logger": False,
    }


def configure(settings: Settings) -> Celery:
    """Point the app at the transports these settings describe (API and worker startup)."""
    celery_app.conf.update(celery_config(settings))
    return celery_app


celery_app.add_defaults(lambda: celery_config(get_settings()))
