"""Reviewer acts beyond a field correction, on a real app and database: acceptance as a
decision (and the configured policy), amounts typed by the explicit rules, rows added and
deleted, document flags resolved, the last correction undone; each versioned and audited."""

import io
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from fastapi.testclient import TestClient

from ingest.review_items import covered_by
from jixiao.settings import Settings
from models.contract import DocumentFlag, PerformanceTargets
from tests.api.stored import page_png, seed_document, store_processed, with_records

UNASSIGNED = DocumentFlag(
    reason="unassigned_text",
    section="indicators",
    page=1,
    bbox=[100, 600, 700, 640],
    text="办理侨务咨询件数 ≥50件",
    message="第1页有文字未归入任何栏目：办理侨务咨询件数 ≥50件",
)
LOST_PAGE = DocumentFlag(reason="page_unread", page=1, message="第1页表格未能识别，请核对该页内容")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", REDIS_URL=None, DATABASE_URL=None, open_access=True)


_n = iter(range(100, 1000))


def sealed() -> PerformanceTargets:
    """The seed with its department flagged (seal ink over it)."""
    return with_records(seed_document(), {"department": ["seal_overlap"]})


def _stored(client: TestClient, settings: Settings, doc: PerformanceTargets, **kwargs: bool) -> str:
    response = client.post("/api/v1/documents", files={"files": ("a.png", page_png(next(_n)))})
    doc_id = response.json()["documents"][0]["id"]
    store_processed(settings, doc_id, doc, **kwargs)
    return doc_id


def _detail(client: TestClient, doc_id: str) -> dict:
    return client.get(f"/api/v1/documents/{doc_id}").json()


def _field(client: TestClient, doc_id: str, path: str) -> dict:
    fields = client.get(f"/api/v1/documents/{doc_id}/fields").json()
    return next(f for f in fields if f["path"] == path)


def test_clearing_flags_makes_ready_and_only_a_reviewer_accepts(client, settings):
    doc_id = _stored(client, settings, sealed())
    base = f"/api/v1/documents/{doc_id}"
    fixed = client.patch(
        f"{base}/fields/department",
        json={"value": "湛江市归国华侨联合会", "version": 1},
        headers={"X-Reviewer": "%E6%9D%8E%E6%98%8E"},  # 李明, as the page sends it
    )
    assert fixed.json()["document_status"] == "ready"  # not accepted by itself
    detail = _detail(client, doc_id)
    assert (detail["status"], detail["accepted_by"]) == ("ready", None)
    # the contract keeps v1's three statuses; the finer state is the additive `review_state`
    waiting = client.get(f"{base}/export").json()
    assert (waiting["status"], waiting["review_state"]) == ("needs_review", "ready")
    stale = client.post(f"{base}/accept", json={"revision": detail["revision"] - 1})
    assert stale.status_code == 409 and stale.json()["error"] == "stale_revision"
    accepted = client.post(f"{base}/accept", json={"revision": detail["revision"]})
    assert accepted.json()["status"] == "accepted"
    detail = _detail(client, doc_id)
    assert detail["accepted_by"] == "local" and detail["accepted_at"]
    exported = client.get(f"{base}/export").json()
    assert exported["acceptance"]["by"] == "local" and exported["acceptance"]["policy"] is None
    assert (exported["status"], exported["review_state"]) == ("accepted", "accepted")

    # a later edit reopens it, and the trail says so
    client.patch(f"{base}/fields/department", json={"value": "湛江市侨联", "version": 2})
    detail = _detail(client, doc_id)
    assert (detail["status"], detail["accepted_by"]) == ("ready", None)
    trail = client.get(f"{base}/corrections").json()
    assert [(c["action"], c["who"]) for c in trail] == [
        ("correct", "李明"),
        ("accept", "local"),
        ("correct", "local"),
        ("reopen", "local"),
    ]
    exported = client.get(f"{base}/export")
    assert exported.json()["acceptance"] is None
    assert [c["action"] for c in exported.json()["corrections"]][-1] == "reopen"
    disposition = exported.headers["content-disposition"]
    assert f'filename="{doc_id}.json"' in disposition  # ASCII fallback
    assert quote("湛江市侨联-2024年-绩效目标表.json") in disposition


def test_a_document_read_with_no_flag_waits_unless_the_policy_is_configured(client, settings):
    clean = with_records(seed_document(), {})
    waiting = _stored(client, settings, clean)
    assert _detail(client, waiting)["status"] == "ready"
    auto = _stored(client, settings, clean, auto_accept=True)
    detail = _detail(client, auto)
    assert detail["status"] == "accepted" and detail["accepted_by"] == "自动接受（配置）"
    acceptance = client.get(f"/api/v1/documents/{auto}/export").json()["acceptance"]
    assert acceptance["policy"] == "auto_accept_unflagged"
    flagged = with_records(seed_document().model_copy(update={"document_flags": [LOST_PAGE]}), {})
    held = _stored(client, settings, flagged, auto_accept=True)
    assert _detail(client, held)["status"] == "needs_review"  # an open document flag holds it


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("49.41", "49.41"),
        ("４９．４１", "49.41"),
        ("10,891.62", "10891.62"),
        ("10，891.62", "10891.62"),
        ("￥49.41", "49.41"),
        ("49.41万元", "49.41"),
        ("49,41", None),
        ("49，41", None),
        ("4,9.41", None),
        ("1,0891.62", None),
        ("4.9.41", None),
        ("494100元", None),
        ("49.4l", None),  # a letter typed by a person is not read as a digit
    ],
)
def test_amounts_are_typed_by_explicit_rules(client, settings, typed, saved):
    doc_id = _stored(client, settings, with_records(seed_document(), {"tasks[0].amount": ["x"]}))
    response = client.patch(
        f"/api/v1/documents/{doc_id}/fields/tasks[0].amount", json={"value": typed, "version": 1}
    )
    if saved is None:
        assert response.status_code == 422, response.text
        assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])  # Chinese
    else:
        assert response.status_code == 200, response.text
        assert response.json()["field"]["value"] == saved


def test_a_lost_row_is_added_from_an_unassigned_line_and_exported(client, settings):
    doc = seed_document().model_copy(update={"document_flags": [UNASSIGNED]})
    doc_id = _stored(client, settings, with_records(doc, {}))
    base = f"/api/v1/documents/{doc_id}"
    detail = _detail(client, doc_id)
    assert (detail["status"], detail["open_flags"]) == ("needs_review", 1)
    count = len(doc.indicators)
    moved = _field(client, doc_id, "indicators[2].value")
    body = {
        "list": "indicators",
        "index": 2,
        "values": {"level1": "产出指标", "level2": "数量指标", "name": "办理侨务咨询件数",
                   "value": "≥50件"},
        "from_flag": 0,
        "revision": detail["revision"],
    }  # fmt: skip
    added = client.post(f"{base}/rows", json=body)
    assert added.status_code == 200, added.text
    assert added.json()["open_flags"] == 0 and added.json()["status"] == "ready"
    assert client.post(f"{base}/rows", json=body).status_code == 409  # stale revision

    exported = client.get(f"{base}/export").json()
    assert len(exported["indicators"]) == count + 1
    assert exported["indicators"][2]["name"] == "办理侨务咨询件数"
    assert exported["indicators"][3] == doc.indicators[2].model_dump()
    assert exported["document_flags"][0]["status"] == "resolved"
    new = _field(client, doc_id, "indicators[2].name")
    assert (new["status"], new["page"], new["bbox"]) == ("corrected", 1, UNASSIGNED.bbox)
    # the row that moved down keeps its values; a page still holding its old path and
    # version gets 409 instead of editing the new row
    assert _field(client, doc_id, "indicators[3].value")["value"] == moved["value"]
    stale = client.patch(
        f"{base}/fields/indicators[2].value", json={"value": "1次", "version": moved["version"]}
    )
    assert stale.status_code == 409
    actions = [(c["action"], c["path"]) for c in client.get(f"{base}/corrections").json()]
    assert actions == [("add_row", "indicators[2]"), ("resolve_flag", "document_flags[0]")]
    xlsx = client.get(f"{base}/export", params={"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert "办理侨务咨询件数" in {c.value for row in sheet.iter_rows() for c in row}


def test_an_extra_row_is_deleted_and_kept_in_the_trail(client, settings):
    doc_id = _stored(client, settings, with_records(seed_document(), {}))
    base = f"/api/v1/documents/{doc_id}"
    before = client.get(f"{base}/export").json()["indicators"]
    revision = _detail(client, doc_id)["revision"]
    gone = client.request(
        "DELETE", f"{base}/rows/indicators/0", json={"revision": revision, "comment": "重复行"}
    )
    assert gone.status_code == 200, gone.text
    after = client.get(f"{base}/export").json()["indicators"]
    assert after == before[1:]
    (entry,) = client.get(f"{base}/corrections").json()
    assert (entry["action"], entry["before"], entry["comment"]) == (
        "delete_row",
        before[0],
        "重复行",
    )
    missing = client.request(
        "DELETE", f"{base}/rows/indicators/99", json={"revision": revision + 1}
    )
    assert missing.status_code == 422


def test_a_document_flag_is_resolved_with_a_comment(client, settings):
    doc = seed_document().model_copy(update={"document_flags": [LOST_PAGE]})
    doc_id = _stored(client, settings, with_records(doc, {}))
    base = f"/api/v1/documents/{doc_id}"
    revision = _detail(client, doc_id)["revision"]
    refused = client.post(f"{base}/accept", json={"force": True, "reason": "看过了"})
    assert refused.status_code == 409 and refused.json()["error"] == "open_document_flags"
    bare = client.post(f"{base}/document-flags/0/resolve", json={"revision": revision})
    assert bare.status_code == 422 and bare.json()["error"] == "comment_required"
    done = client.post(
        f"{base}/document-flags/0/resolve",
        json={"revision": revision, "comment": "该页为签章页，无表格"},
    )
    assert done.json()["status"] == "ready" and done.json()["open_flags"] == 0
    (entry,) = client.get(f"{base}/corrections").json()
    assert entry["comment"] == "该页为签章页，无表格"


def test_the_queue_lists_documents_with_open_document_flags_first(client, settings):
    plain = _stored(client, settings, sealed())
    lost = seed_document().model_copy(update={"document_flags": [LOST_PAGE]})
    flagged = _stored(client, settings, with_records(lost, {}))
    newest = _stored(client, settings, sealed())
    order = [d["id"] for d in client.get("/api/v1/documents").json()["items"]]
    assert order.index(flagged) < order.index(newest) < order.index(plain)


def test_the_last_correction_is_undone_and_audited(client, settings):
    doc_id = _stored(client, settings, sealed())
    base = f"/api/v1/documents/{doc_id}"
    original = _field(client, doc_id, "department")
    client.patch(f"{base}/fields/department", json={"value": "错的", "version": 1})
    assert _detail(client, doc_id)["status"] == "ready"
    undone = client.post(f"{base}/undo", json={"comment": "改错了"})
    assert undone.status_code == 200, undone.text
    back = _field(client, doc_id, "department")
    assert (back["value"], back["status"], back["reasons"]) == (
        original["value"],
        "flagged",
        ["seal_overlap"],
    )
    assert undone.json()["status"] == "needs_review"
    trail = client.get(f"{base}/corrections").json()
    assert [(c["action"], c["after"]) for c in trail] == [
        ("correct", "错的"),
        ("undo", original["value"]),
    ]
    again = client.post(f"{base}/undo", json={})
    assert again.status_code == 409 and again.json()["error"] == "nothing_to_undo"


def test_a_merged_cell_is_one_flag_and_one_correction(client, settings):
    doc = seed_document()
    rows = range(22)  # the seed's 产出指标 rows, under one printed 一级 cell
    misread = [
        ind.model_copy(update={"level1": "产出指木"}) if i in rows else ind
        for i, ind in enumerate(doc.indicators)
    ]
    flagged = {f"indicators[{i}].level1": ["taxonomy"] for i in rows}
    stored = with_records(doc.model_copy(update={"indicators": misread}), flagged)
    cells: dict[str | None, list[int]] = {}
    fields = [
        f.model_copy(update={"bbox": cells.setdefault(f.value, [0, 40 * len(cells), 50, 40])})
        if f.path.endswith(".level1") else f
        for f in stored.fields
    ]  # fmt: skip
    stored = stored.model_copy(update={"fields": fields})
    doc_id = client.post("/api/v1/documents", files={"files": ("m.png", page_png(next(_n)))})
    doc_id = doc_id.json()["documents"][0]["id"]
    store_processed(settings, doc_id, stored, covered=covered_by(stored))
    base = f"/api/v1/documents/{doc_id}"

    (item,) = client.get(f"{base}/fields", params={"status": "flagged"}).json()
    assert item["path"] == "indicators[0].level1"
    assert item["span"] == [f"indicators[{i}].level1" for i in rows]
    assert _detail(client, doc_id)["flagged_count"] == 1
    fixed = client.patch(
        f"{base}/fields/indicators[0].level1", json={"value": "产出指标", "version": 1}
    )
    assert fixed.status_code == 200, fixed.text
    exported = client.get(f"{base}/export").json()
    assert [i["level1"] for i in exported["indicators"][:22]] == ["产出指标"] * 22
    assert len(client.get(f"{base}/corrections").json()) == 1  # one correction for the cell
    assert _detail(client, doc_id)["status"] == "ready"
    assert client.post(f"{base}/undo", json={}).status_code == 200
    exported = client.get(f"{base}/export").json()
    assert [i["level1"] for i in exported["indicators"][:22]] == ["产出指木"] * 22
    assert len(client.get(f"{base}/fields", params={"status": "flagged"}).json()) == 1


IDENTITY_TERMS = [
    "budget.basic_expenditure",
    "budget.project_expenditure",
    "budget.fiscal_appropriation",
    "budget.other_funds",
]


def _broken_identity(client: TestClient, settings: Settings) -> str:
    """The seed with its 财政拨款 printed 461.39, so the budget identity fails as printed: every
    term flagged, 基本支出 also read at low confidence."""
    doc = seed_document()
    budget = doc.budget.model_copy(update={"fiscal_appropriation": "461.39"})
    flagged = {path: ["sum_mismatch"] for path in IDENTITY_TERMS}
    flagged["budget.basic_expenditure"] = ["low_confidence", "sum_mismatch"]
    stored = with_records(doc.model_copy(update={"budget": budget}), flagged)
    response = client.post("/api/v1/documents", files={"files": ("s.png", page_png(next(_n)))})
    doc_id = response.json()["documents"][0]["id"]
    store_processed(settings, doc_id, stored, covered=covered_by(stored))
    return doc_id


def _flagged(client: TestClient, doc_id: str) -> list[dict]:
    return client.get(f"/api/v1/documents/{doc_id}/fields", params={"status": "flagged"}).json()


def test_a_failed_sum_is_one_item_confirmed_in_one_act(client, settings):
    doc_id = _broken_identity(client, settings)
    base = f"/api/v1/documents/{doc_id}"
    (item,) = _flagged(client, doc_id)
    assert item["path"] == "budget.basic_expenditure"  # the term in doubt of its own first
    group = item["group"]
    assert (group["kind"], group["key"]) == ("sum", "budget_identity")
    assert group["checks"] == ["budget_identity"]
    assert group["messages"] == ["基本支出与项目支出之和应等于财政拨款与其他资金之和"]
    assert [t["path"] for t in group["terms"]] == IDENTITY_TERMS
    assert group["reasons"] == ["sum_mismatch"]
    assert group["terms"][0]["reasons"] == ["low_confidence", "sum_mismatch"]
    assert item["span"] == []
    detail = _detail(client, doc_id)
    assert detail["flagged_count"] == 1

    versions = {t["path"]: t["version"] for t in group["terms"]}
    confirmed = client.post(
        f"{base}/checks/budget_identity/confirm",
        json={"versions": versions, "comment": "原件如此"},
        headers={"X-Reviewer": "%E6%9D%8E%E6%98%8E"},
    )
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert [f["path"] for f in body["fields"]] == IDENTITY_TERMS
    assert all(f["status"] == "corrected" and f["version"] == 2 for f in body["fields"])
    assert (body["flagged_count"], body["document_status"]) == (0, "ready")
    assert _flagged(client, doc_id) == []
    after = _detail(client, doc_id)
    assert (after["flagged_count"], after["revision"]) == (0, detail["revision"] + 1)
    trail = client.get(f"{base}/corrections").json()
    assert [(c["action"], c["path"], c["who"], c["comment"]) for c in trail] == [
        ("correct", path, "李明", "原件如此") for path in IDENTITY_TERMS
    ]
    assert all(c["before"] == c["after"] for c in trail)  # each a confirmation
    exported = client.get(f"{base}/export").json()
    assert exported["budget"]["fiscal_appropriation"] == "461.39"  # as printed
    # the last confirmation is taken back like any other
    assert client.post(f"{base}/undo", json={}).status_code == 200
    assert _field(client, doc_id, "budget.other_funds")["status"] == "flagged"


def test_a_group_changed_since_it_was_seen_is_refused(client, settings):
    doc_id = _broken_identity(client, settings)
    base = f"/api/v1/documents/{doc_id}"
    confirm = f"{base}/checks/budget_identity/confirm"
    versions = dict.fromkeys(IDENTITY_TERMS, 1)
    stale = client.post(confirm, json={"versions": {**versions, "budget.other_funds": 2}})
    assert stale.status_code == 409 and stale.json()["error"] == "stale_version"
    part = client.post(confirm, json={"versions": dict.fromkeys(IDENTITY_TERMS[:2], 1)})
    assert part.status_code == 409 and part.json()["error"] == "stale_group"
    unknown = client.post(f"{base}/checks/no_such_check/confirm", json={"versions": versions})
    assert unknown.status_code == 404 and unknown.json()["error"] == "no_check"
    # another reviewer corrects a term meanwhile; the sum still fails without it
    other = client.patch(
        f"{base}/fields/budget.fiscal_appropriation", json={"value": "461.49", "version": 1}
    )
    assert other.status_code == 200
    moved = client.post(confirm, json={"versions": versions})
    assert moved.status_code == 409 and moved.json()["error"] == "stale_group"
    assert "刷新" in moved.json()["message"]
    (item,) = _flagged(client, doc_id)
    assert [t["path"] for t in item["group"]["terms"]] == [
        p for p in IDENTITY_TERMS if p != "budget.fiscal_appropriation"
    ]
    assert len(client.get(f"{base}/corrections").json()) == 1  # nothing of the refused acts


def test_correcting_one_term_clears_the_group(client, settings):
    doc_id = _broken_identity(client, settings)
    base = f"/api/v1/documents/{doc_id}"
    fixed = client.patch(
        f"{base}/fields/budget.fiscal_appropriation", json={"value": "461.89", "version": 1}
    )
    assert fixed.status_code == 200, fixed.text
    cleared = {f["path"] for f in fixed.json()["changed"]}
    assert cleared == {"budget.project_expenditure", "budget.other_funds"}
    # 基本支出 keeps its own reading doubt, now an ordinary item
    (item,) = _flagged(client, doc_id)
    assert (item["path"], item["group"], item["reasons"]) == (
        "budget.basic_expenditure",
        None,
        ["low_confidence"],
    )
    assert fixed.json()["flagged_count"] == 1


ROW_TERMS = ["indicators[5].name", "indicators[5].value"]


def _row_in_doubt(client: TestClient, settings: Settings) -> str:
    """The seed with 绩效指标 row 6 in structural doubt (its rule inferred, say): its name and
    value flagged for structure, the value also read at low confidence."""
    flagged = {"indicators[5].name": ["structure"]}
    flagged["indicators[5].value"] = ["low_confidence", "structure"]
    stored = with_records(seed_document(), flagged)
    response = client.post("/api/v1/documents", files={"files": ("r.png", page_png(next(_n)))})
    doc_id = response.json()["documents"][0]["id"]
    store_processed(settings, doc_id, stored, covered=covered_by(stored))
    return doc_id


def test_a_row_in_doubt_is_one_item_confirmed_in_one_act(client, settings):
    doc_id = _row_in_doubt(client, settings)
    base = f"/api/v1/documents/{doc_id}"
    (item,) = _flagged(client, doc_id)
    assert item["path"] == "indicators[5].value"  # the field in doubt of its own first
    group = item["group"]
    assert (group["kind"], group["key"], group["checks"]) == ("row", "indicators[5]", [])
    assert group["messages"] == ["表格结构存疑（单元格边框不清或跨页拼接），请核对"]
    assert group["reasons"] == ["structure"]
    assert [t["path"] for t in group["terms"]] == ROW_TERMS[::-1]
    assert _detail(client, doc_id)["flagged_count"] == 1

    confirm = f"{base}/rows/{quote('indicators[5]')}/confirm"
    versions = {t["path"]: t["version"] for t in group["terms"]}
    confirmed = client.post(confirm, json={"versions": versions, "comment": "与原件同一行"})
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert sorted(f["path"] for f in body["fields"]) == ROW_TERMS
    assert all(f["status"] == "corrected" for f in body["fields"])
    assert (body["flagged_count"], body["document_status"]) == (0, "ready")
    trail = client.get(f"{base}/corrections").json()
    assert sorted((c["path"], c["comment"]) for c in trail) == [
        (path, "与原件同一行") for path in ROW_TERMS
    ]
    assert all(c["action"] == "correct" and c["before"] == c["after"] for c in trail)


def test_a_row_not_in_doubt_or_not_there_is_refused(client, settings):
    doc_id = _row_in_doubt(client, settings)
    base = f"/api/v1/documents/{doc_id}"
    versions = dict.fromkeys(ROW_TERMS, 1)
    for row in ("indicators[999]", "budget", "nothing[0]"):
        missing = client.post(f"{base}/rows/{quote(row)}/confirm", json={"versions": versions})
        assert missing.status_code == 404 and missing.json()["error"] == "no_row", row
    other = client.post(
        f"{base}/rows/{quote('indicators[4]')}/confirm", json={"versions": versions}
    )
    assert other.status_code == 409 and other.json()["error"] == "stale_group"
    # the value corrected meanwhile: the name is left, an ordinary item
    fixed = client.patch(
        f"{base}/fields/{quote(ROW_TERMS[1])}", json={"value": "≥98%", "version": 1}
    )
    assert fixed.status_code == 200, fixed.text
    moved = client.post(
        f"{base}/rows/{quote('indicators[5]')}/confirm", json={"versions": versions}
    )
    assert moved.status_code == 409 and "这一行" in moved.json()["message"]
    (item,) = _flagged(client, doc_id)
    assert (item["path"], item["group"]) == (ROW_TERMS[0], None)
    assert len(client.get(f"{base}/corrections").json()) == 1  # nothing of the refused acts
