"""Fixtures shared by the tests: the default OCR engine, and for the API tests an app on a real
database whose queue records document ids instead of sending them. Each folder defines its own
`settings` (open local mode, or tokens)."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_dispatcher
from ingest.ocr.base import OcrEngine
from ingest.ocr.runtime import without_telemetry
from jixiao.settings import Settings

without_telemetry()  # before any test imports ONNX Runtime


@pytest.fixture(scope="session")
def engine() -> OcrEngine:
    """The default OCR engine, loaded once for every test that reads real pixels."""
    from ingest.ocr import create_engine
    from jixiao.options import ocr_options

    return create_engine(ocr_options(Settings(ocr_engine="rapidocr")))


CLIENT_HEADERS = {"X-Jixiao-Client": "tests"}


@pytest.fixture
def queued() -> list[str]:
    return []


@pytest.fixture
def client(settings: Settings, queued: list[str]) -> Iterator[TestClient]:
    app = create_app(settings)
    app.dependency_overrides[get_dispatcher] = lambda: queued.append
    # as the review page and the CLI send it: a loopback Host and the client header
    with TestClient(app, base_url="http://127.0.0.1", headers=CLIENT_HEADERS) as test_client:
        yield test_client
