"""`jixiao synth`: render a synthetic corpus of scanned forms with ground truth."""

import argparse
import time
from pathlib import Path

from models.truth import Level

_LEVELS = ("clean", "scan", "heavy", "photo")


def _levels(text: str) -> list[Level]:
    levels = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [lv for lv in levels if lv not in _LEVELS]
    if unknown or not levels:
        raise argparse.ArgumentTypeError(
            f"levels must be a comma-separated subset of {','.join(_LEVELS)}"
        )
    return levels  # type: ignore[return-value]


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
        "--page-images", action="store_true", help="also write pages/<doc_id>_p<k>.png"
    )
    parser.add_argument(
        "--include-seed",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="document 0 is the seed table (default on)",
    )


def run(args: argparse.Namespace) -> int:
    from ingest.synth.corpus import write_corpus
    from ingest.synth.fonts import missing_faces

    if missing := missing_faces():
        print(
            f"missing fonts: {', '.join(missing)} (install fonts-noto-cjk, "
            "fonts-arphic-uming, fonts-wqy-zenhei, fonts-wqy-microhei)"
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
    )
    pages = sum(d.pages for d in manifest.documents)
    seconds = time.perf_counter() - started
    print(
        f"wrote {len(manifest.documents)} documents, {pages} pages to {args.out} "
        f"in {seconds:.1f}s ({seconds / len(manifest.documents):.2f}s per document)"
    )
    return 0
