"""Table structure: ruling lines, the table they frame, and its cells with spans."""

from ingest.grid.detect import find_grid

__all__ = ["find_grid"]
