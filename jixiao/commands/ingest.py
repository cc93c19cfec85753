"""`jixiao ingest FILE... --out OUT`: read files in this process and write contract JSON.

Exit codes tell a script what went wrong: 0 all read, 3 some input was rejected (bad file),
4 a file held a table of another form, 1 an internal failure.
"""

import argparse
import json
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from ingest.pipeline import ReadResult

EXIT_REJECTED = 3
EXIT_UNKNOWN_TEMPLATE = 4
EXIT_INTERNAL = 1


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "files", nargs="+", type=Path, help="PDF, PNG, JPEG or TIFF scans; XLSX or DOCX files"
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="a .json file for one input, or a folder for several (one <name>.json each)",
    )
    parser.add_argument(
        "--artifacts",
        type=Path,
        default=None,
        help="also write each document's page grids and stage timings into this folder",
    )
    parser.add_argument("--engine", default=None, help="OCR engine (default: rapidocr)")
    parser.add_argument("--dpi", type=int, default=None, help="rasterisation DPI for PDFs")


def _out_path(out: Path, source: Path, several: bool) -> Path:
    if several or out.is_dir() or out.suffix.lower() != ".json":
        out.mkdir(parents=True, exist_ok=True)
        return out / f"{source.stem}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def write_artifacts(folder: Path, stem: str, result: "ReadResult") -> None:
    """Grids and timings beside the JSON, in the layout `jixiao eval --results` reads."""
    folder.mkdir(parents=True, exist_ok=True)
    grids = [t.grid.model_dump(mode="json") if t.grid else None for t in result.page_tables]
    (folder / f"{stem}.grids.json").write_text(json.dumps(grids), encoding="utf-8")
    timings = {
        "seconds": result.timings,
        "pages": len(result.page_tables),
        "ocr_calls": result.ocr_calls,
    }
    (folder / f"{stem}.timings.json").write_text(json.dumps(timings, indent=2), encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    from ingest.errors import InputRejected, UnknownTemplate
    from ingest.ocr import create_engine
    from ingest.pipeline import read_document
    from jixiao.options import read_options
    from jixiao.settings import get_settings

    settings = get_settings()
    updates = {k: v for k, v in {"ocr_engine": args.engine, "raster_dpi": args.dpi}.items() if v}
    options = read_options(settings.model_copy(update=updates))
    console = Console(stderr=True)
    missing = [f for f in args.files if not f.is_file()]
    if missing:
        console.print(f"[red]no such file:[/red] {', '.join(map(str, missing))}")
        return 2
    engine = create_engine(options.ocr)
    several = len(args.files) > 1
    worst = 0
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    ) as bar:
        for path in args.files:
            task = bar.add_task(path.name, total=None)

            def progress(
                stage: str, done: int, total: int, task: int = task, name: str = path.name
            ) -> None:
                bar.update(task, completed=done, total=total, description=f"{name} {stage}")

            try:
                result = read_document(path, options, engine=engine, progress=progress)
            except InputRejected as exc:
                console.print(f"[red]{path}: rejected ({exc.code}):[/red] {exc.message}")
                worst = max(worst, EXIT_REJECTED)
                continue
            except UnknownTemplate as exc:
                console.print(f"[yellow]{path}: not this form:[/yellow] {exc}")
                worst = max(worst, EXIT_UNKNOWN_TEMPLATE)
                continue
            except Exception:  # report, keep reading the other files
                console.print(f"[red]{path}: internal failure[/red]\n{traceback.format_exc()}")
                worst = EXIT_INTERNAL if worst == 0 else worst
                continue
            target = _out_path(args.out, path, several)
            payload = json.dumps(result.document.to_json_dict(), ensure_ascii=False, indent=2)
            target.write_text(payload + "\n", encoding="utf-8")
            if args.artifacts:
                write_artifacts(args.artifacts, path.stem, result)
            doc = result.document
            flagged = sum(1 for f in doc.fields if f.status == "flagged")
            console.print(
                f"{path.name}: {doc.status} · {len(doc.fields)} fields, {flagged} flagged "
                f"-> {target}"
            )
    return worst
