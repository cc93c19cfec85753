"""The in-process read prepares the next page while the current one is being read."""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from ingest import pipeline
from ingest.artifacts import PageImage
from ingest.pipeline import StageTimer
from jixiao.options import read_options
from jixiao.settings import Settings


def _pages(n: int) -> Iterator[PageImage]:
    for index in range(n):
        yield PageImage(index=index, image=np.zeros((4, 4, 3), np.uint8), dpi=200)


def test_pages_come_in_order_each_prepared_while_the_one_before_is_read(monkeypatch):
    read = [threading.Event() for _ in range(3)]
    started_while_previous_read: list[bool] = []

    def prepare(page: PageImage, engine: object, timer: StageTimer):
        if page.index:
            started_while_previous_read.append(not read[page.index - 1].is_set())
        return f"clean {page.index}", None

    monkeypatch.setattr(pipeline, "prepare_page", prepare)
    seen = []
    with ThreadPoolExecutor(max_workers=1) as ahead:
        for clean, _ in pipeline._prepared_ahead(_pages(3), None, ahead, StageTimer()):
            seen.append(clean)
            threading.Event().wait(0.1)  # reading the page
            read[len(seen) - 1].set()
    assert seen == ["clean 0", "clean 1", "clean 2"]
    assert started_while_previous_read == [True, True]


def test_a_page_that_cannot_be_prepared_stops_the_read_with_its_error(monkeypatch):
    def prepare(page: PageImage, engine: object, timer: StageTimer):
        if page.index == 1:
            raise ValueError("page 2 is unreadable")
        return page.index, None

    monkeypatch.setattr(pipeline, "prepare_page", prepare)
    seen = []
    with ThreadPoolExecutor(max_workers=1) as ahead, pytest.raises(ValueError, match="page 2"):
        for clean, _ in pipeline._prepared_ahead(_pages(3), None, ahead, StageTimer()):
            seen.append(clean)
    assert seen == [0]


def test_a_read_that_fails_leaves_no_renderer_behind(monkeypatch):
    """pdftoppm renders ahead of the reader and blocks on its full pipe: a read stopped by an
    error closes it at once, not whenever the failed read's frames are collected."""
    import psutil

    from ingest.artifacts import CleanPage

    def prepare(page: PageImage, engine: object, timer: StageTimer):
        gray = page.image[:, :, 0]
        return CleanPage(index=page.index, image=page.image, gray=gray, dpi=page.dpi), None

    def read(clean: CleanPage, *args: object):
        raise RuntimeError("the reader failed on the first page")

    monkeypatch.setattr(pipeline, "prepare_page", prepare)
    monkeypatch.setattr(pipeline, "read_prepared", read)
    scan = Path(__file__).parents[1] / "data" / "corpus" / "syn11_0000.pdf"  # 3 pages
    with pytest.raises(RuntimeError, match="first page") as failed:
        pipeline.read_document(scan, read_options(Settings()), engine=object())
    assert failed.value.__traceback__ is not None  # the failed read's frames are still held
    renderers = [p for p in psutil.Process().children(recursive=True) if p.name() == "pdftoppm"]
    assert renderers == []
