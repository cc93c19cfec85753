"""Shared by the service, API and worker tests: scans to upload, services to reach."""

import importlib.util
import random
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

REDIS_URL = "redis://127.0.0.1:6379/11"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
READ_PATH_MODULES = ("ingest.grid", "ingest.ocr.assign", "ingest.mapping")


def render_seed_pdf(path: Path, seed: int = 7, misprinted_basic: str | None = "379.72") -> Path:
    """The seed table drawn by the synthetic renderer as a clean multi-page PDF (200 dpi).

    By default 基本支出 is printed with two digits swapped (379.72 for 397.72), so the budget
    identity fails and every reading has a flag for a reviewer to clear, however well the page
    is read.
    """
    pytest.importorskip("ingest.synth.render", reason="the synthetic renderer is not available")
    from PIL import Image

    from ingest.synth.content import seed_content
    from ingest.synth.layout import layout_pages
    from ingest.synth.render import render_page
    from ingest.synth.style import pick_style
    from ingest.synth.table import build_table

    rng = random.Random(seed)
    content = seed_content()
    if misprinted_basic is not None:
        budget = content.document.budget.model_copy(update={"basic_expenditure": misprinted_basic})
        document = content.document.model_copy(update={"budget": budget})
        content = content.model_copy(update={"document": document})
    style = pick_style(rng, 200)
    table = build_table(content, style, rng)
    pages = layout_pages(table, style, content.document.title or "")
    images = [Image.fromarray(render_page(p, style)) for p in pages]
    images[0].save(path, save_all=True, append_images=images[1:], resolution=200)
    return path


def read_path_missing() -> str | None:
    """Why the real pipeline cannot run here, or None when it can."""
    missing = [m for m in READ_PATH_MODULES if importlib.util.find_spec(m) is None]
    return f"reading stages not importable yet: {', '.join(missing)}" if missing else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout_s}s")


def redis_unreachable() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:
        return f"Redis not reachable at {REDIS_URL}: {exc}"
    return None


def postgres_unreachable() -> str | None:
    import psycopg

    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=2).close()
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}"
    return None


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A database of its own for one test, dropped afterwards."""
    import psycopg

    name = f"jixiao_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        from models.db import get_engine

        get_engine(url).dispose()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
