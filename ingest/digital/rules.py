"""The table's grid from the PDF's own vector rules instead of from pixels.

Strokes that lie on one line (within the grid's join tolerance) are one rule; each unbroken
stretch of it is a run, so a cell border the form leaves out is a gap exactly as wide as the
cell. The runs then go through the scan path's frame, lattice and merged-cell stages
(`ingest.grid`), which see exact coverage here: every boundary is either fully ruled or bare.
"""

from collections.abc import Iterable

from ingest.artifacts import Grid
from ingest.digital.layer import LayerPage, Segment
from ingest.grid.cells import build_lattice, grid_cells, merge_cells
from ingest.grid.frame import table_rules
from ingest.grid.lines import Rule, Scale

# Strokes this close together (in inches) along a rule are one unbroken run: office suites
# draw a border cell by cell, with joins that overlap or miss by a hair.
_RUN_GAP_IN = 0.02
_MIN_RULES = 2  # per direction, for a table


def grid_from_vectors(page: LayerPage) -> Grid | None:
    """The ruled table drawn on the page, or None when its strokes do not frame one."""
    scale = Scale.of((page.height, page.width))
    across = [s for s in page.segments if s.horizontal]
    down = [s for s in page.segments if not s.horizontal]
    horizontal = _rules(across + _cut_edges(across, down, scale), False, scale)
    vertical = _rules(down, True, scale)
    if len(horizontal) < _MIN_RULES or len(vertical) < _MIN_RULES:
        return None
    horizontal, vertical = table_rules(horizontal, vertical, scale)
    if not horizontal:
        return None
    lattice = build_lattice(horizontal, vertical, (page.height, page.width), scale.ppi)
    row_edges, col_edges, cells = grid_cells(lattice, merge_cells(lattice))
    return Grid(page=page.index, row_edges=row_edges, col_edges=col_edges, cells=cells)


def _cut_edges(across: list[Segment], down: list[Segment], scale: Scale) -> list[Segment]:
    """The page's top and bottom edge of the table where a page break cut it.

    A cell that goes on over a page break has no border at the break (office suites print
    none there), so the vertical rules end at the break with nothing across them there, and
    the cells between them are open at that end. The break closes them, as a rule would.
    """
    if not across or not down:
        return []
    reach = scale.join_tolerance
    top = min(s.y0 for s in down)
    bottom = max(s.y1 for s in down)
    edges = []
    for edge, ends in ((top, [s.y0 for s in down]), (bottom, [s.y1 for s in down])):
        xs = [s.x0 for s, end in zip(down, ends, strict=True) if abs(end - edge) <= reach]
        if len(xs) >= 2:
            edges.append(Segment(min(xs), edge, max(xs), edge, min(s.thickness for s in down)))
    return edges


def _rules(segments: Iterable[Segment], vertical: bool, scale: Scale) -> list[Rule]:
    """Strokes of one direction as rules: grouped into lines by offset, each line cut into
    its unbroken runs (t runs along the rule, the offset across it, as in `ingest.grid`)."""
    strokes = sorted(
        (
            (s.x0, s.y0, s.x1, s.y1, s.thickness)
            if not vertical
            else (s.y0, s.x0, s.y1, s.x1, s.thickness)
            for s in segments
        ),
        key=lambda s: (s[1] + s[3]) / 2,
    )
    lines: list[list[tuple[float, ...]]] = []
    for stroke in strokes:
        offset = (stroke[1] + stroke[3]) / 2
        if lines and offset - _offset(lines[-1]) <= scale.join_tolerance:
            lines[-1].append(stroke)
        else:
            lines.append([stroke])
    gap = scale.ppi * _RUN_GAP_IN
    rules: list[Rule] = []
    for index, line in enumerate(lines):
        offset = _offset(line)
        spans = _merged_spans(((s[0], s[2]) for s in line), gap)
        thickness = max(s[4] for s in line)
        for start, end in spans:
            rules.append(
                Rule(
                    intercept=offset,
                    slope=0.0,
                    start=round(start),
                    end=round(end),
                    thickness=thickness,
                    line=index,
                    spans=((round(start), round(end)),),
                )
            )
    return rules


def _offset(line: list[tuple[float, ...]]) -> float:
    """Length-weighted offset of a line's strokes."""
    weights = [max(s[2] - s[0], 1.0) for s in line]
    return sum(w * (s[1] + s[3]) / 2 for w, s in zip(weights, line, strict=True)) / sum(weights)


def _merged_spans(spans: Iterable[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if merged and start - merged[-1][1] <= gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
