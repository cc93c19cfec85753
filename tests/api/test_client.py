"""`jixiao upload`, `status` and `export` against the real app: results on stdout, progress and
errors on stderr, exit codes that tell a script what happened, no tracebacks."""

import zipfile
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_dispatcher
from jixiao.cli import main
from jixiao.settings import Settings
from tests.api.stored import page_png, seed_document, store_processed, with_records
from tests.conftest import CLIENT_HEADERS


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", REDIS_URL=None, DATABASE_URL=None, open_access=True)


@pytest.fixture
def app_client(settings: Settings, monkeypatch: pytest.MonkeyPatch):
    """The CLI's HTTP client talks to the app in this process."""
    app = create_app(settings)
    app.dependency_overrides[get_dispatcher] = lambda: lambda _id: None
    with TestClient(app, base_url="http://127.0.0.1", headers=CLIENT_HEADERS) as client:
        monkeypatch.setattr(
            httpx, "Client", lambda base_url, timeout, headers: _Same(client, headers)
        )
        yield client


class _Same:
    def __init__(self, client: TestClient, headers: dict) -> None:
        self.client, self.headers = client, headers

    def __enter__(self) -> "_Same":
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def __getattr__(self, name: str):
        """The client's method, sending the headers the CLI gave (as httpx.Client would)."""
        call = getattr(self.client, name)
        if name not in ("get", "post", "patch", "delete", "request"):
            return call
        return lambda *args, **kw: call(*args, **kw, headers=self.headers)


def test_a_missing_file_is_bad_input_without_a_traceback(app_client, tmp_path, capsys):
    assert main(["upload", str(tmp_path / "nope.pdf")]) == 3
    out, err = capsys.readouterr()
    assert out == "" and "找不到文件" in err and "Traceback" not in err


def test_a_rejected_file_exits_3_and_says_why_on_stderr(app_client, tmp_path, capsys):
    good, bad = tmp_path / "a.png", tmp_path / "b.txt"
    good.write_bytes(page_png(1))
    bad.write_bytes(b"not a scan")
    zipped = tmp_path / "both.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.write(good, "a.png")
        zf.write(bad, "b.txt")
    assert main(["upload", str(zipped)]) == 3
    out, err = capsys.readouterr()
    assert '"rejected"' in out and "b.txt 未接收" in err


def test_export_names_the_file_by_department_and_year(
    app_client, settings, tmp_path, capsys, monkeypatch
):
    doc_id = app_client.post("/api/v1/documents", files={"files": ("a.png", page_png(2))})
    doc_id = doc_id.json()["documents"][0]["id"]
    store_processed(settings, doc_id, with_records(seed_document(), {}))
    here = tmp_path / "out"
    here.mkdir()
    monkeypatch.chdir(here)
    assert main(["export", doc_id, "--format", "xlsx"]) == 0
    assert (here / "湛江市归国华侨联合会-2024年-绩效目标表.xlsx").is_file()
    assert main(["export", doc_id, "--out", str(tmp_path / "no" / "such" / "dir.json")]) == 3
    assert "不能写入" in capsys.readouterr().err
    assert main(["status", "unknown-id"]) == 1
    assert "没有编号为 unknown-id 的文档" in capsys.readouterr().err


def test_help_names_the_token_variable(capsys):
    with pytest.raises(SystemExit):
        main(["upload", "--help"])
    assert "JIXIAO_TOKEN" in capsys.readouterr().out
