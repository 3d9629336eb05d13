"""One root exception for every expected failure, so that one handler turns it into a clean message."""

from __future__ import annotations

import re

MAX_MESSAGE_CHARS = 500  # a message quoting a 5,000-digit number or a 3 MB pattern stays one readable line


_ADDRESS = re.compile(r" (?:object )?at 0x[0-9a-fA-F]+")


def shorten(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """text without memory addresses (they would make two runs' reports differ), cut in its middle
    (with the number of characters left out) when longer than limit."""
    text = _ADDRESS.sub("", text) if " at 0x" in text else text
    if len(text) <= limit:
        return text
    keep = limit // 2 - 20
    return f"{text[:keep]}… ({len(text) - 2 * keep} characters left out) …{text[-keep:]}"


class PolicyCheckError(Exception):
    """An expected failure with a message fit for the user.

    Args:
        message: what went wrong, in one line.
        path: the file concerned, if any.
        line: 1-based line in that file, if known.
        column: 1-based column, if known.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        message = shorten(message)
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def location(self) -> str:
        parts = [self.path or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


class InputError(PolicyCheckError):
    """A programme description that cannot be read or checked."""


class RuleError(PolicyCheckError):
    """A rule file (or policy file) that is invalid."""


class EngineError(PolicyCheckError):
    """The evaluation engine refused or failed on a document."""
