"""The OPTIONS check against real peers on 127.0.0.1: sipp over UDP and TCP, a closed port, a silent
peer, and an outbound proxy that carries the request for the target."""

from __future__ import annotations

import pytest

from tests.support.sip import SipPeers
from trunkwizard import __version__
from trunkwizard.preflight import CheckStatus, DnsLookups, PreflightTarget, check_options, run_checks

pytestmark = pytest.mark.sipp


def _target(**fields: object) -> PreflightTarget:
    fields.setdefault("host", "127.0.0.1")
    fields.setdefault("sip_timeout", 2.0)
    return PreflightTarget(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("transport", ["udp", "tcp"])
async def test_options_gets_200_from_sipp(sip_peers: SipPeers, transport: str) -> None:
    peer = sip_peers.options_uas(transport)
    target = _target(port=peer.port, transport=transport)

    result = await check_options(target, DnsLookups(target))

    assert result.status is CheckStatus.PASS, result
    assert result.summary.startswith(f"200 OK from 127.0.0.1:{peer.port}/{transport} in ")
    assert "reachable" in result.summary
    sent = [m for m in peer.received("OPTIONS") if "@trunkwizard" in m]
    assert len(sent) == 1
    assert f"Via: SIP/2.0/{transport.upper()} 127.0.0.1:" in sent[0]
    assert ";branch=z9hG4bK" in sent[0] and ";rport" in sent[0]
    assert f"User-Agent: trunkwizard/{__version__}" in sent[0]


async def test_tcp_port_with_nothing_listening_fails_with_words(sip_peers: SipPeers) -> None:
    port = sip_peers.silent_udp()  # a UDP socket holds the number; nothing listens on TCP there
    target = _target(port=port, transport="tcp")

    result = await check_options(target, DnsLookups(target))

    assert result.status is CheckStatus.FAIL
    assert result.summary == f"nothing listens on 127.0.0.1:{port}/tcp (connection refused)"
    assert "port" in result.advice and "transport" in result.advice


async def test_udp_port_with_nothing_listening_fails_on_icmp_port_unreachable(sip_peers: SipPeers) -> None:
    port = sip_peers.silent_tcp()  # a TCP listener holds the number; no UDP socket is bound there
    target = _target(port=port, transport="udp")

    result = await check_options(target, DnsLookups(target))

    assert result.status is CheckStatus.FAIL
    assert result.summary == f"nothing listens on 127.0.0.1:{port}/udp (ICMP port unreachable)"


async def test_udp_peer_that_never_answers_times_out_after_retransmissions(sip_peers: SipPeers) -> None:
    port = sip_peers.silent_udp()
    target = _target(port=port, transport="udp", sip_timeout=1.8)

    result = await check_options(target, DnsLookups(target))

    assert result.status is CheckStatus.FAIL
    # RFC 3261 timer E: sent at 0, 0.5 and 1.5 s within a 1.8 s limit.
    assert result.summary == f"no final answer from 127.0.0.1:{port}/udp within 1.8 s (sent 3 times)"
    assert "firewall" in result.advice and "SIP ALG" in result.advice


async def test_tcp_peer_that_accepts_but_never_answers_times_out(sip_peers: SipPeers) -> None:
    port = sip_peers.silent_tcp()
    target = _target(port=port, transport="tcp", sip_timeout=1.0)

    result = await check_options(target, DnsLookups(target))

    assert result.status is CheckStatus.FAIL
    assert result.summary == f"no final answer from 127.0.0.1:{port}/tcp within 1 s"
    assert "no SIP came back" in result.advice


async def test_through_the_outbound_proxy_the_packet_goes_to_the_proxy_and_the_uri_stays_the_target(
    sip_peers: SipPeers,
) -> None:
    proxy = sip_peers.options_uas("udp")
    target_port = sip_peers.silent_udp()
    target = _target(port=target_port, proxy=f"127.0.0.1:{proxy.port}", sip_timeout=1.0)

    results = {r.name: r for r in await run_checks(target)}

    assert results["proxy"].status is CheckStatus.PASS
    assert results["proxy"].summary.startswith(f"200 OK from 127.0.0.1:{proxy.port}/udp")
    assert results["options"].status is CheckStatus.FAIL
    (request,) = [m for m in proxy.received("OPTIONS") if "@trunkwizard" in m]
    assert request.startswith(f"OPTIONS sip:127.0.0.1:{target_port} SIP/2.0")
    assert f"Route: <sip:127.0.0.1:{proxy.port};lr>" in request
