"""The REGISTER check against sipp as a digest registrar: accepted, rejected, unregistered again."""

from __future__ import annotations

import logging
import re

import pytest
from pydantic import SecretStr

from tests.support.canary import CANARY
from tests.support.sip import SipPeers
from trunkwizard.preflight import CheckStatus, DnsLookups, PreflightTarget, check_register

pytestmark = pytest.mark.sipp

USERNAME = "tw1001"


def _target(port: int, password: str, **fields: object) -> PreflightTarget:
    return PreflightTarget(
        host="127.0.0.1",
        port=port,
        username=USERNAME,
        password=SecretStr(password),
        register=True,
        sip_timeout=2.0,
        **fields,  # type: ignore[arg-type]
    )


def _header(message: str, name: str) -> str:
    match = re.search(rf"^{name}: (.*)$", message, re.MULTILINE)
    assert match, f"no {name} in {message}"
    return match.group(1).strip()


@pytest.mark.parametrize("qop", [True, False], ids=["qop-auth", "no-qop"])
async def test_right_password_is_accepted_then_unregistered(
    sip_peers: SipPeers, qop: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="trunkwizard")
    registrar = sip_peers.registrar(USERNAME, CANARY, qop=qop)
    target = _target(registrar.port, CANARY)

    result = await check_register(target, DnsLookups(target))

    assert result.status is CheckStatus.PASS, result
    assert result.summary == f"user {USERNAME}: accepted (200 OK); unregistered again"
    register, authenticated, unregister = registrar.received("REGISTER")
    # One dialog-like sequence: same Call-ID and From tag, CSeq 1, 2, 3; the last one has Expires: 0.
    assert len({_header(m, "Call-ID") for m in (register, authenticated, unregister)}) == 1
    assert len({_header(m, "From") for m in (register, authenticated, unregister)}) == 1
    assert [_header(m, "CSeq") for m in (register, authenticated, unregister)] == [
        "1 REGISTER",
        "2 REGISTER",
        "3 REGISTER",
    ]
    assert _header(register, "Expires") == "60"
    assert _header(unregister, "Expires") == "0"
    assert _header(unregister, "Contact") == _header(authenticated, "Contact") != "*"
    assert "Authorization: Digest" not in register
    assert ("qop=auth" in _header(authenticated, "Authorization")) is qop
    for message in (register, authenticated, unregister):
        assert CANARY not in message
    assert CANARY not in caplog.text
    # The digest answer (an offline guess at the password needs only it and the nonce) is not logged.
    assert "Authorization: ********" in caplog.text
    assert 'response="' not in caplog.text
    assert CANARY not in repr(result)


async def test_wrong_password_is_rejected_in_plain_words_and_not_retried(sip_peers: SipPeers) -> None:
    registrar = sip_peers.registrar(USERNAME, "the-right-one")
    target = _target(registrar.port, CANARY)

    result = await check_register(target, DnsLookups(target))

    assert result.status is CheckStatus.FAIL
    assert result.summary == "rejected: wrong password or auth ID (403 Forbidden)"
    assert "do not retry blindly" in result.advice
    # Exactly one unauthenticated and one authenticated attempt: never a loop on auth failures.
    assert len(registrar.received("REGISTER")) == 2
    assert CANARY not in repr(result)


async def test_registrar_over_tcp(sip_peers: SipPeers) -> None:
    registrar = sip_peers.registrar(USERNAME, CANARY, transport="tcp")
    target = _target(registrar.port, CANARY, transport="tcp")

    result = await check_register(target, DnsLookups(target))

    assert result.status is CheckStatus.PASS, result
    (first, *_) = registrar.received("REGISTER")
    assert first.startswith(f"REGISTER sip:127.0.0.1:{registrar.port};transport=tcp SIP/2.0")
    assert "Via: SIP/2.0/TCP " in first


async def test_register_to_a_closed_port_fails_without_sending_credentials(sip_peers: SipPeers) -> None:
    port = sip_peers.silent_tcp()
    target = _target(port, CANARY)

    result = await check_register(target, DnsLookups(target))

    assert result.status is CheckStatus.FAIL
    assert result.summary == f"nothing listens on 127.0.0.1:{port}/udp (ICMP port unreachable)"
