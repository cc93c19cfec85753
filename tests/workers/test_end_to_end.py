"""End to end with real processes: `jixiao serve` (API + worker) in embedded mode, and
`jixiao serve --api-only` + `jixiao worker` on Redis and PostgreSQL.

Upload the seed table rendered as a 4-page PDF → poll to done → list flags → correct one →
the export shows the correction and the audit trail has it. Uses the real reading pipeline.
"""

import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import openpyxl
import pytest

from jixiao.cli import main as cli
from models.contract import PerformanceTargets, value_paths
from tests.service.helpers import (
    REDIS_URL,
    free_port,
    fresh_postgres_database,
    postgres_unreachable,
    read_path_missing,
    redis_unreachable,
    render_seed_pdf,
    wait_for,
)

ROOT = Path(__file__).parents[2]
SEED = ROOT / "tests" / "data" / "seed" / "seed_gold.json"
PROJECT_SCAN = ROOT / "tests" / "data" / "corpus_project" / "syn12_0001.pdf"
DONE = {"needs_review", "ready", "accepted", "failed"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(read_path_missing()), reason=read_path_missing() or ""),
]


@contextmanager
def _processes(commands: list[list[str]], env: dict[str, str]) -> Iterator[None]:
    procs = [
        subprocess.Popen([sys.executable, "-m", "jixiao.cli", *cmd], env=env, cwd=ROOT,
                         start_new_session=True)
        for cmd in commands
    ]  # fmt: skip
    try:
        yield
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    return {**env, "JIXIAO_DATA_DIR": str(data_dir), **extra}


def _login(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A reviewer token named e2e, from `jixiao token create`; the CLI clients read it from
    $JIXIAO_TOKEN, the direct calls send it as a header."""
    token = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "token", "create", "--name", "e2e"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    monkeypatch.setenv("JIXIAO_TOKEN", token)
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def _embedded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, dict[str, str]]]:
    """`jixiao serve` on embedded defaults under `tmp_path/data`, ready: its address and a
    reviewer's auth header."""
    port = free_port()
    env = _env(tmp_path / "data")
    with _processes([["serve", "--port", str(port)]], env):
        server = f"http://127.0.0.1:{port}"
        wait_for(f"{server}/readyz")
        yield server, _login(env, monkeypatch)


def _review_round_trip(
    server: str, pdf: Path, tmp_path: Path, capsys, auth: dict[str, str]
) -> float:
    """The scenario; returns seconds from upload to a finished status."""
    started = time.monotonic()
    assert cli(["upload", str(pdf), "--server", server]) == 0
    doc_id = json.loads(capsys.readouterr().out)["documents"][0]["id"]
    base = f"{server}/api/v1/documents/{doc_id}"
    deadline = started + 540
    while (doc := httpx.get(base, headers=auth).json())["status"] not in DONE:
        assert time.monotonic() < deadline, doc
        time.sleep(0.5)
    elapsed = time.monotonic() - started
    assert doc["status"] == "needs_review", (doc["stage"], doc["error"], doc["errors"])
    assert (doc["pages_done"], doc["pages_total"]) == (4, 4)

    gold = dict(value_paths(PerformanceTargets.model_validate_json(SEED.read_text("utf-8"))))
    flagged = httpx.get(f"{base}/fields", params={"status": "flagged"}, headers=auth).json()
    assert flagged and all(f["status"] == "flagged" for f in flagged)
    target = next((f for f in flagged if gold.get(f["path"]) is not None), None)
    target = target or httpx.get(f"{base}/fields", headers=auth).json()[0]
    value = gold.get(target["path"]) or "已核对"
    patched = httpx.patch(
        f"{base}/fields/{target['path']}",
        json={"value": value, "version": target["version"], "comment": "checked on paper"},
        headers=auth,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["field"]["status"] == "corrected"

    out = tmp_path / "export.json"
    assert cli(["export", doc_id, "--format", "json", "--out", str(out), "--server", server]) == 0
    exported = json.loads(out.read_text("utf-8"))
    assert dict(value_paths(PerformanceTargets.model_validate(exported)))[target["path"]] == value
    field = next(f for f in exported["fields"] if f["path"] == target["path"])
    assert field["status"] == "corrected"
    (audit,) = httpx.get(f"{base}/corrections", headers=auth).json()
    assert (audit["path"], audit["after"], audit["who"]) == (target["path"], value, "e2e")
    assert cli(["status", doc_id, "--server", server]) == 0
    print(f"upload to {doc['status']}: {elapsed:.1f}s")
    return elapsed


def test_embedded_mode(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = render_seed_pdf(tmp_path / "seed.pdf")
    with _embedded(tmp_path, monkeypatch) as (server, auth):
        _review_round_trip(server, pdf, tmp_path, capsys, auth)
    assert (tmp_path / "data" / "jixiao.db").is_file()
    assert (tmp_path / "data" / "broker.sqlite").is_file()


@pytest.mark.services
def test_redis_and_postgres_mode(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    if reason := redis_unreachable() or postgres_unreachable():
        pytest.skip(reason)
    pdf = render_seed_pdf(tmp_path / "seed.pdf")
    port = free_port()
    with fresh_postgres_database() as database_url:
        env = _env(tmp_path / "data", REDIS_URL=REDIS_URL, DATABASE_URL=database_url)
        commands = [["serve", "--api-only", "--port", str(port)], ["worker", "--concurrency", "1"]]
        with _processes(commands, env):
            server = f"http://127.0.0.1:{port}"
            wait_for(f"{server}/readyz")
            _review_round_trip(server, pdf, tmp_path, capsys, _login(env, monkeypatch))
        assert not (tmp_path / "data" / "jixiao.db").exists()


def test_documents_are_read_in_upload_order_with_an_eta(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two forms uploaded together: the first is finished while the second's pages are still
    being read (not after every page of both), and a waiting document shows an ETA."""
    first = render_seed_pdf(tmp_path / "first.pdf", seed=7)
    second = render_seed_pdf(tmp_path / "second.pdf", seed=8)
    with _embedded(tmp_path, monkeypatch) as (server, auth):
        assert cli(["upload", str(first), str(second), "--server", server]) == 0
        urls = [
            f"{server}/api/v1/documents/{d['id']}"
            for d in json.loads(capsys.readouterr().out)["documents"]
        ]
        deadline, etas = time.monotonic() + 540, []
        while True:
            one, two = (httpx.get(url, headers=auth).json() for url in urls)
            assert time.monotonic() < deadline, (one, two)
            if two["eta_s"] is not None:
                etas.append(two["eta_s"])
            if one["status"] in DONE:
                break
            time.sleep(0.3)
    assert one["status"] == "needs_review", one["errors"]
    assert two["pages_done"] < two["pages_total"], two  # the second was still being read
    assert etas and all(e > 0 for e in etas)


def test_a_package_of_both_forms_is_read_form_by_form(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zip holding a 部门整体 table and a 项目支出 table: one batch, each document recognised
    and read as its own form, and the batch workbook has each form's sheets."""
    package = tmp_path / "package.zip"
    with zipfile.ZipFile(package, "w") as zf:
        zf.write(render_seed_pdf(tmp_path / "department.pdf"), "部门整体.pdf")
        zf.write(PROJECT_SCAN, "项目支出.pdf")
    with _embedded(tmp_path, monkeypatch) as (server, auth):
        assert cli(["upload", str(package), "--server", server]) == 0
        uploaded = json.loads(capsys.readouterr().out)
        deadline = time.monotonic() + 540
        while True:
            listed = httpx.get(
                f"{server}/api/v1/documents", params={"batch": uploaded["batch_id"]}, headers=auth
            ).json()["items"]
            assert time.monotonic() < deadline, listed
            if len(listed) == 2 and all(d["status"] in DONE for d in listed):
                break
            time.sleep(0.5)
        forms = {d["filename"]: (d["form"], d["status"]) for d in listed}
        assert forms == {
            "部门整体.pdf": ("department_overall", "needs_review"),
            "项目支出.pdf": ("project_expenditure", forms["项目支出.pdf"][1]),
        }
        assert forms["项目支出.pdf"][1] in {"needs_review", "ready"}
        book = httpx.get(
            f"{server}/api/v1/batches/{uploaded['batch_id']}/export",
            params={"format": "xlsx"},
            headers=auth,
        )
    sheets = openpyxl.load_workbook(io.BytesIO(book.content)).sheetnames
    assert {"绩效目标表", "项目支出绩效目标表"} <= set(sheets)
    assert {"部门整体预算绩效目标表·绩效指标", "项目支出绩效目标表·绩效指标"} <= set(sheets)
