"""Tell the language of a draft, and of each of its sections, from the words themselves.

Two readers, the cheap one first:
- Function words. Arabic is recognised by its script (and told from Persian and Urdu by the letters
  Arabic does not use). English, Spanish and French are told apart by counting short function words
  frequent in one language and rare in the other two ('the', 'los', 'les'...); words shared by two
  of them ('de', 'la', 'que', 'en') are left out so they cannot tip the balance. When one language
  clearly dominates a text that is dense with its function words, that is the answer.
- A language identifier (py3langid: a naive Bayes model of byte n-grams for 97 languages, shipped in
  its package) for every other text long enough to judge: a Portuguese or Italian paragraph holds a
  few Spanish or French function words, and only a model of all languages says what it really is.
  Its model takes half a second to load, so it is loaded only when a text needs it.

A declared `language:` is a hint: it is used where the text is too short to tell, and the text
overrules it. A section in a language the rules cannot read is never read with another's rules.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ..text.textscan import strip_marks

# Frequent function words, each exclusive enough to one language. Accents are stripped before
# counting, as everywhere else in the engine.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("""the and of to is are will be with for that this by from which their have has who
        not it or an was were been would should can our they these those its into than also such there
        all any each other we""".split()),
    "es": frozenset("""el los las del y con por para una es su sus como al lo mas este esta estos
        estas tambien entre sin sobre sera seran estan han ha hay muy pero cuando donde desde hasta
        nuestro nuestra nuestros ellos ellas fue fueron ser cada otros otras""".split()),
    "fr": frozenset("""le les des du et est une dans pour avec sur qui ne pas au aux ce cette ces sont par
        leur leurs etre ete ou nous ils elles sera seront ont avons mais aussi dont tout tous toutes
        notre nos selon chaque autres""".split()),
}

# Function words of other languages written in Latin letters, none of them a word of English, Spanish
# or French (accents stripped), nor an English name or word ('door', 'van', 'São', '.com' are left out).
# They decide nothing: they only send a text to the identifier, so that a Portuguese paragraph with
# Spanish-looking words is not read as Spanish.
FOREIGN = frozenset("""
    nao uma ao aos pelo pela pelos pelas tambem serao estao muito sem onde quando foi isso essa esse voce entao
    seus sua suas nossa nosso pessoas
    della delle degli dei gli sono alla nella nelle questo questa anche essere hanno viene vengono sulla dalla
    ogni loro che perche piu gia molto stati stata
    der das und ist nicht zu auf werden wird ein eine einer sich dem auch oder sind wir ihre bei nach zur zum
    durch dass kann sowie
    het een niet zijn voor worden wordt ook dat deze bij naar heeft hebben kunnen wij onze uit werd
    amb dels pels aquesta aquest tambe pentru sunt sau acest nie jest oraz dla
    bir icin olan olarak yang untuk dengan ini itu pada tidak akan kwa katika kwamba hii watu pou moun
""".split())

_WORD = re.compile(r"[a-z]+")
_SAMPLE_CHARS = 40_000

# A section is judged on its own when it holds at least this many words; a shorter one (a title, a
# budget line, a list of codes) takes the draft's language.
MIN_PART_WORDS = 8
_SURE_HITS = 3        # function-word reading: this many hits of one language ...
_SURE_SHARE = 0.8     # ... holding this share of all hits ...
_SURE_DENSITY = 0.12  # ... and this share of all words, and no identifier is needed
_FOREIGN_HITS = 2     # this many function words of other languages send a text to the identifier
_SPARSE_WORDS = 30    # a section of prose of at least this many words ...
_SPARSE_RATIO = 15    # ... with fewer than one listed function word in this many ...
_ODD_LETTERS = 2      # ... and letters of other alphabets (ș, ã) is read by the identifier
_MODEL_SURE = 0.95    # the identifier names a language the rules do not read only this sure
_MODEL_OURS = 0.5     # and one they read at least this sure (else the text takes its surroundings')
_MODEL_OURS_NEAR = 0.01  # a language they read this likely or less is not a contender
_ARABIC_SHARE = 0.3   # share of letters in Arabic script above which a text is Arabic (or Persian, Urdu)
_OTHER_SCRIPT_SHARE = 0.01  # of the Arabic-script letters: Persian or Urdu letters above this share

_ARABIC_LETTER = re.compile("[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
# Letters of the Arabic script that Arabic does not use: Persian (and Urdu) پ چ ژ گ ک ی, Urdu ٹ ڈ ڑ ں ے ہ ھ.
# A draft in Persian or Urdu must not be read with Arabic words (and stays "not checked").
_PERSIAN_LETTER = re.compile("[\u067E\u0686\u0698\u06AF\u06A9\u06CC]")
_URDU_LETTER = re.compile("[\u0679\u0688\u0691\u06BA\u06D2\u06C1\u06BE]")
_LETTER = re.compile(r"[^\W\d_]")
# A letter outside the alphabets of English, Spanish, French and Arabic (and Persian and Urdu).
_ODD_LETTER = re.compile("[^\\W\\d_A-Za-záéíóúñüçàâæèêëîïôœùûÿÁÉÍÓÚÑÜÇÀÂÆÈÊËÎÏÔŒÙÛŸ\u0600-\u06FF\u0750-\u077F"
                         "\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")

READ_BY_WORDS = tuple(STOPWORDS)   # the languages function words tell apart
_SLOT = {word: index for index, language in enumerate(READ_BY_WORDS) for word in STOPWORDS[language]}
_SLOT.update((word, len(READ_BY_WORDS)) for word in FOREIGN)


def _fold(text: str) -> str:
    return strip_marks(text.casefold())


class Counts(NamedTuple):
    """What language evidence a text holds. Counts add up: a section's are the sums of its sentences'."""

    words: int = 0
    letters: int = 0      # counted only in text that is not plain ASCII (else: words stand in)
    arabic: int = 0       # letters in Arabic script
    persian: int = 0
    urdu: int = 0
    en: int = 0           # function words of each READ_BY_WORDS language, in that order
    es: int = 0
    fr: int = 0
    other: int = 0        # function words of other languages (FOREIGN)
    odd: int = 0          # letters that English, Spanish, French and Arabic do not use (ș, ã, ł, ğ...)

    def __add__(self, other: tuple[int, ...]) -> "Counts":  # type: ignore[override]
        return Counts(*map(int.__add__, self, other))

    def __sub__(self, other: tuple[int, ...]) -> "Counts":
        return Counts(*map(int.__sub__, self, other))


assert Counts._fields[5:8] == READ_BY_WORDS


def count(text: str, folded: str | None = None) -> Counts:
    """The language evidence of one text (a sentence).

    folded: the text case-folded and without accents, when the caller has it already.
    """
    text = text[:_SAMPLE_CHARS]
    hits = [0] * (len(READ_BY_WORDS) + 1)
    slot = _SLOT.get
    for word in _WORD.findall(_fold(text) if folded is None else folded[:_SAMPLE_CHARS]):
        index = slot(word)
        if index is not None:
            hits[index] += 1
    words = len(text.split())
    if text.isascii():
        return Counts._make((words, 0, 0, 0, 0, *hits, 0))  # no odd letters in ASCII
    arabic = len(_ARABIC_LETTER.findall(text))
    return Counts._make((words, len(_LETTER.findall(text)), arabic,
                         len(_PERSIAN_LETTER.findall(text)) if arabic else 0,
                         len(_URDU_LETTER.findall(text)) if arabic else 0, *hits, len(_ODD_LETTER.findall(text))))


NEEDS_MODEL = "?"


def decide(counts: Counts, expected: str | None = None, whole: bool = False, sparse_check: bool = False) -> str | None:
    """The language the counts show: a code, None (too little to tell), or NEEDS_MODEL.

    whole: the counts are a whole draft's, and expected its declared language: a draft with not one
    function word of its declared language is not taken at its word.
    sparse_check: a section of prose poor in function words and written with letters our languages
        do not use (an annex in Romanian, in lines too short to judge one by one) is not taken to
        agree with its surroundings: the identifier reads it.
    """
    if counts.words < MIN_PART_WORDS:
        return None
    if counts.letters and counts.arabic / counts.letters >= _ARABIC_SHARE:
        if counts.urdu / counts.arabic >= _OTHER_SCRIPT_SHARE:
            return "ur"
        if counts.persian / counts.arabic >= _OTHER_SCRIPT_SHARE:
            return "fa"
        return "ar"
    latin = {"en": counts.en, "es": counts.es, "fr": counts.fr}
    foreign = counts.other
    best = max(sorted(latin), key=lambda language: latin[language])
    total = sum(latin.values())
    # Inside text in another language (an Italian draft), function words shared with Spanish ('del',
    # 'al') prove nothing: the identifier decides. Elsewhere they settle the clear cases.
    among_ours = expected is None or expected in latin
    if among_ours and foreign * 20 <= latin[best] and latin[best] >= _SURE_HITS \
            and latin[best] / total >= _SURE_SHARE and latin[best] / counts.words >= _SURE_DENSITY:
        return best
    sparse = sparse_check and counts.words >= _SPARSE_WORDS and total * _SPARSE_RATIO < counts.words \
        and counts.odd >= _ODD_LETTERS
    if expected in latin and foreign < _FOREIGN_HITS and latin[expected] == latin[best] and not sparse \
            and (total - latin[expected] < 2 or (total - latin[expected]) * 3 <= latin[expected]) \
            and (latin[expected] or not whole):
        # agrees with its surroundings (or, a list of nouns, shows no language at all); function
        # words of two of our languages at once (Spanish and French ones: Catalan, Italian) do not
        return expected
    return NEEDS_MODEL


def identify(text: str, expected: str | None = None, counts: Counts | None = None, whole: bool = False,
             sparse_check: bool = False) -> str | None:
    """The language of one text (a draft, a section, a paragraph), or None when it is too short or
    too mixed to tell.

    Args:
        text: the text.
        expected: the language of what surrounds it (the draft's, for a section). A text whose few
            function words agree with it, with no sign of another language, is taken to be in it
            without asking the identifier.
        counts: count(text), when the caller has it already.

    Returns 'en', 'es', 'fr', 'ar', 'fa', 'ur', or the code of any other language the text is
    surely written in (the rules will not read it).
    """
    verdict = decide(counts if counts is not None else count(text), expected, whole, sparse_check)
    return by_model(text) if verdict == NEEDS_MODEL else verdict


def by_model(text: str) -> str | None:
    """What the identifier says of a text decide() left in doubt: a language we read if it is fairly
    sure, another only if it is sure (else None: the text takes its surroundings' language)."""
    code, probability = _model_identify(text)
    if code in STOPWORDS or code == "ar":
        return code if probability >= _MODEL_OURS else None
    return code if probability >= _MODEL_SURE else None


_NAMES = {"english": "en", "anglais": "en", "ingles": "en", "spanish": "es", "espanol": "es", "castellano": "es",
          "espagnol": "es", "french": "fr", "francais": "fr", "frances": "fr", "arabic": "ar", "arabe": "ar",
          "العربية": "ar", "عربي": "ar", "persian": "fa", "farsi": "fa", "urdu": "ur"}


def declared_language(value: object) -> str | None:
    """A declared language as a two-letter code: 'en', 'EN', 'en-GB', 'English' and 'Français' all work."""
    if value is None:
        return None
    text = _fold(str(value)).strip()
    if not text:
        return None
    text = re.split(r"[-_ ]", text, maxsplit=1)[0]
    return _NAMES.get(text, text)


# Names for the notices; a language not listed here is named by its code.
LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "fr": "French", "ar": "Arabic", "pt": "Portuguese", "it": "Italian",
    "de": "German", "nl": "Dutch", "ca": "Catalan", "ro": "Romanian", "pl": "Polish", "tr": "Turkish",
    "ru": "Russian", "uk": "Ukrainian", "fa": "Persian", "ur": "Urdu", "zh": "Chinese", "ja": "Japanese",
    "ko": "Korean", "hi": "Hindi", "bn": "Bengali", "sw": "Swahili", "id": "Indonesian", "ms": "Malay",
    "tl": "Tagalog", "vi": "Vietnamese", "th": "Thai", "el": "Greek", "he": "Hebrew", "am": "Amharic",
    "so": "Somali", "ps": "Pashto", "ku": "Kurdish", "sv": "Swedish", "da": "Danish", "no": "Norwegian",
    "fi": "Finnish", "cs": "Czech", "sk": "Slovak", "hu": "Hungarian", "hr": "Croatian", "sr": "Serbian",
    "bg": "Bulgarian", "sq": "Albanian", "ha": "Hausa", "yo": "Yoruba", "ht": "Haitian Creole", "qu": "Quechua",
}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


_identifier: Any = None  # a py3langid LanguageIdentifier once loaded


def _model_identify(text: str) -> tuple[str, float]:
    """The identifier's best language and its probability (the model is loaded on first use)."""
    global _identifier
    if _identifier is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier  # half a second: only when needed

        _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ranked = _identifier.rank(text[:_SAMPLE_CHARS])
    code, probability = ranked[0]
    if code not in READ_BY_WORDS and code != "ar":
        # Its probabilities flatten on long texts (a German page may get 0.94): a language we do
        # not read also wins when none we read is anywhere near it.
        ours = max((p for c, p in ranked if c in READ_BY_WORDS or c == "ar"), default=0.0)
        if probability >= _MODEL_OURS and ours < _MODEL_OURS_NEAR:
            probability = max(probability, _MODEL_SURE)
    return str(code), float(probability)
