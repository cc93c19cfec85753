"""A value read again elsewhere in the document: a name read under a seal vouched for, a
misread character mended.

Seal ink over a cell may hide or blur characters, so a value read there is in doubt however
sure the recogniser was. A unit's name is often printed a second time: a 总体目标 paragraph
names the department that sets the goals (`惠州市生态环境局认真履行部门职责…`). Where a
paragraph of the table that no seal covers holds the name read under the seal, as a whole
name, two readings of different ink agree character for character, and the value is vouched
for by their agreement. A reading that lost characters under the seal does not agree: a name
whose first characters were lost sits after other characters in the paragraph (`市生态环境局`
after `惠州`), one whose last were lost ends in no character that ends a unit's name, or right
before one (`惠州市生态环境` before `局`, `某市委` before `办公室`; a name right before such a
character in an ordinary word, `联合会团结`, is left in doubt too). Anything shorter than a
name, or not text (a staff count), is never vouched for this way: a short string or a figure
recurs by chance.

A form prints its words more than once (`残疾人` in a department's task names, indicators and
goals). A character of a value that stands in no word, misread, often sits between neighbours
the document prints elsewhere around one other character (`段疾人两项补贴` where `残疾人` is
printed elsewhere): that character is offered as the mended value's, never put in silently.
"""

import re
from collections.abc import Iterable, Sequence

# The last character of the names of Chinese government units and bodies (局, 委员会, 档案馆,
# 法院, 办公室, 事务中心, 党校, 联合社, 代表团, 管理处, 公司 …).
_UNIT_ENDS = frozenset("局会馆院委办室所站队厅处部心校社团司组")
# A unit's name is longer than this: a place and a body at least (`某市某局`).
_SHORTEST_NAME = 4
# What may stand right before a whole name in running text: the paragraph's start, a
# punctuation mark or a list number.
_BEFORE_NAME = re.compile(r"(?:^|[\d、，。；：,.;:（）()“”\"])$")


def read_again(name: str, paragraphs: Iterable[str]) -> bool:
    """Whether `name`, a unit's name, is printed as a whole name in one of `paragraphs`
    (texts read where no seal covers them). Spaces and line breaks are left out of both: a
    name may wrap in a paragraph."""
    name = "".join(name.split())
    if len(name) < _SHORTEST_NAME or name[-1] not in _UNIT_ENDS:
        return False
    for text in ("".join(p.split()) for p in paragraphs):
        start = text.find(name)
        while start >= 0:
            after = text[start + len(name) : start + len(name) + 1]
            if _BEFORE_NAME.search(text[:start]) and after not in _UNIT_ENDS:
                return True
            start = text.find(name, start + 1)
    return False


# Neighbours of a doubted character matched elsewhere, at most this many on each side and at
# least `_LEAST_CONTEXT` in all: one neighbour recurs around too many characters by chance.
_MOST_CONTEXT = 3
_LEAST_CONTEXT = 2
_HAN = re.compile(r"[\u4e00-\u9fff]")


def mended_from_elsewhere(
    text: str, doubted: Sequence[int], elsewhere: Iterable[str]
) -> str | None:
    """`text` with its doubted character (an index of `doubted`) replaced by the one character
    the document prints between the same neighbours in `elsewhere` (its other texts); None
    where no doubted character, or more than one, is mended so. The widest context that
    occurs elsewhere decides; several characters found there leave the character as read."""
    others = ["".join(other.split()) for other in elsewhere]
    mended = {}
    for i in doubted:
        left_most = _han_reach(text, i, -1)
        right_most = _han_reach(text, i, 1)
        windows = sorted(
            ((left, right) for left in range(left_most + 1) for right in range(right_most + 1)),
            key=lambda w: -(w[0] + w[1]),
        )
        for left, right in windows:
            if left + right < _LEAST_CONTEXT:
                break
            around = re.compile(
                re.escape(text[i - left : i])
                + "([\u4e00-\u9fff])"
                + re.escape(text[i + 1 : i + 1 + right])
            )
            found = {m.group(1) for other in others for m in around.finditer(other)} - {text[i]}
            if found:
                if len(found) == 1:
                    mended[i] = found.pop()
                break
    if len(mended) != 1:
        return None
    ((i, char),) = mended.items()
    return text[:i] + char + text[i + 1 :]


def _han_reach(text: str, i: int, step: int) -> int:
    """How many Han characters, up to `_MOST_CONTEXT`, stand next to `text[i]` going `step`."""
    reach = 0
    while reach < _MOST_CONTEXT and 0 <= i + step * (reach + 1) < len(text):
        if not _HAN.match(text[i + step * (reach + 1)]):
            break
        reach += 1
    return reach
