"""PP-OCR line recognition on our own ONNX Runtime session, batched by width.

Recognition is nearly all of the reading time, and its cost grows with the number of pixel
columns the model sees (every batch member is padded to the batch's widest crop). rapidocr pads
every batch to at least 320 columns and groups a fixed six crops, so short cell values (an
amount, a percentage) cost several times their own width. Owning the pass lets crops be batched
with ones of almost the same width, and lets the session be set up for a worker that shares its
cores: a fixed thread count and no spinning threads burning CPU between runs.

A pass is what PaddleOCR does for its recognisers: resize to the model's height keeping the
ratio, scale pixels to [-1, 1], pad with zeros to the batch width, run, and decode the per-step
class probabilities with CTC greedy decoding against the character list in the model's metadata.
"""

import math
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from ingest.artifacts import OcrToken
from ingest.ocr.base import unit
from ingest.ocr.coverage import doubt_unread_ink
from ingest.ocr.runtime import without_telemetry
from ingest.ocr.signs import settle_signs
from ingest.ocr.strays import doubt_glyphs_read_as_specks, drop_stray_ends

if TYPE_CHECKING:
    from onnxruntime import InferenceSession

HEIGHT = 48  # the PP-OCR recognisers' input height
# A batch takes crops whose widths (at HEIGHT) lie within this share of its narrowest one, so
# padding stays small; a run has a fixed cost of about 40 columns, so tiny crops still group.
WIDTH_SLACK = 0.15
MIN_SLACK_PX = 32
# Columns per batch: the output holds one probability per class (~18,700) per 8 columns, so a
# batch of this many columns returns about 30 MB.
BATCH_COLUMNS = 3200


def create_session(model: Path, threads: int) -> "InferenceSession":
    """A CPU session for a worker that shares the machine with other workers.

    Sequential execution with one inter-op thread (the graphs are chains); `threads` intra-op
    threads, the worker's share of the cores; those threads sleep instead of spinning when a
    run ends, which on a shared box would burn CPU that other workers need.
    """
    without_telemetry()
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    return ort.InferenceSession(
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )


class LineRecognizer:
    """A CTC text-line recognition model; create once per process, call per page."""

    def __init__(self, model: Path, threads: int, width_factor: float = 1.0) -> None:
        self._width_factor = width_factor
        self._session = create_session(model, threads)
        self._input = self._session.get_inputs()[0].name
        characters = self._session.get_modelmeta().custom_metadata_map.get("character")
        if not characters:
            raise ValueError(f"{model.name} has no character list in its metadata")
        # Class 0 is the CTC blank; the last class is a space, which the list leaves out.
        self._characters = np.array(["", *characters.splitlines(), " "], dtype=object)

    def read(self, crops: list[np.ndarray]) -> list[OcrToken]:
        """Read each crop (gray or BGR) as one text line; boxes are the crops' own.

        ≥/≧ and ≤/≦ (and a > or < read for one) are settled from the glyph where each was
        read (`ingest.ocr.signs`; the crops of one call, lines of one page, together), a line
        end whose ink reaches past the characters read, or a glyph between two of them, is
        doubted (`ingest.ocr.coverage`), so is a glyph read as a speck at a line's end, and
        characters read from dust at a line's ends are dropped (`ingest.ocr.strays`).
        """
        tokens = [
            OcrToken(text="", bbox=(0, 0, c.shape[1], c.shape[0]), confidence=0.0) for c in crops
        ]
        readable = [i for i, c in enumerate(crops) if c.shape[0] >= 2 and c.shape[1] >= 2]
        widths = {i: scaled_width(crops[i], self._width_factor) for i in readable}
        char_xs: dict[int, list[float]] = {}
        for batch in width_batches(widths):
            width = max(widths[i] for i in batch)
            probs = self._run([(crops[i], widths[i]) for i in batch], width)
            step_columns = width / probs.shape[1]  # input columns per output step
            for i, (text, confidences, steps) in zip(batch, self._decode(probs), strict=True):
                tokens[i] = tokens[i].model_copy(
                    update={
                        "text": text,
                        "confidence": unit(np.mean(confidences)) if text else 0.0,
                        "char_confidences": confidences,
                    }
                )
                to_crop = crops[i].shape[1] / widths[i]
                char_xs[i] = [(step + 0.5) * step_columns * to_crop for step in steps]
        # The crops of one call are the lines of one page: their signs are settled together.
        settled = settle_signs([(tokens[i], crops[i], char_xs[i]) for i in readable])
        for i, token in zip(readable, settled, strict=True):
            token = doubt_unread_ink(token, crops[i], char_xs[i])
            token = doubt_glyphs_read_as_specks(token, crops[i], char_xs[i])
            tokens[i] = drop_stray_ends(token, crops[i], char_xs[i])
        return tokens

    def _run(self, crops: list[tuple[np.ndarray, int]], width: int) -> np.ndarray:
        """Class probabilities at each output step of each crop, each resized to its own width
        and padded to the batch's."""
        batch = np.zeros((len(crops), 3, HEIGHT, width), dtype=np.float32)
        for k, (image, image_width) in enumerate(crops):
            resized = cv2.resize(image, (image_width, HEIGHT))
            pixels = resized.astype(np.float32) * (2 / 255) - 1
            if pixels.ndim == 2:
                batch[k, :, :, : pixels.shape[1]] = pixels
            else:
                batch[k, :, :, : pixels.shape[1]] = pixels.transpose(2, 0, 1)
        return self._session.run(None, {self._input: batch})[0]

    def _decode(self, probs: np.ndarray) -> list[tuple[str, tuple[float, ...], tuple[int, ...]]]:
        """CTC greedy decoding: the best class per step, repeats merged, blanks dropped; each
        character keeps the probability and the index of the step that emitted it."""
        best = probs.argmax(axis=2)
        best_prob = np.take_along_axis(probs, best[:, :, None], axis=2)[:, :, 0]
        emitted = best != 0
        emitted[:, 1:] &= best[:, 1:] != best[:, :-1]
        return [
            (
                "".join(self._characters[best[k, emitted[k]]]),
                tuple(float(p) for p in best_prob[k, emitted[k]]),
                tuple(int(step) for step in np.flatnonzero(emitted[k])),
            )
            for k in range(len(best))
        ]


def scaled_width(image: np.ndarray, factor: float = 1.0) -> int:
    """The crop's width once resized to the model's height, keeping its ratio, times `factor`
    (below 1, glyphs are narrowed: fewer columns to compute)."""
    return max(math.ceil(factor * HEIGHT * image.shape[1] / image.shape[0]), 1)


def width_batches(widths: dict[int, int]) -> list[list[int]]:
    """Crop indices grouped into batches of nearly equal width, narrowest first."""
    batches: list[list[int]] = []
    first = 0
    for i in sorted(widths, key=widths.__getitem__):
        if batches:
            batch = batches[-1]
            room = max(widths[first] * WIDTH_SLACK, MIN_SLACK_PX)
            fits = (len(batch) + 1) * widths[i] <= BATCH_COLUMNS
            if widths[i] - widths[first] <= room and fits:
                batch.append(i)
                continue
        batches.append([i])
        first = i
    return batches
