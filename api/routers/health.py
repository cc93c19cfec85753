"""Liveness and readiness probes."""

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.deps import SettingsDep
from jixiao.settings import Settings
from models.blobs import BlobStore
from models.db import database_reachable

router = APIRouter(tags=["health"])


def _broker_reachable() -> bool:
    from workers.app import celery_app

    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return False
    return True


def _disk_has_room(settings: Settings) -> bool:
    return BlobStore(settings.data_dir).free_bytes() >= settings.min_free_bytes


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request, settings: SettingsDep) -> JSONResponse:
    """The database and the broker answer, the disk has room (uploads get 507 otherwise)
    and, where `jixiao serve` runs its own worker, the worker is running (not starting, dead
    or stuck); 503, with what is not, otherwise."""
    checks: dict[str, bool | str] = {
        "database": await run_in_threadpool(database_reachable, settings.resolved_database_url),
        "broker": await run_in_threadpool(_broker_reachable),
        "disk": await run_in_threadpool(_disk_has_room, settings),
    }
    ok = all(checks.values())
    worker_health = getattr(request.app.state, "worker_health", None)
    if worker_health is not None:
        health = worker_health()
        checks["worker"] = health.state.value
        if health.reason:
            checks["worker_reason"] = health.reason
        ok = ok and health.state == "running"
    return JSONResponse({"ready": ok, **checks}, status_code=200 if ok else 503)
