"""Narrative drafts as people write them: Markdown, plain text and Word (.docx).

Each format is cut into blocks: a line (Markdown, plain text) or a paragraph or table row (Word),
and each block is either body text or a heading with a level. documents.py then groups blocks into
sections by heading and tags each sentence with the section's topics.

Headings are found the way a reader finds them:
- Markdown: '#' headings, underlined (setext) headings, and lines that are bold and nothing else;
- plain text: short lines that are numbered ('3. Activities', '2.1 Mobile clinic'), in capitals,
  underlined with '===' or '---', end with a colon, or name a known section ('Eligibility criteria'),
  and labels of a few capitalised words alone over the text they open ('What changes');
- Word: the Heading 1..9 styles (or an outline level), and short paragraphs that are bold or numbered.
A heading is only a heading when it is short and does not end like a sentence.

Word files are untrusted zip archives: their declared sizes are checked before anything is
decompressed, the parts that are read are then inflated in bounded steps (see docx_parts), and any
failure to read one becomes a one-line InputError.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any, Callable, Iterator, NamedTuple

if TYPE_CHECKING:
    import zipfile

from ..errors import InputError
from .cleantext import clean

# Heading levels: a heading only encloses headings of a greater level. Bold-only lines and
# 'Label:' lines are the weakest kind of heading, below any styled one.
WEAK_LEVEL = 7

MAX_DOCX_BYTES = 20 * 1024 * 1024         # images make Word files bigger than their text
MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024   # sum of the declared sizes of the XML parts
MAX_DOCX_MEMBERS = 2000
MAX_RATIO = 200                           # uncompressed/compressed size, above which a big member is a bomb
RATIO_FLOOR = 2 * 1024 * 1024             # members smaller than this are never suspicious
MAX_TEXT_CHARS = 2 * 1024 * 1024          # a draft's text; more is not a programme description
NOTE_TOPIC = "other"  # sections.OTHER_TOPIC: the topic of notes, headers and footers of a Word file

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_NUMBERED = re.compile(r"^\s*(?:(\d{1,2}(?:\.\d{1,2}){0,3})\.?|([a-hA-H]|[ivxIVX]{1,4})[.)])\s+(?=\S)")
_SECTION_WORD = re.compile(r"^\s*(?:section|part|chapter|secci[oó]n|parte|cap[ií]tulo|partie|chapitre)\s+"
                           r"(?:\d+|[ivxIVX]+)\s*[:.\-–—]?\s*", re.IGNORECASE)
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<text>[^*_].*?)\1\s*:?\s*$")
_ATX = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•–]|\d+[.)])\s")
_TABLE_RULE = re.compile(r"^:?-*:?$")
_SENTENCE_END = re.compile(r"[.;,!?…]['\"”’)]*$")
_DASH_LINE = re.compile(r"^\s*(?:-{3,}|\.{3}|[—–]+)\s*$")
_SMART = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'",
                        "\u00a0": " ", "\u2009": " ", "\u202f": " "})


class Block(NamedTuple):
    """One line (Markdown, text) or paragraph (Word) of a draft's body.

    line: 1-based line, or paragraph number in a Word file.
    heading: the heading level, or 0 for body text.
    topics: topics fixed by the block itself (a table row labelled 'Eligibility'), else None.
    own_unit: the block ends its sentences (a Word paragraph), instead of running on into the next line.
    item: the block is a list item without a written marker (a Word bullet or numbered paragraph).
    """

    line: int
    text: str
    heading: int = 0
    topics: tuple[str, ...] | None = None
    own_unit: bool = False
    item: bool = False


def heading_text(text: str) -> str:
    """A heading without its numbering, markup and final colon."""
    text = _SECTION_WORD.sub("", text)
    text = _NUMBERED.sub("", text, count=1)
    return text.strip().strip("*_").strip().rstrip(":").strip()


LABEL_WORDS = 6  # a plain-text label ('What stays the same', 'Eligibility:') has at most this many words
# a 'Label:' line alone beside a top-level 'Background:' heading may be longer ('What the Directorate asked for and
# what I agreed in principle:'): it heads the text it opens
COLON_HEADING_WORDS = 14


def _looks_short(text: str, max_words: int = 12) -> bool:
    words = text.split()
    return 0 < len(words) <= max_words and len(text) <= 100 and any(ch.isalpha() for ch in text) \
        and not _SENTENCE_END.search(text.rstrip(":").rstrip())


def _numbering_level(text: str) -> int | None:
    match = _NUMBERED.match(text)
    if match is None:
        return 1 if _SECTION_WORD.match(text) else None
    if match.group(1):
        return match.group(1).count(".") + 1
    return 2  # a) b) ... or i. ii. ...: below numbered sections


def _is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


# ---- Markdown and plain text ----------------------------------------------------------------

def table_row(cells: list[str], header: list[str]) -> str:
    """A table row as one statement, each cell under its column's name ("Target: 2,500") when the
    table has a header row of as many cells; empty cells are left out."""
    if len(header) == len(cells) and any(header):
        parts = [f"{name.rstrip(':')}: {cell}" if name and cell and name != cell else cell
                 for name, cell in zip(header, cells)]
    else:
        parts = cells
    return " | ".join(p for p in parts if p)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _bare_table(lines: list[str], index: int) -> list[list[str]]:
    """The cells of each line of a table written without outer pipes that starts at index, as plain-text
    drafts and minutes write them ("Theme | Agreed? | Who"): two or more lines in a row, each of the same
    two or more cells (none: no such table starts there)."""
    rows: list[list[str]] = []
    end = index
    while end < len(lines) and "|" in lines[end] and lines[end].strip():
        cells = _cells(lines[end])
        if rows and len(cells) != len(rows[0]):
            break
        rows.append(cells)
        end += 1
    return rows if len(rows) >= 2 and len(rows[0]) >= 2 else []


def _table_blocks(table: list[list[str]], first_line: int) -> list[Block]:
    """The rows of a table without outer pipes (its first line at first_line), each one statement: a first
    row of short cells names the columns and is read in every row below ("Agreed?: No"), as a Markdown
    header row is."""
    rows = [(first_line + i, cells) for i, cells in enumerate(table)
            if not all(_TABLE_RULE.match(c) for c in cells)]  # (a |---| line is layout)
    header: list[str] = []
    if rows and all(c and len(c.split()) <= 5 for c in rows[0][1]) and len(rows) > 1:
        header = rows.pop(0)[1]
    return [Block(number, table_row(cells, header), own_unit=True) for number, cells in rows]


def markdown_blocks(body: str, first_line: int, is_topic: Callable[[str], bool]) -> list[Block]:
    """Blocks of a Markdown body: '#' and underlined headings, bold-only lines, and numbered or
    plain lines that name a known section."""
    lines = body.split("\n")
    blocks: list[Block] = []
    header: list[str] = []         # the column names of the table being read
    previous_row: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        number = first_line + index
        following = lines[index + 1] if index + 1 < len(lines) else ""
        previous_blank = index == 0 or not lines[index - 1].strip()
        atx = _ATX.match(line)
        piped = line.lstrip().startswith("|")
        if not piped:
            header, previous_row = [], []
            if table := _bare_table(lines, index):
                blocks.extend(_table_blocks(table, number))
                index += len(table)
                continue
        if piped:
            # a table row is one statement, its cells kept apart; the |---| line is layout, and the
            # row above it names the columns: it is read in every row below ("Document asked: no"),
            # not as a statement of its own ("Service | Document asked | Shared with the authorities")
            cells = _cells(line)
            if all(_TABLE_RULE.match(c) for c in cells):
                header = previous_row
                if previous_row and blocks and blocks[-1].line == number - 1:
                    blocks.pop()
            elif not all(_TABLE_RULE.match(c) for c in cells):
                previous_row = cells
                blocks.append(Block(number, table_row(cells, header), own_unit=True))
        elif atx:
            blocks.append(Block(number, atx.group(2).strip(), len(atx.group(1))))
        elif line.strip() and previous_blank and _SETEXT.match(following) and not _LIST_ITEM.match(line) \
                and _looks_short(line.strip(), 16):
            blocks.append(Block(number, line.strip(), 1 if following.strip()[0] == "=" else 2))
            blocks.append(Block(number + 1, ""))
            index += 2
            continue
        elif (bold := _BOLD_LINE.match(line)) and _looks_short(bold.group("text").strip().rstrip(":"), 14):
            blocks.append(Block(number, bold.group("text").strip().rstrip(":").strip(), WEAK_LEVEL))
        elif previous_blank and _plain_heading(line, following, is_topic, require_topic=True,
                                               first=not any(b.text.strip() for b in blocks)):
            blocks.append(Block(number, line.strip(), _numbering_level(line) or 1))
        else:
            blocks.append(Block(number, line))
        index += 1
    return blocks


def _plain_heading(line: str, following: str, is_topic: Callable[[str], bool], require_topic: bool,
                   first: bool = False, after: str = "") -> bool:
    """Whether a line, preceded by a blank line, reads as a heading in a plain-text draft. after: the
    first line after the blank one that follows it, when one does."""
    text = line.strip()
    if not text or not _looks_short(text) or text.startswith(("-", "*", "+", "•", ">", "|")):
        return False
    head, colon, rest = text.partition(":")
    if colon and any(ch.isalpha() for ch in rest) and not first:
        return False  # "Unit of registration: boat / truck / group" states something (a title may not)
    label = heading_text(text)
    names_topic = bool(label) and len(label.split()) <= 8 and is_topic(label)
    if not following.strip():
        # a short line alone between blank lines is a one-line paragraph (a list item, a
        # signature) unless it names a section, or it is a label over the paragraph or list it opens
        # ("What changes", "Lo que no cambia"): a few words, capitalised, with no punctuation of a sentence
        return names_topic or (not require_topic and bool(after.strip()) and _is_label(text))
    if names_topic:
        return True
    if require_topic or _LIST_ITEM.match(following) and _NUMBERED.match(text):
        return False  # a numbered line followed by more items is a list
    return bool(_numbering_level(text) or _is_caps(text) or text.endswith(":") and len(text.split()) <= LABEL_WORDS)


def _is_label(text: str) -> bool:
    """A few capitalised words ('What stays the same'), for a line _looks_short already passed (it ends
    with no punctuation of a sentence or a greeting): neither a 'Label:' line nor a numbered item."""
    return len(text.split()) <= LABEL_WORDS and text[0].isupper() and not text.endswith(":") \
        and not _LIST_ITEM.match(text)


def text_blocks(body: str, first_line: int, is_topic: Callable[[str], bool]) -> list[Block]:
    """Blocks of a plain-text draft: headings are recognised by their shape (see the module doc)."""
    lines = body.split("\n")
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        number = first_line + index
        following = lines[index + 1] if index + 1 < len(lines) else ""
        previous_blank = index == 0 or not lines[index - 1].strip()
        stripped = line.strip()
        if stripped and (table := _bare_table(lines, index)):
            blocks.extend(_table_blocks(table, number))
            index += len(table)
            continue
        if stripped and previous_blank and _SETEXT.match(following) and _looks_short(stripped, 16):
            blocks.append(Block(number, stripped, 1 if following.strip()[0] == "=" else 2))
            blocks.append(Block(number + 1, ""))
            index += 2
            continue
        after = lines[index + 2] if index + 2 < len(lines) else ""
        if previous_blank and _plain_heading(line, following, is_topic, require_topic=False,
                                             first=not any(b.text.strip() for b in blocks), after=after):
            if _numbering_level(stripped) is not None:
                level = _numbering_level(stripped) or 1
            elif stripped.endswith(":") and not is_topic(heading_text(stripped)):
                level = WEAK_LEVEL
            else:
                level = 1
            blocks.append(Block(number, stripped, level))
        else:
            blocks.append(Block(number, line))
        index += 1
    return _numbered_siblings(_colon_headings(blocks, lines, first_line), lines, first_line)


def _colon_headings(blocks: list[Block], lines: list[str], first_line: int) -> list[Block]:
    """A draft writes its headings one way: where a 'Label:' line that names a known section heads the
    draft's top level ('Background:', 'Situación:'), every other 'Label:' heading stands beside it rather
    than inside it ('The request:', 'Records:': the plan is not part of the background that opened the
    draft), and so does a 'Label:' line alone between blank lines over the text it opens ('Propuesta:')."""
    if not any(b.heading == 1 and b.text.endswith(":") and _numbering_level(b.text) is None for b in blocks):
        return blocks

    def alone(block: Block) -> bool:
        index = block.line - first_line
        return 0 < index < len(lines) - 2 and not lines[index - 1].strip() and not lines[index + 1].strip() \
            and bool(lines[index + 2].strip())

    def label(block: Block) -> bool:
        text = block.text.strip()
        return not block.heading and text.endswith(":") and alone(block) and _looks_short(text, COLON_HEADING_WORDS) \
            and text[0].isupper() and not _LIST_ITEM.match(block.text)

    return [b._replace(heading=1) if b.heading == WEAK_LEVEL else
            Block(b.line, b.text.strip(), 1) if label(b) else b for b in blocks]


_TOP_NUMBER = re.compile(r"^\s*(\d{1,2})[.)]\s+\S")


def _numbered_siblings(blocks: list[Block], lines: list[str], first_line: int) -> list[Block]:
    """'2. Health triage at the pier', alone between blank lines, is a heading when '1. Situation' and
    '5. Data' of the same numbering are: sections numbered in one series are all headings, whether or
    not their title names a known topic."""
    numbered = {b.line for b in blocks if b.heading and _TOP_NUMBER.match(b.text)}
    if len(numbered) < 2:
        return blocks
    out = []
    for block in blocks:
        index = block.line - first_line
        alone = (index == 0 or not lines[index - 1].strip()) and \
            (index + 1 >= len(lines) or not lines[index + 1].strip())
        if not block.heading and alone and _TOP_NUMBER.match(block.text) and _looks_short(block.text.strip()):
            block = Block(block.line, block.text.strip(), 1)
        out.append(block)
    return out


# ---- Word --------------------------------------------------------------------------------------

def docx_parts(raw: bytes, name: str) -> tuple[bytes, "_Styles", list[bytes]]:
    """The main document part, the styles, and the parts that hold more text a reader sees (the
    footnotes, endnotes, headers and footers) of a .docx, or a one-line InputError.

    A .docx is an untrusted zip archive. Its declared sizes are checked first (a bomb that admits
    its size is refused at once). That is not enough on its own: zipfile's read() inflates a whole
    member in one call before cutting it to the declared size, so an archive that lies about its
    sizes could still exhaust memory. So the parts that are read (the package relationships, the
    document, its relationships and its styles) are inflated in small chunks, never past their
    declared size; nothing else in the archive (images, fonts, embedded files) is touched.
    """
    if len(raw) > MAX_DOCX_BYTES:
        raise InputError(f"file too large ({len(raw) / 1048576:.1f} MB > {MAX_DOCX_BYTES // 1048576} MB limit)", name)
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError("not a .docx file: this is an old Word 97-2003 .doc (or an encrypted document); "
                         "save it as .docx, without a password", name)
    if raw[:4] != b"PK\x03\x04":
        raise InputError("not a Word .docx file (it is not a zip archive); save the draft as .docx", name)
    import zipfile  # only Word files need it (with bz2, lzma, shutil: some 4 ms of every check)

    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(f"not a readable .docx file (damaged zip archive: {exc})", name) from None
    if len(members) > MAX_DOCX_MEMBERS:
        raise InputError(f"not a plausible .docx file ({len(members)} files in the archive > {MAX_DOCX_MEMBERS})",
                         name)
    by_name = {m.filename: m for m in members if not m.is_dir()}
    text_parts = [m for m in by_name.values() if _is_text_part(m.filename)]
    total = 0
    for member in text_parts:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise InputError(f"refused: '{member.filename}' would inflate {ratio:.0f} times to "
                             f"{member.file_size / 1048576:.0f} MB (a zip bomb?)", name)
    if total > MAX_DOCX_UNCOMPRESSED:
        raise InputError(f"refused: the archive would inflate to {total / 1048576:.0f} MB "
                         f"(> {MAX_DOCX_UNCOMPRESSED // 1048576} MB limit)", name)

    def read(part: str) -> bytes | None:
        member = by_name.get(part)
        if member is None or not _is_text_part(part):
            return None
        return _inflate_bounded(archive, member)

    try:
        main = _relationship_target(read("_rels/.rels"), "", "/officeDocument") or "word/document.xml"
        document = read(main)
        if document is None:
            candidates = sorted(n for n in by_name if n.endswith("/document.xml"))
            main = candidates[0] if candidates else main
            document = read(main) if candidates else None
        if document is None:
            raise InputError("not a Word .docx file (the zip archive has no word/document.xml)", name)
        folder = main.rsplit("/", 1)[0] + "/" if "/" in main else ""
        rels = read(f"{folder}_rels/{main.rsplit('/', 1)[-1]}.rels")
        notes = [data for kind in _NOTE_PARTS for part in _relationship_targets(rels, folder, kind)
                 if (data := read(part)) is not None]
        styles_part = _relationship_target(rels, folder, "/styles") or f"{folder}styles.xml"
        styles_member = by_name.get(styles_part)
        if styles_member is None:
            return document, _Styles(None), notes
        # Drafts made from one template share their styles part (Word's own is 350 KB): it is read
        # once per process, known by its checksum and size from the archive's directory.
        key = (styles_member.CRC, styles_member.file_size)
        styles = _STYLES_SEEN.get(key)
        if styles is None:
            data = read(styles_part)
            styles = _Styles(_parse_xml(data) if data else None)
            if len(_STYLES_SEEN) >= 64:
                _STYLES_SEEN.clear()
            _STYLES_SEEN[key] = styles
        return document, styles, notes
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError,
            NotImplementedError) as exc:  # damaged data, bad CRC, encryption, unknown compression
        detail = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise InputError(f"not a readable .docx file ({detail})", name) from None


_STYLES_SEEN: dict[tuple[int, int], "_Styles"] = {}
_PARSER: list[Any] = []


def _parse_xml(data: bytes) -> Any:
    """An XML part, parsed without entities, network or unbounded trees (an XMLSyntaxError on a bad part)."""
    from lxml import etree

    if not _PARSER:
        _PARSER.append(etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                                       remove_blank_text=True))
    return etree.fromstring(data, _PARSER[0])


# Parts whose text a reader of the document sees besides its body, in the order they are read.
_NOTE_PARTS = ("/footnotes", "/endnotes", "/header", "/footer")


def _relationship_target(rels: bytes | None, folder: str, kind: str) -> str | None:
    """The part a relationship of the given kind ('/styles') points to, as a path in the archive."""
    targets = _relationship_targets(rels, folder, kind)
    return targets[0] if targets else None


def _relationship_targets(rels: bytes | None, folder: str, kind: str) -> list[str]:
    """Every part the relationships of a kind point to, as paths in the archive, each once."""
    if not rels:
        return []
    from lxml import etree

    try:
        root = _parse_xml(rels)
    except etree.XMLSyntaxError:
        return []
    found: list[str] = []
    for node in root:
        if (node.get("Type") or "").endswith(kind) and node.get("TargetMode") != "External":
            target = node.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else folder + target
            parts: list[str] = []
            for piece in path.split("/"):
                if piece == "..":
                    if parts:
                        parts.pop()
                elif piece and piece != ".":
                    parts.append(piece)
            if "/".join(parts) not in found:
                found.append("/".join(parts))
    return found


def _is_text_part(filename: str) -> bool:
    return filename.lower().endswith((".xml", ".rels"))


def _inflate_bounded(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """Inflate one member in 1 MB steps; zipfile stops at the declared size (checked above) and
    raises on a CRC mismatch, so memory never exceeds what was declared."""
    chunks: list[bytes] = []
    with archive.open(member) as handle:
        while True:
            chunk = handle.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


class _FirstRow(list):  # type: ignore[type-arg]
    """The first row of a Word table: its cells name the columns of the rows below."""


class _Para(NamedTuple):
    text: str             # white space collapsed
    raw: str              # as typed (front matter needs its indentation)
    style: str
    outline: int | None
    bold: bool
    numbered: int | None  # list level + 1 for auto-numbered paragraphs
    note: bool = False    # from a footnote, endnote, header or footer


def _bold_of(rpr: Any) -> bool | None:
    """The bold setting of a run-properties element: True, False, or None when it does not say."""
    node = rpr.find(f"{_W}b") if rpr is not None else None
    if node is None:
        return None
    return (node.get(f"{_W}val") or "true").lower() not in ("0", "false", "off")


class _Styles:
    """The styles of one Word file, read once: id -> (name, its own bold setting). python-docx looks
    a style up by scanning every style of the file for each paragraph and run (most of the time of
    reading a Word draft); the answers are the same."""

    def __init__(self, root: Any) -> None:
        self.by_id: dict[str, tuple[str, bool | None]] = {}
        self.default_paragraph: tuple[str, bool | None] = ("", None)
        if root is None:  # no styles part
            return
        for style in root.iterchildren(f"{_W}style"):
            style_id = style.get(f"{_W}styleId") or ""
            name_node = style.find(f"{_W}name")
            name = name_node.get(f"{_W}val") or "" if name_node is not None else ""
            entry = (name, _bold_of(style.find(f"{_W}rPr")))
            self.by_id.setdefault(style_id, entry)
            if style.get(f"{_W}type") == "paragraph" and (style.get(f"{_W}default") or "").lower() in ("1", "true"):
                self.default_paragraph = entry

    def paragraph(self, ppr: Any) -> tuple[str, bool | None]:
        node = ppr.find(f"{_W}pStyle") if ppr is not None else None
        if node is None:
            return self.default_paragraph
        return self.by_id.get(node.get(f"{_W}val") or "", self.default_paragraph)

    def run_bold(self, rpr: Any) -> bool | None:
        node = rpr.find(f"{_W}rStyle") if rpr is not None else None
        if node is None:
            return None
        return self.by_id.get(node.get(f"{_W}val") or "", ("", None))[1]


# The children of a run that carry text, and what they stand for (as Word shows them).
_RUN_TEXT = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
# Where a paragraph's runs sit: directly, or inside a hyperlink, an insertion, a field, a smart tag
# or a content control (not inside deletions, nor in the paragraphs of a text box).
_RUN_HOLDERS = {f"{_W}hyperlink", f"{_W}ins", f"{_W}moveTo", f"{_W}fldSimple", f"{_W}smartTag", f"{_W}customXml",
                f"{_W}dir", f"{_W}bdo"}  # (a w:bdo that overrides to right-to-left is read reversed)
# Where blocks (paragraphs, tables, rows, cells) sit: directly, or inside a content control, custom
# XML or a tracked insertion or move (never inside deletions or moved-from text).
_BLOCK_HOLDERS = {f"{_W}customXml", f"{_W}ins", f"{_W}moveTo"}


def _runs(container: Any) -> list[tuple[Any, str]]:
    """The runs a reader sees in a paragraph, in the order they read, each with its text: hidden,
    near-invisible (under 2 pt) and white runs are left out, a ruby's annotation too; the runs of
    a right-to-left override (w:bdo) read in reverse, as Word shows them."""
    out: list[tuple[Any, str]] = []
    for child in container:
        tag = child.tag
        if tag == f"{_W}r":
            if _shown(child):
                out.append((child, _run_text(child)))
        elif tag == f"{_W}bdo" and child.get(f"{_W}val") == "rtl":
            out.extend((run, text[::-1]) for run, text in reversed(_runs(child)))
        elif tag == f"{_W}ruby":
            base = child.find(f"{_W}rubyBase")
            if base is not None:
                out.extend(_runs(base))
        elif tag in _RUN_HOLDERS:
            out.extend(_runs(child))
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                out.extend(_runs(content))
    return out


_OFF = ("0", "false", "off")


def _shown(run: Any) -> bool:
    """Whether Word shows a run's text: not hidden, not under 2 pt, not white."""
    rpr = run.find(f"{_W}rPr")
    if rpr is None:
        return True
    for name in ("vanish", "specVanish", "webHidden"):
        node = rpr.find(f"{_W}{name}")
        if node is not None and node.get(f"{_W}val", "true").lower() not in _OFF:
            return False
    size = rpr.find(f"{_W}sz")
    if size is not None and (size.get(f"{_W}val") or "").isdigit() and int(size.get(f"{_W}val")) < 4:
        return False
    color = rpr.find(f"{_W}color")
    return not (color is not None and (color.get(f"{_W}val") or "").upper() == "FFFFFF"
                and rpr.find(f"{_W}highlight") is None and rpr.find(f"{_W}shd") is None)


def _run_text(run: Any) -> str:
    parts = []
    for child in run:
        tag = child.tag
        if tag == f"{_W}t":
            parts.append(child.text or "" if not len(child) else _with_entities(child))
        elif tag in _RUN_TEXT:
            parts.append(_RUN_TEXT[tag])
        elif tag == f"{_W}sym":
            parts.append(_symbol(child.get(f"{_W}char") or ""))
        elif tag == f"{_W}ruby":  # the base text; the small annotation above it is not the sentence
            base = child.find(f"{_W}rubyBase")
            parts.extend(text for _, text in (_runs(base) if base is not None else ()))
    return "".join(parts)


def _symbol(code: str) -> str:
    """The character a w:sym shows (symbol fonts put letters at F0xx)."""
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    value = value - 0xF000 if value >= 0xF000 else value
    return chr(value) if 0x20 <= value < 0x7F or 0xA0 <= value < 0xD800 else ""


def _with_entities(node: Any) -> str:
    """The text of an element holding entity references (a DOCTYPE smuggled into the part): the
    text around them, and for an internal entity with a plain, short value, that value."""
    values: dict[str, str] = {}
    dtd = node.getroottree().docinfo.internalDTD
    if dtd is not None:
        for entity in dtd.iterentities():
            content = entity.content or ""
            if "&" not in content and "<" not in content and len(content) <= 1000:
                values[entity.name] = content
    parts = [node.text or ""]
    for child in node:
        if not isinstance(child.tag, str):  # an entity reference (or a comment)
            name = (child.text or "").strip("&;")
            parts.append(values.get(name, ""))
        parts.append(child.tail or "")
    return "".join(parts)


def _paragraph(p_element: Any, parent: Any, styles: _Styles) -> _Para:
    runs = _runs(p_element)
    raw = clean("".join(text for _, text in runs)).replace("\n", " ").rstrip()
    text = " ".join(raw.split())
    ppr = p_element.find(f"{_W}pPr")
    style_name, style_bold = styles.paragraph(ppr)
    outline = None
    numbered = None
    if ppr is not None:
        node = ppr.find(f"{_W}outlineLvl")
        if node is not None and (node.get(f"{_W}val") or "").isdigit():
            outline = int(node.get(f"{_W}val")) + 1
        num_pr = ppr.find(f"{_W}numPr")
        if num_pr is not None:
            ilvl = num_pr.find(f"{_W}ilvl")
            level = ilvl.get(f"{_W}val") if ilvl is not None else None
            numbered = (int(level) if level and level.isdigit() else 0) + 1
    bold = False
    written = [run for run, run_text in runs if run_text.strip()]
    if written:
        bold = True
        for run in written:
            rpr = run.find(f"{_W}rPr")
            own = _bold_of(rpr)
            if own is None:
                own = styles.run_bold(rpr)
            if not (own if own is not None else style_bold):
                bold = False
                break
    return _Para(text, raw, style_name, outline, bold, numbered)


def _heading_level(para: _Para, is_topic: Callable[[str], bool]) -> int:
    """The heading level of a Word paragraph, or 0 for body text."""
    match = re.match(r"(?i)heading\s*(\d)$", para.style.strip())
    if match:
        return int(match.group(1))
    if para.outline is not None and para.outline <= 9:
        return para.outline
    text = para.text
    if not _looks_short(text):
        return 0
    level = _numbering_level(text)
    if para.bold:
        return level or WEAK_LEVEL
    if level is not None and is_topic(heading_text(text)):
        return level
    if para.numbered is not None and is_topic(heading_text(text)):
        return para.numbered
    if _is_caps(text) and len(text.split()) <= 8:
        return 1
    return 0


def _iter_body(container: Any) -> Iterator[Any]:
    """Paragraphs and tables of a body or cell in reading order, looking inside content controls,
    custom XML and tracked insertions."""
    yield from _children(container, (f"{_W}p", f"{_W}tbl"))


def _children(container: Any, tags: tuple[str, ...]) -> Iterator[Any]:
    """The children of container with one of tags, looking through the elements that only hold them."""
    for child in container.iterchildren():
        if child.tag in tags:
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _children(content, tags)
        elif child.tag in _BLOCK_HOLDERS:
            yield from _children(child, tags)


def _cell_texts(tbl: Any, parent: Any, counter: list[int], styles: _Styles) -> Iterator[tuple[int | None, list[str]]]:
    """Each row of a table: the paragraph number of its first text, and the text of each cell."""
    for tr in _children(tbl, (f"{_W}tr",)):
        first: int | None = None
        cells: list[str] = []
        for tc in _children(tr, (f"{_W}tc",)):
            parts: list[str] = []
            for child in _iter_body(tc):
                if child.tag == f"{_W}p":
                    text = _paragraph(child, parent, styles).text
                    if text:
                        counter[0] += 1
                        first = first or counter[0]
                        parts.append(text)
                else:
                    for line, inner in _cell_texts(child, parent, counter, styles):
                        first = first or line
                        parts.append("; ".join(c for c in inner if c))
            cells.append(" ".join(parts))
        if any(cells):
            yield first, cells


class _Budget:
    """How much a Word file may hold; past it, the file is refused (it cannot be a programme draft,
    and reading it would take too long)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.chars = 0
        self.paragraphs = 0

    def spend(self, chars: int) -> None:
        self.chars += chars
        self.paragraphs += 1
        if self.chars > MAX_TEXT_CHARS:
            raise InputError(f"too much text for a programme description (> {MAX_TEXT_CHARS // 1048576} MB)",
                             self.name)
        if self.paragraphs > MAX_PARAGRAPHS:
            raise InputError(f"too many paragraphs for a programme description (> {MAX_PARAGRAPHS:,})", self.name)


MAX_PARAGRAPHS = 20_000  # a long concept note has a few hundred


def _read_blocks(container: Any, styles: _Styles, out: list[tuple[int, _Para | list[str]]], counter: list[int],
                 budget: _Budget, note: bool = False) -> None:
    """Append the paragraphs and table rows of a body (or a note, header or footer), each text box
    right after the paragraph that anchors it."""
    for child in _iter_body(container):
        if child.tag == f"{_W}p":
            para = _paragraph(child, None, styles)
            if para.text:
                counter[0] += 1
                para = para._replace(note=note)
                out.append((counter[0], para))
                budget.spend(len(para.text))
            for box in _text_boxes(child):
                _read_blocks(box, styles, out, counter, budget, note)
        else:
            for number, (line, cells) in enumerate(_cell_texts(child, None, counter, styles)):
                out.append((line or counter[0], _FirstRow(cells) if number == 0 else cells))
                budget.spend(sum(len(c) for c in cells))


_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"


def _text_boxes(paragraph: Any) -> Iterator[Any]:
    """The text boxes anchored in a paragraph (each once: Word writes a drawing and a VML fallback
    of the same box, and the fallback is skipped)."""
    for box in paragraph.iter(f"{_W}txbxContent"):
        ancestor = box.getparent()
        while ancestor is not None and ancestor is not paragraph:
            if ancestor.tag == f"{_MC}Fallback" or ancestor.tag == f"{_W}txbxContent":
                break
            ancestor = ancestor.getparent()
        else:
            yield box


def docx_paragraphs(raw: bytes, name: str) -> list[tuple[int, _Para | list[str]]]:
    """The non-empty paragraphs and table rows of a Word file, numbered as paragraphs from 1.

    Raises:
        InputError: not a .docx, damaged, or too big; the message is one line.
    """
    try:
        document_xml, styles, notes = docx_parts(raw, name)
        root = _parse_xml(document_xml)
        body = root.find(f"{_W}body")
        if body is None:
            raise InputError("not a Word .docx file (its document part has no body)", name)
        out: list[tuple[int, _Para | list[str]]] = []
        counter = [0]
        budget = _Budget(name)
        _read_blocks(body, styles, out, counter, budget)
        for part in notes:  # footnotes, endnotes, headers, footers: after the body, in no section
            note_root = _parse_xml(part)
            for holder in note_root.iter(f"{_W}footnote", f"{_W}endnote", f"{_W}hdr", f"{_W}ftr"):
                if holder.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
                    continue
                _read_blocks(holder, styles, out, counter, budget, note=True)
        return out
    except InputError:
        raise
    # Anything python-docx or lxml raises on a damaged or hostile file (KeyError for a missing part,
    # ValueError for a wrong content type, XMLSyntaxError, ...) is a property of the input, not a bug.
    except Exception as exc:  # noqa: BLE001
        detail = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise InputError(f"cannot read the Word file ({detail}); open it in Word and save it again as .docx",
                         name) from None


def docx_blocks(paragraphs: list[tuple[int, _Para | list[str]]], is_topic: Callable[[str], bool],
                topics_of: Callable[[str], tuple[str, ...]]) -> list[Block]:
    """Blocks of a Word body: styled, bold or numbered headings; table rows as 'label: text' (two
    cells) or 'a | b | c'."""
    blocks: list[Block] = []
    header: list[str] = []
    for line, item in paragraphs:
        if isinstance(item, list):
            if isinstance(item, _FirstRow):
                header = list(item)
            cells = [c for c in item if c]
            label = heading_text(cells[0]) if cells else ""
            topics = topics_of(label) if len(cells) >= 2 and _looks_short(label, 8) else ()
            if len(cells) == 2:
                text = f"{cells[0].rstrip().rstrip(':')}: {cells[1]}"
            elif isinstance(item, _FirstRow):
                text = " | ".join(cells)
            else:
                text = table_row(list(item), header)  # one statement per row; the reader keeps cells apart
            blocks.append(Block(line, text, 0, topics or None, True))
            continue
        if item.note:  # read wherever it is, in no section's topic
            blocks.append(Block(line, item.text, 0, (NOTE_TOPIC,), True))
            continue
        level = _heading_level(item, is_topic)
        listed = not level and (item.numbered is not None or item.style.lower().startswith("list"))
        blocks.append(Block(line, item.text, level, None, True, listed))
    return blocks


def docx_front_matter(paragraphs: list[tuple[int, _Para | list[str]]]) -> tuple[str, int, int] | None:
    """A YAML front-matter block at the top of a Word file: a paragraph '---', one paragraph per YAML
    line, and a closing '---'. Word's typographic quotes and dashes are turned back into YAML's.

    Returns:
        (the YAML text, whose line n is paragraph n + 1; the paragraph number of the closing line;
        the index of the first body paragraph), or None when there is no front matter.
    """
    if not paragraphs or isinstance(paragraphs[0][1], list) or not _DASH_LINE.match(paragraphs[0][1].text):
        return None
    lines: list[str] = []
    for index in range(1, len(paragraphs)):
        number, item = paragraphs[index]
        if isinstance(item, list):
            return None
        if _DASH_LINE.match(item.text):
            return "\n".join(lines), number, index + 1
        # paragraphs are numbered without empty ones, so YAML line n is paragraph n + 1
        lines.append(item.raw.translate(_SMART).replace("\t", "  "))
    return None
