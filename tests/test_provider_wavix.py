"""Wavix: SIP trunks created in the sandbox over loopback HTTP, every documented rule and toggle enforced,
bodies checked against the official OpenAPI document."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.support.canary import CANARY
from tests.support.openapi import request_body_pointer, schema_errors, schema_validator
from trunkwizard.client import prepare
from trunkwizard.errors import AuthenticationFailed, ProviderError, ValidationFailed
from trunkwizard.fields import check_answers, shown_fields, validate_answers, wire_body
from trunkwizard.providers import Call, ResourceRef, get_provider
from trunkwizard.providers.wavix import TRANSCRIPTION_THRESHOLD_DEFAULT
from trunkwizard.sandbox import wavix as emulator

WAVIX = get_provider("wavix")
MODE = WAVIX.mode("sip-trunk")
SPEC = "wavix-api.yaml"
PUBLIC_IP = "93.184.216.34"  # only ever a string in a body: nothing connects to it

BASE = {"label": "My trunk", "password": CANARY, "callerid": "13132847320"}
VALID: dict[str, dict[str, Any]] = {
    "digest-minimal": BASE,
    "every-toggle-on": {
        **BASE,
        "label": "Everything on",
        "callerid": "+1 415 555 0143",
        "multiple_numbers": True,
        "ip_restrict": True,
        "allowed_ips": [PUBLIC_IP, {"ip": "1.1.1.1"}],
        "didinfo_enabled": False,
        "call_restrict": True,
        "call_limit": 3600,
        "cost_limit": True,
        "max_call_cost": "0.18",
        "channels_restrict": True,
        "max_channels": 2,
        "rewrite_enabled": True,
        "rewrite_prefix": "1",
        "rewrite_cond": "00",
        "call_recording_enabled": True,
        "machine_detection_enabled": True,
        "transcription_enabled": True,
        "transcription_threshold": 10,
        "encrypted_media": True,
    },
    "dial-plan-prefix-only": {**BASE, "label": "Prefix only", "rewrite_enabled": "on", "rewrite_prefix": "1"},
    "text-answers": {
        **BASE,
        "label": "From a file",
        "ip_restrict": "yes",
        "allowed_ips": f"{PUBLIC_IP}, 1.0.0.1",
        "cost_limit": "true",
        "max_call_cost": "0.05",
    },
}
LEGACY = {**BASE, "label": "Legacy", "legacy_api_fields": True, "passthrough": True}

# toggle -> (the values it reveals, an answer for each)
TOGGLES: dict[str, dict[str, Any]] = {
    "ip_restrict": {"allowed_ips": [PUBLIC_IP]},
    "call_restrict": {"call_limit": 600},
    "cost_limit": {"max_call_cost": "0.10"},
    "channels_restrict": {"max_channels": 4},
    "rewrite_enabled": {"rewrite_prefix": "44", "rewrite_cond": "0"},
    "legacy_api_fields": {"passthrough": True},
}


def trunk(answers: dict[str, Any]) -> Any:
    return validate_answers(MODE.model, answers)


def create_schema() -> Any:
    return schema_validator(SPEC, request_body_pointer(SPEC, "/v1/trunks", "post"))


@pytest.mark.parametrize("case", list(VALID))
async def test_each_valid_case_is_created_found_and_deleted(case: str, sandbox_client: Any) -> None:
    async with sandbox_client("wavix") as client:
        prepared = prepare(WAVIX, MODE.key, VALID[case], client.account)
        created = await client.create(prepared)
        assert created.ref.id.isdigit()
        found = await client.fetch(created.ref)
        assert found["label"] == VALID[case]["label"]
        listing = await client.send(WAVIX.find_call(MODE, prepared.request))
        assert WAVIX.find_existing(MODE, prepared.request, listing) == created.ref.id
        await client.delete(created.ref)
        with pytest.raises(ProviderError) as gone:
            await client.fetch(created.ref)
    assert gone.value.status == 404 and "Record not found" in gone.value.message
    assert CANARY not in repr(created) and CANARY not in repr(found)
    login = created.returned["name"]
    assert any(f"username {login}" in step and "us.wavix.net" in step for step in created.next_steps)
    assert "access_token" not in created.returned and "password" not in created.returned


async def test_a_trunk_authenticated_by_ip_is_not_told_to_register(sandbox_client: Any) -> None:
    """Found by hand: the result of a trunk authenticated by IP said to register it with its login."""
    async with sandbox_client("wavix") as client:
        answers = {**BASE, "label": "By IP", "host_request": PUBLIC_IP}
        created = await client.create(prepare(WAVIX, MODE.key, answers, client.account))
        await client.delete(created.ref)
    first = created.next_steps[0]
    assert PUBLIC_IP in first and "without registering" in first and "username" not in first


async def test_created_trunk_carries_every_toggle(sandbox_client: Any) -> None:
    async with sandbox_client("wavix") as client:
        created = await client.create(prepare(WAVIX, MODE.key, VALID["every-toggle-on"], client.account))
        found = await client.fetch(created.ref)
    assert [item["ip"] for item in found["allowed_ips"]] == [PUBLIC_IP, "1.1.1.1"]
    assert found["call_limit"] == 3600 and found["max_channels"] == 2 and found["max_call_cost"] == "0.18"
    assert found["rewrite_prefix"] == "1" and found["rewrite_cond"] == "00"
    assert found["transcription_threshold"] == 10 and found["didinfo_enabled"] is False
    assert any(PUBLIC_IP in step for step in created.next_steps)


@pytest.mark.parametrize("case", list(VALID))
def test_every_valid_body_validates_against_the_official_spec(case: str) -> None:
    body = wire_body(trunk(VALID[case]), reveal=True)
    assert schema_errors(create_schema(), body) == []


def test_legacy_body_does_not_validate_against_the_current_spec() -> None:
    body = wire_body(trunk(LEGACY), reveal=True)
    assert body["passthrough"] is True and "legacy_api_fields" not in body
    errors = " ".join(schema_errors(create_schema(), body))
    assert "Additional properties are not allowed ('passthrough' was unexpected)" in errors


def test_transcription_threshold_is_always_sent_because_the_spec_requires_it() -> None:
    off = wire_body(trunk(BASE), reveal=True)
    assert off["transcription_enabled"] is False
    assert off["transcription_threshold"] == TRANSCRIPTION_THRESHOLD_DEFAULT == 6
    assert "transcription_threshold" in {f.wire for f in shown_fields(MODE.model, BASE)}
    # Without it the official schema refuses the body: the reason it is always asked and sent.
    without = {k: v for k, v in off.items() if k != "transcription_threshold"}
    assert "'transcription_threshold' is a required property" in " ".join(
        schema_errors(create_schema(), without)
    )


def test_every_required_key_of_the_spec_is_always_sent() -> None:
    from tests.support.openapi import _document

    required = _document(SPEC)["components"]["schemas"]["SIPTrunkCreateRequest"]["required"]
    assert set(required) <= set(wire_body(trunk(BASE), reveal=True))


@pytest.mark.parametrize("toggle", list(TOGGLES))
def test_a_toggle_reveals_requires_and_sends_its_values(toggle: str) -> None:
    values = TOGGLES[toggle]
    off = {**BASE, toggle: False, **values}
    on = {**BASE, toggle: True, **values}
    assert not set(values) & {f.wire for f in shown_fields(MODE.model, off)}
    assert set(values) <= {f.wire for f in shown_fields(MODE.model, on)}
    sent_off = wire_body(trunk(off), reveal=True)
    sent_on = wire_body(trunk(on), reveal=True)
    for wire in values:
        assert wire not in sent_off
        assert wire in sent_on


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"label": None}, "label", "required"),
        ({"password": None}, "password", "required"),
        ({"callerid": None}, "callerid", "required"),
        ({"ip_restrict": True}, "allowed_ips", "required while IP restriction is on"),
        (
            {"ip_restrict": True, "allowed_ips": [PUBLIC_IP, "pbx.example.com"]},
            "allowed_ips.1.ip",
            "IP address",
        ),
        ({"ip_restrict": True, "allowed_ips": ["not an ip"]}, "allowed_ips.0.ip", "enter an IP address"),
        ({"cost_limit": True, "max_call_cost": "cheap"}, "max_call_cost", "enter a number"),
        ({"rewrite_enabled": True, "rewrite_prefix": "+1"}, "rewrite_prefix", "digits 0-9 only"),
        ({"rewrite_enabled": True, "rewrite_cond": "0x"}, "rewrite_cond", "digits 0-9 only"),
        ({"call_restrict": True, "call_limit": 2**31}, "call_limit", "to 2147483647 (a 32-bit integer)"),
        ({"max_call_duration": 3600}, "max_call_duration", "not accepted"),
    ],
)
def test_each_rule_names_its_field(change: dict[str, Any], field: str, words: str) -> None:
    answers = {k: v for k, v in {**BASE, **change}.items() if v is not None}
    with pytest.raises(ValidationFailed) as failure:
        trunk(answers)
    problems = {p.field: p.message for p in failure.value.problems}
    assert field in problems, problems
    assert words in problems[field]
    assert CANARY not in str(failure.value)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"callerid": "call-me"}, "callerid", "digits with country code"),
        ({"callerid": "1313"}, "callerid", "not a phone number"),
        ({"ip_restrict": True, "allowed_ips": ["10.0.0.5"]}, "allowed_ips.0.ip", "not a public IPv4 address"),
        (
            {"ip_restrict": True, "allowed_ips": ["2001:db8::1"]},
            "allowed_ips.0.ip",
            "not a public IPv4 address",
        ),
        ({"host_request": "192.168.1.10"}, "host_request", "not a public IPv4 address"),
        ({"call_restrict": True, "call_limit": 0}, "call_limit", "may refuse 0"),
        ({"cost_limit": True, "max_call_cost": "0"}, "max_call_cost", "may refuse 0"),
        ({"channels_restrict": True, "max_channels": 0}, "max_channels", "may refuse 0"),
        ({"transcription_threshold": -1}, "transcription_threshold", "may refuse -1"),
    ],
)
def test_each_inferred_rule_warns_and_the_value_is_sent(
    change: dict[str, Any], field: str, words: str
) -> None:
    """No document refuses these values (wavix-api.yaml types them only): a warning, never a dead end."""
    request, warnings = check_answers(MODE.model, {**BASE, **change})
    assert {w.field: w.message for w in warnings}[field].count(words) == 1
    body = wire_body(request, reveal=True)
    top = field.split(".")[0]
    assert top in body


@pytest.mark.parametrize(
    ("toggle", "field", "words"),
    [
        ("call_restrict", "call_limit", "Limit call duration is on but no limit is given"),
        ("cost_limit", "max_call_cost", "Limit call cost is on but no limit is given"),
        ("channels_restrict", "max_channels", "Limit concurrent calls is on but no limit is given"),
        ("rewrite_enabled", "rewrite_cond", "digits to remove here, a prefix to add, or both"),
    ],
)
def test_a_toggle_left_without_its_value_warns_and_sends_the_toggle_alone(
    toggle: str, field: str, words: str
) -> None:
    """Seed 002 lines 34 and 39 and wavix-api.yaml say a limit is "ignored when <toggle> is false", never
    that it is required when true; nothing makes a dial plan need a rule. Inferred: a warning, no refusal."""
    request, warnings = check_answers(MODE.model, {**BASE, toggle: True})
    assert [(w.field, words in w.message) for w in warnings] == [(field, True)]
    body = wire_body(request, reveal=True)
    assert body[toggle] is True and field not in body


def test_only_the_failing_dial_plan_field_is_reported() -> None:
    with pytest.raises(ValidationFailed) as failure:
        trunk({**BASE, "rewrite_enabled": True, "rewrite_prefix": "+1"})
    assert [p.field for p in failure.value.problems] == ["rewrite_prefix"]


def test_hidden_values_are_neither_validated_nor_sent() -> None:
    answers = {
        **BASE,
        "allowed_ips": ["not an ip"],
        "call_limit": -5,
        "passthrough": True,
        "rewrite_prefix": "x",
    }
    body = wire_body(trunk(answers), reveal=True)
    assert not {"allowed_ips", "call_limit", "passthrough", "rewrite_prefix"} & set(body)


async def test_wrong_key_is_an_authentication_error_without_the_key(
    sandbox_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with sandbox_client("wavix", api_key=CANARY) as client:
        with pytest.raises(AuthenticationFailed) as failure:
            await client.create(prepare(WAVIX, MODE.key, BASE, client.account))
    assert failure.value.status == 401
    assert "Unauthorized" in failure.value.message and "API key" in failure.value.message
    assert CANARY not in str(failure.value) and CANARY not in caplog.text


async def test_account_without_sip_trunks_says_so(sandbox_client: Any) -> None:
    async with sandbox_client("wavix", api_key=emulator.NOT_PROVISIONED_KEY) as client:
        with pytest.raises(ProviderError) as failure:
            await client.create(prepare(WAVIX, MODE.key, BASE, client.account))
    assert failure.value.status == 403
    assert not isinstance(failure.value, AuthenticationFailed)
    assert "not provisioned" in failure.value.message and "Flex Pro" in failure.value.message


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"callerid": "14155550100"}, 422, "callerid"),  # a real number, not active on the account
        ({"call_restrict": True, "call_limit": emulator.MAX_CALL_DURATION + 1}, 422, "call_limit"),
        ({"channels_restrict": True, "max_channels": emulator.MAX_SIP_CHANNELS + 1}, 422, "max_channels"),
        ({"legacy_api_fields": True, "passthrough": True}, 400, "passthrough"),
    ],
)
async def test_what_only_wavix_can_check_lands_on_its_field(
    change: dict[str, Any], status: int, field: str, sandbox_client: Any
) -> None:
    async with sandbox_client("wavix") as client:
        with pytest.raises(ProviderError) as failure:
            await client.create(prepare(WAVIX, MODE.key, {**BASE, **change}, client.account))
    error = failure.value
    assert error.status == status
    assert error.field == field
    assert [p.field for p in error.problems] == [field]
    assert f"Missing or invalid parameter {field}" in error.message
    assert CANARY not in str(error)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BASE, "password": "x"}, "ip_restrict"),  # every required key must be present
        (
            {**wire_body(trunk(BASE), reveal=True), "transcription_threshold": None},
            "transcription_threshold",
        ),
        ({**wire_body(trunk(BASE), reveal=True), "ip_restrict": "false"}, "ip_restrict"),
        ({**wire_body(trunk(BASE), reveal=True), "ip_restrict": True}, "allowed_ips"),
        (
            {
                **wire_body(trunk(BASE), reveal=True),
                "ip_restrict": True,
                "allowed_ips": [{"ip": "not an ip"}],
            },
            "allowed_ips.0.ip",
        ),
        (
            {
                **wire_body(trunk(BASE), reveal=True),
                "ip_restrict": True,
                "allowed_ips": [{"ip": PUBLIC_IP, "id": 1}],
            },
            "allowed_ips.0.ip",
        ),
        ({**wire_body(trunk(BASE), reveal=True), "call_restrict": True, "call_limit": 2**31}, "call_limit"),
        (
            {**wire_body(trunk(BASE), reveal=True), "cost_limit": True, "max_call_cost": "0.18"},
            "max_call_cost",
        ),
        (
            {**wire_body(trunk(BASE), reveal=True), "rewrite_enabled": True, "rewrite_prefix": "+1"},
            "rewrite_prefix",
        ),
        ({**wire_body(trunk(BASE), reveal=True), "callerid": 13132847320}, "callerid"),
        ({**wire_body(trunk(BASE), reveal=True), "vm_detection": True}, "vm_detection"),
    ],
)
async def test_sandbox_rejects_what_the_api_documents_as_invalid(
    body: dict[str, Any], field: str, sandbox_client: Any
) -> None:
    """Bypass our validation: the emulator itself enforces the documented rules and error shape."""
    async with sandbox_client("wavix") as client:
        with pytest.raises(ProviderError) as failure:
            await client.send(Call("POST", "/v1/trunks", json=body))
    assert failure.value.status == 400
    assert failure.value.field == field
    assert CANARY not in str(failure.value)


async def test_sandbox_accepts_the_minimal_documented_body(sandbox_client: Any) -> None:
    """The reference's minimal digest-auth body, sent raw, is accepted: the emulator is not stricter."""
    body = {
        "label": "ai-agent-trunk",
        "password": CANARY,
        "callerid": "13132847320",
        "ip_restrict": False,
        "didinfo_enabled": True,
        "call_restrict": False,
        "cost_limit": False,
        "channels_restrict": False,
        "rewrite_enabled": False,
        "transcription_enabled": False,
        "transcription_threshold": 6,
    }
    assert schema_errors(create_schema(), body) == []
    async with sandbox_client("wavix") as client:
        created = await client.send(Call("POST", "/v1/trunks", json=body))
        await client.delete(ResourceRef("wavix", MODE.key, str(created["id"])))
    assert created["host"] == "dynamic" and "password" not in created


def test_error_reading_maps_bracketed_parameters() -> None:
    error = WAVIX.error(400, {"success": False, "message": "Missing or invalid parameter allowed_ips[2].ip"})
    assert error.field == "allowed_ips.2.ip"
    plain = WAVIX.error(500, "<html>Bad gateway</html>")
    assert plain.status == 500 and plain.field is None
