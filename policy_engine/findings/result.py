"""What checking one draft gives: its findings, warnings, the parts that could not be read, and its status.

The evaluation produces a CheckResult; reports, baselines and the batch read it. It lives here, with the
findings, so that nothing that only reads results has to import the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..model import ERROR, NOT_CHECKED, OK, PARTLY_CHECKED, Finding
from ..reading.language import language_name


class UnreadPart(NamedTuple):
    """A run of a draft's prose in a language the rules cannot read, or (value set) a field's value that its
    list of values does not hold, left out."""

    language: str
    sections: tuple[str, ...]   # the headings (or fields) it covers
    first_line: int | None
    last_line: int | None
    value: str = ""             # the value left out ('relief' in "type: relief"); then language is ""

    def to_dict(self) -> dict[str, Any]:
        out = {"language": self.language, "language_name": language_name(self.language),
               "sections": list(self.sections), "lines": [self.first_line, self.last_line],
               "where": self.describe()}
        if self.value:
            out["value"] = self.value
        return out

    def describe(self) -> str:
        """'sections "Dados", "Anexo" (lines 9-14, Portuguese)'; 'field "activities[1].type" (line 44: 'relief'
        is not one of its values)'"""
        if self.value:
            at = f"line {self.first_line}: " if self.first_line is not None else ""
            return f'field "{", ".join(self.sections)}" ({at}\'{self.value}\' is not one of its values)'
        names = ", ".join(f'"{s}"' for s in self.sections)
        where = ("section " if len(self.sections) == 1 else "sections ") + names if self.sections else "text"
        lines = ""
        if self.first_line is not None:
            lines = f"line {self.first_line}" if self.first_line == self.last_line \
                else f"lines {self.first_line}–{self.last_line}"
        return f"{where} ({', '.join(x for x in (lines, language_name(self.language)) if x)})"


@dataclass
class CheckResult:
    path: str
    id: str = ""
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    organisation: str = ""
    title: str = ""
    unread: list[UnreadPart] = field(default_factory=list)
    read_any: bool = True   # some prose (or only structured fields) was read

    @property
    def status(self) -> str:
        """ok, partly_checked (some prose was in a language the rules cannot read, or a value was left out), not_checked
        (none of it could be read), or error (the file could not be read at all)."""
        if self.error is not None:
            return ERROR
        if self.unread:
            return PARTLY_CHECKED if self.read_any else NOT_CHECKED
        return OK
