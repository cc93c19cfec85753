"""Every page and every text line of a document ends somewhere, and the export says where.

A page ends as its table read into the form, as blank (no ink), or as unread: ink but no table,
a table none of whose cells went into a field, or a page whose reading failed. An unread page
is a `page_unread` document flag.

A text line (one recognised line, in a cell of the table or around it) ends as part of a field
value, as a template label or header (a repeated header row the stitcher dropped included), as
page text the template knows (title, unit line, page number, signature lines), or in an
`unassigned_text` document flag with its page, box and text: one flag per cell whose text no
field holds, and one per line around the table that is none of the above. A line that is not
text at all (a stroke of a photo's paper edge) never becomes a line (`ingest.ocr.assign`).

A task or indicator whose rows hold such a cell has its fields in doubt: the cell is most often
part of one of them that a false rule cut off (a name read as its first characters, the rest
in a cell of its own), so each field of the item is flagged, not only the document. So has a
pair (项目名称, 主管部门及代码) read from those rows, or from a row a value cell spanning them
reaches: rules lost there shift where each pair's value begins and ends.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.artifacts import BBox, MappingTrace, PageTable, Table, union_box
from ingest.labels import fold_label, match_label
from ingest.mapping import outside_lines
from ingest.messages import say
from ingest.template import Template
from models.contract import (
    DocumentFlag,
    DocumentFlagReason,
    FieldRecord,
    PageAccount,
    PageOutcome,
    ReadingAccount,
    contract_for,
)

QUOTED_CHARS = 40  # characters of an unassigned text quoted in its message
# A line around the table whose characters are at least this share template labels is labels.
LABEL_COVERAGE = 0.8
# A page's cell that is part of no cell of the table is placed when a field holds its text
# whole, this many characters or more (shorter text, such as 100%, could be any field's).
HELD_CHARS = 6


def _plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _trimmed(text: str) -> str:
    """A line without spaces and without the marks at its ends (dashes around a page number,
    a speck read as a dot or quote after it)."""
    compact = "".join(text.split())
    first = next((i for i, ch in enumerate(compact) if ch.isalnum()), len(compact))
    last = next((i for i in range(len(compact) - 1, -1, -1) if compact[i].isalnum()), -1)
    return compact[first : last + 1]


@dataclass(frozen=True)
class Accounting:
    """Where the pages and lines ended, and the document flags for those that ended nowhere."""

    account: ReadingAccount
    flags: tuple[DocumentFlag, ...]
    # fields of items and pairs whose rows hold unassigned cells
    doubtful: frozenset[str] = frozenset()


@dataclass
class _PageTally:
    lines: int = 0
    placed: int = 0
    value_cells: int = 0


class _Accountant:
    def __init__(self, table: Table, trace: MappingTrace, template: Template) -> None:
        self.trace = trace
        self.template = template
        self.contract = contract_for(template.schema_id)
        self.labels = template.printed_labels()
        self.page_text = [re.compile(p) for p in template.page_text]
        self.title = re.compile(template.title_pattern)
        self.pieces: dict[int, list[tuple[BBox, tuple[int, int]]]] = defaultdict(list)
        self.rows_of: dict[tuple[int, int], set[int]] = {}  # the logical rows a cell spans
        for cell in table.cells:
            self.rows_of[(cell.row, cell.col)] = set(range(cell.row, cell.row + cell.row_span))
            for piece in cell.pieces:
                self.pieces[piece.page].append((piece.bbox, (cell.row, cell.col)))
        self.value_text = "\n".join(
            _plain(c.text) for c in table.cells if (c.row, c.col) in trace.value_cells
        )
        self.section_of_row = {row: key for key, rows in trace.section_rows.items() for row in rows}
        self.wordings = {fold_label(w) for ws in self.labels.values() for w in ws} - {""}
        self.outside: dict[int, list[tuple[str, BBox, bool]]] = defaultdict(list)
        for page, tokens in outside_lines(table):
            text = "".join(t.text for t in tokens)
            known = self._known(text, [t.text for t in tokens])
            self.outside[page].append((text, union_box(t.bbox for t in tokens), known))
        self.flags: list[DocumentFlag] = []
        self.unheld_rows: set[int] = set()  # logical rows holding a cell no field took

    def _is_label(self, text: str) -> bool:
        return match_label(text, self.labels) is not None

    def _known(self, text: str, runs: list[str]) -> bool:
        """Whether a line around the table is still known to the template: page text, the
        title printed again at the top of a later page, or template labels."""
        trimmed = _trimmed(text)
        if self.title.search(trimmed) or any(p.search(trimmed) for p in self.page_text):
            return True
        return self._labels_only(text, runs)

    def _labels_only(self, text: str, runs: list[str]) -> bool:
        """Whether text no field holds is template labels: a header row whose rule above was
        not seen is read above the frame, or two header cells as one, as one run or a run per
        cell, rule stubs read with it."""
        if self._is_label(text) or all(self._is_label(run) for run in runs):
            return True
        folded = fold_label(text)
        covered = [False] * len(folded)
        for wording in self.wordings:
            start = folded.find(wording)
            while start >= 0:
                covered[start : start + len(wording)] = [True] * len(wording)
                start = folded.find(wording, start + 1)
        return bool(folded) and sum(covered) >= LABEL_COVERAGE * len(folded)

    def _unassigned(self, page: int, bbox: BBox, text: str, section: str | None) -> None:
        quoted = " ".join(text.split())
        if len(quoted) > QUOTED_CHARS:
            quoted = quoted[:QUOTED_CHARS] + "…"
        self.flags.append(
            DocumentFlag(
                reason=DocumentFlagReason.UNASSIGNED_TEXT,
                section=self.contract.flag_section(section),
                page=page + 1,
                bbox=list(bbox),
                text=text,
                message=say(self.template, "unassigned_text", page=page + 1, text=quoted),
            )
        )

    def pairs_in_doubt(self, fields: Iterable[FieldRecord]) -> set[str]:
        """The pair fields read from a row holding a cell no field took, or from a row a value
        cell spanning such a row reaches."""
        pairs = {path for section in self.template.sections for path in section.pair_paths}
        rows = set(self.unheld_rows)
        for key in self.trace.value_cells:
            if self.rows_of.get(key, set()) & self.unheld_rows:
                rows |= self.rows_of[key]
        doubtful = set()
        for record in fields:
            if record.path not in pairs or record.page is None or record.bbox is None:
                continue
            key = self._owner(record.page - 1, tuple(record.bbox))
            if key is not None and self.rows_of.get(key, set()) & rows:
                doubtful.add(record.path)
        return doubtful

    def _page_unread(self, page: int, message: str, bbox: BBox | None, text: str | None) -> None:
        self.flags.append(
            DocumentFlag(
                reason=DocumentFlagReason.PAGE_UNREAD,
                page=page + 1,
                bbox=list(bbox) if bbox else None,
                text=text or None,
                message=message,
            )
        )

    def _owner(self, page: int, box: BBox) -> tuple[int, int] | None:
        """The logical cell a page's cell is part of: the one whose piece on the page is that
        cell, else holds its centre (an office file's cells are boxed on its print from row and
        column bands, not from the printed cells); None for one the stitcher dropped."""
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        holding = None
        for piece, key in self.pieces.get(page, ()):
            if piece == box:
                return key
            if holding is None and piece[0] <= x <= piece[2] and piece[1] <= y <= piece[3]:
                holding = key
        return holding

    def cells(self, page: PageTable, tally: _PageTally) -> None:
        for cell in page.cells:
            key = self._owner(page.page, cell.cell.bbox)
            # Text a field holds whole, in a cell part of no cell of the table (an office file's
            # cell cut by a page break, whose part on the next page its print does not box).
            plain = _plain(cell.text) if key is None else ""
            held = len(plain) >= HELD_CHARS and plain in self.value_text
            if key in self.trace.value_cells or held:
                tally.value_cells += 1
            if not cell.tokens:
                continue
            tally.lines += len(cell.tokens)
            placed = key in self.trace.value_cells or key in self.trace.label_cells or held
            # Page text is not looked for in a cell: a lost "100%" must not pass for a page
            # number.
            if placed or self._labels_only(cell.text, [t.text for t in cell.tokens]):
                tally.placed += len(cell.tokens)
            else:
                section = self.section_of_row.get(key[0]) if key else None
                self._unassigned(page.page, cell.cell.bbox, cell.text, section)
                if key:
                    self.unheld_rows.add(key[0])

    def around(self, page: int, tally: _PageTally) -> None:
        titles = set(self.trace.title_lines)
        for text, box, known in self.outside[page]:
            tally.lines += 1
            if (page, box) in titles or known:
                tally.placed += 1
            else:
                self._unassigned(page, box, text, None)

    def page(self, index: int, page: PageTable | None) -> PageAccount:
        tally = _PageTally()
        if page is None:
            message = say(self.template, "page_failed", page=index + 1)
            self._page_unread(index, message, None, None)
            return PageAccount(page=index + 1, outcome=PageOutcome.UNREAD)
        self.cells(page, tally)
        self.around(index, tally)
        outcome = PageOutcome.TABLE
        if page.grid is None or not page.cells:
            boxes = [box for _, box, _ in self.outside[index]] + list(page.unread)
            if not boxes:
                outcome = PageOutcome.BLANK
            else:
                outcome = PageOutcome.UNREAD
                text = "\n".join(text for text, _, _ in self.outside[index])
                message = say(self.template, "page_without_table", page=index + 1)
                self._page_unread(index, message, union_box(boxes), text)
        elif tally.value_cells == 0:
            outcome = PageOutcome.UNREAD
            message = say(self.template, "page_table_unplaced", page=index + 1)
            self._page_unread(index, message, page.grid.bbox, None)
        return PageAccount(
            page=index + 1, outcome=outcome, text_lines=tally.lines, placed_lines=tally.placed
        )


def account(
    page_tables: list[PageTable],
    table: Table,
    trace: MappingTrace,
    template: Template,
    pages: int,
    fields: Iterable[FieldRecord] = (),
) -> Accounting:
    """Where each of the document's `pages` and each line read on them ended; a page with no
    `PageTable` (its reading failed) is unread. `fields` (where each was read) tells which
    pairs a row holding an unplaced cell puts in doubt."""
    accountant = _Accountant(table, trace, template)
    by_index = {p.page: p for p in page_tables}
    count = max([pages, *(i + 1 for i in by_index)])
    accounts = [accountant.page(i, by_index.get(i)) for i in range(count)]
    doubtful = {
        f"{name}[{i}].{column.key}"
        for section in template.sections
        if section.layout == "rows"
        for name in [section.list or section.key]
        for i, rows in enumerate(trace.item_rows.get(name, ()))
        if accountant.unheld_rows.intersection(rows)
        for column in section.columns
    } | accountant.pairs_in_doubt(fields)
    lines = sum(a.text_lines for a in accounts)
    placed = sum(a.placed_lines for a in accounts)
    return Accounting(
        account=ReadingAccount(
            pages=accounts,
            text_lines=lines,
            placed_lines=placed,
            placed_share=round(placed / lines, 4) if lines else None,
        ),
        flags=tuple(accountant.flags),
        doubtful=frozenset(doubtful),
    )
