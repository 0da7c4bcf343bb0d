"""How a value a provider returned reads to a person: the result screen, the inventory details, `show`
and `create` without `--json`.

Scalars read as JSON writes them (`true`, `false`, `null`), the same words the nested objects beside
them use, never Python's `True`/`None`; null reads `null` wherever a value is shown (the edit's
read-only lines and its old -> new diff too), and only an input being edited holds it as empty. A field
the provider module declares as unix milliseconds (`Provider.epoch_ms_fields`, from its API documents)
reads as a UTC date-time with the number after it.
Machine output (`--json`) keeps the provider's own values; only `edit --json`'s "changes", lines written
for people, read as here (`false -> true`, `null`).

    readable.value_text(False)                                   # 'false'
    readable.returned_text(vox, "start_at", 1764460800000)       # '2025-11-30 00:00:00 UTC (1764460800000)'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trunkwizard.providers import Provider

__all__ = ["epoch_ms_text", "input_text", "returned_text", "value_text"]


def value_text(value: Any) -> str:
    """One value in JSON's words: `true`/`false`/`null`, a string as it is (no quotes), a number as
    written, an object or a list as compact JSON."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def input_text(value: Any) -> str:
    """A value as an input holds it to be edited: `value_text`, and an empty input for null (typing
    "null" would send the string). Compared with the input's text to tell a change from none."""
    return "" if value is None else value_text(value)


def epoch_ms_text(value: Any) -> str | None:
    """Unix milliseconds as `YYYY-MM-DD HH:MM:SS UTC (number)`; None when `value` is not such a number
    (null, a string, a bool, or out of the calendar's range), so the caller shows it as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        when = datetime.fromtimestamp(value / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return f"{when:%Y-%m-%d %H:%M:%S} UTC ({value_text(value)})"


def returned_text(provider: Provider, wire: str, value: Any) -> str:
    """The value the provider returned for `wire` (a top-level field, or a dotted path into the answer),
    read as a date-time when the provider declares that field unix milliseconds."""
    if wire in provider.epoch_ms_fields and (when := epoch_ms_text(value)) is not None:
        return when
    return value_text(value)
