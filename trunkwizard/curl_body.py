"""A JSON body for curl as an unquoted here-document, each secret read from its variable at run time.

    body = {"number": "+14155550124", "sipPassword": SecretVariable("TRUNKWIZARD_CHORUS_SIP_PASSWORD")}
    heredoc_body(body)   # ... "sipPassword": "$(json_escape "${TRUNKWIZARD_CHORUS_SIP_PASSWORD}")" ...

The shell expands `$`, backquotes and `\\` in an unquoted here-document: the answers' own are escaped
here, so they reach the provider as typed. A secret is never written down: the `json_escape` shell
function (JSON_ESCAPE_FUNCTION, which goes before the commands) escapes its variable's value at run time,
so a `"`, `\\` or control character in a password cannot end the JSON string early.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["JSON_ESCAPE_FUNCTION", "SecretVariable", "heredoc_body", "holds_secret"]

# POSIX sh, awk as POSIX gives it (Debian's mawk is Priority: required). The value reaches awk through its
# environment: `awk -v` would expand backslashes in it, and argv is visible in ps. What must be escaped
# inside a JSON string is backslash, quote and U+0000..U+001F (RFC 8259 section 7); bytes of non-ASCII
# characters are never below 32, so UTF-8 passes through unchanged in any locale.
JSON_ESCAPE_FUNCTION = r"""json_escape() {  # a secret as the inside of a JSON string
  JSON_VALUE=$1 awk 'BEGIN {
    for (i = 1; i < 32; i++) escaped[sprintf("%c", i)] = sprintf("\\u%04x", i)
    escaped["\\"] = "\\\\"; escaped["\""] = "\\\""
    value = ENVIRON["JSON_VALUE"]; out = ""
    for (i = 1; i <= length(value); i++) {
      c = substr(value, i, 1); out = out ((c in escaped) ? escaped[c] : c)
    }
    printf "%s", out
  }'
}"""

_NAME = re.compile(r"TRUNKWIZARD_[A-Z0-9_]+")


@dataclass(frozen=True)
class SecretVariable:
    """Where a secret goes in a body for curl: the environment variable that holds it."""

    name: str

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"not a trunkwizard secret variable: {self.name!r}")


def heredoc_body(body: Mapping[str, Any]) -> str:
    """`body` as JSON for an unquoted here-document: answers escaped for the shell, each secret as
    `"$(json_escape "${NAME}")"`."""
    # A secret is first written as a random marker and its name: no answer can hold the marker, so only
    # secrets are replaced (an answer that reads `${TRUNKWIZARD_...}` stays text).
    marker = "secret-" + os.urandom(16).hex() + ":"
    text = json.dumps(body, indent=2, ensure_ascii=False, default=lambda value: _marked(value, marker))
    text = text.replace("\\", "\\\\").replace("`", "\\`").replace("$", "\\$")
    return re.sub(f'"{re.escape(marker)}({_NAME.pattern})"', r'"$(json_escape "${\1}")"', text)


def _marked(value: object, marker: str) -> str:
    if isinstance(value, SecretVariable):
        return marker + value.name
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def holds_secret(value: Any) -> bool:
    """Whether a body has a secret (and so its commands need JSON_ESCAPE_FUNCTION, and awk)."""
    if isinstance(value, SecretVariable):
        return True
    if isinstance(value, Mapping):
        return any(holds_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(holds_secret(v) for v in value)
    return False
