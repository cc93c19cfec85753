"""`jixiao synth`: render a synthetic corpus of scanned forms with ground truth.

`--form` picks the form (`department_overall`, the default, or `project_expenditure`).
`--engine` picks what lays the pages out: `native` draws them itself; `office` writes XLSX or
DOCX and prints it with LibreOffice; `browser` writes HTML and prints it with Chromium. Several
engines, comma-separated, make a mixed corpus.
"""

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from models.truth import Engine, Level

_LEVELS = ("clean", "scan", "heavy", "photo")
_ENGINES = ("native", "office", "browser")
_FORMS = ("department_overall", "project_expenditure")  # ingest.synth.registry.SYNTH_FORMS


def _choices(name: str, allowed: tuple[str, ...]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        picked = [part.strip() for part in text.split(",") if part.strip()]
        if not picked or any(p not in allowed for p in picked):
            raise argparse.ArgumentTypeError(
                f"{name} must be a comma-separated subset of {','.join(allowed)}"
            )
        return picked

    return parse


_levels: Callable[[str], list[Level]] = _choices("levels", _LEVELS)  # type: ignore[assignment]
_engines: Callable[[str], list[Engine]] = _choices("engines", _ENGINES)  # type: ignore[assignment]


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("-n", type=int, default=8, help="number of documents (default 8)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--levels",
        type=_levels,
        default=list(_LEVELS),
        help="degradation levels to cycle through (default all four)",
    )
    parser.add_argument(
        "--engine",
        type=_engines,
        default=["native"],
        help="what lays the pages out: native, office (LibreOffice), browser (Chromium), or "
        "several, comma-separated, taking turns per cycle of levels (default native)",
    )
    parser.add_argument(
        "--form",
        choices=_FORMS,
        default=_FORMS[0],
        help="which form the documents are of: the 部门整体 table (default) or the 项目支出 one",
    )
    parser.add_argument(
        "--page-images", action="store_true", help="also write pages/<doc_id>_p<k>.png"
    )
    parser.add_argument(
        "--include-seed",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="document 0 is the seed table (default on; only the 部门整体 form has one)",
    )


def run(args: argparse.Namespace) -> int:
    from ingest.synth.corpus import write_corpus
    from ingest.synth.fonts import missing_faces
    from ingest.synth.printed.printers import missing_printers
    from ingest.synth.registry import synth_form

    if missing := missing_faces():
        print(
            f"missing fonts: {', '.join(missing)} (install fonts-noto-cjk, "
            "fonts-arphic-uming, fonts-wqy-zenhei, fonts-wqy-microhei)"
        )
        return 2
    formats = {"office": {"xlsx", "docx"}, "browser": {"html"}}
    needed = set().union(*(formats.get(engine, set()) for engine in args.engine))
    if missing := missing_printers(needed):
        print(
            f"missing programs: {', '.join(missing)} (install libreoffice-calc, "
            "libreoffice-writer and chromium)"
        )
        return 2
    if args.n < 1:
        print("-n must be at least 1")
        return 2
    started = time.perf_counter()
    manifest = write_corpus(
        args.out,
        args.n,
        args.seed,
        args.levels,
        page_images=args.page_images,
        include_seed=args.include_seed,
        engines=args.engine,
        form=synth_form(args.form),
    )
    pages = sum(d.pages for d in manifest.documents)
    seconds = time.perf_counter() - started
    print(
        f"wrote {len(manifest.documents)} documents, {pages} pages to {args.out} "
        f"in {seconds:.1f}s ({seconds / len(manifest.documents):.2f}s per document)"
    )
    return 0
