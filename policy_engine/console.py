"""Printing for the commands: terminal-safe echo, errors on one line, and writing a report to standard output
or atomically to a file. The command line and the register's commands both print through here."""

from __future__ import annotations

import sys

import click


def echo(text: str, err: bool = False, nl: bool = True, json_style: bool = False, colour: bool = False) -> None:
    """Print: control characters from submissions or rule files never reach the terminal raw
    (colour, when wanted, is added after they are made visible)."""
    from .reports.display import terminal_safe
    text = terminal_safe(text, json_style)
    if colour:
        from .reports.colour import colour as paint
        text = paint(text)
    click.echo(text, err=err, nl=nl, color=True if colour else None)


def echo_json(text: str) -> None:
    echo(text, json_style=True)


def echo_error(message: object, prefix: str = "error: ") -> None:
    """One line on standard error: a newline or ESC in a file name stays inside it, visibly."""
    from .reports.display import visible
    click.echo(prefix + visible(str(message)), err=True)


class SafeStdout:
    """Standard output for streamed reports, made terminal-safe as it is written."""

    def __init__(self, json_style: bool, colour: bool = False) -> None:
        self.json_style = json_style
        self.colour = colour

    def write(self, text: str) -> int:
        from .reports.display import terminal_safe
        text = terminal_safe(text, self.json_style)
        if self.colour:  # the text writer writes whole lines
            from .reports.colour import colour
            text = colour(text)
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


def emit(text: str, out: str | None, json_style: bool = False, inputs: tuple[str, ...] = ()) -> None:
    """Print, or write atomically to a file (never over one of the inputs)."""
    if out:
        from .files.atomic import write_atomic
        write_atomic(out, text, inputs)
    else:
        echo(text, nl=False, json_style=json_style)
