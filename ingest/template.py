"""The form template: sections, label variants, taxonomy, value kinds and checks, from YAML.

A malformed file raises `TemplateError` naming the file and the line of the offending entry.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ingest.errors import TemplateError

DEFAULT_TEMPLATE = Path(__file__).parent / "forms" / "department_overall" / "template.yaml"

ValueKind = Literal[
    "text",
    "long_text",
    "amount",
    "count",
    "percent",
    "date_or_period",
    "indicator_value",
    "taxonomy1",
    "taxonomy2",
]
# Kinds whose cells normally hold several lines and span rows and pages: paragraphs and the
# merged 一级/二级 labels. Every other kind is one entry, wrapped at most.
SPANNING_KINDS: frozenset[str] = frozenset({"long_text", "taxonomy1", "taxonomy2"})
LEVEL_KINDS: frozenset[str] = frozenset({"taxonomy1", "taxonomy2"})  # a taxonomy's 一级/二级


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PairSpec(_Spec):
    field: str
    labels: tuple[str, ...] = Field(min_length=1)
    kind: ValueKind
    # How a reviewer and an export name the field where the printed label is ambiguous (the
    # same label in a 中期 and a 年度 column).
    title: str | None = None
    # A field the cell's leading code goes to (`[015001]武汉市青山区教育局`: the code here, the
    # name in `field`).
    code_field: str | None = None


class ColumnSpec(_Spec):
    key: str
    labels: tuple[str, ...] = Field(min_length=1)
    kind: ValueKind


class HalvesSpec(_Spec):
    """A rows section whose printed row holds two items side by side (a 中期 and a 年度
    indicator): the columns after the first half's last column are the second half's, except
    `shared` ones printed once for both. Each item records its half in `field`."""

    field: str
    values: tuple[str, str]
    titles: dict[str, str] = Field(default_factory=dict)  # half -> how reviewers name it
    shared: tuple[str, ...] = ()
    # Words of a section label or of a title row above the header that name one half, for a
    # table printed with one half only; with none of them, it is the `single` half.
    names: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    single: str
    # Halves planned over several years (中期 2021–2023): their dates may fall after the form's
    # year.
    beyond_year: tuple[str, ...] = ()

    def named(self, text: str) -> str | None:
        """The one half a label, a title row or a reviewer names (`中期绩效指标`, printed
        upright or not), None for none or both."""
        plain = "".join(text.split())
        named = {h for h, words in self.names.items() if any(w in plain for w in words)}
        return named.pop() if len(named) == 1 else None


class PrintedRow(_Spec):
    """One row of a block as the paper prints it, right of the section label: a header text
    per column, or pairs by field, each a label cell and its value cell."""

    headers: tuple[str, ...] = ()
    pairs: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _headers_or_pairs(self) -> "PrintedRow":
        if bool(self.headers) == bool(self.pairs):
            raise ValueError("a printed row holds either 'headers' or 'pairs'")
        return self


class SectionSpec(_Spec):
    key: str
    labels: tuple[str, ...] = Field(min_length=1)
    # value: the cells right of the label; pairs: label/value cells; rows: a header row naming
    # the columns of a list's items; headed: a header row naming the field of each cell under
    # it (`columns` keys are field paths; a single cell with no header is the last field).
    layout: Literal["value", "pairs", "rows", "headed"]
    field: str | None = None
    kind: ValueKind | None = None
    optional: bool = False
    # Optional sections a form prints all or none of (the narrative rows): where one is read,
    # the others were printed too, and one not read is missing, not unprinted.
    printed_with: str | None = None
    headers: tuple[str, ...] = ()
    pairs: tuple[PairSpec, ...] = ()
    # Pairs printed from the first column on: every row of the section begins with a pair's
    # label instead of the section's merged label.
    labels_in_first_column: bool = False
    list: str | None = None
    columns: tuple[ColumnSpec, ...] = ()
    carry_down: tuple[str, ...] = ()
    halves: HalvesSpec | None = None
    # A pairs block the paper prints otherwise than two pairs a row in order (header rows
    # between them, pairs side by side out of order): its rows, as the review page and the
    # XLSX form sheet lay it out.
    printed_rows: tuple[PrintedRow, ...] = ()
    # How the exports name the section (its table, the column of its field) where the paper's
    # first label is longer than a sheet or column needs (`预算` for 预算整体情况).
    title: str | None = None

    @model_validator(mode="after")
    def _layout_fields(self) -> "SectionSpec":
        if self.layout == "value" and not (self.field and self.kind):
            raise ValueError("a 'value' section needs 'field' and 'kind'")
        if self.layout == "pairs" and not self.pairs:
            raise ValueError("a 'pairs' section needs 'pairs'")
        if self.layout == "rows" and not (self.list and self.columns):
            raise ValueError("a 'rows' section needs 'list' and 'columns'")
        if self.layout == "headed" and not self.columns:
            raise ValueError("a 'headed' section needs 'columns'")
        if self.halves is not None and self.layout != "rows":
            raise ValueError("only a 'rows' section has 'halves'")
        if self.printed_rows and self.layout != "pairs":
            raise ValueError("only a 'pairs' section has 'printed_rows'")
        if self.printed_with is not None and not self.optional:
            raise ValueError("only an optional section is 'printed_with' others")
        return self

    @property
    def pair_paths(self) -> tuple[str, ...]:
        """Every field the section's pairs fill: each pair's value and, where the paper prints
        one with it, its code."""
        return tuple(path for pair in self.pairs for path in (pair.field, pair.code_field) if path)

    def heading(self) -> str:
        """The section's name in the exports: its `title`, else its first printed label."""
        return self.title or self.labels[0]

    def field_of(self, column: ColumnSpec) -> str:
        """The path key of a column: `list.key` for a rows section, the key itself (a field
        path) for a headed one."""
        return f"{self.list}.{column.key}" if self.layout == "rows" else column.key


class CheckSpec(_Spec):
    id: str
    rule: Literal["sum_equal", "sum_at_most"]
    left: tuple[str, ...] = Field(min_length=1)
    right: tuple[str, ...] = Field(min_length=1)
    tolerance_per_term: float = Field(ge=0)
    reason: str
    message: str


class Template(_Spec):
    id: str
    schema_id: str = Field(alias="schema")  # the export contract the form fills
    name: str
    title_pattern: str
    form_title_pattern: str
    # How a title's form name may end after `form_title_pattern` (表, 申报表); none: not judged
    title_endings: tuple[str, ...] = ()
    columns: int = Field(ge=2)
    amount_decimals: int = Field(ge=0, le=6)
    # Other decimals a printing of the form uses for a whole table (万元 to the 元: four).
    other_amount_decimals: tuple[int, ...] = ()
    sections: tuple[SectionSpec, ...] = Field(min_length=1)
    taxonomy: dict[str, tuple[str, ...]]
    level1_variants: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    level2_variants: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    indicator_value_kinds: dict[str, ValueKind] = Field(default_factory=dict)
    required: tuple[str, ...] = ()
    # A row's field required where another of the same row holds a value (`indicators[*].name`
    # where `indicators[*].value` is printed): a figure is never printed without its name.
    required_with: dict[str, str] = Field(default_factory=dict)
    checks: tuple[CheckSpec, ...] = ()
    messages: dict[str, str] = Field(default_factory=dict)  # reason code -> text for reviewers
    operators: tuple[str, ...] = ()  # comparison words an indicator value may start or end with
    period_words: tuple[str, ...] = ()  # 时效指标 values that name a period instead of a date
    # Terms of budget work a general word list lacks (运维 for 运行维护): words, not misreadings
    words: tuple[str, ...] = ()
    # Fields that name a department, a unit or a place (`title`, `department`): the division
    # names in them are checked against the known ones (`ingest.places`)
    place_fields: tuple[str, ...] = ()
    # Patterns (over a line with its whitespace removed) of text printed around the table that
    # belongs to the page rather than to a field: unit line, page number, attachment mark.
    page_text: tuple[str, ...] = ()

    @field_validator("page_text", "form_title_pattern")
    @classmethod
    def _patterns_compile(cls, patterns: tuple[str, ...] | str) -> tuple[str, ...] | str:
        for pattern in (patterns,) if isinstance(patterns, str) else patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {pattern!r}: {exc}") from exc
        return patterns

    @property
    def printed_decimals(self) -> tuple[int, ...]:
        """The decimals the form's amounts are printed with, fewest first."""
        return tuple(sorted({self.amount_decimals, *self.other_amount_decimals}))

    def section(self, key: str) -> SectionSpec:
        return next(s for s in self.sections if s.key == key)

    def levels_section(self) -> SectionSpec | None:
        """The rows section whose items carry the taxonomy's 一级/二级 (the indicators), None
        for a form without one; its `list` names the items in the contract."""
        return next(
            (
                s
                for s in self.sections
                if s.layout == "rows" and any(c.kind in LEVEL_KINDS for c in s.columns)
            ),
            None,
        )

    def kinds_by_key(self) -> dict[str, ValueKind]:
        """Value kind per field path with list indices dropped (`tasks.amount`, `budget.x`)."""
        kinds: dict[str, ValueKind] = {}
        for section in self.sections:
            if section.field and section.kind:
                kinds[section.field] = section.kind
            for pair in section.pairs:
                kinds[pair.field] = pair.kind
                if pair.code_field:
                    kinds[pair.code_field] = "text"
            for column in section.columns:
                kinds[section.field_of(column)] = column.kind
            if section.halves is not None:
                kinds[f"{section.list}.{section.halves.field}"] = "text"
        return kinds

    def half_keys(self) -> frozenset[str]:
        """The fields naming the half of the table an item was printed in (`indicators.scope`):
        told once per table by a label or title, they are no cell of the item's row."""
        return frozenset(
            f"{s.list}.{s.halves.field}" for s in self.sections if s.halves is not None
        )

    def printed_labels(self) -> dict[str, tuple[str, ...]]:
        """Every wording the form prints as a label: section labels, pair labels, headers,
        column headers (one by one, and a rows section's header row read as one line) and the
        taxonomy's 一级/二级 names, keyed by what they name."""
        labels: dict[str, tuple[str, ...]] = {}
        for section in self.sections:
            labels[section.key] = section.labels
            labels.update({f"header:{h}": (h,) for h in section.headers})
            labels.update({pair.field: pair.labels for pair in section.pairs})
            labels.update({section.field_of(c): c.labels for c in section.columns})
            if section.halves is not None:
                labels.update({f"half:{h}": words for h, words in section.halves.names.items()})
            if section.columns:
                row = "".join(c.labels[0] for c in section.columns)
                labels[f"header_row:{section.key}"] = (row,)
        labels.update(self.taxonomy_names())
        return labels

    def level1_wordings(self, level1: str) -> tuple[str, ...]:
        """The wordings a 一级 of the taxonomy is printed in: its name, then its variants."""
        return (level1, *self.level1_variants.get(level1, ()))

    def level2_wordings(self, level2: str) -> tuple[str, ...]:
        """The wordings a 二级 of the taxonomy is printed in: its name, then its variants."""
        return (level2, *self.level2_variants.get(level2, ()))

    def taxonomy_names(self) -> dict[str, tuple[str, ...]]:
        """Every 一级 and 二级 of the taxonomy -> the wordings it is printed in."""
        names = {level1: self.level1_wordings(level1) for level1 in self.taxonomy}
        names.update({l2: self.level2_wordings(l2) for l2s in self.taxonomy.values() for l2 in l2s})
        return names

    def level1_wording(self, level1: str, printed: Iterable[str]) -> str:
        """The words a 一级 told by the taxonomy (not read) stands in on the paper.

        A form printing its 一级 in more than one wording (`产出指标` or `项目完成指标`) keeps to
        one version of its template throughout a document: the wordings the document prints
        readably (`printed`, any cell texts) name that version by their place in the
        template's lists, so beside a printed `项目效益指标` (效益指标's first variant) 产出指标
        stands as `项目完成指标`. With no such wording printed, or versions mixed, the
        taxonomy's own name."""
        place: dict[str, int] = {}
        for name in self.taxonomy:
            wordings = self.level1_wordings(name)
            if len(wordings) > 1:  # a 一级 printed one way only tells no version
                place.update({normalize_label(w): k for k, w in enumerate(wordings)})
        seen = {place[key] for text in printed if (key := normalize_label(text)) in place}
        if len(seen) != 1:
            return level1
        (version,) = seen
        wordings = self.level1_wordings(level1)
        return wordings[version] if version < len(wordings) else level1

    def canonical_level1(self, level1: str) -> str:
        """The taxonomy's 一级 a printed wording names (`项目完成指标` -> 产出指标)."""
        key = normalize_label(level1)
        for canonical in self.taxonomy:
            if key in {normalize_label(v) for v in self.level1_wordings(canonical)}:
                return canonical
        return level1

    def lone_wording(self, text: str, level: int) -> bool:
        """Whether `text` is a wording of the taxonomy's `level` (1 or 2) that no change of one
        character turns into another of that level (数量指标 and 质量指标 are one apart), and
        no piece of another (服务对象 of 服务对象满意度指标, a line's end lost): where one of
        its characters is in doubt, the closed list vouches for it."""
        if level == 1:
            printed = [w for l1 in self.taxonomy for w in self.level1_wordings(l1)]
        else:
            l2s = [l2 for names in self.taxonomy.values() for l2 in names]
            printed = [w for l2 in l2s for w in self.level2_wordings(l2)]
        wordings = {normalize_label(w) for w in printed}
        key = normalize_label(text)
        others = wordings - {key}
        return key in wordings and not any(_one_apart(key, w) or key in w for w in others)

    def only_level2(self, level1: str) -> str | None:
        """The one 二级 a 一级 holds (满意度指标: 服务对象满意度指标), which an unread or garbled
        二级 beside it can only be; None where the taxonomy leaves a choice or does not know
        the 一级."""
        children = self.taxonomy.get(self.canonical_level1(level1), [])
        return children[0] if len(children) == 1 else None

    def level1_of(self, level2: str) -> str | None:
        """The 一级指标 a (possibly variant) 二级指标 belongs to."""
        canonical = self.canonical_level2(level2)
        return next((l1 for l1, l2s in self.taxonomy.items() if canonical in l2s), None)

    def canonical_level2(self, level2: str) -> str:
        key = normalize_label(level2)
        for canonical, variants in self.level2_variants.items():
            if key in {normalize_label(v) for v in (canonical, *variants)}:
                return canonical
        for l2s in self.taxonomy.values():
            for l2 in l2s:
                if normalize_label(l2) == key:
                    return l2
        return level2


_INDEX = re.compile(r"\[\d+\]")


def kind_key(path: str) -> str:
    """`indicators[12].value` -> `indicators.value`, the key of `Template.kinds_by_key`."""
    return _INDEX.sub("", path)


_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "[", "】": "]", "〔": "[", "〕": "]"})


def normalize_label(text: str) -> str:
    """Compare labels as a reader would: width, spacing and line breaks do not matter."""
    text = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    return "".join(text.split())


class _LineLoader(yaml.SafeLoader):
    """Records the source line of every mapping, mapping value and list item, for errors."""


class _Listed(list):
    """A YAML list that remembers the line of each item."""

    lines: list[int]


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = {
        loader.construct_object(key): value.start_mark.line + 1 for key, value in node.value
    }
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> list:
    items = _Listed(loader.construct_sequence(node, deep=True))
    items.lines = [item.start_mark.line + 1 for item in node.value]
    return items


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _strip_lines(obj: object) -> object:
    if isinstance(obj, dict):
        return {k: _strip_lines(v) for k, v in obj.items() if k not in ("__line__", "__lines__")}
    if isinstance(obj, list):
        return [_strip_lines(v) for v in obj]
    return obj


def _line_of(raw: object, loc: tuple) -> int | None:
    """The line of the deepest entry of `loc` that the file has."""
    line = raw.get("__line__") if isinstance(raw, dict) else None
    node = raw
    for part in loc:
        if isinstance(node, dict) and part in node.get("__lines__", {}):
            line = node["__lines__"][part]
        elif isinstance(node, _Listed) and isinstance(part, int) and part < len(node.lines):
            line = node.lines[part]
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return line


def load_template(path: Path = DEFAULT_TEMPLATE) -> Template:
    """Parse and validate a template file; errors say which file and line to fix."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise TemplateError(f"{path}: the top level must be a mapping")
    try:
        template = Template.model_validate(_strip_lines(raw))
    except ValidationError as exc:
        first = exc.errors()[0]
        raise TemplateError(_where(path, raw, tuple(first["loc"]), first["msg"])) from exc
    from ingest.template_check import template_problems

    if problems := template_problems(template):
        raise TemplateError("\n".join(_where(path, raw, loc, msg) for loc, msg in problems))
    return template


def _where(path: Path, raw: dict, loc: tuple, message: str) -> str:
    line = _line_of(raw, loc)
    where = f"line {line}" if line else "top level"
    return f"{path}, {where}: {'.'.join(str(p) for p in loc)}: {message}"


@lru_cache(maxsize=8)
def default_template() -> Template:
    return load_template(DEFAULT_TEMPLATE)


def _one_apart(a: str, b: str) -> bool:
    """Whether one character changed, added or dropped turns `a` into `b`."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    if abs(len(a) - len(b)) != 1:
        return False
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
