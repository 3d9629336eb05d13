"""Literal prefilters for text patterns: words that every match must contain.

A text test whose words appear nowhere in a document cannot match it, so its pattern need not be
compiled or run: most tests are skipped on most drafts. The words are derived from the pattern's
syntax tree (Python's own regex parser reads RE2's common syntax); where a pattern uses syntax it
does not know, or has a branch with no required word, there is no prefilter and the pattern always
runs. Derivation is slow for big patterns, so results are cached as JSON by pattern hash.
"""

from __future__ import annotations

import hashlib
import json
import re._constants as sre
import re._parser as sre_parse
import warnings
from typing import Any

from .cache import cache_dir
from .textscan import fold_case, strip_accents

MIN_WORD = 3  # shorter literals are too common to filter anything
_FORMAT = 1
_memo: dict[str, list[str] | None] | None = None  # the cache file: pattern hash -> words
_found: dict[str, tuple[bytes, ...] | None] = {}  # this process's answers, by pattern
_dirty = False
_memo_path: Any = None  # where _memo was read from
_used: set[str] = set()  # the keys this process asked for
MAX_ENTRIES = 20_000     # about 2 MB of cache file


def _required(items: Any) -> set[str] | None:
    """A set of strings one of which every match of this sequence contains, or None."""
    candidates: list[set[str]] = []
    run = ""

    def flush() -> None:
        nonlocal run
        if len(run.strip()) >= MIN_WORD:
            candidates.append({run})
        run = ""

    for op, arg in items:
        if op is sre.LITERAL:
            run += chr(arg)
            continue
        if op is sre.AT:  # \b and anchors take no text
            continue
        flush()
        need: set[str] | None = None
        if op is sre.SUBPATTERN:
            need = _required(arg[3])
        elif op is sre.BRANCH:
            parts = [_required(branch) for branch in arg[1]]
            need = None if any(p is None for p in parts) else set().union(*parts)  # type: ignore[arg-type]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:
            need = _required(arg[2])
        if need:
            candidates.append(need)
    flush()
    if not candidates:
        return None
    # the most selective requirement: longest shortest word, then fewest words
    return max(candidates, key=lambda s: (min(len(w) for w in s), -len(s)))


def derive(pattern: str) -> list[str] | None:
    """The words (folded like the text) one of which every match contains; None when unknown."""
    body = fold_case(strip_accents(pattern))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = sre_parse.parse(body)
        except Exception:  # syntax Python's parser does not share with RE2: no prefilter
            return None
    need = _required(list(tree))
    return None if need is None else sorted(need)


def _path() -> Any:
    folder = cache_dir()
    return None if folder is None else folder / f"literals-{_FORMAT}.json"


def _load() -> dict[str, Any]:
    global _memo, _memo_path
    if _memo is None:
        _memo = {}
        path = _memo_path = _path()  # saved back there, whatever the environment says at exit
        if path is not None:
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                _memo = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                pass
    return _memo


def _save() -> None:
    path = _memo_path
    if path is not None and _memo is not None:
        # Rule edits and test folders leave patterns nobody asks for again: past the limit, keep
        # only those this process used.
        memo = _memo if len(_memo) <= MAX_ENTRIES else {key: _memo[key] for key in _used if key in _memo}
        try:
            from .atomic import write_atomic
            write_atomic(path, json.dumps(memo, sort_keys=True))
        except OSError:
            pass


def _well_formed(words: Any) -> bool:
    # derive() gives None or some words: no words at all would mean "can never match"
    return words is None or (isinstance(words, list) and bool(words) and all(isinstance(w, str) for w in words))


def literals(pattern: str) -> tuple[bytes, ...] | None:
    """Cached derive(), as UTF-8 bytes ready to look for in the encoded text."""
    if pattern in _found:
        return _found[pattern]  # the same vocabulary terms recur in many patterns
    memo = _load()
    key = hashlib.sha256(pattern.encode()).hexdigest()[:24]
    _used.add(key)
    words = memo.get(key)
    if key not in memo or not _well_formed(words):
        words = memo[key] = derive(pattern)
        global _dirty
        if not _dirty:  # write the file once, at exit, however many patterns were new
            _dirty = True
            import atexit
            atexit.register(_save)
    found = _found[pattern] = None if words is None else tuple(w.encode("utf-8") for w in words)
    return found
