"""The OPTIONS check: is there a SIP server at the host, port and transport, and what does it say?

Any final response proves reachability: a server that answers 403, 404 or 405 is there and speaking
SIP. Only silence, a refused connection or a failed TLS handshake is a failure.
"""

from __future__ import annotations

from trunkwizard.errors import NetworkError
from trunkwizard.preflight.common import (
    Stopwatch,
    contact_uri,
    find_path,
    request_uri,
    transport_failure,
)
from trunkwizard.preflight.dns import DnsLookups
from trunkwizard.preflight.message import SipResponse, build_request, format_host, new_branch, new_token
from trunkwizard.preflight.model import CheckResult, CheckStatus, PreflightTarget
from trunkwizard.preflight.nat import Echo, Echoes
from trunkwizard.preflight.transport import Destination, Exchange, open_channel, transact

__all__ = ["check_options", "interpret_options"]

# Answers that a bare OPTIONS (no user in the URI, no credentials) normally gets from a healthy server.
_NORMAL_REFUSALS = {
    401: "it asks for authentication",
    407: "its proxy asks for authentication",
    404: "no user in the request, a normal answer to a bare OPTIONS",
    405: "it does not answer OPTIONS, but it is there",
    420: "it lacks an extension we did not ask for",
    481: "it does not expect this request, but it is there",
    501: "it does not implement OPTIONS, but it is there",
}


def interpret_options(response: SipResponse) -> tuple[CheckStatus, str, str, str]:
    """(status, what it means, what to try, outcome) for a final response to OPTIONS."""
    code = response.status
    if 200 <= code < 300:
        return CheckStatus.PASS, "reachable", "", "reachable"
    if code in _NORMAL_REFUSALS:
        return CheckStatus.PASS, f"reachable; {_NORMAL_REFUSALS[code]}", "", "reachable"
    if 300 <= code < 400:
        where = response.header("contact") or "another address"
        return (
            CheckStatus.WARN,
            f"reachable, but it redirects to {where}",
            "use the address it redirects to",
            "options-redirect",
        )
    if code == 403:
        return (
            CheckStatus.WARN,
            "reachable, but it refuses this address",
            "the provider may accept only your PBX's IP: run the check from the PBX, or allow this IP",
            "options-forbidden",
        )
    if code == 483:
        return (
            CheckStatus.WARN,
            "reachable, but the request looped",
            "check the outbound proxy and the routing",
            "options-loop",
        )
    if code in (480, 503):
        return (
            CheckStatus.WARN,
            "reachable, but the server is unavailable right now",
            "it may be overloaded or in maintenance; try again later",
            "options-unavailable",
        )
    return (
        CheckStatus.WARN,
        "reachable, but it answered with an error",
        "any answer proves the path works; if calls fail, compare the trunk settings with the provider's",
        "options-error",
    )


def _summary(words: str, exchange: Exchange, destination: Destination) -> str:
    response = exchange.response
    text = f"{response.status_line} from {destination.label} in {exchange.rtt_ms:.1f} ms: {words}"
    server = response.header("server")
    agent = response.header("user-agent")
    if server:
        text += f"; Server: {server}"
    elif agent:
        text += f"; User-Agent: {agent}"
    return text


async def check_options(
    target: PreflightTarget, lookups: DnsLookups, *, via_proxy: bool = False, echoes: Echoes | None = None
) -> CheckResult:
    """Send one OPTIONS transaction to the target (or through its outbound proxy) and judge the answer.

    `echoes` hears the answer (or None when there was none) for the NAT check.
    """
    name = "proxy" if via_proxy else "options"
    echo: Echo | None = None
    try:
        result, echo = await _options(target, lookups, name, via_proxy=via_proxy)
    finally:
        if echoes is not None:
            echoes.put(name, echo)  # None when cancelled or crashed: the NAT check must not wait
    return result


async def _options(
    target: PreflightTarget, lookups: DnsLookups, name: str, *, via_proxy: bool
) -> tuple[CheckResult, Echo | None]:
    clock = Stopwatch()
    destination: Destination | None = None
    try:
        path = await find_path(target, lookups, via_proxy=via_proxy)
        destination = path.destination
        async with await open_channel(
            destination, timeout=target.sip_timeout, ca_file=target.ca_file
        ) as channel:
            uri = request_uri(target)
            branch = new_branch()
            from_user = target.username or "trunkwizard"
            request = build_request(
                method="OPTIONS",
                request_uri=uri,
                transport=destination.transport,
                local=channel.local,
                from_uri=f"sip:{from_user}@{format_host(target.host)}",
                to_uri=f"sip:{format_host(target.host)}",
                call_id=f"{new_token()}@trunkwizard",
                from_tag=new_token(6),
                cseq=1,
                branch=branch,
                contact_uri=contact_uri("trunkwizard", channel.local, destination),
                extra_headers=(*path.route_headers, ("Accept", "application/sdp")),
            )
            exchange = await transact(channel, request, branch=branch, timeout=target.sip_timeout)
    except NetworkError as exc:
        return transport_failure(name, exc, destination, clock), None

    status, words, advice, outcome = interpret_options(exchange.response)
    details = [
        f"OPTIONS {uri} sent to {destination.label}",
        f"route: {path.route.description}",
        f"answer: {exchange.response.status_line} after {exchange.rtt_ms:.1f} ms",
    ]
    if exchange.sends > 1:
        details.append(f"sent {exchange.sends} times before the answer (UDP retransmission)")
    if exchange.response.software:
        details.append(f"software: {exchange.response.software}")
    summary = _summary(words, exchange, destination)
    result = CheckResult(name, status, summary, advice, tuple(details), clock.ms, outcome=outcome)
    return result, Echo("OPTIONS", channel.local, exchange.response)
