"""One canary secret used throughout the tests: it must never appear in any output, log or file, in any
form: as typed, base64, URL-encoded, JSON-escaped, or any 8-character piece of it (a secret cut in half)."""

from __future__ import annotations

import base64
import json
from functools import cache
from urllib.parse import quote, quote_plus

CANARY = "TW-CANARY-7f3a9c1e-Secret9"
PIECE = 8  # a run this long of the canary counts as a leak: it is what a cut-off secret leaves behind


@cache
def canary_forms(secret: str = CANARY) -> tuple[str, ...]:
    """Every form of `secret` a leak could take, the pieces of the plain form included."""
    raw = secret.encode()
    forms = {
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        quote(secret, safe=""),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
    }
    forms |= {secret[i : i + PIECE] for i in range(len(secret) - PIECE + 1)}
    return tuple(sorted(forms))


def canary_leaks(text: str | bytes, secret: str = CANARY) -> list[str]:
    """The forms of the canary found in `text` (empty: no leak)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return [form for form in canary_forms(secret) if form in text]
