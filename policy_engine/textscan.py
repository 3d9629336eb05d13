"""Sentences, normalisation and text patterns.

Patterns run on Google's RE2 engine, which guarantees time linear in the text: a rule author
cannot write a pattern that backtracks catastrophically. Text and patterns are both normalised
(case-folded, accents stripped) so that 'résidence', 'Residence' and 'residencia' are matched by
patterns written plainly, and RE2's ASCII word boundaries work for English, Spanish and French.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Optional, Tuple

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


if TYPE_CHECKING:
    Words = Optional[Tuple[bytes, ...]]  # one of which every match contains; None: unknown (prefilter.py)


_BAD = object()


def _from_store(entry: Any) -> Any:
    """Stored words (a list of strings, or None) as Words; _BAD when the entry is not that."""
    if entry is None:
        return None
    if type(entry) is list and entry:  # no words would mean "cannot match": never stored so
        try:
            return tuple(map(str.encode, entry))  # UTF-8
        except TypeError:  # not a string
            pass
    return _BAD


class PatternSet:
    """Patterns per language ('*' = every language). Each language's patterns are joined into one RE2
    alternation, compiled on first use: a run over English drafts never compiles the French ones.

    A single check need not compile even that: regex_within compiles only the patterns, and the
    vocabulary terms, whose words occur in the text at hand (see prefilter.py).
    """

    def __init__(self, expanded: Mapping[str, str], sources: Mapping[str, tuple[str, ...]],
                 parts: Mapping[str, tuple[str, ...]] | None = None,
                 vocabulary: Mapping[str, Mapping[str, list[str]]] | None = None) -> None:
        self.expanded = expanded if isinstance(expanded, dict) else dict(expanded)  # language -> the joined pattern, vocabulary expanded
        self.sources = dict(sources)     # language -> the patterns as written
        self._parts = dict(parts or {})  # language -> each pattern expanded (an _Expansions fills it lazily)
        self._vocabulary = vocabulary if vocabulary is not None else {}
        self._compiled: dict[str, object] = {}
        self._partial: dict[str, tuple[bytes, object]] = {}  # language -> (the text, its regex)
        self._literals: dict[str, tuple[bytes, ...] | None] = {}
        self._part_words: dict[str, list[Words]] = {}
        # Prefilter words as the rule-set cache stored them (rulecache.py), read when first needed:
        # of each pattern (language -> a list, one entry a pattern) and of each vocabulary term
        # ((list name, language) -> one entry a term; shared by a rule set's patterns). Entries
        # are lists of strings or None; one missing or of another shape is derived instead.
        self.stored_words: dict[str, Any] = {}
        self.stored_terms: Mapping[tuple[str, str], Any] = {}

    def languages(self) -> set[str]:
        return set(self.sources)

    def _key(self, language: str) -> str | None:
        key = language if language in self.expanded else "*"
        return key if key in self.expanded else None

    def covers(self, language: str) -> bool:
        """Whether some pattern applies to drafts in this language (its own, or '*')."""
        return self._key(language) is not None

    def pattern_for(self, language: str) -> str | None:
        """The joined pattern a draft in this language is read with ('*' when it has none of its
        own), or None when no pattern applies to the language."""
        key = self._key(language)
        return None if key is None else self.expanded[key]

    def regex_for(self, language: str) -> object | None:
        key = self._key(language)
        if key is None:
            return None
        regex = self._compiled.get(key)
        if regex is None:
            regex = self._compiled[key] = compile_pattern(self.expanded[key])
        return regex

    def is_compiled(self, language: str) -> bool:
        return (language if language in self.expanded else "*") in self._compiled

    def literals_for(self, language: str) -> tuple[bytes, ...] | None:
        """Words one of which any match contains (see prefilter.py), or None when unknown."""
        key = self._key(language)
        if key is None:
            return None
        if key not in self._literals:
            from .prefilter import literals
            self._literals[key] = literals(self.expanded[key])
        return self._literals[key]

    def parts_for(self, language: str) -> tuple[str, ...]:
        """The language's patterns, each vocabulary-expanded: expanded[language] is their alternation."""
        key = self._key(language)
        if key is None:
            return ()
        if key not in self._parts:
            self._parts[key] = self.expanded.parts(key)  # type: ignore[attr-defined]
        return self._parts[key]

    def regex_within(self, language: str, text: bytes) -> object | None:
        """A regex that finds in text, and in any piece of it, exactly what regex_for(language) finds;
        None when nothing can match there.

        A pattern, or a term of a vocabulary list, none of whose words occur in the text can match
        nowhere in it. Leaving it out of its alternation changes no match: RE2 tries alternatives
        in order at the leftmost position, and one that cannot match never was the one taken. So
        only what can match is compiled, often a small part of the whole. That regex is kept for
        this text only (a test's exceptions are read on the same text); another text gets the
        whole alternation, which serves every text (several files in one check).
        """
        key = self._key(language)
        if key is None:
            return None
        if key in self._compiled:
            return self._compiled[key]  # already paid for (explain, a batch, a test)
        from .prefilter import literals
        words = self._part_words.get(key)
        if words is None:
            stored = self.stored_words.get(key)
            words = [_from_store(w) for w in stored] if type(stored) is list else []
            if len(words) != len(self.sources[key]) or _BAD in words:
                words = [literals(part) for part in self.parts_for(key)]
            self._part_words[key] = words
        needed = [i for i, w in enumerate(words) if w is None or any(word in text for word in w)]
        if not needed:
            return None
        partial = self._partial.get(key)
        if partial is not None:
            return partial[1] if partial[0] == text else self.regex_for(language)
        present: dict[tuple[str, int], bool] = {}

        def keep(name: str, index: int, term: str) -> bool:
            known = present.get((name, index))
            if known is None:
                table = self.stored_terms.get((name, key))
                found = _from_store(table[index]) if type(table) is list and index < len(table) else _BAD
                if found is _BAD:
                    found = literals(expand(term, self._vocabulary, key, (name,)))
                known = present[(name, index)] = found is None or any(word in text for word in found)
            return known

        sources = self.sources[key]
        body = "|".join(f"(?:{expand(sources[i], self._vocabulary, key, keep=keep)})" for i in needed)
        regex = compile_pattern(body)
        self._partial[key] = (text, regex)
        return regex

    def search(self, language: str, text: str) -> bool:
        regex = self.regex_for(language)
        return regex is not None and regex.search(text) is not None  # type: ignore[attr-defined]


_NEVER = r"[^\x00-\x{10FFFF}]"  # a class with no character: matches nothing


def vocabulary_terms(vocabulary: Mapping[str, Mapping[str, list[str]]], name: str, language: str) -> list[str]:
    """The terms of a list for a language: its own, else those for every language, else all."""
    terms = vocabulary[name].get(language) or vocabulary[name].get("*")
    if terms is None:
        terms = [t for lang_terms in vocabulary[name].values() for t in lang_terms]
    return terms


def expand(pattern: str, vocabulary: Mapping[str, Mapping[str, list[str]]], language: str,
           _seen: tuple[str, ...] = (), keep: Callable[[str, int, str], bool] | None = None) -> str:
    """Replace {name} by the vocabulary's alternation of terms for the language.

    Terms may themselves use {other} lists (a phrase list built on a term list); a list that
    refers back to itself is refused. With keep, a term for which keep(list name, index, term)
    is false is left out, and a list left with no term matches nothing.
    """

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in vocabulary:
            raise PatternError(f"unknown vocabulary term list {{{name}}}")
        if name in _seen:
            raise PatternError(f"vocabulary term list {{{name}}} refers to itself "
                               f"({' -> '.join(_seen + (name,))})")
        terms = vocabulary_terms(vocabulary, name, language)
        seen = _seen + (name,)
        if keep is None:
            return "(?:" + "|".join(expand(t, vocabulary, language, seen) for t in terms) + ")"
        kept = [expand(t, vocabulary, language, seen, keep) for i, t in enumerate(terms) if keep(name, i, t)]
        return "(?:" + ("|".join(kept) if kept else _NEVER) + ")"

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
        self._parts: dict[str, tuple[str, ...]] = {}

    def parts(self, language: str) -> tuple[str, ...]:
        """Each of the language's patterns, expanded."""
        if language not in self._parts:
            self._parts[language] = tuple(expand(p, self._vocabulary, language) for p in self._raw[language])
        return self._parts[language]

    def _expand(self, language: str) -> str:
        value = "|".join(f"(?:{part})" for part in self.parts(language))
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
    if not validate:
        return lazy_patterns(raw, vocabulary)
    sources = {language: tuple(patterns) for language, patterns in raw.items()}
    expanded: dict[str, str] = {}
    parts: dict[str, tuple[str, ...]] = {}
    for language, patterns in raw.items():
        bodies = parts[language] = tuple(expand(pattern, vocabulary, language) for pattern in patterns)
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
    return PatternSet(expanded, sources, parts, vocabulary)


def lazy_patterns(raw: dict[str, list[str]], vocabulary: Mapping[str, Mapping[str, list[str]]]) -> PatternSet:
    """Patterns (language -> list, languages sorted) already validated: expanded when first needed."""
    sources = {language: tuple(patterns) for language, patterns in raw.items()}
    return PatternSet(_Expansions(raw, vocabulary), sources, vocabulary=vocabulary)


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
