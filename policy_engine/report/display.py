"""Right-to-left text inside left-to-right report lines.

An Arabic quote or file name dropped into an English line can reorder the words around it (the
closing quote mark, the line number, the field name). Wrapping such text in a first-strong isolate
(U+2068 ... U+2069) lets it run right to left on its own without disturbing the line. The
isolate also closes any embedding or override a submission smuggles in (U+202E and the like), so
a quote can never reverse the rest of the report line. Text with neither is left unchanged, so
reports of English, French and Spanish drafts are byte for byte what they were.
"""

from __future__ import annotations

import re

FSI, PDI = "\u2068", "\u2069"
# Right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic and their
# presentation forms) and the explicit bidi controls (embeddings, overrides, isolates).
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff"
                            "\U0001e800-\U0001efff\u202a-\u202e\u2066-\u2069\u200f\u061c]")


def needs_isolation(text: str) -> bool:
    return not text.isascii() and _RIGHT_TO_LEFT.search(text) is not None


def isolate(text: str) -> str:
    """`text`, wrapped in a first-strong isolate when it holds right-to-left letters or bidi controls."""
    return FSI + text + PDI if needs_isolation(text) else text
