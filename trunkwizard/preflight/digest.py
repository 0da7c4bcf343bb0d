"""HTTP digest authentication as SIP uses it (RFC 2617, RFC 7616, RFC 8760): MD5 and SHA-256, with and
without qop=auth, and their -sess variants.

The password only enters `authorization()`, which returns the header value; nothing here keeps it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import SecretStr

from trunkwizard.preflight.message import SipResponse

__all__ = ["DigestChallenge", "authorization", "choose_challenge", "parse_challenge"]

_HASHES: dict[str, Callable[[bytes], str]] = {
    "MD5": lambda data: hashlib.md5(data, usedforsecurity=False).hexdigest(),
    "SHA-256": lambda data: hashlib.sha256(data).hexdigest(),
}

# Preferred first when a server offers several challenges (RFC 8760 3).
_PREFERENCE = ["SHA-256", "SHA-256-SESS", "MD5", "MD5-SESS"]

_PARAM = re.compile(r'\s*([A-Za-z0-9_-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)\s*,?')


@dataclass(frozen=True)
class DigestChallenge:
    """One `Digest` challenge from a WWW-Authenticate (401) or Proxy-Authenticate (407) header."""

    realm: str
    nonce: str
    algorithm: str = "MD5"
    qop: tuple[str, ...] = ()
    opaque: str | None = None
    stale: bool = False
    proxy: bool = False

    @property
    def supported(self) -> bool:
        return self.algorithm.upper().removesuffix("-SESS") in _HASHES

    @property
    def reply_header(self) -> str:
        return "Proxy-Authorization" if self.proxy else "Authorization"


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def parse_challenge(value: str, *, proxy: bool = False) -> DigestChallenge | None:
    """Read `Digest realm="...", nonce="...", ...`; None for other schemes or a challenge without nonce."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "digest":
        return None
    params = {key.lower(): _unquote(raw) for key, raw in _PARAM.findall(rest)}
    if "nonce" not in params:
        return None
    qop = tuple(part.strip().lower() for part in params.get("qop", "").split(",") if part.strip())
    return DigestChallenge(
        realm=params.get("realm", ""),
        nonce=params["nonce"],
        algorithm=params.get("algorithm", "MD5") or "MD5",
        qop=qop,
        opaque=params.get("opaque"),
        stale=params.get("stale", "").lower() == "true",
        proxy=proxy,
    )


def choose_challenge(response: SipResponse) -> DigestChallenge | None:
    """The challenge we answer: the strongest supported algorithm the server offered."""
    proxy = response.status == 407
    header = "proxy-authenticate" if proxy else "www-authenticate"
    challenges = [parse_challenge(value, proxy=proxy) for value in response.all_headers(header)]
    usable = [c for c in challenges if c is not None and c.supported]
    if not usable:
        return None

    def rank(challenge: DigestChallenge) -> int:
        name = challenge.algorithm.upper()
        return _PREFERENCE.index(name) if name in _PREFERENCE else len(_PREFERENCE)

    return min(usable, key=rank)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def authorization(
    challenge: DigestChallenge,
    *,
    method: str,
    uri: str,
    username: str,
    password: SecretStr,
    nc: int = 1,
    cnonce: str | None = None,
) -> str:
    """The Authorization (or Proxy-Authorization) header value answering `challenge`."""
    algorithm = challenge.algorithm.upper()
    digest = _HASHES[algorithm.removesuffix("-SESS")]
    use_qop = "auth" in challenge.qop
    cnonce = cnonce or secrets.token_hex(8)
    nc_text = f"{nc:08x}"

    def h(*parts: str) -> str:
        return digest(":".join(parts).encode("utf-8"))

    ha1 = h(username, challenge.realm, password.get_secret_value())
    if algorithm.endswith("-SESS"):
        ha1 = h(ha1, challenge.nonce, cnonce)
    ha2 = h(method, uri)
    if use_qop:
        response = h(ha1, challenge.nonce, nc_text, cnonce, "auth", ha2)
    else:
        response = h(ha1, challenge.nonce, ha2)

    params = [
        f"username={_quote(username)}",
        f"realm={_quote(challenge.realm)}",
        f"nonce={_quote(challenge.nonce)}",
        f"uri={_quote(uri)}",
        f"response={_quote(response)}",
        f"algorithm={challenge.algorithm}",
    ]
    if use_qop or algorithm.endswith("-SESS"):
        params.append(f"cnonce={_quote(cnonce)}")
    if use_qop:
        params += ["qop=auth", f"nc={nc_text}"]
    if challenge.opaque is not None:
        params.append(f"opaque={_quote(challenge.opaque)}")
    return "Digest " + ", ".join(params)
