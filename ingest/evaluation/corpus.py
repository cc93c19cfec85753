"""Finding the ground truth of a synthetic corpus folder."""

from pathlib import Path
from typing import Literal

from models.truth import GroundTruth

SplitChoice = Literal["test", "calibration", "all"]


def load_truths(
    corpus: Path, split: SplitChoice = "all", limit: int | None = None
) -> list[GroundTruth]:
    """The corpus's `<doc_id>.truth.json` files in name order, filtered by split, then limited."""
    truths: list[GroundTruth] = []
    for path in sorted(corpus.glob("*.truth.json")):
        truth = GroundTruth.model_validate_json(path.read_bytes())
        if split in ("all", truth.split):
            truths.append(truth)
        if limit is not None and len(truths) >= limit:
            break
    return truths
