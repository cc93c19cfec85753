"""XLSX and DOCX are zips: told from batches by their parts, refused when hostile, and never
stored when refused (`accept_upload` runs before anything is kept)."""

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from ingest.digital.package import DOCX, XLSX, office_kind
from ingest.errors import InputRejected
from ingest.sources import InputLimits, accept_upload, sniff_media_type
from jixiao.options import input_limits
from jixiao.settings import Settings
from tests.ingest.digital.fixtures import SEED_DOCX, SEED_PDF, SEED_XLSX


@pytest.fixture
def limits(tmp_path: Path) -> InputLimits:
    return input_limits(Settings(data_dir=tmp_path / "data", REDIS_URL=None, DATABASE_URL=None))


def _rezip(source: Path, target: Path, extra: dict[str, bytes], drop: tuple[str, ...] = ()) -> Path:
    """`source` with some parts added or replaced (and some dropped)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for item in zin.infolist():
            if item.filename not in extra and item.filename not in drop:
                z.writestr(item, zin.read(item.filename))
        for name, data in extra.items():
            z.writestr(name, data)
    return target


def test_office_files_are_told_by_their_parts_not_their_names(tmp_path: Path) -> None:
    renamed = tmp_path / "form.pdf"
    shutil.copy(SEED_XLSX, renamed)
    assert sniff_media_type(renamed) == XLSX
    assert sniff_media_type(SEED_DOCX) == DOCX
    batch = tmp_path / "batch.zip"
    with zipfile.ZipFile(batch, "w") as z:
        z.write(SEED_PDF, "a.pdf")
    assert office_kind(batch) is None  # a zip of scans is a batch
    with pytest.raises(InputRejected) as caught:
        sniff_media_type(batch)
    assert caught.value.code == "unsupported_type"


def test_office_files_are_accepted(limits: InputLimits) -> None:
    for path, kind in ((SEED_XLSX, XLSX), (SEED_DOCX, DOCX)):
        source = accept_upload(path, path.name, limits)
        assert source.media_type == kind


def _rejected(path: Path, limits: InputLimits) -> str:
    with pytest.raises(InputRejected) as caught:
        accept_upload(path, path.name, limits)
    return caught.value.code


def test_a_zip_bomb_disguised_as_xlsx_is_refused(tmp_path: Path, limits: InputLimits) -> None:
    bomb = _rezip(SEED_XLSX, tmp_path / "bomb.xlsx", {"xl/media/padding.xml": b"<a/>" * 5_000_000})
    assert _rejected(bomb, limits.model_copy(update={"max_upload_bytes": 1_000_000})) == (
        "office_unsafe"
    )


def test_macros_and_external_links_are_refused(tmp_path: Path, limits: InputLimits) -> None:
    macros = _rezip(SEED_XLSX, tmp_path / "m.xlsx", {"xl/vbaProject.bin": b"\x00" * 64})
    assert _rejected(macros, limits) == "office_macros"
    linked = _rezip(
        SEED_XLSX, tmp_path / "l.xlsx", {"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}
    )
    assert _rejected(linked, limits) == "office_external_links"
    rels = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/image" Target="http://example.invalid/a.png" '
        b'TargetMode="External"/></Relationships>'
    )
    fetched = _rezip(SEED_DOCX, tmp_path / "r.docx", {"word/_rels/header1.xml.rels": rels})
    assert _rejected(fetched, limits) == "office_external_links"


def test_an_xml_entity_bomb_is_refused(tmp_path: Path, limits: InputLimits) -> None:
    laughs = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">]><sst>&a;</sst>'
    bomb = _rezip(SEED_XLSX, tmp_path / "e.xlsx", {"xl/sharedStrings.xml": laughs})
    assert _rejected(bomb, limits) == "office_unsafe"


def test_a_docx_with_10000_nested_tables_is_refused(tmp_path: Path, limits: InputLimits) -> None:
    with zipfile.ZipFile(SEED_DOCX) as z:
        body = z.read("word/document.xml")
    nested = b"<w:tbl><w:tr><w:tc>" * 10_000 + b"<w:p/>" + b"</w:tc></w:tr></w:tbl>" * 10_000
    deep = body.replace(b"<w:body>", b"<w:body>" + nested, 1)
    path = _rezip(SEED_DOCX, tmp_path / "deep.docx", {"word/document.xml": deep})
    assert _rejected(path, limits) == "office_too_complex"


def test_damaged_office_files_are_refused(tmp_path: Path, limits: InputLimits) -> None:
    data = SEED_XLSX.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    assert _rejected(cut, limits) == "unsupported_type"  # no central directory: no package
    broken = _rezip(SEED_XLSX, tmp_path / "b.xlsx", {"xl/workbook.xml": b"<not-a-workbook"})
    assert _rejected(broken, limits) == "corrupt_office"
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("word/document.xml", b"<w:document/>")
    (tmp_path / "e.docx").write_bytes(empty.getvalue())
    assert _rejected(tmp_path / "e.docx", limits) == "corrupt_office"
