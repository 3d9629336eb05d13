"""The prose reader's driver: reads a document once for every prose test of the rule set, and turns the
places each test holds into engine facts.

    ../ruleset/lexicon.py  concepts (rules/concepts/) and language cues (rules/languages/), validated with file:line
    ../ruleset/prose.py    the words of a prose test (stances, polarities, ProseSpec)
    ../text/forms.py       the word forms of each concept word (simplemma's lemmas, turned around and cached)
    reader.py              sentences -> clauses, concept mentions with their polarity, the stance of each clause

A rule's `prose:` condition names concepts that must occur together (in one clause, one sentence, or
within N words). ProseReader reads a document once and reports where each such test holds, with the
section, stance and polarity of the clause; the checker asserts one fact per place, and the rules,
compiled to durable_rules, decide what those facts mean together.
"""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple

from ..model import Document
from ..ruleset.lexicon import Lexicon
from ..ruleset.prose import ProseSpec
from .reader import Alias, Aliases, CompiledLanguage, Hit, Reading, TestSpec, hits


# a field of a letter's header, "Subject: ...", "Objet : ...", "Re: ..."
_FIELD_LINE = re.compile(r"\s*[^\W\d_][\w.]{0,14}\s?:\s")


class Place(NamedTuple):
    """Where a prose test holds: unit (sentence) index, and the hit inside it."""

    key: str
    unit: int
    hit: Hit


class DocumentReading(NamedTuple):
    language: str
    readable: bool                         # some of the prose was read
    readings: tuple[Reading | None, ...]   # per unit of the document (None: not read)
    places: tuple[Place, ...]
    unread: tuple[int, ...] = ()           # the units in a language the rules cannot read


class ProseReader:
    """Reads documents for a set of prose specs, one compiled language at a time."""

    def __init__(self, lexicon: Lexicon, specs: list[ProseSpec], context_topics: frozenset[str],
                 digest: str = "") -> None:
        """digest: of the rule folder the lexicon comes from; with it, compiled languages are kept
        between runs (see reader.load_terms). Empty: always compiled."""
        self.lexicon = lexicon
        self.digest = digest
        self.specs = {spec.key: spec for spec in specs}
        self.context_topics = context_topics
        self.concept_names = tuple(sorted(lexicon.concepts))
        self._languages: dict[str, tuple[CompiledLanguage, list[tuple[str, TestSpec]], dict[int, list[int]]] | None] = {}

    def readable(self, language: str) -> bool:
        return language in self.lexicon.readable()

    def compiled(self, language: str) -> tuple[CompiledLanguage, list[tuple[str, TestSpec]], dict[int, list[int]]] | None:
        """The language compiled, its tests by concept ids, and for each concept the tests that need it."""
        if language not in self._languages:
            if not self.readable(language):
                self._languages[language] = None
            else:
                compiled = CompiledLanguage(self.lexicon, language, self.concept_names, self.digest)
                ids = compiled.concept_ids
                tests = [(key, TestSpec(tuple(ids[c] for c in spec.concepts), tuple(ids[c] for c in spec.unless),
                                        spec.within == "sentence", spec.near, spec.ordered,
                                        tuple(ids[c] for c in spec.unless_between),
                                        tuple(ids[c] for c in spec.said_of),
                                        tuple(ids[c] for c in spec.unless_mentioned),
                                        tuple(ids[c] for c in spec.unless_in_sentence),
                                        tuple(ids[c] for c in spec.said_done),
                                        tuple(ids[c] for c in spec.unless_denied),
                                        tuple(ids[c] for c in spec.unless_subject)))
                         for key, spec in sorted(self.specs.items())]
                by_concept: dict[int, list[int]] = {}
                for index, (_, test) in enumerate(tests):
                    by_concept.setdefault(test.concepts[0], []).append(index)
                self._languages[language] = (compiled, tests, by_concept)
        return self._languages[language]

    def read(self, doc: Document, keep_readings: bool = False) -> DocumentReading:
        """Read every unit with the words of its own language; a unit in a language the rules
        cannot read is left unread (and listed), never read with another language's words."""
        places: list[Place] = []
        readings: list[Reading | None] = []
        unread: list[int] = []
        context_topics = self.context_topics
        aliases: dict[str, Aliases] = {}  # per language: the short names the draft defines
        subjects: dict[int, Alias] = {}   # unit -> what the pronoun it opens on stands for
        leads: dict[str, tuple[str, Alias]] = {}  # lead-in -> its opening pronoun and what that stands for
        for index, unit in enumerate(doc.units):
            code = unit.language or doc.language
            bundle = self.compiled(code)
            if bundle is None:
                unread.append(index)
                readings.append(None)
                continue
            compiled, tests, by_concept = bundle
            in_context = bool(unit.scopes) and all(scope in context_topics for scope in unit.scopes)

            def wanted(mentioned: set[int]) -> bool:
                return any(all(c in mentioned for c in tests[t][1].concepts)
                           for concept in mentioned for t in by_concept.get(concept, ()))

            if code not in aliases:
                aliases[code] = compiled.aliases(u.text for u in doc.units if (u.language or doc.language) == code)
            known = aliases[code]
            if compiled.addressee_pronouns and _FIELD_LINE.match(unit.text):
                # a letter's "Subject: Your request for copies of the records" names a topic: its "your" sends
                # nothing to anyone
                known = {word: alias for word, alias in known.items() if word not in compiled.addressee_pronouns}
            pronoun = compiled.opening_pronoun(unit.text)
            if pronoun and index and doc.units[index - 1].scopes == unit.scopes \
                    and (doc.units[index - 1].language or doc.language) == code:
                # "Young returnees will not be facilitators. They were not consulted": the pronoun is the
                # subject the sentence before opens on (or what that sentence's own pronoun stood for)
                subject = subjects.get(index - 1) or compiled.antecedent(doc.units[index - 1].text)
                if subject is not None:
                    subjects[index] = subject
                    known = {**known, pronoun: subject}
                    if unit.text.rstrip().endswith(":"):
                        leads[unit.text] = (pronoun, subject)
            elif unit.lead and leads:
                # "Two volunteers will ride on each bus. Their tasks will be to: | - check each name": the
                # lead-in's pronoun stands for the same subject in each item it is read with
                said = leads.get(unit.lead.rpartition("\n")[2])
                if said is not None:
                    known = {**known, said[0]: said[1]}
            reading = compiled.read(unit.text, in_context, unit.lead, None if keep_readings else wanted, known)
            readings.append(reading if keep_readings else None)
            if not reading.matches:
                continue
            for concept in sorted(reading.matches):
                for test_index in by_concept.get(concept, ()):
                    key, test = tests[test_index]
                    for hit in hits(test, reading):
                        places.append(Place(key, index, hit))
        readable = len(unread) < len(doc.units) or not doc.units and self.compiled(doc.language) is not None
        return DocumentReading(doc.language, readable, tuple(readings), tuple(places), tuple(unread))


def facts(doc: Document, reading: DocumentReading) -> Iterator[dict[str, object]]:
    """One engine fact per place a prose test holds, for each section (topic or field) it sits in."""
    for place in reading.places:
        unit = doc.units[place.unit]
        for scope in unit.scopes:
            parts = scope.split(".")
            yield {"t": "prose", "k": place.key, "sec": parts[0], "sub": ".".join(parts[:2]),
                   "st": place.hit.stance, "pol": place.hit.polarity, "u": place.unit, "c": place.hit.clause}


__all__ = ["DocumentReading", "Place", "ProseReader", "facts"]
