"""Reliability of field confidence: does 0.9 mean right nine times in ten?

Bins hold sums, not samples, so per-document results add up to per-level and total ones.
"""

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, computed_field

N_BINS = 10


class ReliabilityBin(BaseModel):
    model_config = ConfigDict(frozen=True)

    lower: float
    upper: float
    count: int
    mean_confidence: float | None
    accuracy: float | None


class Reliability(BaseModel):
    """Per equal-width confidence bin: how many fields, their confidence sum, how many right."""

    model_config = ConfigDict(frozen=True)

    counts: tuple[int, ...] = Field(default=(0,) * N_BINS)
    confidence_sums: tuple[float, ...] = Field(default=(0.0,) * N_BINS)
    correct: tuple[int, ...] = Field(default=(0,) * N_BINS)

    def __add__(self, other: "Reliability") -> "Reliability":
        return Reliability(
            counts=tuple(a + b for a, b in zip(self.counts, other.counts, strict=True)),
            confidence_sums=tuple(
                a + b for a, b in zip(self.confidence_sums, other.confidence_sums, strict=True)
            ),
            correct=tuple(a + b for a, b in zip(self.correct, other.correct, strict=True)),
        )

    @computed_field
    @property
    def ece(self) -> float | None:
        """Expected calibration error: |accuracy − mean confidence| per bin, weighted by count."""
        total = sum(self.counts)
        if total == 0:
            return None
        gap = sum(
            abs(right - conf)
            for n, conf, right in zip(self.counts, self.confidence_sums, self.correct, strict=True)
            if n
        )
        return gap / total

    @computed_field
    @property
    def curve(self) -> list[ReliabilityBin]:
        width = 1.0 / len(self.counts)
        return [
            ReliabilityBin(
                lower=round(k * width, 6),
                upper=round((k + 1) * width, 6),
                count=n,
                mean_confidence=conf / n if n else None,
                accuracy=right / n if n else None,
            )
            for k, (n, conf, right) in enumerate(
                zip(self.counts, self.confidence_sums, self.correct, strict=True)
            )
        ]


def reliability(samples: Iterable[tuple[float, bool]], n_bins: int = N_BINS) -> Reliability:
    """Bin (confidence, correct) samples; confidence 1.0 falls in the top bin."""
    counts, sums, correct = [0] * n_bins, [0.0] * n_bins, [0] * n_bins
    for confidence, ok in samples:
        k = min(int(confidence * n_bins), n_bins - 1)
        counts[k] += 1
        sums[k] += confidence
        correct[k] += int(ok)
    return Reliability(counts=tuple(counts), confidence_sums=tuple(sums), correct=tuple(correct))
