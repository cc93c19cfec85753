"""Ruling lines: long thin runs of ink, joined into straight rules.

Everything here works on horizontal rules only; vertical rules are found by running the same
code on the transposed page, so both orientations share one implementation. Along a rule the
coordinate is `t` (x for a horizontal rule); across it, the offset (y).

Lengths are relative to the page: `Scale` derives pixels per inch from the page's short side
(an A4 or Letter sheet), so a photo at an odd resolution is measured like a 200 DPI scan.
"""

from dataclasses import dataclass, replace

import cv2
import numpy as np

A4_SHORT_SIDE_IN = 8.27
RUN_GAP_SHARE = 0.05  # a gap this share of a line's extent still joins its pieces
MIN_FILL = 0.7  # share of a run that ink must cover for the run to be a rule
MAX_FLANKED = 0.3  # a run with ink beside it on both sides along more than this is text
# A rule's stretch across one cell, judged alone, may be the middle of a text line when
# flanked along more than this (a run is judged over many cells): on the tuning corpus worn
# rules of heavy pages with text crowding both sides were flanked along up to 36 % of a
# cell, names centred on a rule from 45 %.
MAX_FLANKED_CROSSING = 0.4
MAX_BESIDE = 0.5  # so is a run with ink on one and the same side along more than this
ENDS_IN = 0.05  # a rule's ink stopping further than this from both ends of a stretch is clear
SOLID = 0.97  # unless its own line is inked along this much of it: then it is a rule
BEND_SHARE = 0.02  # a long rule may bow this share of its length (lens, paper curl)


@dataclass(frozen=True)
class Scale:
    """Page-relative lengths in pixels."""

    ppi: float

    @classmethod
    def of(cls, shape: tuple[int, ...]) -> "Scale":
        return cls(ppi=min(shape[0], shape[1]) / A4_SHORT_SIDE_IN)

    def px(self, inches: float, minimum: int = 1) -> int:
        return max(minimum, round(inches * self.ppi))

    @property
    def find_length_h(self) -> int:
        """Shortest horizontal run that can seed a rule: longer than two adjacent CJK glyphs
        at body size, so strokes of a text row do not qualify."""
        return self.px(0.25, 9)

    @property
    def find_length_v(self) -> int:
        """Shortest vertical run that can seed a rule: a single-line row's height, which is more
        than a glyph's stroke even where it touches a rule."""
        return self.px(0.2, 9)

    @property
    def bridge(self) -> int:
        """Ink is pooled along a rule in blocks this long, which closes the gaps of a
        dashed-looking or dotted faint rule."""
        return self.px(0.02, 2)

    @property
    def join_tolerance(self) -> float:
        """Pieces whose offsets differ by less than this belong to the same rule."""
        return self.ppi * 0.03

    @property
    def run_gap(self) -> int:
        """Pieces of one line closer than this (or a few percent of the line) form one run;
        a rule broken by gaps stays one run, the scattered strokes of a text row do not."""
        return self.px(0.3)

    @property
    def max_bend(self) -> float:
        """A straight rule's pixels stay this close to a line, stair-steps and noise included."""
        return self.ppi * 0.01

    @property
    def max_thickness(self) -> float:
        """Thicker than this is a filled shape or a bold glyph, not a rule."""
        return self.ppi * 0.04


@dataclass(frozen=True)
class Rule:
    """A straight rule: offset = intercept + slope * t, seen between `start` and `end`.

    Runs of ink on the same line separated by a wide gap are separate rules sharing `line`
    (and the line's fit), so each must be anchored on its own before they are joined again.
    """

    intercept: float
    slope: float
    start: int
    end: int
    thickness: float
    line: int = 0
    spans: tuple[tuple[int, int], ...] = ()  # stretches of t where ink was seen

    def at(self, t: float) -> float:
        return self.intercept + self.slope * t

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class _Piece:
    """One connected run of rule-like ink with the sums its least-squares line needs."""

    start: int
    end: int
    thickness: float
    n: float
    st: float
    so: float
    stt: float
    sto: float

    @property
    def slope(self) -> float:
        var = self.stt - self.st * self.st / self.n
        return (self.sto - self.st * self.so / self.n) / var if var > 0 else 0.0

    def offset_at(self, t: float, slope: float) -> float:
        """Offset of this piece's centroid carried to `t` along `slope`."""
        return self.so / self.n + slope * (t - self.st / self.n)


def ink_mask(gray: np.ndarray, scale: Scale) -> np.ndarray:
    """Dark-on-light ink as 0/255, with a local threshold so faint rules on uneven paper count."""
    block = scale.px(0.15, 3) | 1
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    return cv2.adaptiveThreshold(
        smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12
    )


def _pooled(ink: np.ndarray, factor: int, vertical: bool) -> np.ndarray:
    """Ink pooled along the rule direction in blocks of `factor` pixels (any ink counts),
    laid out with the rule direction along rows.

    Along a rule only the extent matters, not pixel precision, so pooling closes the small
    gaps of a dashed or dotted rule and makes the morphology that follows `factor` times
    cheaper; across the rule the position keeps its full precision.
    """
    along = ink.shape[0] if vertical else ink.shape[1]
    usable = along - along % factor
    blocks = [ink[k:usable:factor] if vertical else ink[:, k:usable:factor] for k in range(factor)]
    pooled = blocks[0]
    for block in blocks[1:]:
        pooled = np.maximum(pooled, block)
    return np.ascontiguousarray(pooled.T) if vertical else pooled


def _bend(t: np.ndarray, o: np.ndarray) -> float:
    """How far the pixels bow away from a straight line over their length: the sagitta of a
    parabola fitted to them, in pixels."""
    u = t - t.mean()
    half = (u.max() - u.min()) / 2
    if half < 1:
        return 0.0
    u = u / half
    basis = np.stack((np.ones_like(u), u, u * u), axis=1)
    coefficients = np.linalg.lstsq(basis, o, rcond=None)[0]
    return abs(float(coefficients[2]))


def _pieces(pooled: np.ndarray, scale: Scale, length: int) -> list[_Piece]:
    """Connected runs along the rows of the pooled ink, at least `length` px long, that are
    thin and straight: filled shapes and bold strokes are too thick, and the arcs of a
    seal's leftover ring bow away from any line. Positions along a run are the centres of
    the pooled blocks."""
    factor = scale.bridge
    kernel = np.ones((1, max(length // factor, 2)), np.uint8)
    mask = cv2.morphologyEx(pooled, cv2.MORPH_OPEN, kernel)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    pieces = []
    for k in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[k])
        thickness = area / w
        if thickness > scale.max_thickness:
            continue
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == k)
        t = (xs + x).astype(np.float64) * factor + (factor - 1) / 2
        o = (ys + y).astype(np.float64)
        if h > 2 and _bend(t, o) > max(scale.max_bend, BEND_SHARE * w * factor):
            continue
        sums = (t.sum(), o.sum(), (t * t).sum(), (t * o).sum())
        pieces.append(_Piece(x * factor, (x + w) * factor, thickness, area, *sums))
    return pieces


def _common_slope(pieces: list[_Piece]) -> float:
    """Length-weighted median slope: residual skew is shared by all rules of a page."""
    if not pieces:
        return 0.0
    slopes = np.array([p.slope for p in pieces])
    weights = np.array([float(p.end - p.start) for p in pieces])
    order = np.argsort(slopes)
    cumulative = np.cumsum(weights[order])
    return float(slopes[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def _runs_of(line: list[_Piece], scale: Scale) -> list[list[_Piece]]:
    """The line's pieces grouped into runs that ink mostly covers.

    A rule, even a broken or dashed one, covers most of its run; glyph strokes that happen to
    line up along a text row leave wide gaps, so their runs are sparse and are dropped.
    """
    line = sorted(line, key=lambda p: p.start)
    extent = max(p.end for p in line) - line[0].start
    gap = max(scale.run_gap, RUN_GAP_SHARE * extent)
    groups: list[list[_Piece]] = [[line[0]]]
    reach = line[0].end
    for piece in line[1:]:
        if piece.start - reach > gap:
            groups.append([])
        groups[-1].append(piece)
        reach = max(reach, piece.end)
    return [
        run
        for run in groups
        if sum(p.end - p.start for p in run) >= MIN_FILL * (max(p.end for p in run) - run[0].start)
    ]


def _fit(pieces: list[_Piece], slope: float, own_slope_from: float) -> tuple[float, float]:
    """Intercept and slope of the pieces' line; its own slope only when it is long enough
    for the estimate to beat the page's common slope."""
    n = sum(p.n for p in pieces)
    st = sum(p.st for p in pieces)
    so = sum(p.so for p in pieces)
    if max(p.end for p in pieces) - min(p.start for p in pieces) >= own_slope_from:
        stt = sum(p.stt for p in pieces)
        sto = sum(p.sto for p in pieces)
        var = stt - st * st / n
        if var > 0:
            slope = (sto - st * so / n) / var
    return so / n - slope * st / n, slope


def _rule(run: list[_Piece], fit: tuple[float, float], index: int) -> Rule:
    length = sum(p.end - p.start for p in run)
    return Rule(
        intercept=fit[0],
        slope=fit[1],
        start=min(p.start for p in run),
        end=max(p.end for p in run),
        thickness=sum(p.thickness * (p.end - p.start) for p in run) / length,
        line=index,
        spans=tuple((p.start, p.end) for p in run),
    )


def _rules_of(
    line: list[_Piece],
    index: int,
    ink: np.ndarray,
    scale: Scale,
    slope: float,
    own_slope_from: float,
) -> list[Rule]:
    """The line's rule runs, fitted together once the text-like runs are left out: glyph
    strokes that share the line would pull its fit off the rule's ink."""
    runs_ = [
        run
        for run in _runs_of(line, scale)
        if not _text_like(_rule(run, _fit(run, slope, own_slope_from), index), ink, scale)
    ]
    if not runs_:
        return []
    fit = _fit([p for run in runs_ for p in run], slope, own_slope_from)
    return [_rule(run, fit, index) for run in runs_]


def beside(rule: Rule, ink: np.ndarray, scale: Scale, t: np.ndarray) -> np.ndarray:
    """Whether there is ink just beside the rule at each `t`, on the side before and after
    it: rows [before, after] of a (2, len(t)) array. `ink` is indexed [offset, t].

    A rule has clean paper on both sides, broken only where other rules cross it or a glyph
    touches it. Strokes lined up inside a text line have the rest of their glyphs beside
    them, below the tops of a row, above its feet, on both sides of its middle.
    """
    centre = np.rint(rule.at(t)).astype(np.int64)
    near = int(np.ceil(rule.thickness / 2)) + scale.px(0.01)
    steps = np.arange(near, near + scale.px(0.03, 2))
    sides = []
    for sign in (-1, 1):
        rows = np.clip(centre[None, :] + sign * steps[:, None], 0, ink.shape[0] - 1)
        sides.append(ink[rows, t[None, :]].any(axis=0))
    return np.stack(sides)


def _text_like(rule: Rule, ink: np.ndarray, scale: Scale) -> bool:
    """Whether the run is glyph strokes lined up rather than a rule (see `beside`).

    Strokes in the middle of a text line have glyphs on both sides; the tops or feet of a
    text row that line up into a run have them on one side, nearly all along, with gaps
    between glyphs (`_own_fill`). A rule keeps paper on each side for most of its length even
    where the text of both cells crowds it, or ink along all of it where one cell's text
    touches it.
    """
    t = inked_along(rule, ink, 0, ink.shape[1])
    if t.size == 0:
        return False
    sides = beside(rule, ink, scale, t)
    if sides.all(axis=0).mean() > MAX_FLANKED:
        return True
    return bool(sides.mean(axis=1).max() > MAX_BESIDE) and _own_fill(rule, ink, t) < SOLID


def inked_along(rule: Rule, ink: np.ndarray, start: float, end: float) -> np.ndarray:
    """Every other `t` between `start` and `end` where the rule's ink was seen."""
    a, b = max(int(np.ceil(start)), 0), min(int(np.floor(end)), ink.shape[1])
    spans = [(max(s, a), min(e, b)) for s, e in rule.spans if min(e, b) > max(s, a)]
    return np.concatenate([np.arange(s, e, 2) for s, e in spans]) if spans else np.zeros(0, int)


def crosses_text(rule: Rule, ink: np.ndarray, scale: Scale, start: float, end: float) -> bool:
    """Whether the rule's ink between `start` and `end` is glyph strokes of a text line: glyph
    ink beside it on both sides along more than MAX_FLANKED_CROSSING of it (the line's
    middle), or on one side along more than MAX_BESIDE where it reaches neither end (the
    feet or tops of a line standing in the cell, clear of both walls) — and its own line not
    inked all along (`_own_fill`; a rule with marks crowding both sides, a seal's ring on one
    and a cell's text on the other, is). A line of text centred in a merged cell can sit
    right on the rule its neighbours have between their rows, and its strokes, within a run
    gap of that rule, are counted with it."""
    t = inked_along(rule, ink, start, end)
    if t.size == 0:
        return False
    sides = beside(rule, ink, scale, t)
    near = scale.px(ENDS_IN)
    clear = t.min() - start > near and end - t.max() > near
    if sides.all(axis=0).mean() <= MAX_FLANKED_CROSSING and not (
        clear and sides.mean(axis=1).max() > MAX_BESIDE
    ):
        return False
    return _own_fill(rule, ink, t) < SOLID


def _own_fill(rule: Rule, ink: np.ndarray, t: np.ndarray) -> float:
    """Share of `t` where the rule's own line is inked, within a pixel. The feet or tops of a
    text row leave gaps between glyphs; a rule set close above or below a line of text (a
    cell printed with little padding) is ink all along."""
    centre = np.rint(rule.at(t)).astype(np.int64)
    rows = np.clip(centre[None, :] + np.arange(-1, 2)[:, None], 0, ink.shape[0] - 1)
    return float(ink[rows, t[None, :]].any(axis=0).mean())


def join_runs(rules: list[Rule]) -> list[Rule]:
    """One rule per line, spanning all its runs that survived."""
    lines: dict[int, list[Rule]] = {}
    for rule in rules:
        lines.setdefault(rule.line, []).append(rule)
    joined = []
    for runs_ in lines.values():
        total = sum(r.length for r in runs_)
        joined.append(
            replace(
                runs_[0],
                start=min(r.start for r in runs_),
                end=max(r.end for r in runs_),
                thickness=sum(r.thickness * r.length for r in runs_) / max(total, 1),
                spans=tuple(span for r in runs_ for span in r.spans),
            )
        )
    return joined


def _continues(
    line: list[_Piece], other: list[_Piece], slope: float, own_slope_from: float, scale: Scale
) -> bool:
    """Whether `other` lies on the own line of `line`, beyond its extent: a long line keeps
    its own slope, which perspective left over by a warped page can turn away from the
    page's common slope."""
    start, end = min(p.start for p in line), max(p.end for p in line)
    if end - start < own_slope_from:
        return False
    o_start, o_end = min(p.start for p in other), max(p.end for p in other)
    if min(end, o_end) - max(start, o_start) > scale.run_gap:
        return False
    intercept, own = _fit(line, slope, own_slope_from)
    n = sum(p.n for p in other)
    t = sum(p.st for p in other) / n
    return abs(intercept + own * t - sum(p.so for p in other) / n) <= scale.join_tolerance


def _join_collinear(
    groups: list[list[_Piece]], slope: float, own_slope_from: float, scale: Scale
) -> list[list[_Piece]]:
    """Neighbouring lines (in offset order) joined where one continues the other's own line.

    Pieces are first grouped along the page's common slope; a broken rule that bends away
    from it, on a page whose perspective was not fully removed, falls into several lines a
    few pixels apart, which each extend only part of the way.
    """
    k = 0
    while k < len(groups) - 1:
        a, b = groups[k], groups[k + 1]
        if _continues(a, b, slope, own_slope_from, scale) or _continues(
            b, a, slope, own_slope_from, scale
        ):
            groups[k : k + 2] = [a + b]
            k = max(k - 1, 0)
        else:
            k += 1
    return groups


def find_rules(ink: np.ndarray, scale: Scale, vertical: bool) -> list[Rule]:
    """Rule runs of one orientation: pieces at least a seed run long on a common line.

    Pieces of one line (broken by gaps, faintness or a seal) share an offset once carried to
    the page's middle along the common slope; pieces further apart than the join tolerance
    are different lines. Long lines get their own slope, so mild perspective is followed,
    and take in a neighbouring line that continues their own fit (`_join_collinear`).
    Each dense run of a line is returned as its own rule; `join_runs` puts them back together.
    Vertical rules are described as horizontal rules of the transposed page (t = y, offset x).
    """
    length = scale.find_length_v if vertical else scale.find_length_h
    along = ink.shape[0] if vertical else ink.shape[1]
    pieces = _pieces(_pooled(ink, scale.bridge, vertical), scale, length)
    if not pieces:
        return []
    slope = _common_slope(pieces)
    middle = along / 2
    groups = _by_offset(pieces, middle, slope, scale.join_tolerance)
    own_slope_from = 0.3 * along
    groups = _join_collinear(groups, slope, own_slope_from, scale)
    oriented = ink.T if vertical else ink
    return [
        rule
        for index, group in enumerate(groups)
        for rule in _rules_of(group, index, oriented, scale, slope, own_slope_from)
    ]


def _by_offset(
    pieces: list[_Piece], middle: float, slope: float, tolerance: float
) -> list[list[_Piece]]:
    """Pieces in offset order, grouped into lines: a piece joins the line above it when it
    lies within `tolerance` of that line's length-weighted offset. A rule's long pieces
    outweigh the glyph strokes beside it, so a chain of strokes a few pixels apart each cannot
    drag the line away from the rule (comparing with the last piece alone walked from a text
    row onto the faint rule under it, and the fit of both missed the rule)."""
    pieces = sorted(pieces, key=lambda p: p.offset_at(middle, slope))
    groups: list[list[_Piece]] = []
    weighted = weight = 0.0  # of the last group: sum of length x offset, sum of length
    for piece in pieces:
        offset, length = piece.offset_at(middle, slope), piece.end - piece.start
        if groups and offset - weighted / weight <= tolerance:
            groups[-1].append(piece)
            weighted, weight = weighted + length * offset, weight + length
        else:
            groups.append([piece])
            weighted, weight = length * offset, length
    return groups


def crossings(horizontal: list[Rule], vertical: list[Rule]) -> tuple[np.ndarray, np.ndarray]:
    """Where every horizontal rule meets every vertical one, as (x, y) arrays [h, v].

    A horizontal rule is y = a + b x and a vertical one x = c + d y (in page coordinates), so
    they meet at x = (c + d a) / (1 - b d).
    """
    a = np.array([r.intercept for r in horizontal])[:, None]
    b = np.array([r.slope for r in horizontal])[:, None]
    c = np.array([r.intercept for r in vertical])[None, :]
    d = np.array([r.slope for r in vertical])[None, :]
    x = (c + d * a) / (1.0 - b * d)
    return x, a + b * x
