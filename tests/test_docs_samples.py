"""Every sample output in README.md and docs/*.md is what the tool prints today.

A sample is a fenced block whose first line is `$ policy-check ...`: each `$ ` line is a command, run
from the repository root (as `python -m policy_engine ...`, without colour), and the lines under it are
its standard output. A line `…` stands for any number of lines, so a sample may show an excerpt. A
command may end with `; echo "exit $?"`: the sample's last line is then `exit N`, the exit code.

After a change to the rules or the reports, rewrite the samples without `…` with:
    python -m tests.test_docs_samples --update
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
ELLIPSIS = "…"
_FENCE = re.compile(r"^```[a-z]*\n(\$ policy-check .*?)^```$", re.M | re.S)
_EXIT = '; echo "exit $?"'


@dataclass(frozen=True)
class Sample:
    file: Path
    line: int            # of the command
    command: str         # as written after '$ '
    expected: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.file.relative_to(ROOT)}:{self.line}"


def samples(path: Path) -> list[Sample]:
    text = path.read_text(encoding="utf-8")
    found = []
    for block in _FENCE.finditer(text):
        first = text.count("\n", 0, block.start(1)) + 1
        command, expected, at = None, [], first
        for n, line in enumerate(block.group(1).rstrip("\n").split("\n")):
            if line.startswith("$ "):
                if command is not None:
                    found.append(Sample(path, at, command, tuple(expected)))
                command, expected, at = line[2:], [], first + n
            else:
                expected.append(line)
        found.append(Sample(path, at, command or "", tuple(expected)))
    return found


def run(command: str) -> list[str]:
    """The standard output lines of a documented command (and 'exit N' when it asks for it)."""
    show_exit = command.endswith(_EXIT)
    args = shlex.split(command[: -len(_EXIT)] if show_exit else command)
    assert args[0] == "policy-check", command
    # a sample runs in the repository itself: it may print, never write a file
    assert not any(a in ("-o", "--out") or a.startswith(("-o", "--out=")) for a in args), command
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    result = subprocess.run([sys.executable, "-m", "policy_engine", *args[1:]], cwd=ROOT, capture_output=True,
                            text=True, encoding="utf-8", env=env, timeout=300)
    lines = result.stdout.rstrip("\n").split("\n") if result.stdout else []
    return lines + ([f"exit {result.returncode}"] if show_exit else [])


def matches(expected: tuple[str, ...], actual: list[str]) -> bool:
    """Line by line, trailing spaces ignored; a line '…' stands for any number of lines."""
    want = [line.rstrip() for line in expected]
    got = [line.rstrip() for line in actual]
    memo: dict[tuple[int, int], bool] = {}

    def at(i: int, j: int) -> bool:
        if (i, j) not in memo:
            if i == len(want):
                memo[i, j] = j == len(got)
            elif want[i] == ELLIPSIS:
                memo[i, j] = any(at(i + 1, k) for k in range(j, len(got) + 1))
            else:
                memo[i, j] = j < len(got) and want[i] == got[j] and at(i + 1, j + 1)
        return memo[i, j]

    return at(0, 0)


ALL = [sample for path in FILES for sample in samples(path)]


def test_the_docs_have_samples() -> None:
    assert len(ALL) >= 10
    assert {s.file.name for s in ALL} >= {"README.md", "reviewers.md", "rule-authoring.md"}


@pytest.mark.parametrize("sample", ALL, ids=[s.id for s in ALL])
def test_sample_is_what_the_tool_prints(sample: Sample) -> None:
    actual = run(sample.command)
    assert matches(sample.expected, actual), (
        f"{sample.id}: the sample of `{sample.command}` is stale; the tool prints:\n" + "\n".join(actual))


def update() -> None:
    """Rewrite every sample without '…' with what the tool prints now."""
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        for sample in reversed(samples(path)):
            if ELLIPSIS in sample.expected:
                if not matches(sample.expected, run(sample.command)):
                    print(f"{sample.id}: excerpt is stale; edit it by hand", file=sys.stderr)
                continue
            start = sample.line  # the line after the command (0-based index of the first output line)
            lines[start:start + len(sample.expected)] = run(sample.command)
        path.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        update()
    else:
        sys.exit(__doc__)
