"""What the checks tell reviewers, by key of the template's `messages`: the sentences are the
form's words and live in its folder, so rewording one (or a form in another wording) changes
no code.

`say` fills a message's named placeholders. `message_problems` runs when a template loads: a
message a check of that form may tell but the template lacks, or one naming a placeholder the
check does not fill, fails there with its file and line, not in the middle of a document.
"""

import string
from collections.abc import Mapping

from ingest.template import Template

Placeholders = tuple[str, ...]

# Every form needs these: its title is text (a speck at an edge), its year a count, any list
# of rows may hold a row read twice, any rows section may lose rows or shift a column
# (`ingest.completeness`), and any page or line may end nowhere (`ingest.accounting`).
_EVERY_FORM: dict[str, Placeholders] = {
    "format": (),
    "found": ("reason", "detail"),  # a reason's text, then what was found
    "mark_at_edge": ("mark",),
    "specks_removed": ("read",),  # the value is the text read without its specks
    "mark_inside": ("mark",),
    "list_number": ("number",),
    "digit_at_end": ("digit",),
    "rare_character": ("char",),
    "unworded_pair": ("pair",),
    "title_cut": ("end",),  # the title does not end as the form's name
    "title_misread": ("found", "endings"),  # the form's name ends in none of its wordings
    "value_is_label": ("label",),  # a value that reads as one of the form's printed labels
    "lookalike_character": ("char", "other"),
    "unreadable_mark": ("mark",),
    "repeated_run": ("run",),
    "count_name": (),  # `what` of the number messages for a count
    "not_a_number": ("what",),
    "not_whole": ("what",),
    "letters_in_number": ("what",),
    "negative": ("what",),
    "leading_zero": ("what",),
    "duplicate": (),
    "duplicate_of": ("reason", "row"),
    # where and what, in the sentences below: a page, items of a list, a column's label
    "page": ("page",),
    "list_separator": (),
    "column_named": ("column",),
    # a rows section ({section}: its label) that lost rows or shifted a column; {pages}: the
    # `page` of each, joined by the `list_separator`
    "no_rows": ("section",),
    "rows_unread": ("section", "count", "pages"),
    "rows_partly_unread": ("section", "count", "pages"),
    "page_without_rows": ("section", "page"),
    "stacked_rows": ("section", "count", "pages"),
    "rows_read_as_one": ("section", "count", "pages"),
    "column_shift": ("section", "empty", "full"),
    # a one-value section ({section}) with a row's cells side by side: a row of the rows
    # section before it ({owner}), or its own text cut
    "rows_in_value": ("section", "count", "pages", "owner"),
    "value_cut": ("section", "count", "pages"),
    # a page ({page}) or a line ({text}) that ended nowhere
    "unassigned_text": ("page", "text"),
    "page_failed": ("page",),
    "page_without_table": ("page",),
    "page_table_unplaced": ("page",),
}
_PERCENT: dict[str, Placeholders] = {
    "percent_over_100": (),
    "percent_sign_missing": (),
    "percent_without_number": (),
}
_LOOKALIKE: dict[str, Placeholders] = {"letters_in_digits": (), "letters_only": ("letters",)}
# Those a value kind brings, where a field or an indicator's 二级 has that kind.
_BY_KIND: dict[str, dict[str, Placeholders]] = {
    "long_text": {
        "no_words": (),  # a paragraph that is a mark or two read as text
        "paragraph_ends_open": ("mark",),  # its end cut off
        "paragraph_starts_open": ("mark",),  # its start cut off, or a list number lost
        "lone_letter": ("letter",),  # a stroke or a garbled stretch read as a letter
        "double_mark": ("marks",),  # two clause marks in a row: one a speck
        "item_misnumbered": ("found", "expected"),  # a list's number, or an item, lost
    },
    "amount": {
        "amount_name": (),  # `what` of the number messages for an amount
        "too_many_decimals": ("decimals",),
        "too_few_decimals": ("decimals",),
        "whole_amount": ("decimals",),
    },
    "percent": {**_LOOKALIKE, **_PERCENT},
    "date_or_period": {
        **_LOOKALIKE,
        **_PERCENT,  # a rate (资金支付及时率 100%) is judged as a percentage
        "date_after_year": ("year",),
        "year_unlikely": (),
        "month_unlikely": (),
        "day_unlikely": (),
        "not_date_or_period": (),
    },
    "indicator_value": {
        **_LOOKALIKE,
        "percent_without_number": (),
        "operator_alone": ("operator",),
        "operator_without_number": ("operator",),
    },
}
# Those of a form whose rows carry the taxonomy's 一级/二级.
_TAXONOMY: dict[str, Placeholders] = {
    "taxonomy": (),
    "not_level1": ("value",),
    "not_level2": ("value",),
    "level2_under": ("level2", "level1"),
    "level2_unread": ("level1", "level2"),
    "rate_without_percent": (),  # an indicator named as a rate, its value a bare number
    "level1_absent": ("section", "absent"),  # `absent`: the 一级 with no row, joined
    "level2_order": ("section", "level1", "level2"),
    "joined_levels": ("section", "count", "pages"),
}
# Those of a form with a taxonomy: a row whose own column ({columns}: each `column_named`,
# joined) holds a 一级 or 二级 name, in a section with the levels or in one without them.
_LEVEL_NAMES: dict[str, Placeholders] = {
    "level_names_shifted": ("section", "count", "columns"),
    "level_rows_in_section": ("section", "count", "columns"),
    "names_in_levels": ("section", "count", "pages"),
}
# Those of a form naming places in its fields: a name that is no known division, the names it
# may be (`place_named` each, joined by the `list_separator`; `place_more` after the first few).
_PLACES: dict[str, Placeholders] = {
    "place_unknown": ("found", "names"),
    "place_named": ("name",),
    "place_more": ("names",),
}
# Those of a form printing a table in two halves side by side.
_HALVES: dict[str, Placeholders] = {"halves_one_row": ("section", "count", "pages")}


def needed_messages(template: Template) -> dict[str, Placeholders]:
    """The messages the checks may tell for documents of `template`, with the placeholders
    each is filled with."""
    needed = dict(_EVERY_FORM)
    kinds = {*template.kinds_by_key().values(), *template.indicator_value_kinds.values()}
    for kind in sorted(kinds):
        needed.update(_BY_KIND.get(kind, {}))
    if template.levels_section() is not None:
        needed.update(_TAXONOMY)
    if template.taxonomy:
        needed.update(_LEVEL_NAMES)
    if any(section.halves is not None for section in template.sections):
        needed.update(_HALVES)
    if template.required:
        needed["missing"] = ()
    if template.place_fields:
        needed.update(_PLACES)
    return needed


def say(template: Template, key: str, **values: object) -> str:
    """The template's message `key` with its placeholders filled from `values`."""
    return template.messages[key].format(**values)


def _placeholders(text: str) -> set[str]:
    """The names a message's placeholders use; ValueError for a malformed one."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def message_problems(template: Template) -> list[tuple[tuple[object, ...], str]]:
    """Messages the checks need that the template lacks, and placeholders they do not fill."""
    problems: list[tuple[tuple[object, ...], str]] = []
    messages: Mapping[str, str] = template.messages
    for key, filled in needed_messages(template).items():
        if key not in messages:
            problems.append((("messages",), f"'{key}' is missing: a check of this form tells it"))
            continue
        try:
            unknown = sorted(_placeholders(messages[key]) - set(filled))
        except ValueError as exc:
            problems.append((("messages", key), f"not a message with placeholders: {exc}"))
            continue
        if unknown:
            offered = ", ".join(f"{{{name}}}" for name in filled) or "none"
            told = f"{{{unknown[0]}}} is not filled here (placeholders: {offered})"
            problems.append((("messages", key), told))
    return problems
