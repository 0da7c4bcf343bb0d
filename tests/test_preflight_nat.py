"""The NAT/ALG judgement on answers as registrars write them (the Kamailio tests cover the wire)."""

from __future__ import annotations

from trunkwizard.preflight import CheckStatus
from trunkwizard.preflight.message import parse_response
from trunkwizard.preflight.nat import Echo, Echoes, check_nat

LOCAL = ("192.168.1.20", 5060)
CONTACT = "sip:6701@192.168.1.20:5060"


def _ok(via: str, *contacts: str) -> Echo:
    lines = ["SIP/2.0 200 OK", f"Via: {via}", *(f"Contact: <{c}>;expires=60" for c in contacts)]
    response = parse_response(("\r\n".join([*lines, "Content-Length: 0"]) + "\r\n\r\n").encode())
    return Echo("REGISTER", LOCAL, response, CONTACT if contacts else None)


async def _judge(echo: Echo) -> tuple[CheckStatus, str, str]:
    echoes = Echoes(["register"])
    echoes.put("register", echo)
    result = await check_nat(echoes)
    return result.status, result.outcome, result.summary


async def test_an_untouched_via_on_the_local_address_is_no_nat() -> None:
    echo = _ok("SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1;rport=5060", CONTACT)

    assert await _judge(echo) == (
        CheckStatus.PASS,
        "no-nat",
        "no NAT or SIP ALG seen: the registrar saw 192.168.1.20:5060, as sent",
    )


async def test_received_and_rport_show_nat_and_the_public_address() -> None:
    echo = _ok("SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1;rport=61034;received=198.51.100.23", CONTACT)

    status, outcome, summary = await _judge(echo)

    assert (status, outcome) == (CheckStatus.WARN, "nat")
    assert summary == (
        "behind NAT: the registrar sees this machine as 198.51.100.23:61034 (it sent from 192.168.1.20:5060)"
    )


async def test_a_registrar_that_stores_the_address_it_saw_is_nat_not_an_alg() -> None:
    # Asterisk's rewrite_contact: the stored Contact is the source address, not an ALG's doing.
    echo = _ok(
        "SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1;rport=61034;received=198.51.100.23",
        "sip:6701@198.51.100.23:61034",
    )

    assert (await _judge(echo))[1] == "nat"


async def test_a_rewritten_via_sent_by_is_an_alg() -> None:
    echo = _ok("SIP/2.0/UDP 198.51.100.23:5060;branch=z9hG4bK1;rport=61034;received=198.51.100.23", CONTACT)

    status, outcome, summary = await _judge(echo)

    assert (status, outcome) == (CheckStatus.WARN, "alg-suspected")
    assert summary == "SIP ALG suspected: the Via sent as 192.168.1.20:5060 came back as 198.51.100.23:5060"


async def test_no_answer_is_not_judged() -> None:
    echoes = Echoes(["options"])
    echoes.put("options", None)

    result = await check_nat(echoes)

    assert (result.status, result.outcome) == (CheckStatus.SKIP, "nat-unknown")
