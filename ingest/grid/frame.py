"""Which of a page's rules belong to its table.

A table rule runs from one perpendicular rule to another: it crosses at least two of them,
near both of its ends. Underlines, a run of dashes in a cell, glyph strokes in a vertical
label or the straight part of a seal ring rarely do, so they drop out here rather than
becoming false boundaries. A long rule whose end was erased on the way to the rule it ran
to is carried there first (`_carried`), so the frame does not lose its corner and the table
its outer column. Of what remains, the connected set of rules with the most crossings is
the table (then the largest): a photo's cropped page edge or a box beside the table frames
a large area with four crossings only.
"""

import numpy as np

from ingest.grid.lines import Rule, Scale, crossings, join_runs

LONG_RUN_IN = 0.5  # runs this long are rules, not strokes, when they cross the table
CORNER_IN = 0.05  # a run ending this close to a crossing rule stops there on purpose
CARRY_FROM_IN = 1.0  # a rule this long whose end stops in the open lost its last stretch
OVERSHOOT_IN = 0.06  # a rule's measured end may lie this far past its crossing
LONE_IN = 0.35  # a run shorter than this within one row, alone on its line, is a glyph's stroke
MIN_COLUMNS = 3  # runs between the same two rules that are a row's column rules


def _reach(rules: list[Rule], scale: Scale) -> np.ndarray:
    """How far a rule's end may stop short of its crossing.

    A long rule broken near its end can lose a gap and the stub beyond it (shorter than a
    seed run), a few percent of its length. A short rule has no room for that: it runs from
    crossing to crossing, while glyph strokes that touch one rule, or a run of dashes in a
    cell, stop a margin short of the next. Text that still comes this close to two walls is
    left to the per-boundary coverage test.
    """
    lengths = np.array([r.length for r in rules], dtype=np.float64)
    return np.minimum(scale.px(0.2) + 0.02 * lengths, 0.1 * lengths)


def _within(rules: list[Rule], at: np.ndarray, margin: np.ndarray | float) -> np.ndarray:
    """within[i, k]: crossing k (at `at[i, k]` along rule i) lies on the rule's extent, or
    within `margin` (one per rule, or one for all) of an end."""
    margin = np.broadcast_to(margin, (len(rules),))[:, None]
    start = np.array([r.start for r in rules], dtype=np.float64)[:, None]
    end = np.array([r.end for r in rules], dtype=np.float64)[:, None]
    return (at >= start - margin) & (at <= end + margin)


def _inked(rules: list[Rule], at: np.ndarray, scale: Scale) -> np.ndarray:
    """inked[i, k]: rule i's own ink runs through crossing k (or ends at it).

    A rule shares its ink with the rules it crosses; text rows that line up on both sides
    of a rule stop at the cells' margins, leaving a gap at the crossing.
    """
    tol = scale.px(CORNER_IN)
    inked = np.zeros(at.shape, bool)
    for i, rule in enumerate(rules):
        for start, end in rule.spans:
            inked[i] |= (at[i] >= start - tol) & (at[i] <= end + tol)
    return inked


def _carried(
    rules: list[Rule],
    own: np.ndarray,
    other: np.ndarray,
    own_ink: np.ndarray,
    other_seen: np.ndarray,
    other_ends: np.ndarray,
    at: np.ndarray,
    scale: Scale,
) -> np.ndarray:
    """`own` (see `_within`) with each end that stops in the open (no crossing rule within
    CORNER_IN beyond it, or OVERSHOOT_IN before it: a measured end runs up to a pooled block
    and the crossing rule's half width past its crossing) carried to the next crossing rule,
    when that is less than the rule's length away or the crossing rule ends there
    (`other_ends`). A crossing one column in is within a long rule's reach, but not its
    corner. Were an overshooting end taken as open, every rule of the frame would be carried
    to the next long line beyond it, such as the edge of the paper in a photo; so would a
    rule whose measured end runs past a crossing only by ink apart from it (`_crossed_ink`).

    Worn toner or a copier can erase the last stretch of a rule up to the frame; the frame
    then loses its crossing there, and with it its anchor, and the table its outer column.
    Only a rule an inch long whose ink runs through two crossings (`own_ink`) is carried
    (or a shorter one whose other end stops at a crossing, one unbroken stretch of its ink
    running across a whole cell from crossing to crossing), and only to a rule seen at the
    new crossing (`other_seen`), not one that merely could
    reach it: a stroke or a text row in a cell meets one wall at most, glyph strokes that
    touch the rule between two short rows line up over a glyph's height or two, and text
    touching a rule from both sides leaves it where the text ends. A corner keeps both of
    its rules' ends, so a rule that stops on this one's line shows where the lost stretch
    ran to however long it is, as when a seal's suppression takes the frame's top rule.
    For the same reason a rule of any length that starts at a corner (both rules end
    there) and stops in the open is the frame's side worn below it: it is carried to the
    next corner only, where the rule it meets ends too (a label column merged over every
    row leaves the side nothing else to cross).
    """
    own = own.copy()
    meets = own & other
    corner, overshoot = scale.px(CORNER_IN), scale.px(OVERSHOOT_IN)
    start = np.array([r.start for r in rules], dtype=np.float64)[:, None]
    end = np.array([r.end for r in rules], dtype=np.float64)[:, None]
    inner_start, inner_end = _crossed_ink(rules, meets, at, corner)
    long_ = (end - start >= scale.px(CARRY_FROM_IN))[:, 0]
    sides = ((start - at, inner_start - at), (at - end, at - inner_end))
    stops = [(meets & (inner <= corner) & (inner >= -overshoot)).any(axis=1) for _, inner in sides]
    inked = meets & own_ink
    cornered = (inked & other_ends & _ends(rules, at, scale)).any(axis=1)
    whole_row = _one_stretch_crosses_two(rules, inked, at, corner)
    for (gap, _), stopped, other_stopped in zip(sides, stops, stops[::-1], strict=True):
        carried = (long_ | (other_stopped & whole_row)) & (inked.sum(axis=1) >= 2)
        lost = other_seen & (gap > 0) & ((gap <= end - start) | other_ends)
        targets = np.where(carried[:, None], lost, cornered[:, None] & lost & other_ends)
        carry = targets.any(axis=1) & ~stopped
        for i in np.nonzero(carry)[0]:
            own[i, np.argmin(np.where(targets[i], gap[i], np.inf))] = True
    return own


def _one_stretch_crosses_two(
    rules: list[Rule], inked: np.ndarray, at: np.ndarray, corner: int
) -> np.ndarray:
    """Whether one stretch of each rule's ink takes in two of its `inked` crossings: a cell's
    whole side. Glyphs touching a rule from both sides, one row's over the next's, join
    into runs through one crossing each."""
    found = np.zeros(len(rules), bool)
    for i, rule in enumerate(rules):
        crossed = at[i][inked[i]]
        found[i] = any(
            ((crossed >= a - corner) & (crossed <= b + corner)).sum() >= 2 for a, b in rule.spans
        )
    return found


def _crossed_ink(
    rules: list[Rule], meets: np.ndarray, at: np.ndarray, corner: int
) -> tuple[np.ndarray, np.ndarray]:
    """Where each rule's ink stops once the pieces of ink beyond its outermost crossings, apart
    from the crossed ink by a gap, are left out (columns of shape (len(rules), 1)).

    A column's rule can end under a title whose glyph strokes line up with it: a stroke
    joined to the rule across the gap makes its measured end run past the table's top rule,
    into the open, though its own ink stops at that rule.
    """
    start = np.array([r.start for r in rules], dtype=np.float64)
    end = np.array([r.end for r in rules], dtype=np.float64)
    for i, rule in enumerate(rules):
        crossed = at[i][meets[i]]
        spans = [
            (a, b)
            for a, b in rule.spans
            if ((crossed >= a - corner) & (crossed <= b + corner)).any()
        ]
        if spans:
            start[i], end[i] = min(a for a, _ in spans), max(b for _, b in spans)
    return start[:, None], end[:, None]


def _ends(rules: list[Rule], at: np.ndarray, scale: Scale) -> np.ndarray:
    """ends[i, k]: rule i ends at crossing k (see `_within`)."""
    corner = scale.px(CORNER_IN)
    return _within(rules, at, corner) & ~_within(rules, at, -corner)


def _touching(horizontal: list[Rule], vertical: list[Rule], scale: Scale) -> np.ndarray:
    """touch[h, v]: the two rules meet within the reach of both, once ends that stop in the
    open are carried to the next crossing (`_carried`)."""
    x, y = crossings(horizontal, vertical)
    y = y.T
    corner = scale.px(CORNER_IN)
    on_h = _within(horizontal, x, _reach(horizontal, scale))
    on_v = _within(vertical, y, _reach(vertical, scale))
    seen_h, seen_v = _within(horizontal, x, corner), _within(vertical, y, corner)
    ink_h, ink_v = _inked(horizontal, x, scale), _inked(vertical, y, scale)
    ends_h, ends_v = _ends(horizontal, x, scale), _ends(vertical, y, scale)
    on_h = _carried(horizontal, on_h, on_v.T, ink_h, seen_v.T, ends_v.T, x, scale)
    on_v = _carried(vertical, on_v, on_h.T, ink_v, seen_h.T, ends_h.T, y, scale)
    return on_h & on_v.T


def _anchored(rules: list[Rule], meets: np.ndarray, at: np.ndarray, scale: Scale) -> np.ndarray:
    """Rules (rows of `meets`) crossed at least twice near both ends, or long and crossed
    at least three times anywhere. `at` is where along each rule the crossing lies.

    A long run across several rules is a rule even where its ends fade out: asking it to end
    at a crossing would drop it with its faded corner, and then the perpendicular rules
    anchored on it, one by one. Two crossings are not enough for that: a column of glyph
    strokes can span two rows. Nor is a rule whose one unbroken stretch of ink runs from its
    first crossing to its last and stops there (`_unbroken`), whatever lies on its line apart
    from it: a title's stroke joined to a column's rule across the gap above the table.
    """
    reach = _reach(rules, scale)
    start = np.array([r.start for r in rules], dtype=np.float64)
    end = np.array([r.end for r in rules], dtype=np.float64)
    first = np.where(meets, at, np.inf).min(axis=1)
    last = np.where(meets, at, -np.inf).max(axis=1)
    crossed = meets.sum(axis=1)
    ends = (first <= start + reach) & (last >= end - reach)
    ends |= _unbroken(rules, first, last, reach, scale)
    # A run's measured end lies up to OVERSHOOT_IN past its last crossing (its end is known
    # to a pooled block or two, and the crossing rule's ink extends it): more than a tenth of
    # a single-line row's rule. Allowed to a run on the line of a run anchored without it
    # (a column resumed below a wide merged cell), not to runs of strokes on a line of their own.
    # So are the column rules of a row printed alone (at a page's top, say): several runs
    # between the same two rules, each within an overshoot of both.
    ruled = {r.line for r, e, n in zip(rules, ends, crossed, strict=True) if e and n >= 2}
    resumed = np.array([r.line in ruled for r in rules])
    overshoot = np.maximum(reach, scale.px(OVERSHOOT_IN))
    ends |= resumed & (first <= start + reach) & (last >= end - overshoot)
    ends |= _row_of_columns(meets, at, (first >= start - overshoot) & (last >= end - overshoot))
    long_ = (end - start >= scale.px(LONG_RUN_IN)) & (crossed >= 3)
    return (crossed >= 2) & (ends | long_)


def _row_of_columns(meets: np.ndarray, at: np.ndarray, within: np.ndarray) -> np.ndarray:
    """Runs `within` an overshoot of their outermost crossings that share those crossings'
    two rules with at least MIN_COLUMNS such runs: a row's column rules stand together between
    the same two rules, while a glyph's strokes reaching both rules of a row are few."""
    crossed = meets.any(axis=1)
    outer = np.stack(
        (
            np.where(meets, at, np.inf).argmin(axis=1),
            np.where(meets, at, -np.inf).argmax(axis=1),
        ),
        axis=1,
    )
    candidate = within & crossed & (meets.sum(axis=1) >= 2)
    together = np.array(
        [
            candidate[i] and (candidate & (outer == outer[i]).all(axis=1)).sum() >= MIN_COLUMNS
            for i in range(len(meets))
        ],
        dtype=bool,
    )
    return together


def _unbroken(
    rules: list[Rule], first: np.ndarray, last: np.ndarray, reach: np.ndarray, scale: Scale
) -> np.ndarray:
    """Whether one stretch of each rule's ink runs from its `first` crossing to its `last`,
    ending within its reach of both. Text lined up along a rule's line leaves gaps between
    glyphs; a stretch of ink unbroken across a whole cell is a rule's."""
    corner = scale.px(CORNER_IN)
    found = np.zeros(len(rules), bool)
    for i, rule in enumerate(rules):
        found[i] = last[i] > first[i] and any(
            first[i] - reach[i] <= a <= first[i] + corner
            and last[i] - corner <= b <= last[i] + reach[i]
            for a, b in rule.spans
        )
    return found


def _strokes(rules: list[Rule], meets: np.ndarray, at: np.ndarray, scale: Scale) -> np.ndarray:
    """Runs that are glyph strokes stacked in a cell, not rules (rows of `meets` and `at` as
    in `_anchored`).

    Tightly set text (single line spacing, little padding, as office programs and browsers
    print it) stacks the upright strokes of glyphs in successive lines into runs as long as
    a row. A rule's ink runs through the rules it crosses inside its extent; stacked strokes
    stop at each cell's padding, so a run crossing rules inside its extent without ink at any
    of them is strokes, when its pieces are short or none ends at a crossing (a rule worn
    away around its crossings still runs long from crossing to crossing). A run within one
    row, shorter than a short row and alone on its line (no other run of the table shares
    its x), is one glyph's stroke touching both rules of a cramped row: a column split in
    one row only would rule off a sliver of text.
    """
    corner = scale.px(CORNER_IN)
    start = np.array([r.start for r in rules], dtype=np.float64)[:, None]
    end = np.array([r.end for r in rules], dtype=np.float64)[:, None]
    interior = meets & (at > start + corner) & (at < end - corner)
    beyond = scale.bridge + 1  # ink on both sides of the crossing, past a pooled block
    through = np.zeros(at.shape, bool)
    short = np.ones(len(rules), bool)  # every run of ink shorter than a rule's seed run
    reaches = np.zeros(len(rules), bool)  # some run of ink ends at a crossing
    for i, rule in enumerate(rules):
        for a, b in rule.spans:
            through[i] |= (at[i] - beyond >= a) & (at[i] + beyond <= b)
            short[i] &= b - a < scale.px(LONG_RUN_IN)
            ends = (np.abs(at[i] - a) <= corner) | (np.abs(at[i] - b) <= corner)
            reaches[i] |= bool((meets[i] & ends).any())
    unruled = interior.any(axis=1) & ~(interior & through).any(axis=1) & (short | ~reaches)
    lines: dict[int, int] = {}
    for rule in rules:
        lines[rule.line] = lines.get(rule.line, 0) + 1
    lone = np.array(
        [r.length < scale.px(LONE_IN) and lines[r.line] == 1 for r in rules], dtype=bool
    )
    return unruled | (lone & ~interior.any(axis=1))


def _largest_component(meets: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[set, set]:
    n_h, n_v = meets.shape
    parent = list(range(n_h + n_v))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for h, v in zip(*np.nonzero(meets), strict=True):
        parent[root(int(h))] = root(n_h + int(v))
    members: dict[int, tuple[set, set]] = {}
    for h in range(n_h):
        members.setdefault(root(h), (set(), set()))[0].add(h)
    for v in range(n_v):
        members.setdefault(root(n_h + v), (set(), set()))[1].add(v)

    def size(part: tuple[set, set]) -> tuple[int, float]:
        hs, vs = part
        if len(hs) < 2 or len(vs) < 2:
            return 0, 0.0
        sub = np.ix_(sorted(hs), sorted(vs))
        return int(meets[sub].sum()), float(np.ptp(x[sub]) * np.ptp(y[sub]))

    return max(members.values(), key=size)


def _chained(
    rules: list[Rule], meets: np.ndarray, at: np.ndarray, corners: np.ndarray, scale: Scale
) -> list[Rule]:
    """Runs of one line joined across gaps that damage left, not the form.

    Where the form leaves a rule out (a merged cell), the runs on both sides stop at the
    rules crossing there. A gap from a faded stretch, a removed seal or a break starts or
    ends in the open, so two long runs that each cross the table and face such a gap are
    one rule; so are a long run and the stub that closes its line at a corner, when the
    long run stops in the open; and so are the only two runs of a line, however short, when
    each stops in the open and starts at a corner, where the crossing rule ends too: the
    frame's side, worn in its middle, beside a cell merged over all its rows (glyph strokes
    touching one rule do not end another). Rows of `meets`, `at` and `corners` (the crossing
    rule ends on this line) are the runs, as in `_anchored`.
    """
    tol = scale.px(CORNER_IN)
    long_ = np.array([r.length >= scale.px(LONG_RUN_IN) for r in rules]) & meets.any(axis=1)

    def at_crossing(i: int, t: float) -> bool:
        return bool((meets[i] & (np.abs(at[i] - t) <= tol)).any())

    def at_corner(i: int, t: float) -> bool:
        return bool((meets[i] & corners[i] & (np.abs(at[i] - t) <= tol)).any())

    def joins(a: int, b: int, first: bool, last: bool) -> bool:
        open_a = not at_crossing(a, rules[a].end)
        open_b = not at_crossing(b, rules[b].start)
        if long_[a] and long_[b]:
            return open_a or open_b
        if long_[a] and last:
            return open_a and at_crossing(b, rules[b].end)
        if long_[b] and first:
            return open_b and at_crossing(a, rules[a].start)
        only_two_both_open = first and last and open_a and open_b
        return only_two_both_open and at_corner(a, rules[a].start) and at_corner(b, rules[b].end)

    lines: dict[int, list[int]] = {}
    for i, rule in enumerate(rules):
        lines.setdefault(rule.line, []).append(i)
    chained = []
    for members in lines.values():
        members.sort(key=lambda i: rules[i].start)
        chain = [members[0]]
        for k, i in enumerate(members[1:], start=1):
            if joins(chain[-1], i, first=len(chain) == 1 and k == 1, last=k == len(members) - 1):
                chain.append(i)
                continue
            chained.extend(join_runs([rules[j] for j in chain]))
            chain = [i]
        chained.extend(join_runs([rules[j] for j in chain]))
    return chained


def table_rules(
    horizontal: list[Rule], vertical: list[Rule], scale: Scale
) -> tuple[list[Rule], list[Rule]]:
    """The table's horizontal and vertical rules; empty lists when there is no ruled table."""
    if horizontal and vertical:
        meets = _touching(horizontal, vertical, scale)
        x, y = crossings(horizontal, vertical)
        ends_h, ends_v = _ends(horizontal, x, scale), _ends(vertical, y.T, scale)
        horizontal, vertical = (
            _chained(horizontal, meets, x, ends_v.T, scale),
            _chained(vertical, meets.T, y.T, ends_h.T, scale),
        )
    while horizontal and vertical:
        meets = _touching(horizontal, vertical, scale)
        x, y = crossings(horizontal, vertical)
        keep_h = _anchored(horizontal, meets, x, scale) & ~_strokes(horizontal, meets, x, scale)
        keep_v = _anchored(vertical, meets.T, y.T, scale) & ~_strokes(vertical, meets.T, y.T, scale)
        if keep_h.all() and keep_v.all():
            hs, vs = _largest_component(meets, x, y)
            if len(hs) < 2 or len(vs) < 2:
                return [], []
            return (
                join_runs([horizontal[i] for i in sorted(hs)]),
                join_runs([vertical[i] for i in sorted(vs)]),
            )
        horizontal = [r for r, k in zip(horizontal, keep_h, strict=True) if k]
        vertical = [r for r, k in zip(vertical, keep_v, strict=True) if k]
    return [], []
