"""NAT and SIP ALG, judged from what the registrar echoes back (RFC 3261 18.2.1, RFC 3581).

A server writes the address a request really came from into the top Via of its answer: `received`
(the source IP, when it differs from the Via host) and `rport` (the source port, when asked for). Against
the address this machine sent from, that shows NAT and the public address the provider sees. The Via
sent-by itself must come back exactly as written; when it does not, something on the way rewrote it,
which is what a SIP ALG does. A REGISTER's 200 OK lists the stored Contacts: ours missing, with another
in its place, is the same sign.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from trunkwizard.preflight.message import SipResponse, format_host
from trunkwizard.preflight.model import CheckResult, CheckStatus

__all__ = ["Echo", "Echoes", "ViaEcho", "check_nat", "read_top_via"]


@dataclass(frozen=True)
class Echo:
    """One request as sent (our socket address, our Via sent-by, our Contact) and the answer it got."""

    method: str
    local: tuple[str, int]
    response: SipResponse
    contact: str | None = None

    @property
    def sent_by(self) -> str:
        return f"{format_host(self.local[0])}:{self.local[1]}"


@dataclass(frozen=True)
class ViaEcho:
    sent_by: str
    received: str | None
    rport: int | None


def read_top_via(response: SipResponse) -> ViaEcho | None:
    """The top Via's sent-by, `received` and `rport`, or None when the answer has no readable Via."""
    via = response.header("via")
    if not via:
        return None
    head, *params = via.split(";")
    parts = head.split()
    if len(parts) != 2:
        return None
    values: dict[str, str] = {}
    for param in params:
        key, _, value = param.strip().partition("=")
        values[key.lower()] = value.strip()
    rport = values.get("rport", "")
    sent_by = parts[1]
    if ":" not in sent_by.rsplit("]", 1)[-1]:
        sent_by += ":5060"
    return ViaEcho(sent_by, values.get("received") or None, int(rport) if rport.isdigit() else None)


_CONTACT_URI = re.compile(r"<([^>]+)>|^\s*([^;,\s]+)")


def _contact_address(uri: str) -> str:
    """`user@host:port` of a SIP URI, without scheme and parameters, lower case."""
    value = uri.split(":", 1)[1] if uri.lower().startswith(("sip:", "sips:")) else uri
    return value.split(";", 1)[0].lower()


def _stored_contacts(response: SipResponse) -> list[str]:
    found: list[str] = []
    for header in response.all_headers("contact"):
        for item in re.split(r",(?![^<]*>)", header):
            match = _CONTACT_URI.search(item)
            if match:
                found.append(_contact_address(match.group(1) or match.group(2)))
    return found


class Echoes:
    """The answers the OPTIONS and REGISTER checks got, handed to the NAT check as they come in."""

    def __init__(self, names: list[str]) -> None:
        loop = asyncio.get_running_loop()
        self._waiting: dict[str, asyncio.Future[Echo | None]] = {name: loop.create_future() for name in names}

    def put(self, name: str, echo: Echo | None) -> None:
        future = self._waiting.get(name)
        if future is not None and not future.done():
            future.set_result(echo)

    async def all(self) -> list[Echo]:
        results = await asyncio.gather(*self._waiting.values())
        return [echo for echo in results if echo is not None]


def _judge(echoes: list[Echo]) -> tuple[list[str], list[str], tuple[str, int] | None, tuple[str, int]]:
    """(ALG signs, details, the public address seen, our local address)."""
    signs: list[str] = []
    details: list[str] = []
    public: tuple[str, int] | None = None
    local = echoes[0].local
    for echo in echoes:
        via = read_top_via(echo.response)
        if via is None:
            continue
        host, _, port = via.sent_by.rpartition(":")
        details.append(
            f"{echo.method}: sent Via {echo.sent_by}, echoed {via.sent_by}"
            + (f" received={via.received}" if via.received else "")
            + (f" rport={via.rport}" if via.rport is not None else "")
        )
        if via.sent_by.lower() != echo.sent_by.lower():
            signs.append(f"the Via sent as {echo.sent_by} came back as {via.sent_by}")
        seen_host = via.received or host.strip("[]")
        seen_port = via.rport if via.rport is not None else int(port) if port.isdigit() else echo.local[1]
        if public is None:
            public, local = (seen_host, seen_port), echo.local
        if echo.contact and 200 <= echo.response.status < 300:
            stored = _stored_contacts(echo.response)
            ours = _contact_address(echo.contact)
            # A registrar that fixes NAT itself (Asterisk rewrite_contact) stores the address it saw.
            seen = f"@{format_host(seen_host)}:{seen_port}".lower()
            if stored and ours not in stored and not any(contact.endswith(seen) for contact in stored):
                signs.append(f"the Contact sent as {ours} was stored as {', '.join(stored)}")
            details.append(f"{echo.method}: sent Contact {ours}, stored {', '.join(stored) or 'none listed'}")
    return signs, details, public, local


async def check_nat(echoes: Echoes) -> CheckResult:
    """What the answers say about NAT between here and the registrar, and about a SIP ALG on the way."""
    heard = await echoes.all()
    if not heard:
        return CheckResult(
            "nat", CheckStatus.SKIP, "not judged: no SIP answer to read", outcome="nat-unknown"
        )
    signs, details, public, local = _judge(heard)
    if public is None:
        return CheckResult(
            "nat", CheckStatus.SKIP, "not judged: the answer carried no readable Via", outcome="nat-unknown"
        )
    public_text = f"{format_host(public[0])}:{public[1]}"
    local_text = f"{format_host(local[0])}:{local[1]}"
    behind_nat = public != local
    if signs:
        external = f"; then set the PBX's external address to {public[0]}" if behind_nat else ""
        return CheckResult(
            "nat",
            CheckStatus.WARN,
            f"SIP ALG suspected: {'; '.join(signs)}",
            "turn off SIP ALG (SIP helper) on the router or firewall, or use TCP/TLS or a port other "
            f"than 5060{external}",
            tuple(details),
            outcome="alg-suspected",
        )
    if behind_nat:
        return CheckResult(
            "nat",
            CheckStatus.WARN,
            f"behind NAT: the registrar sees this machine as {public_text} (it sent from {local_text})",
            f"on the PBX, set the external address to {public[0]} and list the local networks; "
            "keep the mapping open with qualify/keep-alive",
            tuple(details),
            outcome="nat",
        )
    return CheckResult(
        "nat",
        CheckStatus.PASS,
        f"no NAT or SIP ALG seen: the registrar saw {local_text}, as sent",
        "",
        tuple(details),
        outcome="no-nat",
    )
