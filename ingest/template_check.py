"""A template checked against the contract it fills: a typo in a field path would otherwise load
quietly and lose the value it names, with no flag; a message a check needs would otherwise fail
mid-document (`ingest.messages`). Each mistake is reported with the path of
the YAML entry (`load_template` turns it into a file and line)."""

import types
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin

from pydantic import BaseModel

import models.project  # noqa: F401  (the second form's contract, registered for templates)
from ingest.messages import message_problems
from models.contract import Amount, contract_for

if TYPE_CHECKING:
    from ingest.template import SectionSpec, Template

# What a value of each kind is stored as in the contract.
_NUMBER_KINDS = {"amount": Amount, "count": int}


def _leaf_type(annotation: Any) -> Any:
    """`Amount | None` -> Amount; `list[Task]` -> Task; other types as they are."""
    if get_origin(annotation) in (Union, types.UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        if len(options) > 1:
            return annotation  # a free-form value (`str | int`): no template field is one
        (annotation,) = options
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation)
    return annotation


def contract_paths(model: type[BaseModel]) -> dict[str, Any]:
    """Every value path a template may name (`budget.total`, `tasks.amount`), with the type the
    contract stores it as."""
    paths: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        leaf = _leaf_type(info.annotation)
        if isinstance(leaf, type) and issubclass(leaf, BaseModel):
            paths.update({f"{name}.{sub}": t for sub, t in contract_paths(leaf).items()})
        else:
            paths[name] = leaf
    return paths


def _kind_fits(kind: str, stored: Any) -> bool:
    if kind in _NUMBER_KINDS:
        return stored == _NUMBER_KINDS[kind]
    return stored is str  # every other kind is text (Amount is an Annotated str, not str)


Problem = tuple[tuple[Any, ...], str]  # where in the YAML, what is wrong


def _printed_row_problems(width: int, section: "SectionSpec", at: tuple[Any, ...]) -> list[Problem]:
    """A block's printed rows fill the `width` columns right of its label, name only the
    section's headers and pairs, and print every pair once (a pair not printed could not be
    seen or corrected)."""
    problems: list[Problem] = []
    fields = [pair.field for pair in section.pairs]
    printed: set[str] = set()
    for j, row in enumerate(section.printed_rows):
        cells = len(row.headers) or 2 * len(row.pairs)
        if cells != width:
            problems.append(
                ((*at, j), f"fills {cells} columns, not the {width} right of the label")
            )
        for text in row.headers:
            if text not in section.headers:
                problems.append(((*at, j, "headers"), f"'{text}' is not a header of the section"))
        for path in row.pairs:
            if path not in fields:
                problems.append(((*at, j, "pairs"), f"'{path}' is not a pair of the section"))
            elif path in printed:
                problems.append(((*at, j, "pairs"), f"'{path}' is printed twice"))
            printed.add(path)
    problems += [(at, f"'{path}' is not printed") for path in fields if path not in printed]
    return problems


def template_problems(template: "Template", paths: dict[str, Any] | None = None) -> list[Problem]:
    """Field paths the contract lacks, kinds it cannot store, checks and carried columns that
    name nothing, messages the checks need that are missing or misfilled, and taxonomy entries
    that name no 二级指标."""
    if paths is None:
        try:
            paths = contract_paths(contract_for(template.schema_id))
        except ValueError as exc:
            return [(("schema",), str(exc))]
    problems: list[Problem] = []

    def field(loc: tuple[Any, ...], path: str, kind: str | None) -> None:
        if path not in paths:
            problems.append((loc, f"'{path}' is not a field of the contract"))
        elif kind is not None and not _kind_fits(kind, paths[path]):
            problems.append((loc, f"kind '{kind}' cannot be stored in '{path}'"))

    for i, section in enumerate(template.sections):
        at = ("sections", i)
        if section.field:
            field((*at, "field"), section.field, section.kind)
        for j, pair in enumerate(section.pairs):
            field((*at, "pairs", j, "field"), pair.field, pair.kind)
            if pair.code_field:
                field((*at, "pairs", j, "code_field"), pair.code_field, "text")
        keys = {c.key for c in section.columns}
        for j, column in enumerate(section.columns):
            field((*at, "columns", j, "key"), section.field_of(column), column.kind)
        if section.halves is not None:
            field((*at, "halves", "field"), f"{section.list}.{section.halves.field}", None)
            for key in section.halves.shared:
                if key not in keys:
                    problems.append(((*at, "halves"), f"'{key}' is not a column of the section"))
            for half in section.halves.beyond_year:
                if half not in section.halves.values:
                    problems.append(((*at, "halves"), f"'{half}' is not a half of the section"))
        for key in section.carry_down:
            if key not in keys:
                problems.append(((*at, "carry_down"), f"'{key}' is not a column of the section"))
        if section.printed_rows:
            problems += _printed_row_problems(template.columns - 1, section, (*at, "printed_rows"))
    for i, path in enumerate(template.required):
        field(("required", i), path.replace("[*]", ""), None)
    for path, witness in template.required_with.items():
        for checked in (path, witness):
            field(("required_with", path), checked.replace("[*]", ""), None)
        if path.rsplit(".", 1)[0] != witness.rsplit(".", 1)[0]:
            problems.append((("required_with", path), f"'{witness}' is not of the same row"))
    for i, path in enumerate(template.place_fields):
        field(("place_fields", i), path, None)
    for i, check in enumerate(template.checks):
        for side in ("left", "right"):
            for term in getattr(check, side):
                field(("checks", i, side), term.replace("[*]", ""), None)
    problems += message_problems(template)
    level2s = {l2 for l2s in template.taxonomy.values() for l2 in l2s}
    for key in ("indicator_value_kinds", "level2_variants"):
        for name in getattr(template, key):
            if name not in level2s:
                problems.append(((key, name), f"'{name}' is not a 二级指标 of the taxonomy"))
    return problems
