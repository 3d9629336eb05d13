"""Guess the language of a draft (en, es, fr or ar) from its words, without any model.

Arabic is told from Persian and Urdu, which share its script, by the letters Arabic does not use.

A declared `language:` always wins; this is only for drafts that do not say. Arabic is recognised
by its script. English, Spanish and French are told apart by counting short function words that
are frequent in one language and rare in the other two ('the', 'los', 'les'...). Words shared by
two of them ('de', 'la', 'que', 'en') are left out, so they cannot tip the balance. On the few
hundred words of a concept note this is reliable; on a couple of lines it may not be, and then
nothing is guessed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

UNDETERMINED = "und"  # enough text, but in none of the four languages

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

_WORD = re.compile(r"[a-z]+")
_MIN_HITS = 8          # fewer function words than this: too little text to tell
_ENOUGH_WORDS = 80     # with this many words and no winner, the text is in another language
_MIN_SHARE = 0.55      # the winner must have this share of all function-word hits
_ARABIC_SHARE = 0.3    # share of letters in Arabic script above which a draft is Arabic
_SAMPLE_CHARS = 40_000


_ARABIC_LETTER = re.compile("[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
# Letters of the Arabic script that Arabic does not use: Persian (and Urdu) پ چ ژ گ ک ی, Urdu ٹ ڈ ڑ ں ے ہ ھ.
# A draft in Persian or Urdu must not be read with Arabic words (and stays "not checked").
_PERSIAN_LETTER = re.compile("[\u067E\u0686\u0698\u06AF\u06A9\u06CC]")
_URDU_LETTER = re.compile("[\u0679\u0688\u0691\u06BA\u06D2\u06C1\u06BE]")
_OTHER_SCRIPT_SHARE = 0.01  # of the Arabic-script letters


def _fold(text: str) -> str:
    folded = text.casefold()
    if folded.isascii():
        return folded
    return "".join(ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch))


def scores(text: str) -> dict[str, int]:
    """How many function words of each language the text holds (plus 'ar': Arabic letters)."""
    sample = text[:_SAMPLE_CHARS]
    arabic = 0 if sample.isascii() else len(_ARABIC_LETTER.findall(sample))
    out = {"ar": arabic}
    words = _WORD.findall(_fold(sample))
    for language, stop in STOPWORDS.items():
        out[language] = sum(1 for w in words if w in stop)
    return out


def detect_language(texts: Iterable[str]) -> str | None:
    """The language of the texts: 'en', 'es', 'fr', 'ar', UNDETERMINED, or None.

    Args:
        texts: the prose of the draft (narrative and free-text fields).

    Returns:
        a two-letter code; UNDETERMINED when there is plenty of text but in none of the four
        languages; None when there is too little text to tell.
    """
    text = "\n".join(texts)
    letters = sum(map(str.isalpha, text[:_SAMPLE_CHARS]))
    if not letters:
        return None
    counts = scores(text)
    if counts["ar"] / letters >= _ARABIC_SHARE:
        sample = text[:_SAMPLE_CHARS]
        if len(_URDU_LETTER.findall(sample)) / counts["ar"] >= _OTHER_SCRIPT_SHARE:
            return "ur"
        if len(_PERSIAN_LETTER.findall(sample)) / counts["ar"] >= _OTHER_SCRIPT_SHARE:
            return "fa"
        return "ar"
    latin = {lang: n for lang, n in counts.items() if lang != "ar"}
    total = sum(latin.values())
    best = max(sorted(latin), key=lambda lang: latin[lang])
    if latin[best] >= _MIN_HITS and latin[best] / total >= _MIN_SHARE:
        return best
    words = len(_WORD.findall(_fold(text[:_SAMPLE_CHARS])))
    return UNDETERMINED if words >= _ENOUGH_WORDS else None


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
