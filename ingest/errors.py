"""Typed errors, so callers can tell bad input (a 4xx, no retry) from internal faults."""


class InputRejected(Exception):
    """The upload itself is unusable; retrying cannot help. `code` is stable for clients."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class UnknownTemplate(Exception):
    """The pages hold a table, but not one this template describes."""


class TemplateError(ValueError):
    """The template YAML is malformed; the message names the file and line."""
