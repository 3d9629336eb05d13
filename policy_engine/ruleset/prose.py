"""The words of a rule's `prose:` test: stances, polarities, and the spec of what the prose reader looks for.

The rule set is written in these words and the reader (evaluation/reader.py) answers in them; they live
here, below both, so that loading the rules never loads the reader.
"""

from __future__ import annotations

from typing import NamedTuple

AFFIRMED, NEGATED, REJECTED = "affirmed", "negated", "rejected"
PLAN, BACKGROUND, REPORTED, QUESTION = "plan", "background", "reported", "question"
STANCES = (PLAN, BACKGROUND, REPORTED, QUESTION)
POLARITIES = (AFFIRMED, NEGATED, REJECTED)
SAID = {"affirmed": (AFFIRMED,), "denied": (NEGATED, REJECTED), "negated": (NEGATED,), "rejected": (REJECTED,),
        "any": POLARITIES}
WITHIN = ("clause", "sentence")
# The keys of a prose test that name concepts: those it needs, and those that excuse it.
EXCEPTION_KEYS = ("unless", "unless_mentioned", "unless_denied", "unless_between", "unless_in_sentence",
                  "unless_subject")
CONCEPT_KEYS = ("all", *EXCEPTION_KEYS)


class ProseSpec(NamedTuple):
    """The reading part of a prose test (what the scan looks for); tests that differ only in where
    and how the engine filters share one spec and are read once."""

    concepts: tuple[str, ...]
    unless: tuple[str, ...] = ()
    within: str = "clause"
    near: int | None = None
    ordered: bool = False
    unless_between: tuple[str, ...] = ()
    said_of: tuple[str, ...] = ()   # the concepts whose negation counts (default: any of them)
    unless_mentioned: tuple[str, ...] = ()  # like unless, but mentioned in any way (said or denied)
    unless_in_sentence: tuple[str, ...] = ()  # like unless, but anywhere in the sentence (past a ';')
    said_done: tuple[str, ...] = ()  # concepts of the test that must be said as done, whatever 'said' asks of the rest
    unless_denied: tuple[str, ...] = ()  # like unless, but denied (negated or rejected): "we never tell anyone that ..."
    unless_subject: tuple[str, ...] = ()  # not when the clause opens on one as the one who acts ("Each police station sends")

    @property
    def key(self) -> str:
        parts = [(" then " if self.ordered else "+").join(self.concepts)]
        if self.unless:
            parts.append("unless " + "+".join(self.unless))
        if self.unless_between:
            parts.append("unless between " + "+".join(self.unless_between))
        if self.said_of:
            parts.append("said of " + "+".join(self.said_of))
        if self.unless_mentioned:
            parts.append("unless mentioned " + "+".join(self.unless_mentioned))
        if self.unless_in_sentence:
            parts.append("unless in sentence " + "+".join(self.unless_in_sentence))
        if self.said_done:
            parts.append("said done " + "+".join(self.said_done))
        if self.unless_denied:
            parts.append("unless denied " + "+".join(self.unless_denied))
        if self.unless_subject:
            parts.append("unless subject " + "+".join(self.unless_subject))
        if self.within != "clause":
            parts.append("in sentence")
        if self.near is not None:
            parts.append(f"near {self.near}")
        return "; ".join(parts)
