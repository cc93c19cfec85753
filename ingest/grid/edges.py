"""A table cut by a page break may open without a rule along its cut edge.

Word processors, spreadsheets and browsers print the part of a row (or of a merged label
column) that runs over a page break without a rule at the break: the page's table then
starts, or ends, where its vertical rules do, with a rule along only some of its columns or
none. Several vertical rules (longer than the strokes of a title's glyphs, which stand
together above a table too) starting (or ending) together at the table's outermost edge,
across most of its width, some of them on no horizontal rule, mark that open edge; a rule is
put along the whole edge so the lattice frames the open row like any other, instead of
leaving its text outside the table or dropping the vertical rules that have nothing to end on.
"""

from dataclasses import replace

import numpy as np

from ingest.grid.lines import Rule, Scale

MIN_RULES = 3  # vertical rules that must start (or end) together at an open edge
FRAME_RULES = 4  # a closed edge this many rules end on is the table's (a paper's has two)
ALIGN_IN = 0.04  # their ends lie this close to each other and to the edge
MIN_SPREAD = 0.5  # across at least this share of the table's width
LONG_IN = 0.5  # rules this long can be the table's (a glyph's stroke is shorter)
# A page holding only a row of one text line, open at the break: its column rules are as short
# as that row, yet each ends on the row's one horizontal rule, which no title's stroke does.
ROW_IN = 0.25
ON_RULE_IN = 0.1  # a vertical rule ending this close to a horizontal one ends on it (blur,
# skew and pooling let a rule overshoot its corner; an open row holds at least a text line)


def _on_rule(horizontal: list[Rule], x: float, y: float, tol: float) -> bool:
    return any(r.start - tol <= x <= r.end + tol and abs(r.at(x) - y) <= tol for r in horizontal)


def _crossed(rule: Rule, vertical: list[Rule], near: float) -> int:
    """How many vertical rules run across (or end on) the horizontal `rule`."""
    count = 0
    for v in vertical:
        x = v.at(rule.at(v.at((v.start + v.end) / 2)))
        y = rule.at(x)
        count += rule.start - near <= x <= rule.end + near and v.start - near <= y <= v.end + near
    return count


def _open_edge(
    vertical: list[Rule],
    horizontal: list[Rule],
    width: float,
    slope: float,
    scale: Scale,
    top: bool,
) -> tuple[float, float, float] | None:
    """The table's outermost edge, as its offset at x = 0 along the table's horizontal rules
    (`slope`), and the x it runs from and to, when enough vertical rules end together there,
    across most of the width, some of them on no horizontal rule, and none of the horizontal
    rules they cross lies further out (a photo's paper edge, which they do not cross, may).
    Ends lie together along the table's rules, not along the page's rows: a photo's table can
    stay tilted by a degree or two, which over its width is more than a rule's alignment.
    Edges are tried from the outside in, past a photo's closed paper edge, up to the table's
    own closed frame."""
    tol = scale.px(ALIGN_IN)
    near = scale.px(ON_RULE_IN)
    ends = [(float(t), r.at(t), r) for r in vertical for t in [r.start if top else r.end]]
    sign = 1.0 if top else -1.0  # inward
    for edge in sorted({y - slope * x for y, x, _ in ends}, key=lambda e: sign * e):
        together = [(y, x, r) for y, x, r in ends if abs(y - slope * x - edge) <= tol]
        xs = [x for _, x, _ in together]
        if len(together) < MIN_RULES or max(xs) - min(xs) < MIN_SPREAD * width:
            continue  # a stray stroke or the paper's edge
        rules = [r for _, _, r in together]
        middle = float(np.mean(xs))
        ys = [h.at(middle) for h in horizontal if _crossed(h, rules, near) >= 2]
        if ys and sign * (edge + slope * middle - (min(ys) if top else max(ys))) > tol:
            return None  # past a horizontal rule they cross: inside the table
        if all(_on_rule(horizontal, x, y, near) for y, x, _ in together):
            if len(together) >= FRAME_RULES:
                return None  # the table's own closed frame
            continue  # a photo's paper edge, framed by its two sides
        offset = float(np.median([y - slope * x for y, x, _ in together]))
        return offset, min(xs), max(xs)
    return None


def _widened(
    edge: tuple[float, float, float],
    runs: list[Rule],
    horizontal: list[Rule],
    slope: float,
    scale: Scale,
    top: bool,
) -> tuple[float, float, float]:
    """The open edge carried out to the runs of any length that end on it beyond the rules
    that mark it, within the reach of the table's horizontal rules: the frame's side beside a
    label cell merged over every row keeps only a stub at the open edge once worn, too short
    to mark the edge itself, and without the edge it crosses nothing and drops out with the
    table's outer column. Runs outside the table's rules (a title's strokes above it, a note
    beside it) do not widen it."""
    offset, left, right = edge
    tol = scale.px(ALIGN_IN)
    near = scale.px(ON_RULE_IN)
    lo = min(r.start for r in horizontal) - near
    hi = max(r.end for r in horizontal) + near
    for run in runs:
        t = run.start if top else run.end
        x = run.at(t)
        if abs(t - slope * x - offset) <= tol and lo <= x <= hi:
            left, right = min(left, x), max(right, x)
    return offset, left, right


def _to_open_sides(
    horizontal: list[Rule], long_: list[Rule], vertical: list[Rule], scale: Scale
) -> list[Rule]:
    """The table's top and bottom rules carried out to a side that runs the table's whole
    height beyond their end: from the one's line to a corner with the other, where that
    rule ends too. A label column cut by the break (绩效指标 over every row) is open along
    the edge, ruled at its side and its foot only; without the edge carried to it, its side
    crosses one rule and drops out with the column, and the page's columns no longer line up
    with the pages before it."""
    if len(long_) < 2:
        return horizontal
    near = scale.px(ON_RULE_IN)
    tol = scale.px(ALIGN_IN)
    middle = float(np.mean([(r.start + r.end) / 2 for r in long_]))
    top = min(long_, key=lambda r: r.at(middle))
    bottom = max(long_, key=lambda r: r.at(middle))
    rules = list(horizontal)
    for edge, other in ((top, bottom), (bottom, top)):
        outer, inner = (0, 1) if edge is top else (1, 0)
        start, end = edge.start, edge.end
        for run in vertical:
            ends = (run.start, run.end)
            x_out, x_in = run.at(ends[outer]), run.at(ends[inner])
            beyond = x_out < edge.start - near or x_out > edge.end + near
            on_edge = abs(edge.at(x_out) - ends[outer]) <= tol
            corner = abs(other.at(x_in) - ends[inner]) <= near and (
                abs(other.start - x_in) <= near or abs(other.end - x_in) <= near
            )
            if beyond and on_edge and corner:
                start, end = min(start, round(x_out)), max(end, round(x_out))
        if (start, end) != (edge.start, edge.end):
            k = rules.index(edge)
            spans = [*edge.spans, (start, edge.start), (edge.end, end)]
            rules[k] = replace(
                edge, start=start, end=end, spans=tuple(s for s in spans if s[1] > s[0])
            )
    return rules


def _one_row_rules(vertical: list[Rule], horizontal: list[Rule], scale: Scale) -> list[Rule]:
    """Where a page has too few long column rules to mark an open edge, the rules as short as
    one line of text (`ROW_IN`) that end on a horizontal rule at one end: the column rules of
    a page holding only the one-line rest of a row the break cut (a browser's or office
    program's table, open at the top, ruled at its foot)."""
    near = scale.px(ON_RULE_IN)
    return [
        r
        for r in vertical
        if r.length >= scale.px(ROW_IN)
        and any(_on_rule(horizontal, r.at(t), t, near) for t in (r.start, r.end))
    ]


def open_edges(horizontal: list[Rule], vertical: list[Rule], scale: Scale) -> list[Rule]:
    """The horizontal rules with one along each open edge of the table: a partial rule there
    is carried across the table, or a new one is added."""
    long_ = [r for r in horizontal if r.length >= scale.px(LONG_IN)]
    if not long_:
        return horizontal
    horizontal = _to_open_sides(horizontal, long_, vertical, scale)
    long_ = [r for r in horizontal if r.length >= scale.px(LONG_IN)]
    # The upright strokes of a title's glyphs end together too, across most of the width.
    runs = vertical
    vertical = [r for r in runs if r.length >= scale.px(LONG_IN)]
    if len(vertical) < MIN_RULES:
        vertical = _one_row_rules(runs, long_, scale)
    if len(vertical) < MIN_RULES:
        return horizontal
    x0 = min(r.at((r.start + r.end) / 2) for r in vertical)
    x1 = max(r.at((r.start + r.end) / 2) for r in vertical)
    slope = float(np.median([r.slope for r in long_]))
    thickness = float(np.median([r.thickness for r in long_]))
    near = scale.px(ON_RULE_IN)
    rules = list(horizontal)
    for top in (True, False):
        found = _open_edge(vertical, long_, x1 - x0, slope, scale, top)
        if found is None:
            continue
        offset, left, right = _widened(found, runs, long_, slope, scale, top)
        start, end, mid = int(np.floor(left)), int(np.ceil(right)), (left + right) / 2
        y = offset + slope * mid
        partial = [k for k, r in enumerate(rules) if r in long_ and abs(r.at(mid) - y) <= near]
        if partial:
            k = partial[0]
            rules[k] = replace(
                rules[k],
                start=min(start, rules[k].start),
                end=max(end, rules[k].end),
                spans=(*rules[k].spans, (start, end)),
            )
            continue
        rules.append(
            Rule(
                intercept=y - slope * mid,
                slope=slope,
                start=start,
                end=end,
                thickness=thickness,
                line=max(r.line for r in rules) + 1,
                spans=((start, end),),
            )
        )
    return rules
