"""Fuzzy matching of printed labels against the template's wordings.

A printed label differs from the template's by character width, spacing, line breaks, a
parenthetical note added or dropped (`其他需完成的任务(可选填)`) and the odd misread character,
so labels are compared after `normalize_label` and scored by similarity, never tested for
equality. Scores are in [0, 1] and travel on as the field's `label_score`.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from ingest.template import normalize_label

# Below this a cell is not taken for a label: it separates one-character misreads of the
# template's labels (>= 0.8) from neighbouring labels that share words (事业发展性支出 vs
# 其他事业发展性支出 scores 0.875, so header wordings are always offered as candidates too).
LABEL_THRESHOLD = 0.75

# Decorations that do not change a label: a trailing colon, a required-field star.
_DECORATION = re.compile(r"[:*]")
_NOTE = re.compile(r"\([^()]*\)")
# Look-alikes that OCR engines swap in label words (一级 read as -级, 二级 as =级, 入 for 人);
# folded on both sides, so they cannot create a difference, only hide one.
_LOOKALIKES = str.maketrans({"-": "一", "_": "一", "—": "一", "=": "二", "入": "人"})


@dataclass(frozen=True)
class LabelMatch:
    key: str  # the candidate's key (a section, field or column key)
    label: str  # the template wording it matched best
    score: float


def fold_label(text: str) -> str:
    """The form two labels are compared in; empty when the text holds no label characters."""
    return _DECORATION.sub("", normalize_label(text)).translate(_LOOKALIKES)


@lru_cache(maxsize=8192)
def _forms(text: str) -> tuple[str, ...]:
    """The folded text, and the same without its parenthetical notes."""
    folded = fold_label(text)
    return tuple(dict.fromkeys(f for f in (folded, _NOTE.sub("", folded)) if f))


def _similarity(text: str, label: str, floor: float) -> float:
    """The similarity where it exceeds `floor`; otherwise `floor`, without scoring pairs whose
    length alone keeps them below it (a paragraph against a four-character label)."""
    best = floor
    for a in _forms(text):
        for b in _forms(label):
            matcher = SequenceMatcher(None, a, b, autojunk=False)
            if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
                best = max(best, matcher.ratio())
    return best


def label_similarity(text: str, label: str) -> float:
    """How much `text` reads like `label`, with or without a parenthetical note on either."""
    return _similarity(text, label, 0.0)


def best_label(
    text: str, candidates: Mapping[str, Sequence[str]], threshold: float = 0.0
) -> LabelMatch | None:
    """The candidate `text` reads most like, if it scores at least `threshold`; None for an
    empty text. A candidate that cannot beat the best so far is not scored."""
    if not fold_label(text):
        return None
    best: LabelMatch | None = None
    floor = threshold - 1e-9  # `threshold` itself is good enough
    for key, labels in candidates.items():
        for label in labels:
            score = _similarity(text, label, floor if best is None else best.score)
            if score > floor and (best is None or score > best.score):
                best = LabelMatch(key, label, score)
    return best


def match_label(
    text: str, candidates: Mapping[str, Sequence[str]], threshold: float = LABEL_THRESHOLD
) -> LabelMatch | None:
    """The best candidate if it is good enough to take `text` for that label."""
    return best_label(text, candidates, threshold)


def match_row(
    texts: Sequence[str], candidates: Mapping[str, Sequence[str]]
) -> dict[int, LabelMatch] | None:
    """Read a row as a header row: position -> matched label, or None if it is not one.

    A header row has at least two cells that are labels of `candidates`, and labels make up at
    least half of its non-empty cells (a data row may contain one label-like word by chance).
    """
    matches = {}
    for i, text in enumerate(texts):
        found = match_label(text, candidates)
        if found is not None:
            matches[i] = found
    filled = sum(1 for text in texts if fold_label(text))
    if len(matches) >= 2 and 2 * len(matches) >= filled:
        return matches
    return None


def split_wordings(text: str, wordings: Iterable[str]) -> list[str] | None:
    """`一级指标二级指标` -> [一级指标, 二级指标]: the text as wordings one after the other,
    compared folded, longest first; None unless they take the whole text. Characters at
    either end that no wording holds (a speck or a rule's end read as `1`) are left out, and
    so is one character between two wordings (`三级指标一指标值`: a mark on the rule between
    two header cells read with them)."""
    folded = sorted({fold_label(w) for w in wordings} - {""}, key=len, reverse=True)
    known = set("".join(folded))
    rest, parts = fold_label(text), []
    while rest and rest[0] not in known:
        rest = rest[1:]
    while rest and rest[-1] not in known:
        rest = rest[:-1]
    while rest:
        head = next((w for w in folded if rest.startswith(w)), None)
        if head is None and parts:
            rest = rest[1:]  # one mark between two wordings
            head = next((w for w in folded if rest.startswith(w)), None)
        if head is None:
            return None
        parts.append(head)
        rest = rest[len(head) :]
    return parts


def wordings_inside(text: str, terms: Mapping[str, Sequence[str]]) -> list[str]:
    """The wordings of `terms` (key -> its wordings) printed whole inside `text`, none of them
    part of another (`社会效益指标` holds `效益指标`), in the order of `terms`."""
    folded = normalize_label(text)
    inside = [w for wordings in terms.values() for w in wordings if normalize_label(w) in folded]
    return [w for w in dict.fromkeys(inside) if not any(w != o and w in o for o in inside)]


def nearest_wording(text: str, terms: Mapping[str, Sequence[str]]) -> str | None:
    """The wording of `terms` (key -> its wordings) that `text` is a misreading of: the one
    wording printed whole inside it (a neighbouring cell's text read with it) unless another
    reads closer (`务对象满意度指标` holds 满意度指标 but is 服务对象满意度指标 lacking its first
    character), else one close enough (a stray mark, a wrong character); the wording as the
    template prints it."""
    longest = wordings_inside(text, terms)
    found = match_label(text, terms)
    if len(longest) == 1 and (found is None or label_similarity(text, longest[0]) >= found.score):
        return longest[0]
    return found.label if found is not None else None
