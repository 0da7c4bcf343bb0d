"""The contract audit's mismatches, each pinned to the document line it follows.

Seeds are ../shared/seeds/NNN_*.txt (line numbers as `grep -n` prints them); "wavix-api.yaml" is the
official spec in ../shared/openapi/. Each test goes through the real parts: validation, the wire body,
and the sandbox over loopback HTTP.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.openapi import request_body_pointer, schema_errors, schema_validator
from trunkwizard.client import prepare
from trunkwizard.errors import AuthenticationFailed, ProviderError, ValidationFailed
from trunkwizard.fields import check_answers, validate_answers, wire_body
from trunkwizard.providers import Call, ResourceRef, get_provider

WAVIX = get_provider("wavix")
WAVIX_TRUNK = WAVIX.mode("sip-trunk").model
WAVIX_BASE = {"label": "Audit trunk", "password": "4r=h;EaCB85QNtr2", "callerid": "13132847320"}
INT32_MAX = 2**31 - 1
FULLWIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))
ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x0660 + d) for d in range(10)))


def wavix_schema() -> Any:
    return schema_validator("wavix-api.yaml", request_body_pointer("wavix-api.yaml", "/v1/trunks", "post"))


def problems_of(model: Any, answers: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as failure:
        validate_answers(model, answers)
    return {p.field: p.message for p in failure.value.problems}


# --- Wavix transcription_threshold: seed 002 lines 27-30, wavix-api.yaml SIPTrunkCreateRequest.required


def test_wavix_transcription_threshold_is_sent_as_given_with_transcription_off() -> None:
    """Seed 002 line 27 lists the threshold with no condition; the user's value is never replaced."""
    body = wire_body(
        validate_answers(WAVIX_TRUNK, {**WAVIX_BASE, "transcription_threshold": 30}), reveal=True
    )
    assert body["transcription_enabled"] is False
    assert body["transcription_threshold"] == 30
    assert schema_errors(wavix_schema(), body) == []


def test_wavix_transcription_threshold_default_only_when_none_given() -> None:
    """wavix-api.yaml: SIPTrunkCreateRequest requires transcription_threshold; SIPTrunkResponse default 6."""
    body = wire_body(
        validate_answers(WAVIX_TRUNK, {**WAVIX_BASE, "transcription_threshold": ""}), reveal=True
    )
    assert body["transcription_threshold"] == 6


# --- Wavix int32: wavix-api.yaml call_limit / max_channels / transcription_threshold `format: int32`


@pytest.mark.parametrize(
    ("toggle", "field"),
    [
        ("call_restrict", "call_limit"),
        ("channels_restrict", "max_channels"),
        (None, "transcription_threshold"),
    ],
)
def test_wavix_int32_fields_refuse_2_to_the_31(toggle: str | None, field: str) -> None:
    """wavix-api.yaml `format: int32`, both ends: 2**31 and -(2**31) - 1 are refused, the ends kept."""
    low = {**WAVIX_BASE, field: -(2**31) - 1, **({toggle: True} if toggle else {})}
    assert field in problems_of(WAVIX_TRUNK, low)
    assert getattr(validate_answers(WAVIX_TRUNK, {**low, field: -(2**31)}), field) == -(2**31)
    answers = {**WAVIX_BASE, field: 2**31, **({toggle: True} if toggle else {})}
    assert field in problems_of(WAVIX_TRUNK, answers)
    assert schema_errors(
        wavix_schema(), {**wire_body(validate_answers(WAVIX_TRUNK, WAVIX_BASE)), field: 2**31}
    )
    largest = validate_answers(WAVIX_TRUNK, {**answers, field: INT32_MAX})
    assert getattr(largest, field) == INT32_MAX


@pytest.mark.parametrize("field", ["call_limit", "max_channels", "transcription_threshold"])
async def test_wavix_sandbox_refuses_what_int32_cannot_hold(field: str, sandbox_client: Any) -> None:
    body = {**wire_body(validate_answers(WAVIX_TRUNK, WAVIX_BASE), reveal=True), field: 2**31}
    async with sandbox_client("wavix") as client:
        with pytest.raises(ProviderError) as failure:
            await client.send(Call("POST", "/v1/trunks", json=body))
    assert (failure.value.status, failure.value.field) == (400, field)


# --- Wavix host_request: wavix-api.yaml SIPTrunkCreateRequest.host_request {host}


async def test_wavix_ip_authenticated_trunk_can_be_made(sandbox_client: Any) -> None:
    answers = {**WAVIX_BASE, "label": "IP auth trunk", "host_request": "93.184.216.34"}
    async with sandbox_client("wavix") as client:
        prepared = prepare(WAVIX, "sip-trunk", answers, client.account)
        assert prepared.preview.json is not None
        assert prepared.preview.json["host_request"] == {"host": "93.184.216.34"}
        assert schema_errors(wavix_schema(), prepared.call.revealed_json()) == []
        created = await client.create(prepared)
        listed = await client.send(Call("GET", "/v1/trunks"))
        await client.delete(created.ref)
    summary = next(t for t in listed["sip_trunks"] if str(t["id"]) == created.ref.id)
    assert summary["auth_method"] == "IP auth"
    assert summary["host_request"] == {"host": "93.184.216.34", "status": "pending"}


# --- Vox number: seed 004 line 77, `Pattern: ^\d+$` (ASCII digits, the whole value)

VOX = get_provider("vox")
VOX_NUMBER = VOX.mode(VOX.modes[0].key).model


@pytest.mark.parametrize(
    "number",
    ["07011112222".translate(FULLWIDTH), "07011112222".translate(ARABIC_INDIC), "0701111" + chr(0xB2)],
)
def test_vox_number_refuses_unicode_digits(number: str) -> None:
    assert "number" in problems_of(VOX_NUMBER, {"number": number, "address": "sip:trunk.example.com:5060"})


@pytest.mark.parametrize("number", ["07011112222".translate(FULLWIDTH), "07011112222\n"])
async def test_vox_sandbox_refuses_unicode_digits_and_a_trailing_newline(
    number: str, sandbox_client: Any
) -> None:
    body = {"number": number, "address": "sip:trunk.example.com:5060"}
    async with sandbox_client("vox") as client:
        with pytest.raises(ProviderError) as failure:
            await client.send(Call("POST", "/telephone-numbers/register", json=body))
    assert (failure.value.status, failure.value.field) == (400, "number")


# --- Yeastar passwords: seed 003 lines 33-35 (register trunk only), line 208 (account trunk: no rule)

YEASTAR = get_provider("yeastar")
ACCOUNT_TRUNK = {
    "name": "Audit_Account",
    "transport": "udp",
    "number": "6701",
    "password": "weakpassword",
    "auth_name": "6701",
    "codec_sel": "ulaw,alaw",
}


async def test_yeastar_account_trunk_takes_a_password_the_register_rule_would_refuse(
    sandbox_client: Any,
) -> None:
    async with sandbox_client("yeastar") as client:
        created = await client.create(prepare(YEASTAR, "account", ACCOUNT_TRUNK, client.account))
        await client.delete(created.ref)
    assert created.ref.id


def test_yeastar_register_password_hint_counts_what_is_missing() -> None:
    """Seed 003 line 35, "The minimum character length is 10": 6 characters need 4 more, not 10."""
    answers = {
        **ACCOUNT_TRUNK,
        "type": "register",
        "hostname": "sip.example.com",
        "port": 5060,
        "domain": "sip.example.com",
        "username": "6701",
        "password": "Abc123",
    }
    del answers["number"]
    message = problems_of(YEASTAR.mode("register").model, answers)["password"]
    assert message.endswith("add 4 more characters")


# --- Yeastar errcode -1 from trunk/create: seed 003 line 279, "FAILURE: Failed."


def test_yeastar_errcode_minus_one_from_trunk_create_is_a_generic_failure() -> None:
    error = YEASTAR.check_body({"errcode": -1, "errmsg": "FAILURE"})
    assert isinstance(error, ProviderError) and not isinstance(error, AuthenticationFailed)
    assert "errcode -1 FAILURE" in error.message


# --- Chorus error details: seed 000 lines 33-34, `"details": [{}]`


def test_chorus_documented_empty_detail_names_no_field() -> None:
    error = get_provider("chorus").error(400, {"error": "Validation failed", "details": [{}]})
    assert error.problems == [] and error.field is None
    assert "None" not in error.message


# --- Secrets are never trimmed; identifiers are, and the review shows it


async def test_a_password_with_spaces_reaches_the_provider_as_typed(sandbox_client: Any) -> None:
    answers = {**WAVIX_BASE, "label": "  Spaced trunk  ", "password": "  p w  "}
    async with sandbox_client("wavix") as client:
        prepared = prepare(WAVIX, "sip-trunk", answers, client.account)
        sent = prepared.call.revealed_json()
        assert sent is not None and sent["password"] == "  p w  "
        assert prepared.preview.json is not None and prepared.preview.json["label"] == "Spaced trunk"
        created = await client.create(prepared)
        await client.delete(ResourceRef("wavix", "sip-trunk", created.ref.id))


# --- Stricter than any document: inferred rules warn, the value goes through

INFERRED = [
    ("chorus", "twilio", {"twilioAccountSid": "AC" + "0" * 32, "twilioAuthToken": "t"}, "number", "5551234"),
    ("chorus", "twilio", {"number": "+14155550124", "twilioAuthToken": "t"}, "twilioAccountSid", "XX123"),
    (
        "signalwire",
        "sip-endpoint",
        {
            "fabric_subscriber_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "username": "desk",
            "password": "p",
            "password_confirmation": "p",
        },
        "send_as",
        "4632322867",
    ),
    ("vox", "custom-sip", {"number": "07011112222"}, "address", "trunk.example.com:5060"),
    ("wavix", "sip-trunk", WAVIX_BASE, "callerid", "call-me"),
]


@pytest.mark.parametrize(("provider", "mode", "answers", "field", "value"), INFERRED)
def test_a_stricter_than_documented_rule_warns_and_sends_the_value(
    provider: str, mode: str, answers: dict[str, Any], field: str, value: str
) -> None:
    model = get_provider(provider).mode(mode).model
    request, warnings = check_answers(model, {**answers, field: value})
    assert [w.field for w in warnings] == [field]
    assert "may refuse" in warnings[0].message
    assert wire_body(request, reveal=True)[field] == value


def test_the_chorus_number_warning_reads_as_the_issue_asks() -> None:
    model = get_provider("chorus").mode("jambonz").model
    _, warnings = check_answers(model, {"number": "5551234"})
    assert warnings[0].message == (
        "Chorus documents numbers as E.164 (+14155550124); this one is not: Chorus may refuse it"
    )


YEASTAR_PEER = {
    "transport": "udp",
    "hostname": "sip.example.com",
    "port": 5060,
    "domain": "sip.example.com",
    "codec_sel": "ulaw",
}


@pytest.mark.parametrize("name", ["QA Reg \u00fc/2", "QA\u00fc/2", "T" * 64])
def test_yeastar_trunk_name_is_one_rule_that_warns(name: str) -> None:
    """Seed 003 line 15 says only "Trunk name"; the length and characters are the import page's rules."""
    request, warnings = check_answers(YEASTAR.mode("peer").model, {**YEASTAR_PEER, "name": name})
    assert [w.field for w in warnings] == ["name"]
    assert request.name == name  # type: ignore[attr-defined]


def test_yeastar_names_with_and_without_a_space_get_the_same_words() -> None:
    model = YEASTAR.mode("peer").model
    spaced = check_answers(model, {**YEASTAR_PEER, "name": "QA Reg \u00fc/2"})[1]
    joined = check_answers(model, {**YEASTAR_PEER, "name": "QA\u00fc/2"})[1]
    assert spaced[0].message == joined[0].message


def test_providers_lists_each_rule_with_its_source_and_effect() -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "trunkwizard", "providers"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert "      rule: digits 0-9 (^\\d+$) (refuses; seed 004 line 77)" in lines
    assert any(line.startswith("      rule: E.164, e.g. +14155550124 (warns; inferred: ") for line in lines)
    assert any("-2147483648 to 2147483647 (int32) (refuses; wavix-api.yaml" in line for line in lines)


def test_every_rule_is_documented_or_inferred() -> None:
    from trunkwizard.providers import all_providers

    def rules(fields: Any) -> list[Any]:
        return [rule for f in fields for rule in (*f.rules, *rules(f.rows))]

    found = [
        rule
        for provider in all_providers()
        for fields in (provider.account_fields, *(mode.fields for mode in provider.modes))
        for rule in rules(fields)
    ]
    assert len(found) >= 20
    for rule in found:
        assert rule.source.kind in ("seed", "spec", "reference", "inferred") and rule.source.where
        if rule.documented:
            assert rule.source.kind != "inferred"


# --- The sandbox accepts what only an inferred rule dislikes: a sandbox run never hides a mismatch

ACCEPTED_WITH_A_WARNING = [
    ("chorus", "jambonz", {"number": "5550199"}, "number"),
    ("vox", "custom-sip", {"number": "07011119999", "address": "trunk.example.com:5060"}, "address"),
    ("yeastar", "peer", {**YEASTAR_PEER, "name": "QA Reg \u00fc/2"}, "name"),
    (
        "wavix",
        "sip-trunk",
        {**WAVIX_BASE, "label": "Private IP", "ip_restrict": True, "allowed_ips": ["10.0.0.5"]},
        "allowed_ips.0.ip",
    ),
    (
        "wavix",
        "sip-trunk",
        {**WAVIX_BASE, "label": "Zero limit", "call_restrict": True, "call_limit": 0},
        "call_limit",
    ),
    ("wavix", "sip-trunk", {**WAVIX_BASE, "label": "Empty limit", "channels_restrict": True}, "max_channels"),
    (
        "yeastar",
        "peer",
        {
            **YEASTAR_PEER,
            "name": "RangeNoExt",
            "outbound_cid_list": [{"outbound_cid_option": "range", "outbound_cid": "5503310"}],
        },
        "outbound_cid_list.0.outbound_cid_to_ext_range",
    ),
]


@pytest.mark.parametrize(("provider", "mode", "answers", "field"), ACCEPTED_WITH_A_WARNING)
async def test_the_sandbox_accepts_what_only_an_inferred_rule_dislikes(
    provider: str, mode: str, answers: dict[str, Any], field: str, sandbox_client: Any
) -> None:
    async with sandbox_client(provider) as client:
        prepared = prepare(get_provider(provider), mode, answers, client.account)
        assert [w.field for w in prepared.warnings] == [field]
        created = await client.create(prepared)
        await client.delete(created.ref)
    assert created.ref.id


@pytest.mark.parametrize("version", ["latest", "v0"])
def test_vox_agent_version_grammar_from_a_secondary_source_warns(version: str) -> None:
    answers = {
        "number": "07011112222",
        "address": "sip:trunk.example.com:5060",
        "map_inbound_agent": True,
        "inbound_agent_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "inbound_agent_version": version,
    }
    _, warnings = check_answers(VOX_NUMBER, answers)
    assert [w.field for w in warnings] == ["inbound_agent_version"]
    assert "Vox may refuse it" in warnings[0].message


def test_yeastar_a_repeated_codec_warns() -> None:
    """Seed 003 line 37 lists the codecs; nothing says one may not repeat."""
    request, warnings = check_answers(
        YEASTAR.mode("peer").model, {**YEASTAR_PEER, "name": "Codecs", "codec_sel": "ulaw,ulaw"}
    )
    assert [w.field for w in warnings] == ["codec_sel"] and "repeated: ulaw" in warnings[0].message
    assert wire_body(request, reveal=True)["codec_sel"] == "ulaw,ulaw"
