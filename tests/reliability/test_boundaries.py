"""Values and parameters out of bounds get a 4xx with the one error shape, on SQLite and
PostgreSQL: never a 500, never FastAPI's `detail` shape, never an echo of a header or a path of
the server's disk. Each case is one the outside probe answered with a 500 (or accepted)."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from jixiao.settings import Settings
from tests.conftest import CLIENT_HEADERS
from tests.reliability import files
from tests.reliability.reviewable import store_reviewable
from tests.service.helpers import fresh_postgres_database, postgres_unreachable

DOCS = "/api/v1/documents"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)]
)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, str, Settings]]:
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        yield from _serve(f"sqlite:///{folder / 'data' / 'jixiao.db'}", folder)
        return
    if reason := postgres_unreachable():
        pytest.skip(reason)
    with fresh_postgres_database() as url:
        yield from _serve(url, folder)


def _serve(url: str, folder: Path) -> Iterator[tuple[TestClient, str, Settings]]:
    settings = Settings(
        data_dir=folder / "data", DATABASE_URL=url, REDIS_URL=None, open_access=True
    )
    doc_id = store_reviewable(url)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1", headers=CLIENT_HEADERS) as client:
        yield client, doc_id, settings


def _patch(path: str, value: object) -> Callable[[TestClient, str], object]:
    return lambda c, d: c.patch(f"{DOCS}/{d}/fields/{path}", json={"value": value, "version": 1})


def _batch(name: str) -> Callable[[TestClient, str], object]:
    two = [("files", ("a.png", files.png(mark=31))), ("files", ("b.png", files.png(mark=32)))]
    return lambda c, d: c.post(DOCS, files=two, data={"batch_name": name})


CASES: dict[str, tuple[Callable[[TestClient, str], object], int, str]] = {
    "control character \\u0001": (_patch("department", "侨联\u0001"), 422, "invalid_value"),
    "NUL": (_patch("department", "侨联\u0000"), 422, "invalid_value"),
    "amount of 27 digits": (_patch("budget.basic_expenditure", "1" * 27), 422, "invalid_value"),
    "count of 5,000 digits": (_patch("basic_info.staff_count", "9" * 5000), 422, "invalid_value"),
    "count of 10^30": (_patch("basic_info.staff_count", 10**30), 422, "invalid_value"),
    "true as a count": (_patch("basic_info.staff_count", True), 422, "invalid_request"),
    "a 20,000-character name": (_patch("department", "侨" * 20_000), 422, "invalid_value"),
    "a 20 MB value": (_patch("overall_goal", "x" * 20_000_000), 413, "body_too_large"),
    "version 2^63": (
        lambda c, d: c.patch(f"{DOCS}/{d}/fields/year", json={"value": 2024, "version": 2**63}),
        422,
        "invalid_request",
    ),
    "offset 2^63": (lambda c, d: c.get(DOCS, params={"offset": 2**63}), 422, "invalid_request"),
    "page 2^31": (lambda c, d: c.get(f"{DOCS}/{d}/pages/2147483648/image"), 422, "invalid_request"),
    "row 2^63": (
        lambda c, d: c.request("DELETE", f"{DOCS}/{d}/rows/tasks/{2**63}", json={"revision": 1}),
        422,
        "invalid_request",
    ),
    "document flag 2^63": (
        lambda c, d: c.post(f"{DOCS}/{d}/document-flags/{2**63}/resolve", json={"revision": 1}),
        422,
        "invalid_request",
    ),
    "region on page 2^31": (
        lambda c, d: c.post(f"{DOCS}/{d}/pages/2147483648/read", json={"bbox": [0, 0, 9, 9]}),
        422,
        "invalid_request",
    ),
    "region of 2^70 pixels": (
        lambda c, d: c.post(f"{DOCS}/{d}/pages/1/read", json={"bbox": [0, 0, 2**70, 2**70]}),
        422,
        "invalid_request",
    ),
    "batch_name of 300 characters": (_batch("批" * 300), 400, "bad_request"),
    "batch_name with NUL": (_batch("a\x00b"), 400, "bad_request"),
    "malformed JSON": (
        lambda c, d: c.patch(
            f"{DOCS}/{d}/fields/year", content=b"{", headers={"Content-Type": "application/json"}
        ),
        422,
        "invalid_request",
    ),
    "unknown route": (lambda c, d: c.get("/api/v1/nothing"), 404, "not_found"),
    "wrong method": (lambda c, d: c.delete(DOCS), 405, "method_not_allowed"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_out_of_bounds_is_a_4xx_in_the_one_error_shape(
    served: tuple[TestClient, str, Settings], case: str
) -> None:
    client, doc_id, _ = served
    call, status, code = CASES[case]
    response = call(client, doc_id)
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error", "message"} and response.json()["error"] == code
    assert len(response.json()["message"]) < 300  # what was sent is not echoed back
    after = client.get(f"{DOCS}/{doc_id}/export", params={"format": "xlsx"})
    assert after.status_code == 200  # nothing stored that breaks the export


def test_no_header_or_server_path_is_echoed(served: tuple[TestClient, str, Settings]) -> None:
    client, _, settings = served
    token = "jx_" + "s3cret" * 100
    refused = client.get(DOCS, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401 and "s3cret" not in refused.text
    broken = files.png()[:40] + b"\0" * 200  # a PNG signature and a broken body
    rejected = client.post(DOCS, files={"files": ("a.png", broken)})
    assert rejected.status_code == 422, rejected.text
    assert str(settings.data_dir) not in rejected.text and "/" not in rejected.json()["message"]
