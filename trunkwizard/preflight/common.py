"""What the SIP checks share: where to send (direct or through the outbound proxy), the URIs they
address, and the plain words for each way a transaction can fail.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from trunkwizard.errors import NetworkError
from trunkwizard.preflight.dns import DnsLookups, Route, plan_route
from trunkwizard.preflight.message import format_host
from trunkwizard.preflight.model import CheckResult, CheckStatus, PreflightTarget
from trunkwizard.preflight.transport import (
    ConnectionLost,
    ConnectionRefused,
    Destination,
    NoAnswer,
    SipTransportError,
    TlsFailed,
)

__all__ = [
    "Path",
    "Stopwatch",
    "contact_uri",
    "failure_words",
    "find_path",
    "request_uri",
    "transport_failure",
]


class Stopwatch:
    def __init__(self) -> None:
        self._started = time.monotonic()

    @property
    def ms(self) -> float:
        return (time.monotonic() - self._started) * 1000


@dataclass(frozen=True)
class Path:
    """How a request travels: the destination packets go to, and the Route header when via a proxy."""

    route: Route
    proxy_uri: str | None = None

    @property
    def destination(self) -> Destination:
        return self.route.destination

    @property
    def route_headers(self) -> tuple[tuple[str, str], ...]:
        return (("Route", f"<{self.proxy_uri};lr>"),) if self.proxy_uri else ()


async def find_path(target: PreflightTarget, lookups: DnsLookups, *, via_proxy: bool) -> Path:
    """The target's own route, or the outbound proxy's (resolved the same way, RFC 3263) when via_proxy."""
    if not via_proxy:
        return Path(await plan_route(lookups, target.host, target.port, target.transport))
    proxy = target.proxy_host_port
    assert proxy is not None, "via_proxy needs target.proxy"
    proxy_host, proxy_port = proxy
    route = await plan_route(lookups, proxy_host, proxy_port, target.transport)
    uri = f"sip:{format_host(proxy_host)}" + (f":{proxy_port}" if proxy_port else "")
    return Path(route, uri)


def request_uri(target: PreflightTarget, *, user: str | None = None) -> str:
    """The URI the request is for: always the target the user entered, also when a proxy carries it."""
    user_part = f"{user}@" if user else ""
    uri = f"sip:{user_part}{format_host(target.host)}"
    if target.port is not None:
        uri += f":{target.port}"
    if target.transport in ("tcp", "tls"):
        uri += f";transport={target.transport}"
    return uri


def contact_uri(user: str, local: tuple[str, int], destination: Destination) -> str:
    uri = f"sip:{user}@{format_host(local[0])}:{local[1]}"
    return uri if destination.transport == "udp" else f"{uri};transport={destination.transport}"


def failure_words(exc: NetworkError, destination: Destination | None) -> tuple[str, str, str]:
    """(summary, advice, outcome) for a request that got no SIP answer."""
    transport = destination.transport if destination else ""
    if isinstance(exc, ConnectionRefused):
        advice = (
            "the host says nothing listens on that UDP port: check the port and the transport"
            if transport == "udp"
            else "check the port and the transport (UDP, TCP or TLS) in the provider's portal"
        )
        return exc.message, advice, "refused"
    if isinstance(exc, TlsFailed):
        if not exc.certificate:
            return (
                exc.message,
                "check that this port speaks TLS (usually 5061), or pick TCP or UDP",
                "tls-no-handshake",
            )
        if "not valid for" in exc.message:
            return (
                exc.message,
                "use the host name the certificate was issued for, or ask for a matching certificate",
                "tls-wrong-name",
            )
        return (
            exc.message,
            "give the PBX's CA file (--ca-file or the profile's CA file) or fix the certificate chain",
            "tls-untrusted",
        )
    if isinstance(exc, NoAnswer):
        if transport == "udp":
            return (
                exc.message,
                "UDP silence is ambiguous: a firewall, a SIP ALG on the router, or a PBX that ignores "
                "unknown addresses; check the allow-list, disable SIP ALG, or try TCP",
                "udp-silence",
            )
        if exc.sends == 0:
            return (
                exc.message,
                "a firewall drops the connection: check the port and the provider's allow-list",
                "tcp-silence",
            )
        return (
            exc.message,
            "the connection opened but no SIP came back: is this the SIP port of the host?",
            "tcp-silence",
        )
    if isinstance(exc, ConnectionLost):
        return (
            exc.message,
            "the peer hung up: check the transport and port, and whether it blocks this address",
            "connection-lost",
        )
    if isinstance(exc, SipTransportError):
        return exc.message, "check the host, port and transport", "transport-error"
    # "cannot resolve HOST: why": the DNS check above already says why; say the cause once
    summary = exc.message.split(": ", 1)[0] if exc.message.startswith("cannot resolve ") else exc.message
    return summary, "see the DNS check, and check the host name", "unresolved"


def transport_failure(
    name: str, exc: NetworkError, destination: Destination | None, clock: Stopwatch
) -> CheckResult:
    summary, advice, outcome = failure_words(exc, destination)
    details = (f"destination: {destination.label}",) if destination else ()
    return CheckResult(name, CheckStatus.FAIL, summary, advice, details, clock.ms, outcome=outcome)
