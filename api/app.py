"""The FastAPI application factory. Startup brings the database to the newest migration and
points Celery at the configured transports; nothing happens at import."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

import jixiao
from api import errors, security
from api.guard import RequestGuard
from api.routers import corrections, docs, documents, fields, forms, health, pages, rows
from jixiao.settings import Settings, get_settings
from models.db import upgrade_database


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        from workers.app import configure

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        await run_in_threadpool(upgrade_database, settings.resolved_database_url)
        configure(settings)
        yield

    app = FastAPI(
        title="jixiao",
        version=jixiao.__version__,
        summary="Scanned 部门整体 and 项目支出 绩效目标表 in, checked and reviewable data out",
        lifespan=lifespan,
        docs_url=None,  # served from packaged files by api/routers/docs.py, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    errors.install(app)
    app.add_middleware(RequestGuard, settings=settings)  # innermost: refusals get the headers
    security.install(app, settings)
    for module in (documents, fields, rows, corrections, forms, health, pages, docs):
        app.include_router(module.router)
    return app
