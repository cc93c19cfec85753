"""XLSX and DOCX files: accepted after their package checks, read into the pipeline's `Table`."""

from pathlib import Path

from ingest.artifacts import PageTable, SourceDocument, Table
from ingest.digital.docx import read_docx
from ingest.digital.locate import locate
from ingest.digital.package import XLSX, check_package
from ingest.digital.source_table import SourceTable
from ingest.digital.xlsx import read_xlsx
from ingest.errors import InputRejected


def read_source_table(path: Path, media_type: str) -> SourceTable:
    return read_xlsx(path) if media_type == XLSX else read_docx(path)


def check_office(path: Path, media_type: str, max_bytes: int) -> None:
    """Refuse an unsafe package, and one whose table cannot be read, before it is stored."""
    check_package(path, media_type, max_bytes)
    if not read_source_table(path, media_type).cells:
        raise InputRejected("no_table", "The file holds no table cells.")


def office_table(source: SourceDocument, printed: list[PageTable]) -> Table:
    """The file's own table, placed on the pages of its print."""
    return locate(read_source_table(Path(source.path), source.media_type), printed)
