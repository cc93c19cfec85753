"""OCR engines by name, each created once per process.

Loading models costs seconds, so `create_engine` hands back the same instance for the same
name and settings. Engines are imported only when chosen: a site without PaddleOCR installed
can run the default engine, and gets a clear error only if it asks for `paddleocr`.
"""

import threading
from collections.abc import Callable

from ingest.ocr.base import EngineUnavailable, OcrEngine
from jixiao.settings import Settings


def _rapidocr(settings: Settings) -> OcrEngine:
    from ingest.ocr.rapid import RapidOcrEngine

    return RapidOcrEngine(settings)


def _paddleocr(settings: Settings) -> OcrEngine:
    try:
        from ingest.ocr.paddle import PaddleOcrEngine
    except ImportError as exc:
        raise EngineUnavailable(
            f"the paddleocr engine needs its extra: pip install 'jixiao[paddle]' ({exc})"
        ) from exc
    return PaddleOcrEngine(settings)


ENGINES: dict[str, Callable[[Settings], OcrEngine]] = {
    "rapidocr": _rapidocr,
    "paddleocr": _paddleocr,
}

_cache: dict[tuple[str, str], OcrEngine] = {}
_lock = threading.Lock()


def create_engine(name: str, settings: Settings) -> OcrEngine:
    """The process's engine for `name` and these settings, built on first use."""
    factory = ENGINES.get(name)
    if factory is None:
        raise EngineUnavailable(f"unknown OCR engine {name!r}; choose one of {sorted(ENGINES)}")
    key = (name, settings.model_dump_json())
    with _lock:
        if key not in _cache:
            _cache[key] = factory(settings)
        return _cache[key]
