"""Kernel sizes are given in millimetres of paper, so they hold at every resolution."""

MM_PER_INCH = 25.4


def odd_px(mm: float, dpi: float) -> int:
    """`mm` of paper in pixels at `dpi`, rounded to an odd kernel size of at least 3."""
    return max(3, round(mm / MM_PER_INCH * dpi) | 1)
