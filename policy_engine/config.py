"""The configuration file: `.policy-check.yaml`, or `[tool.policy-check]` in `pyproject.toml`.

Found by looking in the working folder and then in each folder above it; the first folder with
either file wins (the YAML file first). Its settings are the defaults of the command-line options
of the same names, so an option given on the command line always wins. Paths in it are relative
to the folder of the file. Every mistake is one InputError naming the file and line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from .errors import PolicyCheckError

YAML_NAME = ".policy-check.yaml"
PYPROJECT = "pyproject.toml"
FAIL_LEVELS = ("violation", "warning", "advice", "never")

# setting -> (the option's parameter name in the CLI, kind)
SETTINGS: dict[str, tuple[str, str]] = {
    "rules": ("rules_dir", "path"),
    "fail-on": ("fail_on", "level"),
    "waivers": ("waivers_file", "file"),
    "baseline": ("baseline_file", "file"),
    "select": ("select", "list"),
    "ignore": ("ignore", "list"),
    "accept-not-checked": ("accept_not_checked", "bool"),
    "ignore-inline-waivers": ("ignore_inline_waivers", "bool"),
}


class ConfigError(PolicyCheckError):
    """A configuration file that cannot be used."""


class Config:
    """A configuration file's settings (a plain class: dataclasses cost a check's start-up ~2 ms)."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path                       # None: no configuration file
        self.values: dict[str, Any] = {}       # setting name -> checked value
        self.lines: dict[str, int] = {}        # setting name -> line in the file

    def option_defaults(self) -> dict[str, Any]:
        """Parameter name -> value, for click's default_map."""
        return {SETTINGS[name][0]: value for name, value in self.values.items()}

    def render(self) -> str:
        """What --show-config prints: the file, then every setting with its value and where it comes from."""
        lines = [f"config: {self.path or '(none found; looked for ' + YAML_NAME + ' and [tool.policy-check] in ' + PYPROJECT + ')'}"]
        for name in SETTINGS:
            if name in self.values:
                value = self.values[name]
                shown = ", ".join(value) if isinstance(value, tuple) else str(value).lower() \
                    if isinstance(value, bool) else str(value)
                lines.append(f"{name}: {shown}  ({self.path}:{self.lines[name]})")
            else:
                lines.append(f"{name}: {_DEFAULTS[name]}  (default)")
        return "\n".join(lines) + "\n"


_DEFAULTS = {"rules": "the bundled rules", "fail-on": "violation", "waivers": "none", "baseline": "none",
             "select": "every rule", "ignore": "none", "accept-not-checked": "false", "ignore-inline-waivers": "false"}


def find(start: Path | None = None) -> Path | None:
    """The configuration file for a run started in `start` (the working folder), or None."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / YAML_NAME
        if candidate.is_file():
            return candidate
        candidate = folder / PYPROJECT
        if candidate.is_file() and _mentions_us(candidate):
            return candidate
    return None


_TABLE = r'^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*(?:policy-check|"policy-check")[ \t]*\][ \t]*(?:#.*)?$'


def _mentions_us(path: Path) -> bool:
    """Whether a pyproject.toml has a [tool.policy-check] table (most have none: not worth parsing)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read(1 << 20)
    except OSError:
        return False
    return "policy-check" in text and re.search(_TABLE, text, re.M) is not None


def load(path: str | Path | None) -> Config:
    """Read and check a configuration file (None: no file, every default)."""
    if path is None:
        return Config()
    from .files.inputfile import read_text

    path = Path(path)
    name = _display(path)
    text = read_text(path, what="configuration file")
    if path.name.endswith(".toml"):
        table, lines = _toml_table(text, name)
    else:
        table, lines = _yaml_table(text, name)
    return _check(table, lines, name, path.resolve().parent)


def _display(path: Path) -> str:
    """The file's name as messages show it: relative to the working folder when below it."""
    absolute = path.resolve()
    try:
        return os.path.relpath(absolute) if absolute.is_relative_to(Path.cwd()) else str(absolute)
    except ValueError:  # another drive
        return str(absolute)


def _toml_table(text: str, name: str) -> tuple[dict[str, Any], dict[str, int]]:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(f"not valid TOML: {message}", name, int(where.group(1)) if where else None) from None
    table = data.get("tool", {}).get("policy-check", {}) if isinstance(data.get("tool"), dict) else {}
    header = re.search(_TABLE, text, re.M)
    first = text.count("\n", 0, header.start()) + 1 if header else 1
    if not isinstance(table, dict):
        raise ConfigError("tool.policy-check must be a table of settings", name, first)
    lines: dict[str, int] = {}
    number = first
    for line in text[header.end():].split("\n")[1:] if header else []:
        number += 1
        if re.match(r"\s*\[", line):  # the next table
            break
        key = re.match(r'\s*"?([A-Za-z0-9_-]+)"?\s*=', line)
        if key:
            lines.setdefault(key.group(1), number)
    return table, {key: lines.get(key, first) for key in table}


def _yaml_table(text: str, name: str) -> tuple[dict[str, Any], dict[str, int]]:
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"not valid YAML: {problem}", name, mark.line + 1 if mark else None) from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise ConfigError("the file must be a mapping of settings (name: value)", name, 1)
    lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    return data, {str(key): lines.get(str(key), 1) for key in data}


def _check(table: dict[str, Any], lines: dict[str, int], name: str, base: Path) -> Config:
    config = Config(name)
    for key, value in table.items():
        line = lines.get(str(key))
        if key not in SETTINGS:
            from .files.yamlsrc import did_you_mean
            hint = did_you_mean(key, list(SETTINGS))
            raise ConfigError(f'unknown setting "{key}"' + (f"; {hint}" if hint else "")
                              + f" (settings: {', '.join(SETTINGS)})", name, line)
        kind = SETTINGS[key][1]
        config.values[key] = _value(key, value, kind, name, line, base)
        config.lines[key] = line or 1
    return config


def _value(key: str, value: Any, kind: str, name: str, line: int | None, base: Path) -> Any:
    def fail(message: str) -> ConfigError:
        return ConfigError(f"{key}: {message}", name, line)

    if kind == "bool":
        if not isinstance(value, bool):
            raise fail("must be true or false")
        return value
    if kind == "level":
        if value not in FAIL_LEVELS:
            raise fail(f"must be one of: {', '.join(FAIL_LEVELS)}")
        return value
    if kind == "list":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise fail("must be a list of rule ids, principles (P7) or articles (7.5)")
        from .findings.selection import split
        return split(items)
    if not isinstance(value, str) or not value.strip():
        raise fail("must be a path")
    target = base / value
    if not target.exists():
        raise fail(f"no such {'folder or file' if kind == 'path' else 'file'}: {target}")
    if kind == "file" and not target.is_file():
        raise fail(f"not a file: {target}")
    return _display(target)
