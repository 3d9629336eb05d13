"""Read a sentence the way a reviewer does: which concepts it states, and how it states them.

For each sentence of a draft the reader finds:
  - its clauses (a new clause starts at ';', at a question or exclamation mark, at a word such as
    'however' anywhere, and at a word such as 'but' or 'which' after a comma);
  - every concept it mentions, matched on word forms: the words of a phrase in order, inside one
    clause, with at most MAX_GAP other words between them (WIDE_GAP where the phrase says '...').
    Where one phrase lies inside a longer one ('refused' in 'refused asylum seekers'), the longer
    one is what the sentence says;
  - how each mention is said: affirmed, negated ("no residence permit is required", "people without
    papers", "forced returns are not part of this plan", a heading "What we will not do") or
    rejected ("unlike deterrence campaigns", "we declined the ministry's offer");
  - the stance of each clause: the programme's own plan, background (a Background section that
    does not name the programme), reported (others' claims: "reportedly", "the ministry says"), or
    a question.
The cue words for all of this are data (rules/languages/*.yaml); no rule repeats them.
"""

from __future__ import annotations

import re
from itertools import product
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence, overload

from ..reading.drafts import heading_text
from ..ruleset.lexicon import CUE_KINDS, EXACT_CUES, Lexicon
from ..ruleset.prose import AFFIRMED, BACKGROUND, NEGATED, PLAN, QUESTION, REJECTED, REPORTED
from ..text.forms import FORMS_VERSION, WORD, dictionary_words, fold, simplemma_version, word_forms

MAX_GAP = 2         # other words allowed between two words of a phrase ("hand the lists over")
WIDE_GAP = 6        # where the phrase writes '...' ("from ... community")
NARROW = 4          # words (of more than three letters) that a narrow negation ("without", "regardless of") reaches
RELATIVE_REACH = 3  # a negation this close after "who"/"which" (not counting auxiliaries) denies only its clause:
RELATIVE_NARROW = 3  # ... and only this many words after it ("who do not have papers | are turned away")
TRAILING = 3        # "forced returns are not ...": a negation at most this many words (of more than three letters) after a mention
RESTRICTOR_REACH = 3  # "we dropped the rule that only ...": an "only" at most this many words (that say something)
# after a denial
NUMBER = "#"        # what any number becomes; a concept lists it as <number>
# what a number that reads as a year becomes ("in 2025,", "compared with 2025."): <number> finds it too, <amount>
# (a number of people or things) does not
YEAR = "#y"
# ... and one that counts time ("for 60 days", "en 48 horas"): the same
DURATION = "#d"
LABEL = "#:"        # the number of a label ("Objective 1:", "indicator 1"): no concept lists it
LABEL_WORDS = 4     # words a label may have
LABEL_QUOTE_WORDS = 2  # words a quoted label may have ('marked "declined"'); a longer quotation says something
MAX_COMBINATIONS = 256


_TOKEN = re.compile(WORD + "(?:['’]" + WORD + ")*" + r"|[;,:()?!|\"«»“”،؛؟]")
_YEAR = re.compile(r"(19|20)\d\d")
_ASIDE = re.compile(r"\([^()]*\)")  # a parenthesised aside in a heading or lead-in
# punctuation that words standing side by side (near: 0) never cross (a comma inside a number, "4,000", is none)
_PIECE_BREAK = re.compile(r"[;:|]|(?<!\d),|,(?!\d)")
_PUNCTUATION = frozenset(";,:()?!|\"«»“”،؛؟")
_SCRIPT_PUNCTUATION = {"،": ",", "؛": ";", "؟": "?"}  # Arabic comma, semicolon and question mark
_OPENING = frozenset("(«“")
# "5. Psychosocial support", "c) document cases": a list item's number is not a count
_LIST_MARKER = re.compile(r"\s*(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]\s+")
# a short name a draft defines: "the Armed Police Battalion (APBn)", "la DGM (Dirección General de Migración)"
_SHORT_NAME = r"[A-Z][A-Za-z&]{1,9}"
_NAMED_AFTER = re.compile(r"\(\s*(" + _SHORT_NAME + r")\s*\)")
_NAMED_BEFORE = re.compile(r"\b(" + _SHORT_NAME + r")\s*\(([^()]{3,120})\)")
_ALIAS_CUES = frozenset({"programme", "others"})  # what a full name may say besides concepts
_ADDRESS_LINES = 8  # a letter names whom it is addressed to in one of its first lines
_SUBJECT_END = re.compile(r"[,;:()\[\]]")  # a sentence's opening subject ends before any of these
# a name of capitalised words, small words allowed between them: "Provincial Directorate of Migration Management"
_NAME_RUN = re.compile(r"[A-ZÀ-Þ][\w’'-]+(?:(?:\s+(?:of|for|on|and|the|de|del|la|las|los|le|les|du|des|et|y|el))*"
                       r"\s+[A-ZÀ-Þ][\w’'-]+)+")
_fold_cache: dict[str, str] = {}


def _capitals(token: str) -> bool:
    """A word of two or more letters written all in capitals ("US", "OUR")."""
    return len(token) > 1 and token.isupper()


def _fold(word: str) -> str:
    folded = _fold_cache.get(word)
    if folded is None:
        if len(_fold_cache) > 200_000:
            _fold_cache.clear()
        folded = fold(word).replace("’", "'")
        if folded.isdigit():
            folded = NUMBER
        _fold_cache[word] = folded
    return folded


class Match(NamedTuple):
    start: int                  # first word (index into Reading.words)
    end: int                    # last word
    clause: int
    polarity: str               # affirmed | negated | rejected
    term: int                   # index into CompiledLanguage.terms
    positions: tuple[int, ...]  # the words that are the phrase's own (not those in its gaps)


class Hit(NamedTuple):
    """A test holding in one clause (or sentence) of one sentence."""

    clause: int
    polarity: str
    stance: str
    matches: tuple[Match, ...]   # one per concept the test names, in the test's order


class SubjectWords(NamedTuple):
    """A language's words that tell where a clause's subject begins and whether the verb after it is passive:
    read only by a test's `unless_subject`, so a reading carries them and works out nothing until one asks."""

    articles: frozenset[str]
    coordinators: frozenset[str]
    negations: frozenset[str]
    prepositions: frozenset[str]
    passive: frozenset[str]
    relatives: frozenset[str]


class Reading(NamedTuple):
    text: str
    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]       # character offsets of each word in text
    clauses: tuple[int, ...]                 # clause of each word
    stances: tuple[str, ...]                 # stance of each clause
    segments: tuple[int, ...]                # segment of each clause: items of a ';' list are apart
    matches: dict[int, list[Match]]          # concept id -> its mentions
    cues: tuple[tuple[str, int, int], ...]   # (kind, start, end) of the cues that took effect
    asides: tuple[int, ...] = ()             # per word: 0, or the number of the bracketed aside it is in
    subject_words: SubjectWords | None = None  # the language's, for unless_subject (see _subject_starts)

    def clause_text(self, clause: int) -> str:
        indexes = [i for i, c in enumerate(self.clauses) if c == clause]
        if not indexes:
            return ""
        return self.text[self.spans[indexes[0]][0]:self.spans[indexes[-1]][1]]

    def words_of(self, match: Match) -> str:
        return self.text[self.spans[match.start][0]:self.spans[match.end][1]]


class Term(NamedTuple):
    text: str                                   # as written in the concept or language file
    words: tuple[tuple[frozenset[str], int], ...]  # (the forms a word may take, the gap allowed before it)
    concepts: tuple[int, ...]                   # concept ids it signals
    cues: tuple[str, ...]                       # cue kinds it signals
    hides: bool = False                         # its words are not read for other concepts


# ---- the compiled terms of a language, kept between runs -----------------------------------------
#
# Compiling a language (every phrase of every concept, with every form of each word) takes longer
# than checking a draft. The result depends only on the rule folder's bytes (its digest covers the
# concept and language files), the word-form data and this module, so it is kept as JSON (never
# pickle) under that key; a missing or damaged entry is ignored and the language compiled again.

TERMS_VERSION = 6


def _terms_path(digest: str, code: str) -> Any:
    from ..files.cache import cache_dir, source_key
    from ..ruleset import lexicon

    folder = cache_dir()
    if folder is None:
        return None
    key = source_key(f"{TERMS_VERSION}\0{digest}\0{code}\0{FORMS_VERSION}\0{simplemma_version()}\0",
                     [__file__, lexicon.__file__])[:32]  # either module changes the terms
    return folder / f"terms-{TERMS_VERSION}-{code}-{key}.json"


def first_words(terms: "Sequence[Term]") -> dict[str, str]:
    """A form -> the terms whose first word it can be, in term order, as their indexes joined by
    spaces: a check parses the few lists of the words a draft uses (see StoredTerms)."""
    if isinstance(terms, StoredTerms):
        return terms.first_words()
    first: dict[str, list[str]] = {}
    for index, term in enumerate(terms):
        for form in term.words[0][0]:
            first.setdefault(form, []).append(str(index))
    return {form: " ".join(indexes) for form, indexes in first.items()}


class StoredTerms(Sequence[Term]):
    """A language's terms as read from the cache, each built when first looked at: a check looks at
    the few whose first word a draft uses, and building all 3,500 of a language cost ~9 ms of every
    check (bench/check_latency). Each term is kept as one string and each set of forms as one string
    of words, so that reading the entry decodes a few thousand strings, not every form of every word
    (~4 ms a check)."""

    def __init__(self, sets: list[str], rows: list[str], first_forms: str, first_terms: str) -> None:
        self._sets = sets
        self._frozen: list[frozenset[str] | None] = [None] * len(sets)
        self._rows = rows
        self._built: list[Term | None] = [None] * len(rows)
        self._first = (first_forms, first_terms)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Term: ...

    @overload
    def __getitem__(self, index: slice) -> "Sequence[Term]": ...

    def __getitem__(self, index: int | slice) -> "Term | Sequence[Term]":
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        term = self._built[index]
        if term is None:
            hides, words, concepts, kinds, text = self._rows[index].split(_SEP, 4)
            term = self._built[index] = Term(
                text, tuple((self._forms(int(s)), int(gap)) for s, gap in (w.split(".") for w in words.split())),
                tuple(int(c) for c in concepts.split()), tuple(kinds.split()), hides == "1")
        return term

    def _forms(self, index: int) -> frozenset[str]:
        forms = self._frozen[index]
        if forms is None:
            forms = self._frozen[index] = frozenset(self._sets[index].split(" "))
        return forms

    def shape(self, index: int) -> tuple[int, Iterable[str], int]:
        """A term's number of words, the forms of its second word and the gap before it, read from its
        row without building the term."""
        words = self._rows[index].split(_SEP, 2)[1].split()
        if len(words) == 1:
            return 1, (), 0
        second, gap = words[1].split(".")
        return len(words), self._sets[int(second)].split(" "), int(gap)

    def first_words(self) -> dict[str, str]:
        """first_words(), stored whole: two strings split and zipped in C (building it from the
        terms' first sets cost a check ~5 ms, bench/check_latency)."""
        forms, terms = self._first
        return dict(zip(forms.split(" "), terms.split(_SEP)))


_SEP = "\x1f"  # between a stored term's fields (its text, last, may hold anything else)


def _shape_of(terms: "Sequence[Term]") -> "Callable[[int], tuple[int, Iterable[str], int]]":
    """StoredTerms.shape for terms compiled in this process."""
    def shape(index: int) -> tuple[int, Iterable[str], int]:
        words = terms[index].words
        return (1, (), 0) if len(words) == 1 else (len(words), words[1][0], words[1][1])
    return shape


def load_terms(digest: str, code: str) -> StoredTerms | None:
    """The compiled terms of a language, or None."""
    import json

    path = _terms_path(digest, code)
    if path is None:
        return None
    try:
        from ..files.cache import read_entry

        # an entry is read only as this code wrote it (checksum; its key covers this module), so its
        # shape is not checked again: checking every row cost a check ~6 ms (bench/check_latency)
        data = json.loads(read_entry(path) or "null")
        return StoredTerms(data["sets"], data["terms"], data["first_forms"], data["first_terms"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no entry yet: compiled again


def store_terms(digest: str, code: str, terms: list[Term]) -> None:
    import json

    from ..files.cache import write_entry

    path = _terms_path(digest, code)
    if path is None or any(_SEP in term.text for term in terms):
        return  # (a phrase written with the separator in it: compiled every time)
    index: dict[frozenset[str], int] = {}
    rows = []
    for term in terms:
        words = [(index.setdefault(forms, len(index)), gap) for forms, gap in term.words]
        rows.append(_SEP.join(("1" if term.hides else "0", " ".join(f"{s}.{gap}" for s, gap in words),
                               " ".join(str(c) for c in term.concepts), " ".join(term.cues), term.text)))
    sets = [" ".join(sorted(forms)) for forms, _ in sorted(index.items(), key=lambda item: item[1])]
    first = first_words(terms)  # (forms hold no space: a set is stored as its forms joined by spaces)
    try:
        write_entry(path, json.dumps({"sets": sets, "terms": rows, "first_forms": " ".join(first),
                                      "first_terms": _SEP.join(first.values())}),
                    "terms", TERMS_VERSION)
    except OSError:
        pass  # a read-only cache: compiled again next time


class Alias(NamedTuple):
    """A short name a draft defines, read as its full name."""

    terms: tuple[int, ...]      # the terms its full name says that carry what a short name says
    concepts: frozenset[int]    # what it says: the concepts marked short_names those terms carry
    name: tuple[str, ...]       # the full name's words
    head: bool = False          # a word of the name, read so only capitalised after an article ("the Directorate")


Aliases = dict[str, Alias]  # folded short name -> what it stands for


class CompiledLanguage:
    """One language's concepts and cues, ready to read sentences."""

    def __init__(self, lexicon: Lexicon, code: str, concept_names: tuple[str, ...], digest: str = "") -> None:
        self.code = code
        cues = lexicon.languages[code]
        self.concept_names = concept_names
        self.concept_ids = {name: index for index, name in enumerate(concept_names)}
        # concepts that a heading or lead-in says of each item under it ("Not admitted:", "Ne sont pas admis :")
        self.lead_concepts = frozenset(index for index, name in enumerate(concept_names)
                                       if name in lexicon.concepts and lexicon.concepts[name].speaks_for_items)
        self.short_name_concepts = frozenset(index for index, name in enumerate(concept_names)
                                             if name in lexicon.concepts and lexicon.concepts[name].short_names)
        # what a pronoun opening a sentence can stand for: people and bodies ("They were not consulted")
        self.pronoun_concepts = frozenset(index for index, name in enumerate(concept_names)
                                          if name in lexicon.concepts and lexicon.concepts[name].pronouns)
        # what a relative clause right after a noun says of it, not of the sentence ("visitors who cannot ...")
        self.relative_concepts = frozenset(index for index, name in enumerate(concept_names)
                                           if name in lexicon.concepts and lexicon.concepts[name].not_in_relative)
        # what a word of a concept marked `describes` describes when it stands right beside one of its words; per
        # term, worked out when a draft first uses it (self._describes: the terms are read back lazily, and going
        # through all of them here cost every check ~35 ms)
        self._described = {self.concept_ids[name]: frozenset(self.concept_ids[other]
                                                             for other in lexicon.concepts[name].describes
                                                             if other in self.concept_ids)
                           for name in concept_names if name in lexicon.concepts and lexicon.concepts[name].describes}
        self._describes: dict[int, frozenset[int]] = {}
        # folded like every other word: French 'au' opens to 'a le', as 'à le' is read ('contrairement au')
        self.elisions = {written: _fold(word) for written, word in cues.elisions.items()}
        self.contractions = {written: " ".join(_fold(w) for w in whole.split())
                             for written, whole in cues.contractions.items()}
        # Spanish writes pronouns onto a verb: registrarlos, derivarla, ayudándoles (folded: ayudandoles).
        # A draft's word is split once the terms are known (below); an entry's word when the dictionary
        # knows its verb ("presentarse ante" is read "presentar se ante", as a draft's words are)
        enclitic = re.compile("^(.{2,}(?:%s))(%s)$" % (
            "|".join(sorted((re.escape(_fold(e)) for e in cues.enclitic_after), key=len, reverse=True)),
            "|".join(sorted((re.escape(_fold(e)) for e in cues.enclitics), key=len, reverse=True)))) \
            if cues.enclitics and cues.enclitic_after else None
        self._enclitic: re.Pattern[str] | None = None
        self._entry_enclitic = enclitic
        self._known: frozenset[str] | None = None
        # letters written onto a word: (as written, the words they stand for), longest first
        self._prefixes = sorted(((_fold(written), tuple(_fold(w) for w in words.split()))
                                 for written, words in cues.prefixes.items()), key=lambda item: (-len(item[0]), item[0]))
        self._suffixes = sorted((_fold(s) for s in cues.suffixes), key=len, reverse=True)
        self._before_suffix = {_fold(k): _fold(v) for k, v in cues.before_suffix.items()}
        # an article written onto its word (Arabic ال) stays on it: "والمجموعة" reads "و المجموعة",
        # "للمجموعة" (ل + ال) reads "ل المجموعة"; a word without it finds it with it too
        articles = {w for entry in cues.articles for w in self.split(entry)}
        self._attached_articles = tuple(sorted(written for written, words in self._prefixes
                                               if words and all(w in articles for w in words)))
        terms: Sequence[Term] | None = load_terms(digest, code) if digest else None
        if terms is None:
            compiled = self._compile_terms(lexicon, cues)
            if digest:
                store_terms(digest, code, compiled)
            terms = compiled
        self.terms: Sequence[Term] = terms
        self.first = first_words(terms)  # a form -> the terms whose first word it can be
        # the words of the language file's lists (clause breaks, prepositions, ...) are words it knows
        self._listed = frozenset(w for entries in (
            cues.clause_breaks, cues.strong_breaks, cues.scope_breaks, cues.introducers, cues.articles,
            cues.prepositions, cues.passive, cues.auxiliaries, cues.modals, cues.trailing_negation,
            cues.background_openers)
            for entry in entries for w in self.split(entry.replace("<number>", " ")))
        if self._prefixes or self._suffixes:
            self.known_words()  # a word is split only into words the phrases know
        self._enclitic = enclitic
        # Per first word, built when a draft first uses it: the terms of one word, found at once,
        # and the longer terms by the forms their second word may take (and how far it may stand):
        # a sentence's words then find the few terms they can continue.
        self._singles: dict[str, tuple[int, ...]] = {}
        self._multis: dict[str, tuple[int, dict[str, list[tuple[int, int]]]] | None] = {}
        # word -> (the words that follow it in the break, kind): "clause" after a comma, "strong"
        # anywhere, "scope" after a comma but only for the reach of negation
        self.breaks: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for kind, entries in (("clause", cues.clause_breaks), ("strong", cues.strong_breaks),
                              ("scope", cues.scope_breaks)):
            for entry in entries:
                words = tuple(self.split(entry))
                if words:
                    self.breaks.setdefault(words[0], []).append((words[1:], kind))
        self.introducers = {tuple(self.split(entry)) for entry in cues.introducers}
        # background openers by their first word (a sentence is tested only against those it starts with)
        self.openers: dict[str, list[tuple[str, ...]]] = {}
        for opener in sorted({tuple(self.phrase(entry)) for entry in cues.background_openers}):
            if opener:
                self.openers.setdefault(opener[0], []).append(opener)
        self.articles = frozenset(w for entry in cues.articles for w in self.split(entry))
        self.prepositions = frozenset(w for entry in cues.prepositions for w in self.split(entry))
        # a preposition that names a thing only by what follows it ("par groupe", "by group"): an article
        # after it names something else ("par les groupes"); one that says a lack does not ("sans le consentement")
        narrow = [self.split(entry) for entry in cues.cues.get("narrow_negation", ())]
        self.narrow_words = frozenset(words[0] for words in narrow if len(words) == 1)  # "sans", "sin", "without"
        self.naming = self.prepositions - frozenset(w for words in narrow for w in words)
        self.passive = frozenset(w for entry in cues.passive for w in self.split(entry))
        # whole entries: 'no longer' is one, and its 'no' alone is not ("the survey found no needs")
        self.trailing_negation = frozenset(tuple(self.split(entry)) for entry in cues.trailing_negation)
        self.concord = frozenset(w for entry in cues.concord_negation for w in self.split(entry))
        self.restrictive = frozenset(w for entry in cues.restrictive_relatives for w in self.split(entry))
        self.ongoing_openers = frozenset(w for entry in cues.ongoing_openers for w in self.split(entry))
        self.numbered_labels = frozenset(w for entry in cues.numbered_labels for w in self.split(entry))
        self.time_units = frozenset(w for entry in cues.time_units for w in self.split(entry))
        self.relative_words = frozenset(w for entry in cues.cues.get("relative", ()) for w in self.split(entry)[:1])
        self.subject_negations = frozenset(w for entry in cues.subject_negations for w in self.split(entry)[:1])
        self.list_closers = frozenset(w for entry in cues.list_conjunctions for w in self.split(entry))
        self.restrictors = frozenset(w for entry in cues.restrictors for w in self.split(entry))
        self.equating = frozenset(w for entry in cues.equating_verbs for w in self.split(entry))
        self.modals = frozenset(w for entry in cues.modals for w in self.split(entry))
        self.copulas = frozenset(w for entry in cues.copulas for w in self.split(entry))
        self.verb_openers = self.modals | self.copulas | self.passive  # a clause's verb has begun after one
        self.subject_pronouns = frozenset(w for entry in cues.subject_pronouns for w in self.split(entry))
        self.future_endings = tuple(sorted({e.lower() for e in cues.future_endings}, key=len, reverse=True))
        # the past tenses read in the plan (the imperfect), and in a section that tells the situation (the
        # simple past too)
        self.plan_past = _tense(cues.past_endings)
        self.context_past = _tense((*cues.past_endings, *cues.simple_past_endings))
        self.subject_endings = tuple(sorted({_fold(e) for e in cues.subject_endings}, key=len, reverse=True))
        self.addressee_pronouns = frozenset(w for entry in cues.addressee_pronouns for w in self.split(entry))
        self.addressee_openers = tuple(_fold(entry) for entry in cues.addressee_openers)  # as written: "to:" keeps its colon
        # words that do not count when a reach is measured: "feedback from the people will not be ..."
        self.auxiliaries = frozenset(w for entry in cues.auxiliaries for w in self.split(entry))
        # words before a participle that make it no past tense: the passive and auxiliaries, less those that are
        # themselves a past ("were asked", "had asked" tell the past; "is required", "will be asked" do not)
        past_forms = frozenset(w for entry in (*cues.past_endings, *cues.simple_past_endings) if not entry.startswith("-")
                               for w in self.split(entry, fold_words=False))
        self.present_helpers = (self.passive | self.auxiliaries | self.modals) - past_forms
        self.verbs_going_on = self.modals | self.auxiliaries | self.copulas  # a verb after an aside goes on with it
        self.light = self.prepositions | self.passive | self.auxiliaries
        # one-word negations, even where a longer phrase holds them ("ne" of "ne peuvent pas être inscrits")
        self.negation_words = frozenset(w for entry in cues.cues.get("negation", ()) if len(self.split(entry)) == 1
                                        for w in self.split(entry))
        # one-word scope breaks ("and", "or"): a rejection ("we decline X and refer Y") stops there
        self.coordinators = frozenset(w for entry in cues.scope_breaks for w in self.split(entry)
                                      if len(self.split(entry)) == 1)
        self.subject_words = SubjectWords(self.articles, self.coordinators, self.negation_words, self.prepositions,
                                          self.passive, self.relative_words)
        self._lead_cache: dict[str, bool] = {}
        self._speaks_cache: dict[str, tuple[str, str]] = {}
        self._aliases_cache: dict[str, Alias] = {}
        self._opened: dict[str, tuple[str, ...]] = {}  # a token as written -> the words it stands for

    def _relates(self, words: Sequence[str], start: int, end: int) -> bool:
        """Whether the verb a negation denies relates its subject to something (an equating verb: "does not mean",
        "never depends on", "n'est pas conditionnée à", "ne dépend jamais de"): the subject stands, the link is denied."""
        after = [k for k in range(end + 1, min(end + 4, len(words))) if words[k] not in self.negation_words][:2]
        return any(words[k] in self.equating for k in after) \
            or (start >= 2 and words[start - 2] in self.concord and words[start - 1] in self.equating)

    def _compile_terms(self, lexicon: Lexicon, cues: Any) -> list[Term]:
        """Every concept phrase and cue of the language, with the forms of each of its words."""
        code = self.code
        concept_names = self.concept_names
        # phrase (its words, with '...' where a wide gap is allowed) -> (concept ids, cue kinds)
        signals: dict[tuple[str, ...], tuple[set[int], set[str]]] = {}
        texts: dict[tuple[str, ...], str] = {}
        hiding: set[tuple[str, ...]] = set()
        verbs: frozenset[str] = frozenset()
        if self._entry_enclitic is not None:
            stems = {found.group(1) for name in concept_names for entry in lexicon.expand(name, code)
                     for word in self.split(entry) if (found := self._entry_enclitic.match(word))}
            verbs = frozenset(dictionary_words(code, stems))

        def add(entry: str, concept: int | None, cue: str | None) -> tuple[str, ...]:
            words = self.phrase(entry, verbs)
            if not words:
                return words
            if cue in EXACT_CUES:
                # function words: 'not' is not 'noted', 'nos' is not 'leur'; the file writes each form
                words = tuple(w if w == "..." or w.startswith("=") or w == NUMBER else "=" + w for w in words)
            concepts, kinds = signals.setdefault(words, (set(), set()))
            texts.setdefault(words, entry)
            if concept is not None:
                concepts.add(concept)
            if cue is not None:
                kinds.add(cue)
            return words

        for name in concept_names:
            for entry in lexicon.expand(name, code):
                add(entry, self.concept_ids[name], None)
            if lexicon.concepts[name].hides_words:
                hiding.update(self.phrase(entry, verbs) for entry in lexicon.concepts[name].words.get(code, ()))
        for kind in CUE_KINDS:
            for entry in cues.cues.get(kind, ()):
                add(entry, None, kind)
        written: dict[str, set[str]] = {}  # folded word -> the spellings it was written with (accents tell forms apart)
        for entry_words in texts.values():
            for chunk in entry_words.replace("...", " ").split():
                for raw in self.split(chunk.lstrip("="), fold_words=False):
                    written.setdefault(_fold(raw), set()).add(raw)
        all_raw = {raw for folded, raws in written.items() if len(folded) > 2 for raw in raws}
        raw_forms = word_forms(code, all_raw, cues.word_forms)
        forms: dict[str, set[str]] = {}
        for folded, raws in written.items():
            for raw in raws:
                forms.setdefault(folded, set()).update(raw_forms.get(raw, (folded,)))
        extra: dict[str, set[str]] = {}
        for word, irregular in cues.irregular.items():
            for form in irregular:
                extra.setdefault(_fold(word), set()).update(self.split(form))
        narrow = {w for entry in cues.cues.get("narrow_negation", ()) for w in self.split(entry)}
        # a phrase that opens on a negation says what it denies at once: "no reciben" is not "no tiene papeles recibe"
        narrow |= {w for entry in cues.cues.get("negation", ()) if " " not in entry.strip() for w in self.split(entry)}
        articles = frozenset(w for entry in cues.articles for w in self.split(entry))

        def with_articles(found: set[str]) -> set[str]:
            """A word's forms with and without the article written onto them ("مجموعة" finds
            "المجموعة" and the other way round; '=' keeps an entry's word exactly as written)."""
            out = set(found)
            for form in found:
                for article in self._attached_articles:
                    bare = form[len(article):]
                    out.add(bare if form.startswith(article) and len(bare) > 2 else article + form)
            return out

        def own_forms(word: str) -> set[str]:
            if word == NUMBER:
                return {NUMBER, YEAR, DURATION}
            if len(word) <= 2:
                return {word}
            # a form of two letters or less is a different word ('de' is not 'dé', a form of 'dar')
            found = {f for f in forms.get(word, (word,)) if len(f) > 2}
            return with_articles(found | {word} | extra.get(word, set()))

        # A word an entry writes with letters attached (بشيء, للأشخاص) is read whole, as the entry
        # wrote it: it is a form of the word it holds too, so an entry of that word alone finds it.
        holding: dict[str, set[str]] = {}
        if self._prefixes or self._suffixes:
            owners: dict[str, set[str]] = {}
            for word in written:
                for form in own_forms(word):
                    owners.setdefault(form, set()).add(word)
            for word in written:
                # (not a one-letter ending: often the word's own, as ة read as ه in الشرطة)
                for _, rest in self._pieces(word, shortest_suffix=2):
                    for owner in owners.get(rest, ()):
                        if owner != word:
                            holding.setdefault(owner, set()).add(word)

        def forms_of(word: str) -> frozenset[str]:
            if word.startswith("="):
                return frozenset((word[1:],))
            return frozenset(own_forms(word) | holding.get(word, set()))

        terms: list[Term] = []
        for words in sorted(signals):
            concepts, kinds = signals[words]
            sequence: list[tuple[frozenset[str], int]] = []
            wide, previous = None, ""  # previous: read only once the sequence has a word
            for word in words:
                if word == "...":
                    wide = True
                    continue
                if not sequence:
                    gap = 0
                elif wide:
                    gap = WIDE_GAP
                elif previous.lstrip("=") in articles or len(word.lstrip("=")) <= 3:
                    gap = 0  # "the group", "have to": short words stand together
                elif previous.lstrip("=") in narrow or words in hiding:
                    gap = 1  # "without valid papers", not "without a requirement of papers"; "no se reciben";
                    # names stand together
                else:
                    gap = MAX_GAP
                sequence.append((forms_of(word), gap))
                wide, previous = None, word
            if not sequence:
                continue
            terms.append(Term(texts[words], tuple(sequence), tuple(sorted(concepts)), tuple(sorted(kinds)),
                              words in hiding or bool(kinds & {"not_negation", "idioms"})))
        return terms

    def phrase(self, entry: str, verbs: frozenset[str] = frozenset()) -> tuple[str, ...]:
        """An entry's words, '...' kept where the entry allows a wide gap, <number> for any number,
        <amount> for one that is no year, and '=' before a word that must match exactly as written; a
        word made of one of `verbs` and a pronoun written onto it is two words, as in a draft."""
        parts = []
        for index, piece in enumerate(entry.replace("<number>", " 0 ").replace("<amount>", " =0 ").split("...")):
            if index:
                parts.append("...")
            for chunk in piece.split():
                exact = chunk.startswith("=")
                for word in self.split(chunk.lstrip("=")):
                    found = None if exact or self._entry_enclitic is None else self._entry_enclitic.match(word)
                    if found and found.group(1) in verbs:
                        parts.extend(found.groups())
                    else:
                        parts.append("=" + word if exact else word)
        while parts and parts[0] == "...":
            parts.pop(0)
        while parts and parts[-1] == "...":
            parts.pop()
        return tuple(parts)

    def split(self, text: str, fold_words: bool = True) -> list[str]:
        """The words of a text as the reader sees them (folded, elisions and contractions opened);
        with fold_words false, in lower case with their accents."""
        if fold_words:
            return [w for token in _TOKEN.findall(text) if token not in _PUNCTUATION for w in self.open(_fold(token))]
        return [w for token in _TOKEN.findall(text) if token not in _PUNCTUATION
                for w in self.open(token.lower().replace("’", "'"))]

    def open(self, token: str) -> list[str]:
        """Open a contraction: French l'accueil -> le accueil, du -> de le, English don't -> do not."""
        whole = self.contractions.get(token)
        if whole is not None:
            return whole.split()  # Spanish del -> de el, English can't -> can not
        if "'" not in token:
            if self._enclitic is not None and len(token) > 5:
                split = self._enclitic.match(token)
                if split and split.group(1) in self.known_words():  # 'charlas' is not 'char' + 'las'
                    return [split.group(1), split.group(2)]
            if (self._prefixes or self._suffixes) and self._known is not None and token not in self._known:
                return self._unattach(token)
            return [token]
        head, _, tail = token.partition("'")
        elided = self.elisions.get(head + "'")
        if elided is not None:
            return [elided] + self.open(tail)
        for suffix, meaning in self.contractions.items():
            if suffix.startswith("'") or suffix.startswith("n'"):
                if token.endswith(suffix) and len(token) > len(suffix):
                    return [token[:-len(suffix)]] + meaning.split()
        return [token]

    # ---- reading ------------------------------------------------------------------------------

    def read(self, text: str, context_section: bool = False, lead: str = "",
             wanted: Callable[[set[int]], bool] | None = None, aliases: Aliases | None = None) -> Reading:
        """Read one sentence. context_section: it sits in a section read as context (Background).
        lead: the heading or list lead-in it falls under; a negation there ("What we will not
        do:") denies what the sentence says, and a concept marked speaks_for_items there ("Not
        admitted:") is said of it (the two are read as one sentence). wanted: whether some test
        could hold with the concepts the sentence mentions; when it says no, how they are said is
        not worked out (no mentions are returned). aliases: the short names the draft defines
        (see aliases()); each is read as its full name."""
        if lead and self.lead_concepts:
            spoken, unspoken = self._lead_speaks(lead)
            if spoken:
                # "Ne sont pas admis : | - toute personne sans titre de séjour": the item is read with the
                # lead-in that says what it is, as one sentence
                marker = _LIST_MARKER.match(text)
                item = text[marker.end():] if marker else text
                return self.read(f"{spoken} {item.lstrip(' -*•')}", context_section, unspoken, wanted, aliases)
        if self.lead_concepts and ";" in text:
            labelled = self._label_items(text)
            if labelled:
                # "Not eligible: people from other countries; people holding a Duldung": a label that says
                # such a concept says it of each ';' item after it, as a lead-in says it of its list items
                return self.read("; ".join(labelled), context_section, lead, wanted, aliases)
        words: list[str] = []
        spans: list[tuple[int, int]] = []
        clauses: list[int] = []
        cells: list[int] = []       # a table row's cells, and each clause: where a phrase must fit
        commas: list[int] = []      # a comma, colon or cell border stands before this word
        closes: list[int] = []      # a closing bracket stands before this word
        opens: list[int] = []       # an opening bracket stands before this word
        semicolons: list[int] = []  # a ';' stands before this word
        answers: list[int] = []     # a ':' stands before this word ("Required?: No")
        pipes: list[int] = []       # a table cell border '|' stands before this word
        asked: list[int] = []       # a '?' stands before this word ("Does the Society do it?: No")
        items: list[int] = []       # a new item of a list whose items carry brackets starts at this word
        labels: set[int] = set()    # the words of a quoted label of one or two words ('marked "declined"')
        quote_at = -1               # where the open quotation starts
        closed_at = -1
        clause = cell = 0
        after_comma = quoted = False
        breaks = self.breaks
        opened_cache = self._opened
        marker = _LIST_MARKER.match(text)
        for match in _TOKEN.finditer(text, marker.end() if marker else 0):
            token = match.group()
            if len(token) == 1 and token in _PUNCTUATION:
                token = _SCRIPT_PUNCTUATION.get(token, token)
                if token in ";?!":
                    if words and clauses[-1] == clause:
                        clause += 1
                        cell += 1
                    if token == ";":
                        semicolons.append(len(words))
                    elif token == "?":
                        asked.append(len(words))
                    after_comma = False
                elif token in ",:|":
                    if token == ":" and words and words[-1] == NUMBER and len(words) <= LABEL_WORDS and not commas:
                        words[-1] = LABEL  # "Objective 1: ...", "Output 2:": a heading's number is not a count
                    if token == "," and closed_at == len(words) and words:
                        items.append(len(words))  # "IOM (food), the police (security), ...": a new item
                    commas.append(len(words))
                    after_comma = token != "|"
                    if token == ":":
                        answers.append(len(words))
                    elif token == "|":
                        pipes.append(len(words))
                    if token == "|" and words and cells[-1] == cell:
                        cell += 1
                elif token in _OPENING or (token == '"' and not quoted):
                    # a bracket or a quotation ("Don't Judge by the Cover") is an aside: a negation
                    # inside it stays inside
                    opens.append(len(words))
                    quoted = quoted or token == '"'
                    if token != "(":
                        quote_at = len(words)
                else:
                    closes.append(len(words))
                    quoted = quoted and token != '"'
                    # (in lower case: a name in capitals, "THINK TWICE", "Stay Home", is a campaign's and says
                    # what it is)
                    if token != ")" and 0 <= quote_at and 1 <= len(words) - quote_at <= LABEL_QUOTE_WORDS \
                            and text[spans[quote_at][0]].islower():
                        labels.update(range(quote_at, len(words)))
                    quote_at = -1
                    if token == ")":
                        closed_at = len(words)
                continue
            opened = opened_cache.get(token)
            if opened is None:
                if len(opened_cache) > 100_000:
                    opened_cache.clear()
                # (an elided "n'" before a capital is part of a place's name, "Birni N'Konni", "N'Djamena", never
                # a negation: a verb after "ne" is not capitalised)
                opened = opened_cache[token] = (_fold(token).replace("'", "").replace("\u2019", ""),) \
                    if token[:1] in "nN" and token[1:2] in "'\u2019" and token[2:3].isupper() \
                    else tuple(self.open(_fold(token)))
            span = match.span()
            for word in opened:
                options = breaks.get(word)
                if options and words and cells[-1] == cell:
                    for rest, kind in options:
                        if (kind == "strong" or after_comma) and _starts(text, match.end(), rest, self):
                            if kind != "scope" and clauses[-1] == clause:
                                clause += 1
                            cell += 1
                            break
                after_comma = False
                words.append(word)
                spans.append(span)
                clauses.append(clause)
                cells.append(cell)
        for index, word in enumerate(words):
            if word == NUMBER and index and words[index - 1] in self.numbered_labels:
                words[index] = LABEL  # "indicateur 1", "Output 2", "annex 3": a name's number is no amount
                continue
            if word == NUMBER and index + 1 < len(words) and words[index + 1] in self.time_units:
                words[index] = DURATION  # "for 60 days", "pendant 60 jours": time, not people
                continue
            # a number of four digits from 1900 to 2099 that no word of more than three letters follows is a
            # year ("in 2025,", "compared with 2025", "from 2024 to 2026"), not an amount ("2000 returnees")
            if word == NUMBER and _YEAR.fullmatch(text[slice(*spans[index])]) and (
                    index + 1 == len(words) or index + 1 in commas or index + 1 in opens or index + 1 in closes
                    or len(words[index + 1]) <= 3 or words[index + 1] in self.prepositions
                    or words[index + 1] in self.articles):
                words[index] = YEAR
        if not (len(items) >= 2 or (items and closed_at == len(words))):
            items = []  # one aside alone is not a list: "the police (at the gate), informed of ..., keep"
        if items:
            clauses, cells = _apart(items, clauses), _apart(items, cells)
        # a phrase does not run across a comma either ("no documents, whether or not a right ..."),
        # unless it says '...' there ("from ... communities": "from the Kurdish, Syrian and Afghan communities")
        pieces = list(cells)
        shift = 0
        border = set(commas)
        for index in range(len(pieces)):
            if index in border and index:
                shift += 1
            pieces[index] = cells[index] * 4096 + shift
        found = _without_borrowed_openers(self._find(words, pieces, cells), self.terms)
        if labels:
            # a word or two in quotes names a label ('marked "registered", "booked" or "declined"'): it is
            # mentioned, not said, so it neither denies nor says a concept by itself
            found = [(positions, term) for positions, term in found if not set(positions) <= labels]
        if aliases:
            found, named = self._with_aliases(words, found, aliases, text, spans)
        if self._described:
            found = self._without_describers(found)
        if wanted is not None:
            terms = self.terms
            if not wanted({concept for _, term in found for concept in terms[term].concepts}):
                return Reading(text, (), (), (), (), (0,), {}, ())
        denied = bool(lead) and self._lead_denies(lead)
        # The items of a list written with semicolons are apart ("clinics for the injured; the police
        # only when a person asks"); two clauses joined by one semicolon still make one statement.
        segments = [0] * ((clauses[-1] + 1) if clauses else 1)
        apart = (semicolons if len(semicolons) >= 2 else []) + items  # (and the items of a list with brackets)
        if apart:
            for index, word_clause in enumerate(clauses):
                segments[word_clause] = sum(1 for s in apart if s <= index)
        # "Since 2020, police have ...", "Depuis plusieurs semaines, ...": a sentence that opens on the
        # situation so far reads as background, like a Background section
        # ("In 2026, the branch will ..." still says what will be done)
        # (tenses are read from the words as written, lower-cased once for both tests)
        written = [text[start:end].lower() for start, end in spans]
        # (a simple past tells what was done only where the section tells the situation: "En la fase piloto ...
        # Eso dejó fuera a ..."; in the plan, "No se consultó a los migrantes" is how it was made)
        tense = self.context_past if context_section else self.plan_past
        opener = next((o for o in self.openers.get(words[0], ()) if tuple(
            NUMBER if w == YEAR else w for w in words[:len(o)]) == o and self._year_opener(o, text, spans)), None) \
            if words else None
        # (an opener that runs up to now, "Since January 2025, the coordinator sends the list ...", makes the sentence
        # background only when the programme is not its subject: what the programme has done since, it still does;
        # the subject opens the main clause, right after the opener or a comma, not "the people we meet")
        ongoing = opener is not None and words[0] in self.ongoing_openers and any(
            p[0] in commas or p[0] == len(opener) for p, t in found if "programme" in self.terms[t].cues)
        told = opener is not None and not ongoing or self._tells_past(written, clauses, found, tense, commas)
        situation = (told or ongoing) and not self._says_future(written, clauses, found)
        past = told and situation
        # (the unit is its section's heading: the lead's first line, or that line as the draft reader writes a
        # heading's unit, less its number: "4. Après un transfert collectif")
        first_line = lead.partition("\n")[0].strip()
        heading = bool(lead) and text.strip() in (first_line, heading_text(first_line))
        reading = self._judge(text, words, spans, clauses, cells, found, commas, opens, closes,
                              context_section or situation, denied, tuple(segments), (answers, pipes, asked), heading,
                              past)
        if aliases and named:
            # a short name says only what its full name says of a body or a document
            for concept in list(reading.matches):
                kept = [m for m in reading.matches[concept] if m.start not in named or concept in named[m.start]]
                if kept:
                    reading.matches[concept] = kept
                else:
                    del reading.matches[concept]
        return reading

    def _list_closes(self, words: Sequence[str], commas: Sequence[int], after: int, clause_end: int) -> bool:
        """Whether the short pieces after the comma at `after` make a list that closes with a conjunction
        ("without names, document numbers or locations"), not a run of items of another list ("number of
        nights without a solution, referrals completed, waiting time at the clinic"). A language that
        names no conjunctions reads every short piece as the list's."""
        if not self.list_closers:
            return True
        start = after
        while start <= clause_end:
            end = next((c for c in commas if c > start), clause_end + 1)
            if any(words[k] in self.list_closers for k in range(start, min(end, clause_end + 1))):
                return True
            if end - start > 4:
                return False
            start = end
        return False

    def aliases(self, texts: Iterable[str]) -> Aliases:
        """The short names a draft defines beside their full name, "the Armed Police Battalion (APBn)" or
        "la DGM (Dirección General de Migración)", whose full name says a concept marked short_names (a
        body, a document, a status): a reviewer reads "APBn" later in the draft as the battalion. A full
        name is the run of words whose initials, leaving out articles, prepositions and 'and', spell the
        short name's capitals; a short name the phrases know already keeps its own reading."""
        out: Aliases = {}
        if not self.short_name_concepts:
            return out
        texts = list(texts)
        function_words = self.articles | self.prepositions | self.coordinators
        for text in texts:
            if "(" not in text:
                continue
            pairs = [(m.group(1), text[max(0, m.start() - 160):m.start()], True) for m in _NAMED_AFTER.finditer(text)]
            pairs += [(m.group(1), m.group(2), False) for m in _NAMED_BEFORE.finditer(text)]
            for short, before, name_last in pairs:
                key = _fold(short)
                capitals = [_fold(c) for c in short if c.isupper()]
                if key in out or len(capitals) < 2 or key in self.first:
                    continue
                name = self._full_name(before, capitals, function_words, name_last)
                if not name and name_last:
                    # a name in another language than its short name's ("the Aliens, Identification and Human
                    # Trafficking department of the police (AVIM)"): the body its last words name
                    name = self._named_last(before)
                if name:
                    alias = self._alias_of(name)
                    if alias.concepts:
                        out[key] = alias
        # "the Provincial Directorate of Migration Management" ... "the Directorate": a word of a name, written
        # capitalised after an article, is that name when no other name in the draft holds the word
        heads: dict[str, set[Alias]] = {}
        for text in texts:
            for found in _NAME_RUN.finditer(text):
                tokens = _TOKEN.findall(found.group())
                before = text[:found.start()].rstrip()
                if not before.strip(" -*•") or before.endswith((".", ":", "|")):
                    tokens = tokens[1:]  # a sentence's first word is capitalised whatever it is ("Titular del CETI")
                    while tokens and not tokens[0][:1].isupper():
                        tokens = tokens[1:]
                run = " ".join(tokens)
                # (a word in capitals is a short name of its own: "CETI")
                capitalised = [t for t in tokens if t[:1].isupper() and not t.isupper()]
                if len(capitalised) < 2:
                    continue
                alias = self._alias_of(run)._replace(head=True)
                for token in capitalised:
                    for word in self.open(_fold(token)):
                        if len(word) > 3 and word not in function_words and word not in out:
                            heads.setdefault(word, set()).add(alias)
        for word, named in sorted(heads.items()):
            saying = {alias for alias in named if alias.concepts}
            # a name that says nothing is another body ("the Provincial Directorate of Health") unless its words
            # are all the named one's ("The Provincial Directorate has asked": the same body, said shorter)
            others = [alias for alias in named - saying
                      if not any(set(alias.name) <= set(said.name) for said in saying)]
            if saying and not others and len({alias.concepts for alias in saying}) == 1:
                out[word] = min(saying)
        addressee = self._addressee(texts)
        if addressee is not None:
            # a letter "À Monsieur le Chef de la Division ... de la Police de l'air et des frontières": its
            # "vous transmettre la liste" sends the list to that body
            for word in self.addressee_pronouns:
                out.setdefault(word, addressee)
        return out

    def _addressee(self, texts: list[str]) -> Alias | None:
        """The body a letter is addressed to: in one of its first lines that opens as an address does
        ("To:", "Dear", "À Monsieur le", "Señor"), the longest phrases that name a body (concepts marked
        both pronouns and short_names); None when there is no such line."""
        if not self.addressee_pronouns or not self.addressee_openers:
            return None
        bodies = self.pronoun_concepts & self.short_name_concepts
        terms = self.terms
        for text in texts[:_ADDRESS_LINES]:
            opening = " ".join(_fold(text.lstrip(" -*#")[:60]).split())
            if not any(opening.startswith(opener) and (opener[-1] == ":" or opening[len(opener):][:1] in (" ", ","))
                       for opener in self.addressee_openers):
                continue
            words = self.split(text)
            longest = self._longest(words, lambda _, term: bool(bodies.intersection(terms[term].concepts)))
            if longest:
                return Alias(tuple(sorted({t for _, t in longest})),
                             frozenset(c for _, t in longest for c in terms[t].concepts if c in bodies),
                             tuple(words))
        return None

    def _full_name(self, text: str, capitals: list[str], function_words: frozenset[str], at_end: bool) -> str:
        """The words of text, at its end (at_end) or as all of it, whose initials spell capitals: the name."""
        tokens = _TOKEN.findall(text)
        if at_end:
            stop = max((i for i, t in enumerate(tokens) if t in _PUNCTUATION), default=-1)
            tokens = tokens[stop + 1:]
        elif any(t in _PUNCTUATION for t in tokens):
            return ""
        initials: list[str] = []
        first = len(tokens)
        for index in range(len(tokens) - 1, -1, -1):
            content = [w for w in self.open(_fold(tokens[index])) if w not in function_words]
            if not content:
                continue
            initials[:0] = [w[0] for w in content]
            first = index
            if len(initials) >= len(capitals):
                break
        if initials != capitals or not tokens[first][:1].isupper() or (not at_end and first > 0):
            return ""
        return " ".join(tokens[first:])

    def _named_last(self, text: str) -> str:
        """The last words of text (one to three, after its last punctuation) that say a concept marked
        short_names, the shortest first: "police" in "... department of the police"; "" when none do."""
        tokens = _TOKEN.findall(text)
        stop = max((i for i, t in enumerate(tokens) if t in _PUNCTUATION), default=-1)
        tokens = tokens[stop + 1:]
        for size in range(1, min(3, len(tokens)) + 1):
            run = " ".join(tokens[-size:])
            if self._alias_of(run).concepts:
                return run
        # (or the body before the country or town it is of, "la Guardia Fronteriza de Bangladesh (BGB)": the
        # short name's letters follow the name in another language)
        if len(tokens) >= 3 and tokens[-1][:1].isupper():
            place = 2 if tokens[-2][:1].isupper() and len(tokens) >= 4 else 1
            if self.open(_fold(tokens[-1 - place]))[0] in self.prepositions:  # ('du' is 'de le')
                return self._named_last(" ".join(tokens[:-1 - place]))
        return ""

    def _alias_of(self, name: str) -> Alias:
        """What a full name says (kept: the same names recur from draft to draft, "National Society")."""
        alias = self._aliases_cache.get(name)
        if alias is None:
            if len(self._aliases_cache) > 4096:
                self._aliases_cache.clear()
            alias = self._aliases_cache[name] = self._read_name(name)
        return alias

    def _read_name(self, name: str) -> Alias:
        """The terms a name holds, its longest phrases only, and the concepts marked short_names they say."""
        words = self.split(name)
        terms = self.terms
        # of the concepts of its longest phrases, a short name says those marked short_names (the "Restoring
        # Family Links" service serves no families)
        longest = [t for _, t in self._longest(words, lambda _, term: bool(
            terms[term].concepts or _ALIAS_CUES.intersection(terms[term].cues)))]
        concepts = frozenset(c for t in longest for c in terms[t].concepts if c in self.short_name_concepts)
        kept = sorted({t for t in longest if concepts.intersection(terms[t].concepts)
                       or (concepts and _ALIAS_CUES.intersection(terms[t].cues))})
        return Alias(tuple(kept), concepts, tuple(words))

    def _longest(self, words: list[str], keep: Callable[[tuple[int, ...], int], bool]) -> list[tuple[set[int], int]]:
        """The terms found in words read as one piece that keep accepts (by positions and term), longest only:
        where one phrase lies inside a longer one, the longer one is what the words say."""
        zeros = [0] * len(words)
        said = [(set(p), t) for p, t in self._find(words, zeros, zeros) if keep(p, t)]
        return [(own, t) for own, t in said if not any(own < other for other, _ in said)]

    def _with_aliases(self, words: list[str], found: list[tuple[tuple[int, ...], int]], aliases: Aliases,
                      text: str, spans: list[tuple[int, int]]
                      ) -> tuple[list[tuple[tuple[int, ...], int]], dict[int, frozenset[int]]]:
        """found, with each short name the draft defines read as its full name (not where the sentence
        writes the full name, beside it as in the definition or around it); and where each stands, with
        what it says (and what the word says itself)."""
        added: list[tuple[tuple[int, ...], int]] = []
        named: dict[int, frozenset[int]] = {}
        terms = self.terms
        for index, word in enumerate(words):
            alias = aliases.get(word)
            if alias is None:
                continue
            if alias.head and not (index and words[index - 1] in self.articles and text[spans[index][0]].isupper()):
                continue
            size = len(alias.name)
            # (the full name just before or after the short one, "... Battalion (APBn)", or around the word itself)
            if any(tuple(words[start:start + size]) == alias.name
                   for start in (*range(max(0, index - size), index + 1), index + 1)):
                continue
            own = frozenset(c for p, t in found if p == (index,) for c in terms[t].concepts)
            added.extend(((index,), term) for term in alias.terms)
            named[index] = alias.concepts | own
        if not added:
            return found, named
        return sorted(found + added, key=lambda item: item[0][0]), named

    def _without_describers(self, found: list[tuple[tuple[int, ...], int]]) -> list[tuple[tuple[int, ...], int]]:
        """found, less each word of a concept marked `describes` that stands right beside a word of what it
        describes ("the Libyan coastguard", "les garde-côtes libyens", "autoridades marroquíes"): there it
        names the body's country, not people."""
        terms = self.terms
        described, describes = self._described, self._describes
        for _, term in found:
            if term not in describes:
                describes[term] = frozenset().union(*(described[c] for c in terms[term].concepts if c in described))
        marked = [(at, describes[term]) for at, term in found if describes[term]]
        if not marked:
            return found
        people = self.pronoun_concepts
        beside = set()
        for at, targets in marked:
            before = {term for other, term in found if other[-1] == at[0] - 1}
            after = {term for other, term in found if other[0] == at[-1] + 1}
            for side, other_side in ((before, after), (after, before)):
                # (not when the other side names people it can describe: "متطوعون فنزويليون مكتب التسجيل",
                # Venezuelan volunteers running the registration office)
                if any(targets.intersection(terms[t].concepts) for t in side) and not any(
                        people.intersection(terms[t].concepts) and not targets.intersection(terms[t].concepts)
                        for t in other_side):
                    beside.add(at)
        if not beside:
            return found
        return [(at, term) for at, term in found if at not in beside or not describes[term]]

    def opening_pronoun(self, text: str) -> str:
        """The subject pronoun a sentence opens on ("They were not consulted"), or the verb that says it
        itself ("Acompañarán a las personas ..."), folded; "" when none."""
        if not self.subject_pronouns and not self.subject_endings:
            return ""
        marker = _LIST_MARKER.match(text)
        first = _TOKEN.search(text, marker.end() if marker else 0)
        word = _fold(first.group()) if first else ""
        if word in self.subject_pronouns:
            return word
        # (a word a little longer than its ending: "eran" alone is a form of "be", not a verb said of someone)
        return word if any(word.endswith(e) and len(word) > len(e) + 2 for e in self.subject_endings) else ""

    def antecedent(self, text: str) -> Alias | None:
        """What a sentence's opening subject says ("Young returnees ..."), for a pronoun that opens the
        next sentence: the terms that start on the first word after an article (or the word after it,
        "all young returnees") of the first part between commas that names someone ("After the
        distribution, volunteers ..."), the longest only, and of their concepts those marked pronouns
        (people and bodies: what "they" can stand for); None when no part does."""
        marker = _LIST_MARKER.match(text)
        names = self.pronoun_concepts
        terms = self.terms
        for part in _SUBJECT_END.split(text[marker.end() if marker else 0:]):
            words = self.split(part)
            first = 0
            while first < len(words) and words[first] in self.articles:
                first += 1
            # "For returnees, ...", "Pour les familles, ...": a phrase that opens on a preposition is no subject
            starts = (first,) if first >= len(words) or words[first] in self.prepositions else (first, first + 1)
            longest = self._longest(words, lambda at, term: at[0] in starts and bool(
                names.intersection(terms[term].concepts) or _ALIAS_CUES.intersection(terms[term].cues)))
            if longest:
                last = max(max(own) for own, _ in longest)
                return Alias(tuple(sorted({t for _, t in longest})),
                             frozenset(c for _, t in longest for c in terms[t].concepts if c in names),
                             tuple(words[first:last + 1]))
        return None

    def _lead_speaks(self, lead: str) -> tuple[str, str]:
        """The part of a heading or lead-in that says of its items a concept marked speaks_for_items
        ("Not admitted:", "Excluded from the distribution"), without its closing colon, and what is left
        of the lead to deny them; ("", lead) when no part says one. The lead-in sentence is tried
        before the heading."""
        cached = self._speaks_cache.get(lead)
        if cached is None:
            if len(self._speaks_cache) > 4096:
                self._speaks_cache.clear()
            heading, _, intro = lead.partition("\n")
            cached = ("", lead)
            for part, rest in ((intro, heading), (heading, "")):
                said = part.strip().rstrip(":").strip()
                if not said:
                    continue
                reading = self.read(said)
                # (not one that opens on a condition: "Cuando aparezcan necesidades que el proyecto no cubre, se
                # canalizará a:" says when the items apply, and they are where people are referred)
                if _opens_on_condition(reading.cues):
                    continue
                # (nor one whose words reject what it lists: "pratiques ... qui sont désormais écartées :")
                rejecting = [(start, end) for kind, start, end in reading.cues if kind == "rejection"]
                if any(match.polarity == AFFIRMED and not any(s <= match.start <= e for s, e in rejecting)
                       for concept in self.lead_concepts for match in reading.matches.get(concept, ())):
                    cached = (said, rest)
                    break
            self._speaks_cache[lead] = cached
        return cached

    def _label_items(self, text: str) -> list[str]:
        """A sentence that opens on a short label saying a concept marked speaks_for_items, then lists
        two or more items apart with ';' ("Not eligible: A; B; C"): each item with the label before it
        ("Not eligible: A", "Not eligible: B", ...); else []."""
        label, colon, rest = text.partition(":")
        if not colon or len(label.split()) > LABEL_WORDS or ";" not in rest:
            return []
        items = [item.strip() for item in rest.split(";")]
        if len(items) < 2 or not all(items[1:]) or any(":" in item for item in items):
            return []  # (an item with its own label is read as written)
        spoken, _ = self._lead_speaks(label)
        if not spoken:
            return []
        return [f"{spoken}: {item}" for item in items if item]

    @staticmethod
    def _year_opener(opener: tuple[str, ...], text: str, spans: list[tuple[int, int]]) -> bool:
        """An opener of two words ending on a number ("In <number>", "Desde <number>") opens on a year: "In 2021,
        ..." tells of the past, "En 3 distritos, ..." only says where."""
        if len(opener) != 2 or opener[1] != NUMBER:
            return True
        return _YEAR.fullmatch(text[spans[1][0]:spans[1][1]]) is not None

    def _says_future(self, written: list[str], clauses: list[int], found: list[tuple[tuple[int, ...], int]]) -> bool:
        """Whether a sentence says what will be done: a word of the future ("will") or a verb ending of the
        future tense ("entregará", "distribuera"), read as written (folded, "entregara" would be "frontera");
        not one in a relative clause ("était servie aux personnes qui montraient ...", "the team that will run the
        clinic was recruited in 2024"), as a past tense there is none either."""
        endings = self.future_endings
        relatives = [p[0] for p, t in found if "relative" in self.terms[t].cues]
        return any((word in endings or (len(word) > 4 and word.endswith(endings)))
                   and not any(r < at and clauses[r] == clauses[at] for r in relatives)
                   for at, word in enumerate(written))

    def _tells_past(self, written: list[str], clauses: list[int], found: list[tuple[tuple[int, ...], int]],
                    tense: tuple[frozenset[str], tuple[str, ...]], commas: Sequence[int] = ()) -> bool:
        """Whether a sentence's main verb is in a past tense ("Cette règle écartait des personnes ...", "Se
        pedía el pasaporte"): one of the tense's words, or a word three letters longer than one of its endings
        ('-aient') that ends on it, read as written; not one in a relative clause or after a reason or a
        condition ("les personnes qui étaient au centre reçoivent ...", "porque los fondos eran limitados, solo
        se atiende ...")."""
        past_words, endings = tense
        if not endings and not past_words:
            return False
        terms = self.terms
        openers = [p[0] for p, t in found if {"relative", "reason", "conditional"}.intersection(terms[t].cues)]
        # (a comma and 'and' close such a clause: "people who had put their names down, and in 2017 our own desk
        # asked patients for an identity card" tells what the desk did)
        rejoins = [c for c in commas if c < len(written) and written[c] in self.coordinators]
        for at, word in enumerate(written):
            # (a verb after an elided word is read on its own: "n'était", "l'avait")
            word = word.rpartition("'")[2].rpartition("\u2019")[2]
            # (endswith with the whole tuple first: most words end on none of them)
            # (not after a present auxiliary: a participle, "is required", "have asked", "will be sent")
            if (word in past_words or word.endswith(endings)
                    and any(len(word) >= len(e) + 3 and word.endswith(e) for e in endings)) \
                    and not (at and written[at - 1] in self.present_helpers) \
                    and not any(o < at and clauses[o] == clauses[at] and not any(o < c <= at for c in rejoins)
                                for o in openers):
                return True
        return False

    def _lead_denies(self, lead: str) -> bool:
        """Whether a heading or lead-in denies what follows it ("What we will not do")."""
        cached = self._lead_cache.get(lead)
        if cached is None:
            if len(self._lead_cache) > 4096:
                self._lead_cache.clear()
            cached = self._lead_cache[lead] = any(self._line_denies(line) for line in lead.split("\n") if line.strip())
        return cached

    def _line_denies(self, line: str) -> bool:
        """Whether one line of a heading or lead-in denies what follows it."""
        # an aside qualifies the heading without denying its work: "Other branch work (not funded by this grant)"
        reading = self.read(_ASIDE.sub(" ", line))
        words, spans = reading.words, reading.spans
        # (a dash sets a heading's parts apart as a comma does: "Our place in the compound — and what it does not mean")
        after_commas = {k for k in range(1, len(words))
                        if any(mark in reading.text[spans[k - 1][1]:spans[k][0]] for mark in (",", "—", "–"))}
        # (nor a negation inside a purpose that opens it: "Para evitar duplicidades y no crear un efecto llamada,
        # el grupo acordó estos criterios:" sets criteria)
        opening = 0
        if any(words[:len(i)] == i for i in self.introducers):
            opening = max(after_commas, default=0)
        # (one that opens on a condition says when, not what is not done: "When the clinic is not enough")
        # (nor one whose negation follows a comma: "Measuring quality, not departures" sets one thing against
        # another and measures the first; nor one that pairs what is done with what is not: "Ce que nous disons,
        # et ce que nous ne disons pas")
        paired = min((k for k in after_commas if words[k] in self.list_closers), default=len(words))
        # (nor a negation in a relative clause after a comma, which describes what is listed: "El grupo seguirá
        # con su trabajo de siempre, que no depende de este acuerdo:" goes on with that work)
        described = {k for at in after_commas if words[at] in self.relative_words for k in range(at + 1, at + 4)}
        return any(kind in ("negation", "rejection") and opening <= start < paired and start not in after_commas
                   and start not in described for kind, start, _ in reading.cues) \
            and not _opens_on_condition(reading.cues)

    def _unattach(self, token: str) -> list[str]:
        """A word with letters written onto it (Arabic وبالشرطة): the letters as their words, and
        the word itself, when what is left is a word the phrases know; else the token as it is."""
        known = self._known or frozenset()
        for words, rest in self._pieces(token):
            if rest in known:
                return [*words, rest]
        return [token]

    def _pieces(self, token: str, shortest_suffix: int = 1) -> Iterator[tuple[tuple[str, ...], str]]:
        """The ways a word may hold letters written onto it, most letters first: (the words of the
        prefix, the word left once prefix and suffix are taken off). Suffixes shorter than
        shortest_suffix are not tried."""
        for written, words in [("", ())] + self._prefixes:
            if not token.startswith(written) or len(token) - len(written) < 2 or written in self._attached_articles:
                continue
            rest = token[len(written):]
            if words and words[-1] in self._attached_articles:
                words, rest = words[:-1], words[-1] + rest  # the article stays on the word
            if written:
                yield words, rest
            for suffix in self._suffixes:
                stem = rest[:-len(suffix)]
                if not rest.endswith(suffix) or len(stem) < 2 or len(suffix) < shortest_suffix:
                    continue
                yield words, stem
                # a last letter spelled otherwise before the suffix (Arabic مساعدتهم: مساعدة + هم)
                alone = self._before_suffix.get(stem[-1])
                if alone is not None:
                    yield words, stem[:-1] + alone

    def known_words(self) -> frozenset[str]:
        """Every form of every word of the language's phrases and lists (built when first needed)."""
        if self._known is None:
            self._known = frozenset().union(self._listed, *(forms for term in self.terms for forms, _ in term.words))
        return self._known

    def _index(self, word: str) -> None:
        """The terms that start with a word: those of one word, and the others by their second word."""
        terms = self.terms
        # the terms' shapes only (a term is built when its second word is met): building every term that
        # opens on a common word ("the", "la", "no") cost a check ~3 ms (bench/check_latency)
        shape = terms.shape if isinstance(terms, StoredTerms) else _shape_of(terms)
        singles: list[int] = []
        by_second: dict[str, list[tuple[int, int]]] = {}
        reach = 0
        for t in (int(t) for t in self.first[word].split()):
            length, seconds, gap = shape(t)
            if length == 1:
                singles.append(t)
                continue
            reach = max(reach, gap)
            for second in seconds:
                by_second.setdefault(second, []).append((t, gap))
        if singles:
            self._singles[word] = tuple(singles)
        self._multis[word] = (reach, by_second) if by_second else None

    def _find(self, words: list[str], pieces: list[int], cells: list[int]) -> list[tuple[tuple[int, ...], int]]:
        """Every (word positions, term) whose words stand in order in one piece of a clause (between
        commas; a wide gap may cross them, not a clause or table cell)."""
        first = self.first
        singles_of = self._singles
        multis_of = self._multis
        stops = self.prepositions
        articles, naming, joins, ands = self.articles, self.naming, self.coordinators, self.list_closers
        terms = self.terms
        found: list[tuple[tuple[int, ...], int]] = []
        count = len(words)
        for i, word in enumerate(words):
            if word not in multis_of:
                if word not in first:
                    continue
                self._index(word)
            singles = singles_of.get(word)
            if singles:
                found.extend(((i,), term) for term in singles)
            multi = multis_of[word]
            if not multi:
                continue
            reach, by_second = multi
            seen: set[int] = set()
            # each word near enough, in order: the terms whose second word it can be (the nearest wins)
            for k in range(i + 1, min(i + 2 + reach, count)):
                candidates = by_second.get(words[k])
                if not candidates:
                    continue
                for term, gap in candidates:
                    if term in seen or k > i + 1 + gap:
                        continue
                    bounds = cells if gap == WIDE_GAP and terms[term].concepts else pieces
                    # (a short gap holds no preposition, nor 'and'/'or': "claim or that" is no "claim that")
                    if bounds[k] != bounds[i] or (gap != WIDE_GAP and any(w in stops or w in ands
                                                                           for w in words[i + 1:k])):
                        continue
                    if k > i + 1 and word in naming and gap != WIDE_GAP \
                            and any(w in articles or w in joins for w in words[i + 1:k]):
                        continue  # "par groupe" is not "par les groupes": after a preposition, an article names something
                        # else; nor is "par personne" in "par groupe et personne": 'and' there joins two things
                    seen.add(term)
                    positions = [i, k]
                    at = k
                    for forms, gap_after in terms[term].words[2:]:
                        nxt = -1
                        # a concept's wide gap may cross commas ("from the Kurdish, Syrian and Afghan
                        # communities"); a cue's does not ("n'y participeront pas, de même que" is no "ne ... que")
                        bounds = cells if gap_after == WIDE_GAP and terms[term].concepts else pieces
                        for j in range(at + 1, min(at + 2 + gap_after, count)):
                            if bounds[j] != bounds[at] or (j > at + 1 and gap_after != WIDE_GAP
                                                           and (words[j - 1] in stops or words[j - 1] in ands)):
                                break
                            if j > at + 1 and gap_after != WIDE_GAP and words[at] in naming \
                                    and (words[j - 1] in articles or words[j - 1] in joins):
                                break
                            if words[j] in forms:
                                nxt = j
                                break
                        if nxt < 0:
                            break
                        at = nxt
                        positions.append(at)
                    else:
                        found.append((tuple(positions), term))
        return found

    def _judge(self, text: str, words: list[str], spans: list[tuple[int, int]], clauses: list[int], cells: list[int],
               found: list[tuple[tuple[int, ...], int]], commas: list[int], opens: list[int], closes: list[int],
               context_section: bool, denied: bool, segments: tuple[int, ...],
               table: tuple[list[int], list[int], list[int]] = ([], [], []), heading: bool = False,
               past: bool = False) -> Reading:
        """past: the sentence opens on the situation so far and says nothing of what will be done ("During the
        first three weeks, the branch handed the police its daily sheet"): a past practice, even the programme's."""
        terms = self.terms
        answers, pipes, asked = table
        # Some phrases change what the words inside them mean ('refused asylum seekers' are not
        # refused, 'without papers' asks for no papers, 'collective sites' handle no one collectively):
        # their concept hides those words from the others (hides_words, idioms, not_negation).
        owners = [(set(p), t) for p, t in found if terms[t].hides and p[-1] - p[0] <= len(p)]
        if owners:
            kept = []
            for positions, term in found:
                own = set(positions)
                if terms[term].concepts and any(own < other for other, _ in owners):
                    continue  # (a cue stays: inside the phrase it is the phrase's own, see below)
                kept.append((positions, term))
        else:
            kept = found
        cues: list[tuple[str, int, int]] = []
        programme = False
        relatives: set[int] = set()
        negating: set[int] = set()  # words of a negation cue, even one that is part of a longer phrase
        denying: set[int] = set()   # ... of a full (not narrow) negation cue: "not", "ne", "no"
        inside_phrases: list[tuple[int, int, int]] = []  # (first, last, negation): a phrase holding a negation
        own_denial = False  # a negation inside a phrase that hides its words
        # a negation word inside a longer narrow negation ("with no") is part of it, as a word is of a phrase
        narrow_spans = [set(p) for p, t in kept if "narrow_negation" in terms[t].cues and len(p) > 1]
        programme_at: dict[int, int] = {}  # clause -> where it first names the programme
        programme_words: set[int] = set()   # the words that name it
        others_at: list[int] = []    # another body named ("the authorities", "the state scheme")
        contrast_at: list[int] = []  # a word that sets the programme against it ("precisely", "en revanche")
        reasons_at: list[int] = []   # a word that opens a reason ("because", "car")
        attributed_at: list[int] = []  # a phrase that gives the clause before to another body ("that is a rule of")
        for positions, term in kept:
            kinds = terms[term].cues
            if not kinds:
                continue
            start, end = positions[0], positions[-1]
            if narrow_spans and "narrow_negation" not in kinds and "negation" in kinds \
                    and any(set(positions) < span for span in narrow_spans):
                continue
            # (a pronoun written in capitals in a sentence that is not is a name: "the US Coast Guard")
            if "programme" in kinds and not (len(positions) == 1 and _capitals(text[slice(*spans[start])])
                                             and not text.isupper()):
                programme = True
                programme_at.setdefault(clauses[start], start)
                programme_words.update(positions)
            if "others" in kinds or "contrast" in kinds:
                (others_at if "others" in kinds else contrast_at).append(start)
                continue
            if "reason" in kinds:
                reasons_at.append(start)
                continue
            if "attribution" in kinds:
                attributed_at.append(start)
                continue
            own = set(positions)
            if any(own <= set(p) and len(p) > len(positions) for p, t in found
                   if terms[t].hides and not terms[t].concepts):
                continue  # part of an idiom or of a phrase that only looks negative ("tenga o no"), or
                # a conjunction that only looks relative ("así que", "por lo que")
            # (not "the principle that no migrant is without rights": a negation that opens the clause as its
            # subject says what is said, as a main clause does)
            # (nor a "that" after a preposition, a demonstrative: "in that work, no person is without rights")
            if "relative" in kinds and not (start in commas and words[start] in self.restrictive) \
                    and not (end + 1 < len(words) and words[end + 1] in self.subject_negations) \
                    and not (start > 0 and words[start] in self.restrictive and words[start - 1] in self.prepositions):
                relatives.add(start)
            if "negation" in kinds and start > 0 and words[start - 1] in self.narrow_words:
                continue  # concord with the narrow negation before it: "sans | aucun papier", "sin | ningún documento"
            if "negation" in kinds or "narrow_negation" in kinds:
                negating.update(range(start, end + 1))
                if "narrow_negation" not in kinds:
                    denying.update(positions)
            holders = [(p, t) for p, t in found if (terms[t].concepts or terms[t].hides) and own <= set(p)
                       and len(p) > len(positions)]
            if holders:
                # a cue word inside a longer phrase ("no rights", "not accepted") is part of it; it
                # still denies a mention that runs on past the phrase ("without a registration | card")
                if "negation" in kinds and any(terms[t].hides for _, t in holders):
                    own_denial = True  # "has no effect on access" says its own polarity, as a heading's denial cannot
                if "negation" in kinds or "narrow_negation" in kinds:
                    extents = [(p[0], p[-1]) for p, _ in holders]
                    inside_phrases.append((min(a for a, _ in extents), max(b for _, b in extents), start))
                continue
            for kind in kinds:
                if kind == "rejection" and (any(w in self.passive for w in words[max(0, start - 2):start]) or (
                        start > 1 and (words[start - 1] in self.list_closers or start in commas)
                        and start - 2 not in negating
                        and any(words[k] in self.passive and clauses[k] == clauses[start]
                                for k in range(max(0, start - 6), start - 1)))):
                    continue  # "their claim was rejected", "has been refused": said of them, not by them (nor the
                    # items of a list after it: "whether the application is pending, granted or refused", "est en
                    # cours, refusée ou jamais déposée")
                if kind not in ("programme", "not_negation", "relative", "idioms"):
                    cues.append((kind, start, end))
        colon_reasons: list[int] = []  # where a colon after a refusal opens its reason
        for kind, start, end in cues:
            # (nor after a narrow one that opens a piece of the sentence, which says whom it covers: "Anyone,
            # whatever their situation: people with a pending claim, ..." lists them)
            if kind not in ("rejection", "negation", "narrow_negation") \
                    or (kind == "narrow_negation" and (start == 0 or start in commas)):
                continue
            reason_at = next((c for c in commas if c > end), len(words))
            if kind != "rejection" and not any(len(w) > 3 for w in words[end + 1:reason_at]):
                continue  # "No: each person is heard" answers alone; the colon is not after what it denies
            if reason_at in answers and reason_at < len(words) and clauses[reason_at] == clauses[end]:
                # "Management declined (the proposal): people whose visas have expired are ...": after a
                # refusal, a colon opens the reason, a clause of its own
                split = clauses[end]
                clauses[reason_at:] = [c + 1 for c in clauses[reason_at:]]
                segments = segments[:split + 1] + segments[split:]
                if kind == "rejection" and not any(tuple(words[max(0, start - len(i)):start]) == i
                                                   for i in self.introducers):
                    colon_reasons.append(reason_at)  # (not a purpose: "para evitar malentendidos: ...")
        last_clause = clauses[-1] if clauses else 0
        question = text.rstrip().rstrip("\"'”»)*_").endswith(("?", "؟"))  # (also in bold: "**Will you ...?**")
        # a heading that opens on a condition names when what follows applies; it says nothing happens
        # ("When we cannot help ourselves", "Si la persona no tiene documentos")
        question = question or (heading and _opens_on_condition(cues))

        def clause_start_of(start: int) -> int:
            while start > 0 and clauses[start - 1] == clauses[start]:
                start -= 1
            return start

        def like_things(first: int, join: int) -> bool:
            """A concept said between `first` and the coordinator at `join` is said again just after it
            (an article may stand between): 'and' joins a list, not a new clause."""
            before = {c for p, t in kept if first <= p[0] and p[-1] < join for c in terms[t].concepts}
            after_at = join + 2 if join + 2 < len(words) and words[join + 1] in self.articles else join + 1
            return bool(before) and any(p[0] == after_at and before.intersection(terms[t].concepts) for p, t in kept)

        def introduces(start: int) -> bool:
            """The word stands in an introductory phrase ("If a person says that ..., we ...")."""
            first = clause_start_of(start)
            return any(words[first:first + len(i)] == list(i) for i in self.introducers) \
                and not any(first < c <= start for c in commas)

        # "The state subsidy requires a residence permit; this project is precisely for those it leaves
        # out": a clause that opens on another body, followed by one where the programme sets itself
        # against it (a negation, a rejection or a word of contrast), describes the other's practice.
        contrasting = {clauses[s] for kind, s, _ in cues if kind in ("negation", "rejection")} | \
            {clauses[s] for s in contrast_at}
        others_first: dict[int, int] = {}  # clause -> where another body opens it
        for s in others_at:
            # at the clause's start, or after an introductory phrase ("While preparing this phase, a donor ...")
            first = clause_start_of(s)
            opening = max([first] + [c for c in commas if first < c <= s])
            if s - opening <= 2:
                others_first.setdefault(clauses[s], s)

        # "...the officers leave; they do not interview children": a clause that opens on "they" after one that
        # opens on another body speaks of that body too
        if others_first:
            clause_starts: dict[int, int] = {}
            for k, clause in enumerate(clauses):
                clause_starts.setdefault(clause, k)
            for clause, opens_at in sorted(clause_starts.items()):
                if clause - 1 in others_first and clause not in others_first \
                        and words[opens_at] in self.subject_pronouns:
                    others_first[clause] = opens_at
        # "The officers do not interview children or take part in assessments": what another body, the clause's
        # subject, does not do is its own practice, not a refusal of the programme's
        # (the body is the subject: only articles come before it, not "ni à la police")
        denied_by_other = {clause for clause, at in others_first.items() if clause not in programme_at
                           and all(words[k] in self.articles
                                   for k in range(max([clause_start_of(at)] + [c for c in commas if c <= at]), at))
                           and any(kind == "negation" and clauses[s] == clause and s > at for kind, s, _ in cues)}

        def set_against(clause: int) -> bool:
            return clause in others_first and programme_at.get(clause, len(words)) > others_first[clause] and any(
                later in programme_at and later in contrasting for later in range(clause + 1, last_clause + 1))

        # "If the police ask for the list of residents, the branch manager declines": a condition that opens
        # the sentence on another body's act, answered by a refusal or a negation, is what the programme
        # refuses (not when the condition itself denies something: "if a family has no card, it is not served")
        condition: tuple[int, int] | None = None
        if_at = next((end for kind, start, end in cues if kind == "conditional" and start == 0), None)
        if if_at is not None:
            # the answer is the first refusal or negation after it; the condition ends at the first comma before
            # it, or at a later one only through a list of bodies ("If the Department, the Border Force or the
            # police ask us ..., our answer is that we do not ...")
            answer_at = min((s for k, s, _ in cues if k in ("negation", "rejection") and s > if_at), default=None)
            before = [c for c in commas if answer_at is not None and if_at < c <= answer_at]
            ends_at: int | None = before[0] if before else None
            # (not into the clause that answers it: "Si un agent demande des informations, le volontaire renvoie
            # vers le coordinateur, qui refuse" sends the officer on; only "qui refuse" is the refusal)
            for previous, following in zip(before, before[1:]):
                if not any(words[k] in self.list_closers for k in range(previous, min(previous + 5, following))):
                    break
                ends_at = following
            if ends_at is not None and any(if_at < at < ends_at for at in others_at) \
                    and not any(k == "narrow_negation" and if_at < at < ends_at for k, at, _ in cues):
                condition = (if_at + 1, ends_at - 1)
        # "We declined the posters, because their purpose is to reduce arrivals": a clause that opens on a
        # reason after one that rejects something says why it was rejected, not what the programme does
        rejecting = {clauses[s] for kind, s, _ in cues if kind == "rejection"}
        # (also after one that denies doing something, when the reason does not name the programme: "We do not
        # distribute the ministry's material, because their purpose is to reduce departures"; not "we will not
        # help them, because our aim is fewer departures")
        denying_clauses = {clauses[s] for kind, s, _ in cues if kind == "negation"}
        not_ours = {clauses[s] for s in reasons_at  # (clauses that describe what others do or what was refused)
                    if clause_start_of(s) == s and (any(c < clauses[s] for c in rejecting) or (
                        any(c < clauses[s] for c in denying_clauses) and clauses[s] not in programme_at))}
        # ... as does the clause a colon opens after it ("Nous avons décliné : ces messages visent à ...")
        not_ours.update(clauses[s] for s in colon_reasons)
        # "The Falepili visa is only for Tuvaluan citizens, but that is a rule of the Australian Government": a
        # clause that opens (after its conjunction) on an attribution gives the clause before to another body
        not_ours.update(clauses[s] - 1 for s in attributed_at if clauses[s] > 0 and s - clause_start_of(s) <= 1)
        stances = []
        for clause in range(last_clause + 1):
            if question:
                stances.append(QUESTION)
            # (a saying right after a relative word is its subject's, not a report: "les résidents qui disent
            # qu'ils ne rentreront pas devront partir" is the programme's rule)
            elif any(kind == "context" and clauses[s] == clause and not introduces(s)
                     and not (s - 1 in relatives and s not in commas) for kind, s, _ in cues) \
                    or (others_first and set_against(clause)) or clause in not_ours \
                    or clause in denied_by_other:
                stances.append(REPORTED)
            elif context_section and (not programme or past):
                stances.append(BACKGROUND)
            else:
                stances.append(PLAN)
        scopes = []    # (first word reached, last word reached, meaning, cue's first word, narrow cue)
        in_relative: list[tuple[int, int]] = []  # what a negation inside a relative clause reaches
        trailing = []  # (first, last) word where a mention must end to be denied by a later negation
        for kind, start, end in cues:
            if kind in ("context", "conditional"):
                continue
            if kind == "negation" and words[start] in self.list_closers and any(
                    k in negating and k not in denying
                    for k in range(max(clause_start_of(start), start - NARROW), start)):
                # "une personne sans passeport ni PPT | est reçue": a "nor" just after a narrow negation adds an
                # item to what it lacks, and reaches as that one does; it does not deny the verb
                kind = "narrow_negation"
            clause = clauses[start]
            clause_start = clause_start_of(start)
            clause_end = end
            while clause_end + 1 < len(words) and cells[clause_end + 1] == cells[end]:
                clause_end += 1  # a negation reaches to the end of its clause, or of its table cell
            next_comma = next((c - 1 for c in commas if c > end), clause_end)
            # (auxiliaries do not count: "passengers who say they are not Ethiopian | are referred")
            relative = any(r < start and clauses[r] == clause
                           and sum(w not in self.light for w in words[r + 1:start]) < RELATIVE_REACH
                           for r in relatives) \
                or any(first <= start <= last for first, last in in_relative)
            # (a second negation word that agrees with one in a relative clause stays in it: "cuyos adultos
            # no tienen ninguno de los dos números | no pueden ser inscritos")
            if kind == "narrow_negation":
                # NARROW words that say something: "strip anyone of their human rights"; in a subject, up
                # to the verb that follows ("people without papers | can volunteer", "people with no place to
                # sleep | are referred"), also a denied one
                # ("un hogar sin tarjeta | no puede ser inscrito", "sans carte | ne peut pas"), and up to
                # the verb's own full negation ("una persona sin permiso | no tiene ningún derecho")
                reach, said = end, 0
                # (a copula ends it only in a subject: not "rations go to all, whether or not they are listed")
                subject = not any(words[k] in self.verb_openers for k in range(clause_start, start)) \
                    and not any(clause_start < c <= start for c in commas)
                while reach < clause_end and said < NARROW:
                    if reach > end and (words[reach + 1] in self.modals or (subject and words[reach + 1] in self.copulas)
                                        or reach + 1 in denying or (
                            reach + 2 <= clause_end and reach + 1 in negating and words[reach + 2] in self.modals)):
                        break
                    # (in a relative clause, not past an 'and' once it has said something: "men who waited outside the
                    # arrival centre | and now act as interpreters"; "who came without papers and documents" lists)
                    if relative and said >= 2 and words[reach + 1] in self.coordinators \
                            and reach + 2 <= clause_end and words[reach + 2] not in self.articles:
                        break
                    reach += 1
                    said += len(words[reach]) > 3
                reach = min(reach, clause_end)
                # it ends at a comma ("in the absence of papers, nothing is due to them"; an aside: ", whatever
                # their status, have the right to ..."), unless a short list runs on ("without names, document
                # numbers or locations")
                after = next((c for c in commas if c > end), None)
                if after is not None and after <= reach:
                    following = next((c for c in commas if c > after), clause_end + 1)
                    listed = any(k == "negation" and after <= s < following for k, s, _ in cues)  # "... ni ..."
                    # (a phrase that opens on a preposition is no item of the list: "sans moyen de transport,
                    # selon un entretien individuel")
                    # (counted without articles: "a visa or an entry stamp")
                    size = sum(words[k] not in self.articles for k in range(after, following))
                    # (nor one that opens on a verb: "whatever their papers, has rights at work, including ... and ...")
                    if (size > 4 or words[after] in self.prepositions or words[after] in self.verbs_going_on
                            or not self._list_closes(words, commas, after, clause_end)) and not listed:
                        reach = after - 1
                else:
                    # a short list that opens a word after the last one reached runs on to its end ("without
                    # telling anyone whether to travel on, stay or go home"; not after a colon, nor a verb that
                    # goes on with the sentence: "whatever their nationality, can be heard individually and ...")
                    after = next((c for c in commas if c > reach), None)
                    # ("whatever their papers, has rights at work": an auxiliary or copula goes on with it too)
                    if after is not None and after <= reach + 2 and after <= clause_end and after not in answers \
                            and words[after] not in self.prepositions and words[after] not in self.verbs_going_on:
                        piece = after
                        while piece <= clause_end:
                            following = min(next((c for c in commas if c > piece), clause_end + 1), clause_end + 1)
                            if following - piece > 5:
                                break
                            if any(words[k] in self.list_closers for k in range(piece, following)):
                                reach = following - 1
                                break
                            piece = following
            elif kind in ("negation", "rejection") and relative:
                # a few words, and not past the main verb's modal ("whose adults have neither number | cannot ...");
                # a refusal there is its subject's ("ceux qui refusent | sont revus jusqu'à ce qu'ils acceptent")
                # (counted in words that say something: "que esos espacios no se usen para controles"; not past a
                # comma: "Ce que nous ne faisons pas, nous l'orientons")
                def main_verb_at(k: int, said: int) -> bool:
                    # its modal, denied or not ("... | no pueden ser inscritas"), or its copula or auxiliary once the
                    # relative clause has said something ("les besoins que la branche ne peut couvrir | sont orientés";
                    # "a person who has no status in Canada | has no rights here")
                    # (denied too: "les personnes qui n'ont pas de pièce d'identité | ne sont pas enregistrées")
                    return words[k] in self.modals \
                        or (said > 0 and (words[k] in self.copulas or words[k] in self.auxiliaries)) or (
                        words[k] in self.negation_words and k + 1 <= clause_end and (words[k + 1] in self.modals or (
                            said > 0 and (words[k + 1] in self.copulas or words[k + 1] in self.auxiliaries))))
                reach, said = end, 0
                while reach < clause_end and said < RELATIVE_NARROW and reach + 1 not in commas \
                        and not (reach > end and main_verb_at(reach + 1, said)):
                    reach += 1
                    said += words[reach] not in self.light
                if kind == "negation":
                    in_relative.append((end + 1, reach))
            elif kind == "rejection":
                # to the next comma or 'and', and on through a relative clause that describes what
                # is rejected ("unlike the last phase, in which migrants were not consulted, ...";
                # "unlike the municipal scheme, which passes its lists to the police, ...")
                joins = [k for k in range(end + 1, clause_end + 1) if words[k] in self.coordinators]
                # ('and' between two things of one kind lists what is rejected: "declined the posters and videos")
                while joins and like_things(end + 1, joins[0]):
                    joins.pop(0)
                reach = min(next_comma, clause_end, joins[0] - 1 if joins else clause_end)
                clause_last = clause_end
                while start == clause_start and clause_last + 1 < len(words) and clauses[clause_last + 1] == clause:
                    clause_last += 1  # (past its table cell only for a contrast that opens the clause)
                while reach < clause_last and any(reach + 1 <= r <= reach + 2 for r in relatives):
                    reach = min(next((c - 1 for c in commas if c > reach + 1), clause_last), clause_last)
            else:
                reach = clause_end
                # "Households holding only an arrival slip, or no document at all, | are not enrolled": a negation
                # that an "or"/"and" after a comma opens denies that item of the list, up to the next comma
                # (unless a short list runs on from its comma: ", and no identity document, permit, stamp or asylum
                # card is ever required" denies them all)
                item_end = next((c for c in commas if c > end), len(words))  # the comma that may close the item
                if start > 0 and words[start - 1] in self.list_closers and start - 1 in commas and not (
                        item_end <= clause_end and self._list_closes(words, commas, item_end, clause_end)):
                    reach = min(reach, item_end - 1)
                # "Il ne trie pas les arrivants : chaque personne est écoutée": after what it denies, a colon
                # opens the explanation (right after the negation, "We will not: ...", it opens what is denied)
                # ("Le registre ne comporte pas de nom : date, lieu, ...": a short word says what is denied too)
                colon = next((a for a in answers if end + 1 < a < clause_end + 1
                              and any(len(w) > 3 or (len(w) > 2 and w not in self.light) for w in words[end + 1:a])),
                             None)
                if colon is not None:
                    reach = colon - 1
                # "no forman parte del alcance y no se les dará seguimiento": a second negation joined by
                # 'and' denies its own part (even inside a phrase that says it), not the first one's
                # (not one that a 'that' opens: "no dice que no vuelvan a intentarlo" denies saying it)
                second = next((k for k in range(end + 1, reach) if words[k] in self.coordinators
                               and (words[k] in self.list_closers or k not in relatives)
                               and (k + 1 in negating or k + 2 in negating)), None)
                if second is not None:
                    reach = second - 1
                if kind == "negation" and any(r < start and clauses[r] == clause for r in relatives):
                    # in a relative clause ("people who ... have no current visa | can all apply"): it
                    # ends where the main verb begins
                    reach = next((k - 1 for k in range(end + 2, clause_end + 1) if words[k] in self.modals), reach)
                inside = max((o for o in opens if o <= start), default=-1)
                if inside >= 0 and not any(inside < c <= start for c in closes):
                    reach = min(reach, next((c - 1 for c in closes if c > end), clause_end))
                # "To avoid being seen as ..., the committee will tell ...": a negation in an
                # introductory phrase ends with it.
                if introduces(start):
                    reach = min(reach, next_comma)
            if kind != "rejection" and start == clause_start and end + 1 in answers:
                # "... the same orientation? No: each one is heard separately": a negation that answers
                # alone before a colon denies what was asked, not the explanation after it
                reach = end
            # "We no longer recruit only nationals", "no es solo para venezolanos": a denial just before an "only"
            # lifts the restriction, and what is restricted is said; one that denies a verb whose clause the
            # "only" opens denies the verb too ("we dropped the rule that | only citizens can volunteer")
            first, restricted = end + 1, False
            if kind != "narrow_negation" and self.restrictors:
                said = 0
                for k in range(end + 1, reach + 1):
                    if k in commas or said > RESTRICTOR_REACH:
                        break
                    if words[k] in self.restrictors:
                        restricted = True
                        first, reach = (first if any(end < r < k for r in relatives) else k), k
                        break
                    said += len(words[k]) > 3 and words[k] not in self.light
            meaning = REJECTED if kind == "rejection" else NEGATED
            scopes.append((first, reach, meaning, start, kind == "narrow_negation"))
            # ("Accepting a referral | does not mean we report back": what is denied is what it amounts to)
            # (a determiner denies what follows it only: "adults surveyed had | no health cover")
            if kind == "negation" and not relative and not restricted and words[start] not in self.subject_negations \
                    and not self._relates(words, start, end):
                # "Forced returns are not part of this plan": a negation just after a mention denies
                # it (the mention ends at most TRAILING words before, with no comma or 'and' between).
                # In English the negation follows an auxiliary ("are not", "will never"); after any
                # other verb it denies what follows ("they describe not knowing where to go").
                limit = max([clause_start] + [c for c in commas if c <= start])
                if start > 0 and tuple(words[start:end + 1]) not in self.trailing_negation \
                        and words[start - 1] not in self.light:
                    limit = start
                back, said = start, 0
                # (it stops at a subject the programme or "they" stands for: in "referral for anything we do not
                # do ourselves" what is denied is what "we" do, not the referral)
                while back > limit and said < TRAILING and words[back - 1] not in self.coordinators \
                        and back not in programme_words and words[back] not in self.subject_pronouns:
                    back -= 1
                    said += len(words[back]) > 3 and words[back] not in self.light
                # "les personnes qui nous consultent n'ont pas droit": the relative clause in the
                # subject is not what is denied
                in_subject = [r for r in relatives if back - 1 <= r < start]
                trailing.append((back, (min(in_subject) - 1) if in_subject else start - 1))  # empty when back > end
            # a table cell answered "No" ("Required?: No", "هل يُطلب؟: لا", "Requis ? : Non"): the answer
            # denies its column's question, back to the cell border
            # (or a short answer that opens with it: "Needs assessment: not planned", "Referral: not applicable")
            if kind != "rejection" and not relative and start in answers \
                    and (next((p for p in pipes if p > end), len(words)) - (end + 1) <= 2 or end + 1 in opens):
                # (the answer may carry an aside: "Do we pass names to the Home Office?: No (safeguarding
                # exceptions only)")
                # a column that asks about the whole row ("Task: return targets | Does the Society do
                # it?: No", or one headed by the answers it takes: "| Yes / No: No") denies the row; one that
                # asks about something of its own ("| Measures departures?: No") and any other deny their cell
                cell_start = max([0] + [p for p in pipes if p <= start])
                header = words[cell_start:start]
                whole_row = bool(pipes) and len(header) <= 3 and words[start] in header
                if pipes and not whole_row and start in asked:
                    content = [w for i, w in enumerate(header, cell_start) if len(w) > 3 and i not in programme_words]
                    whole_row = len(content) < 2 or not any(
                        terms[t].concepts and cell_start <= p[0] and p[-1] < start and not set(p) <= programme_words
                        for p, t in kept)
                trailing.append((0 if whole_row else cell_start, start - 1))
        matches: dict[int, list[Match]] = {}
        # A heading that denies ("What we will not do") denies a sentence that says nothing itself; one
        # with a negation of its own says what it denies ("We do not sort arrivals: each person is heard").
        # (a refusal that a purpose opens is no denial of what the sentence says: "..., para evitar duplicados")
        base = NEGATED if denied and not own_denial and not any(
            kind in ("negation", "rejection") and not any(s >= len(i) and tuple(words[s - len(i):s]) == i
                                                         for i in self.introducers)
            for kind, s, _ in cues) else AFFIRMED
        # "Visitors who cannot show a document": a relative word after a noun (not after a preposition, an
        # article or 'and') opens what those people do; a concept marked not_in_relative is not read right after it
        describing = {r for r in relatives if r > 0 and words[r - 1] not in self.light
                      and words[r - 1] not in self.articles and words[r - 1] not in self.coordinators} \
            if self.relative_concepts else set()
        for positions, term in kept:
            concepts = terms[term].concepts
            if not concepts:
                continue
            start, end = positions[0], positions[-1]
            if describing and self.relative_concepts.intersection(concepts) and any(
                    r < start and clauses[r] == clauses[start] and all(words[k] in self.light for k in range(r + 1, start))
                    for r in describing):
                concepts = tuple(c for c in concepts if c not in self.relative_concepts)
                if not concepts:
                    continue
            # (in a condition the programme refuses, a mention is rejected whatever else reaches it)
            in_condition = condition is not None and condition[0] <= start and end <= condition[1]
            polarity = REJECTED if in_condition else base
            reaching = [scope for scope in scopes if scope[0] <= start <= scope[1]] if scopes else scopes
            absorbed: set[int] = set()
            if reaching and self.concord and any(p in denying and words[p] not in self.concord for p in positions):
                # negative concord: "n'a | pas de droits", "no tiene | ningún derecho": a negation just
                # before a phrase that holds the word completing it is one denial with it, not a second one (a
                # phrase that holds the same word again is: "no significa | no tener derechos")
                absorbed = {scope[3] for scope in reaching if scope[2] == NEGATED and words[scope[3]] in self.concord
                            and start - 2 <= scope[3] < start}
                reaching = [scope for scope in reaching if scope[3] not in absorbed]
            if in_condition or not reaching and not trailing and not inside_phrases and (end == start or not negating):
                match = Match(start, end, clauses[start], polarity, term, positions)
                for concept in concepts:
                    matches.setdefault(concept, []).append(match)
                continue  # nothing denies or rejects it: the common case, decided at once
            meanings = {scope[2] for scope in reaching}
            # (not a lack given as a cause: "nobody was turned away for lack of papers" affirms no papers)
            narrow_at = [scope[3] for scope in reaching if scope[4]
                         and not (scope[3] > 0 and words[scope[3] - 1] in self.prepositions)]
            if narrow_at and any(not scope[4] and scope[2] == NEGATED and scope[3] < min(narrow_at) for scope in reaching):
                # a negation that denies a lack affirms it: "no migrant is without rights"
                meanings = {m for m in meanings if m != NEGATED} or {AFFIRMED}
            if REJECTED in meanings:
                # rejecting a denial affirms it, subject and all ("unlike the last phase, in which
                # migrants were not consulted, ..." says that migrants are consulted now)
                # (only for a contrast that opens the clause: "we refuse to share lists that are
                # not anonymised" still rejects the sharing; and only a full denial: "it is false that whoever
                # comes without a visa has no rights" still rejects what follows the narrow "without")
                denial_inside = any(scope[2] == NEGATED and not scope[4] and first <= scope[3] <= last
                                    and scope[3] not in absorbed
                                    for first, last, meaning, cue, _ in reaching
                                    if meaning == REJECTED and cue == clause_start_of(cue)
                                    for scope in scopes)
                polarity = AFFIRMED if NEGATED in meanings or denial_inside else REJECTED
            double = False
            if NEGATED in meanings and REJECTED not in meanings:
                polarity = NEGATED
                if self.concord and any(
                        negation < start and end <= last and words[negation] in self.concord
                        and any(scope[2] == NEGATED and not scope[4] and scope[3] < first
                                and words[scope[3]] in self.concord and not any(scope[3] < c <= first for c in commas)
                                for scope in reaching)
                        for first, last, negation in inside_phrases):
                    # a denial of a phrase that denies: "no significa | no tener derechos"
                    polarity, double = AFFIRMED, True
            if polarity == AFFIRMED and any(first <= end <= last for first, last in trailing):
                polarity = NEGATED
            gap_denial = [w for w in range(start + 1, end) if w in negating and w not in positions] \
                if polarity == AFFIRMED else []
            own_denials = {words[p] for p in positions if p in denying}
            if gap_denial and not (all(w in denying and words[w] not in own_denials for w in gap_denial)
                                   and own_denials):
                polarity = NEGATED  # a negation inside the phrase's gap: "have no access", "hand nothing over"
                # (a phrase that holds a negation says it itself when the gap holds the rest of it: "ne peut
                # | pas | être inscrit"; not "sin | pedir | ningún documento", where 'sin pedir' denies it, nor
                # the same word again, a denial of its own: "diga que no, | no | se le vuelve a contactar")
            if polarity == AFFIRMED and not double and any((first <= start <= last < end or start < first <= end <= last
                                             or (negation < start and end <= last))
                                            and not any(first <= p <= last and p in negating for p in positions)
                                            for first, last, negation in inside_phrases):
                # it overlaps a negative phrase without being part of it (a phrase that holds the negation
                # word itself says what it means: "ne les reçoit pas | comme un groupe" and "pas comme un groupe"),
                # or stands inside it after the negation ("required" in "no document is ever required")
                polarity = NEGATED
            match = Match(start, end, clauses[start], polarity, term, positions)
            for concept in concepts:
                matches.setdefault(concept, []).append(match)
        asides = [0] * len(words)
        number = 0
        for open_at in opens:
            if open_at + 1 in answers or open_at + 2 in answers:
                continue  # "(target: 240)", "(cible : 240)": a label and its value annotate what they follow
            number += 1
            close_at = next((c for c in closes if c > open_at), len(words))
            for index in range(open_at, close_at):
                asides[index] = number
        if pipes:
            # the cells of a table row stand apart for a test of words near each other, as asides do
            # ("Host community: cash | Camp residents: volunteer incentives only")
            asides = [aside * 4096 + cell for aside, cell in zip(asides, cells)]
        return Reading(text, tuple(words), tuple(spans), tuple(clauses), tuple(stances), segments, matches,
                       tuple(cues), tuple(asides), self.subject_words)



def _apart(starts: list[int], numbers: list[int]) -> list[int]:
    """Clause (or cell) numbers with a new one from each of starts on: the items of a list such as
    "IOM (food), UNHCR (asylum seekers, informed), the police (security)" each say their own thing,
    so the words of one item never combine with another's."""
    out = list(numbers)
    bump = 0
    marks = set(starts)
    for index in range(len(out)):
        if index in marks:
            bump += 1
        out[index] += bump
    return out

def _starts(text: str, position: int, rest: tuple[str, ...], language: CompiledLanguage) -> bool:
    """Whether the words after position begin with rest (for multi-word clause breaks)."""
    if not rest:
        return True
    following = language.split(text[position:position + 80])
    return tuple(following[:len(rest)]) == rest


# ---- tests over a reading --------------------------------------------------------------------------

class TestSpec(NamedTuple):
    """What a prose test asks of one sentence: its concepts together, and nothing that silences them."""

    concepts: tuple[int, ...]
    unless: tuple[int, ...]
    sentence: bool        # within the sentence rather than one clause
    near: int | None      # at most this many words between the concepts' words
    ordered: bool = False  # the concepts in the order the test names them
    unless_between: tuple[int, ...] = ()  # concepts that silence it when they stand between its words
    said_of: tuple[int, ...] = ()         # concepts whose polarity is the hit's (default: all of them)
    unless_mentioned: tuple[int, ...] = ()  # concepts that silence it however they are said (affirmed or denied)
    unless_in_sentence: tuple[int, ...] = ()  # concepts that silence it when affirmed anywhere in the sentence
    said_done: tuple[int, ...] = ()       # concepts that must be said as done (affirmed), whatever 'said' asks
    unless_denied: tuple[int, ...] = ()   # concepts that silence it when the clause (or sentence) denies them
    unless_subject: tuple[int, ...] = ()  # concepts that silence it as the clause's subject, acting ("the police send")


def _tense(entries: Sequence[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """A tense's words and endings, as a language file lists them ('-aient' is an ending; 'était' a word, not
    the end of a longer one)."""
    return (frozenset(e.lower() for e in entries if not e.startswith("-")),
            tuple(sorted({e.lower()[1:] for e in entries if e.startswith("-")}, key=len, reverse=True)))


def _without_borrowed_openers(found: list[tuple[tuple[int, ...], int]],
                              terms: Sequence[Term]) -> list[tuple[tuple[int, ...], int]]:
    """found, less each phrase with a gap after its first word when that word ends another concept's phrase
    and the gap holds words of others: in "needs the centre cannot meet are referred with a slip", 'meet'
    belongs to "cannot meet" and 'referred' to a referral, so "meet ... with" (a meeting) is not said.
    "cannot meet with migrants" (no gap) still is, and so is "a protection need is identified" (nothing in
    the gap) and a phrase of the same concept ("Police officers will check" and "check ... permits")."""
    if not any(len(positions) > 1 and positions[1] > positions[0] + 1 for positions, _ in found):
        return found  # (most sentences: no phrase with a gap after its first word)
    ends: dict[int, set[int]] = {}  # word -> the concepts of the phrases that end on it
    for positions, term in found:
        if len(positions) > 1 and terms[term].concepts:
            ends.setdefault(positions[-1], set()).update(terms[term].concepts)
    if not ends:
        return found
    # (a negation is no one phrase's own: "can not" and "not ... followed up" share it in "cannot be followed up")
    for positions, term in found:
        if len(positions) == 1 and {"negation", "narrow_negation"}.intersection(terms[term].cues):
            ends.pop(positions[0], None)
    said = {at for positions, term in found if terms[term].concepts for at in positions}

    def borrowed(positions: tuple[int, ...], concepts: tuple[int, ...]) -> bool:
        first, second = positions[0], positions[1]
        return (second > first + 1 and first in ends and not ends[first].intersection(concepts)
                and any(at in said for at in range(first + 1, second)))

    return [(positions, term) for positions, term in found
            if len(positions) == 1 or not terms[term].concepts or not borrowed(positions, terms[term].concepts)]


def _fits(combo: tuple[Match, ...], spec: TestSpec, reading: Reading) -> int | None:
    """How far apart a combination's words are, counting the words of more than three letters
    between them ('reduce the number of arrivals' is one apart); None: it does not fit the test.
    Words that must stand side by side (near: 0) stand in one piece of the sentence: "no admite a
    personas sirias, | los equipos ..." does not put "sirias" next to "equipos"."""
    if spec.ordered and any(b.start <= a.end for a, b in zip(combo, combo[1:])):
        return None
    words, asides = reading.words, reading.asides
    taken: dict[int, int] = {}
    for match in combo:
        for position in match.positions:
            if taken.get(position, match.term) != match.term:
                return None  # two concepts read from the same words (unless one phrase means both)
            taken[position] = match.term
    items = sorted(combo)
    gap = max((sum(1 for w in words[a.end + 1:b.start] if len(w) > 3) for a, b in zip(items, items[1:])
               if b.start > a.end + 1), default=0)
    if spec.near is not None and gap > spec.near:
        return None
    if spec.near == 0:
        text, spans = reading.text, reading.spans
        if any(_PIECE_BREAK.search(text, spans[a.end][1], spans[b.start][0])
               for a, b in zip(items, items[1:]) if b.start > a.end):
            return None
    if spec.near is not None and asides:
        # "the risks (desert, sea crossing) and how to reduce them": an aside stands apart
        inside = {asides[m.start] for m in items}
        if len(inside) > 1 or any(asides[w] not in inside for a, b in zip(items, items[1:])
                                  for w in range(a.end + 1, b.start)):
            return None
    return gap


def _subject_starts(reading: Reading) -> frozenset[int]:
    """Where a clause's subject may begin: on its first word, or after one or two short ones ("The police", "Each
    police station", "Y la policía"), not after a preposition, nor in a clause that opens on a short word before an
    article, which marks whom something goes to ("To the police, ...", "A la policía ...", "À la police ..."); and
    a relative clause's, after its relative word."""
    language, words, clauses = reading.subject_words, reading.words, reading.clauses
    if language is None:
        return frozenset()
    subjects: set[int] = set()

    def opens(first: int, end: int) -> None:
        at = first
        while at < min(first + 2, end - 1) and (len(words[at]) <= 6 or words[at] in language.articles) \
                and words[at] not in language.negations and words[at] not in language.prepositions:
            subjects.add(at)
            at += 1
        if at < end and words[at] not in language.prepositions:
            subjects.add(at)

    first = 0
    for index in range(len(words) + 1):
        if index < len(words) and clauses[index] == clauses[first]:
            continue
        if not (first + 1 < index and len(words[first]) <= 2 and words[first + 1] in language.articles
                and words[first] not in language.coordinators):
            opens(first, index)
        first = index
    # a relative clause's own subject, right after its relative word and an article ("the list that the police
    # hand over", "un listado que la Dirección entregará")
    for at in range(len(words) - 2):
        if words[at] in language.relatives and words[at + 1] in language.articles:
            opens(at + 1, len(words))
    return frozenset(subjects)


def _shares_words(match: Match, options: list[list[Match]]) -> bool:
    """Whether a mention is read from some of the same words as a mention of the test's own concepts, and says
    more than it ("accepted as volunteers" beside "will not be accepted"; not a word inside the test's phrase)."""
    own = set(match.positions)
    return any(own.intersection(m.positions) and not own <= set(m.positions) for found in options for m in found)


def _acts(subject: Match, options: list[list[Match]], reading: Reading) -> bool:
    """Whether a clause's subject does what the test says: a word of another of its concepts follows it within two words
    ("Each police station sends", "La Policía de Fronteras facilitará"), with no passive auxiliary before it
    ("the police are sent the list" receive it)."""
    passive = reading.subject_words.passive if reading.subject_words else frozenset()
    start, end = reading.spans[subject.end]
    if reading.text[start:end + 1].rstrip("s ").endswith(("'", "’")):
        return False  # a possessive owns what follows, it does not act: "the Presidency's records"
    return any(subject.end < m.start <= subject.end + 3
               and not any(reading.words[k] in passive for k in range(subject.end + 1, m.start))
               for found in options for m in found)


def _opens_on_condition(cues: Iterable[tuple[str, int, int]]) -> bool:
    """Whether a sentence opens on a condition ("If ...", "Cuando ...", "Lorsque ..."): it says when, not what."""
    return any(kind == "conditional" and start == 0 for kind, start, _ in cues)


def _class(combo: tuple[Match, ...]) -> str:
    polarities = {m.polarity for m in combo}
    return REJECTED if REJECTED in polarities else NEGATED if NEGATED in polarities else AFFIRMED


def hits(spec: TestSpec, reading: Reading) -> list[Hit]:
    """Where the test holds in the sentence: per clause (or for the sentence), one hit for each way
    it is said (affirmed, negated, rejected), each from its closest combination of mentions."""
    lists = []
    for concept in spec.concepts:
        found = reading.matches.get(concept)
        if found and concept in spec.said_done:
            # "with no interview, people board together": the group is moved, said as done; not a heading's
            # "What we will not do:" denying the whole item, which denies the group too
            found = [m for m in found if m.polarity == AFFIRMED]
        if not found:
            return []
        lists.append(found)
    # "IŞKUR needs an ID number; people without one attend the same course": the sentence's other half
    # answers the condition
    if spec.unless_in_sentence and any(m.polarity == AFFIRMED for u in spec.unless_in_sentence
                                       for m in reading.matches.get(u, ())):
        return []
    # a clause, or (within a sentence) a segment: the sentence, or one item of its ';' list
    segments = reading.segments
    if spec.sentence:
        def group_of(m: Match) -> int:
            return segments[m.clause]
    else:
        def group_of(m: Match) -> int:
            return m.clause
    groups = sorted({group_of(m) for m in lists[0]})
    out = []
    for group in groups:
        options = [[m for m in found if group_of(m) == group] for found in lists]
        if not all(options):
            continue
        # (an exception read from the test's own words counts however it is said: in "will not be accepted as
        # volunteers" the refusal is of "accepted as volunteers", recruitment, not of a service)
        if spec.unless and any(group_of(m) == group and (m.polarity == AFFIRMED or _shares_words(m, options))
                               for u in spec.unless for m in reading.matches.get(u, ())):
            continue
        if spec.unless_mentioned and any(group_of(m) == group
                                         for u in spec.unless_mentioned for m in reading.matches.get(u, ())):
            continue
        if spec.unless_denied and any(m.polarity != AFFIRMED and group_of(m) == group
                                      for u in spec.unless_denied for m in reading.matches.get(u, ())):
            continue
        # (what it does is a word of the test's other concepts: "the police and the gendarmerie get ..." is no act)
        if spec.unless_subject:
            candidates = [(u, m) for u in spec.unless_subject for m in reading.matches.get(u, ()) if group_of(m) == group]
            if candidates:
                subjects = _subject_starts(reading)  # (worked out only here: one exception of one rule reads it)
                if any(m.start in subjects and _acts(m, [found for c, found in zip(spec.concepts, options) if c != u],
                                                     reading) for u, m in candidates):
                    continue
        between = [m for u in spec.unless_between for m in reading.matches.get(u, ())
                   if group_of(m) == group]
        best: dict[str, tuple[int, tuple[Match, ...]]] = {}
        if len(options) == 1:
            # one concept: each mention is a hit as it is said (the first of each kind)
            for match in options[0]:
                best.setdefault(match.polarity, (0, (match,)))
            options = []
        for count, combo in enumerate(product(*options) if options else ()):
            if count >= MAX_COMBINATIONS:
                break
            gap = _fits(combo, spec, reading)
            if gap is None:
                continue
            if between:
                low, high = min(m.end for m in combo), max(m.start for m in combo)
                if any(low < m.start and m.end < high and m not in combo for m in between):
                    continue
            kind = _class(tuple(m for m, c in zip(combo, spec.concepts) if c in spec.said_of)
                          if spec.said_of else combo)
            if kind not in best or gap < best[kind][0]:
                best[kind] = (gap, combo)
        for kind in (AFFIRMED, NEGATED, REJECTED):
            if kind not in best:
                continue
            combo = best[kind][1]
            clauses = {m.clause for m in combo}
            stance_set = {reading.stances[c] for c in clauses}
            # words of the combination said as someone else's ("some donors ... to stop migration;
            # our work ...") do not become the programme's plan because another clause is
            stance = REPORTED if REPORTED in stance_set else \
                next(s for s in (PLAN, QUESTION, BACKGROUND) if s in stance_set)
            out.append(Hit(min(clauses), kind, stance, combo))
    return out
