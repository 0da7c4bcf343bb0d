"""The last line of defence for files: recognise what must never be written next to ordinary answers.

Callers are expected to hand over non-secret data only; these checks catch the mistakes: a key
named like a secret, a value the redactor knows (every secret typed or read from the keyring is
registered), a `pydantic.SecretStr`, or text that carries a credential (`access_token=...`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from trunkwizard.redact import MASK, redact

__all__ = ["carries_secret", "looks_secret_key", "mask_secrets", "strip_secrets"]

# "passthrough" and "token_expiry"-like names are rare in account and trunk forms; "password",
# "secret", "token" and "api key" in a key name mean a credential in every API trunkwizard speaks.
_SECRET_KEY = re.compile(r"(?i)(password|passwd|secret|token|api_?key|credential)")


def looks_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.search(key))


def carries_secret(value: Any) -> bool:
    """True for a SecretStr, or a string in which the redactor finds something to mask."""
    if hasattr(value, "get_secret_value"):
        return True
    return isinstance(value, str) and redact(value) != value


def _is_secret_entry(key: str, value: Any, secret_keys: Collection[str]) -> bool:
    return key in secret_keys or looks_secret_key(key) or carries_secret(value)


def strip_secrets(
    data: Mapping[str, Any], secret_keys: Collection[str] = ()
) -> tuple[dict[str, Any], list[str]]:
    """A copy of `data` without secret entries, at any depth, and the dotted paths that were dropped.

    A list item that is a secret string is dropped from its list; a key is dropped with its value.
    """
    dropped: list[str] = []

    def clean(value: Any, path: str) -> Any:
        if isinstance(value, Mapping):
            kept: dict[str, Any] = {}
            for key, item in value.items():
                name = str(key)
                where = f"{path}.{name}" if path else name
                if _is_secret_entry(name, item, secret_keys):
                    dropped.append(where)
                    continue
                kept[name] = clean(item, where)
            return kept
        if isinstance(value, list | tuple):
            items = []
            for index, item in enumerate(value):
                if carries_secret(item):
                    dropped.append(f"{path}.{index}")
                    continue
                items.append(clean(item, f"{path}.{index}"))
            return items
        return value

    return clean(data, ""), dropped


def mask_secrets(value: Any, secret_keys: Collection[str] = ()) -> Any:
    """A copy of `value` with secret entries replaced by the mask and strings redacted (for history)."""
    if isinstance(value, Mapping):
        return {
            str(key): MASK
            if (str(key) in secret_keys or looks_secret_key(str(key))) and item
            else mask_secrets(item, secret_keys)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_secrets(item, secret_keys) for item in value]
    if hasattr(value, "get_secret_value"):
        return MASK
    if isinstance(value, str):
        return redact(value)
    return value
