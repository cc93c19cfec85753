import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.artifacts import Grid
from ingest.grid import find_grid
from tests.ingest.grid.drawing import (
    A4_200DPI,
    CJK_FONTS,
    Cell,
    TableSpec,
    add_noise,
    add_ring,
    add_text,
    clean_page,
    draw_rules,
    form_spec,
    rotate,
    rotated_cells,
)

needs_cjk_font = pytest.mark.skipif(not CJK_FONTS, reason="Noto Sans CJK is not installed")


def _assert_cells(grid: Grid | None, expected: list[Cell], tolerance: int = 2) -> None:
    assert grid is not None
    got = {(c.row, c.col, c.row_span, c.col_span): c.bbox for c in grid.cells}
    want = {(c.row, c.col, c.row_span, c.col_span): c.bbox for c in expected}
    assert set(got) == set(want)
    for key, box in want.items():
        assert np.abs(np.subtract(got[key], box)).max() <= tolerance, (key, got[key], box)


def _assert_tiles(grid: Grid) -> None:
    """Cells cover the lattice exactly once and their boxes fill the table's box."""
    cover = np.zeros((grid.n_rows, grid.n_cols), int)
    for cell in grid.cells:
        cover[cell.row : cell.row + cell.row_span, cell.col : cell.col + cell.col_span] += 1
    assert (cover == 1).all()
    x0, y0, x1, y1 = grid.bbox
    area = sum((c.bbox[2] - c.bbox[0]) * (c.bbox[3] - c.bbox[1]) for c in grid.cells)
    assert area == pytest.approx((x1 - x0) * (y1 - y0), rel=0.01)


def test_clean_table_gives_exact_spans_boxes_and_edges():
    spec = form_spec()
    grid = find_grid(clean_page(draw_rules(spec)))
    _assert_cells(grid, spec.cells(), tolerance=1)
    assert np.abs(np.subtract(grid.row_edges, spec.rows)).max() <= 1
    assert np.abs(np.subtract(grid.col_edges, spec.cols)).max() <= 1
    assert min(c.confidence for c in grid.cells) > 0.95
    _assert_tiles(grid)


@pytest.mark.parametrize(
    "style",
    [
        {"thickness": 1, "level": 200},  # faint hairlines
        {"thickness": 4},
        {"thickness": 1, "thickness_of": {0: 4, 7: 3, 11: 4, 22: 4}},  # mixed widths
        {"gap_share": 0.03, "seed": 0},  # each border loses 3% in two gaps
        {"gap_share": 0.03, "seed": 5},
        {"dash": (6, 3), "level": 120},  # dashed-looking scan
    ],
)
def test_spoiled_rules_keep_the_structure(style: dict):
    spec = form_spec()
    grid = find_grid(clean_page(draw_rules(spec, **style)))
    _assert_cells(grid, spec.cells())
    _assert_tiles(grid)


def test_a_rule_that_loses_its_end_to_wide_gaps_is_still_found():
    spec = form_spec()
    _assert_cells(find_grid(clean_page(draw_rules(spec, gap_share=0.05, seed=2))), spec.cells())


@needs_cjk_font
def test_text_in_cells_and_touching_rules_adds_no_rules():
    spec = form_spec()
    grid = find_grid(clean_page(add_text(draw_rules(spec), spec)))
    _assert_cells(grid, spec.cells())


@needs_cjk_font
@pytest.mark.parametrize("degrees", [0.5, -0.4])
def test_residual_skew_is_followed(degrees: float):
    spec = form_spec()
    page, matrix = rotate(add_text(draw_rules(spec), spec, seed=1), degrees)
    _assert_cells(find_grid(clean_page(page)), rotated_cells(spec.cells(), matrix), tolerance=3)


@needs_cjk_font
def test_seal_ring_leftover_is_not_a_rule():
    spec = form_spec()
    page = add_text(draw_rules(spec), spec, seed=2)
    mask = add_ring(page, (560, 400), level=150)
    _assert_cells(find_grid(clean_page(page, mask)), spec.cells())


@needs_cjk_font
def test_noise_and_specks_on_a_broken_dark_scan():
    spec = form_spec()
    page = add_text(draw_rules(spec, level=90, gap_share=0.03, seed=4), spec, seed=4)
    grid = find_grid(clean_page(add_noise(page, sigma=12, specks=3000, seed=4)))
    _assert_cells(grid, spec.cells())
    _assert_tiles(grid)


def test_cells_cut_by_the_page_bottom_are_closed_by_the_outer_rule():
    height = A4_200DPI[0]
    spec = TableSpec(
        rows=[300, 400, 1200, height - 4],
        cols=[120, 400, 900, 1534],
        merges=[(1, 0, 2, 1), (2, 1, 1, 2)],
    )
    grid = find_grid(clean_page(draw_rules(spec)))
    _assert_cells(grid, spec.cells())
    assert grid.row_edges[-1] == pytest.approx(height - 4, abs=1)


def test_a_page_without_a_ruled_table_has_no_grid():
    page = np.full(A4_200DPI, 255, np.uint8)
    page[300, 200:1400] = 0  # a lone underline
    page[800:803, 300:700] = 0
    page[1000:1300, 500] = 0  # and a lone vertical stroke
    assert find_grid(clean_page(page)) is None


def test_only_the_table_counts_not_a_box_beside_it():
    spec = form_spec()
    page = draw_rules(spec)
    page[20, 1200:1500] = 0  # a small signature box above the table
    page[90, 1200:1500] = 0
    page[20:91, 1200] = 0
    page[20:91, 1499] = 0
    _assert_cells(find_grid(clean_page(page)), spec.cells())


def test_rules_running_past_the_frame_are_not_carried_to_the_paper_edge_beyond_it():
    """A photographed print: the rules' ends blur a few pixels past the frame's right side,
    and the paper's edge runs beside the table and across the top of the page."""
    spec = form_spec()
    spec.cols[-1] = right = 1300  # a narrower table, the paper's edge 1.5 inches beside it
    page = draw_rules(spec, thickness=4)
    for y in spec.rows:
        page[y - 2 : y + 2, right : right + 8] = 0
    page[30:1300, 1610:1614] = 0  # the paper's right edge, down to the middle of the table
    page[30:34, 60:1614] = 0  # and its top edge
    _assert_cells(find_grid(clean_page(page)), spec.cells())


def test_a_title_stroke_above_a_column_rule_does_not_carry_it_to_the_paper_edge():
    """A photographed continuation page: the title repeated close above a short table, one
    of its glyphs' strokes in line with a column's rule (joined to it across the gap), and
    the paper's edges framing the page."""
    spec = TableSpec(rows=[300, 380, 440], cols=[200, 400, 600, 800, 1000, 1200, 1400])
    page = draw_rules(spec, thickness=3)
    for x in range(640, 1120, 40):  # the title's upright strokes, one on the rule at x = 800
        page[200:250, x - 1 : x + 2] = 0
    page[30:34, 60:1604] = 0  # the paper's edges
    page[2290:2294, 60:1604] = 0
    page[30:2294, 60:64] = 0
    page[30:2294, 1600:1604] = 0
    _assert_cells(find_grid(clean_page(page)), spec.cells())


def test_a_title_stroke_joined_to_a_column_rule_crossed_twice_keeps_the_column():
    """An office print's continuation page: a tall first row, then a row merged across the
    columns, so the columns' rules above it cross two rules only; one of the title's upright
    strokes, in line with a column's rule, is joined to it across the gap above the table.
    The rule still ends on its crossings (before, it was dropped and the first row's cells
    merged with the next one's)."""
    spec = TableSpec(
        rows=[300, 1100, 1300, 1500], cols=[200, 400, 600, 1000, 1200, 1500], merges=[(1, 1, 1, 4)]
    )
    page = draw_rules(spec, thickness=3)
    for x in range(560, 1040, 40):  # the title's upright strokes, on the rules at 600 and 1000
        page[200:250, x - 1 : x + 2] = 0
    _assert_cells(find_grid(clean_page(page)), spec.cells())


def test_a_short_column_rule_worn_past_its_second_crossing_is_carried_to_the_foot():
    """A header row and the row a page break cuts at the foot: the rule between two columns
    runs from the table's top through the header's foot and fades into the cut row, shorter
    than an inch. Stopping at a crossing at its top, it runs a whole row, so it is carried to
    the foot (before, it crossed two rules only, stopped in the open, and the header's two
    cells were read as one)."""
    spec = TableSpec(rows=[300, 420, 480], cols=[200, 400, 600, 800, 1000], merges=[(1, 1, 1, 2)])
    page = draw_rules(spec, thickness=3)
    page[420:440, 599:602] = 0  # the rule's ink runs on into the cut row, then fades
    _assert_cells(find_grid(clean_page(page)), spec.cells())


def test_a_frame_side_worn_below_its_corner_keeps_the_label_column():
    """A worn print: the frame's left side, beside a label column merged over every row,
    keeps only a stub under its top corner, and the frame's top and bottom rules end where
    it ran."""
    spec = TableSpec(
        rows=[300, 400, 600, 700], cols=[200, 400, 600, 800, 1000, 1200], merges=[(0, 0, 3, 1)]
    )
    page = draw_rules(spec, thickness=3)
    page[420:697, 195:206] = 255
    _assert_cells(find_grid(clean_page(page)), spec.cells())


def test_a_border_seen_near_the_threshold_makes_its_cells_doubtful():
    spec = TableSpec(rows=[300, 600, 900], cols=[200, 800, 1400])
    page = draw_rules(spec, thickness=2)
    for start in (300, 450, 600):  # the rule between rows in column 0 keeps ~75% of its length
        page[598:603, start : start + 50] = 255
    grid = find_grid(clean_page(page))
    _assert_cells(grid, spec.cells())
    confidence = {(c.row, c.col): c.confidence for c in grid.cells}
    assert confidence[(0, 0)] < 0.8
    assert confidence[(1, 0)] < 0.8
    assert confidence[(0, 1)] > 0.95
    assert confidence[(1, 1)] > 0.95


def test_a_missing_border_merges_and_cells_stay_rectangles():
    spec = TableSpec(rows=[300, 600, 900], cols=[200, 800, 1400])
    page = draw_rules(spec, thickness=2)
    page[596:605, 205:795] = 255  # no rule between the two cells of column 0
    grid = find_grid(clean_page(page))
    _assert_cells(
        grid,
        [
            Cell(0, 0, 2, 1, (200, 300, 800, 900)),
            Cell(0, 1, 1, 1, (800, 300, 1400, 600)),
            Cell(1, 1, 1, 1, (800, 600, 1400, 900)),
        ],
    )
    _assert_tiles(grid)


def test_a_rule_broken_beside_a_merged_cell_is_put_back_not_merged():
    spec = TableSpec(rows=[300, 600, 900, 1200], cols=[200, 600, 1000, 1400], merges=[(0, 1, 2, 1)])
    page = draw_rules(spec, thickness=2)
    for start in (305, 395, 485):  # the rule left of the tall cell keeps ~50% of row 0
        page[start : start + 45, 597:604] = 255
    grid = find_grid(clean_page(page))
    _assert_cells(grid, spec.cells())
    _assert_tiles(grid)
    confidence = {(c.row, c.col): c.confidence for c in grid.cells}
    # one cell with the tall one would be no rectangle without the cell under it, whose
    # rule is whole: the broken rule is sure
    assert confidence[(0, 0)] > 0.95
    assert confidence[(2, 0)] > 0.95


@pytest.mark.parametrize(
    "erase",
    [
        (300, slice(200, 290)),  # the frame's top rule over most of the label column
        (400, slice(1000, 1100)),  # a row rule over a third of the last cell, up to the frame
    ],
)
def test_a_rule_erased_up_to_the_frame_keeps_its_cells(erase: tuple[int, slice]):
    spec = TableSpec(rows=[300, 400, 500, 600], cols=[200, 330, 800, 1100], merges=[(0, 0, 3, 1)])
    page = draw_rules(spec, thickness=2)
    y, xs = erase
    page[y - 3 : y + 4, xs] = 255
    grid = find_grid(clean_page(page))
    _assert_cells(grid, spec.cells())
    _assert_tiles(grid)


def test_a_rule_erased_over_a_whole_cell_side_is_put_back_where_the_rules_end():
    spec = TableSpec(rows=[300, 400, 500, 600], cols=[200, 500, 800, 1100], merges=[(2, 0, 1, 3)])
    page = draw_rules(spec, thickness=2)
    page[496:505, 470:830] = 255  # the cell above the wide cell loses its whole bottom rule
    grid = find_grid(clean_page(page))
    _assert_cells(grid, spec.cells())
    _assert_tiles(grid)
    confidence = {(c.row, c.col): c.confidence for c in grid.cells}
    # joined to the wide cell it would take in its two neighbours, whose rules are whole
    assert confidence[(1, 1)] > 0.95
    assert confidence[(0, 1)] > 0.95


def test_a_broken_rule_bent_by_leftover_perspective_stays_one_rule():
    spec = TableSpec(rows=[300, 600, 900, 1200, 1500, 1800], cols=[200, 600, 1000, 1400])
    page = draw_rules(spec, thickness=2)
    page[700:1000, 190:210] = 255  # the left border broken over a row's height
    h, w = page.shape
    narrower_top = np.float32([[40, 0], [w - 40, 0], [w, h], [0, h]])
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    homography = cv2.getPerspectiveTransform(corners, narrower_top)
    page = cv2.warpPerspective(page, homography, (w, h), borderValue=255)
    grid = find_grid(clean_page(page))
    assert grid is not None
    assert (grid.n_rows, grid.n_cols) == (5, 3)
    _assert_tiles(grid)


def test_on_a_broken_page_a_rule_keeping_a_quarter_of_a_side_is_still_there():
    spec = TableSpec(rows=[300, 600, 900, 1200], cols=[200, 600, 1000, 1400])
    page = draw_rules(spec, thickness=2)
    page[350:440, 996:1005] = 255  # another rule broken: the page is a worn copy
    page[896:905, 700:1000] = 255  # the rule under cell (1, 1) keeps its first quarter
    grid = find_grid(clean_page(page))
    _assert_cells(grid, spec.cells())
    confidence = {(c.row, c.col): c.confidence for c in grid.cells}
    assert confidence[(1, 1)] < 0.7


def test_a_frame_rule_lost_over_most_of_its_length_runs_to_the_corner_left():
    spec = TableSpec(rows=[300, 400, 500, 600], cols=[200, 400, 800, 1400], merges=[(0, 1, 1, 2)])
    page = draw_rules(spec, thickness=2)
    page[296:305, 500:1398] = 255  # the top rule is gone but for its first 300 px and the corner
    grid = find_grid(clean_page(page))
    _assert_cells(grid, spec.cells())
    _assert_tiles(grid)


def test_a_frame_side_worn_in_its_middle_beside_a_label_merged_down_every_row_is_kept():
    # The label column is one cell down the whole table, so no row rule reaches the left
    # side: its two short stubs, each at a corner, are all that shows it.
    spec = TableSpec(rows=[300, 380, 460, 540], cols=[200, 340, 800, 1100], merges=[(0, 0, 3, 1)])
    page = draw_rules(spec, thickness=2)
    page[352:488, 196:205] = 255
    grid = find_grid(clean_page(page))
    _assert_cells(grid, spec.cells())
    _assert_tiles(grid)


def test_a_faint_rule_under_a_text_row_is_not_pulled_onto_the_text():
    # The row rule runs under the last two columns only. Strokes of a label in the merged
    # cells on the left lie a few pixels apart, each close to the next, from the text row
    # down to the rule's line; the text row over the rule must not pull the rule onto it.
    spec = TableSpec(
        rows=[300, 400, 500, 600], cols=[200, 600, 1000, 1400], merges=[(0, 0, 2, 1), (0, 1, 2, 1)]
    )
    page = draw_rules(spec, thickness=2)
    page[398:403, 1000:1400] = np.where(page[398:403, 1000:1400] < 128, 170, 255)
    for y in (376, 381, 386, 391, 396):
        page[y : y + 2, 300:380] = 0
    for y in (374, 380):
        page[y : y + 2, 1020:1100] = 0
    grid = find_grid(clean_page(page))
    _assert_cells(grid, spec.cells())


@needs_cjk_font
@pytest.mark.parametrize("size", [24, 27, 30])
@pytest.mark.parametrize("name", ["数量指标", "成本指标", "时效指标"])
def test_a_name_centred_on_the_next_columns_row_rule_does_not_cut_its_merged_cell(
    name: str, size: int
):
    # A 二级 cell merged over two rows prints its name centred, right on the line of the rule
    # the next columns have between those rows; the name's strokes touch that rule's end.
    spec = TableSpec(
        rows=[300, 436, 572, 700], cols=[200, 338, 476, 900, 1300], merges=[(0, 1, 2, 1)]
    )
    image = Image.fromarray(draw_rules(spec, thickness=2))
    font = ImageFont.truetype(str(CJK_FONTS[0]), size)
    left = 338 + (138 - font.getlength(name)) / 2
    ImageDraw.Draw(image).text((left, 436), name, font=font, fill=0, anchor="lm")
    grid = find_grid(clean_page(np.asarray(image).copy()))
    _assert_cells(grid, spec.cells())


def test_a_rule_faded_over_rows_between_two_labels_merged_down_every_row_is_put_back():
    # Two label columns are each one cell down the whole table, so no row rule crosses the
    # rule between them: only the frame's top and bottom rules do. Faded over the middle
    # rows, the rule runs into the two columns from both ends; the two cells do not merge.
    rows = [300 + 100 * k for k in range(11)]
    spec = TableSpec(
        rows=rows, cols=[200, 340, 560, 1000, 1400], merges=[(0, 0, 10, 1), (0, 1, 10, 1)]
    )
    page = draw_rules(spec, thickness=2)
    page[650:1150, 336:345] = 255
    grid = find_grid(clean_page(page))
    _assert_cells(grid, spec.cells())
    _assert_tiles(grid)


def test_two_rules_faded_between_three_label_columns_are_both_put_back():
    # The first label column is one cell down the table and the next two are merged over
    # several rows: with the rule after the first faded over two rows and the rule after
    # the second over one, the three cells join into one region no single rule cuts apart.
    rows = [300 + 80 * k for k in range(11)]
    spec = TableSpec(
        rows=rows,
        cols=[200, 340, 500, 800, 1100, 1400],
        merges=[(0, 0, 10, 1), (0, 1, 5, 1), (5, 1, 5, 1), (6, 2, 3, 1)],
    )
    page = draw_rules(spec, thickness=2)
    page[783:938, 336:345] = 255
    page[863:938, 496:505] = 255
    grid = find_grid(clean_page(page))
    _assert_cells(grid, spec.cells())
    _assert_tiles(grid)


def test_the_feet_of_a_label_line_on_the_next_columns_row_rule_do_not_cut_its_cell():
    # A label merged over two rows prints its second line with the glyphs' feet on the line
    # of the rule the next columns have between those rows, clear of both walls and close
    # enough to that rule's end to join its run; the glyphs stand above the feet.
    spec = TableSpec(
        rows=[300, 436, 572, 700], cols=[200, 338, 476, 900, 1300], merges=[(0, 0, 2, 1)]
    )
    page = draw_rules(spec, thickness=2)
    for x in range(222, 300, 6):
        page[410:434, x : x + 4] = 0
    for x in range(222, 300, 20):
        page[435:438, x : x + 18] = 0
    grid = find_grid(clean_page(page))
    _assert_cells(grid, spec.cells())


@needs_cjk_font
def test_a_column_rule_left_as_stubs_over_rows_is_found_where_text_does_not_cross_it():
    # The rule between 三级指标 and 指标值 stands whole in the first rows, then only as stubs
    # shorter than a seed run (a browser's hairline on a heavy print); the last row is one
    # cell across it, its text running over the line: that cell stays merged.
    spec = TableSpec(
        rows=[300, 400, 500, 600, 700, 800, 900], cols=[200, 560, 880, 1400], merges=[(5, 1, 1, 2)]
    )
    page = draw_rules(spec, thickness=2)
    stubs = page[500:800, 876:885]
    keep = (np.arange(500, 800) % 45) < 30  # 30 px of ink, 15 px of paper
    stubs[~keep] = 255
    image = Image.fromarray(page)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(CJK_FONTS[0]), 29)
    for top, name, value in (
        (500, "普法宣传活动社会影响", "不低于上年度水平"),
        (600, "投诉率", "≤1%"),
    ):
        draw.text((580, top + 50), name, font=font, fill=0, anchor="lm")
        draw.text((1140, top + 50), value, font=font, fill=0, anchor="mm")
    draw.text(
        (600, 750),
        "保障日常办公正常运转有效实现日常工作正常有序运转",
        font=font,
        fill=0,
        anchor="lm",
    )
    grid = find_grid(clean_page(np.asarray(image).copy()))
    _assert_cells(grid, spec.cells())
    _assert_tiles(grid)
    stubbed = [c for c in grid.cells if c.row in (2, 3, 4) and c.col in (1, 2)]
    assert len(stubbed) == 6


def test_a_seals_broken_ring_along_a_column_line_does_not_cut_a_merged_cell():
    # What is left of a seal's ring once its red is removed: a thin broken arc, clean paper
    # on both sides, running along the next rows' column rule through a merged cell.
    spec = TableSpec(rows=[300, 400, 500, 600], cols=[200, 600, 1000, 1400], merges=[(0, 1, 1, 2)])
    page = draw_rules(spec, thickness=2)
    centre, radius = (1200, 350), 200
    for start in np.arange(0, 360, 12.0):  # 8° of arc, then 4° of paper
        a, b = np.radians(start), np.radians(start + 8)
        ends = [(round(1200 + radius * np.cos(t)), round(350 + radius * np.sin(t))) for t in (a, b)]
        cv2.line(page, ends[0], ends[1], 120, 2)
    seal = np.zeros(page.shape, np.uint8)
    cv2.circle(seal, centre, radius + 6, 1, -1)
    _assert_cells(find_grid(clean_page(page, seal.astype(bool))), spec.cells())


@needs_cjk_font
def test_a_bracket_standing_on_a_column_line_does_not_cut_a_one_line_merged_cell():
    # On a worn copy (two rules kept to a quarter) a goals header merged over two columns
    # prints its closing bracket right on the line of the rule between them in the rows
    # above and below: a thin stroke, clean paper on both sides, clear of both row rules.
    spec = TableSpec(
        rows=[300, 400, 452, 552, 652], cols=[200, 600, 1000, 1400], merges=[(1, 1, 1, 2)]
    )
    page = draw_rules(spec, thickness=2)
    page[548:557, 300:600] = 255
    page[575:652, 596:605] = 255
    font = ImageFont.truetype(str(CJK_FONTS[0]), 29)
    glyph = Image.new("L", (60, 60), 255)
    ImageDraw.Draw(glyph).text((0, 0), "）", font=font, fill=0)
    ink_x = np.nonzero((np.asarray(glyph) < 128).any(axis=0))[0]
    text = "中期目标（2023年－2027年）"
    left = 1000 - font.getlength(text[:-1]) - (ink_x.min() + ink_x.max()) / 2
    image = Image.fromarray(page)
    ImageDraw.Draw(image).text((left, 426), text, font=font, fill=0, anchor="lm")
    grid = find_grid(clean_page(np.asarray(image).copy()))
    _assert_cells(grid, spec.cells())
