"""OPTIONS over TLS through socat (a throwaway CA) in front of a TCP sipp: verified with the CA file,
refused without it, and the other ways a TLS peer goes wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.dns_server import DnsRecords, LocalDns
from tests.support.sip import SipPeers
from trunkwizard.preflight import CheckStatus, DnsLookups, PreflightTarget, check_options

pytestmark = pytest.mark.sipp


@pytest.fixture
def tls_port(sip_peers: SipPeers) -> int:
    backend = sip_peers.options_uas("tcp")
    return sip_peers.tls_terminator(backend.port)


async def _options(**fields: object) -> tuple[CheckStatus, str, str]:
    fields.setdefault("host", "127.0.0.1")
    fields.setdefault("sip_timeout", 3.0)
    target = PreflightTarget(transport="tls", **fields)  # type: ignore[arg-type]
    result = await check_options(target, DnsLookups(target))
    return result.status, result.summary, result.advice


async def test_tls_is_verified_with_the_profile_ca_file(sip_peers: SipPeers, tls_port: int) -> None:
    status, summary, _ = await _options(port=tls_port, ca_file=str(sip_peers.certificates.ca_file))

    assert status is CheckStatus.PASS, summary
    assert summary.startswith(f"200 OK from 127.0.0.1:{tls_port}/tls in ")


async def test_tls_without_the_ca_file_fails_as_untrusted(tls_port: int) -> None:
    status, summary, advice = await _options(port=tls_port)

    assert status is CheckStatus.FAIL
    assert summary == (
        f"the TLS certificate of 127.0.0.1:{tls_port}/tls is not trusted: "
        "unable to get local issuer certificate"
    )
    assert "CA file" in advice


async def test_tls_checks_the_host_name_against_the_certificate(
    sip_peers: SipPeers, tls_port: int, local_dns: LocalDns
) -> None:
    dns_port = local_dns.start(
        DnsRecords(hosts={"pbx.example.test": "127.0.0.1", "other.example.test": "127.0.0.1"})
    )
    ca_file = str(sip_peers.certificates.ca_file)
    common = {"port": tls_port, "ca_file": ca_file, "dns_server": "127.0.0.1", "dns_port": dns_port}

    named_status, named_summary, _ = await _options(host="pbx.example.test", **common)
    wrong_status, wrong_summary, wrong_advice = await _options(host="other.example.test", **common)

    assert named_status is CheckStatus.PASS, named_summary
    assert wrong_status is CheckStatus.FAIL
    assert wrong_summary == (
        f"the TLS certificate of 127.0.0.1:{tls_port}/tls is not valid for other.example.test"
    )
    assert "host name the certificate was issued for" in wrong_advice


async def test_tls_to_a_port_that_speaks_plain_sip_fails_the_handshake(sip_peers: SipPeers) -> None:
    plain = sip_peers.options_uas("tcp")

    status, summary, advice = await _options(port=plain.port, sip_timeout=1.0)

    assert status is CheckStatus.FAIL
    assert (
        summary == f"127.0.0.1:{plain.port}/tls accepted the connection but sent no TLS handshake within 1 s"
    )
    assert "speaks TLS" in advice


async def test_a_missing_ca_file_is_named(tls_port: int, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-ca.pem"

    status, summary, _ = await _options(port=tls_port, ca_file=str(missing))

    assert status is CheckStatus.FAIL
    assert summary == f"cannot use the CA file {missing}: No such file or directory"
