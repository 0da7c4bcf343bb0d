"""What a preflight is asked to check (`PreflightTarget`) and what each check found (`CheckResult`)."""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, get_args

from pydantic import SecretStr

from trunkwizard.errors import Problem, ValidationFailed
from trunkwizard.preflight.explain import Explanation, explain
from trunkwizard.redact import redact, register_secret

__all__ = [
    "CHECK_TITLES",
    "CheckResult",
    "CheckStatus",
    "PreflightTarget",
    "Transport",
    "WireTransport",
    "default_port",
    "is_ip_address",
    "split_host_port",
]

Transport = Literal["udp", "tcp", "tls", "dnsnaptr"]
"""What the user picks: a wire transport, or `dnsnaptr` to let DNS (RFC 3263) decide, as Yeastar offers."""

WireTransport = Literal["udp", "tcp", "tls"]

TRANSPORTS: tuple[str, ...] = get_args(Transport)

CHECK_TITLES = {
    "dns": "DNS",
    "options": "SIP OPTIONS",
    "proxy": "OPTIONS via outbound proxy",
    "paths": "Proxy vs direct",
    "register": "REGISTER",
    "nat": "NAT / SIP ALG",
}

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$"
)


class CheckStatus(enum.StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"
    """Nothing to judge: another check failed first (e.g. NAT needs an answer to read)."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: a status, one line saying what was found, one line saying what to try.

    `outcome` is a stable key into the explanation table (`preflight.explain.OUTCOMES`): the likely
    causes, and the next step when the check gave no more specific `advice`. `hints` are the provider's
    own words for that outcome (`with_hints`).
    """

    name: str
    status: CheckStatus
    summary: str
    advice: str = ""
    details: tuple[str, ...] = ()
    elapsed_ms: float = 0.0
    outcome: str = ""
    hints: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Last line of defence: whatever a check wrote, a registered secret never leaves in a result.
        explanation = self.explanation
        advice = self.advice
        if not advice and explanation is not None and self.status is not CheckStatus.PASS:
            advice = explanation.next_step
        object.__setattr__(self, "summary", redact(self.summary))
        object.__setattr__(self, "advice", redact(advice))
        object.__setattr__(self, "details", tuple(redact(line) for line in self.details))
        object.__setattr__(self, "hints", tuple(redact(line) for line in self.hints))

    @property
    def explanation(self) -> Explanation | None:
        return explain(self.outcome) if self.outcome else None

    @property
    def causes(self) -> tuple[str, ...]:
        """The likely causes, most likely first (empty for an outcome that needs no explaining)."""
        explanation = self.explanation
        return explanation.causes if explanation else ()

    def with_hints(self, hints: Mapping[str, str | Sequence[str]]) -> CheckResult:
        """This result with the provider's hints for its outcome (a provider's `sip_hints`)."""
        found = hints.get(self.outcome) if self.outcome else None
        if not found:
            return self
        extra = (found,) if isinstance(found, str) else tuple(found)
        return replace(self, hints=(*self.hints, *extra))

    @property
    def title(self) -> str:
        return CHECK_TITLES.get(self.name, self.name)

    @property
    def failed(self) -> bool:
        return self.status is CheckStatus.FAIL

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status.value,
            "summary": self.summary,
            "advice": self.advice,
            "details": list(self.details),
            "elapsed_ms": round(self.elapsed_ms, 1),
            "outcome": self.outcome,
            "causes": list(self.causes),
            "next_step": self.explanation.next_step if self.explanation else "",
            "hints": list(self.hints),
        }


def is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def default_port(transport: WireTransport) -> int:
    return 5061 if transport == "tls" else 5060


def split_host_port(text: str) -> tuple[str, int | None]:
    """`host`, `host:port`, `[v6]:port` or a bare IPv6 address; a leading `sip:` and `;params` are dropped."""
    value = text.strip()
    if value.lower().startswith(("sip:", "sips:")):
        value = value.split(":", 1)[1]
    value = value.split(";", 1)[0]
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
        if rest and not rest.startswith(":"):
            raise ValueError(f"cannot read {text!r} as host[:port]")
    elif value.count(":") == 1:
        host, port_text = value.split(":")
    else:
        host, port_text = value, ""
    if not port_text:
        return host, None
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise ValueError(f"the port in {text!r} must be a number from 1 to 65535")
    return host, int(port_text)


def _host_problem(field_name: str, host: str) -> Problem | None:
    if not host:
        return Problem(field_name, "enter a host name or IP address, e.g. pbx.example.com")
    if is_ip_address(host) or _HOSTNAME.match(host):
        return None
    return Problem(field_name, f"{host!r} is not a host name or IP address (no scheme, no spaces, no port)")


@dataclass(frozen=True)
class PreflightTarget:
    """Everything the checks need. Built by the wizard's review/result screens and by `trunkwizard check`.

    `register=True` means the caller already asked the user to confirm the REGISTER; it names
    `username` in From/To and answers the digest challenge as `auth_username` (else `username`).
    `dns_server`/`dns_port` override the system resolver (tests point them at a local server).
    """

    host: str
    port: int | None = None
    transport: Transport = "udp"
    proxy: str | None = None
    ca_file: str | None = None
    username: str | None = None
    password: SecretStr | None = field(default=None, repr=False)
    register: bool = False
    # The digest user when the trunk's auth ID differs from its username (Yeastar auth_name).
    auth_username: str | None = None
    sip_timeout: float = 3.0
    dns_timeout: float = 3.0
    overall_timeout: float = 10.0
    dns_server: str | None = None
    dns_port: int = 53

    def __post_init__(self) -> None:
        host = self.host.strip()
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        object.__setattr__(self, "host", host)
        if self.password is not None:
            register_secret(self.password.get_secret_value())
        problems = self._problems()
        if problems:
            raise ValidationFailed(problems)

    def _problems(self) -> list[Problem]:
        problems: list[Problem] = []
        host_problem = _host_problem("host", self.host)
        if host_problem:
            problems.append(host_problem)
        if self.port is not None and not 1 <= self.port <= 65535:
            problems.append(Problem("port", "the port must be a number from 1 to 65535"))
        if self.transport not in TRANSPORTS:
            problems.append(Problem("transport", f"the transport must be one of {', '.join(TRANSPORTS)}"))
        if self.proxy:
            try:
                proxy_host, _ = split_host_port(self.proxy)
            except ValueError as exc:
                problems.append(Problem("proxy", str(exc)))
            else:
                proxy_problem = _host_problem("proxy", proxy_host)
                if proxy_problem:
                    problems.append(proxy_problem)
        if self.register:
            if not self.username:
                problems.append(Problem("username", "a REGISTER needs the SIP username"))
            if self.password is None or not self.password.get_secret_value():
                problems.append(Problem("password", "a REGISTER needs the SIP password"))
        for name in ("sip_timeout", "dns_timeout", "overall_timeout"):
            if getattr(self, name) <= 0:
                problems.append(Problem(name, "the time limit must be more than 0 seconds"))
        if self.dns_server is not None and not is_ip_address(self.dns_server):
            problems.append(Problem("dns_server", "the DNS server must be an IP address"))
        return problems

    @property
    def host_is_ip(self) -> bool:
        return is_ip_address(self.host)

    @property
    def proxy_host_port(self) -> tuple[str, int | None] | None:
        return split_host_port(self.proxy) if self.proxy else None
