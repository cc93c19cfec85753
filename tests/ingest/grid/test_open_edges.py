"""Tables cut by a page break that open without a rule along the cut (Word, spreadsheets and
browsers print them so): the open row is framed like any other, not lost."""

import cv2
import numpy as np
import pytest

from ingest.artifacts import CleanPage
from ingest.grid import find_grid
from tests.ingest.grid.drawing import A4_200DPI, clean_page, rotate

COLS = [150, 400, 800, 1200, 1500]
ROWS = [300, 500, 700, 900]


def _page(top: tuple[int, int] | None, open_bottom: bool = False, paper: bool = False) -> CleanPage:
    """Vertical rules from y=100 down; horizontal rules at ROWS; a top rule over x range `top`;
    with `open_bottom`, the vertical rules run on below the last horizontal rule; with
    `paper`, the edge of a photographed sheet frames the page."""
    page = np.full(A4_200DPI, 255, np.uint8)
    if paper:
        cv2.rectangle(page, (40, 40), (A4_200DPI[1] - 40, A4_200DPI[0] - 40), 0, 3)
    end = 1000 if open_bottom else ROWS[-1]
    for x in COLS:
        cv2.line(page, (x, 100), (x, end), 0, 2)
    for y in ROWS:
        cv2.line(page, (COLS[0], y), (COLS[-1], y), 0, 2)
    if top is not None:
        cv2.line(page, (top[0], 100), (top[1], 100), 0, 2)
    return clean_page(page)


@pytest.mark.parametrize(
    ("top", "paper"),
    [(None, False), ((800, 1500), False), (None, True)],
    ids=["no top rule", "top rule over two columns", "inside a photo's paper edge"],
)
def test_a_table_open_at_the_top_keeps_its_first_row(
    top: tuple[int, int] | None, paper: bool
) -> None:
    grid = find_grid(_page(top, paper=paper))
    assert grid is not None
    assert np.abs(np.subtract(grid.row_edges, [100, *ROWS])).max() <= 3
    assert np.abs(np.subtract(grid.col_edges, COLS)).max() <= 3
    assert len(grid.cells) == 4 * 4


def test_a_table_open_at_the_bottom_keeps_its_last_row() -> None:
    grid = find_grid(_page((COLS[0], COLS[-1]), open_bottom=True))
    assert grid is not None
    assert np.abs(np.subtract(grid.row_edges[:-1], [100, *ROWS])).max() <= 3
    assert abs(grid.row_edges[-1] - 1000) <= 10  # a rule's end is known to a pooled block or two


def test_a_closed_table_gets_no_extra_row() -> None:
    grid = find_grid(_page((COLS[0], COLS[-1])))
    assert grid is not None
    assert np.abs(np.subtract(grid.row_edges, [100, *ROWS])).max() <= 3


@pytest.mark.parametrize("title", [False, True], ids=["no title", "a title above"])
def test_a_label_column_cut_by_the_break_is_framed_by_the_open_top_edge(title: bool) -> None:
    """A merged label column (绩效指标) running over the break, ruled only at its side and at
    the table's foot, beside columns whose rows are ruled from the second column on: the open
    top edge closes it. The upright strokes of a title's glyphs, standing together above the
    table across most of its width like column rules ending at an open edge, are too short to
    be that edge."""
    page = np.full(A4_200DPI, 255, np.uint8)
    for x in COLS:
        cv2.line(page, (x, 100), (x, ROWS[-1]), 0, 2)
    for y in ROWS[:-1]:
        cv2.line(page, (COLS[1], y), (COLS[-1], y), 0, 2)
    cv2.line(page, (COLS[0], ROWS[-1]), (COLS[-1], ROWS[-1]), 0, 2)
    cv2.line(page, (COLS[2], 100), (COLS[-1], 100), 0, 2)
    if title:
        for x in range(300, 1450, 70):
            cv2.line(page, (x, 20), (x, 62), 0, 3)
    grid = find_grid(clean_page(page))
    assert grid is not None
    assert np.abs(np.subtract(grid.col_edges, COLS)).max() <= 3
    assert np.abs(np.subtract(grid.row_edges, [100, *ROWS])).max() <= 3
    label = [c for c in grid.cells if c.col == 0]
    assert [(c.row, c.row_span) for c in label] == [(0, len(ROWS))]


@pytest.mark.parametrize("degrees", [2.0, -2.0])
def test_a_tilted_table_open_at_the_top_keeps_its_first_row(degrees: float) -> None:
    """A photo's table left tilted by two degrees: the vertical rules' open ends lie along the
    table's rules, 47 px apart in height across its width."""
    turned, _ = rotate(_page(None).gray, degrees)
    grid = find_grid(clean_page(turned))
    assert grid is not None
    assert len(grid.row_edges) == 1 + len(ROWS) and len(grid.cells) == 4 * 4


def test_a_frame_side_worn_to_a_stub_at_the_open_top_edge_keeps_the_label_column() -> None:
    """The label column (绩效指标) runs over the break, and the frame's side beside it is worn:
    a stub under the open top edge, shorter than the rules that mark the edge, and a stretch
    down to the table's foot. The open edge reaches the stub, so the side crosses the edge and
    the foot, and the page keeps its outer column (before, its columns were shifted by one
    against the pages before it)."""
    page = np.full(A4_200DPI, 255, np.uint8)
    for x in COLS[1:]:
        cv2.line(page, (x, 100), (x, ROWS[-1]), 0, 2)
    cv2.line(page, (COLS[0], 100), (COLS[0], 170), 0, 2)  # the stub
    cv2.line(page, (COLS[0], 450), (COLS[0], ROWS[-1]), 0, 2)
    for y in ROWS[:-1]:
        cv2.line(page, (COLS[1], y), (COLS[-1], y), 0, 2)
    cv2.line(page, (COLS[0], ROWS[-1]), (COLS[-1], ROWS[-1]), 0, 2)
    cv2.line(page, (COLS[2], 100), (COLS[-1], 100), 0, 2)
    grid = find_grid(clean_page(page))
    assert grid is not None
    assert len(grid.col_edges) == len(COLS)
    assert np.abs(np.subtract(grid.col_edges, COLS)).max() <= 3
    label = [c for c in grid.cells if c.col == 0]
    assert [(c.row, c.row_span) for c in label] == [(0, len(ROWS))]


def _row_alone(top_from: int, overshoot: int) -> CleanPage:
    """A table's last row printed alone at the top of a page, 80 px tall (shorter than the
    rules that mark an open edge): the top rule from `top_from`, the foot across every
    column, and the column rules running `overshoot` px past the foot."""
    page = np.full(A4_200DPI, 255, np.uint8)
    for x in COLS:
        cv2.line(page, (x, 300), (x, 380 + overshoot), 0, 2)
    cv2.line(page, (top_from, 300), (COLS[-1], 300), 0, 2)
    cv2.line(page, (COLS[0], 380), (COLS[-1], 380), 0, 2)
    return clean_page(page)


def test_a_label_column_open_over_a_row_alone_keeps_its_side() -> None:
    """The row's label column runs on from the page before, ruled at its side and foot only;
    its side runs from the top rule's line to a corner with the foot, so the top rule is
    carried to it (before, the side crossed the foot alone and dropped out with the column)."""
    grid = find_grid(_row_alone(COLS[1], overshoot=0))
    assert grid is not None
    assert len(grid.col_edges) == len(COLS)
    assert np.abs(np.subtract(grid.col_edges, COLS)).max() <= 3


def test_the_column_rules_of_a_row_alone_overshooting_its_foot_are_kept() -> None:
    """The column rules' measured ends run past the foot by a pooled block or two, more than a
    tenth of their length: standing together between the same two rules, they are the row's
    columns (before, none was anchored and the page had no table)."""
    grid = find_grid(_row_alone(COLS[0], overshoot=5))
    assert grid is not None
    assert len(grid.col_edges) == len(COLS)
    assert np.abs(np.subtract(grid.row_edges, [300, 380])).max() <= 3


def test_a_page_holding_only_a_one_line_row_open_at_the_top_is_framed() -> None:
    """The rest of a row the break cut, one line of text tall: its column rules (0.4 in) are
    shorter than a table's usually are, but each ends on the row's foot. A title's strokes as
    short, standing above a rule, make no row."""
    page = np.full(A4_200DPI, 255, np.uint8)
    for x in COLS:
        cv2.line(page, (x, 150), (x, 230), 0, 2)
    cv2.line(page, (COLS[0], 230), (COLS[-1], 230), 0, 2)
    grid = find_grid(clean_page(page))
    assert grid is not None
    assert np.abs(np.subtract(grid.row_edges, [150, 230])).max() <= 3
    assert np.abs(np.subtract(grid.col_edges, COLS)).max() <= 3

    title = np.full(A4_200DPI, 255, np.uint8)
    for x in range(300, 1450, 70):
        cv2.line(title, (x, 100), (x, 160), 0, 3)  # 0.3 in, 0.2 in above the rule
    cv2.line(title, (COLS[0], 200), (COLS[-1], 200), 0, 2)
    framed = find_grid(clean_page(title))
    assert framed is None or min(framed.row_edges) >= 195
