"""Masking of secrets in every string trunkwizard produces: logs, errors, previews, exports.

Two layers: values registered at runtime (every secret the user typed or the keyring gave) are
replaced wherever they appear, and well-known carriers (`access_token=`, `Authorization:` headers,
`"password": "..."`) are masked even when the value was never registered.
"""

from __future__ import annotations

import logging
import re
import threading

__all__ = ["MASK", "RedactingFilter", "forget_secrets", "redact", "register_secret"]

MASK = "********"

_lock = threading.Lock()
_known: set[str] = set()

# Values shorter than this are not masked by value: masking "1" or "ab" would garble ordinary text.
_MIN_SECRET_LENGTH = 4

_CARRIERS = [
    # query strings and form bodies: access_token=..., password=...
    re.compile(
        r"(?i)\b(access_token|refresh_token|token|api_key|apikey|appid|password|passwd|secret|client_secret)"
        r"=(?!\$\{?TRUNKWIZARD_)([^&\s\"',;]+)"
    ),
    # HTTP headers
    re.compile(r"(?i)\b(authorization|proxy-authorization|x-api-key)(\s*[:=]\s*)(\S+(?: \S+)?)"),
    # JSON-ish key/value pairs whose key names a secret
    re.compile(
        r"(?i)([\"']?(?:[a-z_]*password[a-z_]*|[a-z_]*secret[a-z_]*|[a-z_]*token[a-z_]*|api_?key)[\"']?"
        r"\s*[:=]\s*)([\"'])((?:(?!\2).)+)\2"
    ),
]


def register_secret(value: str | None) -> None:
    """Remember a secret value so that `redact` masks it wherever it appears."""
    if value and len(value) >= _MIN_SECRET_LENGTH:
        with _lock:
            _known.add(value)


def forget_secrets() -> None:
    """Drop every registered value (tests use this between cases)."""
    with _lock:
        _known.clear()


def _mask_carrier(match: re.Match[str]) -> str:
    groups = match.groups()
    if len(groups) == 2:
        return f"{groups[0]}={MASK}"
    if match.re is _CARRIERS[1]:
        scheme = groups[2].split(" ", 1)[0] if " " in groups[2] else ""
        return f"{groups[0]}{groups[1]}{scheme + ' ' if scheme else ''}{MASK}"
    return f"{groups[0]}{groups[1]}{MASK}{groups[1]}"


def redact(text: str) -> str:
    """Return `text` with every known secret value and every secret-carrying pattern masked."""
    if not text:
        return text
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, MASK)
    for pattern in _CARRIERS:
        text = pattern.sub(_mask_carrier, text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in the rendered message (httpx logs full URLs at INFO)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
