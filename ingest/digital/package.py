"""XLSX and DOCX uploads told apart from zip batches, and checked before anything opens them.

Both are zip packages; what they are is decided by the parts inside (`xl/workbook.xml`,
`word/document.xml` with `[Content_Types].xml`), never by the name. Before a reader or
LibreOffice sees one, every part is decompressed once as a stream, counting real bytes (the
sizes in the zip's headers can lie), and refused when it:
- unpacks beyond the size budget or at a ratio no office file reaches (a zip bomb);
- holds macros (a VBA project, a macro-enabled content type) or links to other files or
  addresses that a renderer would fetch (external workbook links, linked images, templates);
- carries a DTD in any XML part (OOXML never needs one; entity expansion is a bomb);
- nests tables deeper, or holds more of them, than any form does (a DOCX crafted to make
  parsers and layout recurse without end).
"""

import re
import zipfile
from pathlib import Path, PurePosixPath

from ingest.errors import InputRejected

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OFFICE_TYPES = frozenset({XLSX, DOCX})

_MAIN_PARTS = {"xl/workbook.xml": XLSX, "word/document.xml": DOCX}
MAX_PARTS = 2000
MAX_RATIO = 200  # decompressed / compressed for one part; text XML stays far below
BUDGET_FACTOR = 10  # all parts together may unpack to this many times the upload limit
MAX_TABLES = 500
MAX_TABLE_DEPTH = 3  # a table in a table in a table; forms use one level
_CHUNK = 1 << 16
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_TABLE_TAG = re.compile(rb"<(/?)w:tbl[\s>/]")
_EXTERNAL = re.compile(rb"<Relationship\b[^>]*>", re.IGNORECASE)
_HYPERLINK_TYPE = b"relationships/hyperlink"


def office_kind(path: Path) -> str | None:
    """XLSX or DOCX when the file is a zip package holding that kind's main part, else None
    (not a zip, a damaged one, or a zip of other files: a batch)."""
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    kinds = {kind for part, kind in _MAIN_PARTS.items() if part in names}
    return kinds.pop() if len(kinds) == 1 else None


def check_package(path: Path, kind: str, max_bytes: int) -> None:
    """Refuse an office package that is a bomb, runs code, reaches outside, or is malformed."""
    try:
        with zipfile.ZipFile(path) as package:
            members = [m for m in package.infolist() if not m.is_dir()]
            if len(members) > MAX_PARTS:
                raise InputRejected("office_unsafe", f"The file has over {MAX_PARTS} parts.")
            _check_names(members)
            budget = max_bytes * BUDGET_FACTOR
            for member in members:
                budget -= _scan_part(package, member, kind, budget)
    except InputRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise InputRejected("corrupt_office", f"The file is damaged: {exc}") from exc
    except NotImplementedError as exc:  # an unknown compression method
        raise InputRejected("corrupt_office", f"The file cannot be unpacked: {exc}") from exc


def _check_names(members: list[zipfile.ZipInfo]) -> None:
    for member in members:
        name = member.filename.lower()
        if member.flag_bits & 0x1:
            raise InputRejected("office_unsafe", "The file holds an encrypted part.")
        binary_code = name.endswith(".bin") and ("vba" in name or "activex" in name)
        if PurePosixPath(name).name.startswith("vbaproject") or binary_code:
            raise InputRejected("office_macros", "The file holds macros; save it without them.")
        if name.startswith(("xl/externallinks/", "word/externallinks/")):
            raise InputRejected(
                "office_external_links",
                "The file links to other workbooks; save it with the values only.",
            )


def _scan_part(package: zipfile.ZipFile, member: zipfile.ZipInfo, kind: str, budget: int) -> int:
    """Decompress one part as a stream, checking it; return the bytes it unpacked to."""
    name = member.filename.lower()
    is_xml = name.endswith((".xml", ".rels", ".vml"))
    tables = _TableCount() if kind == DOCX and name.startswith("word/") and is_xml else None
    limit = min(budget, MAX_RATIO * max(member.compress_size, _CHUNK))
    seen = 0
    tail = b""
    with package.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            seen += len(chunk)
            if seen > limit:
                raise InputRejected("office_unsafe", f"{member.filename} unpacks beyond limits.")
            if not is_xml:
                continue
            window = tail + chunk
            if _DTD.search(window):
                raise InputRejected("office_unsafe", f"{member.filename} declares a DTD.")
            if name.endswith(".rels"):
                _check_relationships(window, member.filename)
            if name == "[content_types].xml" and b"macroenabled" in window.lower():
                raise InputRejected("office_macros", "The file is macro-enabled.")
            if tables is not None:
                tables.feed(window, len(tail))
            tail = chunk[-256:]
    return seen


def _check_relationships(xml: bytes, part: str) -> None:
    for relationship in _EXTERNAL.findall(xml):
        lowered = relationship.lower()
        if b'targetmode="external"' in lowered and _HYPERLINK_TYPE not in lowered:
            raise InputRejected(
                "office_external_links",
                f"{part} links to an outside file or address; save it without links.",
            )


class _TableCount:
    """Counts `w:tbl` elements and their nesting depth over a stream of overlapping windows."""

    def __init__(self) -> None:
        self.depth = 0
        self.count = 0

    def feed(self, window: bytes, overlap: int) -> None:
        for match in _TABLE_TAG.finditer(window):
            if match.end() <= overlap:
                continue  # whole in the previous window already
            if match.group(1):
                self.depth = max(self.depth - 1, 0)
                continue
            self.depth += 1
            self.count += 1
            if self.depth > MAX_TABLE_DEPTH or self.count > MAX_TABLES:
                raise InputRejected(
                    "office_too_complex",
                    "The document nests tables deeper, or holds more of them, than a form does.",
                )
