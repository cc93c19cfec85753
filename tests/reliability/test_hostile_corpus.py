"""Every file of the hostile corpus (`tests/data/hostile/`, see `hostile.py`) gets the answer
`expected.json` gives it; what is accepted is rasterised without a fault but a reasoned
refusal, and read by a real worker that stays alive throughout."""

from pathlib import Path

import httpx
import psutil
import pytest
from fastapi.testclient import TestClient

from ingest.errors import InputRejected
from ingest.rasterize import rasterize
from ingest.sources import accept_upload
from jixiao.options import input_limits
from jixiao.settings import Settings
from models.blobs import BlobStore
from tests.conftest import CLIENT_HEADERS
from tests.reliability.hostile import CORPUS, stored
from tests.reliability.processes import api, jixiao_env, until, wait_final
from tests.reliability.test_supervision import _ready, _worker
from tests.service.helpers import read_path_missing

EXPECTED = stored()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", REDIS_URL=None, DATABASE_URL=None, open_access=True)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_hostile_file_gets_its_answer(
    name: str, client: TestClient, settings: Settings, queued: list
) -> None:
    expected = EXPECTED[name]
    response = client.post(
        "/api/v1/documents", files={"files": (name, (CORPUS / name).read_bytes())}
    )
    assert response.status_code == expected["status"], response.text
    if expected["status"] != 202:
        assert response.json()["error"] == expected["error"]
        assert queued == []
        return
    (doc,) = response.json()["documents"]
    detail = client.get(f"/api/v1/documents/{doc['id']}").json()
    assert detail["pages_total"] == expected["pages"]
    limits = input_limits(settings)
    source = accept_upload(BlobStore(settings.data_dir).upload_path(detail["sha256"]), name, limits)
    try:  # what a worker does with it: pages, or a reason; nothing else
        pages = list(rasterize(source, limits.raster_dpi, limits))
    except InputRejected:
        return
    assert len(pages) == expected["pages"]
    assert all(p.image.shape[0] * p.image.shape[1] <= settings.max_image_pixels for p in pages)


@pytest.mark.slow
@pytest.mark.skipif(bool(read_path_missing()), reason=read_path_missing() or "")
def test_a_worker_reads_the_accepted_hostile_files_and_lives(tmp_path: Path) -> None:
    accepted = [n for n, e in EXPECTED.items() if e["status"] == 202]
    with (
        api(jixiao_env(tmp_path / "data"), tmp_path / "serve.log") as (url, serve),
        httpx.Client(base_url=url, timeout=60, headers=CLIENT_HEADERS) as client,
    ):
        until(lambda: _ready(url)["status"] == 200, 120, "the worker never became ready")
        worker = _worker(serve)
        ids = []
        for name in accepted:
            answer = client.post(
                "/api/v1/documents", files={"files": (name, (CORPUS / name).read_bytes())}
            )
            ids.append(answer.json()["documents"][0]["id"])
        docs = wait_final(client, ids, 600)
        ready = _ready(url)
        assert ready["status"] == 200 and _worker(serve).pid == worker.pid  # never restarted
        assert psutil.Process(worker.pid).is_running()
    assert all(d["status"] == "needs_review" or d["error"] for d in docs)  # each with a reason
