"""Concepts and language cues: the words the reader looks for, loaded from the rule folder.

    rules/concepts/*.yaml   named concepts, each a list of words and short phrases per language
    rules/languages/*.yaml  per language: the cues for negation, rejection, context and actors, and
                            how its words are cut (elisions, contractions, irregular forms)

Everything here is data that policy staff edit; every mistake is reported with file:line (as a
RuleProblem, so `rules lint` lists it with the rule files' problems). Nothing is evaluated.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator, Mapping, NamedTuple

from ..errors import InputError, RuleError
from ..files.inputfile import read_bytes
from ..files.yamlsrc import Located, did_you_mean, join, locate

CUE_KINDS = ("negation", "narrow_negation", "rejection", "not_negation", "idioms", "context", "programme", "relative",
             "others", "contrast", "conditional", "reason", "attribution")
# Kinds of cue made of function words, matched exactly as written ('not' is not 'noted'): their
# lists write every form ("ninguno, ninguna").
EXACT_CUES = frozenset({"negation", "narrow_negation", "not_negation", "programme", "relative", "conditional",
                        "reason"})
# The language file's plain word lists (LanguageCues fields of the same names), besides its cue kinds.
WORD_LISTS = ("clause_breaks", "strong_breaks", "scope_breaks", "introducers", "articles", "prepositions", "passive",
              "auxiliaries", "modals", "copulas", "future_endings", "past_endings",
              "simple_past_endings", "subject_pronouns", "subject_endings", "addressee_pronouns",
              "addressee_openers", "trailing_negation", "concord_negation", "restrictive_relatives",
              "subject_negations", "list_conjunctions", "restrictors", "equating_verbs", "enclitics", "enclitic_after",
              "background_openers", "ongoing_openers", "numbered_labels", "time_units", "suffixes")
LANGUAGE_KEYS = {"language", "name", *WORD_LISTS, "prefixes", "before_suffix", "word_forms", "elisions", "contractions",
                 "irregular", *CUE_KINDS}
WORD_FORMS = ("lemma", "inflections")
CONCEPT_KEYS = {"means", "include", "examples", "hides_words", "speaks_for_items", "short_names", "pronouns",
                "describes", "not_in_relative"}
EXAMPLE_KINDS = ("match", "no_match")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
# Characters that show a regular expression written where a word belongs.
_PATTERN_CHARS = re.compile(r"[\\|()\[\]{}*+?^$]")


class LexiconProblem(RuleError):
    """A located problem in a concept or language file (a RuleProblem's shape, so lint lists it)."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None, column: int | None = None,
                 code: str = "concept", hint: str | None = None) -> None:
        super().__init__(message, path, line, column)
        self.code = code
        self.hint = hint


class Concept(NamedTuple):
    """A named idea and the words that say it, per language.

    words: language -> entries as written (a word or a short phrase each).
    include: other concepts whose words count as this one's too.
    examples: language -> {"match": sentences that contain it, "no_match": sentences that do not}.
    source: file:line of the concept.
    """

    name: str
    means: str
    words: Mapping[str, tuple[str, ...]]
    include: tuple[str, ...]
    examples: Mapping[str, dict[str, tuple[str, ...]]]
    source: str
    file: str
    path: str       # inside the file: concepts.NAME
    hides_words: bool = False  # its phrases hide the words inside them from other concepts
    speaks_for_items: bool = False  # said by a heading or lead-in ("Not admitted:"), it is said of each item under it
    short_names: bool = False  # a short name a draft defines for a name that says it ("... Police Battalion (APBn)") says it too
    pronouns: bool = False  # "they" opening the sentence after one that opens on it says it too ("Returnees ... They ...")
    describes: tuple[str, ...] = ()  # right beside one of these, it only describes it ("the Libyan coastguard")
    not_in_relative: bool = False  # right after "who" that follows a noun it says what those people do ("who cannot")


class LanguageCues(NamedTuple):
    """How one language is read: cue phrases by kind, and how its words are cut."""

    code: str
    name: str
    cues: dict[str, tuple[str, ...]]
    clause_breaks: tuple[str, ...]   # words that open a new clause after a comma ("but", "which")
    strong_breaks: tuple[str, ...]   # words that open a new clause anywhere ("however")
    scope_breaks: tuple[str, ...]    # after a comma, words that end what a negation reaches ("and", "who")
    introducers: tuple[str, ...]     # words that open an introductory phrase ("to", "in order to")
    articles: tuple[str, ...]        # words after which a phrase's next word follows directly ("the group")
    prepositions: tuple[str, ...]    # words a phrase's gap never holds ("departure target" is not "departures from the target")
    passive: tuple[str, ...]         # auxiliaries that make a rejection verb passive ("the claim was rejected")
    auxiliaries: tuple[str, ...]     # words that go with a verb and say little ("will", "must"): not counted in reaches
    modals: tuple[str, ...]          # words that open a clause's main verb ("can", "pueden"): a negation inside the
                                     # subject ("people without papers", "who have no visa") reaches up to them only
    copulas: tuple[str, ...]         # finite forms of "be" ("are", "son", "sont"): a narrow negation in the subject
                                     # ("people with no place to sleep") reaches up to them only ("| are referred")
    subject_pronouns: tuple[str, ...]  # pronouns that open a sentence's subject ("they", "their", "ils"): read as the
                                       # subject that opens the sentence before ("Returnees ... . They were not consulted")
    future_endings: tuple[str, ...]  # words of the future ("will") and verb endings of the future tense (Spanish
                                     # entregará): after a background opener ("En 2021, ..."), a sentence that names the
                                     # programme says its plan only with one of them
    past_endings: tuple[str, ...]    # words and verb endings of the imperfect (French "écartait", "-aient"; Spanish
                                     # "-aba"): a sentence whose main verb is one, with no future, tells what was done
    simple_past_endings: tuple[str, ...]  # ... of the simple past (Spanish "-ó", "-aron"): so, in a section that tells
                                          # the situation (Background, Lessons), even of the programme
    subject_endings: tuple[str, ...]  # verb endings that say "they" themselves (Spanish acompañarán): a sentence that
                                      # opens on such a verb is read as its pronoun would be
    addressee_pronouns: tuple[str, ...]  # "you", "vous", "usted": in a letter, the body it is addressed to
    addressee_openers: tuple[str, ...]   # how a letter's address line opens ("To:", "Dear", "À Monsieur le")
    trailing_negation: tuple[str, ...]  # negations that may follow the subject directly ("lists never go", "ne", "no")
    concord_negation: tuple[str, ...]   # negations that a later word completes ("ne ... pas", "no ... ningún")
    restrictive_relatives: tuple[str, ...]  # relative words never written after a comma (English "that"): there
                                            # they open what was said ("remind everyone, partners too, that ...")
    subject_negations: tuple[str, ...]  # negations that open a clause as its subject ("no migrant", "ninguna persona"):
                                        # after "that", "que" they open what is said, not a relative clause
    list_conjunctions: tuple[str, ...]  # words that close a list ("and", "or", "nor"): a narrow negation runs on
                                        # past a comma only into a list that closes ("without names, numbers or ...")
    restrictors: tuple[str, ...]     # "only" words: a negation or rejection just before one lifts the restriction
                                     # ("we dropped the rule that only citizens can volunteer"), not what it restricts
    equating_verbs: tuple[str, ...]  # "mean", "significa": a negation before one denies what follows, not the subject
                                     # ("accepting a referral does not mean we report back")
    enclitics: tuple[str, ...]       # pronouns written onto a verb (Spanish registrarlos = registrar + los)
    enclitic_after: tuple[str, ...]  # the verb endings they follow (ar, er, ir, ando, iendo)
    background_openers: tuple[str, ...]  # opening a sentence, they make it background ("Since 2020, ...")
    ongoing_openers: tuple[str, ...]  # the first words of those that run up to now ("since"): with the programme
                                      # named, the sentence says what it does ("Since 2025, the branch sends ...")
    numbered_labels: tuple[str, ...]  # nouns a number names ("indicator 1", "annexe 2"): that number is no amount
    time_units: tuple[str, ...]      # units of time a number counts ("60 days", "48 horas"): a duration, no amount
    prefixes: dict[str, str]         # letters written onto the front of a word -> the words they stand for (وال: و ال)
    suffixes: tuple[str, ...]        # letters written onto the end of a word (Arabic pronouns ها، هم), dropped
    elisions: dict[str, str]         # French l' -> le
    contractions: dict[str, str]     # English n't -> not
    before_suffix: dict[str, str]    # a last letter as written before a suffix -> alone (Arabic مساعدتهم: ت -> ة)
    irregular: dict[str, tuple[str, ...]]  # word -> forms the dictionary lacks (leave: left)
    word_forms: str                  # 'lemma' (a word finds every form of its lemma) or 'inflections' (its own only)
    source: str


class Lexicon(NamedTuple):
    concepts: dict[str, Concept]
    languages: dict[str, LanguageCues]

    def readable(self) -> tuple[str, ...]:
        """Languages with cues and at least one concept word: the languages prose is read in."""
        return tuple(sorted(code for code in self.languages
                            if any(_has_words(concept.words, code) for concept in self.concepts.values())))

    def expand(self, name: str, language: str) -> list[str]:
        """Every entry of a concept in a language, its included concepts' entries too."""
        out: list[str] = []
        seen: set[str] = set()

        def walk(current: str) -> None:
            if current in seen or current not in self.concepts:
                return
            seen.add(current)
            concept = self.concepts[current]
            out.extend(concept.words.get(language, ()))
            for child in concept.include:
                walk(child)

        walk(name)
        return out


class _Reader:
    """Reads one file, collecting located problems."""

    def __init__(self, file: str, located: Located, problems: list[RuleError]) -> None:
        self.file = file
        self.located = located
        self.problems = problems

    def problem(self, message: str, path: str, code: str = "concept", hint: str | None = None) -> None:
        line, column = locate(self.located, path)
        self.problems.append(LexiconProblem(message, self.file, line, column, code, hint))

    def entries(self, value: Any, path: str, what: str) -> tuple[str, ...] | None:
        """A list of words or phrases; None (with a problem) when it is not one."""
        if not isinstance(value, list):
            self.problem(f"{what} must be a list of words or short phrases, e.g. [passport, identity card]", path,
                         "malformed-entry")
            return None
        out = []
        for index, entry in enumerate(value):
            if type(entry) is str:  # the common case, checked at once (a rule folder holds thousands)
                text = " ".join(entry.split())
                if text and text.count(" ") < 8 and not _PATTERN_CHARS.search(text):
                    out.append(text)
                    continue
            where = join(path, index)
            if isinstance(entry, bool):
                self.problem(f"{what}: entry {index + 1} was read as {str(entry).lower()}, not as a word", where,
                             "malformed-entry", "YAML reads no, yes, on, off, true and false as true/false: "
                             "quote the word, e.g. \"no\"")
                continue
            if not isinstance(entry, (str, int, float)):
                self.problem(f"{what}: entry {index + 1} must be a word or phrase, not "
                             f"{'a list' if isinstance(entry, list) else 'a mapping' if isinstance(entry, dict) else repr(entry)}",
                             where, "malformed-entry",
                             "write each word or phrase as its own list item; quote it if it holds a colon")
                continue
            text = " ".join(str(entry).split())
            if not text:
                self.problem(f"{what}: entry {index + 1} is empty", where, "malformed-entry")
                continue
            if _PATTERN_CHARS.search(text):
                self.problem(f"{what}: '{text}' looks like a pattern; entries are plain words and phrases, matched "
                             "on their word forms (write 'share' and it matches shares, shared, sharing)", where,
                             "malformed-entry", "list each wording as its own entry instead of (a|b) or word*")
                continue
            if len(text.split()) > 8:
                self.problem(f"{what}: '{text}' has {len(text.split())} words; an entry is a word or a short "
                             "phrase (at most 6 words). Split the idea into concepts that a rule combines", where,
                             "malformed-entry")
                continue
            out.append(text)
        return tuple(out)

    def sentences(self, value: Any, path: str) -> tuple[str, ...]:
        """A list of example sentences."""
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem("examples are a list of sentences", path, "schema")
            return ()
        return tuple(v.strip() for v in value)


def _load(path: Path, problems: list[RuleError]) -> Located | None:
    try:
        raw = read_bytes(path)
        raw.decode("utf-8")
    except InputError as exc:
        problems.append(LexiconProblem(exc.message, str(path), code="yaml-syntax"))
        return None
    except UnicodeDecodeError as exc:
        problems.append(LexiconProblem(f"not UTF-8 text (byte offset {exc.start})", str(path),
                                       raw.count(b"\n", 0, exc.start) + 1, code="yaml-syntax"))
        return None
    try:
        from ..files.cache import load_yaml_file
        located = load_yaml_file(raw, str(path))
    except InputError as exc:
        problems.append(LexiconProblem(exc.message, exc.path, exc.line, exc.column, "yaml-syntax"))
        return None
    for key, line in located.duplicates:
        problems.append(LexiconProblem(f"duplicate key '{key}' (the later value would silently replace the earlier "
                                       "one)", str(path), line, None, "duplicate-key"))
    return located


def concept_files(base: Path) -> list[Path]:
    folder = base / "concepts"
    return sorted(p for p in folder.glob("*.y*ml") if not p.name.startswith(".")) if folder.is_dir() else []


def language_files(base: Path) -> list[Path]:
    folder = base / "languages"
    return sorted(p for p in folder.glob("*.y*ml") if not p.name.startswith(".")) if folder.is_dir() else []


# A lexicon read clean is kept as JSON in the cache folder, under the rule folder's digest: reading
# and checking some 15,000 words in four languages costs a check more than decoding them once.
LEXICON_VERSION = 6
_TUPLE_FIELDS = {"include", "describes", *WORD_LISTS}


def _lexicon_path(base: Path, digest: str) -> Path | None:
    from ..files.cache import cache_dir, source_key

    folder = cache_dir()
    if folder is None:
        return None
    # files are named in sources and problems as the folder was given: the key holds it as given
    key = source_key(f"{LEXICON_VERSION}\0{digest}\0{base}\0", [__file__])[:32]
    return folder / f"lexicon-{LEXICON_VERSION}-{key}.json"


def _thaw(value: Any, field: str) -> Any:
    """A field of a Concept or LanguageCues as read back from JSON (lists were tuples)."""
    if field in ("words", "cues", "irregular"):
        return {k: tuple(v) for k, v in value.items()}
    if field == "examples":
        return {k: {kind: tuple(v) for kind, v in kinds.items()} for k, kinds in value.items()}
    return tuple(value) if field in _TUPLE_FIELDS else value


# A cached lexicon is two JSON documents on two lines: the language cues and what each concept is,
# then every concept's words and examples. A check whose language's terms are cached too never looks
# at the words (reader.load_terms), so the second line is decoded only when something does: decoding
# it cost every check ~4 ms (bench/check_latency).
_BODY_FIELDS = ("words", "examples")


class _Body:
    """The second line of a cached lexicon, decoded once, when a concept's words or examples are first read."""

    def __init__(self, text: str) -> None:
        self._text: str | None = text
        self._fields: dict[str, dict[str, Any]] = {}

    def field(self, name: str, field: str) -> dict[str, Any]:
        if self._text is not None:
            import json

            # the entry passed its checksum, so this is what _store_lexicon wrote
            self._fields = {concept: {f: _thaw(value[f], f) for f in _BODY_FIELDS}
                            for concept, value in json.loads(self._text).items()}
            self._text = None
        return self._fields[name][field]


class _Stored(Mapping[str, Any]):
    """A cached concept's words or examples by language, read when first looked at. Which languages
    it has, and how many entries each, are known without reading them."""

    def __init__(self, body: _Body, name: str, field: str, sizes: dict[str, int]) -> None:
        self._body, self._name, self._field, self.sizes = body, name, field, sizes

    def __getitem__(self, key: str) -> Any:
        return self._body.field(self._name, self._field)[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.sizes)

    def __len__(self) -> int:
        return len(self.sizes)

    def __contains__(self, key: object) -> bool:
        return key in self.sizes

    def __repr__(self) -> str:
        return repr(dict(self))


def _has_words(words: Mapping[str, Any], code: str) -> bool:
    return bool(words.sizes.get(code)) if isinstance(words, _Stored) else bool(words.get(code))


def _cached_lexicon(path: Path | None) -> Lexicon | None:
    import json

    if path is None:
        return None
    try:
        from ..files.cache import read_entry

        head, _, rest = (read_entry(path) or "null").partition("\n")
        data = json.loads(head)
        body = _Body(rest)
        languages = {code: LanguageCues(**{k: _thaw(v, k) for k, v in cues.items()})
                     for code, cues in data["languages"].items()}
        concepts = {}
        for name, concept in data["concepts"].items():
            fields: dict[str, Any] = {k: _thaw(v, k) for k, v in concept.items() if k != "sizes"}
            fields.update((f, _Stored(body, name, f, concept["sizes"][f])) for f in _BODY_FIELDS)
            concepts[name] = Concept(**fields)
        return Lexicon(concepts, languages)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None  # no entry yet, or one this code did not write: read again


def _store_lexicon(path: Path | None, lexicon: Lexicon) -> None:
    import json

    from ..files.cache import write_entry

    if path is None:
        return
    head = {"languages": {code: cues._asdict() for code, cues in lexicon.languages.items()},
            "concepts": {name: {**{k: v for k, v in concept._asdict().items() if k not in _BODY_FIELDS},
                                "sizes": {f: {code: len(entries) for code, entries in getattr(concept, f).items()}
                                          for f in _BODY_FIELDS}}
                         for name, concept in lexicon.concepts.items()}}
    body = {name: {f: getattr(concept, f) for f in _BODY_FIELDS} for name, concept in lexicon.concepts.items()}
    try:
        write_entry(path, json.dumps(head) + "\n" + json.dumps(body),
                    "lexicon", LEXICON_VERSION)
    except OSError:
        pass  # a read-only cache: read again next time


def load_lexicon(base: Path, digest: str = "") -> tuple[Lexicon, list[RuleError]]:
    """Load rules/concepts/ and rules/languages/ of a rule folder; problems are located.
    digest: the rule folder's (see rules.folder_digest); with it, a lexicon read clean is cached."""
    cache = _lexicon_path(base, digest) if digest else None
    cached = _cached_lexicon(cache)
    if cached is not None:
        return cached, []
    lexicon, problems = _read_lexicon(base)
    if not problems:
        _store_lexicon(cache, lexicon)
    return lexicon, problems


def _read_lexicon(base: Path) -> tuple[Lexicon, list[RuleError]]:
    problems: list[RuleError] = []
    languages: dict[str, LanguageCues] = {}
    for path in language_files(base):
        located = _load(path, problems)
        if located is None:
            continue
        cues = _language(path, located, problems)
        if cues is not None:
            if cues.code in languages:
                problems.append(LexiconProblem(f"language '{cues.code}' is defined twice (first in "
                                               f"{languages[cues.code].source})", str(path), 1, code="duplicate-id"))
            else:
                languages[cues.code] = cues
    concepts: dict[str, Concept] = {}
    for path in concept_files(base):
        located = _load(path, problems)
        if located is None:
            continue
        for concept in _concepts(path, located, set(languages), problems):
            if concept.name in concepts:
                line = located.lines.get(concept.path)
                problems.append(LexiconProblem(
                    f"concept '{concept.name}' is defined twice (first at {concepts[concept.name].source})",
                    str(path), line, None, "duplicate-id", "give it another name, or merge the two word lists"))
                continue
            concepts[concept.name] = concept
    _check_includes(concepts, problems)
    return Lexicon(concepts, languages), problems


def _language(path: Path, located: Located, problems: list[RuleError]) -> LanguageCues | None:
    reader = _Reader(str(path), located, problems)
    data = located.data
    if not isinstance(data, dict):
        reader.problem("a language file is a mapping: language, name, negation, rejection, ...", "", "schema")
        return None
    for key in sorted(set(map(str, data)) - LANGUAGE_KEYS):
        reader.problem(f"unknown key '{key}' (allowed: {', '.join(sorted(LANGUAGE_KEYS))})", key, "schema",
                       did_you_mean(key, sorted(LANGUAGE_KEYS)))
    code = data.get("language")
    if not isinstance(code, str) or not _LANGUAGE_CODE.match(code):
        reader.problem("'language' must be a two-letter language code such as en, es, fr, ar", "language", "schema")
        return None
    if path.stem != code:
        reader.problem(f"the file for language '{code}' must be named {code}.yaml", "language", "schema")
    cues: dict[str, tuple[str, ...]] = {}
    for kind in CUE_KINDS:
        if kind in data:
            entries = reader.entries(data[kind], kind, kind)
            cues[kind] = entries or ()
        else:
            cues[kind] = ()
    lists = {key: (reader.entries(data[key], key, key) or ()) if key in data else () for key in WORD_LISTS}
    maps: dict[str, dict[str, str]] = {}
    for key in ("elisions", "contractions", "before_suffix", "prefixes"):
        value = data.get(key) or {}
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            reader.problem(f"'{key}' maps a written piece to the word it stands for, e.g. {{\"l'\": le}}", key, "schema")
            value = {}
        maps[key] = {str(k).lower(): str(v).lower() for k, v in value.items()}
    irregular: dict[str, tuple[str, ...]] = {}
    value = data.get("irregular") or {}
    if not isinstance(value, dict):
        reader.problem("'irregular' maps a word to the forms the dictionary lacks, e.g. {leave: [left]}",
                       "irregular", "schema")
        value = {}
    for word, forms in value.items():
        entries = reader.entries(forms, join("irregular", str(word)), f"irregular forms of '{word}'")
        if entries:
            irregular[str(word).lower()] = entries
    word_forms = data.get("word_forms", "lemma")
    if word_forms not in WORD_FORMS:
        reader.problem("'word_forms' is 'lemma' (a word finds every form of its lemma) or 'inflections' (a word "
                       "finds only its own inflections)", "word_forms", "schema")
        word_forms = "lemma"
    name = data.get("name")
    line = located.lines.get("language", 1)
    return LanguageCues(code=code, name=str(name) if name else code, cues=cues, **lists, prefixes=maps["prefixes"],
                        elisions=maps["elisions"], contractions=maps["contractions"],
                        before_suffix=maps["before_suffix"], irregular=irregular, word_forms=word_forms,
                        source=f"{path}:{line}")


def _concepts(path: Path, located: Located, known_languages: set[str],
              problems: list[RuleError]) -> list[Concept]:
    reader = _Reader(str(path), located, problems)
    data = located.data
    if not isinstance(data, dict) or set(map(str, data)) != {"concepts"} or not isinstance(data["concepts"], dict):
        reader.problem("a concept file holds one key, 'concepts', mapping each concept's name to its words", "",
                       "schema")
        return []
    out = []
    for name, body in data["concepts"].items():
        where = join("concepts", str(name))
        if not isinstance(name, str) or not _NAME.match(name):
            reader.problem(f"concept name '{name}' must be lower-case letters, digits and underscores, starting "
                           "with a letter (e.g. identity_document)", where, "schema")
            continue
        if not isinstance(body, dict):
            reader.problem(f"concept '{name}' must be a mapping: means, then a word list per language (en: [...])",
                           where, "schema")
            continue
        words: dict[str, tuple[str, ...]] = {}
        for key, value in body.items():
            key = str(key)
            if key in CONCEPT_KEYS:
                continue
            if not _LANGUAGE_CODE.match(key):
                reader.problem(f"concept '{name}': unknown key '{key}' (a concept has means, include, examples and "
                               "one word list per language code)", join(where, key), "schema",
                               did_you_mean(key, sorted(CONCEPT_KEYS | known_languages)))
                continue
            if known_languages and key not in known_languages:
                reader.problem(f"concept '{name}': no language file for '{key}' (known: "
                               f"{', '.join(sorted(known_languages))}); add rules/languages/{key}.yaml first",
                               join(where, key), "unknown-language")
                continue
            entries = reader.entries(value, join(where, key), f"concept '{name}' ({key})")
            if entries is None:
                continue
            if not entries:
                reader.problem(f"concept '{name}': the {key} list is empty; add words, or remove the key",
                               join(where, key), "empty-concept")
                continue
            seen: dict[str, int] = {}
            for index, entry in enumerate(entries):
                folded = entry.casefold()
                if folded in seen:
                    reader.problem(f"concept '{name}' ({key}): '{entry}' is listed twice", join(join(where, key), index),
                                   "malformed-entry")
                seen.setdefault(folded, index)
            words[key] = entries
        include: tuple[str, ...] = ()
        if "include" in body:
            listed = reader.entries(body["include"], join(where, "include"), f"concept '{name}' include")
            include = listed or ()
        describes: tuple[str, ...] = ()
        if "describes" in body:
            listed = reader.entries(body["describes"], join(where, "describes"), f"concept '{name}' describes")
            describes = listed or ()
        means = body.get("means")
        if not isinstance(means, str) or not means.strip():
            reader.problem(f"concept '{name}' needs 'means': one line saying what the words stand for",
                           where, "schema")
            means = ""
        if not words and not include:
            reader.problem(f"concept '{name}' has no words in any language and includes no other concept",
                           where, "empty-concept")
        examples = _examples(reader, body.get("examples"), join(where, "examples"), name)
        hides, speaks, short, pronouns, relative = (
            _flag(reader, body, key, where, name)
            for key in ("hides_words", "speaks_for_items", "short_names", "pronouns", "not_in_relative"))
        line = located.lines.get(where)
        out.append(Concept(name, " ".join(str(means).split()), words, include, examples, f"{path}:{line}", str(path),
                           where, hides, speaks, short, pronouns, describes, relative))
    return out


def _flag(reader: _Reader, body: dict[str, Any], key: str, where: str, name: str) -> bool:
    """A concept's true/false key (hides_words, speaks_for_items, short_names, pronouns, not_in_relative); false
    when absent or not a boolean."""
    value = body.get(key, False)
    if not isinstance(value, bool):
        reader.problem(f"concept '{name}': {key} is true or false", join(where, key), "schema")
        return False
    return value


def _examples(reader: _Reader, value: Any, path: str, name: str) -> dict[str, dict[str, tuple[str, ...]]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        reader.problem(f"concept '{name}': examples map a language to {{match: [...], no_match: [...]}}", path, "schema")
        return {}
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for language, body in value.items():
        where = join(path, str(language))
        if not isinstance(body, dict) or set(map(str, body)) - set(EXAMPLE_KINDS):
            reader.problem(f"concept '{name}': examples for '{language}' are {{match: [...], no_match: [...]}}",
                           where, "schema")
            continue
        out[str(language)] = {kind: reader.sentences(body[kind], join(where, kind)) if kind in body else ()
                              for kind in EXAMPLE_KINDS}
    return out


def _check_includes(concepts: dict[str, Concept], problems: list[RuleError]) -> None:
    for concept in concepts.values():
        for verb, names in (("includes", concept.include), ("describes", concept.describes)):
            for child in names:
                if child not in concepts:
                    line = concept.source.rsplit(":", 1)[-1]
                    problems.append(LexiconProblem(
                        f"concept '{concept.name}' {verb} unknown concept '{child}'", concept.file,
                        int(line) if line.isdigit() else None, None, "unknown-concept",
                        did_you_mean(child, sorted(concepts))))
    # cycles: a includes b includes a
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == 2 or name not in concepts:
            return
        if state.get(name) == 1:
            cycle = trail[trail.index(name):] + [name]
            concept = concepts[name]
            line = concept.source.rsplit(":", 1)[-1]
            problems.append(LexiconProblem(f"concepts include each other in a circle: {' -> '.join(cycle)}",
                                           concept.file, int(line) if line.isdigit() else None, None,
                                           "concept-cycle"))
            return
        state[name] = 1
        for child in concepts[name].include:
            visit(child, trail + [name])
        state[name] = 2

    for name in sorted(concepts):
        visit(name, [])
