"""Reviewers correcting different fields of one document at the same moment: every value is
kept, in the field rows, the stored document (what exports read) and the audit trail, on
SQLite and PostgreSQL. The requests go through the real app, released together by a barrier."""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from jixiao.settings import Settings
from models.contract import PerformanceTargets, value_paths
from models.db import session_factory
from models.tokens import Role, create_token
from tests.reliability.conftest import bearer
from tests.reliability.reviewable import seed_contract, store_reviewable
from tests.service.helpers import fresh_postgres_database, postgres_unreachable


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'jixiao.db'}"
        return
    if reason := postgres_unreachable():
        pytest.skip(reason)
    with fresh_postgres_database() as url:
        yield url


def _text_paths() -> list[str]:
    """Fields whose kind takes any text: indicator names, then their values."""
    paths = [p for p, _ in value_paths(seed_contract())]
    return [p for p in paths if p.endswith(".name") and p.startswith("indicators")] + [
        p for p in paths if p.endswith(".value") and p.startswith("indicators")
    ]


@pytest.mark.parametrize("reviewers", [2, 10, 50])
def test_simultaneous_corrections_of_different_fields_are_all_kept(
    database_url: str, tmp_path: Path, reviewers: int
) -> None:
    settings = Settings(data_dir=tmp_path / "data", DATABASE_URL=database_url, REDIS_URL=None)
    doc_id = store_reviewable(database_url)
    with session_factory(database_url)() as session:
        headers = bearer(create_token(session, "reviewer-1", Role.REVIEWER))
    paths = _text_paths()[:reviewers]
    assert len(paths) == reviewers
    wanted = {path: f"第{i}次更正" for i, path in enumerate(paths)}
    barrier = threading.Barrier(reviewers)

    with TestClient(create_app(settings)) as client:

        def correct(path: str) -> int:
            barrier.wait()
            body = {"value": wanted[path], "version": 1}
            url = f"/api/v1/documents/{doc_id}/fields/{path}"
            return client.patch(url, json=body, headers=headers).status_code

        with ThreadPoolExecutor(reviewers) as pool:
            statuses = list(pool.map(correct, paths))
        assert statuses == [200] * reviewers

        rows = client.get(f"/api/v1/documents/{doc_id}/fields", headers=headers).json()
        exported = client.get(f"/api/v1/documents/{doc_id}/export", headers=headers).json()
        trail = client.get(f"/api/v1/documents/{doc_id}/corrections", headers=headers).json()

    by_path = {r["path"]: r for r in rows}
    assert {p: by_path[p]["value"] for p in paths} == wanted
    assert {by_path[p]["status"] for p in paths} == {"corrected"}
    assert {by_path[p]["version"] for p in paths} == {2}
    in_export = {f["path"]: f["value"] for f in exported["fields"]}
    assert {p: in_export[p] for p in paths} == wanted
    printed = dict(value_paths(PerformanceTargets.model_validate(exported)))
    assert {p: printed[p] for p in paths} == wanted
    assert sorted((c["path"], c["after"]) for c in trail) == sorted(wanted.items())
