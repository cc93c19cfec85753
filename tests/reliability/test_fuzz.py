"""Property tests over what the outside can send: corrections, paths, query parameters and
multipart parts through the real app, and arbitrary or mangled bytes through the sniffing and
the rasteriser. The property: a 4xx in the one error shape or a stored document, never a 500,
and a worker-side read that ends in pages or a reasoned refusal, never another fault.

CI runs a fixed, derandomised set of examples (profile `ci`, the default); set
`HYPOTHESIS_PROFILE=explore` to draw many more, new ones each run.
"""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from ingest.errors import InputRejected
from ingest.rasterize import rasterize
from ingest.sources import accept_upload
from jixiao.options import input_limits
from jixiao.settings import Settings
from models.contract import value_paths
from tests.conftest import CLIENT_HEADERS
from tests.reliability import files
from tests.reliability.hostile import CORPUS, stored
from tests.reliability.reviewable import seed_contract, store_reviewable

settings.register_profile(
    "ci", max_examples=60, derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
settings.register_profile(
    "explore", max_examples=2000, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

DOCS = "/api/v1/documents"
PATHS = [p for p, _ in value_paths(seed_contract())]


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(buf, "JPEG")
    return buf.getvalue()


# well-formed files of each kind, and the hostile corpus's small ones, to be mangled
SEEDS = [files.png(), files.pdf(), files.tiff_bomb(3), _jpeg()] + [
    (CORPUS / name).read_bytes()
    for name in sorted(stored())
    if (CORPUS / name).stat().st_size < 4096
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    data = tmp_path_factory.mktemp("fuzz") / "data"
    config = Settings(data_dir=data, REDIS_URL=None, DATABASE_URL=None, open_access=True)
    doc_id = store_reviewable(config.resolved_database_url)
    client = TestClient(create_app(config), base_url="http://127.0.0.1", headers=CLIENT_HEADERS)
    with client:
        yield client, doc_id


def _well_refused(response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error", "message"}, body
        assert isinstance(body["error"], str) and isinstance(body["message"], str)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


@given(
    path=st.sampled_from(PATHS) | st.text(max_size=40),
    value=json_values,
    version=st.none() | st.integers() | st.text(max_size=4),
    comment=st.none() | st.text(max_size=40),
)
def test_any_correction_is_a_4xx_or_applied(
    app: tuple[TestClient, str], path: str, value: object, version: object, comment: object
) -> None:
    client, doc_id = app
    url = f"{DOCS}/{doc_id}/fields/{quote(path, safe='')}"
    if version is None:  # the field's current version, so the value itself is judged
        fields = {f["path"]: f["version"] for f in client.get(f"{DOCS}/{doc_id}/fields").json()}
        version = fields.get(path, 1)
    response = client.patch(url, json={"value": value, "version": version, "comment": comment})
    _well_refused(response)
    for fmt in ("xlsx", "csv"):  # whatever was stored, the document still exports
        assert client.get(f"{DOCS}/{doc_id}/export", params={"format": fmt}).status_code == 200


segments = st.text(max_size=30).map(lambda s: quote(s, safe=""))


@given(
    where=st.sampled_from(["", "/{s}", "/{d}/fields/{s}/crop", "/{d}/pages/{s}/image", "/{d}/{s}"]),
    segment=segments,
    params=st.dictionaries(
        st.sampled_from(["limit", "offset", "status", "batch", "format"]) | st.text(max_size=6),
        st.text(max_size=20) | st.integers().map(str),
        max_size=4,
    ),
)
def test_any_path_and_query_is_answered_without_a_fault(
    app: tuple[TestClient, str], where: str, segment: str, params: dict
) -> None:
    client, doc_id = app
    url = DOCS + where.format(s=segment or "x", d=doc_id)
    _well_refused(client.get(url, params=params))
    _well_refused(client.get(f"{DOCS}/{doc_id}/export", params=params))


def _mangled(seed: bytes, data: st.DataObject) -> bytes:
    """A seed with a few bytes flipped, cut short, or grown."""
    content = bytearray(seed)
    for _ in range(data.draw(st.integers(0, 4))):
        if content:
            content[data.draw(st.integers(0, len(content) - 1))] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        content = content[: data.draw(st.integers(0, len(content)))]
    return bytes(content) + data.draw(st.binary(max_size=64))


@given(data=st.data())
def test_any_multipart_upload_is_stored_or_refused(
    app: tuple[TestClient, str], data: st.DataObject
) -> None:
    client, _ = app
    parts = []
    for _ in range(data.draw(st.integers(0, 4))):
        content = (
            _mangled(data.draw(st.sampled_from(SEEDS)), data)
            if data.draw(st.booleans())
            else data.draw(st.binary(max_size=256))
        )
        name = data.draw(st.sampled_from(["files", "file", ""]) | st.text(max_size=8))
        filename = data.draw(st.text(max_size=40))
        parts.append((name, (filename, content)))
    fields = data.draw(
        st.dictionaries(
            st.sampled_from(["batch_name"]) | st.text(max_size=8), st.text(max_size=300), max_size=2
        )
    )
    response = client.post(DOCS, files=parts or None, data=fields or None)
    _well_refused(response)
    if response.status_code == 202:
        for doc in response.json()["documents"]:
            assert client.get(f"{DOCS}/{doc['id']}").status_code == 200  # stored, not lost


@given(data=st.data())
def test_sniffing_and_rasterising_any_bytes_ends_in_pages_or_a_reason(data: st.DataObject) -> None:
    content = _mangled(data.draw(st.sampled_from(SEEDS)), data)
    limits = input_limits(Settings(max_pages=5))
    with tempfile.TemporaryDirectory(prefix="jixiao-fuzz-") as folder:
        path = Path(folder) / "upload"
        path.write_bytes(content)
        try:
            source = accept_upload(path, "upload", limits)
        except InputRejected:
            return
        try:
            for page in rasterize(source, 20, limits):
                assert page.image.ndim == 3 and page.image.size > 0
        except InputRejected:
            return
