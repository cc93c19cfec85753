"""The database going away: the API answers 503 with Retry-After (never a 500 or a hang) and
serves again by itself once the database is back, with no restart.

PostgreSQL is reached through a TCP relay in the test, which is cut and restored: the
database server itself (shared with other tests) is never stopped.
"""

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_dispatcher
from jixiao.settings import Settings
from tests.conftest import CLIENT_HEADERS
from tests.reliability import files
from tests.service.helpers import fresh_postgres_database, postgres_unreachable

pytestmark = pytest.mark.services


class Relay:
    """Forwards a local port to PostgreSQL; `cut` drops every connection and refuses new ones."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open: list[socket.socket] = []
        self.up = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.upstream)
            self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                s.close()

    def cut(self) -> None:
        self.up = False
        for s in self.open:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        self.open.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.fixture
def relay_url() -> Iterator[tuple[Relay, str]]:
    if reason := postgres_unreachable():
        pytest.skip(reason)
    with fresh_postgres_database() as url:
        relay = Relay(("127.0.0.1", 5432))
        try:
            yield relay, url.replace("127.0.0.1:5432", f"127.0.0.1:{relay.port}")
        finally:
            relay.close()


def test_database_down_answers_503_and_recovers_by_itself(tmp_path, relay_url) -> None:
    relay, url = relay_url
    settings = Settings(data_dir=tmp_path, DATABASE_URL=url, REDIS_URL=None, open_access=True)
    app = create_app(settings)
    queued: list[str] = []
    app.dependency_overrides[get_dispatcher] = lambda: queued.append
    with TestClient(app, base_url="http://127.0.0.1", headers=CLIENT_HEADERS) as client:
        assert client.get("/api/v1/documents").status_code == 200
        relay.cut()
        for _ in range(3):
            down = client.get("/api/v1/documents")
            assert down.status_code == 503 and down.json()["error"] == "unavailable"
            assert int(down.headers["Retry-After"]) > 0
        refused = client.post("/api/v1/documents", files={"files": ("a.png", files.png())})
        assert refused.status_code == 503 and queued == []
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["database"] is False
        relay.restore()
        assert client.get("/readyz").status_code == 200
        accepted = client.post("/api/v1/documents", files={"files": ("a.png", files.png())})
        assert accepted.status_code == 202, accepted.text
        assert client.get("/api/v1/documents").json()["total"] == 1
    assert not any((tmp_path / "incoming").iterdir())
