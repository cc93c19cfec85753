"""Checks a correct table satisfies, read from the template: sums, value kinds, taxonomy,
required fields and duplicated rows.

Checks look only at the document (values, and the OCR text and confidence its `fields` carry),
never at pixels, so re-validation after a reviewer's correction is the same call. Evidence about
how a value was read (grid doubts, seals) is weighed in `ingest.confidence`, not here.
"""

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from ingest.corroboration import mended_from_elsewhere
from ingest.labels import fold_label, nearest_wording
from ingest.messages import say
from ingest.places import misread_place
from ingest.plausibility import (
    MEASURE_WORDS,
    dash_read_as_one,
    lone_characters,
    lookalike_in_word,
    rare_lone_character,
    unworded_pair,
)
from ingest.template import CheckSpec, Template, ValueKind, kind_key, normalize_label
from ingest.values import (
    SPECKLESS_KINDS,
    edge_mark,
    inner_mark,
    parse_amount,
    parse_count,
    without_edge_marks,
    without_inner_marks,
    without_specks,
)
from models.contract import (
    ROW_PATH,
    FieldStatus,
    FieldValue,
    FormDocument,
    is_blank,
    row_lists,
    value_paths,
)

Reason = Literal[
    "low_confidence",
    "sum_mismatch",
    "format",
    "taxonomy",
    "missing",
    "structure",
    "seal_overlap",
    "duplicate",
    "garbled",
]
# Reasons decided here from the values; the others come from reading evidence.
CHECK_REASONS: frozenset[str] = frozenset(
    {"sum_mismatch", "format", "taxonomy", "missing", "duplicate"}
)


class CheckIssue(BaseModel):
    """One failed check: the fields it puts in doubt and, where the check pins the right value
    down, a suggestion for one of them."""

    model_config = ConfigDict(frozen=True)

    check: str
    reason: Reason
    paths: tuple[str, ...]
    message: str
    suggestion: FieldValue = None
    suggestion_path: str | None = None


def field_kinds(doc: FormDocument, template: Template) -> dict[str, ValueKind]:
    """The value kind of every field of `doc`; indicator values by their 二级指标."""
    by_key: dict[str, ValueKind] = {"title": "text", "year": "count", **template.kinds_by_key()}
    kinds = {path: by_key.get(kind_key(path), "text") for path, _ in value_paths(doc)}
    name, rows = _levelled_rows(doc, template)
    for i, ind in enumerate(rows):
        level2 = template.canonical_level2(ind.level2) if ind.level2 else None
        if level2 in template.indicator_value_kinds:
            kinds[f"{name}[{i}].value"] = template.indicator_value_kinds[level2]
    return kinds


def _levelled_rows(doc: FormDocument, template: Template) -> tuple[str | None, list]:
    """The name and items of the list whose rows carry the taxonomy's 一级/二级 (the
    indicators); none for a form without such a list."""
    section = template.levels_section()
    return (section.list, getattr(doc, section.list)) if section else (None, [])


def run_checks(doc: FormDocument, template: Template) -> list[CheckIssue]:
    """Every check of the template on `doc`, in a stable order."""
    values = dict(value_paths(doc))
    kinds = field_kinds(doc, template)
    # A reviewer's value replaces the reading: its printed text no longer speaks against it.
    ocr_text = {f.path: f.ocr_text for f in doc.fields if f.status != FieldStatus.CORRECTED}
    issues = _format_issues(values, kinds, ocr_text, doc.year, template)
    issues += _whole_amount_issues(values, kinds, ocr_text, issues, template)
    implausible = {p for issue in issues for p in issue.paths}
    ocr_conf = {f.path: f.confidence for f in doc.fields}
    for spec in template.checks:
        issue = _sum_issue(spec, values, implausible, ocr_conf, template)
        if issue:
            issues.append(issue)
    issues += _taxonomy_issues(doc, template)
    issues += _required_issues(values, template)
    issues += _duplicate_issues(doc, template)
    issues += _title_issues(doc.title, template)
    return issues


# ---- value kinds -------------------------------------------------------------------------

_LETTER = re.compile(r"[A-Za-z|]")
# A run of Latin letters and digits; one that reads as a number is a digit misread as a letter
# (`1O0%`), one that does not is a word or a code (`PM2.5`, `5G`).
_MIXED_RUN = re.compile(r"[0-9A-Za-z|.]*\d[0-9A-Za-z|.]*", re.ASCII)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# A number whose whole part starts with 0 and goes on (097.6): no amount or count is printed
# so; its first digit was lost or misread.
_LEADING_ZERO = re.compile(r"(?<![\d.,])0[\d,]")
_SYMBOL_OPERATORS = "≥≧≤≦><＞＜"
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
# A paragraph of a digit or a letter or few, or of dashes: no text a person writes, but a speck
# or a page number read in an empty cell, or the dash a form prints for "none" (— read as 一).
_NO_WORDS = re.compile(r"[0-9A-Za-z]{1,3}|[一—\-－_~]+")
# A paragraph no one ends on a comma, an enumeration comma or a colon, nor starts on a mark
# that closes a clause (`、完善…` for `2、完善…`): the text beyond it was cut off (by a page
# break, a neighbouring cell, a lost line) or a list number lost.
_OPEN_END = re.compile(r"[，,、：:]$")
_OPEN_START = re.compile(r"^[，,。.、；;：:]")
# A lone Latin letter between Chinese text and an ideograph (`，R量及时`, `问题，e行部门`), or
# two or three small ones (`资料 hn收果`): a stroke or a garbled stretch read as letters;
# letters a paragraph prints come in words and codes (`App`, `4A级`, `DVD`). Set on real text:
# no paragraph of a month of a national daily (12,774) has two or three small letters there.
_LONE_LETTER = re.compile(
    r"(?<=[\u4e00-\u9fff，。、；：,.])([A-Za-z]|[a-z]{2,3})(?=[\u4e00-\u9fff])"
)
# Two clause marks in a row (`、.微信`, `支持,，提升`, `效率。。根据`): no writer sets them so; one
# is a speck or a glyph read as a mark. An ellipsis (`..`) is left alone.
_DOUBLE_MARK = re.compile(r"(?!\.\.)[，。、；：,;:.·][.·。，、；：,;:]")
# A narrow mark between two ideographs of a paragraph written with full-width clause marks
# (`明确.责任`, `规范-有效`, `实施_` at a line's end): whoever typed the full-width ones typed
# no narrow one between words, so it is a speck. Set on real text: no paragraph of a month of
# a national daily (12,774) has one; of web reviews written with full-width marks, 1.5 % do
# (`五.一`, `绵阳-成都`, a `~` for a pause), a doubt a reviewer clears at a glance.
_NARROW_MARK = re.compile(r"(?<=[\u4e00-\u9fff])[.'`\"_~*^•°\-](?=\s*[\u4e00-\u9fff])")
_FULL_WIDTH_CLAUSE = re.compile(r"[，。；：]")
_NARROW_CLAUSE = re.compile(r"[,;](?!\d)")
# A dot or stray sign between a list number's closing bracket and its item's text (`(2)·加强`):
# a speck, whatever marks the paragraph is written with. Set on real text: no paragraph of a
# month of a national daily has one; one web review of 35,123 does (`（1）.先从`).
_MARK_AFTER_NUMBER = re.compile(r"(?<=\d[)）])\s*[·•'`_~*^°.\-](?=\s*[\u4e00-\u9fff])")
# A numbered item of a paragraph, before the item's text: a number in brackets (`(3)` `（4）`)
# or a number and its mark (`1、` `2.` `一、`). A writer numbers a list from 1 and counts on, a
# sub-list starting again at 1: an item at a clause's start numbered otherwise lost its number,
# or the item before it lost its own (`做好…。2、扎实…`: `1、` not read). Inside a sentence a
# number counts on a list (`包括（1）…，（2）…`) only where it is 1 or the next; otherwise it is
# no item (`初二（6）班`). A paragraph may start mid-list (a newspaper prints each item as a
# paragraph of its own), so its first item is not judged.
_CHINESE_DIGITS = "一二三四五六七八九十"
_ITEM_NUMBER = re.compile(
    rf"(?<![\d{_CHINESE_DIGITS}])([(（])?(\d{{1,2}}|[{_CHINESE_DIGITS}]{{1,3}})"
    r"(?(1)[)）]|[、.．])(?=[\u4e00-\u9fff“‘「『《])"
)
_CLAUSE_START = frozenset("。；;：:“‘「『")
_CHINESE_NUMBERS = {n: i for i, n in enumerate(_CHINESE_DIGITS, 1)}
_ITEM_MARK_STYLE = {"．": ".", "）": ")"}  # marks of one style
# A value of a letter or few and nothing else (`≧90%` read `N`): no rate, date or measure is
# written so; a sign or a number was read as letters.
_LETTERS_ONLY = re.compile(r"[A-Za-z]{1,3}")
# A percent sign with no number before it (`0%` read `%`): a digit was lost.
_PERCENT_ALONE = re.compile(r"(?:^|[^\d\s])\s*[%％]")
_DATE_PART = re.compile(r"(\d+)\s*([年月日])")
_TIME_UNITS = "年月日天周季时"
# A run of four or more ideographs printed twice in a row (`职业技能培训经职业技能培训经费`): a
# line read twice, where two crops of it overlap or a page break repeats it. Real text
# doubles a word of two (`采购采购` in the seed table), not a phrase.
_REPEATED_RUN = re.compile(r"([\u4e00-\u9fff]{4,})\1")
# A question mark is no part of a form's value: the recogniser's guess at a glyph it could not
# make out (`?个` for `7个`). No suggestion: what it stands for is unknown.
_UNREADABLE = re.compile(r"[?？\ufffd]")


# A list number whose mark was not read, glued to a name (`1劳动保障监察经费`): one or two
# digits right before an ideograph that is no measure word (`3个`, `12月` are the name's own).
_LIST_NUMBER = re.compile(rf"\s*(\d{{1,2}})(?=[\u4e00-\u9fff])(?![{MEASURE_WORDS}])")

# One digit glued to a name's end (`办公设备购置经费项目数量6`): a count in a name carries its
# measure word (`1次`) and a year or code has more digits, so a lone digit there is a speck read
# as one.
_DIGIT_AT_END = re.compile(r"(?<=[\u4e00-\u9fff])\s*(\d)\s*$")
# A digit or a Latin letter glued to an indicator value's measure (`≥4010人6`, `≧3295人a`).
_SPECK_AT_END_OF_VALUE = re.compile(r"(?<=[\u4e00-\u9fff%％])\s*([0-9A-Za-z])\s*$")


def as_decimal(value: FieldValue) -> Decimal | None:
    """An amount field as a number; None for an empty cell or a value that is not a number."""
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _format_issues(
    values: dict[str, FieldValue],
    kinds: dict[str, ValueKind],
    ocr_text: dict[str, str | None],
    year: int | None,
    template: Template,
) -> list[CheckIssue]:
    issues = []
    texts = {path: value for path, value in values.items() if isinstance(value, str)}
    labels = _folded_labels(template)
    columns = template.kinds_by_key()
    for path, value in values.items():
        kind = kinds[path]
        problem, suggestion = None, None
        if path in template.place_fields and isinstance(value, str):
            # first: a misread place name tells which of its characters is wrong (`浈汪区`:
            # 汪, not the rare 浈 the word checks would name)
            problem, suggestion = _place_problem(value, template)
        if not problem and (
            speckled := _read_with_specks(value, ocr_text.get(path), columns.get(kind_key(path)))
        ):
            problem = say(template, "specks_removed", read=speckled)
        if not problem:
            bound = _year_bound(path, values, year, template)
            problem, suggestion = _kind_problem(kind, value, ocr_text.get(path), bound, template)
        if not problem and kind in ("text", "indicator_value") and isinstance(value, str):
            elsewhere = (text for other, text in texts.items() if other != path)
            if pair := unworded_pair(value, elsewhere, template):
                problem = say(template, "unworded_pair", pair=pair)
            elif label := labels.get(fold_label(value)):
                problem = say(template, "value_is_label", label=label)
        if not problem and kind == "indicator_value" and _bare_rate(path, value, values):
            problem = say(template, "rate_without_percent")
        if problem and suggestion is None and kind in ("text", "indicator_value"):
            suggestion = _mended(str(value), [t for p, t in texts.items() if p != path], template)
        if problem:
            issues.append(
                CheckIssue(
                    check=f"kind_{kind}",
                    reason="format",
                    paths=(path, *_level_in_doubt(path, value, kind, year, template)),
                    message=say(template, "found", reason=say(template, "format"), detail=problem),
                    suggestion=suggestion,
                    suggestion_path=path if suggestion is not None else None,
                )
            )
    return issues


def _read_with_specks(value: FieldValue, read: str | None, kind: ValueKind | None) -> str | None:
    """The text read where `value` is it with its specks taken off (`without_specks`, done as
    it is read): a speck or a printed mark, pixels cannot tell, so the value stays in doubt
    until a reviewer settles it."""
    if kind not in SPECKLESS_KINDS or not isinstance(value, str) or not read:
        return None
    printed = read.strip()
    return printed if printed != value and without_specks(printed) == value else None


def _year_bound(
    path: str, values: dict[str, FieldValue], year: int | None, template: Template
) -> int | None:
    """The year no date of `path` may pass: the form's, but none for an item of a half planned
    over several years (a 中期 时效 of 2023 on a 2021 form)."""
    row = ROW_PATH.match(path)
    if row is None:
        return year
    for section in template.sections:
        halves = section.halves
        if halves is not None and section.list == row.group(1):
            half = values.get(f"{row.group(0)}.{halves.field}")
            return None if half in halves.beyond_year else year
    return year


# A value that is a number alone, or a comparison and a number (`≤58`).
_BARE_NUMBER = re.compile(rf"\s*[{_SYMBOL_OPERATORS}]?\s*\d+(?:\.\d+)?\s*")


def _bare_rate(path: str, value: FieldValue, values: dict[str, FieldValue]) -> bool:
    """An indicator named as a rate (`投诉率`) whose value is a bare number: a rate is printed
    with its `%` (every rate of the seed table and of 2,083 generated rows), and a misread
    `%` leaves digits (`≤5%` read `≤58`)."""
    row = ROW_PATH.match(path)
    if row is None or not path.endswith(".value") or not isinstance(value, str):
        return False
    name = values.get(f"{row.group(0)}.name")
    rate = isinstance(name, str) and name.rstrip().endswith("率")
    return rate and _BARE_NUMBER.fullmatch(value) is not None


def _mended(value: str, elsewhere: list[str], template: Template) -> str | None:
    """`value` with a character that stands in no word replaced by the one the document's
    other texts print between its neighbours, where that puts it in a word (`段疾人` with
    残疾人 printed elsewhere); a neighbour of a right character may stand in no word too."""
    lone = lone_characters(value, template)
    mended = mended_from_elsewhere(value, lone, elsewhere)
    if mended is None or len(lone_characters(mended, template)) >= len(lone):
        return None
    return mended


# At most this many of the known names a misread division name may be are told.
_PLACES_TOLD = 3


def _place_problem(value: str, template: Template) -> tuple[str | None, FieldValue]:
    """A division name in a field naming a department or place that is one character from
    known ones (`淡江区`): what it may be, and the corrected value when only one fits."""
    place = misread_place(value, template)
    if place is None:
        return None, None
    told = [say(template, "place_named", name=name) for name in place.candidates[:_PLACES_TOLD]]
    names = say(template, "list_separator").join(told)
    if len(place.candidates) > _PLACES_TOLD:
        names = say(template, "place_more", names=names)
    return say(template, "place_unknown", found=place.found, names=names), place.corrected


def _folded_labels(template: Template) -> dict[str, str]:
    """The form's printed labels by their folded form. A label is never a value: a value that
    reads as one is a neighbouring label cell read into an empty value cell (`项目期` as the
    项目属性). The taxonomy's names are left out: a 三级 may be worded as a 二级 is
    (服务对象满意度). Nor is a period word (`长期`, a half's name and a 可持续影响 value)."""
    taxonomy = template.taxonomy_names()
    printed = template.printed_labels().items()
    labels = (label for key, wordings in printed if key not in taxonomy for label in wordings)
    periods = set(template.period_words)
    return {
        folded: label for label in labels if (folded := fold_label(label)) and label not in periods
    }


def _level_in_doubt(
    path: str, value: FieldValue, kind: ValueKind, year: int | None, template: Template
) -> tuple[str, ...]:
    """An indicator value unlike what its 二级 expects but like what another 二级 expects (a
    date under 质量指标): the 二级 may be the wrong one (a merged cell read over the wrong
    rows, a group's name lost), so it is in doubt with the value."""
    row = ROW_PATH.match(path)
    expected = set(template.indicator_value_kinds.values())
    levels = template.levels_section()
    if row is None or levels is None or row.group(1) != levels.list or not path.endswith(".value"):
        return ()
    if kind not in expected:
        return ()  # not a kind its 二级 asked for
    others = expected - {kind}
    if any(_kind_problem(other, value, None, year, template)[0] is None for other in others):
        return (f"{row.group(0)}.level2",)
    return ()


def _misnumbered_item(text: str) -> tuple[str, str] | None:
    """(the item's number as printed, the number it should have been) for the first numbered
    item (`_ITEM_NUMBER`) that is neither 1 nor one more than the last item of its style."""
    last: dict[tuple[bool, str], int] = {}
    for item in _ITEM_NUMBER.finditer(text):
        opening, number = item.groups()
        arabic = number.isdigit()
        value = int(number) if arabic else _chinese_number(number)
        mark = item.group(0)[-1]
        style = (arabic, _ITEM_MARK_STYLE.get(mark, mark))
        at = item.start()
        expected = last.get(style, 0) + 1
        if at > 0 and text[at - 1] not in _CLAUSE_START:
            if value in (1, expected):
                last[style] = value  # a list set inside a sentence
            continue
        if at > 0 and value not in (1, expected):
            shown = str(expected) if arabic else _chinese_numeral(expected)
            return item.group(0), f"{opening or ''}{shown}{mark}"
        last[style] = value
    return None


def _chinese_numeral(number: int) -> str:
    """1 to 99 as a list number is written (`十一`, `二十`), the inverse of `_chinese_number`."""
    tens, units = divmod(number, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _CHINESE_DIGITS[tens - 1] + "十"
    return head + (_CHINESE_DIGITS[units - 1] if units else "")


def _chinese_number(numeral: str) -> int:
    """一 to 九十九 as written in list numbers (`十二`, `二十`); 0 for anything else."""
    tens, _, units = numeral.partition("十")
    if "十" not in numeral:
        return _CHINESE_NUMBERS.get(numeral, 0)
    return 10 * (_CHINESE_NUMBERS.get(tens, 0) if tens else 1) + _CHINESE_NUMBERS.get(units, 0)


def no_words(value: FieldValue) -> bool:
    """Whether a text value holds no words: a digit or a letter or few, or dashes."""
    return bool(_NO_WORDS.fullmatch("".join(str(value or "").split())))


def paragraph_problem(value: FieldValue, template: Template) -> tuple[str | None, FieldValue]:
    """What is wrong with a paragraph's text, in the template's words: no words at all, an
    open start or end, a lone letter, two marks in a row, an item numbered out of turn, a
    speck between words or after a list number (with the paragraph without it)."""
    text = "".join(str(value or "").split())  # the checks below read it without spaces
    if no_words(text):
        return say(template, "no_words"), None
    if end := _OPEN_END.search(text):
        return say(template, "paragraph_ends_open", mark=end.group(0)), None
    if start := _OPEN_START.search(text):
        return say(template, "paragraph_starts_open", mark=start.group(0)), None
    if letter := _LONE_LETTER.search(text):
        return say(template, "lone_letter", letter=letter.group(1)), None
    if marks := _DOUBLE_MARK.search(text):
        return say(template, "double_mark", marks=marks.group(0)), None
    if skipped := _misnumbered_item(text):
        found, expected = skipped
        return say(template, "item_misnumbered", found=found, expected=expected), None
    written_wide = _FULL_WIDTH_CLAUSE.search(text) and not _NARROW_CLAUSE.search(text)
    for mark, applies in ((_MARK_AFTER_NUMBER, True), (_NARROW_MARK, written_wide)):
        if applies and (speck := mark.search(str(value))):
            shown = speck.group(0).strip()
            return say(template, "mark_inside", mark=shown), mark.sub("", str(value))
    return None, None


def _kind_problem(
    kind: ValueKind, value: FieldValue, ocr: str | None, year: int | None, template: Template
) -> tuple[str | None, FieldValue]:
    """What is wrong with `value` for its kind (in the template's words), and a fix if known.

    Numeric kinds are judged on the printed text too: mapping reads a look-alike letter as a
    digit, but a letter where only digits can stand still makes the value doubtful."""
    if kind in ("amount", "count"):
        return _number_problem(kind, value, (ocr or "").strip(), template)
    if kind == "long_text":
        return paragraph_problem(value, template)
    if isinstance(value, str) and (unread := _UNREADABLE.search(value)):
        return say(template, "unreadable_mark", mark=unread.group(0)), None
    if isinstance(value, str) and (twice := _REPEATED_RUN.search(value)):
        run = twice.group(1)
        once = value[: twice.start()] + run + value[twice.end() :]
        return say(template, "repeated_run", run=run), once
    if isinstance(value, str) and (mark := edge_mark(value)):
        return say(template, "mark_at_edge", mark=mark), without_edge_marks(value) or None
    if kind in ("text", "indicator_value") and dash_read_as_one(value, template):
        return say(template, "mark_at_edge", mark="一"), str(value).strip()[1:]
    if isinstance(value, str) and (mark := inner_mark(value)):
        return say(template, "mark_inside", mark=mark), without_inner_marks(value)
    if isinstance(value, str) and kind == "text" and (number := _LIST_NUMBER.match(value)):
        return say(template, "list_number", number=number.group(1)), value[number.end() :]
    if isinstance(value, str) and (digit := _speck_at_end(value, kind)):
        return say(template, "digit_at_end", digit=digit.group(1)), value[: digit.start()]
    if kind in ("text", "indicator_value") and (rare := rare_lone_character(value, template)):
        return say(template, "rare_character", char=rare), None
    if kind in ("text", "indicator_value") and (alike := lookalike_in_word(value, template)):
        char, other, fixed = alike
        return say(template, "lookalike_character", char=char, other=other), fixed
    if value is None or kind in ("text", "taxonomy1", "taxonomy2"):
        return None, None
    text = str(value)
    fixed = _lookalike_fix(text)
    if fixed != text:
        return say(template, "letters_in_digits"), fixed
    if _LETTERS_ONLY.fullmatch(text.strip()):
        return say(template, "letters_only", letters=text.strip()), None
    if _PERCENT_ALONE.search(text):
        return say(template, "percent_without_number"), None
    if kind == "percent":
        return _percent_problem(text, template), None
    if kind == "date_or_period":
        return _date_problem(text, year, template), None
    return _operator_problem(text, template), None


def _lookalike_fix(text: str) -> str:
    """`text` with every letter-and-digit run that reads as a number replaced by that number."""

    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        number = parse_amount(run) if _LETTER.search(run) else None
        return run if number is None else number

    return _MIXED_RUN.sub(fix, text)


def _number_problem(
    kind: ValueKind, value: FieldValue, printed: str, template: Template
) -> tuple[str | None, FieldValue]:
    what = say(template, f"{kind}_name")
    parse = parse_amount if kind == "amount" else parse_count
    if value is None:
        return (say(template, "not_a_number", what=what), None) if printed else (None, None)
    if _LETTER.search(printed):
        fixed = parse(printed)
        return say(template, "letters_in_number", what=what), fixed if fixed != value else None
    number = as_decimal(value)
    if number is None or (kind == "count" and not isinstance(value, int)):
        return say(template, "not_a_number" if kind == "amount" else "not_whole", what=what), None
    if number < 0:
        return say(template, "negative", what=what), None
    places = _places(number)
    allowed = template.printed_decimals
    if kind == "amount" and places > allowed[-1]:
        return say(template, "too_many_decimals", decimals=allowed[-1]), None
    if kind == "amount" and places and places not in allowed:
        # printed with a point but short of the form's decimals: a digit lost at the end
        short_of = next(d for d in allowed if d > places)
        return say(template, "too_few_decimals", decimals=short_of), None
    if _LEADING_ZERO.search(printed):
        return say(template, "leading_zero", what=what), None
    return None, None


def _places(number: Decimal) -> int:
    """Decimal places as printed: `69717.0` has 1, `8846` none."""
    return -int(number.as_tuple().exponent)


def _percent_problem(value: str, template: Template) -> str | None:
    percents = _PERCENT.findall(value)
    if percents:
        over = any(Decimal(p) > 100 for p in percents)
        return say(template, "percent_over_100") if over else None
    return say(template, "percent_sign_missing") if _NUMBER.search(value) else None


def _speck_at_end(value: str, kind: ValueKind) -> re.Match[str] | None:
    """A lone digit glued to the end of a name, or a digit or letter to the end of an
    indicator value that has already given its number and measure (`≥4010人6`, `≧3295人a`):
    a speck read as a character."""
    if kind == "text":
        return _DIGIT_AT_END.search(value)
    if kind == "indicator_value":
        end = _SPECK_AT_END_OF_VALUE.search(value)
        return end if end and re.search(r"\d", value[: end.start()]) else None
    return None


def _date_problem(value: str, year: int | None, template: Template) -> str | None:
    """A date or period no later than the form's year; a rate (资金支付及时率 100%) is a
    common 时效指标 too, and is judged as a percentage."""
    if _PERCENT.search(value):
        return _percent_problem(value, template)
    parts = _DATE_PART.findall(value)
    for number, unit in parts:
        n = int(number)
        if unit == "年" and len(number) == 4 and year is not None and n > year:
            return say(template, "date_after_year", year=year)
        if unit == "年" and len(number) not in (1, 2, 4):
            return say(template, "year_unlikely")
        if unit == "月" and not 1 <= n <= 12 and "个月" not in value:
            return say(template, "month_unlikely")
        if unit == "日" and not 1 <= n <= 31:
            return say(template, "day_unlikely")
    periods = template.period_words
    if parts or any(u in value for u in _TIME_UNITS) or any(w in value for w in periods):
        return None
    return say(template, "not_date_or_period")


def _operator_problem(value: str, template: Template) -> str | None:
    """An operator needs something to compare with; a symbol (≥ ≧ ≤ …) needs a number."""
    stripped = value.strip()
    for op in template.operators:
        if stripped == op:
            return say(template, "operator_alone", operator=op)
        rest = stripped[len(op) :].lstrip()
        if op in _SYMBOL_OPERATORS and stripped.startswith(op) and not _NUMBER.match(rest):
            return say(template, "operator_without_number", operator=op)
    return None


# ---- sums --------------------------------------------------------------------------------


def _expand(patterns: Iterable[str], values: dict[str, FieldValue]) -> list[str]:
    """Template paths with `[*]` expanded over the document's rows."""
    out: list[str] = []
    for pattern in patterns:
        if "[*]" in pattern:
            regex = re.compile(re.escape(pattern).replace(r"\[\*\]", r"\[\d+\]") + "$")
            out += [p for p in values if regex.match(p)]
        elif pattern in values:
            out.append(pattern)
    return out


# Terms read that a balanced identity vouches for: with fewer, it is two readings agreeing.
_BALANCED_TERMS = 3


class _SumSides(NamedTuple):
    """The terms of a sum check as the document reads them."""

    left: list[str]
    right: list[str]
    amounts: dict[str, Decimal | None]
    present: list[str]  # the terms read
    total_left: Decimal
    total_right: Decimal


def _sum_sides(spec: CheckSpec, values: dict[str, FieldValue]) -> _SumSides | None:
    """The two sides of `spec`; None where a term is not a number (already a format issue)."""
    left, right = _expand(spec.left, values), _expand(spec.right, values)
    amounts = {p: as_decimal(values[p]) for p in left + right}
    if any(values[p] is not None and amounts[p] is None for p in amounts):
        return None
    present = [p for p, a in amounts.items() if a is not None]
    total_left = sum((amounts[p] for p in left if amounts[p] is not None), Decimal(0))
    total_right = sum((amounts[p] for p in right if amounts[p] is not None), Decimal(0))
    return _SumSides(left, right, amounts, present, total_left, total_right)


def balanced_terms(doc: FormDocument, template: Template) -> frozenset[str]:
    """The amounts of the form's sum identities that balance to the cent, at least three
    terms read: the arithmetic vouches for each of their digits, since a misread digit
    breaks the identity by its place's value and two misreadings cancelling to the cent is
    far less likely than a doubt a reviewer clears."""
    values = dict(value_paths(doc))
    vouched: set[str] = set()
    for spec in template.checks:
        sides = _sum_sides(spec, values) if spec.rule == "sum_equal" else None
        enough = sides is not None and len(sides.present) >= _BALANCED_TERMS
        if enough and sides.total_left == sides.total_right:
            vouched.update(sides.present)
    return frozenset(vouched)


def _sum_issue(
    spec: CheckSpec,
    values: dict[str, FieldValue],
    implausible: set[str],
    ocr_conf: dict[str, float],
    template: Template,
) -> CheckIssue | None:
    sides = _sum_sides(spec, values)
    if sides is None:
        return None
    left, right, amounts, present, total_left, total_right = sides
    if not any(p in present for p in left) or not any(p in present for p in right):
        return None
    tolerance = Decimal(str(spec.tolerance_per_term)) * len(present)
    if spec.rule == "sum_equal":
        failed = abs(total_left - total_right) > tolerance
    else:
        failed = total_left - total_right > tolerance
    if not failed:
        return None
    suggestion_path, suggestion = None, None
    if spec.rule == "sum_equal":
        suspect = _single_suspect(present, implausible, ocr_conf)
        if suspect is not None:
            own = amounts[suspect]
            other_side = total_right if suspect in left else total_left
            same_side = (total_left if suspect in left else total_right) - own
            places = max([template.amount_decimals, *(_places(amounts[p]) for p in present)])
            target = (other_side - same_side).quantize(Decimal(1).scaleb(-places))
            if target >= 0:
                suggestion_path, suggestion = suspect, str(target)
    return CheckIssue(
        check=spec.id,
        reason=spec.reason,
        paths=tuple(left + right),
        message=spec.message,
        suggestion=suggestion,
        suggestion_path=suggestion_path,
    )


def _single_suspect(
    present: list[str], implausible: set[str], ocr_conf: dict[str, float]
) -> str | None:
    """The one term most likely misread: the only implausible one, else the strictly least
    confident one; None when no single term stands out."""
    odd = [p for p in present if p in implausible]
    if odd:
        return odd[0] if len(odd) == 1 else None
    scored = sorted((ocr_conf[p], p) for p in present if p in ocr_conf)
    if len(scored) == len(present) >= 2 and scored[0][0] < scored[1][0]:
        return scored[0][1]
    return None


# ---- taxonomy, required, duplicates ------------------------------------------------------


def _taxonomy_issues(doc: FormDocument, template: Template) -> list[CheckIssue]:
    name, rows = _levelled_rows(doc, template)
    if name is None:
        return []
    reason = say(template, "taxonomy")
    level1_terms = {l1: template.level1_wordings(l1) for l1 in template.taxonomy}
    level1_names = {normalize_label(w) for terms in level1_terms.values() for w in terms}
    level2_terms = {
        l2: template.level2_wordings(l2) for l2s in template.taxonomy.values() for l2 in l2s
    }
    issues = []
    for i, ind in enumerate(rows):
        level1_ok = ind.level1 is None or normalize_label(ind.level1) in level1_names
        if not level1_ok:
            path = f"{name}[{i}].level1"
            nearest = nearest_wording(ind.level1 or "", level1_terms)
            issues.append(
                CheckIssue(
                    check="taxonomy_level1",
                    reason="taxonomy",
                    paths=(path,),
                    message=say(
                        template,
                        "found",
                        reason=reason,
                        detail=say(template, "not_level1", value=ind.level1),
                    ),
                    suggestion=nearest,
                    suggestion_path=path if nearest else None,
                )
            )
        path = f"{name}[{i}].level2"
        only = template.only_level2(ind.level1) if ind.level1 and level1_ok else None
        # the words it is printed in are pinned too only where the form prints it one way
        pinned = only if only is not None and len(template.level2_wordings(only)) == 1 else None
        if ind.level2 is None:
            if only is not None and (ind.name or ind.value):
                detail = say(template, "level2_unread", level1=ind.level1, level2=only)
                issues.append(_taxonomy_level2_issue((path,), detail, pinned, template))
            continue
        expected = template.level1_of(ind.level2)
        nearest = None
        paths: tuple[str, ...] = (path,)
        if expected is None:
            detail = say(template, "not_level2", value=ind.level2)
            nearest = nearest_wording(ind.level2, level2_terms) or pinned
        elif level1_ok and ind.level1 and template.canonical_level1(ind.level1) != expected:
            # printed so: kept, no suggestion
            detail = say(template, "level2_under", level2=ind.level2, level1=expected)
            # Printed so, or a merged 一级 cell read over the wrong rows: either may be wrong.
            paths = (f"{name}[{i}].level1", *paths)
        else:
            continue
        issues.append(_taxonomy_level2_issue(paths, detail, nearest, template))
    return issues


def _taxonomy_level2_issue(
    paths: tuple[str, ...], detail: str, suggestion: str | None, template: Template
) -> CheckIssue:
    """A 二级 the taxonomy speaks against; the suggestion is for the 二级 (the last path)."""
    return CheckIssue(
        check="taxonomy_level2",
        reason="taxonomy",
        paths=paths,
        message=say(template, "found", reason=say(template, "taxonomy"), detail=detail),
        suggestion=suggestion,
        suggestion_path=paths[-1] if suggestion else None,
    )


# A whole amount is suspect only among at least this many others that all carry the decimals.
_DECIMAL_WITNESSES = 3


def _whole_amount_issues(
    values: dict[str, FieldValue],
    kinds: dict[str, ValueKind],
    ocr_text: dict[str, str | None],
    found: list[CheckIssue],
    template: Template,
) -> list[CheckIssue]:
    """A non-zero amount read with no decimals where every other amount of the document not
    already in doubt carries the form's: one table is typed one way, so its point and decimals
    were likely lost in the reading (`6846.15` read `8846`). A reviewer's value is not judged."""
    decimals = template.amount_decimals
    doubted = {p for issue in found for p in issue.paths}
    places: dict[str, int] = {}
    for path, value in values.items():
        number = as_decimal(value) if kinds[path] == "amount" else None
        if number is not None and number != 0:
            places[path] = _places(number)
    issues = []
    for path, count in places.items():
        others = [n for p, n in places.items() if p != path and p not in doubted]
        if (
            count == 0
            and decimals > 0
            and path in ocr_text
            and path not in doubted
            and len(others) >= _DECIMAL_WITNESSES
            and all(n in template.printed_decimals for n in others)
        ):
            issues.append(
                CheckIssue(
                    check="kind_amount",
                    reason="format",
                    paths=(path,),
                    message=say(
                        template,
                        "found",
                        reason=say(template, "format"),
                        detail=say(template, "whole_amount", decimals=decimals),
                    ),
                )
            )
    return issues


def _required_issues(values: dict[str, FieldValue], template: Template) -> list[CheckIssue]:
    """Required fields left empty, and fields empty beside a value of their row that needs
    them (`required_with`: an indicator's value with no name read beside it)."""
    missing = [path for path in _expand(template.required, values) if is_blank(values[path])]
    for pattern, witness in template.required_with.items():
        beside = witness.rsplit(".", 1)[1]
        for path in _expand([pattern], values):
            row = path.rsplit(".", 1)[0]
            if is_blank(values[path]) and not is_blank(values.get(f"{row}.{beside}")):
                missing.append(path)
    message = say(template, "missing")
    return [
        CheckIssue(check="required", reason="missing", paths=(path,), message=message)
        for path in missing
    ]


# What may follow a form's name on its title line: a bracketed year or region (`（2025年度）`).
_TITLE_TAIL = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")


def _title_issues(title: str | None, template: Template) -> list[CheckIssue]:
    """A title whose form name does not end as the form's name does (`…绩效目标申报` for
    申报表): its last characters were clipped or not read; one whose name ends in none of the
    form's wordings after the words naming the form (`…绩效目标电报表`): a character misread.
    The name is the title's last words on its line, before a bracketed year; a year printed on
    the line under it is left out."""
    if not title:
        return []
    line = _TITLE_TAIL.sub("", title.split("\n")[0]).rstrip()
    end = template.name[-1]
    named = re.search(template.form_title_pattern, line)
    ending = line[named.end() :] if named else None
    if not line or (line.endswith(end) and ending in (None, *template.title_endings)):
        return []
    if not line.endswith(end):
        detail = say(template, "title_cut", end=end)
    elif not template.title_endings:
        return []
    else:
        # a character of the name misread (`绩效目标电报表` for 申报表)
        endings = say(template, "list_separator").join(template.title_endings)
        detail = say(template, "title_misread", found=ending, endings=endings)
    message = say(template, "found", reason=say(template, "format"), detail=detail)
    return [CheckIssue(check="title", reason="format", paths=("title",), message=message)]


def _row_key(row: BaseModel) -> tuple[str, ...] | None:
    fields = [getattr(row, key) for key in type(row).model_fields]
    if all(v is None for v in fields):
        return None
    return tuple(normalize_label(str(v)) if v is not None else "" for v in fields)


def _duplicate_issues(doc: FormDocument, template: Template) -> list[CheckIssue]:
    """Rows repeated word for word (a header or row read twice at a page break)."""
    reason = say(template, "duplicate")
    issues = []
    for name in row_lists(type(doc)):
        rows = getattr(doc, name)
        seen: dict[tuple[str, ...], int] = {}
        for i, row in enumerate(rows):
            key = _row_key(row)
            if key is None:
                continue
            if key in seen:
                issues.append(
                    CheckIssue(
                        check=f"duplicate_{name}",
                        reason="duplicate",
                        paths=tuple(f"{name}[{i}].{k}" for k in type(row).model_fields),
                        message=say(template, "duplicate_of", reason=reason, row=seen[key] + 1),
                    )
                )
            else:
                seen[key] = i
    return issues
