"""A nesting limit for documents read from outside (answers files, request bodies in the sandbox).

Answers are at most three levels deep (rows of objects holding a list); a document nested far deeper is
a mistake or an attack, and Python's parsers answer it with a RecursionError traceback. So: parse,
turn a RecursionError into a clear error, and refuse anything deeper than MAX_NESTING.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MAX_NESTING", "TooDeep", "depth", "loads_json", "loads_toml"]

MAX_NESTING = 32


class TooDeep(ValueError):
    """The document is nested deeper than MAX_NESTING levels."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is nested more than {MAX_NESTING} levels deep; answers never are")


def depth(document: Any) -> int:
    """How deep lists and objects nest in `document` (0 for a scalar), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list | tuple):
            children = value
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        if deepest > MAX_NESTING:
            return deepest
        stack.extend((child, level) for child in children)
    return deepest


def _checked(document: Any, what: str) -> Any:
    if depth(document) > MAX_NESTING:
        raise TooDeep(what)
    return document


def loads_json(text: str | bytes, what: str = "the JSON document") -> Any:
    """json.loads with the nesting limit; json.JSONDecodeError for bad JSON, TooDeep for deep JSON."""
    try:
        return _checked(json.loads(text), what)
    except RecursionError:
        raise TooDeep(what) from None


def loads_toml(text: str, what: str = "the TOML document") -> dict[str, Any]:
    """tomllib.loads with the nesting limit; tomllib.TOMLDecodeError for bad TOML, TooDeep for deep TOML."""
    import tomllib  # only for TOML: a JSON answers file (a script's dry run) does without it

    try:
        document: dict[str, Any] = _checked(tomllib.loads(text), what)
    except RecursionError:
        raise TooDeep(what) from None
    return document
