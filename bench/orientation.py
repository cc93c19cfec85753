"""How often `ingest.preprocess.orientation` finds the turn that sets a page upright, and what
it costs: every page of a corpus's documents turned by 0, 90, 180 and 270 degrees.
`python -m bench.orientation --corpus DIR [--split test] [--limit N]` from the repository root.

The figure that matters most is the first line: upright pages turned (must be 0).
"""

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

from ingest.artifacts import PageImage
from ingest.ocr import create_engine
from ingest.preprocess.orientation import upright
from ingest.rasterize import rasterize
from ingest.sources import accept_upload
from jixiao.options import input_limits, ocr_options
from jixiao.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--split", default="test")
    parser.add_argument("--limit", type=int, default=8)
    args = parser.parse_args()
    manifest = json.loads((args.corpus / "manifest.json").read_text())
    docs = [d["doc_id"] for d in manifest["documents"] if d["split"] == args.split][: args.limit]
    settings = Settings(ocr_threads=1)
    limits = input_limits(settings)
    engine = create_engine(ocr_options(settings))
    right = upright_turned = total = 0
    seconds: list[float] = []
    for doc_id in docs:
        source = accept_upload(args.corpus / f"{doc_id}.pdf", doc_id, limits)
        for page in rasterize(source, limits.raster_dpi, limits):
            for quarter in range(4):
                image = np.ascontiguousarray(np.rot90(page.image, quarter))
                started = time.perf_counter()
                _, turn = upright(PageImage(index=page.index, image=image, dpi=page.dpi), engine)
                seconds.append(time.perf_counter() - started)
                total += 1
                right += turn == (360 - 90 * quarter) % 360
                upright_turned += quarter == 0 and turn != 0
    print(f"upright pages turned: {upright_turned} of {total // 4}")
    print(f"turn found: {right} of {total} page orientations ({len(docs)} documents)")
    print(f"seconds per page: median {statistics.median(seconds):.3f}, max {max(seconds):.3f}")


if __name__ == "__main__":
    main()
