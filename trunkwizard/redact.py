"""Masking of secrets in every string trunkwizard produces: logs, errors, previews, exports.

Two layers: values registered at runtime (every secret the user typed or the keyring gave) are
replaced wherever they appear, in every form a server or a library may turn them into (base64 at any
alignment, URL-encoded, JSON-escaped), and well-known carriers (`access_token=`, `Authorization:`
headers, `"password": "..."`) are masked even when the value was never registered. A text that ends in
the first characters of a registered secret (cut by someone else's limit) has that tail masked too.
Callers mask first and cut afterwards (providers/_base.py error_text).
"""

from __future__ import annotations

import base64
import logging
import re
import threading
from urllib.parse import quote, quote_plus

__all__ = ["MASK", "RedactingFilter", "forget_secrets", "redact", "register_secret", "secret_forms"]

MASK = "********"

_lock = threading.Lock()
_known: set[str] = set()  # every form of every registered secret
_plain: set[str] = set()  # the registered secrets as given

# Values shorter than this are not masked by value: masking "1" or "ab" would garble ordinary text.
_MIN_SECRET_LENGTH = 4

_CARRIER_SOURCES = (
    # query strings and form bodies: access_token=..., password=...
    (
        r"(?i)\b(access_token|refresh_token|token|api_key|apikey|appid|password|passwd|secret|client_secret)"
        r"=(?!\$\{?TRUNKWIZARD_)([^&\s\"',;]+)"
    ),
    # HTTP headers
    r"(?i)\b(authorization|proxy-authorization|x-api-key)(\s*[:=]\s*)(\S+(?: \S+)?)",
    # JSON-ish key/value pairs whose key names a secret
    (
        r"(?i)([\"']?(?:[a-z_]*password[a-z_]*|[a-z_]*secret[a-z_]*|[a-z_]*token[a-z_]*|api_?key)[\"']?"
        r"\s*[:=]\s*)([\"'])((?:(?!\2).)+)\2"
    ),
)
# compiled at the first redact, not at import: the wizard's first frame needs none of them (~2 ms)
_carrier_patterns: list[re.Pattern[str]] = []


def _carriers() -> list[re.Pattern[str]]:
    if not _carrier_patterns:
        compiled = [re.compile(source) for source in _CARRIER_SOURCES]
        with _lock:
            if not _carrier_patterns:
                _carrier_patterns[:] = compiled
    return _carrier_patterns


def _base64_cores(raw: bytes) -> set[str]:
    """The part of base64(secret) that is the same wherever the secret sits in an encoded stream: for
    each of the three alignments, the encoding without the groups shared with neighbouring bytes."""
    cores = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode().rstrip("=")
        start = 4 if offset else 0
        end = len(encoded) - (len(encoded) % 4 if (offset + len(raw)) % 3 else 0)
        core = encoded[start:end]
        if len(core) >= 8:
            cores |= {core, core.replace("+", "-").replace("/", "_")}
    return cores


def secret_forms(value: str) -> set[str]:
    """`value` and the forms it takes in transit: base64, URL-encoded, JSON-escaped."""
    import json

    forms = {value, quote(value, safe=""), quote(value), quote_plus(value)}
    forms |= {json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
    forms |= _base64_cores(value.encode("utf-8"))
    return {form for form in forms if len(form) >= _MIN_SECRET_LENGTH}


def register_secret(value: str | None) -> None:
    """Remember a secret value so that `redact` masks it, in every form, wherever it appears."""
    if isinstance(value, str) and len(value) >= _MIN_SECRET_LENGTH:
        forms = secret_forms(value)
        with _lock:
            _known.update(forms)
            _plain.add(value)


def forget_secrets() -> None:
    """Drop every registered value (tests use this between cases)."""
    with _lock:
        _known.clear()
        _plain.clear()


def _mask_carrier(match: re.Match[str]) -> str:
    groups = match.groups()
    if len(groups) == 2:
        return f"{groups[0]}={MASK}"
    if match.re is _carriers()[1]:
        scheme = groups[2].split(" ", 1)[0] if " " in groups[2] else ""
        return f"{groups[0]}{groups[1]}{scheme + ' ' if scheme else ''}{MASK}"
    return f"{groups[0]}{groups[1]}{MASK}{groups[1]}"


def redact(text: str) -> str:
    """Return `text` with every known secret value and every secret-carrying pattern masked."""
    if not text:
        return text
    with _lock:
        known = sorted(_known, key=len, reverse=True)
        plain = list(_plain)
    for value in known:
        if value in text:
            text = text.replace(value, MASK)
    text = _mask_cut_tail(text, plain)
    for pattern in _carriers():
        text = pattern.sub(_mask_carrier, text)
    return text


def _mask_cut_tail(text: str, secrets: list[str]) -> str:
    """Mask the end of `text` when it is the beginning of a secret (a secret cut by a length limit)."""
    for secret in secrets:
        for length in range(min(len(secret) - 1, len(text)), _MIN_SECRET_LENGTH - 1, -1):
            if text.endswith(secret[:length]):
                return text[:-length] + MASK
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in the rendered message (httpx logs full URLs at INFO)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
