"""Whether a paragraph reads as Chinese: a garbled stretch (characters read from noise) is a
reading doubt even when the recogniser was sure of every character.

The measure knows no model fitted to our own paragraphs: the general word-frequency list that
ships inside the `jieba` wheel (about 350,000 words) plus the template's vocabulary. A text is
cut into words by the most probable segmentation under those frequencies; in Chinese written
by a person most characters belong to words of two or more characters, in unrelated characters
strung together most stand alone. A stretch of `WINDOW` characters with under `MIN_WORD_SHARE`
of them inside such words is implausible.

The two numbers were set on real text, not on the generator's: in the seed table's five real
paragraphs (1,444 characters) the poorest 14-character stretch, a slogan of the form's own
(以党建带侨建为党凝聚侨心侨力), has 3 of its 14 characters in words, so a stretch is implausible
only below 20 % (2 of 14 or fewer). Twelve unrelated characters put before a real paragraph are
then caught 159 times in 200 when drawn from common characters (jieba count over 2,000) and 85
times in 200 when drawn from the seed's own characters, the hardest case (`tests/ingest/
test_plausibility.py` checks the seed passes and fixed garbled strings are caught).
"""

import math
import re
import unicodedata
from collections.abc import Iterable
from importlib import resources

from ingest.template import Template

WINDOW = 14
MIN_WORD_SHARE = 0.2
_LONGEST_WORD = 8
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_NUMBER = re.compile(r"[0-9][0-9.%％]*")
_LATIN = re.compile(r"[A-Za-z]+")


def _jieba_frequencies() -> dict[str, int]:
    """jieba's dict.txt, read as data (word, count, part of speech per line); read afresh for
    each vocabulary, which keeps it, so a worker holds the 350,000 words once."""
    text = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    counts: dict[str, int] = {}
    for line in text.splitlines():
        word, count, *_ = line.split(" ")
        if 1 < len(word) <= _LONGEST_WORD or len(word) == 1:
            counts[word] = int(count)
    return counts


_VOCABULARIES: dict[str, tuple[dict[str, int], float]] = {}


def vocabulary(template: Template) -> tuple[dict[str, int], float]:
    """Word counts (jieba's list plus the template's own words) and their log total, built
    once per template."""
    if template.id not in _VOCABULARIES:
        _VOCABULARIES[template.id] = _vocabulary(template)
    return _VOCABULARIES[template.id]


def _vocabulary(template: Template) -> tuple[dict[str, int], float]:
    counts = _jieba_frequencies()
    words = [*template.taxonomy, *(l2 for l2s in template.taxonomy.values() for l2 in l2s)]
    words += [w for s in template.sections for w in s.labels]
    words += [w for s in template.sections for p in s.pairs for w in p.labels]
    words += [w for s in template.sections for c in s.columns for w in c.labels]
    words += [*template.operators, *template.period_words, *template.words]
    common = max(counts.values())
    for word in words:
        for part in re.findall(r"[\u4e00-\u9fff]{2,}", word):
            counts[part] = max(counts.get(part, 0), common // 100)
    return counts, math.log(sum(counts.values()))


def _in_words(run: str, counts: dict[str, int], log_total: float) -> list[bool]:
    """Per character of a Han run: whether the most probable segmentation puts it in a word
    of two or more characters (unknown single characters count as rare ones)."""
    n = len(run)
    best = [0.0] + [-math.inf] * n
    start = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(max(0, j - _LONGEST_WORD), j):
            count = counts.get(run[i:j])
            if count is None and j - i > 1:
                continue
            score = best[i] + math.log(count or 0.5) - log_total
            if score > best[j]:
                best[j], start[j] = score, i
    flags = [False] * n
    j = n
    while j > 0:
        i = start[j]
        flags[i:j] = [j - i > 1] * (j - i)
        j = i
    return flags


def _character_flags(text: str, counts: dict[str, int], log_total: float) -> list[tuple[str, bool]]:
    """Each meaningful character of `text` (Han, numbers, letters; punctuation and spaces are
    left out) with whether it belongs to a word. Numbers are words; a lone letter is not."""
    flags: list[tuple[str, bool]] = []
    run = ""
    i = 0
    while i <= len(text):
        char = text[i] if i < len(text) else ""
        if char and _HAN.match(char):
            run += char
            i += 1
            continue
        if run:
            flags += zip(run, _in_words(run, counts, log_total), strict=True)
            run = ""
        number, latin = _NUMBER.match(text, i), _LATIN.match(text, i)
        found = number or latin
        if found:
            whole = bool(number) or found.end() - i > 1
            flags += [(c, whole) for c in found.group(0)]
            i = found.end()
        else:
            i += 1
    return flags


def implausible_stretch(text: str | None, template: Template) -> str | None:
    """The first stretch of `text` that does not read as Chinese, or None when all of it does
    (or it is too short to judge)."""
    if not text:
        return None
    normalized = unicodedata.normalize("NFKC", text)
    counts, log_total = vocabulary(template)
    chars = _character_flags(normalized, counts, log_total)
    flags = [flag for _, flag in chars]
    if len(flags) < WINDOW:
        return None
    inside = sum(flags[:WINDOW])
    for start in range(len(flags) - WINDOW + 1):
        if start:
            inside += flags[start + WINDOW - 1] - flags[start - 1]
        if inside < MIN_WORD_SHARE * WINDOW:
            return "".join(c for c, _ in chars[start : start + WINDOW])
    return None


# A character this rare in jieba's counts, standing in no word, is doubted in a short value.
RARE_COUNT = 1000


def rare_lone_character(text: str | None, template: Template) -> str | None:
    """The first rare character of a short value that belongs to no word, or None.

    A recogniser sure of a misread character most often picks a look-alike that is rare
    (`宰` 798 and `辜` 110 for `率` 8,539; `茨` 584 for `次`), and a rare character of a real
    name sits inside a word of jieba's list or the template's (`浈江区`, `榕城区`). Set on real
    text: none of the seed table's 61 short values has one; of 38 Guangdong place names three
    do (`莞城`, `坂田`, `坪山`), a doubt a reviewer clears at a glance."""
    if not text:
        return None
    counts, log_total = vocabulary(template)
    for run in _HAN_RUN.findall(unicodedata.normalize("NFKC", text)):
        for char, in_word in zip(run, _in_words(run, counts, log_total), strict=True):
            if not in_word and counts.get(char, 0) < RARE_COUNT:
                return char
    return None


def unworded_pair(text: str | None, elsewhere: Iterable[str], template: Template) -> str | None:
    """The first two neighbouring characters of a short value that both stand in no word and
    are printed together in no other text of the document, or None.

    A character misread as another common one breaks the word it stood in and leaves two
    lone characters side by side (`校园安舍检查` for 安全, `教助政策` for 救助), which text
    written by a person seldom has. A term missing from jieba's list (`运维`, `立档`) is no
    such pair: it is written again in the document's other names, goals or paragraphs, where a
    misreading is not. A run of two characters between marks is a piece of a word a bracket
    cut (`因公出国(境)访率`), not judged. Set on real text: none of the seed table's 141 short
    values has such a pair."""
    if not text:
        return None
    counts, log_total = vocabulary(template)
    pairs = []
    for run in _HAN_RUN.findall(unicodedata.normalize("NFKC", text)):
        if len(run) < 3:
            continue  # a piece of a word cut by a bracket or a mark (出国(境)访率)
        flags = _in_words(run, counts, log_total)
        pairs += [run[i : i + 2] for i in range(len(run) - 1) if not (flags[i] or flags[i + 1])]
    if not pairs:
        return None
    others = [unicodedata.normalize("NFKC", other) for other in elsewhere]
    return next((pair for pair in pairs if not any(pair in other for other in others)), None)


# Characters told apart by one stroke or a small part, which a recogniser reading a faint or
# speckled glyph takes for one another (形近字): each group's members are look-alikes of each
# other. `事` and `翠` for `率` are the recogniser's own confusions of its dense lower half.
LOOKALIKE_GROUPS = (
    "日白旦目曰",
    "成威戚咸",
    "率事宰辜翠",
    "次茨欠",
    "任住",
    "自目",
    "未末",
    "已己",
    "人入八",
    "土士",
    "天夫",
    "千干于",
    "王玉主",
    "大太犬",
    "田由甲申",
    "间问",
    "准淮",
    "候侯",
    "拨拔",
    "持特",
    "理埋",
    "经轻",
    "析折拆",
    "治冶",
)
_LOOKALIKES: dict[str, str] = {}
for _group in LOOKALIKE_GROUPS:
    for _char in _group:
        _LOOKALIKES[_char] = _LOOKALIKES.get(_char, "") + _group.replace(_char, "")
# The word a look-alike makes must be a common one, not a rare entry of jieba's list; jieba
# counts terms of three characters low (`合格率` 156, `场次` 151), so the bar is under theirs.
WORD_COUNT = 100


# Measure words and units a number in a name or value counts or dates with (`3个`, `12月`).
MEASURE_WORDS = "个项次人家所名年月日天批类场件台套座条户万千百亿期号级岁周倍"
# What a numeral 一 at a value's start counts or dates (`一年内`, `一次`, `一季度`): then no dash.
_COUNTED_BY_ONE = MEASURE_WORDS + "季"


def dash_read_as_one(text: str | None, template: Template) -> bool:
    """Whether a short value starts with a 一 that stands in no word and counts nothing: the
    recogniser reads a dash or a rule's stub before the text as 一 (`一疾病预防控制…`), and
    real names starting with 一 put it in a word (`一般`, `一站式`, `一次性`)."""
    stripped = (text or "").strip()
    run = _HAN_RUN.match(stripped)
    if run is None or not run.group(0).startswith("一") or len(run.group(0)) < 3:
        return False
    if run.group(0)[1] in _COUNTED_BY_ONE:
        return False
    counts, log_total = vocabulary(template)
    return not _in_words(run.group(0), counts, log_total)[0]


def lone_characters(text: str, template: Template) -> list[int]:
    """Where in `text` the Han characters stand that belong to no word of two or more."""
    counts, log_total = vocabulary(template)
    return [
        match.start() + i
        for match in _HAN_RUN.finditer(text)
        for i, in_word in enumerate(_in_words(match.group(0), counts, log_total))
        if not in_word
    ]


def lookalike_in_word(text: str | None, template: Template) -> tuple[str, str, str] | None:
    """A character of a short value that stands in no word while a look-alike of it would
    stand in a common one (`白常` where `日常` is a word): the character, its look-alike and
    the text with the look-alike, or None.

    A recogniser's confident misreading is most often such a look-alike, and real text puts
    its characters in words: a lone character whose look-alike reads as a word is the word's
    character misread."""
    if not text:
        return None
    counts, log_total = vocabulary(template)
    for match in _HAN_RUN.finditer(text):
        run = match.group(0)
        for i, in_word in enumerate(_in_words(run, counts, log_total)):
            if in_word:
                continue
            for other in _LOOKALIKES.get(run[i], ""):
                if _stands_in_common_word(run[:i] + other + run[i + 1 :], i, counts, log_total):
                    at = match.start() + i
                    return run[i], other, text[:at] + other + text[at + 1 :]
    return None


def _stands_in_common_word(run: str, i: int, counts: dict[str, int], log_total: float) -> bool:
    """Whether the best segmentation of `run` puts its `i`-th character in a common word."""
    flags = _in_words(run, counts, log_total)
    if not flags[i]:
        return False
    start = i
    while start > 0 and flags[start - 1]:
        start -= 1
    end = i + 1
    while end < len(run) and flags[end]:
        end += 1
    # consecutive word characters may be several words: take any common one holding `i`
    return any(
        counts.get(run[a:b], 0) >= WORD_COUNT
        for a in range(start, i + 1)
        for b in range(i + 2 if a == i else i + 1, min(end, a + _LONGEST_WORD) + 1)
        if b - a > 1
    )
