"""The REGISTER check: does the registrar accept the username and password? Then unregister.

Run only when the user asked for it and confirmed. One attempt with credentials, never a loop:
Yeastar and many SBCs block an address after a few failed logins. The test binding lives 60 s at most
and is removed again at once (same Call-ID, next CSeq, Expires: 0, the same Contact; never `*`,
which would also remove the PBX's own registration).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr

from trunkwizard.errors import NetworkError
from trunkwizard.preflight.common import (
    Path,
    Stopwatch,
    contact_uri,
    find_path,
    request_uri,
    transport_failure,
)
from trunkwizard.preflight.digest import DigestChallenge, authorization, choose_challenge
from trunkwizard.preflight.dns import DnsLookups
from trunkwizard.preflight.message import SipResponse, build_request, format_host, new_branch, new_token
from trunkwizard.preflight.model import CheckResult, CheckStatus, PreflightTarget
from trunkwizard.preflight.transport import Channel, Destination, NoAnswer, open_channel, transact

__all__ = ["TEST_BINDING_SECONDS", "check_register"]

TEST_BINDING_SECONDS = 60


@dataclass
class _Registration:
    """One REGISTER dialog-like sequence: fixed Call-ID, From tag and Contact, growing CSeq."""

    target: PreflightTarget
    path: Path
    channel: Channel
    username: str
    password: SecretStr
    call_id: str = field(default_factory=lambda: f"{new_token()}@trunkwizard")
    from_tag: str = field(default_factory=lambda: new_token(6))
    cseq: int = 0
    nonce_count: int = 0
    challenge: DigestChallenge | None = None
    log: list[str] = field(default_factory=list)

    @property
    def uri(self) -> str:
        return request_uri(self.target)

    async def send(self, *, expires: int, label: str) -> SipResponse:
        self.cseq += 1
        branch = new_branch()
        aor = f"sip:{self.username}@{format_host(self.target.host)}"
        headers: list[tuple[str, str]] = [*self.path.route_headers, ("Expires", str(expires))]
        if self.challenge is not None:
            self.nonce_count += 1
            value = authorization(
                self.challenge,
                method="REGISTER",
                uri=self.uri,
                username=self.target.auth_username or self.username,
                password=self.password,
                nc=self.nonce_count,
            )
            headers.append((self.challenge.reply_header, value))
        request = build_request(
            method="REGISTER",
            request_uri=self.uri,
            transport=self.path.destination.transport,
            local=self.channel.local,
            from_uri=aor,
            to_uri=aor,
            call_id=self.call_id,
            from_tag=self.from_tag,
            cseq=self.cseq,
            branch=branch,
            contact_uri=contact_uri(self.username, self.channel.local, self.path.destination),
            extra_headers=headers,
        )
        exchange = await transact(self.channel, request, branch=branch, timeout=self.target.sip_timeout)
        self.log.append(f"{label} (CSeq {self.cseq}, Expires: {expires}) -> {exchange.response.status_line}")
        return exchange.response

    def take_challenge(self, response: SipResponse) -> bool:
        challenge = choose_challenge(response)
        if challenge is None:
            return False
        self.challenge = challenge
        self.nonce_count = 0
        qop = f", qop {'/'.join(challenge.qop)}" if challenge.qop else ", no qop"
        self.log.append(f"challenge: Digest {challenge.algorithm}{qop}, realm {challenge.realm!r}")
        return True

    async def send_authenticated(self, *, expires: int, label: str) -> SipResponse:
        """Send; when challenged, answer the challenge once. Never more: no loops on auth failures."""
        response = await self.send(expires=expires, label=label)
        if response.status in (401, 407) and self.take_challenge(response):
            response = await self.send(expires=expires, label=f"{label} with credentials")
        return response


def _rejection(response: SipResponse, username: str) -> tuple[str, str]:
    """(summary, advice) when the registrar did not accept the credentials."""
    line = response.status_line
    careful = "Some PBXs block an address after a few failed logins, so do not retry blindly."
    if response.status in (401, 403, 407):
        return (
            f"rejected: wrong username or password ({line})",
            f"check the username/auth ID and the password in the provider's portal. {careful}",
        )
    if response.status == 404:
        return (
            f"rejected: the registrar does not know user {username} ({line})",
            "check the username and that the host is the registrar domain the provider gave",
        )
    if response.status == 423:
        return (
            f"the registrar wants a longer registration ({line}, "
            f"Min-Expires {response.header('min-expires')})",
            "the credentials were not tested; the trunk's registration interval must be at least that",
        )
    if 500 <= response.status < 700:
        return f"the registrar could not handle the REGISTER ({line})", "try again later, or ask the provider"
    return f"not accepted ({line})", "check the trunk settings against the provider's portal"


async def _unregister(registration: _Registration) -> tuple[bool, str]:
    try:
        response = await registration.send_authenticated(expires=0, label="unregister")
    except NoAnswer:
        return False, "no answer to the unregister"
    except NetworkError as exc:
        return False, f"the unregister failed: {exc.message}"
    if 200 <= response.status < 300:
        return True, "unregistered again"
    return False, f"the unregister got {response.status_line}"


async def check_register(target: PreflightTarget, lookups: DnsLookups) -> CheckResult:
    """REGISTER with digest credentials, say in plain words whether they were accepted, then unregister."""
    clock = Stopwatch()
    if not target.username or target.password is None:
        return CheckResult(
            "register", CheckStatus.FAIL, "no username or password to register with", "", (), 0.0
        )
    username = target.username
    destination: Destination | None = None
    try:
        path = await find_path(target, lookups, via_proxy=bool(target.proxy))
        destination = path.destination
        async with await open_channel(
            destination, timeout=target.sip_timeout, ca_file=target.ca_file
        ) as channel:
            registration = _Registration(target, path, channel, username, target.password)
            response = await registration.send_authenticated(expires=TEST_BINDING_SECONDS, label="REGISTER")
            accepted = 200 <= response.status < 300
            unregistered, unregister_words = await _unregister(registration) if accepted else (False, "")
    except NetworkError as exc:
        return transport_failure("register", exc, destination, clock)

    details = [f"REGISTER {registration.uri} as {username}, sent to {destination.label}", *registration.log]
    if not accepted:
        if response.status in (401, 407) and registration.challenge is None:
            summary = (
                "the registrar asked for an authentication scheme trunkwizard cannot answer "
                f"({response.status_line})"
            )
            return CheckResult(
                "register",
                CheckStatus.FAIL,
                summary,
                "ask the provider which auth it needs",
                tuple(details),
                clock.ms,
            )
        summary, advice = _rejection(response, username)
        return CheckResult("register", CheckStatus.FAIL, summary, advice, tuple(details), clock.ms)

    how = "accepted (200 OK)" if response.status == 200 else f"accepted ({response.status_line})"
    if registration.challenge is None:
        how += " without asking for a password"
    if unregistered:
        return CheckResult(
            "register",
            CheckStatus.PASS,
            f"user {username}: {how}; {unregister_words}",
            "",
            tuple(details),
            clock.ms,
        )
    return CheckResult(
        "register",
        CheckStatus.WARN,
        f"user {username}: {how}, but {unregister_words}",
        f"harmless: the test registration expires by itself within {TEST_BINDING_SECONDS} s",
        tuple(details),
        clock.ms,
    )
