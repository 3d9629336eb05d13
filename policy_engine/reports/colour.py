"""Colour for the text report on a terminal (cli.color_wanted decides: off with NO_COLOR, TERM=dumb, a pipe or a file).

Colour is added after the report has been made terminal-safe (display.terminal_safe), and only to
parts the report itself writes at the start of a line (severity marks, principle headings, the
summary): submission text never reaches the start of a line (its line ends are escaped), so it can
neither gain colour nor carry its own.
"""

from __future__ import annotations

import re

RESET = "\x1b[0m"
STYLE = {"violation": "\x1b[1;31m", "warning": "\x1b[33m", "advice": "\x1b[36m", "heading": "\x1b[1m",
         "error": "\x1b[1;31m", "note": "\x1b[2m", "ok": "\x1b[32m"}

_LINE = re.compile(
    r"^(?P<finding>    [✖▲●] (?P<severity>violation|warning|advice)\b)"
    r"|^(?P<heading>  Principle \d+.*)$"
    r"|^(?P<error>  error:)"
    r"|^(?P<unread>  NOT CHECKED)"
    r"|^(?P<ok>  no findings)"
    r"|^(?P<summary>Summary:)",
    re.M)


def _paint(match: re.Match[str]) -> str:
    assert match.lastgroup is not None  # every alternative of the pattern is a named group
    kind = match.lastgroup if match.lastgroup != "severity" else "finding"
    text = match.group(0)
    if kind == "finding":
        return STYLE[match.group("severity")] + text + RESET
    style = {"heading": "heading", "error": "error", "unread": "warning", "ok": "ok", "summary": "heading"}[kind]
    return STYLE[style] + text + RESET


def colour(text: str) -> str:
    """The text report (already terminal-safe) with its own structure coloured."""
    return _LINE.sub(_paint, text)
