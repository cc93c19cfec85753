"""Recognition time of two recogniser settings on the exact line crops jixiao reads.

`python -m bench.recognition --corpus DIR --width-factor 0.85 [--rounds 9]` from the repository
root reads every document of the corpus once to record the crops the recogniser is given (call
by call, so each call is batched as in the service), then times the recogniser with today's
settings (A) and with the given ones (B) on those crops, taking turns call by call, so load
from other work falls on both alike. It prints the median ratio B / A and
how many lines B reads differently from A; accuracy is judged by `jixiao eval`, not here.
"""

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ingest.artifacts import OcrToken
from ingest.ocr.rapid import RapidOcrEngine
from ingest.ocr.recognizer import LineRecognizer
from ingest.pipeline import ReadOptions, read_document
from jixiao.options import read_options
from jixiao.settings import Settings

Calls = list[list[np.ndarray]]
Reader = Callable[[list[np.ndarray]], list[OcrToken]]


class _Recording:
    """Stands in for an engine's recogniser and keeps each call's crops."""

    def __init__(self, recognizer: LineRecognizer) -> None:
        self._recognizer = recognizer
        self.calls: Calls = []

    def read(self, crops: list[np.ndarray]) -> list[OcrToken]:
        self.calls.append([c.copy() for c in crops])
        return self._recognizer.read(crops)


def recorded_calls(corpus: Path, options: ReadOptions) -> Calls:
    """The crops of every recogniser call made while reading the corpus's documents."""
    engine = RapidOcrEngine(options.ocr)
    recording = _Recording(engine.recognizer)
    engine.recognizer = recording  # type: ignore[assignment]
    for pdf in sorted(corpus.glob("*.pdf")):
        read_document(pdf, options, engine=engine)
    return recording.calls


def interleaved_seconds(readers: Sequence[Reader], calls: Calls, rounds: int) -> list[list[float]]:
    """Seconds each reader takes over all calls, per round. The readers take turns on every
    call, in an order that rotates from call to call, so a burst of other work on the machine
    falls on all of them alike."""
    seconds: list[list[float]] = [[] for _ in readers]
    turn = 0
    for _ in range(rounds):
        spent = [0.0] * len(readers)
        for crops in calls:
            for k in np.roll(np.arange(len(readers)), turn):
                started = time.perf_counter()
                readers[k](crops)
                spent[k] += time.perf_counter() - started
            turn += 1
        for k, total in enumerate(spent):
            seconds[k].append(total)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--width-factor", type=float, required=True)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    options = read_options(Settings(ocr_threads=2))
    calls = recorded_calls(args.corpus, options)
    engine = RapidOcrEngine(options.ocr)
    model, threads = engine.rec_model, engine.threads
    readers = [
        LineRecognizer(model, threads, width_factor=options.ocr.width_factor),
        LineRecognizer(model, threads, width_factor=args.width_factor),
    ]
    texts = [[t.text for crops in calls for t in reader.read(crops)] for reader in readers]
    a, b = interleaved_seconds([r.read for r in readers], calls, args.rounds)
    ratios = [tb / ta for ta, tb in zip(a, b, strict=True)]
    lines = len(texts[0])
    same = sum(x == y for x, y in zip(*texts, strict=True))
    print(f"{len(calls)} recogniser calls, {lines} lines, {args.rounds} rounds")
    print(f"A: median {statistics.median(a):.3f} s, B: median {statistics.median(b):.3f} s")
    print(
        f"B / A: median {statistics.median(ratios):.3f} (range {min(ratios):.3f}-{max(ratios):.3f})"
    )
    print(f"lines read the same: {same} of {lines}")


if __name__ == "__main__":
    main()
