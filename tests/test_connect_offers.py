"""Offers and needs: every pair the providers declare, created end to end in the sandbox over loopback.

The first side is created in the served sandbox, its offer is read (with the offering's own reads, such
as SignalWire's sip_profile), the second side's form is filled from it, created in the same sandbox, and
read back from the second emulator: it holds the values the first side answered.
"""

from __future__ import annotations

import ast
import itertools
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from trunkwizard.cli import main
from trunkwizard.client import prepare
from trunkwizard.connect import (
    Fill,
    Need,
    Offer,
    OfferInput,
    OfferKind,
    Origin,
    PasswordRule,
    Sourced,
    fill,
    generate_password,
    password_problems,
    password_rules,
    rules_in_words,
)
from trunkwizard.connect.catalog import available_pairs, read_offer
from trunkwizard.fields import validate_answers
from trunkwizard.providers import all_providers, get_provider
from trunkwizard.redact import redact
from trunkwizard.sandbox import signalwire as signalwire_emulator
from trunkwizard.sandbox import wavix as wavix_emulator

CONNECT = Path(__file__).parents[1] / "trunkwizard" / "connect"
_counter = itertools.count(1000)


def _unique() -> str:
    return f"{next(_counter)}{uuid.uuid4().int % 10_000:04d}"


# --- what the providers declare ----------------------------------------------------------------------------


def _declared() -> set[tuple[str, str, str, str]]:
    return {(owner, offering.mode, need.owner, need.mode) for owner, offering, need in available_pairs()}


def test_the_issue_examples_are_declared() -> None:
    declared = _declared()
    for offering in (("wavix", "sip-trunk"), ("signalwire", "sip-endpoint"), ("yeastar", "account")):
        for need in (("chorus", "sip-registration"), ("vox", "custom-sip")):
            assert (*offering, *need) in declared
    for offering in (("wavix", "sip-trunk"), ("signalwire", "sip-endpoint")):
        assert (*offering, "yeastar", "register") in declared
    assert ("yeastar", "peer", "chorus", "sip-ip-allowlist") in declared


def test_the_providers_command_lists_what_each_mode_offers_and_fills(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["providers", "--json"]) == 0
    documents = {p["key"]: {m["key"]: m for m in p["modes"]} for p in json.loads(capsys.readouterr().out)}
    (offer,) = documents["wavix"]["sip-trunk"]["offers"]
    assert offer["kind"] == "registration"
    assert {"asterisk:file", "freeswitch:file", "yeastar:register", "chorus:sip-registration"} <= set(
        offer["fills"]
    )
    (need,) = documents["chorus"]["sip-ip-allowlist"]["needs"]
    assert need["from"] == ["yeastar:peer"]
    assert {"wire": "sipIp", "source": "seed 000 line 13: IP address of your PBX/SBC"} in need["fields"]
    assert "offers" not in documents["chorus"]["twilio"] and "needs" not in documents["chorus"]["twilio"]
    assert main(["providers", "vox"]) == 0
    assert "fills address, auth_username, auth_password from a registration" in capsys.readouterr().out


def test_only_offers_and_needs_of_one_kind_pair() -> None:
    for _, offering, need in available_pairs():
        assert offering.kind is need.kind
    assert ("yeastar", "peer", "chorus", "sip-registration") not in _declared()
    assert ("wavix", "sip-trunk", "chorus", "sip-ip-allowlist") not in _declared()


def test_every_fill_names_a_field_of_its_mode_and_says_where_it_comes_from() -> None:
    for provider in all_providers():
        for need in provider.needs:
            assert need.owner == provider.key
            wires = {f.wire for f in provider.mode(need.mode).fields}
            for item in need.fills:
                assert item.wire in wires, (provider.key, need.mode, item.wire)
                assert item.source.strip()
        for offering in provider.offerings:
            provider.mode(offering.mode)  # raises for an unknown mode


def test_the_connect_core_names_no_provider_and_imports_no_textual() -> None:
    keys = {p.key for p in all_providers()} | {p.title.lower() for p in all_providers()}
    for path in CONNECT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # docstrings may use a provider as an example; code (every other string) may not name one
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                )
                assert not any(n.startswith("textual") for n in names), path
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                words = set(node.value.lower().replace(".", " ").replace("'", " ").split())
                assert not words & keys, (path, node.value)


# --- building offers and filling needs, without the network -------------------------------------------------


def _wavix_offer(password: str | None = "Wx-pass-12345") -> Offer:
    wavix = get_provider("wavix")
    source = OfferInput(
        request={"label": "My trunk", "password": "********", "callerid": "13132847320"},
        answer={"id": 293, "name": "67758", "callerid": "13132847320", "label": "My trunk"},
        base_url="https://api.wavix.com",
        secrets={"password": SecretStr(password)} if password else {},
    )
    return wavix.offer(wavix.offerings[0], source)


def _need(owner: str, mode: str) -> Need:
    return next(n for n in get_provider(owner).needs if n.mode == mode)


def test_wavix_offers_its_generated_login_at_a_regional_gateway() -> None:
    offer = _wavix_offer()
    assert offer.host.value == "us.wavix.net" and offer.host.origin is Origin.DOCUMENT
    assert set(offer.host_choices) == {"nl.wavix.net", "sg.wavix.net", "au.wavix.net"}
    assert offer.username == Sourced("67758", Origin.ANSWER, "name")
    assert offer.port is not None and offer.port.value == 5060 and offer.port.inferred
    assert offer.password is not None and offer.password.value.get_secret_value() == "Wx-pass-12345"
    assert "Wx-pass-12345" not in repr(offer) and "Wx-pass-12345" not in str(offer.public())


def test_filling_marks_where_each_value_came_from() -> None:
    filled = fill(_wavix_offer(), _need("yeastar", "register"))
    assert filled.answers["username"] == filled.answers["auth_name"] == "67758"
    assert filled.answers["hostname"] == filled.answers["domain"] == "us.wavix.net"
    assert filled.origins["username"] == "from Wavix's answer: name"
    assert filled.origins["password"] == "from the Wavix form: password"
    assert "inferred" in filled.origins["port"] and "port" in filled.inferred
    assert "username" not in filled.inferred
    assert "Wx-pass-12345" not in repr(filled)


def test_another_gateway_is_chosen_and_the_domain_follows() -> None:
    offer = _wavix_offer().with_host("nl.wavix.net")
    filled = fill(offer, _need("chorus", "sip-registration"))
    assert filled.answers["sipProxy"] == "nl.wavix.net"
    assert (
        "sipAuthUser" not in filled.answers
    )  # the same as the username: Chorus wants it only when it differs
    assert set(offer.host_choices) == {"us.wavix.net", "sg.wavix.net", "au.wavix.net"}
    with pytest.raises(ValueError):
        _wavix_offer().with_host("evil.example.com")


def test_vox_gets_a_sip_address_and_the_digest_user() -> None:
    filled = fill(_wavix_offer(), _need("vox", "custom-sip"))
    assert filled.answers["address"] == "sip:us.wavix.net:5060"
    assert filled.answers["auth_username"] == "67758"
    assert "auth_username" in filled.inferred


def test_an_ip_authenticated_wavix_trunk_offers_no_registration() -> None:
    wavix = get_provider("wavix")
    source = OfferInput(request={"host_request": {"host": "203.0.113.10"}}, answer={"id": 1, "name": "67758"})
    with pytest.raises(ValueError, match="authenticated by IP"):
        wavix.offer(wavix.offerings[0], source)


def test_vox_is_asked_for_the_offered_transport_and_warned_it_is_an_inference() -> None:
    signalwire = get_provider("signalwire")
    source = OfferInput(
        request={"username": "desk", "encryption": "required"},
        answer={"username": "desk"},
        reads={"sip_profile": {"domain": "example-1.sip.signalwire.com"}},
        secrets={"password": SecretStr("Sw-pass-12345")},
    )
    filled = fill(signalwire.offer(signalwire.offerings[0], source), _need("vox", "custom-sip"))
    assert filled.answers["address"] == "sip:example-1.sip.signalwire.com:5061;transport=tls"
    assert "address" in filled.inferred
    validate_answers(
        get_provider("vox").mode("custom-sip").model, {"number": "07011112222", **filled.answers}
    )


def test_a_masked_password_is_never_offered() -> None:
    offer = _wavix_offer(password=None)
    assert offer.password is None
    assert "password" not in fill(offer, _need("yeastar", "register")).answers


def test_signalwire_reads_the_domain_from_its_sip_profile_never_from_the_space() -> None:
    signalwire = get_provider("signalwire")
    offering = signalwire.offerings[0]
    assert offering.reads == {"sip_profile": "/api/relay/rest/sip_profile"}
    answer = {"id": "e1", "username": "alice-desk", "encryption": "required", "codecs": ["OPUS@48000H@20I"]}
    source = OfferInput(
        request={"username": "alice-desk"},
        answer=answer,
        base_url="https://example.signalwire.com",
        reads={"sip_profile": {"domain": "example-123abc.sip.signalwire.com"}},
    )
    offer = signalwire.offer(offering, source)
    assert offer.host == Sourced("example-123abc.sip.signalwire.com", Origin.ANSWER, "sip_profile: domain")
    assert offer.transport is not None and offer.transport.value == "tls"
    assert offer.codecs is not None and offer.codecs.value == ("OPUS",)
    with pytest.raises(Exception, match="sip_profile"):
        signalwire.offer(
            offering, OfferInput(request={}, answer=answer, base_url="https://example.signalwire.com")
        )


def test_signalwire_default_encryption_follows_the_sip_profile() -> None:
    signalwire = get_provider("signalwire")
    source = OfferInput(
        request={"username": "bob", "encryption": "default"},
        answer={"username": "bob", "encryption": "default"},
        reads={"sip_profile": {"domain": "example-1.sip.signalwire.com", "default_encryption": "required"}},
    )
    offer = signalwire.offer(signalwire.offerings[0], source)
    assert offer.transport is not None and offer.transport.value == "tls"
    assert offer.transport.where == "encryption default, the profile's required: TLS on 5061"


def test_the_yeastar_peer_trunk_offers_the_pbx_address_marked_inferred() -> None:
    yeastar = get_provider("yeastar")
    peer = next(o for o in yeastar.offerings if o.mode == "peer")
    source = OfferInput(
        request={"transport": "tcp"}, answer={"id": 5}, base_url="https://203.0.113.10:8088/openapi/v1.0"
    )
    filled = fill(yeastar.offer(peer, source), _need("chorus", "sip-ip-allowlist"))
    assert filled.answers == {"sipIp": "203.0.113.10", "sipPort": 5060, "sipProtocol": "tcp"}
    assert {"sipIp", "sipPort"} <= filled.inferred
    assert filled.origins["sipProtocol"] == "from the Yeastar P-Series form: transport"


def test_an_offer_without_a_host_is_refused() -> None:
    yeastar = get_provider("yeastar")
    account = next(o for o in yeastar.offerings if o.mode == "account")
    with pytest.raises(ValueError, match="no host"):
        yeastar.offer(account, OfferInput(request={"number": "7001"}, answer={}, base_url=""))


def test_a_kind_mismatch_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot fill"):
        fill(_wavix_offer(), _need("chorus", "sip-ip-allowlist"))


def test_a_fill_may_be_a_function_of_the_offer() -> None:
    need = Need("x", "m", OfferKind.REGISTRATION, "", fills=(Fill("uri", lambda o: o.host, "test"),))
    assert fill(_wavix_offer(), need).answers == {"uri": "us.wavix.net"}


# --- passwords ---------------------------------------------------------------------------------------------

YEASTAR_RULE = PasswordRule("seed 003 lines 33-35", min_length=10, digit=True, upper=True, lower=True)


@given(length=st.integers(min_value=3, max_value=64), minimum=st.integers(min_value=1, max_value=40))
def test_a_generated_password_meets_every_rule_of_both_sides(length: int, minimum: int) -> None:
    other = PasswordRule("other", min_length=minimum, max_length=64)
    rules = password_rules([YEASTAR_RULE], [other])
    password = generate_password(rules, length=length).get_secret_value()
    assert password_problems(password, rules) == []
    assert len(password) >= max(length, minimum, 10)
    assert not set(password) & set(";\"'<>&#@: \\")  # safe in a SIP URI, a .conf line and XML
    assert redact(f"log {password}") != f"log {password}"  # registered with the redactor


def test_generated_passwords_differ_and_contradictory_rules_are_refused() -> None:
    assert len({generate_password().get_secret_value() for _ in range(20)}) == 20
    with pytest.raises(ValueError):
        generate_password([PasswordRule("a", min_length=30), PasswordRule("b", max_length=12)])


def test_every_declared_pair_gets_a_password_both_sides_accept() -> None:
    for owner, offering, need in available_pairs():
        rules = password_rules(offering.password_rules, need.password_rules)
        password = generate_password(rules).get_secret_value()
        assert password_problems(password, rules) == [], (owner, need.owner)
    yeastar_rules = next(n for n in get_provider("yeastar").needs if n.mode == "register").password_rules
    assert password_problems("short", yeastar_rules)


def test_what_a_technician_reads_of_a_connection_names_no_seed_file() -> None:
    """Found by hand: the ctrl+g toast said "(Yeastar (seed 003 lines 33-35))" and the second form
    "(mapped by inference: seed 003 line 74: ...)": our copies of the providers' documents, which mean
    nothing to a technician. The sources stay in the declarations; what is shown names the document
    as a technician knows it, and an inferred mapping says what it is inferred from."""
    yeastar_rules = next(n for n in get_provider("yeastar").needs if n.mode == "register").password_rules
    assert [rule.source for rule in yeastar_rules] == ["seed 003 lines 33-35"]  # kept for the code
    assert password_problems("short", yeastar_rules) == [
        "at least 10 characters",
        "a digit",
        "an uppercase letter",
    ]
    # found by hand: the toast said it "meets the password rules of Yeastar's API documentation": it says
    # what the rule is, not where it is written
    assert rules_in_words(yeastar_rules) == (
        "it has at least 10 characters, a digit, an uppercase letter and a lowercase letter"
    )
    assert rules_in_words(()) == "no password rule is documented for it"

    def answered(value: Any, where: str) -> Sourced[Any]:
        return Sourced(value, Origin.ANSWER, where)

    full = {  # every part an offer can carry, so that every fill of every need is labelled
        OfferKind.REGISTRATION: Offer(
            "first", "First", "trunk", OfferKind.REGISTRATION, answered("sip.example.com", "host"),
            port=answered(5060, "port"), transport=answered("udp", "transport"),
            domain=answered("sip.example.com", "domain"),
            username=answered("desk", "username"), auth_name=answered("auth", "auth"),
            password=Sourced(SecretStr("Offered-secret-1"), Origin.REQUEST, "password"),
            outbound_proxy=answered("proxy.example.com:5070", "proxy"),
            caller_id=Sourced("+14155550124", Origin.REQUEST, "callerid"),
            codecs=answered(("PCMU", "PCMA"), "codecs"),
        ),
        OfferKind.PEER_ADDRESS: Offer(
            "first", "First", "peer", OfferKind.PEER_ADDRESS, answered("203.0.113.10", "host"),
            port=answered(5060, "port"), transport=answered("udp", "transport"),
        ),
    }  # fmt: skip
    labels: dict[tuple[str, str], str] = {}
    for _, _, need in available_pairs():
        for wire, label in fill(full[need.kind], need).origins.items():
            labels[(need.owner, wire)] = label
    assert not [label for label in labels.values() if "seed" in label.lower()], labels
    assert labels[("yeastar", "def_outbound_cid")] == (
        "from the First form: callerid (mapped by inference: the other side's caller ID as the trunk's "
        "default)"
    )
    inferred = [f for _, _, need in available_pairs() for f in need.fills if f.inferred]
    assert inferred and all(f.why and "seed" not in f.why.lower() for f in inferred), inferred
    # what the pick of the other side says is offered: a peer trunk registers nowhere (it said "registrar")
    assert full[OfferKind.PEER_ADDRESS].summary == "SIP peer 203.0.113.10:5060"
    assert full[OfferKind.REGISTRATION].summary.startswith("registrar ")


# --- end to end in the sandbox over loopback ---------------------------------------------------------------


def _offering_answers(provider: str, mode: str, password: SecretStr) -> dict[str, Any]:
    n = _unique()
    if provider == "wavix":
        return {"label": f"trunk-{n}", "password": password, "callerid": wavix_emulator.ACCOUNT_NUMBERS[0]}
    if provider == "signalwire":
        subscriber = signalwire_emulator.SUBSCRIBERS[0]["id"]
        return {
            "fabric_subscriber_id": subscriber,
            "username": f"desk-{n}",
            "password": password,
            "password_confirmation": password,
            "codecs": ["PCMU", "OPUS"],
        }
    if mode == "account":
        return {
            "name": f"acct_{n}",
            "transport": "udp",
            "number": f"7{n}",
            "auth_name": f"auth{n}",
            "password": password,
            "codec_sel": "ulaw,alaw",
        }
    return {
        "name": f"peer_{n}",
        "transport": "tcp",
        "hostname": "sip.example.com",
        "port": 5060,
        "domain": "sip.example.com",
        "codec_sel": "ulaw",
    }


def _need_rest(need: Need) -> dict[str, Any]:
    n = _unique()
    if need.owner == "chorus":
        return {"number": f"+1415{n[-7:]:0>7}", "name": f"connect {n}"}
    if need.owner == "vox":
        return {"number": f"070{n}"}
    return {"name": f"reg_{n}", "codec_sel": "ulaw,alaw"}


async def _read_back(client: Any, provider: Any, ref: Any) -> dict[str, Any]:
    body = await client.send(provider.get_call(ref))
    data = body.get("data", body) if isinstance(body, dict) else {}
    return dict(data)


PAIRS = sorted(_declared())


@pytest.mark.parametrize(("first", "first_mode", "second", "second_mode"), PAIRS)
async def test_each_declared_pair_runs_end_to_end(
    first: str, first_mode: str, second: str, second_mode: str, sandbox_client: Any
) -> None:
    offering_provider, need_provider = get_provider(first), get_provider(second)
    offering = next(o for o in offering_provider.offerings if o.mode == first_mode)
    need = _need(second, second_mode)
    password = generate_password(password_rules(offering.password_rules, need.password_rules))

    async with sandbox_client(first) as client:
        prepared = prepare(
            offering_provider, first_mode, _offering_answers(first, first_mode, password), client.account
        )
        created = await client.create(prepared)
        offer = await read_offer(client, offering_provider, offering, prepared, created)

    filled = fill(offer, need)
    answers = {**_need_rest(need), **filled.answers}
    async with sandbox_client(second) as client:
        validate_answers(need_provider.mode(second_mode).model, answers)  # the form's own gate passes
        sent = prepare(need_provider, second_mode, answers, client.account)
        second_created = await client.create(sent)
        stored = await _read_back(client, need_provider, second_created.ref)

    if offer.kind is OfferKind.PEER_ADDRESS:
        assert stored["sipIp"] == offer.host.value
        return
    expected_user = offer.username.value if offer.username else None
    if first == "wavix":
        assert expected_user == created.returned["name"]  # the Wavix login, as Wavix answered it
    if first == "signalwire":
        # the domain of the emulator's sip_profile, not one built from the space name
        assert offer.host.value == signalwire_emulator.SIP_DOMAIN
        assert offer.host.value != f"{signalwire_emulator.SPACE}.sip.signalwire.com"
    received = {
        ("chorus", "sip-registration"): (stored.get("sipProxy"), stored.get("sipUsername")),
        ("vox", "custom-sip"): (stored.get("address"), stored.get("auth_username")),
        ("yeastar", "register"): (stored.get("hostname"), stored.get("username")),
    }[(second, second_mode)]
    host, user = received
    assert offer.host.value in str(host)
    if second == "vox":  # Vox never returns the auth fields: check what was sent to it
        assert user is None
        digest_user = offer.auth_name or offer.username
        assert digest_user is not None and sent.preview.json is not None
        assert sent.preview.json["auth_username"] == digest_user.value
    else:
        assert user == expected_user
    if second == "yeastar":  # the PBX's trunk/get returns the password: it is the one offered
        assert stored["password"] == password.get_secret_value()
