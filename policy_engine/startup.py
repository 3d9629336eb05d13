"""Pausing the garbage collector while `check` starts as a program (kept apart: nothing to import).

Start-up builds many objects that live as long as the process (modules, click's commands, the rule
set) and almost no garbage, so the collector would only walk them again and again: some 10 ms of a
single check. The entry points pause it before importing the CLI; `check` resumes it once the rules
are loaded and its first draft is read (reading compiles the phrases of the draft's language).
"""

from __future__ import annotations

import gc
import sys

_paused = False


def pause_gc() -> bool:
    """Pause the collector when the program's command is `check` (idempotent)."""
    global _paused
    if not _paused and sys.argv[1:2] == ["check"] and gc.isenabled():
        gc.disable()
        _paused = True
    return _paused


def resume_gc() -> None:
    """Collect again, setting aside (gc.freeze) what start-up built: it stays, and was never walked.

    The little cyclic garbage start-up leaves (a few hundred objects in a check) is kept with it:
    finding it would take the full collection this avoids.
    """
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
