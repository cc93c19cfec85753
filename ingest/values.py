"""Printed cell text to contract values (FORM.md, export contract v1).

Amounts become decimal strings without thousands separators, counts become ints, everything
else stays as printed. Look-alike letters are read as digits only for numeric kinds, where a
letter cannot be meant (`1O.5` is 10.5; `Of` in a text is not touched). A numeric cell that
still does not read as a number yields None; its printed text stays in `ocr_text`, which is
what the checks flag as a format problem.
"""

import re
import unicodedata

from ingest.template import ValueKind
from models.contract import FieldValue

_LOOKALIKE_DIGITS = str.maketrans(
    {"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1", "|": "1", "。": "."}
)
# Thousands separators, and spaces OCR puts inside long numbers.
_NUMBER_NOISE = re.compile(r"[,'\s]")
_UNIT_SUFFIX = re.compile(r"(万元|元|人|个|家)$")
_AMOUNT = re.compile(r"-?\d+(\.\d+)?", re.ASCII)
_COUNT = re.compile(r"\d+", re.ASCII)


def _numeric_text(printed: str) -> str:
    text = unicodedata.normalize("NFKC", printed).strip()
    text = _UNIT_SUFFIX.sub("", text)
    return _NUMBER_NOISE.sub("", text).translate(_LOOKALIKE_DIGITS)


def parse_amount(printed: str) -> str | None:
    """`10,891.62` -> "10891.62", `0` -> "0"; None when it is not a number."""
    text = _numeric_text(printed)
    return text if _AMOUNT.fullmatch(text) else None


def parse_count(printed: str) -> int | None:
    """`18` or `18人` -> 18; None when it is not a whole number."""
    text = _numeric_text(printed)
    return int(text) if _COUNT.fullmatch(text) else None


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
