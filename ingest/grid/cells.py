"""From the table's rules to cells: which lattice boundaries carry a rule, and merged cells.

The rules span a lattice (every horizontal rule against every vertical one). Each boundary
between two adjacent lattice cells is decided on its own: a rule is present when enough of
that stretch is covered by rule-like ink along the rule's fitted line. Lattice cells with no
rule between them are one merged cell. A cell's confidence says how far from the threshold
the weakest decision about it was, so a border seen at 62% coverage, or a missing border
with 55%, makes the cell doubtful while clean rules and clear gaps make it certain.
"""

from dataclasses import dataclass, replace
from itertools import combinations

import numpy as np

from ingest.artifacts import BBox, GridCell
from ingest.grid.lines import Rule, Scale, beside, crosses_text, crossings

RULE_PRESENT = 0.6  # share of a boundary covered by rule ink for a rule to be there
RULE_PRESENT_BROKEN = 0.2  # the same on a page whose rules are broken
BROKEN_PAGE = 0.05  # share of inked boundaries only partly covered that makes a page broken
CERTAIN_MARGIN = 0.3  # this far from the threshold, a decision is certain
RESTORE_MIN = 0.15  # a boundary with less rule ink than this is never put back
JOINED_IN = 0.05  # a rule's ink ending this close to a crossing runs into it
# A rule's ink running this far past a crossing is more than a glyph touching the rule.
RUNS_ON_IN = 0.25
MAX_CUTS = 2  # straight rules put back at once across one misshapen region


@dataclass(frozen=True)
class Lattice:
    """Sorted table rules and, for each lattice boundary, the share covered by rule ink.

    `v_cover[i, j]`: vertical rule j between horizontal rules i and i + 1;
    `h_cover[i, j]`: horizontal rule i between vertical rules j and j + 1.
    `down[i, j]`, `up[i, j]`: vertical rule j's ink runs from its crossing with horizontal
    rule i, whose ink runs into that crossing too, RUNS_ON_IN or more down or up.
    """

    horizontal: list[Rule]
    vertical: list[Rule]
    v_cover: np.ndarray
    h_cover: np.ndarray
    down: np.ndarray
    up: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.horizontal) - 1, len(self.vertical) - 1

    @property
    def present(self) -> float:
        """Coverage above which a boundary carries a rule, judged against the page's rules.

        On a sound page a rule covers its boundaries nearly whole and anything far short of
        that is text crossing a merged cell. Where worn toner or a copier broke the rules,
        many inked boundaries are only partly covered, and a boundary keeping a fifth of its
        rule is still one: the bar drops as the share of such boundaries grows. Only runs of
        the table's own rules count as ink, so a boundary the form leaves out keeps next to
        none (on damaged synthetic pages 99% of them keep under 5%, and most damaged rules
        over 20%).
        The boundary being judged is not evidence about the page, so one partial boundary
        alone leaves the bar where it is.
        """
        cover = np.concatenate((self.v_cover[:, 1:-1].ravel(), self.h_cover[1:-1, :].ravel()))
        inked = cover[cover >= RESTORE_MIN]
        if inked.size == 0:
            return RULE_PRESENT
        broken = max(int(np.sum(inked < 1.0 - RESTORE_MIN)) - 1, 0) / inked.size
        drop = (RULE_PRESENT - RULE_PRESENT_BROKEN) * min(broken / BROKEN_PAGE, 1.0)
        return RULE_PRESENT - drop


@dataclass(frozen=True)
class Region:
    """A merged cell in lattice coordinates: rows r0..r1-1, columns c0..c1-1."""

    r0: int
    r1: int
    c0: int
    c1: int
    confidence: float


def _profile_sums(rule: Rule, length: int) -> np.ndarray:
    """Cumulative count of positions along `rule` where its ink was seen; entry k counts
    positions t < k."""
    hit = np.zeros(length, np.int64)
    for start, end in rule.spans:
        hit[max(start, 0) : min(end, length)] = 1
    return np.concatenate(([0], np.cumsum(hit)))


def _covered(sums: np.ndarray, t0: float, t1: float, trim: float) -> float:
    """Share of (t0, t1) covered, leaving out `trim` at each end where the crossing rules'
    own ink would count."""
    a = int(np.ceil(t0 + trim))
    b = int(np.floor(t1 - trim))
    if b <= a:
        a, b = int(np.floor(t0)), int(np.ceil(t1))
    a, b = max(a, 0), min(b, len(sums) - 1)
    return float(sums[b] - sums[a]) / (b - a) if b > a else 0.0


def _reached(rule: Rule, at: np.ndarray, near: float) -> np.ndarray:
    """Whether the rule's ink runs to within `near` of each crossing `at` along it."""
    reached = np.zeros(at.shape, bool)
    for start, end in rule.spans:
        reached |= (at >= start - near) & (at <= end + near)
    return reached


def _runs_on(rule: Rule, at: np.ndarray, near: float, run: float) -> tuple[np.ndarray, ...]:
    """Whether the rule's ink runs from each crossing `at` (see `_reached`) on at least `run`
    before it, and after it."""
    before, after = np.zeros(at.shape, bool), np.zeros(at.shape, bool)
    for start, end in rule.spans:
        reached = (at >= start - near) & (at <= end + near)
        before |= reached & (at - start >= run)
        after |= reached & (end - at >= run)
    return before, after


def _band(rule: Rule, ppi: float) -> int:
    return int(np.ceil(rule.thickness / 2 + ppi * 0.01))


def _trim(first: Rule, second: Rule, ppi: float) -> int:
    """How far from each end a boundary between two crossing rules is not judged: their own
    ink would count."""
    return max(_band(first, ppi), _band(second, ppi)) + 1


def build_lattice(
    horizontal: list[Rule], vertical: list[Rule], shape: tuple[int, int], ppi: float
) -> Lattice:
    """Measure every lattice boundary of a page of `shape` (rows, columns).

    Only the rule's own seed runs count as evidence: a glyph's stroke crossing a lattice line
    inside a merged cell is shorter than a seed run, so it cannot fake a rule there.
    """
    x, y = crossings(horizontal, vertical)
    centre_x = float(np.mean(x))
    centre_y = float(np.mean(y))
    horizontal = sorted(horizontal, key=lambda r: r.at(centre_x))
    vertical = sorted(vertical, key=lambda r: r.at(centre_y))
    x, y = crossings(horizontal, vertical)
    h_sums = [_profile_sums(r, shape[1]) for r in horizontal]
    v_sums = [_profile_sums(r, shape[0]) for r in vertical]
    n_rows, n_cols = len(horizontal) - 1, len(vertical) - 1
    v_cover = np.zeros((n_rows, n_cols + 1))
    h_cover = np.zeros((n_rows + 1, n_cols))
    for j in range(n_cols + 1):
        for i in range(n_rows):
            trim = _trim(horizontal[i], horizontal[i + 1], ppi)
            v_cover[i, j] = _covered(v_sums[j], y[i, j], y[i + 1, j], trim)
    for i in range(n_rows + 1):
        for j in range(n_cols):
            trim = _trim(vertical[j], vertical[j + 1], ppi)
            h_cover[i, j] = _covered(h_sums[i], x[i, j], x[i, j + 1], trim)
    near, run = ppi * JOINED_IN, ppi * RUNS_ON_IN
    h_meets = np.stack([_reached(r, x[i], near) for i, r in enumerate(horizontal)])
    up, down = np.stack([_runs_on(r, y[:, j], near, run) for j, r in enumerate(vertical)], axis=2)
    return Lattice(horizontal, vertical, v_cover, h_cover, down & h_meets, up & h_meets)


def without_text_crossings(lattice: Lattice, ink: np.ndarray, scale: Scale) -> Lattice:
    """`lattice` with no rule ink counted on an inner row boundary where it is the middle of
    a line of text (`lines.crosses_text`): a name centred in a cell merged over two rows sits
    on the line of the rule the next column has between those rows, and its strokes, touching
    that rule, were seen as the rule running on; cut there, the cell would be read as the top
    and bottom halves of its glyphs. Column boundaries are left alone: a glyph's vertical
    stroke is shorter than a vertical rule's seed run, while text crowding both sides of a
    vertical rule between narrow cells is common. `ink` is the page's ink mask ([y, x])."""
    x, _ = crossings(lattice.horizontal, lattice.vertical)
    h_cover = lattice.h_cover.copy()
    for i in range(1, len(lattice.horizontal) - 1):
        for j in range(h_cover.shape[1]):
            trim = _trim(lattice.vertical[j], lattice.vertical[j + 1], scale.ppi)
            rule = lattice.horizontal[i]
            if crosses_text(rule, ink, scale, x[i, j] + trim, x[i, j + 1] - trim):
                h_cover[i, j] = 0.0
    return replace(lattice, h_cover=h_cover)


def with_faint_column_rules(
    lattice: Lattice, ink: np.ndarray, scale: Scale, seal: np.ndarray | None = None
) -> Lattice:
    """`lattice` with a column boundary the seed runs missed counted as ruled where thin ink
    runs along its line with clean paper on both sides, over as much of it as a rule must
    cover (`Lattice.present`).

    A faded hairline (a browser's, on a heavy print) breaks into stubs shorter than a seed
    run over a whole stretch of rows, though the same rule stands seeded above them; those
    rows' cells would be read as one across it, a 三级指标 joined to its 指标值. Text
    crossing a merged cell where the lattice line runs has glyph ink beside the line, a rule's
    stub has none (`lines.beside`), so only the rule's own ink counts here, and only where it
    runs into a crossing rule at one end at least: a worn rule keeps its ink where it meets the
    rules across it, while a thin stroke of a glyph on the line (a bracket, a `1`) stands
    clear of both, padded from the rules by its cell. Under a seal
    (`seal`, the page's seal mask) nothing counts: what is left of its ring after the red is
    removed is as thin, as clean beside, and nearly as straight over a row's height."""
    threshold = lattice.present
    _, y = crossings(lattice.horizontal, lattice.vertical)
    v_cover = lattice.v_cover.copy()
    across = ink.T  # vertical rules are horizontal ones of the transposed page
    for j in range(1, len(lattice.vertical) - 1):
        rule = lattice.vertical[j]
        band = int(np.ceil(rule.thickness / 2)) + scale.px(0.01)
        for i in range(v_cover.shape[0]):
            if v_cover[i, j] >= threshold:
                continue
            trim = _trim(lattice.horizontal[i], lattice.horizontal[i + 1], scale.ppi)
            t = np.arange(int(np.ceil(y[i, j] + trim)), int(np.floor(y[i + 1, j] - trim)))
            t = t[(t >= 0) & (t < across.shape[1])]
            if t.size == 0:
                continue
            centre = np.rint(rule.at(t)).astype(np.int64)
            offsets = centre[None, :] + np.arange(-band, band + 1)[:, None]
            on = across[np.clip(offsets, 0, across.shape[0] - 1), t[None, :]].any(axis=0)
            clean = on & ~beside(rule, across, scale, t).any(axis=0)
            if seal is not None:
                clean &= ~seal[t, np.clip(centre, 0, seal.shape[1] - 1)]
            if clean.mean() >= threshold and (clean[0] or clean[-1]):
                v_cover[i, j] = float(clean.mean())
    return replace(lattice, v_cover=v_cover)


def _certainty(cover: np.ndarray, present: bool, threshold: float) -> float:
    """0.5 at the threshold, 1.0 once CERTAIN_MARGIN past it on the decided side."""
    if cover.size == 0:
        return 1.0
    margin = (cover - threshold) if present else (threshold - cover)
    return float(np.clip(0.5 + margin.min() / (2 * CERTAIN_MARGIN), 0.0, 1.0))


def _components(v_rule: np.ndarray, h_rule: np.ndarray) -> np.ndarray:
    """Label lattice cells joined across boundaries that carry no rule (`v_rule`, `h_rule`:
    the lattice's interior boundaries, True where a rule is)."""
    n_rows, n_cols = v_rule.shape[0], h_rule.shape[1]
    parent = list(range(n_rows * n_cols))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for i, j in zip(*np.nonzero(~v_rule), strict=True):
        parent[root(i * n_cols + j)] = root(i * n_cols + j + 1)
    for i, j in zip(*np.nonzero(~h_rule), strict=True):
        parent[root(i * n_cols + j)] = root((i + 1) * n_cols + j)
    return np.array([root(k) for k in range(n_rows * n_cols)]).reshape(n_rows, n_cols)


def _misshapen(region: np.ndarray, v_rule: np.ndarray, lattice: Lattice) -> bool:
    """Whether the merged region cannot be one cell: it does not fill its bounding rectangle,
    or a column's rule runs into it from its top or bottom.

    A printed rule ends on another rule, never inside a cell: a vertical rule whose ink runs
    from a crossing on the region's top or bottom side, where that side's ink runs too, on
    into the region over the boundary next to it (between two of the region's own lattice
    cells) lost its stretch across the cell, or the rule it ended on, to fading. A glyph
    touching a rule at a corner runs on less than RUNS_ON_IN. Row rules are not judged so: a
    line of text set against a cell's side lines up into a run along a row rule's line that
    starts at the side (see `without_text_crossings` for why columns are different).
    """
    rows, cols = np.nonzero(region)
    r0, r1, c0, c1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    if not region[r0:r1, c0:c1].all():
        return True
    inner = slice(c0 + 1, c1)
    v_in = v_rule[:, c0 : c1 - 1]
    return bool(
        (v_in[r0] & lattice.down[r0, inner]).any() or (v_in[r1 - 1] & lattice.up[r1, inner]).any()
    )


def _misjudged(
    lattice: Lattice, labels: np.ndarray, v_rule: np.ndarray, settled: list[np.ndarray]
) -> np.ndarray | None:
    """Mask of the first misshapen region (`_misshapen`) not already `settled`."""
    for label in np.unique(labels):
        region = labels == label
        if _misshapen(region, v_rule, lattice) and not any(
            np.array_equal(region, done) for done in settled
        ):
            return region
    return None


def _all_sound(
    lattice: Lattice, labels: np.ndarray, within: np.ndarray, v_rule: np.ndarray
) -> bool:
    """Whether no region inside the mask `within` is misshapen."""
    return not any(
        _misshapen(labels == label, v_rule, lattice) for label in np.unique(labels[within])
    )


def _straight_cut(
    lattice: Lattice, v_rule: np.ndarray, h_rule: np.ndarray, region: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """The rules with the fewest straight rules (up to MAX_CUTS) put back across `region` so
    that no part of it is misshapen (`_misshapen`), or None when no such cut does.

    A rule erased over a whole cell side leaves no ink to restore, but the rules that end
    on it still mark where it ran: a cell closed on three sides whose fourth side opens
    onto a wide merged cell is that cell's neighbour, not part of it; a rule that runs into a
    merged cell from its edges ran across it where it faded. Two rules faded beside each
    other (between three label columns merged down many rows) leave a region that neither
    alone cuts into sound parts. Of several cuts as few, the one keeping the most ink wins.
    """
    cuts = []
    for k in range(v_rule.shape[1]):
        lost = ~v_rule[:, k] & region[:, k] & region[:, k + 1]
        if lost.any():
            cuts.append((True, k, lost, lattice.v_cover[lost, k + 1]))
    for k in range(h_rule.shape[0]):
        lost = ~h_rule[k] & region[k] & region[k + 1]
        if lost.any():
            cuts.append((False, k, lost, lattice.h_cover[k + 1, lost]))
    for size in range(1, MAX_CUTS + 1):
        best, best_ink = None, -1.0
        for chosen in combinations(cuts, size):
            v_new, h_new = v_rule.copy(), h_rule.copy()
            for vertical, k, lost, _ in chosen:
                if vertical:
                    v_new[lost, k] = True
                else:
                    h_new[k, lost] = True
            if not _all_sound(lattice, _components(v_new, h_new), region, v_new):
                continue
            ink = float(np.concatenate([cut[3] for cut in chosen]).mean())
            if ink > best_ink:
                best, best_ink = (v_new, h_new), ink
        if best is not None:
            return best
    return None


def _restore_broken(lattice: Lattice) -> np.ndarray:
    """Region labels after putting back rules that damage broke.

    Merged cells are rectangles with no rule inside, so a region of another shape, or one
    a rule runs into, means a boundary inside it was misjudged (`_misshapen`). A faded or
    broken rule leaves part of its ink, while a rule the form leaves out leaves none: the
    boundary inside such a region with the most rule ink is restored first, until no region
    is misshapen. Where no boundary inside has ink left, straight cuts that leave sound
    regions are put back (`_straight_cut`); failing that, the region is left as it is (one
    that is no rectangle grows to its rectangle, `_rectangles`) and the others are judged.
    """
    threshold = lattice.present
    v_rule = lattice.v_cover[:, 1:-1] >= threshold
    h_rule = lattice.h_cover[1:-1, :] >= threshold
    settled: list[np.ndarray] = []
    while (
        region := _misjudged(lattice, labels := _components(v_rule, h_rule), v_rule, settled)
    ) is not None:
        v_inside = ~v_rule & region[:, :-1] & region[:, 1:]
        h_inside = ~h_rule & region[:-1, :] & region[1:, :]
        v_best = np.where(v_inside, lattice.v_cover[:, 1:-1], -1.0)
        h_best = np.where(h_inside, lattice.h_cover[1:-1, :], -1.0)
        if max(v_best.max(initial=-1.0), h_best.max(initial=-1.0)) < RESTORE_MIN:
            cut = _straight_cut(lattice, v_rule, h_rule, region)
            if cut is None:
                settled.append(region)
                continue
            v_rule, h_rule = cut
        elif v_best.max(initial=-1.0) >= h_best.max(initial=-1.0):
            v_rule[np.unravel_index(np.argmax(v_best), v_best.shape)] = True
        else:
            h_rule[np.unravel_index(np.argmax(h_best), h_best.shape)] = True
    return labels


def _rectangles(labels: np.ndarray) -> np.ndarray:
    """Grow each merged region to its bounding rectangle, so cells tile without overlap.

    A region that is not a rectangle means a boundary was misjudged; the rectangle keeps the
    tiling valid and the contradicting boundary, now inside a cell, lowers its confidence.
    """
    labels = labels.copy()
    changed = True
    while changed:
        changed = False
        for label in np.unique(labels):
            rows, cols = np.nonzero(labels == label)
            box = labels[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
            if (box != label).any():
                for other in np.unique(box):
                    labels[labels == other] = label
                changed = True
                break
    return labels


def merge_cells(lattice: Lattice) -> list[Region]:
    """Merged cells of the lattice, each with the certainty of its weakest boundary: the
    frame piece by piece, each cell across a side as a whole (`_apart`), and the boundaries
    inside it."""
    labels = _rectangles(_restore_broken(lattice))
    threshold = lattice.present
    x, y = crossings(lattice.horizontal, lattice.vertical)
    lengths = np.abs(np.diff(y, axis=0)), np.abs(np.diff(x, axis=1))
    n_rows, n_cols = labels.shape
    apart: dict[frozenset[int], float] = {}  # each pair judged once, from either side
    regions = []
    for label in np.unique(labels):
        rows, cols = np.nonzero(labels == label)
        r0, r1, c0, c1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
        frame = [
            *(lattice.h_cover[r0, c0:c1] if r0 == 0 else ()),
            *(lattice.h_cover[r1, c0:c1] if r1 == n_rows else ()),
            *(lattice.v_cover[r0:r1, c0] if c0 == 0 else ()),
            *(lattice.v_cover[r0:r1, c1] if c1 == n_cols else ()),
        ]
        across = {
            *(labels[r0 - 1, c0:c1] if r0 > 0 else ()),
            *(labels[r1, c0:c1] if r1 < n_rows else ()),
            *(labels[r0:r1, c0 - 1] if c0 > 0 else ()),
            *(labels[r0:r1, c1] if c1 < n_cols else ()),
        }
        pairs = [frozenset((int(label), int(other))) for other in across]
        for pair in pairs:
            if pair not in apart:  # `_apart` is symmetric
                apart[pair] = _apart(lattice, labels, lengths, *pair)
        borders = np.array([*frame, *(apart[pair] for pair in pairs)])
        inside = np.concatenate(
            (
                lattice.v_cover[r0:r1, c0 + 1 : c1].ravel(),
                lattice.h_cover[r0 + 1 : r1, c0:c1].ravel(),
            )
        )
        confidence = min(_certainty(borders, True, threshold), _certainty(inside, False, threshold))
        regions.append(Region(int(r0), int(r1), int(c0), int(c1), confidence))
    return sorted(regions, key=lambda r: (r.r0, r.c0))


def _apart(
    lattice: Lattice,
    labels: np.ndarray,
    lengths: tuple[np.ndarray, np.ndarray],
    a: int,
    b: int,
) -> float:
    """The rule ink that keeps two neighbouring cells apart, as a share of a boundary.

    The line they share is judged whole: the lattice cuts it where other columns' rules
    cross it, and a worn stretch that happens to fill one such piece (the rule between a
    二级 cell and its 一级 cell lost over one of their rows) does not join cells whose rule
    the rest of the line shows. And cells are rectangles: two whose union is none could be
    one cell only with every boundary inside the rectangle around them gone, so a rule
    there keeps them apart however worn the line they share. The frame has no cell beyond
    it to vouch for it, and is judged piece by piece (`merge_cells`)."""
    v_length, h_length = lengths
    pair = (labels == a) | (labels == b)
    v_shared = np.zeros(lattice.v_cover.shape, bool)
    v_shared[:, 1:-1] = pair[:, :-1] & pair[:, 1:] & (labels[:, :-1] != labels[:, 1:])
    h_shared = np.zeros(lattice.h_cover.shape, bool)
    h_shared[1:-1, :] = pair[:-1, :] & pair[1:, :] & (labels[:-1, :] != labels[1:, :])
    covers = np.concatenate((lattice.v_cover[v_shared], lattice.h_cover[h_shared]))
    weights = np.concatenate((v_length[v_shared], h_length[h_shared]))
    line = float(np.average(covers, weights=np.maximum(weights, 1.0)))
    rows, cols = np.nonzero(pair)
    r0, r1, c0, c1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    v_inside = np.zeros(lattice.v_cover.shape, bool)
    v_inside[r0:r1, c0 + 1 : c1] = True
    h_inside = np.zeros(lattice.h_cover.shape, bool)
    h_inside[r0 + 1 : r1, c0:c1] = True
    others = np.concatenate(
        (lattice.v_cover[v_inside & ~v_shared], lattice.h_cover[h_inside & ~h_shared])
    )
    return max(line, float(others.max(initial=0.0)))


def _box(lattice: Lattice, region: Region, x: np.ndarray, y: np.ndarray) -> BBox:
    """The cell's box from its four rules, each read at the middle of the cell's side, so a
    slightly skewed table still gets tight boxes."""
    top, bottom = lattice.horizontal[region.r0], lattice.horizontal[region.r1]
    left, right = lattice.vertical[region.c0], lattice.vertical[region.c1]
    mid_x = (x[region.r0, region.c0] + x[region.r1, region.c1]) / 2
    mid_y = (y[region.r0, region.c0] + y[region.r1, region.c1]) / 2
    return (
        round(left.at(mid_y)),
        round(top.at(mid_x)),
        round(right.at(mid_y)),
        round(bottom.at(mid_x)),
    )


def grid_cells(
    lattice: Lattice, regions: list[Region]
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[GridCell, ...]]:
    """Row edges, column edges and cells, dropping lattice lines that bound no cell (a rule
    seen only where it was judged absent adds no row or column)."""
    n_rows, n_cols = lattice.shape
    row_used = sorted({0, n_rows} | {r.r0 for r in regions})
    col_used = sorted({0, n_cols} | {r.c0 for r in regions})
    row_index = {r: k for k, r in enumerate(row_used)}
    col_index = {c: k for k, c in enumerate(col_used)}
    x, y = crossings(lattice.horizontal, lattice.vertical)
    centre_x, centre_y = float(np.mean(x)), float(np.mean(y))
    row_edges = tuple(round(lattice.horizontal[r].at(centre_x)) for r in row_used)
    col_edges = tuple(round(lattice.vertical[c].at(centre_y)) for c in col_used)
    cells = tuple(
        GridCell(
            row=row_index[r.r0],
            col=col_index[r.c0],
            row_span=row_index[r.r1] - row_index[r.r0],
            col_span=col_index[r.c1] - col_index[r.c0],
            bbox=_box(lattice, r, x, y),
            confidence=round(r.confidence, 4),
        )
        for r in regions
    )
    return row_edges, col_edges, cells
