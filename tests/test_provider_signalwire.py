"""SignalWire: subscriber SIP endpoints created in the sandbox over loopback HTTP, every documented rule
enforced, bodies checked against the official OpenAPI document."""

from __future__ import annotations

import base64
import logging
import os
import shutil
import subprocess
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.canary import CANARY
from tests.support.openapi import _document, request_body_pointer, schema_errors, schema_validator
from trunkwizard.client import ProviderClient, load_account, prepare
from trunkwizard.errors import AuthenticationFailed, ProviderError, ValidationFailed
from trunkwizard.fields import shown_fields, validate_answers, wire_body
from trunkwizard.providers import Call, get_provider
from trunkwizard.providers._auth import SameOriginBasicAuth
from trunkwizard.sandbox import signalwire as emulator

SIGNALWIRE = get_provider("signalwire")
MODE = SIGNALWIRE.mode("sip-endpoint")
SPEC = "signalwire-fabric-subscribers-sip-endpoints.openapi.yaml"
CREATE_PATH = "/api/fabric/resources/subscribers/{fabric_subscriber_id}/sip_endpoints"
SUBSCRIBER = emulator.SUBSCRIBERS[0]["id"]
SEED_CODECS = ("OPUS", "G722", "PCMU", "PCMA", "G729", "VP8", "H264")

VALID: dict[str, dict[str, Any]] = {
    "minimal": {
        "fabric_subscriber_id": SUBSCRIBER,
        "username": "alice-desk",
        "password": CANARY,
        "password_confirmation": CANARY,
    },
    "every-field": {
        "fabric_subscriber_id": emulator.SUBSCRIBERS[6]["id"],
        "username": "justice-league",
        "password": CANARY,
        "password_confirmation": CANARY,
        "caller_id": "call-id-123",
        "send_as": "+1 463 232 2867",
        "ciphers": ["AEAD_AES_256_GCM_8", "AES_CM_128_HMAC_SHA1_80"],
        "codecs": ["OPUS@48000H@20I", "PCMU", "PCMA"],
        "encryption": "required",
    },
    "seed-codecs": {
        "fabric_subscriber_id": emulator.SUBSCRIBERS[3]["id"],
        "username": "bob-softphone",
        "password": CANARY,
        "password_confirmation": CANARY,
        "codecs": list(SEED_CODECS),
        "encryption": "optional",
    },
}
LEGACY = {
    **VALID["minimal"],
    "username": "legacy-desk",
    "legacy_api_fields": True,
    "call_handler": "passthrough",
}


def endpoint(answers: dict[str, Any]) -> Any:
    return validate_answers(MODE.model, answers)


def create_schema() -> Any:
    return schema_validator(SPEC, request_body_pointer(SPEC, CREATE_PATH, "post"))


@pytest.mark.parametrize("case", list(VALID))
async def test_each_valid_case_is_created_found_and_deleted(case: str, sandbox_client: Any) -> None:
    async with sandbox_client("signalwire") as client:
        prepared = prepare(SIGNALWIRE, MODE.key, VALID[case], client.account)
        created = await client.create(prepared)
        assert created.ref.id
        assert created.ref.path_values == {"fabric_subscriber_id": VALID[case]["fabric_subscriber_id"]}
        found = await client.fetch(created.ref)
        assert found["username"] == VALID[case]["username"]
        listing = await client.send(SIGNALWIRE.find_call(MODE, prepared.request))
        assert SIGNALWIRE.find_existing(MODE, prepared.request, listing) == created.ref.id
        await client.delete(created.ref)
        with pytest.raises(ProviderError) as gone:
            await client.fetch(created.ref)
    assert gone.value.status == 404
    assert CANARY not in repr(created) and CANARY not in repr(found)
    assert any("sip:" + VALID[case]["username"] + "@" in step for step in created.next_steps)
    assert any("sip_profile" in step for step in created.next_steps)


async def test_created_endpoint_carries_every_answer(sandbox_client: Any) -> None:
    async with sandbox_client("signalwire") as client:
        created = await client.create(prepare(SIGNALWIRE, MODE.key, VALID["every-field"], client.account))
    returned = dict(created.returned)
    assert returned["send_as"] == "+14632322867"
    assert returned["codecs"] == ["OPUS@48000H@20I", "PCMU", "PCMA"]
    assert returned["ciphers"] == ["AEAD_AES_256_GCM_8", "AES_CM_128_HMAC_SHA1_80"]
    assert returned["encryption"] == "required"
    assert "password" not in returned
    assert any("TLS" in step for step in created.next_steps)
    # the SIP domain comes from the account's own sip_profile, not "read it in the Dashboard"
    username = VALID["every-field"]["username"]
    assert created.next_steps[0].startswith(
        f"Register the device or PBX as sip:{username}@{emulator.SIP_DOMAIN} "
    )
    assert not any("Dashboard (SIP > SIP Profile)" in step for step in created.next_steps)


@pytest.mark.parametrize("case", list(VALID))
def test_every_valid_body_validates_against_the_official_spec(case: str) -> None:
    body = wire_body(endpoint(VALID[case]), reveal=True)
    assert schema_errors(create_schema(), body) == []
    assert "fabric_subscriber_id" not in body  # a path parameter, not a body field


def test_legacy_body_does_not_validate_against_the_current_spec() -> None:
    body = wire_body(endpoint(LEGACY), reveal=True)
    assert body["password_confirmation"] == CANARY and body["call_handler"] == "passthrough"
    errors = " ".join(schema_errors(create_schema(), body))
    assert "Unevaluated properties are not valid" in errors


def test_form_enums_are_the_current_specs_and_keep_the_seeds() -> None:
    schemas = _document(SPEC)["components"]["schemas"]
    fields = {f.wire: f for f in MODE.fields}
    codecs = [c.value for c in fields["codecs"].choices]
    assert codecs == schemas["Codecs"]["enum"]
    assert set(SEED_CODECS) <= set(codecs)
    assert [c.value for c in fields["ciphers"].choices] == schemas["Ciphers"]["enum"]
    assert {c.value for c in fields["encryption"].choices} == set(schemas["Encryption"]["enum"])
    assert fields["encryption"].default == "default"
    assert fields["fabric_subscriber_id"].location == "path"
    assert fields["fabric_subscriber_id"].choices_from == "subscribers"


def test_legacy_fields_are_off_hidden_and_unsent_by_default() -> None:
    default = {f.wire for f in shown_fields(MODE.model, VALID["minimal"])}
    assert "call_handler" not in default and "legacy_api_fields" in default
    assert "call_handler" in {f.wire for f in shown_fields(MODE.model, LEGACY)}
    # A call_handler answer with the toggle off is hidden: neither validated nor sent.
    body = wire_body(endpoint({**VALID["minimal"], "call_handler": "no-such-handler"}), reveal=True)
    assert set(body) == {"username", "password", "encryption"}
    assert "legacy_api_fields" not in wire_body(endpoint(LEGACY), reveal=True)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"fabric_subscriber_id": None}, "fabric_subscriber_id", "required"),
        ({"fabric_subscriber_id": "subscriber-1"}, "fabric_subscriber_id", "UUID"),
        ({"username": None}, "username", "required"),
        ({"password": None}, "password", "required"),
        ({"password_confirmation": "not the same"}, "password_confirmation", "does not match SIP password"),
        ({"password_confirmation": None}, "password_confirmation", "does not match SIP password"),
        ({"ciphers": ["AES_999"]}, "ciphers.0", "one of: AEAD_AES_256_GCM_8"),
        ({"codecs": ["PCMU", "SPEEX"]}, "codecs.1", "one of: PCMU, PCMA"),
        ({"encryption": "always"}, "encryption", "one of: default, required, optional"),
        ({"legacy_api_fields": True, "call_handler": "resource"}, "call_handler", "passthrough, block-pstn"),
        ({"calling_handler_resource_id": SUBSCRIBER}, "calling_handler_resource_id", "not accepted"),
    ],
)
def test_each_rule_names_its_field(change: dict[str, Any], field: str, words: str) -> None:
    answers = {k: v for k, v in {**VALID["minimal"], **change}.items() if v is not None}
    with pytest.raises(ValidationFailed) as failure:
        endpoint(answers)
    problems = {p.field: p.message for p in failure.value.problems}
    assert field in problems, problems
    assert words in problems[field]
    assert CANARY not in str(failure.value)


def test_account_takes_a_pasted_space_url() -> None:
    account = load_account(
        SIGNALWIRE,
        {"space": "https://Example.signalwire.com/", "project_id": emulator.PROJECT_ID, "api_token": CANARY},
    )
    assert SIGNALWIRE.base_url(account) == "https://example.signalwire.com"
    with pytest.raises(ValidationFailed) as failure:
        load_account(SIGNALWIRE, {"space": "my space", "project_id": "x", "api_token": CANARY})
    fields = {p.field for p in failure.value.problems}
    assert fields == {"space"}  # a Project ID that is no UUID only warns (inferred from the spec's example)
    assert [w.field for w in failure.value.warnings] == ["project_id"]
    assert CANARY not in str(failure.value)


async def test_subscriber_lookup_follows_every_page(sandbox_client: Any) -> None:
    async with sandbox_client("signalwire") as client:
        first = await client.send(SIGNALWIRE.lookup_call("subscribers", None))
        choices = await client.lookup("subscribers")
    assert len(first["data"]) == emulator.DEFAULT_PAGE_SIZE and first["links"]["next"]
    assert [c.value for c in choices] == [s["id"] for s in emulator.SUBSCRIBERS]
    assert len(choices) == 7
    assert choices[0].label == "Diana Prince <diana@example.com>"


async def test_a_next_link_to_another_host_is_never_followed() -> None:
    """The page says the next one is on 127.0.0.2: no request goes there and the token is not sent."""
    seen: list[str] = []

    async def page(request: Request) -> JSONResponse:
        seen.append(str(request.url))
        foreign = "http://127.0.0.2:8443/signalwire/api/fabric/resources/subscribers?page_number=1"
        return JSONResponse(
            {"data": [emulator.SUBSCRIBERS[0]], "links": {"self": str(request.url), "next": foreign}}
        )

    app = Starlette(routes=[Route("/{path:path}", page)])
    account = load_account(SIGNALWIRE, emulator.account("http://127.0.0.1:9"))
    async with ProviderClient(SIGNALWIRE, account, transport=httpx.ASGITransport(app=app)) as client:
        with pytest.raises(ProviderError) as failure:
            await client.lookup("subscribers")
    assert seen == ["http://127.0.0.1:9/signalwire/api/fabric/resources/subscribers"]
    assert "127.0.0.2" in failure.value.message and "not followed" in failure.value.message


def test_a_next_link_that_is_not_a_subscriber_list_is_refused() -> None:
    body = {"data": [], "links": {"next": "https://example.signalwire.com/api/relay/rest/sip_profile"}}
    with pytest.raises(ProviderError):
        SIGNALWIRE.lookup_page("subscribers", body)
    assert SIGNALWIRE.lookup_page("subscribers", {"data": [], "links": {"self": "x"}}) == ([], None)


def test_basic_auth_is_the_project_id_and_token_on_the_base_host_only() -> None:
    auth = SameOriginBasicAuth(
        emulator.PROJECT_ID, _secret(CANARY), "https://example.signalwire.com", "SignalWire"
    )
    request = httpx.Request("GET", "https://example.signalwire.com/api/fabric/resources/subscribers")
    sent = next(auth.auth_flow(request))
    expected = base64.b64encode(f"{emulator.PROJECT_ID}:{CANARY}".encode()).decode()
    assert sent.headers["Authorization"] == f"Basic {expected}"
    with pytest.raises(ProviderError):
        next(auth.auth_flow(httpx.Request("GET", "http://example.signalwire.com/api")))  # scheme differs
    assert CANARY not in repr(auth)


def _secret(value: str) -> Any:
    from pydantic import SecretStr

    return SecretStr(value)


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl (Debian package curl)")
async def test_curl_export_creates_the_endpoint_with_secrets_from_the_environment(sandbox_url: str) -> None:
    account = load_account(SIGNALWIRE, {**emulator.account(sandbox_url), "api_token": emulator.API_TOKEN})
    answers = {**VALID["minimal"], "username": "curl-desk"}
    prepared = prepare(SIGNALWIRE, MODE.key, answers, account)
    command = prepared.preview.as_curl()
    assert CANARY not in command and emulator.API_TOKEN not in command
    assert "${TRUNKWIZARD_SIGNALWIRE_PASSWORD}" in command
    env = {
        "PATH": os.environ["PATH"],
        "TRUNKWIZARD_SIGNALWIRE_API_TOKEN": emulator.API_TOKEN,
        "TRUNKWIZARD_SIGNALWIRE_PASSWORD": CANARY,
    }
    result = subprocess.run(
        ["bash", "-c", command.replace("curl ", "curl -sS -w '\\n%{http_code}' ", 1)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.stdout.strip().endswith("201"), result.stdout + result.stderr
    assert '"username":"curl-desk"' in result.stdout.replace(" ", "")


async def test_wrong_token_is_an_authentication_error_without_the_token(
    sandbox_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with sandbox_client("signalwire", api_token=CANARY) as client:
        with pytest.raises(AuthenticationFailed) as failure:
            await client.create(prepare(SIGNALWIRE, MODE.key, VALID["minimal"], client.account))
    assert failure.value.status == 401
    assert "Unauthorized" in failure.value.message and "API token" in failure.value.message
    assert CANARY not in str(failure.value)
    encoded = base64.b64encode(f"{emulator.PROJECT_ID}:{CANARY}".encode()).decode()
    assert CANARY not in caplog.text and encoded not in caplog.text


async def test_unknown_subscriber_is_not_found(sandbox_client: Any) -> None:
    answers = {**VALID["minimal"], "fabric_subscriber_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}
    async with sandbox_client("signalwire") as client:
        with pytest.raises(ProviderError) as failure:
            await client.create(prepare(SIGNALWIRE, MODE.key, answers, client.account))
    assert failure.value.status == 404
    assert "subscriber" in failure.value.message


async def test_unverified_send_as_lands_on_its_field(sandbox_client: Any) -> None:
    answers = {**VALID["minimal"], "username": "carol-desk", "send_as": "+14155550100"}
    async with sandbox_client("signalwire") as client:
        with pytest.raises(ProviderError) as failure:
            await client.create(prepare(SIGNALWIRE, MODE.key, answers, client.account))
    assert failure.value.status == 422
    assert failure.value.field == "send_as"
    assert failure.value.code == "not_purchased_or_verified"
    assert "purchased or verified" in failure.value.message
    assert CANARY not in str(failure.value)


async def test_taken_username_lands_on_the_username_field(sandbox_client: Any) -> None:
    answers = {**VALID["minimal"], "username": "dave-desk"}
    async with sandbox_client("signalwire") as client:
        await client.create(prepare(SIGNALWIRE, MODE.key, answers, client.account))
        with pytest.raises(ProviderError) as failure:
            await client.create(prepare(SIGNALWIRE, MODE.key, answers, client.account))
    assert failure.value.status == 422 and failure.value.field == "username"


async def test_current_api_rejects_the_legacy_fields(sandbox_client: Any) -> None:
    async with sandbox_client("signalwire") as client:
        with pytest.raises(ProviderError) as failure:
            await client.create(prepare(SIGNALWIRE, MODE.key, LEGACY, client.account))
    error = failure.value
    assert error.status == 422
    assert {p.field for p in error.problems} == {"password_confirmation", "call_handler"}
    assert CANARY not in str(error) and all(CANARY not in p.message for p in error.problems)


async def test_sandbox_rejects_what_the_api_documents_as_invalid(sandbox_client: Any) -> None:
    """Bypass our validation: the emulator itself enforces the documented rules and error shape."""
    bad = {
        "username": "",
        "send_as": "555-0100",
        "ciphers": ["AES_999"],
        "codecs": "PCMU",
        "encryption": "always",
        "call_handler": "default",
    }
    async with sandbox_client("signalwire") as client:
        with pytest.raises(ProviderError) as failure:
            await client.send(
                Call("POST", f"/api/fabric/resources/subscribers/{SUBSCRIBER}/sip_endpoints", json=bad)
            )
    error = failure.value
    assert error.status == 422
    fields = {p.field for p in error.problems}
    assert fields == {"username", "password", "send_as", "ciphers", "codecs", "encryption", "call_handler"}
    assert error.field in fields
    assert "missing_required_parameter" in (error.code or "")
    messages = {p.field: p.message for p in error.problems}
    assert messages["ciphers"] == "Ciphers are invalid"
    assert messages["username"] == "username is required"


async def test_sandbox_pages_need_the_page_token(sandbox_client: Any) -> None:
    """A page past the first is found through the links' page_token only. The list operations declare no
    422 (only 200, 401, 404, 500), so a page asked for without it is not found."""
    async with sandbox_client("signalwire") as client:
        with pytest.raises(ProviderError) as failure:
            await client.send(Call("GET", "/api/fabric/resources/subscribers", params={"page_number": "1"}))
    assert failure.value.status == 404


@pytest.mark.parametrize("username", ["alice desk", "alice@example.com"])
def test_a_username_with_a_space_or_at_sign_warns_and_is_sent(username: str) -> None:
    """Reference line 203 says "no whitespace or @" of the legacy relay endpoints only; seed 001 line 31
    types the Fabric endpoint's username as a string: inferred, a warning."""
    from trunkwizard.fields import check_answers, wire_body

    model = SIGNALWIRE.mode("sip-endpoint").model
    request, warnings = check_answers(model, {**VALID["minimal"], "username": username})
    assert [w.field for w in warnings] == ["username"] and "SignalWire may refuse it" in warnings[0].message
    assert wire_body(request)["username"] == username
