"""DNS checks against dnsmasq on 127.0.0.1: A, SRV and NAPTR (RFC 3263 order), a missing name, a
refusing server and a silent one; and OPTIONS following NAPTR -> SRV -> A to a real sipp."""

from __future__ import annotations

import pytest

from tests.support.dns_server import DnsRecords, LocalDns
from tests.support.sip import SipPeers, SippPeer
from trunkwizard.preflight import CheckStatus, DnsLookups, PreflightTarget, check_dns, run_checks

pytestmark = pytest.mark.sipp


def _records(udp_port: int = 5070, tcp_port: int = 5071) -> DnsRecords:
    return DnsRecords(
        hosts={"pbx.example.test": "127.0.0.1", "udponly.test": "127.0.0.1"},
        srv=[
            ("_sip._udp.example.test", "pbx.example.test", udp_port, 10, 60),
            ("_sip._tcp.example.test", "pbx.example.test", tcp_port, 10, 40),
            ("_sips._tcp.example.test", "pbx.example.test", 5061, 20, 0),
            ("_sip._udp.udponly.test", "pbx.example.test", udp_port, 10, 0),
        ],
        naptr=[
            ("example.test", 10, 10, "S", "SIP+D2U", "_sip._udp.example.test"),
            ("example.test", 20, 10, "S", "SIPS+D2T", "_sips._tcp.example.test"),
        ],
    )


def _target(dns_port: int, **fields: object) -> PreflightTarget:
    return PreflightTarget(
        dns_server="127.0.0.1",
        dns_port=dns_port,
        dns_timeout=1.0,
        sip_timeout=2.0,
        **fields,  # type: ignore[arg-type]
    )


async def _dns(target: PreflightTarget) -> tuple[CheckStatus, str, str, tuple[str, ...]]:
    result = await check_dns(target, DnsLookups(target))
    return result.status, result.summary, result.advice, result.details


async def test_a_record_with_an_explicit_port(local_dns: LocalDns) -> None:
    port = local_dns.start(_records())

    status, summary, _, details = await _dns(_target(port, host="pbx.example.test", port=5080))

    assert status is CheckStatus.PASS
    assert summary == "pbx.example.test has A 127.0.0.1; no SRV; a PBX would use UDP to 127.0.0.1:5080"
    assert "A pbx.example.test: 127.0.0.1" in details
    assert "AAAA pbx.example.test: none" in details


async def test_naptr_then_srv_then_a_and_options_reach_sipp_that_way(
    local_dns: LocalDns, sip_peers: SipPeers
) -> None:
    sipp: SippPeer = sip_peers.options_uas("udp")
    port = local_dns.start(_records(udp_port=sipp.port))
    target = _target(port, host="example.test", transport="dnsnaptr")

    dns, options, _nat = await run_checks(target)

    assert dns.status is CheckStatus.PASS, dns
    assert dns.summary == (
        "example.test has no A/AAAA; SRV for UDP/TCP/TLS; NAPTR; "
        f"a PBX would use UDP to 127.0.0.1:{sipp.port}"
    )
    assert (
        "NAPTR example.test: 10 10 S SIP+D2U -> _sip._udp.example.test, "
        "20 10 S SIPS+D2T -> _sips._tcp.example.test" in dns.details
    )
    assert any(
        line.startswith("a PBX would use:") and "NAPTR SIP+D2U -> _sip._udp.example.test" in line
        for line in dns.details
    )
    assert options.status is CheckStatus.PASS, options
    assert options.summary.startswith(f"200 OK from 127.0.0.1:{sipp.port}/udp")
    (request,) = [m for m in sipp.received("OPTIONS") if "@trunkwizard" in m]
    assert request.startswith("OPTIONS sip:example.test SIP/2.0")


async def test_srv_for_the_chosen_transport_is_followed(local_dns: LocalDns, sip_peers: SipPeers) -> None:
    sipp = sip_peers.options_uas("tcp")
    port = local_dns.start(_records(tcp_port=sipp.port))

    dns, options, _nat = await run_checks(_target(port, host="example.test", transport="tcp"))

    assert dns.status is CheckStatus.PASS
    assert dns.summary.endswith(f"a PBX would use TCP to 127.0.0.1:{sipp.port}")
    assert options.status is CheckStatus.PASS
    assert options.summary.startswith(f"200 OK from 127.0.0.1:{sipp.port}/tcp")


async def test_missing_name_is_nxdomain_for_dns_and_for_options(local_dns: LocalDns) -> None:
    port = local_dns.start(_records())

    dns, options, _nat = await run_checks(_target(port, host="nope.example.test"))

    assert dns.status is CheckStatus.FAIL
    assert dns.summary == "nope.example.test does not exist in DNS (NXDOMAIN)"
    assert "spelling" in dns.advice
    assert options.status is CheckStatus.FAIL
    assert options.summary == "cannot resolve nope.example.test"  # the DNS check says why, once


async def test_a_refusing_dns_server_is_not_mistaken_for_a_missing_name(local_dns: LocalDns) -> None:
    port = local_dns.start(_records())  # authoritative for .test only; REFUSED for the rest

    status, summary, _, _ = await _dns(_target(port, host="pbx.example.org"))

    assert status is CheckStatus.FAIL
    assert summary == "the DNS servers could not answer for pbx.example.org (SERVFAIL or REFUSED)"


async def test_a_silent_dns_server_times_out(sip_peers: SipPeers) -> None:
    silent = sip_peers.silent_udp()

    status, summary, advice, _ = await _dns(_target(silent, host="pbx.example.test"))

    assert status is CheckStatus.FAIL
    assert summary == f"no answer from 127.0.0.1:{silent} within 1 s"
    assert "resolv.conf" in advice


async def test_an_ip_address_needs_no_dns(sip_peers: SipPeers) -> None:
    silent = sip_peers.silent_udp()  # would time out if it were asked

    status, summary, _, _ = await _dns(_target(silent, host="127.0.0.1"))

    assert (status, summary) == (CheckStatus.PASS, "IP address, no DNS needed")


async def test_dnsnaptr_without_naptr_records_warns(local_dns: LocalDns) -> None:
    port = local_dns.start(_records())

    status, summary, advice, _ = await _dns(_target(port, host="pbx.example.test", transport="dnsnaptr"))

    assert status is CheckStatus.WARN
    assert (
        summary == "pbx.example.test has A 127.0.0.1; no SRV; no NAPTR; a PBX would use UDP to 127.0.0.1:5060"
    )
    assert advice.startswith("no NAPTR records")


async def test_a_transport_the_provider_publishes_no_srv_for_warns(local_dns: LocalDns) -> None:
    port = local_dns.start(_records())

    status, summary, advice, _ = await _dns(_target(port, host="udponly.test", transport="tcp"))

    assert status is CheckStatus.WARN
    assert summary.startswith(
        "udponly.test has A 127.0.0.1; SRV for UDP; a PBX would use TCP to 127.0.0.1:5060"
    )
    assert "publishes SRV for UDP but not for TCP" in advice


async def test_an_explicit_port_that_differs_from_srv_warns(local_dns: LocalDns) -> None:
    port = local_dns.start(_records(udp_port=5070))

    status, _, advice, _ = await _dns(_target(port, host="udponly.test", port=5060))

    assert status is CheckStatus.WARN
    assert advice.startswith("SRV says port 5070 for UDP, not 5060")
