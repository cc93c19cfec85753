"""The peer pipeline: Tesseract (chi_sim) through img2table's bordered-table extraction.

It stands for what a team gets from off-the-shelf parts, so it runs with img2table's defaults
except three choices any user of these forms would make: the Chinese model, bordered tables
only (the form is fully ruled), and img2table's own rotation fix (without it a scan tilted by a
degree yields no table at all). Tesseract's OpenMP threads are held to the worker's share of
the cores, as jixiao's ONNX threads are, so both pipelines get the same hardware, and they
sleep rather than spin while they wait, as jixiao's do.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import cv2
import numpy as np

from ingest.bench.accuracy import PagePrediction, PredictedCell
from ingest.ocr.base import EngineUnavailable

LANGUAGE = "chi_sim"


class PeerReader:
    """Create once per process; `read_page` reads one rasterised page (BGR or gray)."""

    def __init__(self, threads: int) -> None:
        try:
            from img2table.ocr import TesseractOCR
        except ImportError as exc:
            raise EngineUnavailable(
                f"the peer needs its extra: pip install 'jixiao[peer]' ({exc})"
            ) from exc
        try:
            with _quiet_stdout():  # its constructor prints `tesseract --version` to our stdout
                self._ocr = TesseractOCR(n_threads=1, lang=LANGUAGE)
        except OSError as exc:
            raise EngineUnavailable(
                f"the peer needs tesseract-ocr and tesseract-ocr-chi-sim: {exc}"
            ) from exc
        self._ocr.env["OMP_THREAD_LIMIT"] = str(max(threads, 1))
        # OpenMP threads that spin while they wait for each other crawl when the cores are
        # busy: one page took 7-16 s of CPU instead of under 2 s on a loaded 2-core machine.
        self._ocr.env["OMP_WAIT_POLICY"] = "PASSIVE"

    def read_page(self, image: np.ndarray, index: int) -> PagePrediction:
        from img2table.document import Image

        # img2table takes an encoded file; BMP is a plain copy, so encoding costs no OCR time.
        ok, encoded = cv2.imencode(".bmp", image)
        if not ok:
            raise ValueError(f"page {index} cannot be encoded")
        document = Image(src=encoded.tobytes(), detect_rotation=True)
        tables = document.extract_tables(ocr=self._ocr, borderless_tables=False)
        return _prediction(tables, index)


def _prediction(tables: list[Any], index: int) -> PagePrediction:
    """Unique cells of every table found (a merged cell repeats in each row and column it
    spans), framed by the union of the tables' boxes."""
    if not tables:
        return PagePrediction(page=index)
    cells: dict[tuple[int, int, int, int], PredictedCell] = {}
    for table in tables:
        for row in table.content.values():
            for cell in row:
                box = (cell.bbox.x1, cell.bbox.y1, cell.bbox.x2, cell.bbox.y2)
                cells.setdefault(box, PredictedCell(bbox=box, text=cell.value or ""))
    frame = (
        min(t.bbox.x1 for t in tables),
        min(t.bbox.y1 for t in tables),
        max(t.bbox.x2 for t in tables),
        max(t.bbox.y2 for t in tables),
    )
    return PagePrediction(page=index, frame=frame, cells=tuple(cells.values()))


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Send this process's file descriptor 1 (which subprocesses inherit) to /dev/null."""
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
