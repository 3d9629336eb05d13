"""Section topics: which heading puts the text under it into which topic (rules/sections.yaml).

A topic lists, per language, words and short phrases; a heading belongs to a topic when it contains
one of them as whole words, in order ("Eligibility criteria", "Criterios de elegibilidad"). Case and
accents do not matter, and a plural in -s or -es counts as the word. A topic marked
`reads_as: context` (Background, Context) describes the situation: what it says about others is
not the programme's plan (see prose/reader.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import InputError, RuleError
from ..files.inputfile import read_bytes
from ..files.yamlsrc import Located, join
from ..text.forms import fold

OTHER_TOPIC = "other"   # text under a heading that names no known topic
READS_AS = ("plan", "context")
_WORD = re.compile(r"[^\W_]+")  # on folded text: combining marks are already gone
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(text)))


class Sections(NamedTuple):
    topics: tuple[str, ...]                                  # in file order
    phrases: tuple[tuple[str, tuple[str, ...]], ...]         # (topic, heading words), file order
    context_topics: frozenset[str]
    source: str
    # letters some languages write onto the front of a word (Arabic و، ال: "والتمويل" is "and the
    # funding"), from the language files: a heading word with them still names its topic
    attached: tuple[str, ...] = ()

    def with_languages(self, languages: Any) -> "Sections":
        """These sections, reading headings with the attached letters of the given languages."""
        from ..text.forms import fold

        written: set[str] = set()
        for cues in languages.values():
            prefixes = {fold(p) for p in cues.prefixes}
            articles = {fold(a) for a in cues.articles}
            attached = {fold(p) for p, words in cues.prefixes.items() if words and set(fold(words).split()) <= articles}
            written |= prefixes | {p + a for p in prefixes for a in attached}  # و + ال: "والتمويل"
        return self._replace(attached=tuple(sorted(written, key=lambda p: (-len(p), p))))

    def __hash__(self) -> int:
        # cheap, for the look-up cache below: hashing every phrase on each heading cost a draft
        # ~0.5 ms (equal sections still hash equal; a cache hit is the same object)
        return hash((self.source, self.topics, len(self.phrases), self.attached))

    def topics_for(self, heading: str) -> tuple[str, ...]:
        """The topics a heading names, in file order (none: the heading names no known topic)."""
        return _topics_for(self, heading)


@lru_cache(maxsize=16)
def _by_first_word(sections: Sections) -> tuple[dict[str, list[tuple[str, tuple[str, ...]]]], frozenset[str]]:
    """The phrases by their first word, and the first letters of the attached prefixes."""
    index: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for topic, phrase in sections.phrases:
        index.setdefault(phrase[0], []).append((topic, phrase))
    return index, frozenset(p[0] for p in sections.attached if p)


@lru_cache(maxsize=8192)  # the same headings recur across a batch of drafts
def _topics_for(sections: Sections, heading: str) -> tuple[str, ...]:
    # Each word of the heading is looked up as the first word of a phrase (as it is, without a
    # plural ending, without an attached prefix), so a heading costs its length, not the number of
    # phrases: a draft of thousands of headings is read in time.
    words = _words(heading)
    index, starts = _by_first_word(sections)
    spans: list[tuple[str, int, int]] = []  # (topic, first word, word after the phrase)
    for start, word in enumerate(words):
        keys = {word}
        if word.endswith("s"):
            keys.add(word[:-1])
            if word.endswith("es"):
                keys.add(word[:-2])
        if word and word[0] in starts:
            keys.update(word[len(p):] for p in sections.attached if len(word) > len(p) and word.startswith(p))
        for key in keys:
            for topic, phrase in index.get(key, ()):
                if start + len(phrase) <= len(words) and \
                        all(_same(words[start + i], phrase[i], sections.attached) for i in range(1, len(phrase))):
                    spans.append((topic, start, start + len(phrase)))
    # a phrase inside a longer one of another topic is that one's word: "Evaluación de necesidades" is a needs
    # assessment, not monitoring ("evaluación")
    found = {topic for topic, first, end in spans
             if not any(other != topic and a <= first and end <= b and b - a > end - first for other, a, b in spans)}
    return tuple(t for t in sections.topics if t in found)


def _same(word: str, wanted: str, attached: tuple[str, ...]) -> bool:
    if word == wanted or (word.startswith(wanted) and word[len(wanted):] in ("s", "es")):
        return True
    return any(word.startswith(p) and word[len(p):] == wanted for p in attached if len(word) > len(p))


def _contains(words: tuple[str, ...], phrase: tuple[str, ...], attached: tuple[str, ...] = ()) -> bool:
    size = len(phrase)
    for start in range(len(words) - size + 1):
        if all(_same(words[start + i], phrase[i], attached) for i in range(size)):
            return True
    return False


class SectionProblem(RuleError):
    def __init__(self, message: str, path: str | None = None, line: int | None = None, column: int | None = None,
                 code: str = "schema", hint: str | None = None) -> None:
        super().__init__(message, path, line, column)
        self.code = code
        self.hint = hint


def parse_sections(located: Located, file: str) -> tuple[Sections, list[RuleError]]:
    problems: list[RuleError] = []

    def problem(message: str, path: str, code: str = "schema") -> None:
        problems.append(SectionProblem(message, file, located.lines.get(path), located.columns.get(path), code))

    data = located.data
    topics: list[str] = []
    phrases: list[tuple[str, tuple[str, ...]]] = []
    context: set[str] = set()
    if not isinstance(data, dict):
        problem("sections.yaml maps each topic to its headings per language (eligibility: {en: [...]})", "")
        data = {}
    for topic, body in data.items():
        where = join("", str(topic))
        if not isinstance(topic, str) or not _NAME.match(topic):
            problem(f"topic name '{topic}' must be lower-case letters, digits and underscores", where)
            continue
        topics.append(topic)
        if body is None:
            continue
        if not isinstance(body, dict):
            problem(f"topic '{topic}' maps language codes to lists of headings, e.g. {{en: [eligibility]}}", where)
            continue
        for key, value in body.items():
            key = str(key)
            if key == "reads_as":
                if value not in READS_AS:
                    problem(f"topic '{topic}': reads_as is one of {', '.join(READS_AS)}", join(where, key))
                elif value == "context":
                    context.add(topic)
                continue
            if not _LANGUAGE.match(key):
                problem(f"topic '{topic}': unknown key '{key}' (a language code such as en, or reads_as)",
                        join(where, key))
                continue
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                problem(f"topic '{topic}' ({key}): a list of headings, each a word or short phrase",
                        join(where, key), "malformed-entry")
                continue
            for index, entry in enumerate(value):
                words = _words(entry)
                if not words or re.search(r"[\\|()\[\]{}*+?^$]", entry):
                    problem(f"topic '{topic}' ({key}): '{entry}' must be plain words (no patterns); list each "
                            "wording as its own entry", join(join(where, key), index), "malformed-entry")
                    continue
                phrases.append((topic, words))
    if OTHER_TOPIC not in topics:
        topics.append(OTHER_TOPIC)
    return Sections(tuple(topics), tuple(phrases), frozenset(context), file), problems


def load_sections(path: Path) -> tuple[Sections, list[RuleError]]:
    from ..files.cache import load_yaml_file

    try:
        located = load_yaml_file(read_bytes(path, what="sections file"), str(path))
    except InputError as exc:
        return Sections((OTHER_TOPIC,), (), frozenset(), str(path)), [
            SectionProblem(exc.message, exc.path, exc.line, exc.column, "yaml-syntax")]
    return parse_sections(located, str(path))


@lru_cache(maxsize=1)
def bundled_sections() -> Sections:
    """The sections of the bundled rule folder (for documents read without a rule set)."""
    from ..resources import default_rules_dir
    from .lexicon import load_lexicon

    sections, _ = load_sections(default_rules_dir() / "sections.yaml")
    lexicon, _ = load_lexicon(default_rules_dir())
    return sections.with_languages(lexicon.languages)


