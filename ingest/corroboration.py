"""A name read under a seal, read again where no seal is.

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
"""

import re
from collections.abc import Iterable

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
