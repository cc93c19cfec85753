"""How wide a form's columns are drawn: a range per column, one column taking the rest.

Each form sets its own ranges (a label column, amount columns, a wide text column); a look
draws one width per column in column order, so a form's draws stay where they always were in
its document's random sequence.
"""

import random

from pydantic import BaseModel, ConfigDict, model_validator


class ColumnWidths(BaseModel):
    """Width ranges as fractions of the table's width; None marks the column that takes what
    the others leave. `compact` fixes every width (the seed filing's tight setup)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ranges: tuple[tuple[float, float] | None, ...]
    compact: tuple[float | None, ...] | None = None

    @model_validator(mode="after")
    def _one_rest(self) -> "ColumnWidths":
        if sum(r is None for r in self.ranges) != 1:
            raise ValueError("exactly one column takes the rest of the width")
        if self.compact is not None and len(self.compact) != len(self.ranges):
            raise ValueError("compact widths name every column")
        return self

    @property
    def count(self) -> int:
        return len(self.ranges)

    def draw(self, rng: random.Random, compact: bool = False) -> list[float]:
        """One fraction per column, summing to 1."""
        if compact and self.compact is not None:
            fractions = [0.0 if f is None else f for f in self.compact]
        else:
            fractions = [0.0 if r is None else rng.uniform(*r) for r in self.ranges]
        rest = self.ranges.index(None)
        fractions[rest] = 1.0 - sum(fractions)
        return fractions
