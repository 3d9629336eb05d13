"""Sentences, normalisation and text patterns.

Patterns run on Google's RE2 engine, which guarantees time linear in the text: a rule author
cannot write a pattern that backtracks catastrophically. Text and patterns are both normalised
(case-folded, accents stripped) so that 'résidence', 'Residence' and 'residencia' are matched by
patterns written plainly, and RE2's ASCII word boundaries work for English, Spanish and French.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable, Iterator, Mapping

import re2

_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # errors become our own messages, not lines on stderr
_RE2_OPTIONS.max_mem = 8 << 20   # a pattern whose automaton needs more is refused

MAX_UNIT_CHARS = 2000  # a 'sentence' longer than this is cut into pieces of this size

# A sentence ends at . ! ? before a word that is not lower-case (so 'e.g. this' and 1.5 stay whole),
# at ';', at a blank line, or before a bullet.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^a-z])|(?<=;)\s+|\n\s*\n|\n(?=\s*(?:[-*+•]|\d+[.)])\s)")
_VOCAB_REF = re.compile(r"\{([a-z_][a-z0-9_]*)\}")  # a letter first: {2} is a repeat


def normalise(text: str) -> str:
    """Case-fold, strip accents and collapse white space."""
    folded = text.casefold()
    if not folded.isascii():
        folded = "".join(ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch))
    return " ".join(folded.split())  # split() and re's \s agree on what white space is


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


class PatternSet:
    """Patterns per language ('*' = every language). Each language's patterns are joined into one RE2
    alternation, compiled on first use: a run over English drafts never compiles the French ones."""

    def __init__(self, expanded: Mapping[str, str], sources: Mapping[str, tuple[str, ...]]) -> None:
        self.expanded = expanded if isinstance(expanded, dict) else dict(expanded)  # language -> the joined pattern, vocabulary expanded
        self.sources = dict(sources)     # language -> the patterns as written
        self._compiled: dict[str, object] = {}
        self._literals: dict[str, tuple[bytes, ...] | None] = {}

    def languages(self) -> set[str]:
        return set(self.sources)

    def regex_for(self, language: str) -> object | None:
        key = language if language in self.expanded else "*"
        if key not in self.expanded:
            return None
        regex = self._compiled.get(key)
        if regex is None:
            regex = self._compiled[key] = compile_pattern(self.expanded[key])
        return regex

    def is_compiled(self, language: str) -> bool:
        return (language if language in self.expanded else "*") in self._compiled

    def literals_for(self, language: str) -> tuple[bytes, ...] | None:
        """Words one of which any match contains (see prefilter.py), or None when unknown."""
        key = language if language in self.expanded else "*"
        if key not in self.expanded:
            return None
        if key not in self._literals:
            from .prefilter import literals
            self._literals[key] = literals(self.expanded[key])
        return self._literals[key]

    def search(self, language: str, text: str) -> bool:
        regex = self.regex_for(language)
        return regex is not None and regex.search(text) is not None  # type: ignore[attr-defined]


def expand(pattern: str, vocabulary: Mapping[str, Mapping[str, list[str]]], language: str,
           _seen: tuple[str, ...] = ()) -> str:
    """Replace {name} by the vocabulary's alternation of terms for the language.

    Terms may themselves use {other} lists (a phrase list built on a term list); a list that
    refers back to itself is refused.
    """

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in vocabulary:
            raise PatternError(f"unknown vocabulary term list {{{name}}}")
        if name in _seen:
            raise PatternError(f"vocabulary term list {{{name}}} refers to itself "
                               f"({' -> '.join(_seen + (name,))})")
        terms = vocabulary[name].get(language) or vocabulary[name].get("*")
        if terms is None:
            terms = [t for lang_terms in vocabulary[name].values() for t in lang_terms]
        return "(?:" + "|".join(expand(t, vocabulary, language, _seen + (name,)) for t in terms) + ")"

    return _VOCAB_REF.sub(substitute, pattern)


def strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


# An escape (\S, \p{Lu}, \x41) or a run of ordinary characters.
_ESCAPE_OR_TEXT = re.compile(r"(\\[pP](?:\{[^}]*\}|.)|\\x\{[^}]*\}|\\.)|([^\\]+)", re.DOTALL)


def fold_case(pattern: str) -> str:
    """Case-fold a pattern as the text is folded, leaving escapes alone (\\S must not become \\s)."""
    return _ESCAPE_OR_TEXT.sub(lambda m: m.group(1) or m.group(2).casefold(), pattern)


def _bounded(pattern: str) -> str:
    """A pattern as RE2 runs it: word-bounded and folded (case, accents) like the text it reads.

    The text is already case-folded, so the pattern is folded too rather than compiled with
    RE2's (?i), which doubles compile time.
    """
    return r"\b(?:" + fold_case(strip_accents(pattern)) + r")\b"


def compile_pattern(pattern: str) -> object:
    """Compile one pattern (see _bounded)."""
    try:
        return re2.compile(_bounded(pattern), _RE2_OPTIONS)
    except re2.error as exc:
        detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        detail = detail.split(": ", 1)[0]  # RE2 appends our internal wrapping; keep only the reason
        raise PatternError(f"invalid pattern {pattern!r}: {detail}") from None


_SET_OPTIONS = re2.Options()
_SET_OPTIONS.log_errors = False
# A Set runs on RE2's DFA alone. Its states are built as text needs them and kept in a cache that
# this budget bounds (reset when full), so memory stays flat however many drafts pass. Measured on
# our rule set: ordinary prose needs a few MB; at 16 MB the program left the cache too little room
# and every sentence rebuilt states (30x slower); text built to defeat the cache costs time, never
# more memory than this.
_SET_OPTIONS.max_mem = 64 << 20
_PROBE = b"\x00policy-check-probe\x00"  # cannot occur in a sentence: they hold no NUL


class MultiPattern:
    """Many patterns searched in one pass: which of them occur in a text (an RE2 Set).

    One pass over a sentence answers for every pattern at once, where a search per pattern reads
    it once each and also works out where the match is; a batch of drafts needs only the former.

    Args:
        patterns: (id, pattern) pairs, patterns as PatternSet.expanded holds them.

    Raises:
        PatternError: the Set cannot be built or does not work (its DFA could not start). A Set
            that fails answers "no match" rather than an error, so a probe pattern is added and
            must be found before the Set is trusted.
    """

    def __init__(self, patterns: Iterable[tuple[int, str]]) -> None:
        self._ids: list[int | None] = [None]
        self._set = re2.Set.SearchSet(_SET_OPTIONS)
        self._set.Add(re2.escape(_PROBE))
        for ident, pattern in patterns:
            self._set.Add(_bounded(pattern))
            self._ids.append(ident)
        try:
            self._set.Compile()
        except re2.error:
            raise PatternError("the patterns are too large to search as one Set") from None
        if self._set.Match(_PROBE) != [0]:
            raise PatternError("the pattern Set did not find its probe")

    def __len__(self) -> int:
        return len(self._ids) - 1

    def matches(self, text: bytes) -> list[int]:
        """The ids of the patterns that occur in text (UTF-8), in increasing order."""
        found = self._set.Match(text)
        if not found:
            return []
        return sorted(ident for ident in map(self._ids.__getitem__, found) if ident is not None)


class _Expansions(dict):  # type: ignore[type-arg]
    """language -> joined pattern, expanded from the vocabulary on first use of each language,
    so that a run over English drafts never expands the Spanish and French lists."""

    def __init__(self, raw: Mapping[str, list[str]], vocabulary: Mapping[str, Mapping[str, list[str]]]) -> None:
        super().__init__()
        self._raw = raw
        self._vocabulary = vocabulary

    def _expand(self, language: str) -> str:
        value = "|".join(f"(?:{expand(p, self._vocabulary, language)})" for p in self._raw[language])
        super().__setitem__(language, value)
        return value

    def __getitem__(self, language: str) -> str:
        if dict.__contains__(self, language):
            return dict.__getitem__(self, language)
        if language not in self._raw:
            raise KeyError(language)
        return self._expand(language)

    def __contains__(self, language: object) -> bool:
        return language in self._raw

    def get(self, language: str, default: Any = None) -> Any:  # type: ignore[override]
        return self[language] if language in self._raw else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def keys(self) -> Any:  # type: ignore[override]
        return self._raw.keys()

    def items(self) -> Any:  # type: ignore[override]
        return [(language, self[language]) for language in self._raw]

    def values(self) -> Any:  # type: ignore[override]
        return [self[language] for language in self._raw]


def compile_patterns(spec: list[str] | Mapping[str, list[str]],
                     vocabulary: Mapping[str, Mapping[str, list[str]]], validate: bool = True) -> PatternSet:
    """Prepare a rule's pattern list (one list, or a list per language).

    With validate, each language's alternation is expanded and compiled once now, and only if that
    fails is each pattern compiled alone, to name the one at fault. Without it (a rule folder
    already validated), expansion waits until a language is first needed.
    """
    per_language: Mapping[str, list[str]] = spec if isinstance(spec, Mapping) else {"*": list(spec)}
    raw = {language: list(patterns) for language, patterns in sorted(per_language.items())}
    sources = {language: tuple(patterns) for language, patterns in raw.items()}
    if not validate:
        return PatternSet(_Expansions(raw, vocabulary), sources)
    expanded: dict[str, str] = {}
    for language, patterns in raw.items():
        bodies = [expand(pattern, vocabulary, language) for pattern in patterns]
        expanded[language] = "|".join(f"(?:{b})" for b in bodies)
        try:
            compile_pattern(expanded[language])
        except PatternError:
            for pattern, body in zip(patterns, bodies):
                try:
                    compile_pattern(body)
                except PatternError as exc:
                    raise PatternError(str(exc).replace(repr(body), repr(pattern), 1)) from None
            raise
    return PatternSet(expanded, sources)


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
