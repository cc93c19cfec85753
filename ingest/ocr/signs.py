"""Tell ≥ from ≧ (and ≤ from ≦) by counting the bars under the angle.

The form prints both signs and the contract keeps them apart, but the PP-OCR recogniser reads
nearly every ≧ as ≥ with near certainty. The glyphs differ in one stroke: ≥ has one bar under
its angle (flat, or slanted as in most CJK fonts), ≧ has two flat bars. A vertical line through
the middle of the glyph therefore crosses three strokes of ≥ (two arms, one bar) and four of ≧.
Counting those crossings on the glyph, upsampled so that two bars blurred almost together stay
apart, settles the sign in most cases; where the count is unclear the sign keeps its reading
and is marked doubtful, so the value is flagged rather than trusted. Two kinds of noise make a
fourth crossing on a degraded ≥: a blot that joins the sign to its neighbour (the neighbour's
strokes are then counted too), and a speck beside a slanted bar. Neither count is trusted: a
glyph held together by one mark is counted on its own columns only, and a second bar is only
sure when the lowest stroke lies level, as both bars of ≧ do, and runs unbroken across most of
the glyph, as a bar does and a speck on a heavy print does not. On a small glyph (a photo, a
small print) the two bars of ≧ lie a pixel apart and blur into one, so one bar seen there is
only likely. Where the strokes cannot be counted for sure (bars run together, or a slanted
bar run into the lower arm), the ink under the upper arm is weighed instead: blur spreads ink
but keeps its sum, and the lower arm with one bar holds about two arms' worth, with two bars
about three. That makes one count likelier, not sure, except for one bar whose glyph's lowest
edge slants as the bar of a CJK ≥ does (both bars of ≧ lie level). The lines of one page share
font and degradation, so they are settled together: where every sure single bar on the page
slants, a sign leaning to two bars whose lowest edge lies level is a sure ≧ (a page may hold
both signs; a sure level single bar there, another font's ≥, leaves it in doubt). Where the
page's sure single bars are wide, a sign leaning to two bars by its strokes and by its ink alike
that is far narrower (a font drawing ≧ about 0.6 times as wide as its ≥) is a sure ≧ too. In
such a font the two signs differ in width as well as in bars: where every glyph leaning to one
bar is far wider than every glyph leaning to two, the two measures agree on every glyph (a ≧
taken for one bar would be as narrow as the others, a ≥ taken for two as wide), and each count
is sure, whether or not any was sure on its own. A page may hold no sure glyph to measure its
signs against (its only signs are ≧, or all are blurred), while another page of the same print
does: a counted sign its page does not vouch for is left pending, and settled once every page
is read, against the sign glyphs of the whole document. A glyph narrowed from its neighbour's
ink is never vouched for. The form prints no > or <: one read before a figure is a ≥ or ≤ whose
bar merged with its lower arm, so it is counted like a sign, and doubted where the count fails.
"""

from collections.abc import Iterable, Sequence
from typing import Literal, NamedTuple

import cv2
import numpy as np

from ingest.artifacts import OcrToken, PageTable, SignEvidence
from ingest.ocr.glyphs import as_gray, line_ink

SIGN_PAIRS = {"≥": "≧", "≧": "≥", "≤": "≦", "≦": "≤"}
_DOUBLE = frozenset("≧≦")
# A bare angle the form never prints, and the signs it may be when a bar shows under it.
_BARE_ANGLES = {">": ("≥", "≧"), "<": ("≤", "≦")}
_READ_AS_SIGN = SIGN_PAIRS.keys() | _BARE_ANGLES.keys()
# A sign whose bars cannot be counted is as likely one as the other.
DOUBTFUL_SIGN_CONFIDENCE = 0.5
# Glyph pixels are upsampled this much before counting, so bars one pixel apart separate.
_UPSAMPLE = 4
# Marks smaller than this share of the text height are specks, not strokes.
_SPECK_SHARE = 0.25
# A glyph wider than this many text heights is touching its neighbour.
_WIDEST_GLYPH = 1.3
# Of the columns through the glyph's middle that cross both arms and a bar (three strokes or
# more; near the tip the arms meet): this share crossing four or more means two bars; at most
# the second share crossing four, with the third share of all columns crossing exactly three,
# means one bar.
_DOUBLE_SHARE = 0.3
_WEAK_DOUBLE_SHARE = 0.1  # two bars likelier than one, but not sure
_SINGLE_NOISE_SHARE = 0.05
_SINGLE_SHARE = 0.5
# One bar is about as thick as the arm above it (at most 1.11 times in every corpus font and
# DejaVu, 22 to 40 px, clean or scanned: sure up to _THICKEST_SINGLE_BAR); two bars blurred
# into one are far thicker (at least _THINNEST_BLURRED_PAIR times: likely, not sure); between
# the two, neither count is likelier.
_THICKEST_SINGLE_BAR = 1.3
_THINNEST_BLURRED_PAIR = 1.9
# Fonts that stack two bars under the angle draw ≧ narrow (about half as wide as tall), while
# ≥ spans about its height: a glyph this narrow that shows one bar may be two bars blurred
# into one, so the count is kept but not trusted.
_NARROWEST_SINGLE = 0.62
# Width over height, ≧ against ≥ of one font, printed heavy, scanned or photographed at 22 to 29
# px: WenQuanYi Zen Hei 0.53–0.64 against 0.91–1.08 (photos of seed 101: 0.55 against 1.0),
# WenQuanYi Micro Hei 0.53–0.60 against 0.72–0.82, Noto, DejaVu and AR PL UMing 0.75 or more
# against at most 1.0 (UMing's ≧ the wider). The ≥ of one font on one page differ by an eighth at
# most. A glyph narrower than this share of its page's narrowest sure ≥ is not one; glyphs leaning
# to two bars all narrower than this share of every glyph leaning to one are a font's ≧ beside
# its ≥ (on heavy prints and photos of seeds 101, 41001 and 41002 such documents measured 0.60 to
# 0.67, the others 0.8 or more).
_NARROWER_THAN_SINGLE = 0.7
# The bars of ≧ are level; a ≥ bar that slants runs beside its lower arm, which falls about half
# the glyph's height over its width (a slope near 0.5). A lowest stroke sloping more than this
# (rows per column) is a slanted single bar. So is a glyph's lowest edge sloping more than
# this: on heavy prints and photos (seeds 33001 and 33002, all three engines, 16 to 24 rows
# high), that of a CJK ≥ or ≤ sloped 0.34 to 0.54, that of ≧ and ≦ 0.1 at most.
_STEEPEST_LEVEL_BAR = 0.25
# A lowest edge no steeper than this lies level: that of ≧ and ≦ sloped 0.1 at most on the same
# pages.
_LEVEL_EDGE = 0.15
# Bars span the glyph: the rows of each of the two lowest strokes hold ink in at least this share
# of the glyph's columns (0.89 or more for ≧ and ≦ in every corpus font and DejaVu, 22 to 40 px,
# clean or scanned); a speck of one to three pixels beside a bar holds it in a quarter or less.
_BAR_SPAN_SHARE = 0.6
# The ink of one bar, summed down a column, is about that of the arm above it (0.63 to 1.17 times
# in every corpus font and DejaVu, 20 to 29 px, blurred as a photo blurs); on a small ≧ whose
# bars blur into one the lowest stroke holds about twice the arm's ink, or, where the upper bar
# has run into the lower arm, about a third of it. Outside this range one bar is only likely.
_SINGLE_BAR_INK = (0.55, 1.3)

# The ink under the upper arm, in upper arms, measured near the open side of the angle: about
# two for one bar, three for two. Measured on photos and heavy prints (seeds 33001 and 33002, all
# three engines) and on every corpus font and DejaVu rendered at 18 to 29 px and degraded as the
# tests do: ≥ and ≤ 1.55 to 2.8 (2.9 for one font's ≤ on a 22 px photo), ≧ and ≦ 2.35 to 4.6,
# or under 1.7 where the upper bar ran into the lower arm. Between the two bounds neither count
# is likelier; the weighing never makes a two-bar count sure on its own.
_UNDER_ARM_INK = (2.3, 2.5)
# Below this the first stroke was not told from the ones under it (an arm joined to a bar by
# blur measures as one stroke): the sum says nothing.
_UNMEASURED_UNDER_ARM_INK = 1.4
# A glyph fewer rows high has a row or two per stroke and gap, too few to tell the upper arm
# from the ink under it: a 12-row ≥ on a photo measured 2.8, and photographed ≥ and ≤ of 8 to
# 12 rows leaned to two bars in five of the six fonts; at 14 to 16 rows (heavy prints at 150
# ppi) two leaned right, one wrong (flagged).
_LOWEST_WEIGHED_GLYPH = 14
# A gap between strokes is at most this share of the darkness of the stroke above it.
_STROKE_GAP_DEPTH = 0.7
# Paper is noisy: darkness under this share of the crop's contrast counts as paper.
_PAPER_NOISE = 0.1

Bars = Literal[1, 2]


class BarCount(NamedTuple):
    bars: Bars
    sure: bool  # False: the likelier count, to be read as printed but shown to a reviewer


class SignGlyph(NamedTuple):
    counted: BarCount | None
    # How steeply (rows per column) the glyph's lowest edge rises towards the tip of the angle;
    # None where that edge is no straight line.
    lowest_rise: float | None
    # The glyph's width over its height (None: no glyph found), and whether it was narrowed
    # from a run of ink holding its neighbour too.
    aspect: float | None = None
    joined: bool = False
    # The count the strokes alone gave, and the one the ink under the upper arm leans to
    # (where it was weighed and leans).
    strokes: BarCount | None = None
    weighed: Bars | None = None


def settle_signs(
    lines: Sequence[tuple[OcrToken, np.ndarray, Sequence[float]]],
) -> list[OcrToken]:
    """Each token with every ≥/≧/≤/≦ decided from its glyph at `char_x` (the column in `crop`
    each character was read at); a sign that cannot be decided for sure gets a doubtful
    confidence (and the likelier reading, where there is one). The lines are taken as printed
    together (one page: one font, one degradation): an unsure count is sure where the page's
    other sign glyphs vouch for it (`_Peers`). One they do not vouch for is left pending, its
    confidence untouched, for the glyphs of the whole document to settle
    (`settle_document_signs`); each token keeps the evidence of its signs for that."""
    glyphs: dict[tuple[int, int], SignEvidence] = {}
    for n, (token, crop, char_x) in enumerate(lines):
        if not _READ_AS_SIGN & set(token.text) or not _positioned(token, char_x):
            continue
        gray = as_gray(crop)
        for i, char in enumerate(token.text):
            if char in _READ_AS_SIGN:
                glyphs[n, i] = _evidence(read_glyph(gray, char_x[i]))
    page = _Peers.among(glyphs.values())
    settled = []
    for n, (token, _, char_x) in enumerate(lines):
        if not _READ_AS_SIGN & set(token.text):
            settled.append(token)
            continue
        if not _positioned(token, char_x):
            settled.append(doubt_signs(token))
            continue
        text, confs, evidence = list(token.text), list(token.char_confidences), []
        for i, char in enumerate(text):
            if char not in _READ_AS_SIGN:
                continue
            glyph = page.settle(glyphs[n, i])
            if not glyph.sure and not glyph.pending:
                confs[i] = min(confs[i], DOUBTFUL_SIGN_CONFIDENCE)
            evidence.append(glyph)
            if glyph.bars is None:
                continue
            if char in _BARE_ANGLES:
                text[i] = _BARE_ANGLES[char][glyph.bars - 1]
            elif (glyph.bars == 2) != (char in _DOUBLE):
                text[i] = SIGN_PAIRS[char]
        settled.append(
            token.model_copy(
                update={
                    "text": "".join(text),
                    "char_confidences": tuple(confs),
                    "signs": tuple(evidence),
                }
            )
        )
    return settled


def settle_document_signs(tables: Sequence[PageTable]) -> list[PageTable]:
    """The pages' tables with every sign left pending on its page (`settle_signs`) settled
    against the sign glyphs of the whole document, a print in one font (`_Peers`): sure where
    they vouch for it, doubtful where not. A token whose signs no longer match its evidence (a sign
    trimmed since) is doubted whole."""
    tokens = [t for table in tables for t in (*table.outside, *_cell_tokens(table))]
    if not any(e.pending for t in tokens for e in t.signs):
        return list(tables)
    document = _Peers.among(e for t in tokens for e in t.signs)

    def settle(token: OcrToken) -> OcrToken:
        if not any(e.pending for e in token.signs):
            return token
        at = [i for i, char in enumerate(token.text) if char in _READ_AS_SIGN]
        if len(at) != len(token.signs) or len(token.char_confidences) != len(token.text):
            # A sign trimmed since, and its doubt with it: the whole line is in doubt.
            confs = tuple(min(c, DOUBTFUL_SIGN_CONFIDENCE) for c in token.char_confidences)
            confidence = min(token.confidence, DOUBTFUL_SIGN_CONFIDENCE)
            return token.model_copy(
                update={"confidence": confidence, "char_confidences": confs, "signs": ()}
            )
        evidence = [document.settle(e) if e.pending else e for e in token.signs]
        doubted = {
            i
            for i, was, now in zip(at, token.signs, evidence, strict=True)
            if was.pending and not now.sure
        }
        confs = [
            min(c, DOUBTFUL_SIGN_CONFIDENCE) if i in doubted else c
            for i, c in enumerate(token.char_confidences)
        ]
        done = [e.model_copy(update={"pending": False}) for e in evidence]
        return token.model_copy(update={"char_confidences": tuple(confs), "signs": tuple(done)})

    return [
        table.model_copy(
            update={
                "outside": tuple(settle(t) for t in table.outside),
                "cells": tuple(
                    c.model_copy(update={"tokens": tuple(settle(t) for t in c.tokens)})
                    for c in table.cells
                ),
            }
        )
        for table in tables
    ]


def _cell_tokens(table: PageTable) -> list[OcrToken]:
    return [t for cell in table.cells for t in cell.tokens]


class _Peers(NamedTuple):
    """What the sign glyphs printed together (a page, a document: one font, one print) tell of a
    sign its glyph alone does not settle. Where every sure single bar among them slants, the
    font draws ≥ with a slanted bar, so a sign leaning to two bars whose lowest edge lies level
    is a ≧. A glyph far narrower than the narrowest sure single bar, leaning to two bars by its
    strokes and ink alike, is no ≥ of that font (one drawing ≧ about 0.6 times as wide as its
    ≥). And where every glyph leaning to one bar is far wider than every glyph leaning to two,
    width and bars tell the same two signs apart: a ≧ taken for one bar would be as narrow as
    the others, a ≥ taken for two as wide, so each count is sure."""

    slanted: bool
    narrowest_single: float  # a glyph narrower than this is no ≥ of the font
    split: bool  # every glyph leaning to two bars far narrower than every one leaning to one

    @classmethod
    def among(cls, glyphs: Iterable[SignEvidence]) -> "_Peers":
        glyphs = list(glyphs)
        single = [g for g in glyphs if g.bars == 1 and g.sure]
        aspects = [g.aspect for g in single if g.aspect is not None]
        one = [g.aspect for g in glyphs if g.bars == 1 and g.aspect is not None]
        two = [g.aspect for g in glyphs if g.bars == 2 and g.aspect is not None]
        return cls(
            slanted=bool(single) and all(_slants(g.lowest_rise) for g in single),
            narrowest_single=_NARROWER_THAN_SINGLE * min(aspects, default=0.0),
            split=bool(one and two) and max(two) < _NARROWER_THAN_SINGLE * min(one),
        )

    def settle(self, glyph: SignEvidence) -> SignEvidence:
        """`glyph` made sure where these vouch for it; a counted one they do not vouch for is
        left pending, for the sign glyphs of the whole document to settle. A glyph narrowed from
        its neighbour's ink (its width and lowest edge partly the neighbour's) never is."""
        if glyph.sure or glyph.bars is None or glyph.joined:
            return glyph.model_copy(update={"pending": False})
        narrow = glyph.two_bars_twice and glyph.aspect is not None
        vouched = (
            self.split
            or (glyph.bars == 2 and self.slanted and _lies_level(glyph.lowest_rise))
            or (narrow and glyph.aspect < self.narrowest_single)
        )
        return glyph.model_copy(update={"sure": vouched, "pending": not vouched})


def _evidence(glyph: SignGlyph) -> SignEvidence:
    counted = glyph.counted
    return SignEvidence(
        bars=counted.bars if counted else None,
        sure=bool(counted and counted.sure),
        aspect=glyph.aspect,
        lowest_rise=glyph.lowest_rise,
        joined=glyph.joined,
        two_bars_twice=glyph.strokes == counted == BarCount(2, False) and glyph.weighed == 2,
    )


def _positioned(token: OcrToken, char_x: Sequence[float]) -> bool:
    return len(char_x) == len(token.text) == len(token.char_confidences)


def _slants(rise: float | None) -> bool:
    return rise is not None and rise > _STEEPEST_LEVEL_BAR


def _lies_level(rise: float | None) -> bool:
    return rise is not None and abs(rise) <= _LEVEL_EDGE


def doubt_signs(token: OcrToken) -> OcrToken:
    """For readings without character positions: a line holding a sign is only half sure."""
    if not _READ_AS_SIGN & set(token.text):
        return token
    confs = tuple(
        min(c, DOUBTFUL_SIGN_CONFIDENCE) if ch in _READ_AS_SIGN else c
        for ch, c in zip(token.text, token.char_confidences, strict=False)
    )
    return token.model_copy(
        update={
            "confidence": min(token.confidence, DOUBTFUL_SIGN_CONFIDENCE),
            "char_confidences": confs if len(confs) == len(token.text) else (),
        }
    )


def read_glyph(gray: np.ndarray, x: float) -> SignGlyph:
    """The bars counted under the angle of the sign read around column `x`, and the slope of
    its lowest edge. Where the strokes cannot be counted for sure, the ink under the upper arm
    decides which count is likelier."""
    glyph = _glyph(gray, x)
    if glyph is None:
        return SignGlyph(None, None)
    pixels, threshold, joined = glyph
    ink = pixels < threshold
    opens_right = _opens_right(ink)
    rise = _lowest_edge_rise(ink, opens_right)
    counted = _count_strokes(pixels, threshold, joined)
    shape = {"aspect": pixels.shape[1] / pixels.shape[0], "joined": joined, "strokes": counted}
    if (counted is not None and counted.sure) or pixels.shape[0] < _LOWEST_WEIGHED_GLYPH:
        return SignGlyph(counted, rise, **shape)
    share = _ink_under_upper_arm(pixels, ink, opens_right)
    low, high = _UNDER_ARM_INK
    if share is None or share < _UNMEASURED_UNDER_ARM_INK or low < share < high:
        return SignGlyph(counted, rise, **shape)
    if share <= low:
        return SignGlyph(BarCount(1, sure=_slants(rise) and not joined), rise, **shape, weighed=1)
    return SignGlyph(BarCount(2, sure=False), rise, **shape, weighed=2)


def _count_strokes(pixels: np.ndarray, threshold: float, joined: bool) -> BarCount | None:
    """The bars counted from the strokes a column crosses (see the module docstring)."""
    big = cv2.resize(pixels, None, fx=_UPSAMPLE, fy=_UPSAMPLE, interpolation=cv2.INTER_CUBIC)
    ink = big < threshold
    width = ink.shape[1]
    middle_columns = slice(int(width * 0.2), max(int(width * 0.8), int(width * 0.2) + 1))
    middle = ink[:, middle_columns]
    if middle.shape[1] < 3:
        return None
    # Strokes crossed per column: the number of paper-to-ink steps going down it.
    edges = np.diff(middle.astype(np.int8), axis=0, prepend=0) == 1
    crossings = edges.sum(axis=0)
    full = crossings[crossings >= 3]
    if full.size == 0:
        return None
    four, three = float(np.mean(full >= 4)), float(np.mean(crossings == 3))
    if four >= _WEAK_DOUBLE_SHARE:
        if _lowest_slope(edges, crossings >= 4) > _STEEPEST_LEVEL_BAR:
            return BarCount(1, sure=False)
        spans = _bar_cover(ink, edges, crossings >= 4, middle_columns.start) >= _BAR_SPAN_SHARE
        return BarCount(2, sure=four >= _DOUBLE_SHARE and spans and not joined)
    if four <= _SINGLE_NOISE_SHARE and three >= _SINGLE_SHARE:
        thick = float(
            np.median([_bar_to_arm(middle[:, c]) for c in np.flatnonzero(crossings == 3)])
        )
        if thick <= _THICKEST_SINGLE_BAR:
            wide = pixels.shape[1] >= _NARROWEST_SINGLE * pixels.shape[0]
            lo, hi = _SINGLE_BAR_INK
            ink_share = _bar_ink_to_arm(big[:, middle_columns], middle, crossings == 3)
            return BarCount(1, sure=wide and lo <= ink_share <= hi and not joined)
        if thick >= _THINNEST_BLURRED_PAIR:
            return BarCount(2, sure=False)
    return None


def _ink_under_upper_arm(pixels: np.ndarray, ink: np.ndarray, opens_right: bool) -> float | None:
    """The ink under the upper arm, in upper arms: the lower arm and one bar hold about two,
    the lower arm and two bars about three. Blur spreads ink but keeps its sum, so this holds
    where the bars have run together; the arm is measured near the open side of the angle,
    where the arms lie far apart. None where no column shows the arm apart from the rest."""
    paper, darkest = np.percentile(pixels, 95), np.percentile(pixels, 5)
    darkness = np.clip(paper - pixels - _PAPER_NOISE * (paper - darkest), 0, None)
    width = ink.shape[1]
    columns = np.arange(int(width * 0.1), max(int(width * 0.45), int(width * 0.1) + 1))
    if opens_right:
        columns = width - 1 - columns
    shares = [
        share for c in columns if (share := _ink_under_first_stroke(darkness[:, c])) is not None
    ]
    return float(np.median(shares)) if shares else None


def _lowest_edge_rise(ink: np.ndarray, opens_right: bool) -> float | None:
    """How steeply (rows per column) the glyph's lowest ink rises towards the tip of the angle,
    where it runs in a straight line: a bar drawn beside the lower arm (most CJK fonts' ≥)
    rises about as the arm does, the two bars of ≧ lie level. None where the edge is not
    straight (a speck under it, too few columns)."""
    width = ink.shape[1]
    columns = [c for c in range(int(width * 0.1), int(np.ceil(width * 0.9))) if ink[:, c].any()]
    if len(columns) < 3:
        return None
    lowest = np.array([np.flatnonzero(ink[:, c])[-1] for c in columns], dtype=float)
    slope, offset = np.polyfit(columns, lowest, 1)
    if np.median(np.abs(lowest - (slope * np.array(columns) + offset))) > 1.0:
        return None
    return float(slope if opens_right else -slope)


def _opens_right(ink: np.ndarray) -> bool:
    """Whether the angle opens to the right (≤, ≦): its upper arm starts higher on that side."""
    third = max(ink.shape[1] // 3, 1)

    def first_row(columns: np.ndarray) -> float:
        inked = columns.any(axis=0)
        return float(np.argmax(columns[:, inked], axis=0).mean()) if inked.any() else np.inf

    return first_row(ink[:, -third:]) < first_row(ink[:, :third])


def _ink_under_first_stroke(column: np.ndarray) -> float | None:
    """The darkness in `column` below its first stroke over that in it, the stroke ending at
    the faintest row under its darkest; None where no row under the stroke is that much fainter
    than it (`_STROKE_GAP_DEPTH`: the stroke has run into the next)."""
    if column.max() <= 0:
        return None
    row = int(np.argmax(column > column.max() / 2))
    while row < column.size - 1 and column[row + 1] >= column[row]:
        row += 1  # down to the stroke's darkest row
    darkest = column[row]
    while row < column.size - 1 and column[row + 1] <= column[row]:
        row += 1  # down to the gap under it
    if row >= column.size - 1 or column[row] > _STROKE_GAP_DEPTH * darkest:
        return None
    stroke = column[:row].sum() + column[row] / 2
    return float((column.sum() - stroke) / max(stroke, 1e-6))


def _bar_cover(ink: np.ndarray, edges: np.ndarray, columns: np.ndarray, offset: int) -> float:
    """Of the two lowest strokes crossed in the middle's `columns` (`offset` columns into the
    glyph), the smaller share of the glyph's columns with ink in that stroke's rows: both bars
    of ≧ span the glyph, a speck only its own width."""
    picked = np.flatnonzero(columns) + offset
    covers = []
    for stroke in (-1, -2):
        tops = [int(np.flatnonzero(edges[:, c - offset])[stroke]) for c in picked]
        # The stroke's last row: the row above the first paper under its top.
        ends = [
            t + int(np.argmin(np.append(ink[t:, c], False)))
            for t, c in zip(tops, picked, strict=True)
        ]
        band = ink[int(np.median(tops)) : int(np.median(ends))]
        covers.append(float(band.any(axis=0).mean()))
    return min(covers)


def _lowest_slope(edges: np.ndarray, columns: np.ndarray) -> float:
    """How steeply (rows per column) the top of the lowest stroke moves across `columns`; 0
    when it moves by no more than one source pixel, as a level bar's edge may over a few
    columns."""
    picked = np.flatnonzero(columns)
    tops = np.array([np.flatnonzero(edges[:, c])[-1] for c in picked])
    if picked.size < 2 or np.ptp(tops) <= _UPSAMPLE:
        return 0.0
    return abs(float(np.polyfit(picked, tops, 1)[0]))


def _bar_ink_to_arm(pixels: np.ndarray, ink: np.ndarray, columns: np.ndarray) -> float:
    """The median over `columns` (each crossing three strokes) of the ink in the lowest stroke
    over the ink in the one above it, each stroke's rows reaching halfway into the gaps so that
    blurred ink beside it counts too."""
    darkness = np.clip(np.percentile(pixels, 95) - pixels, 0, None)
    shares = []
    for c in np.flatnonzero(columns):
        steps = np.diff(ink[:, c].astype(np.int8), prepend=0, append=0)
        starts, ends = np.flatnonzero(steps == 1), np.flatnonzero(steps == -1)
        upper, lower = (ends[0] + starts[1]) // 2, (ends[1] + starts[2]) // 2
        shares.append(darkness[lower:, c].sum() / max(darkness[upper:lower, c].sum(), 1.0))
    return float(np.median(shares))


def _bar_to_arm(column: np.ndarray) -> float:
    """How much thicker the lowest stroke a column crosses is than the one above it."""
    steps = np.diff(column.astype(np.int8), prepend=0, append=0)
    starts, ends = np.flatnonzero(steps == 1), np.flatnonzero(steps == -1)
    lengths = ends - starts
    return float(lengths[-1] / max(lengths[-2], 1))


def _glyph(gray: np.ndarray, x: float) -> tuple[np.ndarray, float, bool] | None:
    """The glyph's pixels nearest column `x` (specks left out of its extent), the ink threshold
    of its line, and whether its columns held more than one glyph (then it is narrowed to the
    one nearest `x`)."""
    ink = line_ink(gray)
    if ink is None:
        return None
    strokes = ink.sizes >= _SPECK_SHARE * ink.text_height
    strokes[0] = False  # the paper
    extent = _run_near(strokes[ink.labels].any(axis=0), x)
    if extent is None:
        return None
    marks = np.unique(ink.labels[:, extent[0] : extent[1] + 1])
    groups = _side_by_side(ink.boxes, marks[strokes[marks]])
    nearest = min(groups, key=lambda g: _distance(ink.boxes[g], x))
    start = int(ink.boxes[nearest, 0].min())
    end = int((ink.boxes[nearest, 0] + ink.boxes[nearest, 2]).max()) - 1
    if end - start + 1 > _WIDEST_GLYPH * ink.text_height:
        return None
    mask = np.isin(ink.labels, nearest)
    glyph_rows = np.flatnonzero(mask[:, start : end + 1].any(axis=1))
    pixels = gray[glyph_rows[0] : glyph_rows[-1] + 1, start : end + 1].astype(np.float32)
    return pixels, ink.threshold, len(groups) > 1


def _side_by_side(boxes: np.ndarray, marks: np.ndarray) -> list[np.ndarray]:
    """`marks` grouped into glyphs: the strokes of one glyph share most of their columns (the
    bars and arms of a sign span it), while a neighbour merely touching its columns, or joined
    to it by a blot, shares few."""
    group = list(range(len(marks)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    left, width = boxes[marks, 0], boxes[marks, 2]
    for a in range(len(marks)):
        for b in range(a):
            shared = min(left[a] + width[a], left[b] + width[b]) - max(left[a], left[b])
            if 2 * shared >= min(width[a], width[b]):
                group[root(a)] = root(b)
    roots = np.array([root(i) for i in range(len(marks))])
    return [marks[roots == r] for r in np.unique(roots)]


def _distance(boxes: np.ndarray, x: float) -> float:
    """How far column `x` lies outside the columns of `boxes` (0 inside)."""
    return max(float(boxes[:, 0].min()) - x, x - float((boxes[:, 0] + boxes[:, 2]).max()), 0.0)


def _run_near(columns: np.ndarray, x: float) -> tuple[int, int] | None:
    """The first and last column of the unbroken run of inked `columns` nearest `x`."""
    inked = np.flatnonzero(columns)
    if inked.size == 0:
        return None
    start = end = int(inked[np.argmin(np.abs(inked - x))])
    while start > 0 and columns[start - 1]:
        start -= 1
    while end < columns.size - 1 and columns[end + 1]:
        end += 1
    return start, end
