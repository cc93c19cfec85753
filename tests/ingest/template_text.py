"""Edits of a template's text, for tests of what a template that lacks something does."""


def without_message(text: str, key: str) -> str:
    """A template's text without its message `key` (its line and any folded lines under it)."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  {key}:"))
    end = start + 1
    while end < len(lines) and lines[end].startswith("    "):
        end += 1
    return "".join(lines[:start] + lines[end:])
