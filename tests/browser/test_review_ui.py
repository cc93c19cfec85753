"""The review pages in Chromium against `jixiao serve` (API and a real worker, embedded mode).

One real scan goes the whole way: dropped on the upload page, read by the worker, fixed with
the keyboard on the review page, found corrected in the XLSX export. Documents stored directly
(tests/browser/stored_document.py) cover the timing of ten flags, a conflicting edit and the
token prompt, where real OCR would add minutes and prove nothing more.

Screenshots go to $JIXIAO_SCREENSHOT_DIR (docs/screenshots for the README) or a temp folder.
"""

import contextlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest
from playwright.sync_api import expect

from ingest.forms import forms
from ingest.template import default_template
from jixiao.settings import Settings
from models.contract import DocumentFlag, PerformanceTargets, value_paths
from tests.browser.stored_document import (
    FLAGS,
    ROW_IN_DOUBT,
    SUM_AS_PRINTED,
    StoredDocument,
    store_flagged_document,
)
from tests.conftest import CLIENT_HEADERS
from tests.ingest.digital.fixtures import SEED_XLSX
from tests.service.helpers import free_port, read_path_missing, wait_for

ROOT = Path(__file__).parents[2]
CORPUS = ROOT / "tests" / "data" / "corpus"
PROJECT_SCAN = ROOT / "tests" / "data" / "corpus_project" / "syn12_0000.pdf"
SCAN = "syn11_0006"  # a 3-page photo; small ≧ it reads as ≥ stay flagged for a clerk to fix
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
READ_TIMEOUT_MS = 600_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


class Server:
    def __init__(self, url: str, data_dir: Path) -> None:
        self.url = url
        self.settings = Settings(data_dir=data_dir, REDIS_URL=None, DATABASE_URL=None)

    def api(self, path: str) -> str:
        return f"{self.url}/api/v1/{path}"


def _start(data_dir: Path, *extra: str) -> tuple[subprocess.Popen, Server]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env["JIXIAO_DATA_DIR"] = str(data_dir)
    proc = subprocess.Popen(
        [sys.executable, "-m", "jixiao.cli", "serve", "--port", str(port), *extra],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    server = Server(f"http://127.0.0.1:{port}", data_dir)
    wait_for(f"{server.url}/healthz")
    return proc, server


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):  # a worker still shutting down warmly
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    proc, server = _start(tmp_path_factory.mktemp("serve") / "data")
    try:
        yield server
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS, headless=True
        )
        yield browser
        browser.close()


REVIEWER = "测试员"


@pytest.fixture
def page(browser) -> Iterator:
    """A reviewer who gave their name before (the page asks once, then keeps it)."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    context.add_init_script(f"localStorage.setItem('jixiao.reviewer', '{REVIEWER}')")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("JIXIAO_SCREENSHOT_DIR")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _card_path(page) -> str:
    return page.locator("#card").get_attribute("data-path") or ""


def _wait_card_moves(page, path: str) -> None:
    page.wait_for_function(
        "p => document.querySelector('#card').dataset.path !== p", arg=path, timeout=30_000
    )


def _flag_count(server: Server, doc_id: str) -> int:
    return len(httpx.get(server.api(f"documents/{doc_id}/fields?status=flagged")).json())


def _cells(xlsx: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    return [c.value for sheet in book for row in sheet.iter_rows() for c in row]


@pytest.mark.slow
@pytest.mark.skipif(bool(read_path_missing()), reason=read_path_missing() or "")
def test_upload_read_fix_by_keyboard_and_export(server: Server, page, shots: Path) -> None:
    page.goto(f"{server.url}/ui/upload")
    # the page names the forms the service reads, as their folders name them
    names = "、".join(form.name for form in forms())
    expect(page.locator("#form-names")).to_have_text(names, timeout=30_000)  # shows what it says
    # a drop the server rejects shows the server's own reason
    fake = b"<html>not a scan</html>"
    answer = httpx.post(
        server.api("documents"), files={"files": ("fake.pdf", fake)}, headers=CLIENT_HEADERS
    ).json()
    page.evaluate(
        """text => {
            const data = new DataTransfer();
            data.items.add(new File([text], "fake.pdf", {type: "application/pdf"}));
            const drop = document.getElementById("drop");
            drop.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true}));
        }""",
        fake.decode(),
    )
    rejected = page.locator(".upload.rejected")
    rejected.wait_for()
    assert answer["message"] in rejected.inner_text()

    page.locator("#file-input").set_input_files(str(CORPUS / f"{SCAN}.pdf"))
    row = page.locator(".upload:not(.rejected)")
    row.locator("text=/已完成 \\d+\\/3 页/").wait_for()
    page.screenshot(path=shots / "upload.png")
    review_link = row.locator("a.primary")
    review_link.wait_for(timeout=READ_TIMEOUT_MS)
    doc_id = review_link.get_attribute("href").split("doc=")[1]
    doc = httpx.get(server.api(f"documents/{doc_id}")).json()
    assert doc["status"] == "needs_review" and doc["flagged_count"] > 0

    page.goto(f"{server.url}/ui/queue")
    queue_row = page.locator(f"tr[data-id='{doc_id}']")
    assert str(doc["flagged_count"]) in queue_row.locator(".flags").inner_text()
    assert (doc["department"] or "（未识别）") in queue_row.inner_text()
    page.screenshot(path=shots / "queue.png")
    page.keyboard.press("N")  # next document needing review
    page.wait_for_url(f"**/ui/review?doc={doc_id}")

    # the clerk fixes a value the scan got wrong, from the paper, with the keyboard only
    truth_doc = json.loads((CORPUS / f"{SCAN}.truth.json").read_text("utf-8"))["document"]
    printed = dict(value_paths(PerformanceTargets.model_validate(truth_doc)))
    flagged = httpx.get(server.api(f"documents/{doc_id}/fields?status=flagged")).json()
    known = [f for f in flagged if printed.get(f["path"]) is not None]
    assert known, "no flagged field has a printed value to type"
    target = next((f for f in known if str(printed[f["path"]]) != str(f["value"])), known[0])
    value = str(printed[target["path"]])

    page.locator("#card[data-path]").wait_for()
    for _ in range(len(flagged)):
        if _card_path(page) == target["path"]:
            break
        path = _card_path(page)
        page.keyboard.press("ArrowDown")
        _wait_card_moves(page, path)
    assert _card_path(page) == target["path"]
    before = _flag_count(server, doc_id)
    assert page.locator("#left").inner_text().startswith(f"还剩 {before} 项")
    page.keyboard.type(value)
    if target["bbox"]:
        page.locator("img.crop:not([hidden])").first.wait_for()  # a sum's card has one per term
    page.screenshot(path=shots / "review-scan.png")
    page.keyboard.press("Enter")
    page.wait_for_function("n => document.querySelectorAll('#flag-list li').length < n", arg=before)
    after = _flag_count(server, doc_id)
    assert after < before
    assert page.locator("#left").inner_text().startswith(f"还剩 {after} 项")
    assert page.locator(f"#flag-list li[data-path='{target['path']}']").count() == 0
    field = next(
        f for f in httpx.get(server.api(f"documents/{doc_id}/fields")).json()
        if f["path"] == target["path"]
    )  # fmt: skip
    assert (field["status"], str(field["value"])) == ("corrected", value)

    page.goto(f"{server.url}/ui/document?doc={doc_id}")
    cell = page.locator(f"td[data-path='{target['path']}']")
    cell.wait_for()
    assert "cell-corrected" in cell.get_attribute("class")
    assert page.locator("#audit tbody tr").count() == 1
    page.screenshot(path=shots / "document.png", full_page=True)
    with page.expect_download() as download:
        page.locator("button[data-format='xlsx']").click()
    xlsx = Path(download.value.path()).read_bytes()
    cells = _cells(xlsx)
    assert value in {str(c) for c in cells} or any(
        isinstance(c, float) and f"{c:.2f}" == value for c in cells
    )


def _clear_by_keyboard(page, doc: StoredDocument) -> tuple[float, int]:
    """Work through the flags as a clerk would; returns seconds and keys pressed."""
    actions = {f.path: f.action for f in FLAGS}  # a transient check flag is confirmed
    keys = 0
    started = time.perf_counter()
    while (path := _card_path(page)) != "":
        action = actions.get(path, "confirm")
        if action == "type":
            text = str(doc.truth[path])
            page.keyboard.type(text)
            page.keyboard.press("Enter")
            keys += len(text) + 1
        elif action == "confirm":
            page.keyboard.press("Control+Enter")
            keys += 1
        else:  # take the suggestion
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")
            keys += 2
        _wait_card_moves(page, path)
    return time.perf_counter() - started, keys


# The three flagged terms of the broken budget identity are one item.
ITEMS = len(FLAGS) - 2


def test_ten_flags_cleared_with_the_keyboard(server: Server, page, shots: Path) -> None:
    doc = store_flagged_document(server.settings)
    page.goto(f"{server.url}/ui/review?doc={doc.id}")
    page.locator("#card[data-path]").wait_for()
    assert page.locator("#left").inner_text() == f"还剩 {ITEMS} 项 / 共 {ITEMS} 项"
    first = _card_path(page)
    page.locator("img.crop:not([hidden])").wait_for()
    page.screenshot(path=shots / "review.png")

    # F2 shows the whole page with the field's box where the field is
    page.keyboard.press("F2")
    box = page.locator("#page-box")
    box.wait_for()
    field = next(
        f for f in httpx.get(server.api(f"documents/{doc.id}/fields")).json()
        if f["path"] == first
    )  # fmt: skip
    sheet = page.locator(".page-view-sheet").bounding_box()
    shown = box.bounding_box()
    width = page.evaluate("document.getElementById('page-image').naturalWidth")
    assert abs((shown["x"] - sheet["x"]) / sheet["width"] - field["bbox"][0] / width) < 0.01
    page.screenshot(path=shots / "review-page.png")
    page.keyboard.press("F2")
    assert not page.locator("#page-view").evaluate("d => d.open")
    page.keyboard.press("ArrowDown")
    _wait_card_moves(page, first)
    second = _card_path(page)
    page.keyboard.press("ArrowUp")
    _wait_card_moves(page, second)
    assert _card_path(page) == first

    seconds, keys = _clear_by_keyboard(page, doc)
    page.locator("#accept-doc").wait_for()
    # re-running the checks may flag a field of a broken sum for a while (其他资金 until the
    # total is fixed): n counts every item in doubt during the visit
    left = re.fullmatch(r"还剩 0 项 / 共 (\d+) 项", page.locator("#left").inner_text())
    assert left and int(left[1]) >= ITEMS
    print(
        f"\n10 flags ({ITEMS} items) cleared by keyboard: {seconds:.1f}s, {keys} keys"
        " (browser lower bound)"
    )
    assert _flag_count(server, doc.id) == 0
    corrections = httpx.get(server.api(f"documents/{doc.id}/corrections")).json()
    assert len(corrections) == sum(f.action != "cleared" for f in FLAGS)
    values = {
        f["path"]: f["value"] for f in httpx.get(server.api(f"documents/{doc.id}/fields")).json()
    }
    assert all(values[f.path] == doc.truth[f.path] for f in FLAGS)
    page.keyboard.press("Enter")  # accept the document
    page.wait_for_function("() => document.getElementById('accept-doc').disabled", timeout=30_000)
    assert httpx.get(server.api(f"documents/{doc.id}")).json()["status"] == "accepted"


def _confirm_group_with_one_key(
    page, server: Server, doc: StoredDocument, terms: list[str]
) -> None:
    """Ctrl+Enter on a group's card (of two items, the group and one more): the group is gone
    and each of its terms audited as a confirmation, the same value before and after."""
    page.keyboard.press("Control+Enter")
    page.wait_for_function(
        "() => document.getElementById('left').textContent.startsWith('还剩 1 项')"
    )
    assert page.locator("#flag-list li.check-group").count() == 0
    trail = httpx.get(server.api(f"documents/{doc.id}/corrections")).json()
    assert sorted(c["path"] for c in trail) == sorted(terms)
    assert all(c["action"] == "correct" and c["before"] == c["after"] for c in trail)


def test_a_failed_sum_is_one_item_confirmed_with_one_key(server: Server, page, shots: Path) -> None:
    doc = store_flagged_document(server.settings, flags=SUM_AS_PRINTED)
    terms = [f.path for f in SUM_AS_PRINTED if f.reason == "sum_mismatch"]
    message = next(c.message for c in default_template().checks if c.id == "budget_identity")
    page.goto(f"{server.url}/ui/review?doc={doc.id}")
    page.locator("#card[data-path]").wait_for()
    assert page.locator("#left").inner_text() == "还剩 2 项 / 共 2 项"
    entry = page.locator("#flag-list li.check-group")
    assert entry.count() == 1 and message in entry.inner_text()
    path = _card_path(page)  # the reading doubt first, the least confident
    page.keyboard.press("ArrowDown")
    _wait_card_moves(page, path)
    assert message in page.locator("#card .check-message").inner_text()
    shown = page.locator("#card .term")
    assert sorted(shown.evaluate_all("ts => ts.map(t => t.dataset.path)")) == sorted(terms)
    assert page.locator("#card .term textarea").count() == len(terms)
    # the clerk can move into a term (to correct it) and back
    page.keyboard.press("Alt+ArrowDown")
    assert page.evaluate("document.activeElement.id") == "term-input-1"
    page.keyboard.press("Alt+ArrowUp")
    assert page.evaluate("document.activeElement.id") == "term-input-0"
    page.locator("#card .term img.crop:not([hidden])").first.wait_for()
    page.screenshot(path=shots / "review-sum.png")

    _confirm_group_with_one_key(page, server, doc, terms)
    fields = {f["path"]: f for f in httpx.get(server.api(f"documents/{doc.id}/fields")).json()}
    assert all(fields[p]["status"] == "corrected" for p in terms)
    assert fields["budget.fiscal_appropriation"]["value"] == "461.39"  # as printed


def test_a_row_in_doubt_is_one_item_confirmed_with_one_key(
    server: Server, page, shots: Path
) -> None:
    doc = store_flagged_document(server.settings, flags=ROW_IN_DOUBT)
    terms = [f.path for f in ROW_IN_DOUBT if f.reason == "structure"]
    page.goto(f"{server.url}/ui/review?doc={doc.id}")
    page.locator("#card[data-path]").wait_for()
    assert page.locator("#left").inner_text() == "还剩 2 项 / 共 2 项"
    entry = page.locator("#flag-list li.row-group")
    assert entry.count() == 1 and "第6行 · 结构存疑" in entry.inner_text()
    entry.click()
    expect(page.locator("#card .crumb")).to_have_text("绩效指标 · 第6行 · 结构存疑")
    assert "可能与相邻行错位" in page.locator("#card .group-note").inner_text()
    shown = page.locator("#card .term")
    assert sorted(shown.evaluate_all("ts => ts.map(t => t.dataset.path)")) == sorted(terms)
    page.keyboard.press("Alt+ArrowDown")
    assert page.evaluate("document.activeElement.id") == "term-input-1"
    page.locator("#card .term img.crop:not([hidden])").first.wait_for()
    page.screenshot(path=shots / "review-row.png")

    _confirm_group_with_one_key(page, server, doc, terms)


def test_a_change_made_meanwhile_is_shown_and_kept(server: Server, page) -> None:
    doc = store_flagged_document(server.settings)
    page.goto(f"{server.url}/ui/review?doc={doc.id}")
    page.locator("#card[data-path]").wait_for()
    path = _card_path(page)
    theirs = str(doc.truth[path])
    other = httpx.patch(
        server.api(f"documents/{doc.id}/fields/{path}"),
        json={"value": theirs, "version": 1},
        headers=CLIENT_HEADERS,
    )
    assert other.status_code == 200
    page.keyboard.type("9999")
    page.keyboard.press("Enter")
    notice = page.locator(".conflict")
    notice.wait_for()
    assert theirs in notice.locator(".their-value").inner_text() and "9999" in notice.inner_text()
    assert page.locator("#value-input").input_value() == theirs
    field = next(
        f for f in httpx.get(server.api(f"documents/{doc.id}/fields")).json() if f["path"] == path
    )
    assert (field["value"], field["version"]) == (doc.truth[path], 2)
    assert len(httpx.get(server.api(f"documents/{doc.id}/corrections")).json()) == 1


def test_token_prompt_on_401_then_requests_carry_it(tmp_path: Path, page) -> None:
    proc, server = _start(tmp_path / "data", "--api-only", "--require-tokens")
    try:
        env = {**os.environ, "JIXIAO_DATA_DIR": str(tmp_path / "data")}
        made = subprocess.run(
            [sys.executable, "-m", "jixiao.cli", "token", "create", "--name", "clerk-li"],
            env=env, cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        token = made.stdout.strip().splitlines()[-1]
        page.goto(f"{server.url}/ui/queue")
        dialog = page.locator("#login-dialog")
        dialog.wait_for()
        page.keyboard.type(token)
        page.keyboard.press("Enter")
        page.locator("#count").wait_for()
        page.wait_for_function("() => document.getElementById('count').textContent !== ''")
        assert page.locator("#count").inner_text() == "共 0 份"
        assert page.evaluate("sessionStorage.getItem('jixiao.token')") == token
    finally:
        _stop(proc)


LOST_LINE = DocumentFlag(
    reason="unassigned_text",
    section="indicators",
    page=3,
    bbox=[200, 1900, 1200, 1950],
    text="办理侨务咨询件数 ≥50件",
    message="第3页有文字未归入任何栏目：办理侨务咨询件数 ≥50件",
)


def test_a_lost_indicator_row_is_added_from_an_unassigned_line_and_exported(
    server: Server, page
) -> None:
    doc = store_flagged_document(server.settings, (LOST_LINE,))
    before = httpx.get(server.api(f"documents/{doc.id}/export")).json()["indicators"]
    page.goto(f"{server.url}/ui/review?doc={doc.id}")
    page.locator("#card[data-path='document_flags[0]']").wait_for()  # document flags first
    assert page.locator("#flag-list li").first.get_attribute("data-path") == "document_flags[0]"
    page.keyboard.press("Enter")  # 补录为一行
    dialog = page.locator("#row-dialog")
    dialog.wait_for()
    assert page.locator("#row-name").input_value() == "办理侨务咨询件数"
    assert page.locator("#row-value").input_value() == "≥50件"
    assert page.locator("#row-level1").input_value() == before[-1]["level1"]  # carried down
    page.locator("#row-level2").fill("数量指标")
    page.locator("#row-level1").fill("产出指标")
    page.locator("#row-position").fill("3")
    page.locator("#row-save").click()
    page.wait_for_function(
        "() => document.querySelector('#card').dataset.path !== 'document_flags[0]'"
    )
    exported = httpx.get(server.api(f"documents/{doc.id}/export")).json()
    assert len(exported["indicators"]) == len(before) + 1
    assert exported["indicators"][2] == {
        "level1": "产出指标", "level2": "数量指标", "name": "办理侨务咨询件数", "value": "≥50件"
    }  # fmt: skip
    assert exported["document_flags"][0]["status"] == "resolved"
    trail = httpx.get(server.api(f"documents/{doc.id}/corrections")).json()
    assert [(c["action"], c["who"]) for c in trail] == [
        ("add_row", REVIEWER),
        ("resolve_flag", REVIEWER),
    ]

    page.goto(f"{server.url}/ui/document?doc={doc.id}")
    cell = page.locator("td[data-path='indicators[2].name']")
    cell.wait_for()
    assert "办理侨务咨询件数" in cell.inner_text() and "cell-corrected" in cell.get_attribute(
        "class"
    )
    assert "已处理" in page.locator("#flags tbody tr").first.inner_text()
    with page.expect_download() as download:
        page.locator("button[data-format='xlsx']").click()
    assert download.value.suggested_filename.endswith("绩效目标表.xlsx")
    cells = {str(c) for c in _cells(Path(download.value.path()).read_bytes())}
    assert {"办理侨务咨询件数", "≥50件", "添加行"} <= cells


def test_the_reviewer_is_named_once_and_can_zoom_and_undo(server: Server, browser) -> None:
    doc = store_flagged_document(server.settings)
    context = browser.new_context(viewport={"width": 1700, "height": 950}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{server.url}/ui/review?doc={doc.id}")
        page.locator("#reviewer-dialog").wait_for()
        page.keyboard.type("王芳")
        page.keyboard.press("Enter")
        page.locator("#card[data-path]").wait_for()
        page.locator("img.crop:not([hidden])").wait_for()
        assert page.locator("#page-panel img").count() == 1  # the page beside the crop
        width = page.locator("img.crop").evaluate("i => i.getBoundingClientRect().width")
        page.keyboard.press("Alt+Equal")
        assert page.locator("#zoom-level").inner_text() == "150%"
        wider = page.locator("img.crop").evaluate("i => i.getBoundingClientRect().width")
        assert wider == pytest.approx(width * 1.5, rel=0.02)
        page.keyboard.press("Alt+0")
        assert page.locator("#zoom-level").inner_text() == "100%"

        path = _card_path(page)
        page.locator("#comment-input").fill("对照原件")
        page.locator("#value-input").focus()
        page.keyboard.press("Control+Enter")
        _wait_card_moves(page, path)
        page.keyboard.press("Alt+z")
        page.wait_for_function("p => document.querySelector('#card').dataset.path === p", arg=path)
        trail = httpx.get(server.api(f"documents/{doc.id}/corrections")).json()
        assert [(c["action"], c["who"], c["comment"]) for c in trail] == [
            ("correct", "王芳", "对照原件"),
            ("undo", "王芳", None),
        ]
        page.reload()
        page.locator("#card[data-path]").wait_for()
        assert page.locator("#reviewer-dialog").count() == 0  # asked once, kept
    finally:
        context.close()


def test_api_docs_render_with_no_way_out(server: Server, page) -> None:
    outside: list[str] = []

    def only_local(route) -> None:
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(f"{server.url}/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "jixiao" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() > 10  # the routes are listed
    assert outside == []


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_a_workbooks_flags_are_shown_on_crops_of_its_print(
    server: Server, page, shots: Path, tmp_path: Path
) -> None:
    """An XLSX whose 基本支出 was typed 1 万元 off: the worker reads the cells and prints
    the workbook; the review page shows the sum's flags on crops of that print."""
    book = openpyxl.load_workbook(SEED_XLSX)
    sheet = book.active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "397.72")
    cell.value = "398.72"
    book.save(tmp_path / "form.xlsx")
    files = {"files": ("form.xlsx", (tmp_path / "form.xlsx").read_bytes())}
    answer = httpx.post(server.api("documents"), files=files, headers=CLIENT_HEADERS)
    (doc,) = answer.json()["documents"]
    deadline = time.monotonic() + 180
    while (status := httpx.get(server.api(f"documents/{doc['id']}")).json())["status"] in (
        "queued",
        "processing",
    ):
        assert time.monotonic() < deadline, status
        time.sleep(0.5)
    assert status["status"] == "needs_review", status
    items = httpx.get(server.api(f"documents/{doc['id']}/fields?status=flagged")).json()
    # the sum's terms are one item, its group holding each
    flagged = [t for f in items for t in (f["group"]["terms"] if f["group"] else [f])]
    assert "budget.basic_expenditure" in {f["path"] for f in flagged}
    assert all(f["bbox"] for f in flagged)

    page.goto(f"{server.url}/ui/review?doc={doc['id']}")
    page.locator("img.crop:not([hidden])").first.wait_for()  # a crop per term of the sum
    page.wait_for_function("() => document.querySelector('img.crop').naturalWidth > 0")
    page.screenshot(path=shots / "review-xlsx.png")
    field = next(f for f in flagged if f["path"] == "budget.basic_expenditure")
    png = httpx.get(server.api(f"documents/{doc['id']}/fields/budget.basic_expenditure/crop"))
    assert png.headers["content-type"] == "image/png"
    x0, y0, x1, y1 = field["bbox"]
    assert 100 < x1 - x0 < 700 and 20 < y1 - y0 < 200  # one cell of the printed page


def test_a_project_form_is_shown_in_its_own_layout_and_words(server: Server, page) -> None:
    """A 项目支出 scan read by the worker: the queue names its form, the document page lays out
    its header pairs, funds and the two halves of its indicators, and the review list names
    fields by the form's own labels, not by their paths."""
    files = {"files": ("项目支出.pdf", PROJECT_SCAN.read_bytes(), "application/pdf")}
    answer = httpx.post(server.api("documents"), files=files, headers=CLIENT_HEADERS).json()
    doc_id = answer["documents"][0]["id"]
    deadline = time.monotonic() + READ_TIMEOUT_MS / 1000
    while (doc := httpx.get(server.api(f"documents/{doc_id}")).json())["status"] not in {
        "needs_review",
        "ready",
        "failed",
    }:
        assert time.monotonic() < deadline, doc
        time.sleep(0.5)
    assert doc["form"] == "project_expenditure", doc
    truth = json.loads(PROJECT_SCAN.with_suffix(".truth.json").read_text("utf-8"))["document"]

    page.goto(f"{server.url}/ui/queue")
    assert "项目支出绩效目标表" in page.locator(f"tr[data-id='{doc_id}']").inner_text()

    page.goto(f"{server.url}/ui/document?doc={doc_id}")
    total = page.locator("td[data-path='funds.mid_term.total']")
    total.wait_for()
    assert total.inner_text().startswith(truth["funds"]["mid_term"]["total"])
    sheet = page.locator("#form").inner_text()
    for word in ("项目名称", "中期资金总额", "年度资金·财政拨款", "期间", "中期", "年度"):
        assert word in sheet, word
    assert truth["project"]["name"] in sheet

    if doc["flagged_count"]:
        page.goto(f"{server.url}/ui/review?doc={doc_id}")
        page.locator("#flag-list li").first.wait_for()
        names = page.locator("#flag-list .flag-name").all_inner_texts()
        assert names and not any(re.search(r"[a-z_]+\.[a-z_]+", n) for n in names), names
