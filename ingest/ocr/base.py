"""The one shape every OCR engine is normalised to, and the options an engine is built from.

Engines are created once per process (model loading costs seconds) and then called per page.
"""

from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, ConfigDict

from ingest.artifacts import BBox, OcrToken
from models.contract import EngineInfo


class EngineUnavailable(RuntimeError):
    """The chosen engine cannot run here: unknown name, package or model files missing."""


class OcrOptions(BaseModel):
    """Everything an engine is built from, and nothing else: an engine is kept per process
    for each distinct value, so options that do not change it cannot load its models twice."""

    model_config = ConfigDict(frozen=True)

    engine: str  # a name in `ingest.ocr.ENGINES`
    threads: int  # ONNX Runtime threads; 0: every core this process may run on
    # Line crops are resized to the recogniser's height, then to this share of their width.
    width_factor: float
    paddle_model_dir: Path | None  # `paddleocr`'s model folders, used as they are
    paddle_build_dir: Path  # where they are built on first use when that names none


@runtime_checkable
class OcrEngine(Protocol):
    @property
    def info(self) -> EngineInfo:
        """Engine and model names, recorded in every document it reads."""
        ...

    def detect_and_read(self, image: np.ndarray) -> list[OcrToken]:
        """Find and read every text line in `image` (gray or BGR); boxes in its pixels."""
        ...

    def read_lines(self, crops: list[np.ndarray]) -> list[OcrToken]:
        """Recognise single text lines without detection, batched; boxes are the crop's."""
        ...


def crop(image: np.ndarray, box: BBox) -> np.ndarray:
    x0, y0, x1, y1 = box
    return image[max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)]


def as_bgr(image: np.ndarray) -> np.ndarray:
    """Three-channel BGR, contiguous: what the PP-OCR engines read; pages arrive gray or BGR."""
    if image.ndim == 2:
        return np.repeat(image[:, :, None], 3, axis=2)
    return np.ascontiguousarray(image)


def unit(value: float) -> float:
    """A model score clamped into [0, 1]: float error can push a mean probability past 1."""
    return min(max(float(value), 0.0), 1.0)
