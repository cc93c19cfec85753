"""`jixiao paddle-models`: lay out the PP-OCR models bundled with rapidocr as PaddleOCR folders.

The `paddleocr` engine builds them itself under the data folder on first use; this command is
for sites that keep model folders elsewhere (a read-only image, a shared volume) and point
`JIXIAO_PADDLE_MODEL_DIR` at them.
"""

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="folder to write text_detection/ and text_recognition/ into",
    )


def run(args: argparse.Namespace) -> int:
    from ingest.ocr.base import EngineUnavailable
    from ingest.ocr.paddle_models import build_model_dirs

    try:
        dirs = build_model_dirs(args.out)
    except EngineUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{dirs.detection}  {dirs.detection_name}")
    print(f"{dirs.recognition}  {dirs.recognition_name}")
    print(f"use them with: JIXIAO_PADDLE_MODEL_DIR={args.out} JIXIAO_OCR_ENGINE=paddleocr")
    return 0
