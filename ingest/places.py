"""Whether the place names in a department's or unit's name are real ones: a name one character
away from a known administrative division (`韶关市淡江区财政局` for 浈江区) is a misreading the
recogniser can be sure of, and real names are facts that can be checked.

The divisions are China's province, prefecture and county levels with their codes
(`ingest/data/divisions.tsv`, from the location table of the Apache-licensed `jionlp` 1.5.31
package, which names the districts made up to 2025).
A division name ends in one of a few characters (区 县 市 旗 州 盟 省, and 岛 of 西沙群岛: the
names' last characters). At
each such character of a value, the stretches of text ending there are compared with the known
names of their length: one of them known, the character ends a real name; none known and a
stretch of three or more characters, no word of jieba's list or the template's, one character
from a known name (not in its last), the stretch is a misread name.

Names missing from the list (a new district, 高新区, 两江新区, a county made a district) are
no misreading unless they are one character from a known name. A stretch is judged only where a
name may start (the value's start, after a year or a division named before it), never from the
middle of a word (`江新区` of 两江新区), and one that overlaps a name read whole (`区城市` in
…南山区城市管理局, 广州市市场…) is no name of its own: its suffix character starts or ends an
ordinary word. A division named after the list was made is doubted, one character from an
older name: the list is replaced as the divisions change.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ingest.plausibility import vocabulary
from ingest.template import Template

_DATA = "data/divisions.tsv"
_SHORTEST = 2  # 赵县, 城区
_YEAR = re.compile(r"\d年$")


@dataclass(frozen=True)
class Divisions:
    """The known division names, their codes, and per name with one character masked (`?江区`)
    the names it stands for, to find names one character from a stretch of text."""

    codes: dict[str, tuple[str, ...]]
    short_forms: frozenset[str]  # names of three or more characters without their suffix
    suffixes: frozenset[str]
    longest: int
    one_off: dict[str, tuple[str, ...]]


@cache
def divisions() -> Divisions:
    """The division list, read once."""
    text = resources.files("ingest").joinpath(_DATA).read_text(encoding="utf-8")
    codes: dict[str, list[str]] = defaultdict(list)
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t")
            codes[name].append(code)
    one_off: dict[str, list[str]] = defaultdict(list)
    for name in codes:
        for i in range(len(name) - 1):  # the suffix is never the character misread
            one_off[_masked(name, i)].append(name)
    return Divisions(
        codes={name: tuple(found) for name, found in codes.items()},
        short_forms=frozenset(name[:-1] for name in codes if len(name) > _SHORTEST),
        suffixes=frozenset(name[-1] for name in codes),
        longest=max(map(len, codes)),
        one_off={key: tuple(names) for key, names in one_off.items()},
    )


def _masked(name: str, i: int) -> str:
    return f"{name[:i]}?{name[i + 1 :]}"


@dataclass(frozen=True)
class MisreadPlace:
    """A stretch of a value that is no known division but one character from some: the
    stretch, the known names it may be (those under a division named before it first) and the
    value with that name when only one fits."""

    found: str
    candidates: tuple[str, ...]
    corrected: str | None


def misread_place(text: str | None, template: Template) -> MisreadPlace | None:
    """The first stretch of `text` ending in a division's suffix that is one character from a
    known division name and is neither one itself nor a word, or None."""
    if not text:
        return None
    known = divisions()
    counts, _ = vocabulary(template)
    spans = _known_spans(text, known)
    for end in range(1, len(text) + 1):
        if text[end - 1] not in known.suffixes:
            continue
        starts = range(end - _SHORTEST, max(-1, end - known.longest - 1), -1)
        windows = [(start, text[start:end]) for start in starts if _is_han(text[start:end])]
        if any(_known_or_renamed(window, known) for _, window in windows):
            continue
        for start, window in windows:
            if len(window) < 3 or window in counts or not _named_from(start, end, text, spans):
                continue
            names = _one_off(window, known)
            if names:
                return _misread(text, start, end, names, spans, known)
    return None


def _known_or_renamed(window: str, known: Divisions) -> bool:
    """Whether `window` is a known name, or one with another suffix: a county made a district
    or a city keeps its name before the suffix (屯留县 now 屯留区, 临安市 now 临安区)."""
    return window in known.codes or window[:-1] in known.short_forms


def _is_han(text: str) -> bool:
    return all("\u4e00" <= char <= "\u9fff" for char in text)


def _known_spans(text: str, known: Divisions) -> list[tuple[int, int]]:
    """Where known division names stand in `text`, as (start, end)."""
    return [
        (start, start + length)
        for length in range(_SHORTEST, known.longest + 1)
        for start in range(len(text) - length + 1)
        if text[start : start + length] in known.codes
    ]


def _named_from(start: int, end: int, text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether a name may stand at `start:end`: it starts the text or its ideographs, follows a
    year (2026年湛江市…), or right after a division named whole or without its suffix
    (韶关市淡江区, 韶关淡江区), and it overlaps no name read whole (`区城市` of
    …南山区城市管理局). A name is not judged from the middle of a word (`江新区` of 两江新区,
    `安新区` of 河北雄安新区)."""
    if any(a < end and start < b for a, b in spans):
        return False
    if start == 0 or not _is_han(text[start - 1]) or _YEAR.search(text, 0, start):
        return True
    known = divisions()
    return any(b == start for _, b in spans) or any(
        text[a:start] in known.short_forms for a in range(max(0, start - known.longest), start - 1)
    )


def _one_off(window: str, known: Divisions) -> list[str]:
    """The known names of `window`'s length that differ from it in one character, not the
    last; in the list's order, each once."""
    names = (
        name for i in range(len(window) - 1) for name in known.one_off.get(_masked(window, i), ())
    )
    return list(dict.fromkeys(names))


def _misread(
    text: str,
    start: int,
    end: int,
    names: list[str],
    spans: list[tuple[int, int]],
    known: Divisions,
) -> MisreadPlace:
    """The misread stretch with the names it may be, those under the prefecture or province
    named before it in the value first (after 韶关市, 4402: 武江区, 浈江区, 曲江区, then the
    rest of 广东 44), and the value corrected when only one name is under the narrowest named
    division, or only one name fits at all and no division is named before it."""
    within = _within(text, start, spans, known)

    def closeness(name: str) -> int:
        prefixes = (p for p in (within, within[:2]) if p)
        codes = known.codes[name]
        return max((len(p) for p in prefixes if any(c.startswith(p) for c in codes)), default=0)

    ranked = sorted(names, key=closeness, reverse=True)
    fitting = [name for name in names if closeness(name) == len(within)] if within else names
    corrected = text[:start] + fitting[0] + text[end:] if len(fitting) == 1 else None
    return MisreadPlace(found=text[start:end], candidates=tuple(ranked), corrected=corrected)


def _within(text: str, start: int, spans: list[tuple[int, int]], known: Divisions) -> str:
    """The code prefix of the narrowest prefecture or province named before `start` (`4402`
    for 韶关市, `44` for 广东省), or "" when none is."""
    prefixes = [
        code[:4] if code[2:4] != "00" else code[:2]
        for a, b in spans
        if b <= start
        for code in known.codes[text[a:b]]
        if code.endswith("00")
    ]
    return max(prefixes, key=len, default="")
