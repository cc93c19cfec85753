"""The default engine: PP-OCR models on ONNX Runtime, from the files in the rapidocr wheel.

The rapidocr wheel ships the PP-OCR detection, recognition and direction-classifier ONNX
files; they are named explicitly, because naming a model that is not on disk makes rapidocr
download it, and nothing may download weights at run time. Detection and the direction
classifier run through rapidocr; recognition, nearly all of the reading time, runs on our own
session (`ingest.ocr.recognizer`), batched by width.

Per-character confidence is the recognition model's per-step probability of each emitted
character (CTC greedy decoding), so one doubtful digit shows up on its own instead of being
averaged into its line.
"""

import os
from pathlib import Path

import numpy as np

from ingest.artifacts import BBox, OcrToken
from ingest.ocr.base import EngineUnavailable, OcrOptions, as_bgr
from ingest.ocr.recognizer import LineRecognizer
from ingest.ocr.runtime import without_telemetry
from models.contract import EngineInfo

MODEL_FILES = {
    "det": "PP-OCRv6_det_small.onnx",
    "rec": "PP-OCRv6_rec_small.onnx",
    "cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}


def engine_threads(options: OcrOptions) -> int:
    """ONNX Runtime threads: the configured number, else every core this process may run on."""
    if options.threads > 0:
        return options.threads
    return max(len(os.sched_getaffinity(0)), 1)


class RapidOcrEngine:
    """PP-OCR on ONNX Runtime; create once per process and reuse for every page."""

    def __init__(self, options: OcrOptions) -> None:
        without_telemetry()
        try:
            import rapidocr
        except ImportError as exc:
            raise EngineUnavailable("rapidocr is not installed: pip install rapidocr") from exc

        model_dir = Path(rapidocr.__file__).parent / "models"
        paths = {task: model_dir / name for task, name in MODEL_FILES.items()}
        missing = [str(p) for p in paths.values() if not p.is_file()]
        if missing:
            raise EngineUnavailable(f"rapidocr model files missing: {', '.join(missing)}")
        threads = engine_threads(options)
        # rapidocr loads each model on first use, so its own recogniser is never loaded.
        self._ocr = rapidocr.RapidOCR(
            params={
                "Det.model_path": str(paths["det"]),
                "Rec.model_path": str(paths["rec"]),
                "Cls.model_path": str(paths["cls"]),
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                # Pages are already shrunk to 2000 px by rapidocr; a strip or a cell crop is
                # detected at its own size instead of being blown up to 736 px on its short side.
                "Det.limit_type": "max",
                "Det.limit_side_len": 2000,
                "Global.log_level": "error",  # an empty strip is normal, not a warning
            }
        )
        self.rec_model = paths["rec"]
        self.recognizer = LineRecognizer(paths["rec"], threads, options.width_factor)
        self.threads = threads
        self._info = EngineInfo(
            engine="rapidocr", models={task: p.stem for task, p in paths.items()}
        )

    @property
    def info(self) -> EngineInfo:
        return self._info

    def detect_and_read(self, image: np.ndarray) -> list[OcrToken]:
        """Detect lines on `image`, turn upside-down ones upright, read them in one batch."""
        from rapidocr.utils.process_img import get_rotate_crop_image

        bgr = as_bgr(image)
        # Every flag is passed on each call: rapidocr keeps them as state between calls.
        found = self._ocr(bgr, use_det=True, use_cls=False, use_rec=False)
        quads = getattr(found, "boxes", None)
        if quads is None or len(quads) == 0:
            return []
        crops = [get_rotate_crop_image(bgr, q.astype(np.float32)) for q in quads]
        crops, _ = self._ocr.cls_and_rotate(crops)
        boxes = [_quad_bbox(q, bgr.shape) for q in quads]
        tokens = self.recognizer.read(crops)
        return [
            t.model_copy(update={"bbox": box})
            for t, box in zip(tokens, boxes, strict=True)
            if t.text.strip()
        ]

    def read_lines(self, crops: list[np.ndarray]) -> list[OcrToken]:
        """Read each crop as one text line, batched; an unreadable crop gives empty text."""
        return self.recognizer.read(crops)


def _quad_bbox(quad: np.ndarray, shape: tuple[int, ...]) -> BBox:
    h, w = shape[:2]
    x0, y0 = np.floor(quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
    return (max(int(x0), 0), max(int(y0), 0), min(int(x1), w), min(int(y1), h))
