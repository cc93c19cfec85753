"""The ink of one text-line crop as separate marks, for checks on single characters.

The recogniser says which column each character was read at (its CTC step); these helpers say
what ink lies there, so a character can be checked against the marks it was read from.
"""

from dataclasses import dataclass

import cv2
import numpy as np

# A crop with less contrast than this between paper and its darkest ink is too faint to judge.
_MIN_CONTRAST = 40


@dataclass(frozen=True)
class LineInk:
    """Ink darker than halfway between the crop's paper and its darkest ink, as marks."""

    threshold: float
    labels: np.ndarray  # per pixel: its mark, 0 for paper
    boxes: np.ndarray  # per mark (row 0 = paper): x, y, width, height
    text_height: int  # rows from the first inked row to the last

    @property
    def sizes(self) -> np.ndarray:
        """Per mark: its larger side."""
        return np.maximum(self.boxes[:, 2], self.boxes[:, 3])

    def marks_near(self, x: float, reach: float) -> np.ndarray:
        """Marks whose columns come within `reach` of column `x`."""
        left = self.boxes[1:, 0]
        right = left + self.boxes[1:, 2]
        return np.flatnonzero((left <= x + reach) & (right >= x - reach)) + 1


def line_ink(gray: np.ndarray) -> LineInk | None:
    """The crop's marks, or None when it is too faint to tell ink from paper."""
    paper, darkest = np.percentile(gray, 90), np.percentile(gray, 2)
    if paper - darkest < _MIN_CONTRAST:
        return None
    threshold = float(paper + darkest) / 2
    ink = (gray < threshold).astype(np.uint8)
    rows = np.flatnonzero(ink.any(axis=1))
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return LineInk(
        threshold=threshold,
        labels=labels,
        boxes=stats[:, :4],
        text_height=int(rows[-1] - rows[0] + 1),
    )


def as_gray(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
