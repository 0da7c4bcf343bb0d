"""The REGISTER check: does the registrar accept the username and password? Then unregister.

Run only when the user asked for it and confirmed. The password is judged once, never in a loop:
Yeastar and many SBCs block an address after a few failed logins. What a softphone does is done too:
a `stale=true` challenge (the nonce expired, RFC 7616 3.3) is answered with the new nonce, and a 423
Interval Too Brief is retried once with the registrar's Min-Expires (RFC 3261 10.2.8). The test binding
lives 60 s (or the asked minimum) and is removed again at once (same Call-ID, next CSeq, Expires: 0, the
same Contact; never `*`, which would also remove the PBX's own registration).
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
from trunkwizard.preflight.nat import Echo, Echoes
from trunkwizard.preflight.transport import Channel, Destination, NoAnswer, open_channel, transact

__all__ = ["MAX_BINDING_SECONDS", "TEST_BINDING_SECONDS", "check_register"]

TEST_BINDING_SECONDS = 60
# A Min-Expires above this is not followed: the test binding must not outlive the check by much.
MAX_BINDING_SECONDS = 3600
# Stale nonces answered per request before giving up (a registrar whose nonces are always stale).
_STALE_RETRIES = 2


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
    last_had_credentials: bool = False
    stale_answered: int = 0
    log: list[str] = field(default_factory=list)

    @property
    def uri(self) -> str:
        return request_uri(self.target)

    @property
    def contact(self) -> str:
        return contact_uri(self.username, self.channel.local, self.path.destination)

    async def send(self, *, expires: int, label: str) -> SipResponse:
        self.cseq += 1
        branch = new_branch()
        aor = f"sip:{self.username}@{format_host(self.target.host)}"
        headers: list[tuple[str, str]] = [*self.path.route_headers, ("Expires", str(expires))]
        self.last_had_credentials = self.challenge is not None
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
            contact_uri=self.contact,
            extra_headers=headers,
        )
        exchange = await transact(self.channel, request, branch=branch, timeout=self.target.sip_timeout)
        self.log.append(f"{label} (CSeq {self.cseq}, Expires: {expires}) -> {exchange.response.status_line}")
        return exchange.response

    def take_challenge(self, challenge: DigestChallenge) -> None:
        self.challenge = challenge
        self.nonce_count = 0
        qop = f", qop {'/'.join(challenge.qop)}" if challenge.qop else ", no qop"
        stale = "; stale=true: the nonce expired, so the new one is answered" if challenge.stale else ""
        self.log.append(f"challenge: Digest {challenge.algorithm}{qop}, realm {challenge.realm!r}{stale}")

    async def send_authenticated(self, *, expires: int, label: str, accepted: bool = False) -> SipResponse:
        """Send, answering challenges as a softphone does, without ever trying the password twice.

        A challenge to a request without credentials is answered. A challenge right after our
        credentials means they were refused, and is returned, unless it says stale=true (the nonce
        expired: answered again, a few times at most) or `accepted` says the registrar already took
        this password (the unregister, a 423 retry), when one fresh challenge is answered.
        """
        response = await self.send(expires=expires, label=label)
        fresh_left = 1 if accepted else 0
        stale_left = _STALE_RETRIES
        while response.status in (401, 407):
            challenge = choose_challenge(response)
            if challenge is None:
                return response
            if self.last_had_credentials:
                if challenge.stale and stale_left > 0:
                    stale_left -= 1
                    self.stale_answered += 1
                elif not challenge.stale and fresh_left > 0:
                    fresh_left -= 1
                else:
                    return response
            self.take_challenge(challenge)
            response = await self.send(expires=expires, label=f"{label} with credentials")
        return response


_CAREFUL = "Some PBXs block an address after a few failed logins, so do not retry blindly."
_AUTH_ID_WORDS = ("auth id", "auth-id", "authid", "auth name", "auth user", "aor", "not allowed for")


def _rejection(registration: _Registration, response: SipResponse) -> tuple[str, str, str]:
    """(summary, advice, outcome) when the registrar did not accept the REGISTER."""
    line = response.status_line
    username = registration.username
    auth_id = registration.target.auth_username
    challenged = registration.challenge is not None
    if response.status in (401, 407):
        if not challenged:
            return (
                f"the registrar asked for an authentication trunkwizard cannot answer ({line})",
                "ask the provider which auth it needs",
                "auth-unsupported",
            )
        challenge = choose_challenge(response)
        if challenge is not None and challenge.stale:
            return (
                f"the registrar called its own new nonce stale again ({line}); the password was not judged",
                "",
                "stale-again",
            )
        return (
            f"rejected: wrong password or auth ID (the registrar asked again after the password: {line})",
            f"check the username, auth ID and password in the provider's portal. {_CAREFUL}",
            "auth-rejected",
        )
    if response.status == 403:
        if not challenged:
            return (
                f"refused before any password was asked for ({line}): an IP allowlist or a suspended "
                "account, not the password",
                "",
                "forbidden-no-challenge",
            )
        reason = response.reason.lower()
        names_auth_id = any(words in reason for words in _AUTH_ID_WORDS)
        if names_auth_id or (auth_id and auth_id != username and "password" not in reason):
            return (
                f"rejected: the registrar does not let auth ID {auth_id or username} register user "
                f"{username} ({line})",
                "",
                "auth-id-refused",
            )
        return (
            f"rejected: wrong password or auth ID ({line})",
            f"check the username, auth ID and password in the provider's portal. {_CAREFUL}",
            "auth-rejected",
        )
    if response.status == 404:
        return (
            f"rejected: the registrar does not know user {username} ({line})",
            "check the username and that the host is the registrar domain the provider gave",
            "user-not-found",
        )
    if response.status == 423:
        minimum = _min_expires(response)
        if minimum is not None and minimum > MAX_BINDING_SECONDS:
            why = f"a test binding is not kept above {MAX_BINDING_SECONDS} s, so not asked again"
        elif minimum is None:
            why = "it names no usable Min-Expires, so not asked again"
        else:
            why = "it refused that too"
        return (
            f"the registrar wants registrations of at least {response.header('min-expires') or '?'} s "
            f"({line}); {why}",
            "",
            "interval-too-brief",
        )
    if 500 <= response.status < 700:
        return (
            f"the registrar could not handle the REGISTER ({line})",
            "try again later, or ask the provider",
            "server-error",
        )
    return (
        f"not accepted ({line})",
        "check the trunk settings against the provider's portal",
        "register-other",
    )


def _min_expires(response: SipResponse) -> int | None:
    value = (response.header("min-expires") or "").strip()
    return int(value) if value.isdigit() else None


async def _unregister(registration: _Registration) -> tuple[bool, str]:
    try:
        response = await registration.send_authenticated(expires=0, label="unregister", accepted=True)
    except NoAnswer:
        return False, "no answer to the unregister"
    except NetworkError as exc:
        return False, f"the unregister failed: {exc.message}"
    if 200 <= response.status < 300:
        return True, "unregistered again"
    return False, f"the unregister got {response.status_line}"


async def _register(registration: _Registration) -> tuple[SipResponse, int]:
    """The REGISTER, retried once with the registrar's Min-Expires after a 423; (answer, expires used)."""
    expires = TEST_BINDING_SECONDS
    response = await registration.send_authenticated(expires=expires, label="REGISTER")
    minimum = _min_expires(response) if response.status == 423 else None
    if minimum is None or not expires < minimum <= MAX_BINDING_SECONDS:
        return response, expires
    registration.log.append(f"423: the registrar wants at least {minimum} s, so asking again for {minimum} s")
    accepted = registration.last_had_credentials  # a 423 after the digest: the password was good
    response = await registration.send_authenticated(expires=minimum, label="REGISTER", accepted=accepted)
    return response, minimum


async def check_register(
    target: PreflightTarget, lookups: DnsLookups, *, echoes: Echoes | None = None
) -> CheckResult:
    """REGISTER with digest credentials, say in plain words whether they were accepted, then unregister.

    `echoes` hears the 2xx answer (with our Contact) for the NAT check, or None.
    """
    echo: Echo | None = None
    try:
        result, echo = await _check_register(target, lookups)
    finally:
        if echoes is not None:
            echoes.put("register", echo)
    return result


async def _check_register(target: PreflightTarget, lookups: DnsLookups) -> tuple[CheckResult, Echo | None]:
    clock = Stopwatch()
    if not target.username or target.password is None:
        return CheckResult("register", CheckStatus.FAIL, "no username or password to register with"), None
    username = target.username
    destination: Destination | None = None
    echo: Echo | None = None
    try:
        path = await find_path(target, lookups, via_proxy=bool(target.proxy))
        destination = path.destination
        async with await open_channel(
            destination, timeout=target.sip_timeout, ca_file=target.ca_file
        ) as channel:
            registration = _Registration(target, path, channel, username, target.password)
            response, expires = await _register(registration)
            accepted = 200 <= response.status < 300
            if accepted:
                echo = Echo("REGISTER", channel.local, response, registration.contact)
            unregistered, unregister_words = await _unregister(registration) if accepted else (False, "")
    except NetworkError as exc:
        return transport_failure("register", exc, destination, clock), echo

    details = [f"REGISTER {registration.uri} as {username}, sent to {destination.label}", *registration.log]
    if not accepted:
        summary, advice, outcome = _rejection(registration, response)
        return (
            CheckResult(
                "register", CheckStatus.FAIL, summary, advice, tuple(details), clock.ms, outcome=outcome
            ),
            echo,
        )

    how = "accepted (200 OK)" if response.status == 200 else f"accepted ({response.status_line})"
    advice = ""
    outcome = "registered"
    if registration.challenge is None:
        how += " without asking for a password"
        outcome = "registered-without-auth"
    if expires != TEST_BINDING_SECONDS:
        how += f" for {expires} s, the registrar's minimum (423 to {TEST_BINDING_SECONDS} s)"
        advice = f"the PBX's registration interval must be {expires} s or more"
    if registration.stale_answered:
        how += " after renewing a stale nonce"
    if unregistered:
        summary = f"user {username}: {how}; {unregister_words}"
        return (
            CheckResult(
                "register", CheckStatus.PASS, summary, advice, tuple(details), clock.ms, outcome=outcome
            ),
            echo,
        )
    return (
        CheckResult(
            "register",
            CheckStatus.WARN,
            f"user {username}: {how}, but {unregister_words}",
            f"harmless: the test registration expires by itself within {expires} s",
            tuple(details),
            clock.ms,
            outcome=outcome,
        ),
        echo,
    )
