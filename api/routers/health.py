"""Liveness and readiness probes."""

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.deps import SettingsDep
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


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(settings: SettingsDep) -> JSONResponse:
    """The database and the broker answer; 503 (with what is down) otherwise."""
    checks = {
        "database": await run_in_threadpool(database_reachable, settings.resolved_database_url),
        "broker": await run_in_threadpool(_broker_reachable),
    }
    ok = all(checks.values())
    return JSONResponse({"ready": ok, **checks}, status_code=200 if ok else 503)
