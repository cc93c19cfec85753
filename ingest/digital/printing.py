"""An XLSX or DOCX printed to PDF by LibreOffice, so the reviewer sees the file as printed.

The values come from the file itself (`ingest.digital.office`); the print gives the pages and
the boxes crops are cut from. LibreOffice runs headless with a profile of its own per process
(two instances on one profile block each other), no restore or first-start wizard, and a time
limit; the package was checked (`ingest.digital.package`) before it gets here, so it holds no
macros or links to fetch.
"""

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ingest.digital.package import DOCX, XLSX

PRINT_TIMEOUT_S = 120
_PROFILES: set[Path] = set()
_SUFFIX = {XLSX: ".xlsx", DOCX: ".docx"}


class PrintFailed(RuntimeError):
    """LibreOffice is missing, timed out, or produced no PDF."""


def print_to_pdf(source: Path, media_type: str, out_dir: Path) -> Path:
    """Print `source` (stored without a name) to `out_dir/printed.pdf`."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise PrintFailed("LibreOffice (soffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-print-") as work:
        named = Path(work) / f"printed{_SUFFIX[media_type]}"
        shutil.copyfile(source, named)
        command = [
            office,
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            f"-env:UserInstallation={_profile().as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            work,
            str(named),
        ]
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _, err = process.communicate(timeout=PRINT_TIMEOUT_S)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PrintFailed(f"LibreOffice took over {PRINT_TIMEOUT_S} s") from exc
        printed = named.with_suffix(".pdf")
        if process.returncode != 0 or not printed.is_file():
            message = err.decode("utf-8", "replace").strip()[-300:]
            raise PrintFailed(f"LibreOffice printed nothing (exit {process.returncode}): {message}")
        target = out_dir / "printed.pdf"
        shutil.move(printed, target)
    return target


def _profile() -> Path:
    """This process's own LibreOffice profile, kept between its prints (a first start is
    slow) and removed when the process ends."""
    profile = Path(tempfile.gettempdir()) / f"jixiao-libreoffice-{os.getuid()}-{os.getpid()}"
    if profile not in _PROFILES:
        _PROFILES.add(profile)
        atexit.register(shutil.rmtree, profile, ignore_errors=True)
    return profile
