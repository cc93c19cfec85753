"""Access: tokens with roles, hashed at rest, compared in constant time, never logged; the
reviewer's identity in the audit trail; security headers; CORS closed unless configured;
open access only for the embedded mode on a loopback address."""

import hmac
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

import models.tokens
from api.app import create_app
from api.deps import get_dispatcher
from jixiao.commands.serve import open_access
from jixiao.settings import Settings
from models.db import get_engine, session_factory
from models.tokens import Role, create_token, revoke_token, verify_token
from tests.api.test_api import _processed
from tests.reliability import files
from tests.reliability.conftest import bearer

DOC = "/api/v1/documents/{id}"
# (method, path, the least role that may call it)
ROUTES = [
    ("GET", "/api/v1/documents", Role.UPLOADER),
    ("GET", DOC, Role.UPLOADER),
    ("GET", DOC + "/fields", Role.REVIEWER),
    ("GET", DOC + "/fields/budget.basic_expenditure/crop", Role.REVIEWER),
    ("GET", DOC + "/pages/1/image", Role.REVIEWER),
    ("GET", DOC + "/export", Role.REVIEWER),
    ("GET", DOC + "/corrections", Role.REVIEWER),
    ("POST", DOC + "/accept", Role.REVIEWER),
    ("GET", "/api/v1/corrections/export", Role.ADMIN),
]


def _document(client: TestClient, settings: Settings, token: str) -> str:
    response = client.post(
        "/api/v1/documents", files={"files": ("a.png", files.png())}, headers=bearer(token)
    )
    assert response.status_code == 202, response.text
    doc_id = response.json()["documents"][0]["id"]
    _processed(settings, doc_id)
    return doc_id


def test_every_data_route_needs_a_token_of_a_sufficient_role(
    client: TestClient, settings: Settings, tokens: dict[Role, str]
) -> None:
    doc_id = _document(client, settings, tokens[Role.UPLOADER])
    assert (
        client.post("/api/v1/documents", files={"files": ("b.png", files.png(mark=1))}).status_code
        == 401
    )
    checked = 0
    for method, template, least in ROUTES:
        path = template.format(id=doc_id)
        body = {"json": {"force": True, "reason": "r"}} if method == "POST" else {}
        anonymous = client.request(method, path, **body)
        assert anonymous.status_code == 401, path
        assert anonymous.headers["WWW-Authenticate"] == "Bearer"
        wrong = client.request(method, path, headers=bearer(tokens[least] + "x"), **body)
        assert wrong.status_code == 401, path
        for role in Role:
            response = client.request(method, path, headers=bearer(tokens[role]), **body)
            if role.allows(least):
                assert response.status_code not in (401, 403), (path, role, response.text)
            else:
                assert response.status_code == 403, (path, role)
                assert response.json()["error"] == "forbidden"
            checked += 1
    assert checked == len(ROUTES) * len(Role)
    # probes stay open for orchestrators
    assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200


def test_the_audit_trail_names_the_token_not_a_header(
    client: TestClient, settings: Settings, tokens: dict[Role, str]
) -> None:
    doc_id = _document(client, settings, tokens[Role.UPLOADER])
    path = DOC.format(id=doc_id) + "/fields/budget.basic_expenditure"
    patched = client.patch(
        path,
        json={"value": "397.72", "version": 1},
        headers={**bearer(tokens[Role.REVIEWER]), "X-User": "someone", "X-Reviewer": "someone"},
    )
    assert patched.status_code == 200, patched.text
    accepted = client.post(
        DOC.format(id=doc_id) + "/accept", json={}, headers=bearer(tokens[Role.ADMIN])
    )
    assert accepted.status_code == 200, accepted.text
    audit, acceptance = client.get(
        DOC.format(id=doc_id) + "/corrections", headers=bearer(tokens[Role.REVIEWER])
    ).json()
    assert (audit["who"], acceptance["action"], acceptance["who"]) == (
        "reviewer-1",
        "accept",
        "admin-1",
    )
    detail = client.get(DOC.format(id=doc_id), headers=bearer(tokens[Role.ADMIN])).json()
    assert detail["accepted_by"] == "admin-1"


def test_tokens_are_hashed_revocable_and_compared_in_constant_time(
    settings: Settings, tokens: dict[Role, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = settings.resolved_database_url
    with get_engine(url).connect() as conn:
        stored = " ".join(
            str(v) for row in conn.execute(text("SELECT * FROM api_tokens")) for v in row
        )
    assert len(tokens) == 3
    for token in tokens.values():
        assert token.split("_", 2)[2] not in stored  # only the hash of the secret is kept

    compared: list[tuple[str, str]] = []
    original = hmac.compare_digest
    monkeypatch.setattr(
        models.tokens.hmac, "compare_digest", lambda a, b: compared.append((a, b)) or original(a, b)
    )
    good = tokens[Role.REVIEWER]
    with session_factory(url)() as session:
        assert verify_token(session, good).name == "reviewer-1"
        assert verify_token(session, good[:-1] + ("A" if good[-1] != "A" else "B")) is None
        assert verify_token(session, f"jx_{'0' * 12}_{good.split('_', 2)[2]}") is None  # unknown id
        assert verify_token(session, "garbage") is None
        # every verdict, the unknown id included, went through compare_digest on full digests
        assert len(compared) == 4 and all(len(a) == len(b) == 64 for a, b in compared)
        assert revoke_token(session, "reviewer-1")
        assert verify_token(session, good) is None
        again = create_token(session, "reviewer-1", Role.REVIEWER)  # reissued under the name
        assert verify_token(session, again).role is Role.REVIEWER


def test_tokens_never_reach_the_logs(
    client: TestClient, tokens: dict[Role, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = tokens[Role.REVIEWER]
    client.get("/api/v1/documents", headers=bearer(secret))
    bad = client.get("/api/v1/documents", headers=bearer(secret + "x"))
    assert secret not in bad.text
    assert caplog.records  # the request was logged at all
    assert all(secret not in r.getMessage() for r in caplog.records)


def test_security_headers_on_pages_and_api(client: TestClient) -> None:
    for path in ("/", "/ui/queue", "/api/v1/documents", "/healthz", "/no/such/page"):
        response = client.get(path, follow_redirects=False)
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/api/v1/documents").headers["Cache-Control"] == "no-store"


def test_cors_is_closed_unless_origins_are_listed(
    client: TestClient, settings: Settings, tokens: dict[Role, str]
) -> None:
    preflight = {
        "Origin": "https://evil.example",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    closed = client.options("/api/v1/documents", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers
    simple = client.get(
        "/api/v1/documents",
        headers={"Origin": "https://evil.example", **bearer(tokens[Role.ADMIN])},
    )
    assert "access-control-allow-origin" not in simple.headers

    listed = settings.model_copy(update={"cors_origins": ["https://review.example"]})
    with TestClient(create_app(listed)) as other:
        allowed = other.options(
            "/api/v1/documents", headers={**preflight, "Origin": "https://review.example"}
        )
        assert allowed.headers["access-control-allow-origin"] == "https://review.example"
        refused = other.options("/api/v1/documents", headers=preflight)
        assert "access-control-allow-origin" not in refused.headers


def test_open_access_only_for_embedded_mode_on_loopback(tmp_path: Path) -> None:
    embedded = Settings(data_dir=tmp_path, REDIS_URL=None, DATABASE_URL=None)
    services = Settings(
        data_dir=tmp_path, REDIS_URL="redis://r:6379/0", DATABASE_URL="postgresql://p/db"
    )
    assert open_access(embedded, "127.0.0.1", require_tokens=False)
    assert open_access(embedded, "::1", require_tokens=False)
    assert not open_access(embedded, "127.0.0.1", require_tokens=True)
    assert not open_access(embedded, "0.0.0.0", require_tokens=False)
    assert not open_access(embedded, "192.168.1.5", require_tokens=False)
    assert not open_access(services, "127.0.0.1", require_tokens=False)
    forced = embedded.model_copy(update={"open_access": True})
    with pytest.raises(SystemExit):
        open_access(forced, "0.0.0.0", require_tokens=False)


def test_open_access_acts_as_local_but_still_checks_a_sent_token(
    settings: Settings, tokens: dict[Role, str]
) -> None:
    app = create_app(settings.model_copy(update={"open_access": True}))
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert client.get("/api/v1/documents").status_code == 200
        assert client.get("/api/v1/documents", headers=bearer("jx_nope_nope")).status_code == 401
        assert (
            client.get("/api/v1/documents", headers=bearer(tokens[Role.UPLOADER])).status_code
            == 200
        )


def test_open_access_answers_only_loopback_hosts_and_changes_only_with_the_client_header(
    settings: Settings, tokens: dict[Role, str], queued: list[str]
) -> None:
    """A web page elsewhere can neither rebind its name to 127.0.0.1 (Host refused) nor post a
    plain cross-site form (no custom header without a preflight, which CORS refuses)."""
    app = create_app(settings.model_copy(update={"open_access": True}))
    app.dependency_overrides[get_dispatcher] = lambda: queued.append
    upload = {"files": ("a.png", files.png(mark=5))}
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", ""):
            for path in ("/api/v1/documents", "/ui/queue"):
                refused = client.get(path, headers={"Host": host})
                assert (refused.status_code, refused.json()["error"]) == (400, "bad_host"), host
        for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "LOCALHOST"):
            assert client.get("/api/v1/documents", headers={"Host": host}).status_code == 200

        forged = client.post("/api/v1/documents", files=upload)  # what a form post can send
        assert (forged.status_code, forged.json()["error"]) == (403, "client_header_required")
        assert queued == [] and not (settings.data_dir / "uploads").exists()
        patched = client.patch(DOC.format(id="x") + "/fields/year", json={"value": 1, "version": 1})
        assert patched.status_code == 403

        sent = client.post("/api/v1/documents", files=upload, headers={"X-Jixiao-Client": "web"})
        assert sent.status_code == 202 and len(queued) == 1
        upload = {"files": ("b.png", files.png(mark=6))}  # a token is no ambient credential
        with_token = client.post(
            "/api/v1/documents", files=upload, headers=bearer(tokens[Role.UPLOADER])
        )
        assert with_token.status_code == 202
