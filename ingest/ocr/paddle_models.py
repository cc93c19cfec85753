"""PaddleOCR 3.x model folders made from the PP-OCR ONNX files inside the rapidocr wheel.

PaddleOCR runs a model from a folder holding `inference.onnx` and an `inference.yml` that names
the model (PaddleX checks the name against the one it is given) and describes its pre- and
post-processing. The rapidocr wheel already ships the PP-OCRv6 small detection and recognition
networks, so laying them out this way gives PaddleOCR the same weights offline, with nothing
to download. The recognition alphabet is not in the wheel as a file: it is stored in the rec
ONNX file's metadata under `character`, and is copied into `inference.yml` from there.

Layout of a model root: `<root>/text_detection/` and `<root>/text_recognition/`, named after
PaddleOCR's `text_detection_model_dir` / `text_recognition_model_dir` parameters.
"""

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from ingest.ocr.base import EngineUnavailable

DETECTION = "text_detection"
RECOGNITION = "text_recognition"
MODEL_FILE = "inference.onnx"
CONFIG_FILE = "inference.yml"

# rapidocr's file name -> the PaddleX model name of the same network.
BUNDLED = {
    DETECTION: ("PP-OCRv6_det_small.onnx", "PP-OCRv6_small_det"),
    RECOGNITION: ("PP-OCRv6_rec_small.onnx", "PP-OCRv6_small_rec"),
}

# Recognition input height and base width the PP-OCRv6 rec network was trained at.
REC_IMAGE_SHAPE = [3, 48, 320]


class PaddleModelDirs(BaseModel):
    """The two folders PaddleOCR is pointed at, with the model names their configs declare."""

    model_config = ConfigDict(frozen=True)

    detection: Path
    recognition: Path
    detection_name: str
    recognition_name: str


def bundled_model_dir() -> Path:
    """Where the rapidocr wheel keeps its ONNX files; found without importing rapidocr."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise EngineUnavailable("rapidocr is not installed, so its PP-OCR models are not here")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def build_model_dirs(out: Path, source: Path | None = None) -> PaddleModelDirs:
    """Write both model folders under `out` from the ONNX files in `source` (the wheel's)."""
    source = source or bundled_model_dir()
    det_onnx, det_name = BUNDLED[DETECTION]
    rec_onnx, rec_name = BUNDLED[RECOGNITION]
    for name in (det_onnx, rec_onnx):
        if not (source / name).is_file():
            raise EngineUnavailable(f"PP-OCR model file missing: {source / name}")

    det_dir, rec_dir = out / DETECTION, out / RECOGNITION
    _install(source / det_onnx, det_dir / MODEL_FILE)
    _write_config(det_dir, detection_config(det_name))
    _install(source / rec_onnx, rec_dir / MODEL_FILE)
    _write_config(rec_dir, recognition_config(rec_name, read_character_list(rec_dir / MODEL_FILE)))
    return load_model_dirs(out)


def load_model_dirs(root: Path) -> PaddleModelDirs:
    """The model folders under `root`, checked to be complete enough for PaddleOCR to load."""
    det_dir, rec_dir = root / DETECTION, root / RECOGNITION
    missing = [
        str(d / f)
        for d in (det_dir, rec_dir)
        for f in (MODEL_FILE, CONFIG_FILE)
        if not (d / f).is_file()
    ]
    if missing:
        raise EngineUnavailable(
            f"PaddleOCR model folders incomplete ({', '.join(missing)}); "
            f"build them with: jixiao paddle-models --out {root}"
        )
    return PaddleModelDirs(
        detection=det_dir,
        recognition=rec_dir,
        detection_name=model_name(det_dir),
        recognition_name=model_name(rec_dir),
    )


def model_name(folder: Path) -> str:
    """`Global.model_name` of a model folder's config: PaddleOCR must be given the same name."""
    config = yaml.safe_load((folder / CONFIG_FILE).read_text(encoding="utf-8")) or {}
    name = (config.get("Global") or {}).get("model_name")
    if not isinstance(name, str) or not name:
        raise EngineUnavailable(f"{folder / CONFIG_FILE} names no model (Global.model_name)")
    return name


def read_character_list(rec_onnx: Path) -> list[str]:
    """The recognition alphabet stored in the rec model's metadata, one character per line."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(rec_onnx), providers=["CPUExecutionProvider"])
    text = session.get_modelmeta().custom_metadata_map.get("character")
    if not text:
        raise EngineUnavailable(f"{rec_onnx} carries no 'character' metadata")
    return text.split("\n")


def detection_config(name: str) -> dict:
    """DB text detection as PaddleOCR trains it: BGR input, ImageNet normalisation."""
    return {
        "Global": {"model_name": name},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"DetResizeForTest": {"resize_long": 960}},
                {
                    "NormalizeImage": {
                        "mean": [0.485, 0.456, 0.406],
                        "std": [0.229, 0.224, 0.225],
                        "scale": "1./255.",
                        "order": "hwc",
                    }
                },
                {"ToCHWImage": None},
                {"KeepKeys": {"keep_keys": ["image", "shape"]}},
            ]
        },
        "PostProcess": {
            "name": "DBPostProcess",
            "thresh": 0.3,
            "box_thresh": 0.6,
            "max_candidates": 1000,
            "unclip_ratio": 1.5,
        },
    }


def recognition_config(name: str, characters: list[str]) -> dict:
    """CTC line recognition: 48 px high input; blank and space are added by the decoder."""
    return {
        "Global": {"model_name": name},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"RecResizeImg": {"image_shape": REC_IMAGE_SHAPE}},
                {"KeepKeys": {"keep_keys": ["image"]}},
            ]
        },
        "PostProcess": {"name": "CTCLabelDecode", "character_dict": characters},
    }


def _install(src: Path, dest: Path) -> None:
    """Copy, not link: the folder must survive an upgrade or removal of rapidocr."""
    _replace(dest, lambda tmp: shutil.copyfile(src, tmp))


def _write_config(folder: Path, config: dict) -> None:
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    _replace(folder / CONFIG_FILE, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _replace(dest: Path, write: Callable[[Path], object]) -> None:
    """Write beside `dest` and rename, so a process loading the folder never sees half a file."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.")
    os.close(fd)
    try:
        write(Path(name))
        os.chmod(name, 0o644)  # mkstemp's 0600 would hide the models from other service users
        os.replace(name, dest)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
