"""An engine wrapper that counts what is sent to the models, so a document's timings say how
much of it was OCR'd (a page read from its text layer sends nothing but a few check lines)."""

import numpy as np

from ingest.artifacts import OcrToken
from ingest.ocr.base import OcrEngine
from models.contract import EngineInfo


class CountedEngine:
    """Counts recognised line crops and whole-image detection passes of the wrapped engine."""

    def __init__(self, engine: OcrEngine) -> None:
        self._engine = engine
        self.lines = 0
        self.detections = 0

    @property
    def info(self) -> EngineInfo:
        return self._engine.info

    def detect_and_read(self, image: np.ndarray) -> list[OcrToken]:
        self.detections += 1
        return self._engine.detect_and_read(image)

    def read_lines(self, crops: list[np.ndarray]) -> list[OcrToken]:
        self.lines += len(crops)
        return self._engine.read_lines(crops)
