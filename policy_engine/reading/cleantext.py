"""The text a reader sees: one normalisation, applied to every piece of a draft before any rule reads it.

A person reading a draft does not see a zero-width space inside "pass\u200bport", a soft hyphen, a
bidi override, an HTML entity or an inline tag in Markdown, or the break in a word hyphenated across
two lines; they do not notice that the "е" of "sеrvice" is Cyrillic. Left in, each of these would
hide a sentence from the rules. So, for every text of a draft:

- Unicode format characters (category Cf: zero-width spaces and joiners, soft hyphens, bidi
  controls, tag characters), variation selectors and invisible fillers are removed;
- compatibility forms are folded (NFKC): fullwidth and mathematical letters, ligatures;
- inside a word written mostly in Latin letters, Cyrillic and Greek look-alikes (and the dotless ı)
  become the Latin letters they imitate; words wholly in Cyrillic or Greek are left alone;
- in Markdown and plain text, HTML entities (&shy;, &#8203;, &amp;) are decoded, inline tags and
  one-line comments removed, and a word hyphenated at the end of a line joined again: without the
  hyphen when that makes a word of the dictionaries (pass-/port), with it otherwise (elle-/même);
  the line break moves after the word, so that every line keeps its number.

Text that needs none of this (plain ASCII without '&', '<' or a hyphen at a line end) is returned as
it is, at the cost of two checks.
"""

from __future__ import annotations

import re
import unicodedata

# The patterns are compiled on first use (re caches them): plain ASCII text never pays for them.
# Unicode 14 (this Python's unicodedata) category Cf, variation selectors, the combining grapheme
# joiner and the Hangul and Mongolian fillers: nothing a reader sees.
_INVISIBLE = (
    "[\u00AD\u034F\u0600-\u0605\u061C\u06DD\u070F\u0890-\u0891\u08E2\u115F-\u1160\u180B-\u180F\u200B-\u200F"
    "\u17B4\u17B5\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB\U000110BD\U000110CD"
    "\U00013430-\U00013438\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0001\U000E0020-\U000E007F"
    "\U000E0100-\U000E01EF]")

# Letters of Cyrillic and Greek that look like Latin ones, and the Turkish dotless i.
_LOOKALIKES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "ӏ": "l", "һ": "h", "ь": "b", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O",
    "Р": "P", "С": "C", "Т": "T", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Ү": "Y", "Һ": "H",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K",
    "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ı": "i", "İ": "I",
    # Armenian, and the Latin letters of phonetics and small capitals that pass for plain ones
    "օ": "o", "ս": "u", "հ": "h", "ո": "n", "ց": "g", "ք": "q", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ȷ": "j",
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j", "ᴋ": "k",
    "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v",
    "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
})
_OTHER_SCRIPT = "[\u0370-\u03FF\u0400-\u052F\u0531-\u058F\u0250-\u02AF\u1D00-\u1D7F\u0131\u0130\u0237\uA731]"
# Spaces too thin to see between two letters of one word.
_THIN_IN_WORD = "(?<=[^\\W\\d_])[\u2009\u200A\u202F](?=[^\\W\\d_])"
# A right-to-left override shows the letters it holds reversed: what a reader sees is the reverse.
_OVERRIDE = "\u202E([^\u202A-\u202E\u2066-\u2069\n]*)(?:\u202C|(?=\n)|$)"
_WORD = r"[^\W\d_]+"
_LATIN = "[A-Za-z]"

# An HTML tag: a name right after '<' (so "< 5 years" and "a <-> b" are left alone); its
# attributes may hold quoted '>' and run over lines.
_TAG = (r"</?([A-Za-z][A-Za-z0-9-]{0,20})(?:\s(?:\"[^\"<]{0,400}\"|'[^'<]{0,400}'|[^<>\"']){0,400})?/?>")
_CDATA = r"<!\[CDATA\[(.{0,2000}?)\]\]>"
_INSTRUCTION = r"<[?!][^<>\n]{0,400}>"  # on one line: removing it must not move the lines below
# Markdown a reader does not see as text: a link shows its label; emphasis marks inside a word.
_LINK = r"!?\[([^\]\n]{0,400})\]\([^)\n]{0,400}\)"
_EMPHASIS_IN_WORD = r"(?<=[^\W\d_])\*{1,3}(?=[^\W\d_])"
_BREAKING_TAGS = frozenset({"br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "table", "h1", "h2", "h3", "h4",
                            "h5", "h6", "hr", "blockquote", "section", "article", "header", "footer"})
# A word broken by a hyphen at the end of a line, continued in lower case on the next.
_HYPHENATED = r"([^\W\d_]+)-[ \t]*\n([ \t]*)([a-zà-ÿ][^\W\d_]*)"
_DICTIONARIES = ("en", "es", "fr")


def _rejoin(match: re.Match[str]) -> str:
    """'pass-' + 'port' is 'passport' (a word of a dictionary); 'elle-' + 'même' stays 'elle-même'.
    The line break moves after the word, so that the lines keep their numbers."""
    import simplemma  # loaded only for text that has a hyphen at the end of a line

    head, indent, tail = match.groups()
    joined = head + tail
    known = any(simplemma.is_known(joined.casefold(), lang=lang) for lang in _DICTIONARIES)
    return f"{joined if known else head + '-' + tail}\n{indent}"


def _latinise(match: re.Match[str]) -> str:
    word = match.group(0)
    if re.search(_LATIN, word) is None:
        return word  # a word wholly in Cyrillic or Greek is a word of that language
    return word.translate(_LOOKALIKES)


def _tag(match: re.Match[str]) -> str:
    """A tag disappears (a block tag leaves a space); the line breaks inside it stay, so that the
    lines keep their numbers."""
    breaks = "\n" * match.group(0).count("\n")
    return (" " if match.group(1).lower() in _BREAKING_TAGS else "") + breaks


def _drop_comments(text: str) -> str:
    """HTML comments removed in one pass (a text of many '<!--' cannot make it slow); the line breaks
    of a comment inside a word move after the word ('pass<!--\\n-->port' reads 'passport')."""
    out: list[str] = []
    position = 0
    while True:
        start = text.find("<!--", position)
        end = text.find("-->", start + 4) if start >= 0 else -1
        if end < 0:
            out.append(text[position:])
            return "".join(out)
        out.append(text[position:start])
        breaks = text.count("\n", start, end)
        position = end + 3
        if breaks:
            word_end = position
            while word_end < len(text) and not text[word_end].isspace():
                word_end += 1
            out.append(text[position:word_end] + "\n" * breaks)
            position = word_end


def clean(text: str, markup: bool = False) -> str:
    """The text as a reader sees it (see the module's docstring).

    Args:
        text: a field's value, a paragraph, or a run of lines.
        markup: the text comes from Markdown or plain text, where entities, inline tags and
            hyphenation at line ends are what the reader sees through.
    """
    if markup:
        if "<" in text:
            if "<!--" in text:
                text = _drop_comments(text)
            if "<![CDATA[" in text:
                text = re.sub(_CDATA, r"\1", text, flags=re.DOTALL)
            text = re.sub(_TAG, _tag, re.sub(_INSTRUCTION, "", text))
        if "](" in text:
            text = re.sub(_LINK, r"\1", text)
        if "*" in text:
            text = re.sub(_EMPHASIS_IN_WORD, "", text)
        if "&" in text:
            import html  # 1.5 ms to import: only text with an '&' needs it

            text = html.unescape(text)
        if "-" in text and "\n" in text:
            text = re.sub(_HYPHENATED, _rejoin, text)
    if text.isascii():
        return text
    if "\u202e" in text:
        text = re.sub(_OVERRIDE, lambda m: m.group(1)[::-1], text)
    text = re.sub(_INVISIBLE, "", text)
    text = re.sub(_THIN_IN_WORD, "", text)
    text = unicodedata.normalize("NFKC", text)
    if re.search(_OTHER_SCRIPT, text):
        text = re.sub(_WORD, _latinise, text)
    return text
