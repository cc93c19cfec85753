"""The `paddleocr` engine: the PaddleOCR 3.x OCR pipeline on ONNX Runtime, fully offline.

For sites that standardise on PaddleOCR. It runs the same PP-OCR networks as the default engine
(the ONNX files of the rapidocr wheel, laid out as PaddleOCR model folders by
`ingest.ocr.paddle_models`), through PaddleOCR's own pre-processing, DB post-processing, box
ordering and CTC decoding. Only detection and recognition run: the page-orientation, unwarping
and text-line-orientation models are switched off, because pages arrive here already upright
and flat, and because they are not on disk (PaddleOCR would try to download them).

PaddleOCR reports one score per line (the mean of its characters' probabilities), not one per
character, so tokens from this engine carry no `char_confidences`; a line's weakest character
is therefore less visible than with the default engine.
"""

import os

import numpy as np

from ingest.artifacts import BBox, OcrToken
from ingest.ocr.base import EngineUnavailable, OcrOptions, as_bgr, unit
from ingest.ocr.paddle_models import PaddleModelDirs, build_model_dirs, load_model_dirs
from ingest.ocr.rapid import engine_threads
from ingest.ocr.runtime import without_telemetry
from ingest.ocr.signs import doubt_signs
from models.contract import EngineInfo

# Pages are detected at their own resolution up to this longest side (a 200 DPI A4 page is
# 2339 px); larger scans are shrunk to it. Same policy as the default engine's.
DET_LIMIT_SIDE = 2000
# Lines recognised per ONNX call; crops are sorted by width first, as PaddleOCR itself does,
# so a batch pads little.
REC_BATCH = 6


class PaddleOcrEngine:
    """PaddleOCR on ONNX Runtime; create once per process and reuse for every page."""

    def __init__(self, options: OcrOptions) -> None:
        # Read from the environment only, by PaddleX when it is first imported (it would
        # otherwise probe model hosters before any download); setdefault leaves an operator's
        # own choice alone.
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        without_telemetry()
        dirs = _model_dirs(options)  # building them opens an ONNX Runtime session
        try:
            from paddleocr import PaddleOCR, TextRecognition
        except ImportError as exc:
            raise EngineUnavailable(
                f"paddleocr is not installed: pip install 'jixiao[paddle]' ({exc})"
            ) from exc

        threads = engine_threads(options)
        # ONNX Runtime's memory arena keeps the largest detection buffers for the life of the
        # process: without it the peak RSS on a 200 DPI page was 0.9-1.1 GB instead of 1.5 GB
        # (docs/paddleocr.md). The default engine runs without it too.
        runtime = {
            "engine": "onnxruntime",
            "device": "cpu",
            "engine_config": {
                "intra_op_num_threads": threads,
                "inter_op_num_threads": 1,
                "enable_cpu_mem_arena": False,
            },
        }
        self._pipeline = PaddleOCR(
            text_detection_model_name=dirs.detection_name,
            text_detection_model_dir=str(dirs.detection),
            text_recognition_model_name=dirs.recognition_name,
            text_recognition_model_dir=str(dirs.recognition),
            use_doc_orientation_classify=False,
            use_doc_unwarping=False,
            use_textline_orientation=False,
            text_det_limit_type="max",
            text_det_limit_side_len=DET_LIMIT_SIDE,
            text_recognition_batch_size=REC_BATCH,
            **runtime,
        )
        # Recognition without detection (cell crops) is a separate PaddleOCR module; it loads
        # the same rec folder into its own session.
        self._recognizer = TextRecognition(
            model_name=dirs.recognition_name, model_dir=str(dirs.recognition), **runtime
        )
        self.threads = threads
        self._info = EngineInfo(
            engine="paddleocr",
            models={"det": dirs.detection_name, "rec": dirs.recognition_name},
        )

    @property
    def info(self) -> EngineInfo:
        return self._info

    def detect_and_read(self, image: np.ndarray) -> list[OcrToken]:
        """Detect and read every line; PaddleOCR returns them top to bottom, left to right."""
        bgr = as_bgr(image)
        (result,) = self._pipeline.predict(bgr)
        height, width = bgr.shape[:2]
        return [
            doubt_signs(OcrToken(text=text, bbox=_clip(box, width, height), confidence=unit(score)))
            for text, score, box in zip(
                result["rec_texts"], result["rec_scores"], result["rec_boxes"], strict=True
            )
            if text.strip()
        ]

    def read_lines(self, crops: list[np.ndarray]) -> list[OcrToken]:
        """Read each crop as one text line, batched; an unreadable crop gives empty text."""
        images = [as_bgr(c) for c in crops]
        tokens = [
            OcrToken(text="", bbox=(0, 0, img.shape[1], img.shape[0]), confidence=0.0)
            for img in images
        ]
        readable = [i for i, img in enumerate(images) if img.shape[0] >= 2 and img.shape[1] >= 2]
        order = sorted(readable, key=lambda i: images[i].shape[1] / images[i].shape[0])
        if not order:
            return tokens
        results = self._recognizer.predict([images[i] for i in order], batch_size=REC_BATCH)
        for i, result in zip(order, results, strict=True):
            text = str(result["rec_text"])
            score = unit(result["rec_score"]) if text else 0.0
            tokens[i] = doubt_signs(OcrToken(text=text, bbox=tokens[i].bbox, confidence=score))
        return tokens


def _model_dirs(options: OcrOptions) -> PaddleModelDirs:
    """Configured folders are used as they are; the default ones are built on first use."""
    if options.paddle_model_dir is not None:
        return load_model_dirs(options.paddle_model_dir)
    try:
        return load_model_dirs(options.paddle_build_dir)
    except EngineUnavailable:
        return build_model_dirs(options.paddle_build_dir)


def _clip(box: np.ndarray, width: int, height: int) -> BBox:
    x0, y0, x1, y1 = (int(v) for v in box)
    return (max(x0, 0), max(y0, 0), min(x1, width), min(y1, height))
