"""Printed cell text to contract values (FORM.md, export contract v1).

Amounts become decimal strings without thousands separators, counts become ints, everything
else stays as printed. Look-alike letters are read as digits only for numeric kinds, where a
letter cannot be meant (`1O.5` is 10.5; `Of` in a text is not touched). A numeric cell that
still does not read as a number yields None; its printed text stays in `ocr_text`, which is
what the checks flag as a format problem.
"""

import re
import unicodedata
from typing import NamedTuple

from ingest.template import ValueKind
from models.contract import FieldValue

_LOOKALIKE_DIGITS = str.maketrans(
    {"O": "0", "o": "0", "〇": "0", "Q": "0", "l": "1", "I": "1", "|": "1", "。": "."}
)
_SEPARATORS = ",' "  # after NFKC: a full-width comma is a comma, an ideographic space a space
_UNIT_SUFFIX = re.compile(r"(万元|人|个|家)$")
_CURRENCY = "¥"  # NFKC turns the full-width ￥ into ¥
_GROUPED = re.compile(r"-?\d{1,3}(?:[,' ]\d{3})+(?:\.\d+)?", re.ASCII)
_AMOUNT = re.compile(r"-?\d+(\.\d+)?", re.ASCII)
_COUNT = re.compile(r"\d+", re.ASCII)

# The kinds of short value whose specks the reading takes off (`without_specks`): names and
# indicator values, printed as words.
SPECKLESS_KINDS: frozenset[ValueKind] = frozenset({"text", "indicator_value"})
# A dot, stroke, dash or bullet at either end of a short value: no name, rate or date of the
# form starts or ends so, and a speck or a rule's stub read with the text looks exactly so.
_EDGE_MARKS = ".,:;'`\"_+-~*^·•●°。，、：；"
# A dot or stray sign after an ideograph and before an ideograph or a digit: Chinese text has
# no such mark there (a decimal point stands between digits), so it is a speck read inside the
# text (`11月.30日`). A middle dot (间隔号) only joins the parts of a foreign name, which no
# value of this form holds; a degree sign is a speck's ring. Commas and semicolons are left
# out: the recogniser reads a printed full-width ， or ； as the half-width one.
_INNER_MARK = re.compile(
    r"(?<=[\u4e00-\u9fff])\s*([.'`\"_~*^·•°。])\s*(?=[\u4e00-\u9fff\d])"
    r"|(?<=\d)\s*([·•])\s*(?=[\u4e00-\u9fff])"  # a middle dot after a digit too (`30·日`)
)
# The same mark between a number and its measure word (`7775.人次`): a decimal point is
# followed by a digit, and nothing stands between a number and its unit.
_UNIT_MARK = re.compile(r"(?<=\d)\s*([.'`\"_~*^·•°])\s*(?=[万元人个项次家场件台套户天倍])")


class NumberReading(NamedTuple):
    """A number read from text, or why it was refused (Chinese, for the reviewer)."""

    value: str | None
    problem: str | None = None


def read_number(printed: str, *, lookalikes: bool = False) -> NumberReading:
    """Printed or typed text as a plain decimal string, by explicit rules, never by guessing.

    - full-width digits and punctuation are normalised (NFKC; `。` counts as a point);
    - a separator (comma, apostrophe, space) is accepted only between groups of three digits
      before the point: `10,891.62` and `72 807.38` are numbers, `49,41` and `4,9.41` are not,
      because a comma there may be a decimal point typed on the wrong key;
    - a trailing 万元 (the form's unit) and a leading ￥ are dropped; 元 alone is refused, since
      the form counts in 万元 and a yuan figure must be converted by a person;
    - with `lookalikes` (text read by OCR), O, Q, l, I and | are digits.
    """
    text = unicodedata.normalize("NFKC", printed).strip()
    text = _UNIT_SUFFIX.sub("", text).strip().removeprefix(_CURRENCY).strip()
    if lookalikes:
        text = text.translate(_LOOKALIKE_DIGITS)
    if text.endswith("元"):
        return NumberReading(None, "本栏单位为万元，请换算为万元后填写（如 494100元 填 49.41）")
    if any(sep in text for sep in _SEPARATORS):
        if not _GROUPED.fullmatch(text):
            return NumberReading(
                None, "逗号或空格只能用作千位分隔符（每三位一组，如 10,891.62），小数点请用“.”"
            )
        text = re.sub(r"[,' ]", "", text)
    if not _AMOUNT.fullmatch(text):
        return NumberReading(None, f"“{printed.strip()}”不是数字")
    return NumberReading(text)


def parse_amount(printed: str) -> str | None:
    """`10,891.62` -> "10891.62", `0` -> "0"; None when it is not a number (`read_number`)."""
    return read_number(printed, lookalikes=True).value


def parse_count(printed: str) -> int | None:
    """`18` or `18人` -> 18; None when it is not a whole number."""
    text = read_number(printed, lookalikes=True).value
    return int(text) if text is not None and _COUNT.fullmatch(text) else None


def normalize_value(printed: str, kind: ValueKind) -> FieldValue:
    """The contract value of a cell's text for a field of `kind`; None for an empty cell."""
    text = printed.strip()
    if not text:
        return None
    if kind == "amount":
        return parse_amount(text)
    if kind == "count":
        return parse_count(text)
    if kind in ("taxonomy1", "taxonomy2"):
        # An indicator level is one word; a line break in it is only the cell's wrapping.
        return "".join(text.split())
    return text


def edge_mark(text: str) -> str | None:
    """The speck-like mark at either end of `text` (`_EDGE_MARKS`), if any."""
    stripped = text.strip()
    for char in (stripped[:1], stripped[-1:]):
        if char and char in _EDGE_MARKS:
            return char
    return None


def without_edge_marks(text: str) -> str:
    return text.strip().strip(_EDGE_MARKS).strip()


def inner_mark(text: str) -> str | None:
    """The first speck-like mark inside `text` (between words, or a number and its unit)."""
    for pattern in (_INNER_MARK, _UNIT_MARK):
        if found := pattern.search(text):
            return next(g for g in found.groups() if g)
    return None


def without_inner_marks(text: str) -> str:
    return _UNIT_MARK.sub("", _INNER_MARK.sub("", text))


def without_specks(text: str) -> str:
    """A short value read with specks (`合理使用各项经费.`, `预算控制·98%以内`) as printed:
    what the checks take for a speck at its ends or inside taken off; empty where nothing
    else is left."""
    return without_inner_marks(without_edge_marks(text))
