"""The SIP check against Kamailio, a registrar nobody here wrote, on 127.0.0.1 over UDP, TCP and TLS,
with MD5 (no qop) and SHA-256 (qop=auth, one-time nonces): every outcome reported as what it is, with
its explanation. The scenarios are users of tests/data/kamailio/registrar.cfg."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pydantic import SecretStr

from tests.support.canary import CANARY
from tests.support.dns_server import DnsRecords, LocalDns
from tests.support.kamailio import Kamailio
from tests.support.sip import ALG_PUBLIC, SipPeers
from trunkwizard.preflight import CheckResult, CheckStatus, PreflightTarget, run_checks

pytestmark = pytest.mark.kamailio

TRANSPORTS = ["udp", "tcp", "tls"]
WRONG = "not-the-password-at-all"


def _target(kamailio: Kamailio, transport: str, **fields: object) -> PreflightTarget:
    fields.setdefault("host", "127.0.0.1")
    fields.setdefault("sip_timeout", 2.0)
    return PreflightTarget(
        port=kamailio.port(transport),
        transport=transport,  # type: ignore[arg-type]
        ca_file=str(kamailio.ca_file),
        **fields,  # type: ignore[arg-type]
    )


async def _register(
    kamailio: Kamailio, transport: str, user: str, password: str = CANARY, auth_user: str | None = None
) -> dict[str, CheckResult]:
    target = _target(
        kamailio,
        transport,
        username=user,
        auth_username=auth_user,
        password=SecretStr(password),
        register=True,
    )
    return {result.name: result for result in await run_checks(target)}


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_options_reaches_kamailio_and_sees_no_nat_on_loopback(
    kamailio: Kamailio, transport: str
) -> None:
    results = {r.name: r for r in await run_checks(_target(kamailio, transport))}

    options = results["options"]
    assert options.status is CheckStatus.PASS, options
    assert options.summary.startswith(f"200 OK from 127.0.0.1:{kamailio.port(transport)}/{transport} in ")
    assert options.summary.endswith("reachable; Server: trunkwizard-test-registrar")
    assert options.outcome == "reachable"
    nat = results["nat"]
    assert (nat.status, nat.outcome) == (CheckStatus.PASS, "no-nat"), nat
    assert nat.summary.startswith("no NAT or SIP ALG seen: the registrar saw 127.0.0.1:")


@dataclass(frozen=True)
class Accepted:
    user: str
    auth_user: str | None
    summary: str
    binding: str  # the Expires the registrar saved the binding with


ACCEPTED = [
    Accepted("alice", None, "user alice: accepted (200 OK); unregistered again", "60"),
    Accepted("6701", "6701auth", "user 6701: accepted (200 OK); unregistered again", "60"),
    Accepted("proxied", None, "user proxied: accepted (200 OK); unregistered again", "60"),
    Accepted(
        "longreg",
        None,
        "user longreg: accepted (200 OK) for 120 s, the registrar's minimum (423 to 60 s); "
        "unregistered again",
        "120",
    ),
    Accepted(
        "stale", None, "user stale: accepted (200 OK) after renewing a stale nonce; unregistered again", "60"
    ),
]


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("case", ACCEPTED, ids=lambda case: case.user)
async def test_accepted_registrations_are_bound_then_removed(
    kamailio: Kamailio, transport: str, case: Accepted
) -> None:
    results = await _register(kamailio, transport, case.user, auth_user=case.auth_user)

    register = results["register"]
    assert register.status is CheckStatus.PASS, register
    assert register.summary == case.summary
    assert register.outcome == "registered"
    # The registrar really stored the binding, then really removed it (Expires: 0), and holds none now.
    saved = kamailio.logged(rf"SAVED aor=sip:{case.user}@", at_least=2)
    assert [line.split("expires=")[1].split()[0] for line in saved] == [case.binding, "0"]
    assert kamailio.bindings(case.user) == []
    assert results["nat"].outcome == "no-nat", results["nat"]
    assert CANARY not in repr(results)


async def test_407_is_answered_with_proxy_authorization(kamailio: Kamailio) -> None:
    results = await _register(kamailio, "udp", "proxied")

    assert results["register"].status is CheckStatus.PASS
    assert any("-> 407 " in line for line in results["register"].details)


async def test_423_is_retried_once_with_min_expires(kamailio: Kamailio) -> None:
    register = (await _register(kamailio, "udp", "longreg"))["register"]

    assert [line for line in register.details if "REGISTER" in line and "->" in line][:3] == [
        "REGISTER (CSeq 1, Expires: 60) -> 401 Unauthorized",
        "REGISTER with credentials (CSeq 2, Expires: 60) -> 423 Interval Too Brief",
        *[line for line in register.details if "(CSeq 3, Expires: 120)" in line],
    ]
    assert register.advice == "the PBX's registration interval must be 120 s or more"


@dataclass(frozen=True)
class Refused:
    case: str
    user: str
    password: str
    auth_user: str | None
    summary: str
    outcome: str
    registers: int  # REGISTER requests the registrar received: the password is never tried twice


REFUSED = [
    Refused(
        "wrong-password-401",
        "alice",
        WRONG,
        None,
        "rejected: wrong password or auth ID "
        "(the registrar asked again after the password: 401 Unauthorized)",
        "auth-rejected",
        2,
    ),
    Refused(
        "wrong-password-403",
        "strict",
        WRONG,
        None,
        "rejected: wrong password or auth ID (403 Forbidden)",
        "auth-rejected",
        2,
    ),
    Refused(
        "auth-id-not-allowed",
        "6701",
        CANARY,
        "alice",
        "rejected: the registrar does not let auth ID alice register user 6701 "
        "(403 Auth ID not allowed for this user)",
        "auth-id-refused",
        2,
    ),
    Refused(
        "403-without-challenge",
        "locked",
        CANARY,
        None,
        "refused before any password was asked for (403 Account suspended): an IP allowlist or a "
        "suspended account, not the password",
        "forbidden-no-challenge",
        1,
    ),
    Refused(
        "423-above-the-test-limit",
        "hugereg",
        CANARY,
        None,
        "the registrar wants registrations of at least 7200 s (423 Interval Too Brief); "
        "a test binding is not kept above 3600 s, so not asked again",
        "interval-too-brief",
        2,
    ),
    Refused(
        "404",
        "nobody",
        CANARY,
        None,
        "rejected: the registrar does not know user nobody (404 User not found)",
        "user-not-found",
        2,
    ),
]


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("case", REFUSED, ids=lambda case: case.case)
async def test_refusals_are_reported_as_what_they_are_with_their_causes(
    kamailio: Kamailio, transport: str, case: Refused
) -> None:
    results = await _register(kamailio, transport, case.user, case.password, case.auth_user)

    register = results["register"]
    assert register.status is CheckStatus.FAIL
    assert register.summary == case.summary
    assert register.outcome == case.outcome
    assert register.causes and register.advice  # every failure says why and what next
    assert len(kamailio.logged(r"RX REGISTER ")) == case.registers
    assert kamailio.logged(r"SAVED ") == []
    assert CANARY not in repr(results)


async def test_an_auth_id_refusal_is_not_worded_as_a_wrong_password(kamailio: Kamailio) -> None:
    register = (await _register(kamailio, "tcp", "6701", auth_user="alice"))["register"]

    assert "password" not in register.summary
    assert register.causes[0].startswith("the auth ID may not register this user")


async def test_a_sip_alg_rewriting_the_via_and_contact_is_reported(
    kamailio: Kamailio, sip_peers: SipPeers
) -> None:
    relay = sip_peers.alg_relay(kamailio.udp_port)
    target = PreflightTarget(
        host="127.0.0.1",
        port=relay,
        username="alice",
        password=SecretStr(CANARY),
        register=True,
        sip_timeout=2.0,
    )

    results = {r.name: r for r in await run_checks(target)}

    assert results["register"].status is CheckStatus.PASS, results["register"]
    nat = results["nat"]
    assert (nat.status, nat.outcome) == (CheckStatus.WARN, "alg-suspected"), nat
    assert nat.summary.startswith("SIP ALG suspected: the Via sent as 127.0.0.1:")
    assert f"came back as {ALG_PUBLIC}" in nat.summary
    assert f"was stored as alice@{ALG_PUBLIC}" in nat.summary
    assert "SIP ALG" in nat.advice and nat.causes


async def test_the_outbound_proxy_and_the_registrar_are_compared(
    kamailio: Kamailio, sip_peers: SipPeers
) -> None:
    silent = sip_peers.silent_udp()
    only_direct = PreflightTarget(
        host="127.0.0.1", port=kamailio.udp_port, proxy=f"127.0.0.1:{silent}", sip_timeout=1.0
    )
    only_proxy = PreflightTarget(
        host="127.0.0.1", port=silent, proxy=f"127.0.0.1:{kamailio.udp_port}", sip_timeout=1.0
    )

    direct = {r.name: r for r in await run_checks(only_direct)}["paths"]
    proxied = {r.name: r for r in await run_checks(only_proxy)}["paths"]

    assert (direct.status, direct.outcome) == (CheckStatus.WARN, "direct-only")
    assert direct.summary == "only the registrar answers directly; the outbound proxy does not"
    assert (proxied.status, proxied.outcome) == (CheckStatus.WARN, "proxy-only")
    assert proxied.summary == "only the outbound proxy answers; the registrar does not answer directly"
    assert "one side only" in " ".join(proxied.causes)


async def test_tls_without_the_ca_file_is_untrusted_and_with_a_wrong_name_is_refused(
    kamailio: Kamailio, local_dns: LocalDns
) -> None:
    dns_port = local_dns.start(DnsRecords(hosts={"other.example.test": "127.0.0.1"}))
    no_ca = PreflightTarget(host="127.0.0.1", port=kamailio.tls_port, transport="tls", sip_timeout=2.0)
    wrong_name = _target(
        kamailio, "tls", host="other.example.test", dns_server="127.0.0.1", dns_port=dns_port
    )

    untrusted = {r.name: r for r in await run_checks(no_ca)}["options"]
    misnamed = {r.name: r for r in await run_checks(wrong_name)}["options"]

    assert (untrusted.status, untrusted.outcome) == (CheckStatus.FAIL, "tls-untrusted")
    assert untrusted.summary == (
        f"the TLS certificate of 127.0.0.1:{kamailio.tls_port}/tls is not trusted: "
        "unable to get local issuer certificate"
    )
    assert (misnamed.status, misnamed.outcome) == (CheckStatus.FAIL, "tls-wrong-name")
    assert misnamed.summary.endswith("is not valid for other.example.test")


async def test_naptr_and_srv_lead_to_kamailio_over_tcp_and_register(
    kamailio: Kamailio, local_dns: LocalDns
) -> None:
    dns_port = local_dns.start(
        DnsRecords(
            hosts={"sip.example.test": "127.0.0.1"},
            srv=[("_sip._tcp.example.test", "sip.example.test", kamailio.udp_port, 10, 0)],
            naptr=[("example.test", 10, 10, "S", "SIP+D2T", "_sip._tcp.example.test")],
        )
    )
    target = PreflightTarget(
        host="example.test",
        transport="dnsnaptr",
        dns_server="127.0.0.1",
        dns_port=dns_port,
        username="alice",
        password=SecretStr(CANARY),
        register=True,
        sip_timeout=2.0,
    )

    results = {r.name: r for r in await run_checks(target)}

    assert results["dns"].summary.endswith(f"a PBX would use TCP to 127.0.0.1:{kamailio.udp_port}")
    assert results["options"].summary.startswith(f"200 OK from 127.0.0.1:{kamailio.udp_port}/tcp")
    assert results["register"].status is CheckStatus.PASS, results["register"]
    assert kamailio.logged(r"RX REGISTER sip:example.test from 127.0.0.1:\d+/tcp")


async def test_a_lost_udp_register_is_sent_again(kamailio: Kamailio) -> None:
    register = (await _register(kamailio, "udp", "lossy"))["register"]

    assert register.status is CheckStatus.PASS, register
    # The registrar dropped the first copy of each of the three REGISTERs; each was retransmitted.
    assert len(kamailio.logged(r"DROPPED ")) == 3
    assert len(kamailio.logged(r"SAVED aor=sip:lossy@", at_least=2)) == 2
