"""The page routes without a browser: shells, assets, the form description, queue fields.

The shells must work under a strict Content-Security-Policy, so no inline script or style."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routers.pages import PAGES, WEB_DIR
from ingest.forms import default_form
from jixiao.settings import Settings
from tests.browser.stored_document import FLAGS, store_flagged_document


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", REDIS_URL=None, DATABASE_URL=None, open_access=True)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.mark.parametrize("name", PAGES)
def test_shells_load_only_files_and_every_file_exists(client: TestClient, name: str) -> None:
    response = client.get(f"/ui/{name}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<style" not in html and " style=" not in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all('src="/ui/assets/' in s for s in scripts)
    for asset in re.findall(r'(?:src|href)="/ui/assets/([^"]+)"', html):
        assert client.get(f"/ui/assets/{asset}").status_code == 200, asset


def test_modules_import_only_existing_files() -> None:
    for script in WEB_DIR.glob("*.js"):
        text = script.read_text("utf-8")
        assert "innerHTML" not in text, f"{script.name} builds markup from strings"
        for target in re.findall(r'from "\./([^"]+)"', text):
            assert (WEB_DIR / target).is_file(), f"{script.name} imports missing {target}"


def test_assets_are_confined_to_the_web_folder(client: TestClient) -> None:
    js = client.get("/ui/assets/review.js")
    assert js.headers["content-type"].startswith("text/javascript")
    for name in ["..%2Fapp.py", "%2E%2E%2Frouters%2Fpages.py", "review.html", "nope.js", ".x.js"]:
        assert client.get(f"/ui/assets/{name}").status_code == 404, name
    assert client.get("/ui/settings").status_code == 404
    assert client.get("/", follow_redirects=False).headers["location"] == "/ui/queue"


def test_form_description_comes_from_the_template(client: TestClient) -> None:
    form = client.get("/ui/form.json").json()  # no form named: the one read when none tells
    assert form["id"] == default_form().id
    keys = [s["key"] for s in form["sections"]]
    assert keys[:3] == ["department", "basic_info", "budget"] and "indicators" in keys
    indicators = next(s for s in form["sections"] if s["key"] == "indicators")
    assert indicators["carry_down"] == ["level1", "level2"]
    assert form["messages"]["sum_mismatch"] and "产出指标" in form["taxonomy"]
    budget = next(s for s in form["sections"] if s["key"] == "budget")
    printed = budget["printed_rows"]  # the page lays the block out as the paper does
    assert printed[0]["headers"][0] == "部门预算支出"
    assert printed[1]["pairs"] == ["budget.basic_expenditure", "budget.fiscal_appropriation"]


def test_queue_lists_department_year_and_flags_left(client: TestClient, settings: Settings) -> None:
    doc = store_flagged_document(settings)
    (item,) = client.get("/api/v1/documents").json()["items"]
    assert (item["id"], item["department"], item["year"]) == (doc.id, "湛江市归国华桥联合会", 2024)
    items = len(FLAGS) - 2  # the broken identity's three flagged terms count once
    assert item["flagged_count"] == items
    assert client.get(f"/api/v1/documents/{doc.id}").json()["flagged_count"] == items


def test_api_docs_come_from_packaged_files(client: TestClient) -> None:
    html = client.get("/docs").text
    linked = re.findall(r'(?:src|href|url)\s*[=:]\s*["\']([^"\']+)["\']', html)
    assert linked and all(not link.startswith(("http:", "https:", "//")) for link in linked)
    for asset in re.findall(r'"(/docs/assets/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset
    assert client.get("/docs/assets/../../etc/passwd").status_code == 404
    assert "cdn" not in client.get("/docs").headers["content-security-policy"]
