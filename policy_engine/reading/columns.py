"""Where quoted words start on a line of the source file: the column of a finding and its evidence.

A quote is the text a rule read, which is not the text of the file: Markdown's list markers, emphasis
and link targets, HTML tags and entities, invisible characters, look-alike letters and compatibility
forms were cleaned away (cleantext.py), a table row was read as 'Column: cell | cell'. So the quote is
not searched for as it is. Both it and the line are reduced to their letters and digits, folded the
way the cleaning folds them (NFKC, case, accents, look-alikes), with the line's markup set aside (tags,
comments, link targets; an entity counts as the character it stands for); each letter of the line
remembers the code point it came from. The quote starts where the longest run of its letters starts
on the line, preferring the start of a sentence (after . ! ? ; : or a list marker, or at the start of the
line) when two places match as far: 'They said stay home. Stay home.' puts the second sentence at the
second 'Stay'.

Columns are 1-based and count Unicode code points (what SARIF calls unicodeCodePoints): an emoji is
one column, an accented letter one, whatever their bytes in UTF-8 or UTF-16.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache

from ..model import Document
from ..text.textscan import strip_marks
from .cleantext import _INVISIBLE, _LOOKALIKES

# What a reader does not see as text on a line of Markdown or plain text (cleantext removes the same).
_MARKUP = re.compile(r"<!--.*?(?:-->|$)|</?[A-Za-z][A-Za-z0-9-]{0,20}(?:\s[^<>]*)?/?>|"
                     r"(?<=\])\([^)\s]*(?:\s+\"[^\"]*\")?\)|"
                     r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•–]|\d{1,3}[.)]|[a-zA-Z][.)])\s+")
_BEFORE_SENTENCE = ".!?;:…|)\u061f\u061b"  # what may end the text before a sentence on the same line
_LEAD_IN = set(" \t*_~`[>#\"'“”‘’«»„¿¡(-–—•+")   # markup and quote marks that may open a sentence
MIN_LETTERS = 3      # a quote must match at least this many of its letters (or all it has) to be placed
SURE_LETTERS = 12    # this many letters in a row do not match by chance
MAX_LETTERS = 400    # of a quote's letters, the first this many are compared


_FOLDED: dict[str, str] = {}


def _fold(char: str) -> str:
    """One character as the rules read it: its letters and digits, folded (may be '' or several)."""
    folded = _FOLDED.get(char)
    if folded is None:
        if char.isascii():
            folded = char.lower() if char.isalnum() else ""
        elif re.match(_INVISIBLE, char):
            folded = ""  # some invisible fillers are letters to Unicode
        else:
            text = unicodedata.normalize("NFKC", char).casefold().translate(_LOOKALIKES)
            folded = "".join(c for c in strip_marks(text) if c.isalnum())
        if len(_FOLDED) < 65536:
            _FOLDED[char] = folded
    return folded


def letters(text: str) -> str:
    """A text's letters and digits, folded (what a quote is compared by)."""
    if text.isascii():
        return "".join([c for c in text if c.isalnum()]).lower()
    return "".join([_fold(c) for c in text])


@lru_cache(maxsize=1024)
def _line_letters(line: str) -> tuple[str, tuple[int, ...]]:
    """The folded letters of a line of the file, and for each the 0-based code point it comes from."""
    has_markup = "<" in line or "&" in line or "](" in line
    if line.isascii() and not has_markup:
        where = tuple(i for i, c in enumerate(line) if c.isalnum())
        return "".join([line[i] for i in where]).lower(), where
    out: list[str] = []
    at: list[int] = []
    position = 0
    markup = list(_MARKUP.finditer(line)) if has_markup else []
    for match in markup + [None]:
        end = match.start() if match is not None else len(line)
        for index in range(position, end):
            for letter in _fold(line[index]):
                out.append(letter)
                at.append(index)
        if match is not None:
            token = match.group(0)
            if token.startswith("&"):
                import html

                for letter in letters(html.unescape(token)):
                    out.append(letter)
                    at.append(match.start())
            position = match.end()
    return "".join(out), tuple(at)


def _at_sentence_start(line: str, index: int) -> bool:
    """Whether only markup, quote marks and white space stand between index and the start of the
    line or the end of a previous sentence (or a list marker)."""
    before = index
    while before > 0 and line[before - 1] in _LEAD_IN:
        before -= 1
    if before == 0:
        return True
    head = line[:before]
    return head[-1] in _BEFORE_SENTENCE or _LIST_MARKER.fullmatch(head + " ") is not None


@lru_cache(maxsize=4096)  # the same sentence is evidence of every firing that read it
def column(line: str, quote: str, start: int = 0) -> int | None:
    """The 1-based column (in code points) where quote starts on line, or None when it is not there.

    Args:
        line: the text of one line of the source file (of one paragraph of a Word file).
        quote: the words as a rule read them (a sentence, a field's value); a list marker that opens it
            is not part of where it starts.
        start: a 0-based code point of line before which the quote cannot start (past a field's key).
    """
    found = _place(line, letters(_LIST_MARKER.sub("", quote, count=1))[:MAX_LETTERS], start)
    if found is None and ": " in quote[:80]:
        # a Markdown table row, read as 'Column: cell | cell': the column's name is not on the row's
        # line, its first cell is
        found = _place(line, letters(quote.split(": ", 1)[1].split(" | ", 1)[0]), start)
    return found


def _place(line: str, want: str, start: int) -> int | None:
    """Where the letters `want` start among the line's, or None. A place counts when the quote's
    letters run on from it to their end or to the end of the line (the sentence goes on below), or
    for at least SURE_LETTERS letters (markup the reader saw through may differ further on)."""
    if not want:
        return None
    have, where = _line_letters(line)
    probe = want[:MIN_LETTERS]
    best: tuple[int, bool] | None = None
    best_index = -1
    found = have.find(probe)
    while found >= 0:
        if where[found] >= start:
            length = len(probe)
            limit = min(len(want), len(have) - found)
            while length < limit and have[found + length] == want[length]:
                length += 1
            if length == limit or length >= SURE_LETTERS:
                score = (length, _at_sentence_start(line, where[found]))
                if best is None or score > best:
                    best, best_index = score, found
        found = have.find(probe, found + 1)
    return where[best_index] + 1 if best is not None else None


class Locator:
    """Lines and columns in one document: of a sentence, a field's value or key, a section's heading.

    Built per document by the checker; it reads the document's source lines (Document.source) and the
    lines and columns of its fields (Document.lines, Document.columns).
    """

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._field_lines: list[int] | None = None

    def text(self, line: int | None) -> str | None:
        """The text of a line (a Word paragraph) of the source, or None."""
        source = self.doc.source
        return source[line - 1] if line is not None and 0 < line <= len(source) else None

    def column(self, line: int | None, quote: str | None, start: int = 0) -> int | None:
        """Where quote starts on line, or None."""
        text = self.text(line)
        return column(text, quote, start) if text is not None and quote else None

    def evidence_column(self, line: int | None, field: str, quote: str | None) -> int | None:
        """The column of a piece of evidence: where its quote starts on its line, past the field's key
        when the key is on that line; failing that, where the key (or list item) starts; None when
        neither is on the line (a sentence of a folded YAML scalar below its first line)."""
        if line is None:
            return None
        start = 0
        key_column = None
        if self.doc.lines.get(field) == line:
            key_column = self.doc.columns.get(field)
            key = field.rsplit(".", 1)[-1]
            if key_column is not None and not key.endswith("]"):
                start = key_column - 1 + len(key)
        found = self.column(line, quote, start) if quote else None
        return found if found is not None else key_column

    def sentence(self, line: int | None, field: str, quote: str | None) -> tuple[int | None, int | None]:
        """The line and column where a quoted sentence starts. A sentence of a field's text whose
        words are not on the line given (a later sentence of a folded YAML scalar, which the reader
        places on the scalar's first line) is looked for on the following lines of that field."""
        found = self.evidence_column(line, field, quote)
        if found is not None or line is None or not quote or field not in self.doc.lines:
            return line, found
        end = self._next_field_line(line)
        for later in range(line + 1, min(end, len(self.doc.source) + 1)):
            found = self.column(later, quote)
            if found is not None:
                return later, found
        return line, None

    def _next_field_line(self, line: int) -> int:
        """The first line after `line` where another field starts (or the end of the source)."""
        if self._field_lines is None:
            self._field_lines = sorted(set(self.doc.lines.values()))
        index = bisect.bisect_right(self._field_lines, line)
        return self._field_lines[index] if index < len(self._field_lines) else len(self.doc.source) + 1

    def enclosing(self, path: str) -> tuple[int | None, int | None]:
        """The line and column of a field, or of its nearest enclosing field that is in the file."""
        while path:
            if path in self.doc.lines:
                return self.doc.lines[path], self.doc.columns.get(path)
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None, None

    def section(self, topics: tuple[str, ...]) -> tuple[int, int | None, str] | None:
        """The first section of the draft about one of the topics: its heading's line and column, and
        its name as evidence names it (section "Eligibility"); None when the draft has none."""
        for heading, section_topics, line in self.doc.sections:
            names = section_topics.split(",")
            if heading and any(t == topic or t.startswith(topic + ".") for topic in topics for t in names):
                return line, self.column(line, heading), f'section "{heading}"'
        return None
