"""How a predicted value is compared with the truth: the normalisation every metric shares.

Text is compared after Unicode NFKC with all whitespace removed, because a line break or a
full-width space inside a cell is layout, not content. Amounts are compared as decimals so that
`49.410` and `49.41` are the same number.
"""

import unicodedata
from decimal import Decimal, InvalidOperation

from ingest.template import ValueKind
from models.contract import FieldValue


def normalize_text(value: FieldValue) -> str:
    """NFKC, no whitespace; an empty cell (None) is the empty string."""
    if value is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def _as_decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def values_equal(truth: FieldValue, predicted: FieldValue, kind: ValueKind | None) -> bool:
    """Exact match after normalisation; amounts as decimals, unparsable ones as text."""
    a, b = normalize_text(truth), normalize_text(predicted)
    if kind == "amount" and a and b:
        da, db = _as_decimal(a), _as_decimal(b)
        if da is not None and db is not None:
            return da == db
    return a == b


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, bit-parallel (Myers/Hyyrö) so long paragraphs stay cheap.

    Each column of the dynamic-programming matrix is held as two bit vectors of vertical
    +1/-1 deltas; one pass over the longer string updates them with a few integer operations.
    """
    if len(a) > len(b):
        a, b = b, a
    if not a:
        return len(b)
    match: dict[str, int] = {}
    for i, ch in enumerate(a):
        match[ch] = match.get(ch, 0) | (1 << i)
    mask = (1 << len(a)) - 1
    last = 1 << (len(a) - 1)
    plus, minus, score = mask, 0, len(a)
    for ch in b:
        eq = match.get(ch, 0)
        xv = eq | minus
        xh = (((eq & plus) + plus) ^ plus) | eq
        h_plus = minus | (~(xh | plus) & mask)
        h_minus = plus & xh
        if h_plus & last:
            score += 1
        elif h_minus & last:
            score -= 1
        h_plus = ((h_plus << 1) | 1) & mask
        h_minus = (h_minus << 1) & mask
        plus = h_minus | (~(xv | h_plus) & mask)
        minus = h_plus & xv
    return score


def text_similarity(a: FieldValue, b: FieldValue) -> float:
    """1 for equal normalised text (two empty cells included), 0 for nothing in common."""
    na, nb = normalize_text(a), normalize_text(b)
    longest = max(len(na), len(nb))
    return 1.0 if longest == 0 else 1.0 - edit_distance(na, nb) / longest


PARAGRAPH_TOLERANCE = 0.02  # a paragraph with more wrong characters than this is wrong


def paragraph_wrong(truth: FieldValue, predicted: FieldValue) -> bool:
    """Whether a paragraph has more of its characters wrong than a reader forgives at a glance:
    the measure of paragraph residual, and what a long-text threshold is fitted against."""
    printed = normalize_text(truth)
    return too_many_edits(edit_distance(printed, normalize_text(predicted)), printed)


def too_many_edits(edits: int, printed: str) -> bool:
    """`paragraph_wrong` for a paragraph whose edits are already counted (`printed`:
    normalised)."""
    return edits > PARAGRAPH_TOLERANCE * len(printed)
