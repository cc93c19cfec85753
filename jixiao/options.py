"""Each reading stage's options, built from the service settings.

The stages in `ingest/` know nothing of `Settings`: each takes a small frozen object holding
only what it reads. This is the one place that knows both, used by the CLI commands, the
workers, the API and the benchmarks.
"""

from ingest.ocr.base import OcrOptions
from ingest.pipeline import ReadOptions
from ingest.sources import InputLimits
from jixiao.settings import Settings


def input_limits(settings: Settings) -> InputLimits:
    """What the sources stage and the rasteriser let one document cost."""
    return InputLimits(
        max_upload_bytes=settings.max_upload_bytes,
        max_pages=settings.max_pages,
        max_image_pixels=settings.max_image_pixels,
        raster_dpi=settings.raster_dpi,
        raster_memory_bytes=settings.raster_memory_bytes,
    )


def ocr_options(settings: Settings) -> OcrOptions:
    """The OCR engine to build; `paddleocr` builds its default model folders in the data
    folder."""
    return OcrOptions(
        engine=settings.ocr_engine,
        threads=settings.ocr_threads,
        width_factor=settings.ocr_width_factor,
        paddle_model_dir=settings.paddle_model_dir,
        paddle_build_dir=settings.data_dir / "paddle-models",
    )


def read_options(settings: Settings) -> ReadOptions:
    """Reading whole documents in this process (`ingest.pipeline.read_document`)."""
    return ReadOptions(limits=input_limits(settings), ocr=ocr_options(settings))
