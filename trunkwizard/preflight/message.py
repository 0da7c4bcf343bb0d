"""SIP messages for the preflight: build OPTIONS and REGISTER requests (RFC 3261), parse responses.

Only what a probe needs: we send requests and read the final response. Parsing accepts what real
servers send: compact header names (`v:`, `i:`), folded header lines and any header case.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from trunkwizard import __version__
from trunkwizard.preflight.model import WireTransport

__all__ = [
    "MAGIC_COOKIE",
    "USER_AGENT",
    "SipParseError",
    "SipResponse",
    "build_request",
    "format_host",
    "head_length",
    "new_branch",
    "new_token",
    "parse_response",
]

MAGIC_COOKIE = "z9hG4bK"
USER_AGENT = f"trunkwizard/{__version__}"
MAX_FORWARDS = 70

# RFC 3261 7.3.3 and the later RFCs that added compact forms.
COMPACT_HEADERS = {
    "a": "accept-contact",
    "b": "referred-by",
    "c": "content-type",
    "d": "request-disposition",
    "e": "content-encoding",
    "f": "from",
    "i": "call-id",
    "j": "reject-contact",
    "k": "supported",
    "l": "content-length",
    "m": "contact",
    "o": "event",
    "r": "refer-to",
    "s": "subject",
    "t": "to",
    "u": "allow-events",
    "v": "via",
    "x": "session-expires",
    "y": "identity",
}


class SipParseError(ValueError):
    """The bytes are not a SIP response we can read."""


def new_token(size: int = 10) -> str:
    return secrets.token_hex(size)


def new_branch() -> str:
    return MAGIC_COOKIE + new_token(8)


def format_host(host: str) -> str:
    """Hosts as they appear in SIP URIs and Via: IPv6 addresses in brackets."""
    try:
        if ipaddress.ip_address(host).version == 6:
            return f"[{host}]"
    except ValueError:
        pass
    return host


def build_request(
    *,
    method: str,
    request_uri: str,
    transport: WireTransport,
    local: tuple[str, int],
    from_uri: str,
    to_uri: str,
    call_id: str,
    from_tag: str,
    cseq: int,
    branch: str,
    contact_uri: str,
    extra_headers: Sequence[tuple[str, str]] = (),
) -> bytes:
    """One request with the headers RFC 3261 8.1.1 requires, our honest User-Agent and no body."""
    local_host, local_port = local
    headers = [
        ("Via", f"SIP/2.0/{transport.upper()} {format_host(local_host)}:{local_port};branch={branch};rport"),
        ("Max-Forwards", str(MAX_FORWARDS)),
        ("From", f"<{from_uri}>;tag={from_tag}"),
        ("To", f"<{to_uri}>"),
        ("Call-ID", call_id),
        ("CSeq", f"{cseq} {method}"),
        ("Contact", f"<{contact_uri}>"),
        *extra_headers,
        ("User-Agent", USER_AGENT),
        ("Content-Length", "0"),
    ]
    lines = [f"{method} {request_uri} SIP/2.0", *(f"{name}: {value}" for name, value in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


@dataclass(frozen=True)
class SipResponse:
    """A parsed response. Header names are stored in lower case, compact forms expanded."""

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key == wanted:
                return value
        return None

    def all_headers(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key == wanted]

    @property
    def status_line(self) -> str:
        return f"{self.status} {self.reason}".strip()

    @property
    def is_final(self) -> bool:
        return self.status >= 200

    @property
    def software(self) -> str | None:
        """What the peer says it runs: Server, else User-Agent."""
        return self.header("server") or self.header("user-agent")

    @property
    def cseq_method(self) -> str:
        value = self.header("cseq") or ""
        parts = value.split()
        return parts[1].upper() if len(parts) == 2 else ""

    @property
    def via_branch(self) -> str:
        via = self.header("via") or ""
        # The top Via may hold several comma-separated values; ours is the first.
        first = via.split(",", 1)[0]
        for param in first.split(";")[1:]:
            key, _, value = param.strip().partition("=")
            if key.lower() == "branch":
                return value.strip()
        return ""


def head_length(buffer: bytes) -> int | None:
    """Bytes up to and including the blank line after the headers, or None while it is incomplete."""
    end = buffer.find(b"\r\n\r\n")
    if end >= 0:
        return end + 4
    end = buffer.find(b"\n\n")
    return end + 2 if end >= 0 else None


def _split_headers(head: str) -> list[str]:
    """Header lines with folded continuation lines (leading space or tab) joined to their header."""
    lines: list[str] = []
    for raw in head.splitlines():
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += " " + raw.strip()
        elif raw.strip():
            lines.append(raw)
    return lines


def _expand_comma_list(name: str, value: str) -> list[str]:
    # Via may be sent as one header with comma-separated values; treat each value as its own header.
    if name != "via":
        return [value]
    return [part.strip() for part in value.split(",") if part.strip()]


def parse_response(data: bytes) -> SipResponse:
    """Parse one SIP response (status line, headers, and a body of Content-Length bytes)."""
    length = head_length(data)
    if length is None:
        raise SipParseError("the reply has no end of headers")
    head = data[:length].decode("utf-8", errors="replace")
    lines = _split_headers(head)
    if not lines:
        raise SipParseError("the reply is empty")
    version, _, rest = lines[0].partition(" ")
    code_text, _, reason = rest.partition(" ")
    if version.upper() != "SIP/2.0" or not (code_text.isdigit() and len(code_text) == 3):
        raise SipParseError(f"not a SIP response: {lines[0][:80]!r}")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            raise SipParseError(f"malformed header line: {line[:80]!r}")
        key = name.strip().lower()
        key = COMPACT_HEADERS.get(key, key)
        headers.extend((key, part) for part in _expand_comma_list(key, value.strip()))
    response = SipResponse(int(code_text), reason.strip(), tuple(headers))
    body_length = content_length(response)
    return SipResponse(
        response.status, response.reason, response.headers, data[length : length + body_length]
    )


def content_length(response: SipResponse) -> int:
    value = response.header("content-length")
    if value is None:
        return 0
    try:
        return max(0, int(value.strip()))
    except ValueError as exc:
        raise SipParseError(f"bad Content-Length {value!r}") from exc
