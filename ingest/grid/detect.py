"""Find the ruled table on a cleaned page: rules, then the table's rules, then cells."""

from ingest.artifacts import CleanPage, Grid
from ingest.grid.cells import (
    build_lattice,
    grid_cells,
    merge_cells,
    with_faint_column_rules,
    without_text_crossings,
)
from ingest.grid.edges import open_edges
from ingest.grid.frame import table_rules
from ingest.grid.lines import Scale, find_rules, ink_mask


def find_grid(page: CleanPage) -> Grid | None:
    """The page's table as a grid of (merged) cells, or None when it holds no ruled table."""
    scale = Scale.of(page.gray.shape)
    ink = ink_mask(page.gray, scale)
    horizontal = find_rules(ink, scale, vertical=False)
    vertical = find_rules(ink, scale, vertical=True)
    horizontal, vertical = table_rules(open_edges(horizontal, vertical, scale), vertical, scale)
    if not horizontal:
        return None
    lattice = build_lattice(horizontal, vertical, ink.shape, scale.ppi)
    lattice = without_text_crossings(lattice, ink, scale)
    lattice = with_faint_column_rules(lattice, ink, scale, page.seal_mask)
    row_edges, col_edges, cells = grid_cells(lattice, merge_cells(lattice))
    return Grid(page=page.index, row_edges=row_edges, col_edges=col_edges, cells=cells)
