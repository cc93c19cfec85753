"""OCR engines by name, each created once per process.

Loading models costs seconds, so `create_engine` hands back the same instance for the same
options. Engines are imported only when chosen: a site without PaddleOCR installed
can run the default engine, and gets a clear error only if it asks for `paddleocr`.
"""

import threading
from collections.abc import Callable

from ingest.ocr.base import EngineUnavailable, OcrEngine, OcrOptions


def _rapidocr(options: OcrOptions) -> OcrEngine:
    from ingest.ocr.rapid import RapidOcrEngine

    return RapidOcrEngine(options)


def _paddleocr(options: OcrOptions) -> OcrEngine:
    try:
        from ingest.ocr.paddle import PaddleOcrEngine
    except ImportError as exc:
        raise EngineUnavailable(
            f"the paddleocr engine needs its extra: pip install 'jixiao[paddle]' ({exc})"
        ) from exc
    return PaddleOcrEngine(options)


ENGINES: dict[str, Callable[[OcrOptions], OcrEngine]] = {
    "rapidocr": _rapidocr,
    "paddleocr": _paddleocr,
}

_cache: dict[OcrOptions, OcrEngine] = {}
_lock = threading.Lock()


def create_engine(options: OcrOptions) -> OcrEngine:
    """The process's engine for these options, built on first use."""
    factory = ENGINES.get(options.engine)
    if factory is None:
        raise EngineUnavailable(
            f"unknown OCR engine {options.engine!r}; choose one of {sorted(ENGINES)}"
        )
    with _lock:
        if options not in _cache:
            _cache[options] = factory(options)
        return _cache[options]
