"""A SIP password generated with `secrets` that meets every stated rule of both sides.

The alphabet is letters, digits and `-_.`: no character that a SIP URI, an Asterisk `.conf` line
(`;` starts a comment) or a FreeSWITCH XML attribute (`"`, `&`, `<`) would need escaped, so the
same password can be typed into any console or written into an exported file as it is.

The documented rules, read in every seed and reference: Yeastar's register trunk password must hold
numbers, upper and lower case letters and at least 10 characters (seed 003 lines 33-35), declared as
that need's `PasswordRule`. Wavix only asks for "a strong password" (seed 002 line 7); SignalWire's SIP
endpoint (seed 001), Chorus' sipPassword (seed 000) and Vox's auth_password (seed 004) state no rule.
The default length (24) is well past every one of them.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable

from pydantic import SecretStr

from trunkwizard.connect.offers import PasswordRule
from trunkwizard.redact import register_secret

__all__ = [
    "DEFAULT_LENGTH",
    "PASSWORD_ALPHABET",
    "generate_password",
    "password_problems",
    "rules_in_words",
]

DEFAULT_LENGTH = 24
PASSWORD_ALPHABET = string.ascii_letters + string.digits + "-_."
_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)


def password_problems(password: str, rules: Iterable[PasswordRule]) -> list[str]:
    """What `password` misses of `rules`: "at least 10 characters", "a digit"."""
    return list(dict.fromkeys(miss for rule in rules for miss in rule.problems(password)))


def rules_in_words(rules: Iterable[PasswordRule]) -> str:
    """What a generated password holds to meet `rules`, as a technician reads it: the rule itself,
    not the document that states it."""
    listed = list(rules)
    if not listed:
        return "no password rule is documented for it"
    parts: list[str] = []
    low = max(rule.min_length for rule in listed)
    highs = [rule.max_length for rule in listed if rule.max_length is not None]
    if low > 1 and highs:
        parts.append(f"{low} to {min(highs)} characters")
    elif low > 1:
        parts.append(f"at least {low} characters")
    elif highs:
        parts.append(f"at most {min(highs)} characters")
    parts += [
        kind
        for kind, asked in (
            ("a digit", any(rule.digit for rule in listed)),
            ("an uppercase letter", any(rule.upper for rule in listed)),
            ("a lowercase letter", any(rule.lower for rule in listed)),
        )
        if asked
    ]
    if not parts:
        return "no password rule is documented for it"
    held = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"it has {held}"


def generate_password(rules: Iterable[PasswordRule] = (), length: int = DEFAULT_LENGTH) -> SecretStr:
    """A random password with lowercase, uppercase and digits, long enough for every rule.

    It always holds one character of each class (every rule known here asks for a subset of them)
    and is registered with the redactor, so it is masked in any log line it might reach.
    """
    listed = list(rules)
    low = max([length, *(rule.min_length for rule in listed)])
    highs = [rule.max_length for rule in listed if rule.max_length is not None]
    size = min([low, *highs]) if highs else low
    if size < len(_CLASSES):
        raise ValueError(
            f"no password of {size} characters can hold a digit, an upper and a lower case letter"
        )
    chars = [secrets.choice(kind) for kind in _CLASSES]
    chars += [secrets.choice(PASSWORD_ALPHABET) for _ in range(size - len(chars))]
    # shuffle with the system RNG so the class characters are not always at the front
    for i in range(len(chars) - 1, 0, -1):
        j = secrets.randbelow(i + 1)
        chars[i], chars[j] = chars[j], chars[i]
    password = "".join(chars)
    problems = password_problems(password, listed)
    if problems:  # only when the rules contradict each other (a minimum above another's maximum)
        raise ValueError("the two sides' password rules cannot all be met: " + "; ".join(problems))
    register_secret(password)
    return SecretStr(password)
