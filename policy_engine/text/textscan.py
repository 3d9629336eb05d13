"""Sentences, normalisation, and the rare text pattern.

Rules read prose through concepts (prose/). A regular expression is only an escape hatch for
forms that are not wording: a reference number, a date. Such patterns run on Google's RE2 engine,
which guarantees time linear in the text, so a rule author cannot write one that backtracks
catastrophically. Text and patterns are both normalised (case-folded, accents stripped).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Iterable, Iterator, Mapping

MAX_UNIT_CHARS = 2000  # a 'sentence' longer than this is cut into pieces of this size

# A sentence ends at . ! ? (and Arabic ؟) before a word that is not lower-case (so 'e.g. this' and
# 1.5 stay whole), also when bold marks, a quote or a bracket close after it ("**No targets.** The"),
# at ';' (and ؛), at a blank line, or before a bullet.
# (a new line that opens a list item - a bullet, "3)", "b)" - starts a new sentence, and so does one that opens
# on a short capitalised label and a colon: a letter's "To: ... / Date: ... / Subject: ..." lines are fields)
CLOSING_MARKS = "[*_\"”’»)]"  # what may close after a sentence's full stop (documents' short-cut reads it too)
_SENTENCE_END = re.compile(r"(?:(?<=[.!?؟])|(?<=[.!?؟]" + CLOSING_MARKS + r")|(?<=[.!?؟]" + CLOSING_MARKS
                           + r"{2}))\s+(?=[^a-z])"
                           r"|(?<=[;؛])\s+|\n\s*\n|\n(?=\s*(?:[-*+•]|\d+[.)]|[a-z][.)])\s)"
                           r"|\n(?=[ \t]*[*_]{0,2}[A-ZÀ-ÖØ-Þ][^\W\d_]*(?:[ \t][^\W\d_]+){0,2}[*_]{0,2}:[*_]{0,2}[ \t])")


class _Marks(dict):  # type: ignore[type-arg]
    """str.translate's table that drops combining marks: each character is judged once, then
    looked up in C (a Python test per character cost a check ~3% of its time)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        if len(self) < 65536:
            self[code] = kept
        return kept


_MARKS = _Marks()


def strip_marks(text: str) -> str:
    """Text without accents and other combining marks ('é' -> 'e')."""
    return text if text.isascii() else unicodedata.normalize("NFKD", text).translate(_MARKS)


def normalise(text: str) -> str:
    """Case-fold, strip accents and collapse white space."""
    return " ".join(strip_marks(text.casefold()).split())  # split() and re's \s agree on what white space is


def sentences(text: str, first_line: int | None) -> Iterator[tuple[int | None, str]]:
    """Split text into sentences, each with its 1-based line (None when the text has no line)."""
    position = 0
    line = first_line
    for match in _SENTENCE_END.finditer(text + "\n\n"):
        chunk = text[position:match.start()]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            at = None if line is None else line + chunk.count("\n", 0, lead)
            for start in range(0, len(stripped), MAX_UNIT_CHARS):
                yield at, stripped[start:start + MAX_UNIT_CHARS]
        if line is not None:
            line += text.count("\n", position, match.end())
        position = match.end()
        if position >= len(text):
            break


class PatternError(ValueError):
    """A text pattern that cannot be compiled; the message says why."""


@lru_cache(maxsize=1)
def _re2() -> tuple[Any, Any]:
    """RE2 and its options, imported when a rule first uses a pattern: most rule folders have none,
    and importing it cost every check 2.5 ms (bench/check_latency)."""
    import re2

    options = re2.Options()
    options.log_errors = False  # errors become our own messages, not lines on stderr
    options.max_mem = 8 << 20   # a pattern whose automaton needs more is refused
    return re2, options


def compile_pattern(pattern: str) -> object:
    """Compile one pattern, word-bounded and folded (case, accents) like the text it reads."""
    re2, options = _re2()
    try:
        return re2.compile(r"\b(?:" + strip_marks(pattern).casefold() + r")\b", options)
    except re2.error as exc:
        detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        detail = detail.split(": ", 1)[0]  # RE2 appends our internal wrapping; keep only the reason
        raise PatternError(f"invalid pattern {pattern!r}: {detail}") from None


class TextPatterns:
    """A text test's patterns: one list for every language ('*'), or a list per language."""

    def __init__(self, sources: Mapping[str, Iterable[str]]) -> None:  # (rule files give lists)
        self.sources = {language: tuple(patterns) for language, patterns in sorted(sources.items())}
        self._compiled = {language: [compile_pattern(p) for p in patterns]
                          for language, patterns in self.sources.items()}

    def languages(self) -> set[str]:
        return set(self.sources)

    def covers(self, language: str) -> bool:
        return language in self._compiled or "*" in self._compiled

    def search(self, language: str, text: str) -> bool:
        """Whether a pattern for the language (or for every language) occurs in normalised text."""
        regexes = self._compiled.get(language, self._compiled.get("*", ()))
        return any(regex.search(text) is not None for regex in regexes)  # type: ignore[attr-defined]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextPatterns) and self.sources == other.sources

    def __hash__(self) -> int:
        return hash(tuple(self.sources.items()))


def iter_strings(value: object, path: str) -> Iterable[tuple[str, str]]:
    """Every string leaf under value, with its path (a.b[0])."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from iter_strings(child, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from iter_strings(child, f"{path}[{index}]")
