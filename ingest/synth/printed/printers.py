"""Printing a source file to PDF with the program a user would print it with.

LibreOffice headless (`soffice --convert-to pdf`) prints XLSX and DOCX; headless Chromium
(`--print-to-pdf`) prints HTML. Each runs with a private profile in a temporary folder and
with every background connection switched off, so nothing reaches outside the machine.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

from models.truth import SourceFormat

SOFFICE = "soffice"
CHROMIUM = "chromium"
_TIMEOUT_S = 180

_CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-pdf-header-footer",
)


class PrinterUnavailable(RuntimeError):
    """The program that prints a format is not installed."""


def printer_program(source_format: SourceFormat) -> str:
    return CHROMIUM if source_format == "html" else SOFFICE


def missing_printers(formats: set[SourceFormat]) -> list[str]:
    """Programs the formats need that are not on PATH."""
    needed = sorted({printer_program(f) for f in formats})
    return [program for program in needed if shutil.which(program) is None]


class Printer:
    """Prints sources to PDF; one profile folder is kept for all the documents of a run."""

    def __init__(self) -> None:
        self._home = Path(tempfile.mkdtemp(prefix="jixiao-print-"))

    def __enter__(self) -> "Printer":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        shutil.rmtree(self._home, ignore_errors=True)

    def print_pdf(self, source: Path, out: Path) -> None:
        """Print `source` (.xlsx, .docx or .html) to the PDF `out`."""
        suffix = source.suffix.lstrip(".")
        program = printer_program(suffix)  # type: ignore[arg-type]
        if shutil.which(program) is None:
            raise PrinterUnavailable(f"{program} is not installed; it prints .{suffix} files")
        if suffix == "html":
            command = [
                CHROMIUM,
                *_CHROMIUM_FLAGS,
                f"--user-data-dir={self._home / 'chromium'}",
                f"--print-to-pdf={out}",
                source.resolve().as_uri(),
            ]
            produced = out
        else:
            folder = self._home / "out"
            command = [
                SOFFICE,
                "--headless",
                "--norestore",
                f"-env:UserInstallation={(self._home / 'soffice').as_uri()}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                str(source),
            ]
            produced = folder / f"{source.stem}.pdf"
        produced.unlink(missing_ok=True)
        done = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT_S)
        if not produced.is_file():
            raise RuntimeError(
                f"{program} printed nothing for {source.name} (exit {done.returncode}): "
                f"{done.stderr.strip()[-500:]}"
            )
        if produced != out:
            shutil.move(produced, out)
