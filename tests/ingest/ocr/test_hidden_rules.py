"""A rule lost from the grid but read as text: the row it divides is cut along it."""

from ingest.artifacts import CellText, Grid, GridCell, OcrToken, PageTable
from ingest.ocr.hidden_rules import INFERRED_RULE_CONFIDENCE, split_stacked_rows


def _cell(col: int, box: tuple[int, int, int, int], *tokens: tuple[str, tuple]) -> CellText:
    grid_cell = GridCell(row=0, col=col, row_span=1, col_span=1, bbox=box, confidence=1.0)
    read = tuple(OcrToken(text=t, bbox=b, confidence=0.99) for t, b in tokens)
    return CellText(page=0, cell=grid_cell, text="".join(t for t, _ in tokens), tokens=read)


def _table(*cells: CellText) -> PageTable:
    grid = Grid(
        page=0,
        row_edges=(2067, 2211),
        col_edges=(883, 1168, 1500),
        cells=tuple(c.cell for c in cells),
    )
    return PageTable(page=0, width=1654, height=2339, grid=grid, cells=cells)


# Centred entries of two rows whose rule broke on a heavy print (syn6060_0017, page 2): the
# name cell read a stub of the rule as `_`, the value cell shows no line ending short.
NAME = _cell(
    0,
    (883, 2067, 1168, 2211),
    ("信息化建设及运", (911, 2079, 1157, 2110)),
    ("维经费成本控制", (911, 2112, 1140, 2143)),
    ("_", (886, 2156, 1165, 2159)),
    ("侨务调研支出", (927, 2167, 1123, 2198)),
)
VALUE = _cell(
    1,
    (1168, 2067, 1500, 2211),
    ("控制在预算范围内", (1201, 2096, 1465, 2127)),
    ("预算控制98%以内", (1202, 2167, 1466, 2198)),
)


def test_a_stub_of_a_rule_read_as_text_cuts_its_row_and_is_no_text():
    table = split_stacked_rows(_table(NAME, VALUE))
    assert table.grid is not None and table.grid.n_rows == 2
    texts = {(c.cell.row, c.cell.col): c.text for c in table.cells}
    assert texts == {
        (0, 0): "信息化建设及运维经费成本控制",
        (0, 1): "控制在预算范围内",
        (1, 0): "侨务调研支出",
        (1, 1): "预算控制98%以内",
    }
    assert {c.cell.confidence for c in table.cells} == {INFERRED_RULE_CONFIDENCE}


def test_a_short_dash_or_a_mark_under_the_text_cuts_nothing():
    first, last = ((t.text, t.bbox) for t in (NAME.tokens[0], NAME.tokens[3]))
    dash = _cell(0, NAME.cell.bbox, first, ("-", (1000, 2156, 1030, 2159)), last)
    below = _cell(0, NAME.cell.bbox, *((t.text, t.bbox) for t in NAME.tokens[:2]),
                  ("_", (886, 2190, 1165, 2193)))  # fmt: skip
    for name in (dash, below):
        assert split_stacked_rows(_table(name, VALUE)).grid.n_rows == 1
