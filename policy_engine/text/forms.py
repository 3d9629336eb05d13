"""Word forms: every spelling of a concept's word that counts as that word.

Concepts are written as plain words ("depart", "share", "passport"); drafts use inflected forms
("departed", "shared", "passports", "compartidas", "partagées"). Matching on lemmas means: a word in
a draft counts as a concept's word when both have the same lemma. Lemmatising every word of every
draft at run time would load simplemma's dictionaries (up to 0.9 s for Spanish) on every check, so
we turn the question around once per concept word: its forms are the words simplemma maps to its
lemma (and to those forms: 'partagé' is a form of 'partager', 'partagées' one of 'partagé'), plus
regular inflections for words the dictionary lacks. A word that is itself a lemma is taken as
written ('meeting', not 'meet'). A draft's word then matches if it is one of those forms, a plain
set look-up.

The forms of each word are stored in the cache folder per language and simplemma version, so the
dictionaries are loaded only when a rule author adds a word never seen before.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Iterable

from .textscan import strip_marks

FORMS_VERSION = 9
_memory: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}  # (language, mode) -> word -> forms, this process


# Letters written in more than one way in Arabic script: taa marbuta as haa, alef maqsura as yaa,
# tatweel (a stretching stroke) dropped, Arabic-Indic digits as digits. (Hamza and madda on alef,
# and all short vowels, are combining marks that NFKD separates and fold drops.)
_SCRIPT_VARIANTS = str.maketrans({"\u0629": "\u0647", "\u0649": "\u064a", "\u0640": None,
                                  **{chr(0x0660 + d): str(d) for d in range(10)},
                                  **{chr(0x06F0 + d): str(d) for d in range(10)}})


# A word as drafts write it: letters and digits, with the combining marks written on them (Arabic
# short vowels and shadda in "تُمنح", accents typed as separate marks): a mark never cuts a word.
_MARKS = "\u0300-\u036F\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E4\u06E7\u06E8\u06EA-\u06ED\u08D3-\u08FF"
WORD = "[^\\W_]+(?:[" + _MARKS + "]+[^\\W_]*)*"  # letters, then marks and letters (a plain word at full speed)


def fold(text: str) -> str:
    """Lower case without accents: how every word is compared ('Résidence' -> 'residence',
    'الحماية' -> 'الحمايه', 'إقامة' -> 'اقامه')."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    return strip_marks(folded).translate(_SCRIPT_VARIANTS)


@lru_cache(maxsize=1)
def simplemma_version() -> str:
    """The installed simplemma's version, read from its package folder's metadata directory name
    (importing simplemma, or importlib.metadata, would cost a single check some 15-50 ms)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("simplemma")
    if spec is None or not spec.origin:
        return "none"  # not installed: forms are the regular inflections only
    folder = Path(spec.origin).resolve().parent.parent
    found = sorted(p.name for p in folder.glob("simplemma-*.dist-info"))
    if found:
        return found[-1][len("simplemma-"):-len(".dist-info")]
    try:
        from importlib.metadata import version
        return version("simplemma")
    except Exception:  # noqa: BLE001  (a source checkout without metadata)
        return "unknown"


@lru_cache(maxsize=8)
def _dictionary(language: str) -> tuple[dict[str, str], dict[str, list[str]]] | None:
    """simplemma's dictionary for a language: (form -> lemma, lemma -> its forms), in lower case with
    their accents (accents tell 'financé' from 'finance'); forms and lemmas without accents are keys
    too, for words written without them."""
    try:
        from simplemma.strategies.dictionaries import DefaultDictionaryFactory
        table = DefaultDictionaryFactory().get_dictionary(language)
    except (ImportError, ValueError):
        return None
    forward: dict[str, str] = {}
    inverse: dict[str, list[str]] = {}
    for form, lemma in table.items():
        form, lemma = form.lower(), lemma.lower()
        forward.setdefault(form, lemma)
        inverse.setdefault(lemma, []).append(form)
    for form, lemma in list(forward.items()):
        forward.setdefault(fold(form), lemma)
    for lemma in list(inverse):
        if fold(lemma) != lemma and fold(lemma) not in inverse:
            inverse[fold(lemma)] = inverse[lemma]
    return forward, inverse


def dictionary_words(language: str, words: Iterable[str]) -> list[str]:
    """The words (in lower case, looked up as given) that simplemma's dictionary has, as a form or a
    lemma, through the stored forms: a word it lacks has only its regular endings."""
    wanted = sorted(set(words))
    forms = word_forms(language, wanted)
    return [w for w in wanted if set(forms[w]) - _regular(fold(w), language)]


def _regular(word: str, language: str) -> set[str]:
    """Regular inflections, for words the dictionary lacks (a new coinage, a rare plural)."""
    out = {word}
    if " " in word or not word.isalpha() or not all("a" <= ch <= "z" for ch in fold(word)):
        return out  # these endings are those of languages written in Latin letters
    out |= {word + "s", word + "es"}
    if language == "en":
        stem = word[:-1] if word.endswith("e") else word
        out |= {stem + "ed", stem + "ing"}  # 'share' -> 'shared', 'ban' -> not 'band'
        if not word.endswith("e"):
            out.add(word + "ed")
        if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
            out |= {word[:-1] + "ies", word[:-1] + "ied"}
        if len(word) > 2 and word[-1] not in "aeiouwxy" and word[-2] in "aeiou" and word[-3] not in "aeiou":
            out |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    elif language in ("es", "fr"):
        if word.endswith("z"):
            out.add(word[:-1] + "ces")
        if language == "fr" and word.endswith("al"):
            out.add(word[:-2] + "aux")
        if language == "fr" and word.endswith(("eau", "eu")):
            out.add(word + "x")
        if language == "es":
            if word.endswith("o"):
                out |= {word[:-1] + "a", word[:-1] + "as", word[:-1] + "os"}
            participles = {"ar": "ad", "er": "id", "ir": "id"}
        else:
            if not word.endswith("e"):
                out |= {word + "e", word + "es"}
            participles = {"er": "e", "ir": "i", "re": "u"}
        # a verb's participles, which the dictionary files as adjectives ('partagées' -> 'partagé')
        ending = participles.get(word[-2:])
        if ending and len(word) > 4:
            stem = word[:-2] + ending
            if language == "es":
                out |= {stem + "o", stem + "a", stem + "os", stem + "as"}
            else:
                out |= {stem, stem + "e", stem + "s", stem + "es"}
    return out


def _compute(word: str, language: str, mode: str) -> tuple[str, ...]:
    """The folded forms of a word written in lower case with its accents."""
    forms = _regular(fold(word), language)
    dictionary = _dictionary(language)
    if dictionary is not None:
        forward, inverse = dictionary
        # A word that is a lemma is taken as written ('meeting' finds 'meetings', not 'meet'); any
        # other form stands for its lemma ('departures' finds 'departure'). Concepts write '=word'
        # for a word that must match exactly ('=illegals', not the adjective 'illegal'). A language
        # whose dictionary joins words that mean different things (Arabic's files a noun under the
        # verb it comes from) asks for 'inflections': a word finds only its own forms.
        if mode == "inflections" and word not in inverse:
            return tuple(sorted(forms))
        lemma = word if word in inverse else forward.get(word, word)
        first = {lemma, *inverse.get(lemma, ())}
        forms.update(fold(f) for f in first)
        if mode == "inflections":
            return tuple(sorted(forms))
        for form in first:  # the forms of its forms: participles used as adjectives
            forms.update(fold(f) for f in inverse.get(form, ()))
    return tuple(sorted(forms))


def _store_path(language: str, mode: str) -> Any:
    from ..files.cache import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    return folder / f"forms-{FORMS_VERSION}-{language}-{mode}-{simplemma_version()}.json"


def _load_store(language: str, mode: str) -> dict[str, tuple[str, ...]]:
    if (language, mode) in _memory:
        return _memory[(language, mode)]
    table: dict[str, tuple[str, ...]] = {}
    path = _store_path(language, mode)
    if path is not None:
        try:
            from ..files.cache import read_entry

            raw = json.loads(read_entry(path) or "null")
            if isinstance(raw, dict) and all(isinstance(k, str) and isinstance(v, list)
                                             and all(isinstance(f, str) for f in v) for k, v in raw.items()):
                table = {k: tuple(v) for k, v in raw.items()}
        except (OSError, ValueError, RecursionError):
            pass  # no store yet, or a damaged one: computed again
    _memory[(language, mode)] = table
    return table


def word_forms(language: str, words: Iterable[str], mode: str = "lemma") -> dict[str, tuple[str, ...]]:
    """The folded forms of each single word (in lower case, accents kept) in a language, computing
    and storing the new ones. mode: 'lemma' or 'inflections' (the language file's word_forms)."""
    table = _load_store(language, mode)
    wanted = sorted(set(words))
    missing = [w for w in wanted if w not in table]
    if missing:
        for word in missing:
            table[word] = _compute(word, language, mode)
        path = _store_path(language, mode)
        if path is not None:
            from ..files.cache import write_entry
            try:
                write_entry(path, json.dumps(table, sort_keys=True), "forms", FORMS_VERSION)
            except OSError:
                pass  # a read-only cache: computed again next time
    return {w: table[w] for w in wanted}
