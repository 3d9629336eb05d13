"""Right-to-left text inside left-to-right report lines.

An Arabic quote or file name dropped into an English line can reorder the words around it (the
closing quote mark, the line number, the field name). Wrapping such text in a first-strong isolate
(U+2068 ... U+2069) lets it run right to left on its own without disturbing the line. The
isolate also closes any embedding or override a submission smuggles in (U+202E and the like), so
a quote can never reverse the rest of the report line. Text with neither is left unchanged, so
reports of English, French and Spanish drafts are byte for byte what they were.
"""

from __future__ import annotations

import unicodedata

FSI, PDI = "\u2068", "\u2069"
_EXPLICIT = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_RTL_CLASSES = frozenset({"R", "AL"})


def needs_isolation(text: str) -> bool:
    return any(ch in _EXPLICIT or unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text)


def isolate(text: str) -> str:
    """`text`, wrapped in a first-strong isolate when it holds right-to-left letters or bidi controls."""
    return FSI + text + PDI if needs_isolation(text) else text
