"""DNS for the preflight with dnspython's async resolver: which SIP records a host has, and the route a
PBX would take to it (RFC 3263: NAPTR, then SRV, then A/AAAA).

Each lookup ends in one of a few outcomes that a technician can act on: the record exists, the name
does not exist (NXDOMAIN), the name exists without that record (NoAnswer), the DNS servers failed or
refused (NoNameservers), or nothing answered in time.
"""

from __future__ import annotations

import asyncio
import enum
import socket
import time
from dataclasses import dataclass

import dns.asyncresolver
import dns.exception
import dns.rdatatype
import dns.resolver

from trunkwizard.errors import NetworkError
from trunkwizard.preflight.model import (
    CheckResult,
    CheckStatus,
    PreflightTarget,
    Transport,
    WireTransport,
    default_port,
    is_ip_address,
)
from trunkwizard.preflight.transport import Destination

__all__ = [
    "DnsLookups",
    "Lookup",
    "NaptrRecord",
    "Outcome",
    "Route",
    "SrvRecord",
    "check_dns",
    "plan_route",
    "srv_name",
]

# NAPTR services a SIP client understands (RFC 3263 4.1), with the transport each one means.
NAPTR_SERVICES: dict[str, WireTransport] = {"SIPS+D2T": "tls", "SIP+D2T": "tcp", "SIP+D2U": "udp"}
SRV_PREFIX: dict[WireTransport, str] = {"udp": "_sip._udp", "tcp": "_sip._tcp", "tls": "_sips._tcp"}


class Outcome(enum.StrEnum):
    FOUND = "found"
    NXDOMAIN = "nxdomain"
    NO_ANSWER = "no-answer"
    NO_NAMESERVERS = "no-nameservers"
    TIMEOUT = "timeout"
    ERROR = "error"


_OUTCOME_WORDS = {
    Outcome.NXDOMAIN: "no such name (NXDOMAIN)",
    Outcome.NO_ANSWER: "none",
    Outcome.NO_NAMESERVERS: "the DNS servers failed or refused to answer (SERVFAIL/REFUSED)",
    Outcome.TIMEOUT: "no answer from the DNS server in time",
}


@dataclass(frozen=True)
class SrvRecord:
    priority: int
    weight: int
    port: int
    target: str

    def __str__(self) -> str:
        return f"{self.target}:{self.port} (priority {self.priority}, weight {self.weight})"


@dataclass(frozen=True)
class NaptrRecord:
    order: int
    preference: int
    flags: str
    service: str
    replacement: str

    def __str__(self) -> str:
        return f"{self.order} {self.preference} {self.flags} {self.service} -> {self.replacement}"


Record = str | SrvRecord | NaptrRecord


@dataclass(frozen=True)
class Lookup:
    """One DNS question and what came back."""

    name: str
    rdtype: str
    outcome: Outcome
    records: tuple[Record, ...] = ()
    error: str = ""

    @property
    def words(self) -> str:
        if self.outcome is Outcome.FOUND:
            ordered: list[Record] = [*self.naptr(), *self.srv()] or list(self.records)
            return ", ".join(str(record) for record in ordered)
        return self.error or _OUTCOME_WORDS[self.outcome]

    def srv(self) -> list[SrvRecord]:
        # A target of "." means "this service is decidedly not available here" (RFC 2782).
        found = [r for r in self.records if isinstance(r, SrvRecord) and r.target not in ("", ".")]
        return sorted(found, key=lambda r: (r.priority, -r.weight, r.target))

    def naptr(self) -> list[NaptrRecord]:
        found = [r for r in self.records if isinstance(r, NaptrRecord)]
        return sorted(found, key=lambda r: (r.order, r.preference))


def srv_name(transport: WireTransport, domain: str) -> str:
    return f"{SRV_PREFIX[transport]}.{domain.rstrip('.')}"


def _record_of(rdata: object, rdtype: str) -> Record:
    if rdtype == "SRV":
        return SrvRecord(
            int(rdata.priority),  # type: ignore[attr-defined]
            int(rdata.weight),  # type: ignore[attr-defined]
            int(rdata.port),  # type: ignore[attr-defined]
            rdata.target.to_text(omit_final_dot=True),  # type: ignore[attr-defined]
        )
    if rdtype == "NAPTR":
        return NaptrRecord(
            int(rdata.order),  # type: ignore[attr-defined]
            int(rdata.preference),  # type: ignore[attr-defined]
            rdata.flags.decode("ascii", "replace"),  # type: ignore[attr-defined]
            rdata.service.decode("ascii", "replace"),  # type: ignore[attr-defined]
            rdata.replacement.to_text(omit_final_dot=True),  # type: ignore[attr-defined]
        )
    return str(rdata.address)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Route:
    """Where a PBX would send SIP for the target, and the DNS steps that led there."""

    destination: Destination
    steps: tuple[str, ...]

    @property
    def description(self) -> str:
        return "; ".join(self.steps)


class DnsLookups:
    """The DNS questions of one preflight run. Answers are shared, so concurrent checks ask each once."""

    def __init__(self, target: PreflightTarget) -> None:
        self.target = target
        self._resolver: dns.asyncresolver.Resolver | None = None
        self._resolver_error = ""
        self._pending: dict[tuple[str, str], asyncio.Task[Lookup]] = {}
        self._addresses: dict[str, asyncio.Task[str]] = {}

    @property
    def server_label(self) -> str:
        if self.target.dns_server:
            return f"{self.target.dns_server}:{self.target.dns_port}"
        return "the system's DNS server"

    def _get_resolver(self) -> dns.asyncresolver.Resolver | None:
        if self._resolver is None and not self._resolver_error:
            try:
                if self.target.dns_server:
                    resolver = dns.asyncresolver.Resolver(configure=False)
                    resolver.nameservers = [self.target.dns_server]
                    resolver.port = self.target.dns_port
                else:
                    resolver = dns.asyncresolver.Resolver()
            except dns.resolver.NoResolverConfiguration:
                self._resolver_error = "no DNS server is configured on this machine (/etc/resolv.conf)"
                return None
            resolver.lifetime = self.target.dns_timeout
            resolver.timeout = min(self.target.dns_timeout, 2.0)
            self._resolver = resolver
        return self._resolver

    async def lookup(self, name: str, rdtype: str) -> Lookup:
        key = (name.lower().rstrip("."), rdtype)
        if key not in self._pending:
            self._pending[key] = asyncio.ensure_future(self._ask(key[0], rdtype))
        return await asyncio.shield(self._pending[key])

    async def _ask(self, name: str, rdtype: str) -> Lookup:
        resolver = self._get_resolver()
        if resolver is None:
            return Lookup(name, rdtype, Outcome.ERROR, error=self._resolver_error)
        try:
            answer = await resolver.resolve(name, rdtype, search=False)
        except dns.resolver.NXDOMAIN:
            return Lookup(name, rdtype, Outcome.NXDOMAIN)
        except dns.resolver.NoAnswer:
            return Lookup(name, rdtype, Outcome.NO_ANSWER)
        except dns.resolver.NoNameservers:
            return Lookup(name, rdtype, Outcome.NO_NAMESERVERS)
        except dns.exception.Timeout:
            return Lookup(
                name,
                rdtype,
                Outcome.TIMEOUT,
                error=f"no answer from {self.server_label} within {self.target.dns_timeout:g} s",
            )
        except dns.exception.DNSException as exc:
            return Lookup(name, rdtype, Outcome.ERROR, error=f"DNS error: {exc}")
        records = tuple(_record_of(rdata, rdtype) for rdata in answer)
        return Lookup(name, rdtype, Outcome.FOUND, records)

    def cancel(self) -> None:
        """Stop lookups nobody waits for any more (the run ended or hit its time limit)."""
        for task in [*self._pending.values(), *self._addresses.values()]:
            if not task.done():
                task.cancel()

    async def address(self, name: str) -> str:
        """One IP address for `name` (IPv4 first). Raises NetworkError saying why there is none."""
        key = name.lower().rstrip(".")
        if key not in self._addresses:
            self._addresses[key] = asyncio.ensure_future(self._address(key))
        return await asyncio.shield(self._addresses[key])

    async def _address(self, name: str) -> str:
        if is_ip_address(name):
            return name
        if not self.target.dns_server:
            return await self._system_address(name)
        lookups = [await self.lookup(name, "A")]
        if not lookups[0].records:
            lookups.append(await self.lookup(name, "AAAA"))
        for lookup in lookups:
            if lookup.records:
                return str(lookup.records[0])
        # Say the most telling reason: a timeout or server failure beats "no record".
        worst = max(lookups, key=lambda item: list(Outcome).index(item.outcome))
        reason = "has no A or AAAA record" if worst.outcome is Outcome.NO_ANSWER else worst.words
        raise NetworkError(f"cannot resolve {name}: {reason}")

    async def _system_address(self, name: str) -> str:
        # Without a test DNS server, resolve as the OS does, so /etc/hosts entries work as for any tool.
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(
                loop.getaddrinfo(name, None, type=socket.SOCK_DGRAM), self.target.dns_timeout
            )
        except TimeoutError as exc:
            raise NetworkError(
                f"cannot resolve {name}: no answer within {self.target.dns_timeout:g} s"
            ) from exc
        except socket.gaierror as exc:
            raise NetworkError(f"cannot resolve {name}: {exc.strerror}") from exc
        infos.sort(key=lambda info: 0 if info[0] == socket.AF_INET else 1)
        return str(infos[0][4][0])


async def plan_route(
    lookups: DnsLookups, host: str, port: int | None, transport: Transport, *, tls_name: str | None = None
) -> Route:
    """The destination a PBX would use for `host` (RFC 3263). Raises NetworkError when there is none.

    Only the single best record is followed: the preflight never walks a list of servers.
    """
    name_for_tls = tls_name or host
    fallback: WireTransport = "udp" if transport == "dnsnaptr" else transport
    if is_ip_address(host):
        wire_port = port or default_port(fallback)
        return Route(Destination(host, wire_port, fallback, name_for_tls), ("IP address, no DNS needed",))
    if port is not None:
        address = await lookups.address(host)
        return Route(
            Destination(address, port, fallback, name_for_tls),
            (f"port {port} given, so no SRV lookup", f"{host} -> {address}"),
        )

    steps: list[str] = []
    candidates: list[tuple[WireTransport, str]]
    if transport == "dnsnaptr":
        naptr = await lookups.lookup(host, "NAPTR")
        usable = [r for r in naptr.naptr() if r.flags.upper() == "S" and r.service.upper() in NAPTR_SERVICES]
        if usable:
            best = usable[0]
            steps.append(f"NAPTR {best.service} -> {best.replacement}")
            candidates = [(NAPTR_SERVICES[best.service.upper()], best.replacement)]
        else:
            steps.append(f"no NAPTR ({naptr.words})")
            candidates = [(wire, srv_name(wire, host)) for wire in ("tls", "tcp", "udp")]
    else:
        candidates = [(transport, srv_name(transport, host))]

    for wire, name in candidates:
        srv = (await lookups.lookup(name, "SRV")).srv()
        if srv:
            best_srv = srv[0]
            address = await lookups.address(best_srv.target)
            steps.append(f"SRV {name} -> {best_srv.target}:{best_srv.port} -> {address}")
            return Route(Destination(address, best_srv.port, wire, name_for_tls), tuple(steps))

    address = await lookups.address(host)
    wire_port = default_port(fallback)
    steps.append(f"no SRV for {fallback.upper()}, so {host} -> {address} port {wire_port}")
    return Route(Destination(address, wire_port, fallback, name_for_tls), tuple(steps))


def _describe_route(route: Route) -> str:
    destination = route.destination
    return f"{destination.transport.upper()} to {destination.address}:{destination.port}"


async def check_dns(target: PreflightTarget, lookups: DnsLookups) -> CheckResult:
    """Which records exist for the host, and what a PBX would use for the chosen transport."""
    started = time.monotonic()

    def result(
        status: CheckStatus,
        summary: str,
        advice: str = "",
        details: list[str] | None = None,
        *,
        outcome: str,
    ) -> CheckResult:
        elapsed = (time.monotonic() - started) * 1000
        return CheckResult("dns", status, summary, advice, tuple(details or ()), elapsed, outcome=outcome)

    host = target.host
    if target.host_is_ip:
        return result(CheckStatus.PASS, "IP address, no DNS needed", outcome="dns-ok")

    questions = [(host, "A"), (host, "AAAA")]
    questions += [(srv_name(wire, host), "SRV") for wire in ("udp", "tcp", "tls")]
    if target.transport == "dnsnaptr":
        questions.append((host, "NAPTR"))
    answers = await asyncio.gather(*(lookups.lookup(name, rdtype) for name, rdtype in questions))
    details = [f"{a.rdtype} {a.name}: {a.words}" for a in answers]
    by_type = {(a.name, a.rdtype): a for a in answers}
    outcomes = {a.outcome for a in answers}

    if Outcome.FOUND not in outcomes and not target.dns_server:
        # Not in DNS, but the OPTIONS resolves as the OS does (/etc/hosts first), so judge the same way.
        local = await _locally_resolved(lookups, host)
        if local is not None:
            address, source = local
            details.append(f"the system resolves {host} to {address} ({source})")
            return result(
                CheckStatus.PASS,
                f"{host} -> {address} from {source}, not from DNS; a PBX must resolve it the same way",
                "",
                details,
                outcome="dns-hosts-file",
            )

    if outcomes == {Outcome.TIMEOUT}:
        return result(
            CheckStatus.FAIL,
            f"no answer from {lookups.server_label} within {target.dns_timeout:g} s",
            "check the DNS servers in /etc/resolv.conf and that this machine can reach them",
            details,
            outcome="dns-timeout",
        )
    if Outcome.FOUND not in outcomes:
        if Outcome.NXDOMAIN in outcomes and outcomes <= {Outcome.NXDOMAIN, Outcome.NO_ANSWER}:
            return result(
                CheckStatus.FAIL,
                f"{host} does not exist in DNS (NXDOMAIN)",
                "check the spelling against the provider's portal; a new name may take time to publish",
                details,
                outcome="dns-nxdomain",
            )
        if outcomes & {Outcome.NO_NAMESERVERS, Outcome.ERROR}:
            return result(
                CheckStatus.FAIL,
                f"the DNS servers could not answer for {host} (SERVFAIL or REFUSED)",
                "try again later; if it persists the provider's DNS is broken or this resolver blocks it",
                details,
                outcome="dns-servfail",
            )
        return result(
            CheckStatus.FAIL,
            f"{host} has no A, AAAA, SRV or NAPTR records",
            "check the host name; the provider's portal shows the SIP domain to use",
            details,
            outcome="dns-no-records",
        )

    try:
        route = await plan_route(lookups, host, target.port, target.transport)
    except NetworkError as exc:
        return result(
            CheckStatus.FAIL,
            exc.message,
            "check the host name and the provider's DNS records",
            details,
            outcome="dns-no-records",
        )
    details.append(f"a PBX would use: {_describe_route(route)} ({route.description})")

    addresses = [str(r) for rdtype in ("A", "AAAA") for r in by_type[(host, rdtype)].records]
    srv_transports = [wire for wire in ("udp", "tcp", "tls") if by_type[(srv_name(wire, host), "SRV")].srv()]
    found = [f"A {', '.join(addresses)}" if addresses else "no A/AAAA"]
    found.append(f"SRV for {'/'.join(t.upper() for t in srv_transports)}" if srv_transports else "no SRV")
    if target.transport == "dnsnaptr":
        found.append("NAPTR" if by_type[(host, "NAPTR")].naptr() else "no NAPTR")
    summary = f"{host} has {'; '.join(found)}; a PBX would use {_describe_route(route)}"

    if target.transport == "dnsnaptr" and not by_type[(host, "NAPTR")].naptr():
        return result(
            CheckStatus.WARN,
            summary,
            "no NAPTR records: a PBX set to DNS NAPTR falls back to SRV and A; pick UDP, TCP or TLS instead",
            details,
            outcome="dns-transport-mismatch",
        )
    if target.transport != "dnsnaptr":
        chosen = by_type[(srv_name(target.transport, host), "SRV")].srv()
        if target.port is None and not chosen and srv_transports:
            return result(
                CheckStatus.WARN,
                summary,
                f"the provider publishes SRV for {'/'.join(srv_transports).upper()} but not for "
                f"{target.transport.upper()}: pick a published transport or enter the port",
                details,
                outcome="dns-transport-mismatch",
            )
        if target.port is not None and chosen and all(r.port != target.port for r in chosen):
            ports = ", ".join(str(r.port) for r in chosen)
            return result(
                CheckStatus.WARN,
                summary,
                f"SRV says port {ports} for {target.transport.upper()}, not {target.port}: "
                "leave the port empty to follow SRV, or check the port",
                details,
                outcome="dns-transport-mismatch",
            )
    return result(CheckStatus.PASS, summary, "", details, outcome="dns-ok")


def _in_hosts_file(host: str, path: str = "/etc/hosts") -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as hosts:
            lines = hosts.read().splitlines()
    except OSError:
        return False
    wanted = host.lower().rstrip(".")
    return any(wanted in (name.lower() for name in line.split("#", 1)[0].split()[1:]) for line in lines)


async def _locally_resolved(lookups: DnsLookups, host: str) -> tuple[str, str] | None:
    """(address, where from) when the system resolver knows `host` although DNS does not."""
    try:
        address = await lookups.address(host)
    except NetworkError:
        return None
    return address, "/etc/hosts" if _in_hosts_file(host) else "the system resolver"
