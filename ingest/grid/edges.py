"""A table cut by a page break may open without a rule along its cut edge.

Word processors, spreadsheets and browsers print the part of a row (or of a merged label
column) that runs over a page break without a rule at the break: the page's table then
starts, or ends, where its vertical rules do, with a rule along only some of its columns or
none. Several vertical rules starting (or ending) together at the table's outermost edge,
across most of its width, some of them on no horizontal rule, mark that open edge; a rule is
put along the whole edge so the lattice frames the open row like any other, instead of
leaving its text outside the table or dropping the vertical rules that have nothing to end on.
"""

from dataclasses import replace

import numpy as np

from ingest.grid.lines import Rule, Scale

MIN_RULES = 3  # vertical rules that must start (or end) together at an open edge
ALIGN_IN = 0.04  # their ends lie this close to each other and to the edge
MIN_SPREAD = 0.5  # across at least this share of the table's width
LONG_IN = 0.5  # horizontal rules this long can be the table's (a glyph's stroke is shorter)
ON_RULE_IN = 0.1  # a vertical rule ending this close to a horizontal one ends on it (blur,
# skew and pooling let a rule overshoot its corner; an open row holds at least a text line)


def _on_rule(horizontal: list[Rule], x: float, y: float, tol: float) -> bool:
    return any(r.start - tol <= x <= r.end + tol and abs(r.at(x) - y) <= tol for r in horizontal)


def _open_edge(
    ends: list[tuple[float, float]], horizontal: list[Rule], width: float, scale: Scale, top: bool
) -> float | None:
    """The y of the table's outermost edge when enough vertical rules (given as (end y, x))
    end together there, across most of the width, and some on no horizontal rule."""
    tol = scale.px(ALIGN_IN)
    middle = float(np.mean([x for _, x in ends]))
    ys = [r.at(middle) for r in horizontal]
    outermost = min(ys) if top else max(ys)
    sign = 1.0 if top else -1.0  # inward
    for edge in sorted({y for y, _ in ends}, key=lambda y: sign * y):
        if sign * (edge - outermost) > tol:
            return None  # past the outermost horizontal rule: inside the table
        together = [(y, x) for y, x in ends if abs(y - edge) <= tol]
        xs = [x for _, x in together]
        if len(together) < MIN_RULES or max(xs) - min(xs) < MIN_SPREAD * width:
            continue  # a stray stroke or the paper's edge
        if all(_on_rule(horizontal, x, y, scale.px(ON_RULE_IN)) for y, x in together):
            return None  # a closed edge
        return float(np.median([y for y, _ in together]))
    return None


def open_edges(horizontal: list[Rule], vertical: list[Rule], scale: Scale) -> list[Rule]:
    """The horizontal rules with one along each open edge of the table: a partial rule there
    is carried across the table, or a new one is added."""
    long_ = [r for r in horizontal if r.length >= scale.px(LONG_IN)]
    if not long_ or len(vertical) < MIN_RULES:
        return horizontal
    x0 = min(r.at((r.start + r.end) / 2) for r in vertical)
    x1 = max(r.at((r.start + r.end) / 2) for r in vertical)
    start, end = int(np.floor(x0)), int(np.ceil(x1))
    slope = float(np.median([r.slope for r in long_]))
    thickness = float(np.median([r.thickness for r in long_]))
    near = scale.px(ON_RULE_IN)
    rules = list(horizontal)
    for top in (True, False):
        ends = [(float(t), r.at(t)) for r in vertical for t in [r.start if top else r.end]]
        y = _open_edge(ends, long_, x1 - x0, scale, top)
        if y is None:
            continue
        mid = (x0 + x1) / 2
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
