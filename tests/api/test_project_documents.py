"""A 项目支出 document through the API: listed with its form, corrected with its own checks,
exported with its own tables; the forms and their contracts listed."""

import io
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from jixiao.settings import Settings
from tests.api.stored import page_png, seed_document, store_processed, with_records
from tests.ingest.test_project_mapping import HEAD, SIDE_BY_SIDE, read


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", REDIS_URL=None, DATABASE_URL=None, open_access=True)


def _stored(client: TestClient, settings: Settings, doc, n: int) -> str:
    response = client.post("/api/v1/documents", files={"files": (f"{n}.png", page_png(n))})
    doc_id = response.json()["documents"][0]["id"]
    store_processed(settings, doc_id, doc)
    return doc_id


def test_a_project_form_is_listed_corrected_and_exported_as_its_own_form(client, settings):
    project = with_records(read(HEAD + SIDE_BY_SIDE).document, {"funds.annual.fiscal": ["x"]})
    doc_id = _stored(client, settings, project, 301)
    other = _stored(client, settings, with_records(seed_document(), {}), 302)

    listed = client.get("/api/v1/documents", params={"form": "project_expenditure"}).json()
    assert [d["id"] for d in listed["items"]] == [doc_id]
    entry = listed["items"][0]
    assert entry["form_name"] == "项目支出绩效目标表"
    assert entry["schema"] == "project-performance-targets/1"
    assert (entry["department"], entry["project"]) == ("武汉市青山区民政局", "社区养老服务中心建设")
    assert client.get(f"/api/v1/documents/{other}").json()["form"] == "department_overall"

    # 120.50 = 100.50 + 20: a wrong 年度 财政拨款 breaks the 年度 identity, and only that one
    fields = {f["path"]: f for f in client.get(f"/api/v1/documents/{doc_id}/fields").json()}
    field = fields["funds.annual.fiscal"]
    body = {"value": "90.50", "version": field["version"]}
    answer = client.patch(f"/api/v1/documents/{doc_id}/fields/funds.annual.fiscal", json=body)
    assert answer.status_code == 200, answer.text
    changed = {f["path"]: f["reasons"] for f in answer.json()["changed"]}
    assert "sum_mismatch" in changed.get("funds.annual.total", [])
    assert all(not p.startswith("funds.mid_term") for p in changed)

    book = client.get(f"/api/v1/documents/{doc_id}/export", params={"format": "xlsx"})
    sheets = openpyxl.load_workbook(io.BytesIO(book.content)).sheetnames
    assert sheets[0] == "项目支出绩效目标表" and "绩效指标" in sheets and sheets[-1] == "修改记录"


def test_the_forms_and_their_contracts_are_listed(client):
    forms = client.get("/api/v1/forms").json()
    assert {f["id"]: f["schema"] for f in forms} == {
        "department_overall": "department-performance-targets/1",
        "project_expenditure": "project-performance-targets/1",
    }
    schema = client.get("/api/v1/forms/project_expenditure/schema").json()
    assert "funds" in schema["properties"]
    assert client.get("/api/v1/forms/nothing/schema").status_code == 404
    page = client.get("/ui/form.json", params={"form": "project_expenditure"}).json()
    indicators = next(s for s in page["sections"] if s["key"] == "indicators")
    assert indicators["halves"]["titles"] == {"mid_term": "中期", "annual": "年度"}
    assert page["columns"] == 8
