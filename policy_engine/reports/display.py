r"""Submission text shown in a report line or on a terminal: control characters made visible,
right-to-left text isolated.

Control characters. A file name, id or quoted sentence may hold ESC sequences, C1 controls, carriage
returns, backspaces or bells: printed raw, they could clear the screen, set the window title, rewrite
the line above or split a `--format line` record in two. `shown()` writes every one of them as a
visible escape (\x1b, \n) in each piece of submission text; `terminal_safe()` does the same, as a
last line of defence, to a whole report printed on a terminal (keeping its own line ends), and
writes C1 controls in JSON as \u escapes, which JSON reads back as the same characters.

Right-to-left text inside left-to-right report lines.

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


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_REPORT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return _NAMED.get(char) or f"\\x{ord(char):02x}"


def visible(text: str) -> str:
    """`text` with every control character written as an escape (\\n, \\x1b): one line, inert."""
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


def shown(text: str) -> str:
    """One piece of submission text for a report line: controls made visible, right-to-left isolated."""
    return isolate(visible(text))


def terminal_safe(report: str, json_style: bool = False) -> str:
    """A whole report made safe to print: its own line ends and tabs kept, every other control
    character escaped (in JSON style, C1 controls as \\u00XX, which JSON reads back unchanged)."""
    if report.isascii() and _CONTROL_IN_REPORT.search(report) is None:
        return report
    if json_style:
        return _CONTROL_IN_REPORT.sub(lambda m: "".join(f"\\u{ord(c):04x}" for c in m.group(0)), report)
    return _CONTROL_IN_REPORT.sub(_escape, report)
