"""Chorus AI: every mode created in the sandbox over loopback HTTP, every documented rule enforced."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.canary import CANARY
from trunkwizard.client import prepare
from trunkwizard.errors import AuthenticationFailed, ProviderError, ValidationFailed
from trunkwizard.fields import wire_body
from trunkwizard.providers import Call, get_provider

CHORUS = get_provider("chorus")
NUMBER = "+14155550123"

VALID: dict[str, dict[str, Any]] = {
    "twilio": {
        "number": NUMBER,
        "name": "Support line",
        "twilioAccountSid": "AC" + "0123456789abcdef" * 2,
        "twilioAuthToken": CANARY,
    },
    "sip-registration": {
        "number": "+14155550124",
        "sipUsername": "chorus-1001",
        "sipPassword": CANARY,
        "sipProxy": "pbx.example.com",
        "sipOutboundProxy": "edge.example.com:5070",
        "sipAuthUser": "auth-1001",
        "sipPort": 5080,
        "sipRegisterTransport": "tls",
        "agentId": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    },
    "sip-ip-allowlist": {
        "number": "+14155550125",
        "sipIp": "203.0.113.10",
        "sipPort": 5060,
        "sipProtocol": "tcp",
    },
    "voximplant": {"number": "+14155550126"},
    "jambonz": {"number": "+14155550127", "name": "jambonz line"},
}


@pytest.mark.parametrize("mode", list(VALID))
async def test_each_mode_is_created_and_found(mode: str, sandbox_client: Any) -> None:
    async with sandbox_client("chorus") as client:
        prepared = prepare(CHORUS, mode, VALID[mode], client.account)
        created = await client.create(prepared)
        assert created.ref.id
        found = await client.fetch(created.ref)
        assert found["data"]["number"] == VALID[mode]["number"]
        listing = await client.send(Call("GET", "/phone-numbers"))
        assert created.ref.id in [item["id"] for item in listing["data"]]
        assert CANARY not in repr(created) and CANARY not in repr(found)


def test_fields_of_other_modes_are_never_sent() -> None:
    registration = wire_body(prepare_only("sip-registration"), reveal=True)
    assert "sipIp" not in registration and "sipProtocol" not in registration
    assert registration["provider"] == "sip" and registration["sipMode"] == "registration"
    allowlist = wire_body(prepare_only("sip-ip-allowlist"), reveal=True)
    assert not {"sipUsername", "sipPassword", "sipProxy", "sipOutboundProxy", "sipAuthUser"} & set(allowlist)
    assert allowlist["sipMode"] == "ip_allowlist"
    twilio = wire_body(prepare_only("twilio"), reveal=True)
    assert not any(key.startswith("sip") for key in twilio)


def prepare_only(mode: str) -> Any:
    from trunkwizard.fields import validate_answers

    return validate_answers(CHORUS.mode(mode).model, VALID[mode])


@pytest.mark.parametrize(
    ("mode", "change", "field", "words"),
    [
        ("twilio", {"number": None}, "number", "required"),
        ("twilio", {"twilioAccountSid": None}, "twilioAccountSid", "required"),
        ("twilio", {"twilioAuthToken": ""}, "twilioAuthToken", "required"),
        ("twilio", {"agentId": "agent-7"}, "agentId", "UUID"),
        ("sip-registration", {"sipUsername": "u" * 61}, "sipUsername", "at most 60"),
        ("sip-registration", {"sipUsername": None}, "sipUsername", "required"),
        ("sip-registration", {"sipPassword": None}, "sipPassword", "required"),
        ("sip-registration", {"sipProxy": None}, "sipProxy", "required"),
        ("sip-registration", {"sipProxy": "a" * 50 + "." + "b" * 50}, "sipProxy", "at most 100"),
        ("sip-registration", {"sipProxy": "https://pbx.example.com"}, "sipProxy", "without scheme"),
        (
            "sip-registration",
            {"sipOutboundProxy": "p" * 50 + "." + "q" * 50},
            "sipOutboundProxy",
            "at most 100",
        ),
        ("sip-registration", {"sipAuthUser": "a" * 61}, "sipAuthUser", "at most 60"),
        ("sip-registration", {"sipPort": 0}, "sipPort", "from 1 to 65535"),
        ("sip-registration", {"sipPort": 65536}, "sipPort", "to 65535"),
        ("sip-registration", {"sipRegisterTransport": "sctp"}, "sipRegisterTransport", "udp, tcp, tls"),
        ("sip-registration", {"sipIp": "203.0.113.10"}, "sipIp", "not accepted"),
        ("sip-ip-allowlist", {"sipIp": None}, "sipIp", "required"),
        ("sip-ip-allowlist", {"sipIp": "pbx.example.com"}, "sipIp", "IP address"),
        ("sip-ip-allowlist", {"sipProtocol": "ws"}, "sipProtocol", "udp, tcp, tls"),
        ("sip-ip-allowlist", {"sipUsername": "u1"}, "sipUsername", "not accepted"),
    ],
)
def test_each_rule_names_its_field(mode: str, change: dict[str, Any], field: str, words: str) -> None:
    answers = {**VALID[mode], **change}
    answers = {k: v for k, v in answers.items() if v is not None}
    with pytest.raises(ValidationFailed) as failure:
        prepare_only_answers(mode, answers)
    problems = {p.field: p.message for p in failure.value.problems}
    assert field in problems, problems
    assert words in problems[field]
    assert CANARY not in str(failure.value)


def prepare_only_answers(mode: str, answers: dict[str, Any]) -> Any:
    from trunkwizard.fields import validate_answers

    return validate_answers(CHORUS.mode(mode).model, answers)


def test_mode_is_detected_from_the_answers_own_fields() -> None:
    assert CHORUS.detect_mode({"provider": "sip", "sipMode": "ip_allowlist"}) == "sip-ip-allowlist"
    assert CHORUS.detect_mode({"provider": "sip"}) == "sip-registration"
    assert CHORUS.detect_mode({}) == "twilio"
    assert CHORUS.detect_mode({"provider": "jambonz"}) == "jambonz"
    assert CHORUS.detect_mode({"provider": "fax"}) is None


async def test_sandbox_rejects_what_the_api_documents_as_invalid(sandbox_client: Any) -> None:
    """Bypass our validation: the emulator itself enforces the documented rules and error shape."""
    async with sandbox_client("chorus") as client:
        bad = {
            "number": "+14155550199",
            "provider": "sip",
            "sipMode": "registration",
            "sipUsername": "x" * 61,
        }
        with pytest.raises(ProviderError) as failure:
            await client.send(Call("POST", "/phone-numbers", json=bad))
    error = failure.value
    assert error.status == 400
    fields = {p.field for p in error.problems}
    assert {"sipUsername", "sipPassword", "sipProxy"} <= fields
    assert error.field in fields
    assert "Validation failed" in error.message


async def test_wrong_key_is_an_authentication_error(sandbox_client: Any) -> None:
    async with sandbox_client("chorus", api_key=CANARY) as client:
        with pytest.raises(AuthenticationFailed) as failure:
            await client.create(prepare(CHORUS, "voximplant", {"number": "+14155550188"}, client.account))
    assert failure.value.status == 401
    assert "API key" in failure.value.message
    assert CANARY not in str(failure.value)


async def test_duplicate_number_lands_on_the_number_field(sandbox_client: Any) -> None:
    async with sandbox_client("chorus") as client:
        prepared = prepare(CHORUS, "jambonz", {"number": "+14155550177"}, client.account)
        await client.create(prepared)
        with pytest.raises(ProviderError) as failure:
            await client.create(prepared)
    assert failure.value.status == 409
    assert failure.value.field == "number"


def test_next_steps_never_say_host_port_port() -> None:
    # Reported: registrar host pbx.example.com:5060 plus SIP port 5061 gave
    # "registers to pbx.example.com:5060:5061".
    answers = {**VALID["sip-registration"], "sipProxy": "pbx.example.com:5060", "sipPort": 5061}
    request = prepare_only_answers("sip-registration", answers)
    mode = CHORUS.mode("sip-registration")
    created = CHORUS.created(mode, request, {"data": {"id": "pn_1"}}, None)
    steps = " ".join(created.next_steps)
    assert "registers to pbx.example.com:5060 " in steps
    assert ":5060:5061" not in steps
