"""The in-process read prepares the next page while the current one is being read."""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from ingest import pipeline
from ingest.artifacts import PageImage
from ingest.pipeline import StageTimer


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
