"""Yeastar P-Series: every trunk type created in the sandbox PBX over loopback HTTP, every documented
rule enforced, the token flow (one re-login on expiry, no retry of a refused login) proven by counting."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route

from tests.support.canary import CANARY
from trunkwizard.client import ProviderClient, load_account, prepare
from trunkwizard.errors import AuthenticationFailed, NetworkError, ProviderError, ValidationFailed
from trunkwizard.fields import shown_fields, validate_answers, wire_body
from trunkwizard.providers import Call, get_provider
from trunkwizard.providers.yeastar import YeastarAccount, YeastarRegisterTrunk
from trunkwizard.sandbox import SandboxServer
from trunkwizard.sandbox import yeastar as pbx_emulator
from trunkwizard.sandbox.yeastar import YeastarSandbox

YEASTAR = get_provider("yeastar")

VALID: dict[str, dict[str, Any]] = {
    "register": {
        "name": "ITSP_Main",
        "country": "general",
        "type": "register",
        "transport": "udp",
        "hostname": "sip.provider.example.com",
        "port": 5060,
        "domain": "provider.example.com",
        "username": "6701",
        "password": CANARY,
        "auth_name": "6701auth",
        "codec_sel": ["g722", "ulaw", "alaw"],
        "enable": 1,
        "enb_outbound_proxy": 1,
        "outbound_proxy_server": "proxy.provider.example.com",
        "outbound_proxy_port": 5070,
        "def_outbound_cid": "5503300",
        "def_outbound_cid_name": "Yeastar",
        "outbound_cid_list": [
            {
                "outbound_cid_option": "range",
                "outbound_cid": "5503310-5503319",
                "outbound_cid_to_ext_range": "1010-1019",
            },
            {
                "outbound_cid_option": "shared",
                "outbound_cid": "5503301",
                "outbound_cid_name": "Sales",
                "ext_list": [{"type": "extension", "id": 3, "ext_number": "1001", "ext_name": "Ann"}],
            },
        ],
        "did_list": [{"did": "5503308", "did_name": "Sales"}, {"did": "5503309"}],
    },
    "peer": {
        "name": "Peer_Carrier",
        "type": "peer",
        "transport": "tcp",
        "hostname": "203.0.113.20",
        "port": 5060,
        "domain": "203.0.113.20",
        "codec_sel": "ulaw,alaw,opus",  # as an answers file writes it
        "did_list": [{"did": "5550100"}],
    },
    "account": {
        "name": "Branch_Office",
        "type": "account",
        "transport": "tls",
        "number": "branch01",
        "password": CANARY,
        "auth_name": "branch01auth",
        "codec_sel": ["mpeg4", "ulaw"],
        "outbound_cid_list": [
            {
                "outbound_cid_option": "shared",
                "outbound_cid": "5503301",
                "ext_list": [{"type": "ext_group", "ext_number": "Sales"}],
            }
        ],
    },
}

# The request example of seed 003, verbatim (its ext_list entry has no `id`, unlike the table).
SEED_EXAMPLE: dict[str, Any] = {
    "name": "test_Calls",
    "country": "general",
    "type": "register",
    "transport": "dnsnaptr",
    "hostname": "abc.provider.com",
    "port": 5060,
    "domain": "abc.provider.com",
    "username": "6701",
    "password": "aAc1653249",
    "auth_name": "mubJwYEWs9",
    "codec_sel": "ulaw,alaw,g729",
    "def_outbound_cid": "5503300",
    "def_outbound_cid_name": "Yeastar",
    "outbound_cid_list": [
        {
            "outbound_cid_option": "shared",
            "outbound_cid": "5503301",
            "outbound_cid_name": "Yeastar Sales",
            "ext_list": [{"ext_number": "Yeastar Sales", "ext_name": "Yeastar Sales", "type": "ext_group"}],
        }
    ],
    "did_list": [{"did": "5503308", "did_name": "Yeastar"}],
}


def model_of(mode: str, answers: dict[str, Any]) -> Any:
    return validate_answers(YEASTAR.mode(mode).model, answers)


# --- every trunk type, end to end ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", list(VALID))
async def test_each_trunk_type_is_created_and_found(mode: str, sandbox_client: Any) -> None:
    answers = VALID[mode]
    async with sandbox_client("yeastar") as client:
        prepared = prepare(YEASTAR, mode, answers, client.account)
        created = await client.create(prepared)
        assert created.ref.id.isdigit()
        found = await client.fetch(created.ref)
        trunk = found["data"]
        assert (trunk["name"], trunk["type"]) == (answers["name"], mode)
        assert trunk["codec_sel"] == wire_body(prepared.request)["codec_sel"]
        listing = await client.send(Call("GET", "/trunk/list", params={"page_size": "100"}))
        assert int(created.ref.id) in [item["id"] for item in listing["data"]]
        find = YEASTAR.find_call(prepared.mode, prepared.request)
        assert find is not None
        assert (
            YEASTAR.find_existing(prepared.mode, prepared.request, await client.send(find)) == created.ref.id
        )
    assert CANARY not in repr(created)
    assert any(f"id {created.ref.id}" in step for step in created.next_steps)


async def test_the_seed_example_is_accepted_as_written(sandbox_client: Any) -> None:
    request = model_of("register", SEED_EXAMPLE)
    assert wire_body(request, reveal=True) == SEED_EXAMPLE
    async with sandbox_client("yeastar") as client:
        created = await client.create(prepare(YEASTAR, "register", SEED_EXAMPLE, client.account))
        trunk = (await client.fetch(created.ref))["data"]
    assert trunk["outbound_cid_list"] == SEED_EXAMPLE["outbound_cid_list"]
    assert trunk["did_list"] == SEED_EXAMPLE["did_list"]


async def test_a_deleted_trunk_is_gone(sandbox_client: Any) -> None:
    answers = {**VALID["peer"], "name": "Short_Lived"}
    async with sandbox_client("yeastar") as client:
        created = await client.create(prepare(YEASTAR, "peer", answers, client.account))
        await client.delete(created.ref)
        with pytest.raises(ProviderError) as failure:
            await client.fetch(created.ref)
    assert failure.value.code == "60001"
    assert "DATA NOT FOUND" in failure.value.message


# --- what each type sends ---------------------------------------------------------------------------------


def test_codecs_go_as_one_comma_string_in_the_chosen_order() -> None:
    assert wire_body(model_of("register", VALID["register"]))["codec_sel"] == "g722,ulaw,alaw"
    assert wire_body(model_of("peer", VALID["peer"]))["codec_sel"] == "ulaw,alaw,opus"


def test_the_outbound_proxy_is_shown_required_and_sent_only_when_enabled() -> None:
    proxy = {"outbound_proxy_server", "outbound_proxy_port"}
    for off in ({"enb_outbound_proxy": 0}, {}):
        answers = {k: v for k, v in VALID["register"].items() if k != "enb_outbound_proxy"} | off
        assert not proxy & {f.wire for f in shown_fields(YeastarRegisterTrunk, answers)}
        body = wire_body(model_of("register", answers), reveal=True)
        assert not proxy & set(body), "hidden proxy fields must not be sent"
    on = VALID["register"]
    assert proxy <= {f.wire for f in shown_fields(YeastarRegisterTrunk, on)}
    body = wire_body(model_of("register", on), reveal=True)
    assert (body["enb_outbound_proxy"], body["outbound_proxy_server"], body["outbound_proxy_port"]) == (
        1,
        "proxy.provider.example.com",
        5070,
    )
    # Seed 003 lines 72-73 mark server and port "No": the proxy on without one only warns (inferred)
    from trunkwizard.fields import check_answers

    for field in proxy:
        answers = {k: v for k, v in on.items() if k != field}
        request, warnings = check_answers(YeastarRegisterTrunk, answers)
        assert [w.field for w in warnings] == [field]
        assert "the outbound proxy is on without its server and port" in warnings[0].message
        assert field not in wire_body(request, reveal=True)


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ({"outbound_cid_option": "range"}, "outbound_cid_to_ext_range", "without its extension range"),
        ({"outbound_cid_option": "shared"}, "ext_list", "without extensions"),
    ],
)
def test_a_caller_id_row_without_its_extensions_warns(row: dict[str, Any], field: str, words: str) -> None:
    """Seed 003 lines 90 and 92 mark outbound_cid_to_ext_range and ext_list "No": inferred, a warning."""
    from trunkwizard.fields import check_answers

    answers = {**VALID["register"], "outbound_cid_list": [{**row, "outbound_cid": "5503310"}]}
    _, warnings = check_answers(YeastarRegisterTrunk, answers)
    assert [w.field for w in warnings] == [f"outbound_cid_list.0.{field}"] and words in warnings[0].message


def test_caller_id_rows_send_only_what_their_option_needs() -> None:
    row = {
        "outbound_cid_option": "range",
        "outbound_cid": "5503310-5503319",
        "outbound_cid_to_ext_range": "1010-1019",
        "ext_list": [{"id": 3}],
    }
    body = wire_body(model_of("peer", {**VALID["peer"], "outbound_cid_list": [row]}))
    assert body["outbound_cid_list"] == [{k: v for k, v in row.items() if k != "ext_list"}]
    shared = {**row, "outbound_cid_option": "shared"}
    body = wire_body(model_of("peer", {**VALID["peer"], "outbound_cid_list": [shared]}))
    assert body["outbound_cid_list"] == [
        {k: v for k, v in shared.items() if k != "outbound_cid_to_ext_range"}
    ]


def test_each_type_sends_only_its_own_fields() -> None:
    peer = wire_body(model_of("peer", VALID["peer"]))
    assert not {"username", "password", "auth_name", "number", "enb_outbound_proxy"} & set(peer)
    account = wire_body(model_of("account", VALID["account"]))
    assert account["number"] == "branch01" and "username" not in account
    assert not {"hostname", "port", "domain", "did_list"} & set(account)
    assert account["country"] == "general" and account["type"] == "account"


def test_mode_is_detected_from_the_trunk_type() -> None:
    for mode in ("register", "peer", "account"):
        assert YEASTAR.detect_mode({"type": mode}) == mode
    assert YEASTAR.detect_mode({}) is None
    assert YEASTAR.detect_mode({"type": "peer_did"}) is None


# --- every documented rule names its field ------------------------------------------------------------------


RULES = [
    ("register", {"name": None}, "name", "required"),
    ("register", {"type": "peer"}, "type", "one of: register"),
    ("register", {"transport": "sctp"}, "transport", "udp, tcp, tls, dnsnaptr"),
    ("register", {"transport": None}, "transport", "required"),
    ("register", {"hostname": "sip://abc.provider.com"}, "hostname", "without scheme"),
    ("register", {"hostname": None}, "hostname", "required"),
    ("register", {"port": 0}, "port", "from 1 to 65535"),
    ("register", {"port": 65536}, "port", "65535"),
    ("register", {"domain": "bad domain"}, "domain", "not a valid hostname"),
    ("register", {"username": None}, "username", "required"),
    ("register", {"auth_name": None}, "auth_name", "required"),
    ("register", {"password": None}, "password", "required"),
    ("register", {"password": "Short1a"}, "password", "at least 10 characters"),
    ("register", {"password": "nouppercase123"}, "password", "an uppercase letter"),
    ("register", {"password": "NOLOWERCASE123"}, "password", "a lowercase letter"),
    ("register", {"password": "NoDigitsAtAllHere"}, "password", "a digit"),
    ("register", {"codec_sel": []}, "codec_sel", "required"),
    ("register", {"codec_sel": ["ulaw", "g711"]}, "codec_sel.1", "one of: ulaw, alaw"),
    ("register", {"enable": 2}, "enable", "no larger than 1"),
    ("register", {"outbound_proxy_port": 70000}, "outbound_proxy_port", "65535"),
    ("register", {"outbound_proxy_server": "proxy:5060"}, "outbound_proxy_server", "without a port"),
    (
        "register",
        {"outbound_cid_list": [{"outbound_cid_option": "single", "outbound_cid": "1"}]},
        "outbound_cid_list.0.outbound_cid_option",
        "one of: range, shared",
    ),
    (
        "register",
        {"outbound_cid_list": [{"outbound_cid_option": "range", "outbound_cid_to_ext_range": "1-2"}]},
        "outbound_cid_list.0.outbound_cid",
        "required",
    ),
    (
        "register",
        {
            "outbound_cid_list": [
                {"outbound_cid_option": "shared", "outbound_cid": "1", "ext_list": [{"type": "extension"}]}
            ]
        },
        "outbound_cid_list.0.ext_list.0.id",
        "ID or its number",
    ),
    (
        "register",
        {
            "outbound_cid_list": [
                {
                    "outbound_cid_option": "shared",
                    "outbound_cid": "1",
                    "ext_list": [{"type": "user", "id": 4}],
                }
            ]
        },
        "outbound_cid_list.0.ext_list.0.type",
        "one of: extension, ext_group",
    ),
    ("register", {"did_list": [{"did_name": "Sales"}]}, "did_list.0.did", "required"),
    ("register", {"number": "6701"}, "number", "not accepted"),
    ("peer", {"codec_sel": ["ulaw", "mpeg4"]}, "codec_sel.1", "one of: ulaw"),
    ("peer", {"username": "6701"}, "username", "not accepted"),
    ("peer", {"password": CANARY}, "password", "not accepted"),
    ("peer", {"enb_outbound_proxy": 1}, "enb_outbound_proxy", "not accepted"),
    ("peer", {"hostname": None}, "hostname", "required"),
    ("account", {"transport": "dnsnaptr"}, "transport", "one of: udp, tcp, tls"),
    ("account", {"number": None}, "number", "required"),
    ("account", {"username": "branch01"}, "username", "not accepted"),
    ("account", {"did_list": [{"did": "1"}]}, "did_list", "not accepted"),
    ("account", {"hostname": "abc.provider.com"}, "hostname", "not accepted"),
]


@pytest.mark.parametrize(("mode", "change", "field", "words"), RULES)
def test_each_rule_names_its_field(mode: str, change: dict[str, Any], field: str, words: str) -> None:
    answers = {k: v for k, v in {**VALID[mode], **change}.items() if v is not None}
    with pytest.raises(ValidationFailed) as failure:
        model_of(mode, answers)
    problems = {p.field: p.message for p in failure.value.problems}
    assert field in problems, problems
    assert words in problems[field]
    assert CANARY not in str(failure.value)


def test_the_pbx_address_is_a_web_address() -> None:
    account = validate_answers(
        YeastarAccount,
        {
            "base_url": "https://pbx.example.com:8088/openapi/v1.0/",
            "client_id": "id",
            "client_secret": CANARY,
        },
    )
    assert YEASTAR.base_url(account) == "https://pbx.example.com:8088/openapi/v1.0"
    with pytest.raises(ValidationFailed) as failure:
        validate_answers(
            YeastarAccount, {"base_url": "192.168.5.150:8088", "client_id": "i", "client_secret": "s"}
        )
    assert failure.value.problems[0].field == "base_url"
    assert "https://192.168.5.150:8088" in failure.value.problems[0].message


def test_the_preview_masks_the_secret_and_the_token(sandbox_url: str) -> None:
    from trunkwizard.sandbox import sandbox_account

    account = load_account(YEASTAR, {**sandbox_account("yeastar", sandbox_url), "client_secret": CANARY})
    preview = prepare(YEASTAR, "register", VALID["register"], account).preview
    text, curl = preview.as_text(), preview.as_curl()
    assert preview.url.startswith(sandbox_url + "/yeastar/openapi/v1.0/trunk/create?access_token=")
    assert preview.json is not None and preview.json["password"] == "********"
    assert "${TRUNKWIZARD_YEASTAR_PASSWORD}" in curl
    assert CANARY not in text and CANARY not in curl


# --- the PBX's own errors ---------------------------------------------------------------------------------


async def test_a_trunk_name_already_used_lands_on_the_name(sandbox_client: Any) -> None:
    answers = {**VALID["peer"], "name": "Twice_Named"}
    async with sandbox_client("yeastar") as client:
        prepared = prepare(YEASTAR, "peer", answers, client.account)
        await client.create(prepared)
        with pytest.raises(ProviderError) as failure:
            await client.create(prepared)
    error = failure.value
    assert (error.code, error.field) == ("40003", "name")
    assert "DUPLICATE KEY VALUE" in error.message and "Twice_Named" in error.message


async def test_the_sandbox_rejects_what_the_pbx_documents_as_invalid(sandbox_client: Any) -> None:
    """Bypass our validation: the emulator enforces seed 003 itself and names each field."""
    weak_secret = CANARY.lower()  # no uppercase: refused by the PBX's password rule
    body = {
        **wire_body(model_of("register", SEED_EXAMPLE), reveal=True),
        "name": "Raw_Invalid",
        "password": weak_secret,
        "transport": "sctp",
        "codec_sel": "ulaw,mpeg2",
        "enb_outbound_proxy": 1,
        "outbound_cid_list": [
            {"outbound_cid_option": "range", "outbound_cid": "1"},
            {"outbound_cid_option": "shared", "outbound_cid": "2", "ext_list": [{"type": "ext_group"}]},
        ],
        "did_list": [{"did_name": "x"}],
    }
    async with sandbox_client("yeastar") as client:
        with pytest.raises(ProviderError) as failure:
            await client.send(Call("POST", "/trunk/create", json=body))
    error = failure.value
    assert error.code == "40002" and "PARAMETER ERROR" in error.message
    fields = {p.field for p in error.problems}
    assert "outbound_cid_list[0].outbound_cid_to_ext_range" not in fields  # seed 003 line 90: "No"
    assert {
        "password",
        "transport",
        "codec_sel",
        "outbound_cid_list[1].ext_list[0].id",
        "did_list[0].did",
    } <= fields
    assert error.field == "transport"  # the first in the table's order
    assert weak_secret not in str(error) and weak_secret not in repr(error.problems)
    assert "'sctp'" in error.message  # other refused values are repeated to help


RAW_PEER = {**VALID["peer"], "name": "Raw_Peer", "country": "general", "codec_sel": "ulaw"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "peer_did"}, "type"),
        ({**RAW_PEER, "codec_sel": "ulaw,mpeg4"}, "codec_sel"),
        ({**RAW_PEER, "username": "6701"}, "username"),
        ({**RAW_PEER, "port": "5060"}, "port"),
        ({**RAW_PEER, "hostname": None}, "hostname"),
        ({**RAW_PEER, "country": ""}, "country"),
        ({**RAW_PEER, "enable": 2}, "enable"),
        ({**RAW_PEER, "name": 7}, "name"),
        (
            {**RAW_PEER, "outbound_cid_list": [{"outbound_cid_option": "all", "outbound_cid": "1"}]},
            "outbound_cid_list[0].outbound_cid_option",
        ),
    ],
)
async def test_the_sandbox_refuses_raw_bodies(body: dict[str, Any], field: str, sandbox_client: Any) -> None:
    async with sandbox_client("yeastar") as client:
        with pytest.raises(ProviderError) as failure:
            await client.send(Call("POST", "/trunk/create", json=body))
    assert failure.value.code == "40002"
    assert field in {p.field for p in failure.value.problems}


async def test_account_trunk_transport_and_unknown_interface(sandbox_client: Any) -> None:
    body = wire_body(model_of("account", {**VALID["account"], "name": "Raw_Account"}), reveal=True)
    async with sandbox_client("yeastar") as client:
        with pytest.raises(ProviderError) as failure:
            await client.send(Call("POST", "/trunk/create", json={**body, "transport": "dnsnaptr"}))
        assert failure.value.field == "transport"
        with pytest.raises(ProviderError) as unknown:
            await client.send(Call("GET", "/trunk/no_such_call"))
    assert unknown.value.code == "10001"
    assert "INTERFACE NOT EXISTED" in unknown.value.message and "base URL" in unknown.value.message


# --- the token flow, on a PBX of the test's own ----------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def pbx() -> Iterator[tuple[YeastarSandbox, str]]:
    """A fresh PBX (own lockout counters, own clock) served on 127.0.0.1."""
    sandbox = YeastarSandbox(clock=Clock())
    app = Starlette(routes=[Mount("/yeastar", app=pbx_emulator.app(sandbox))])
    with SandboxServer(app=app) as server:
        yield sandbox, server.url


@asynccontextmanager
async def pbx_client(url: str, **overrides: Any) -> AsyncIterator[ProviderClient]:
    account = load_account(YEASTAR, {**pbx_emulator.account(url), **overrides})
    async with ProviderClient(YEASTAR, account, timeout=5.0) as client:
        yield client


def peer(name: str) -> dict[str, Any]:
    return {**VALID["peer"], "name": name}


async def test_an_expired_token_is_renewed_once_and_the_call_resent(pbx: tuple[YeastarSandbox, str]) -> None:
    sandbox, url = pbx
    clock = sandbox.clock
    assert isinstance(clock, Clock)
    async with pbx_client(url) as client:
        await client.create(prepare(YEASTAR, "peer", peer("First"), client.account))
        assert sandbox.logins == 1
        clock.now += sandbox.access_token_lifetime + 1
        created = await client.create(prepare(YEASTAR, "peer", peer("Second"), client.account))
        await client.fetch(created.ref)
    assert sandbox.logins == 2
    assert sorted(t["name"] for t in sandbox.trunks.values()) == ["First", "Second"]


async def test_a_token_that_expires_again_stops_after_one_relogin(pbx: tuple[YeastarSandbox, str]) -> None:
    sandbox, url = pbx
    sandbox.access_token_lifetime = 0
    async with pbx_client(url) as client:
        with pytest.raises(AuthenticationFailed) as failure:
            await client.create(prepare(YEASTAR, "peer", peer("Never"), client.account))
    assert sandbox.logins == 2
    assert failure.value.code == "10004" and "TOKEN EXPIRED" in failure.value.message
    assert sandbox.trunks == {}


async def test_a_refused_login_is_never_retried(pbx: tuple[YeastarSandbox, str]) -> None:
    sandbox, url = pbx
    async with pbx_client(url, client_secret=CANARY) as client:
        for name in ("One", "Two", "Three"):
            with pytest.raises(AuthenticationFailed) as failure:
                await client.create(prepare(YEASTAR, "peer", peer(name), client.account))
    assert sandbox.logins == 1 and sandbox.failed_logins == {"127.0.0.1": 1}
    error = failure.value
    assert error.code == "-1" and error.field == "client_secret"
    assert "5 failed logins" in error.message and "Integrations > API" in error.message
    assert CANARY not in str(error)


async def test_the_fifth_failed_login_blocks_the_ip(pbx: tuple[YeastarSandbox, str]) -> None:
    sandbox, url = pbx
    async with httpx.AsyncClient(headers={"User-Agent": "OpenAPI"}) as raw:
        for _ in range(4):
            answer = await raw.post(
                f"{url}/yeastar/openapi/v1.0/get_token", json={"username": "x", "password": "guess"}
            )
            assert answer.json()["errcode"] == -1
    async with pbx_client(url, client_secret=CANARY) as client:
        with pytest.raises(AuthenticationFailed):
            await client.create(prepare(YEASTAR, "peer", peer("Blocked"), client.account))
    assert sandbox.blocked_ips == {"127.0.0.1"}
    async with pbx_client(url) as client:  # even the right secret is refused now
        with pytest.raises(AuthenticationFailed) as failure:
            await client.create(prepare(YEASTAR, "peer", peer("Blocked"), client.account))
    assert failure.value.code == "70004"
    assert "Blocked IPs" in failure.value.message
    assert sandbox.logins == 5


async def test_the_access_token_never_reaches_logs_or_errors(
    pbx: tuple[YeastarSandbox, str], caplog: pytest.LogCaptureFixture
) -> None:
    sandbox, url = pbx
    caplog.set_level(logging.DEBUG)
    async with pbx_client(url) as client:
        await client.create(prepare(YEASTAR, "peer", peer("Logged"), client.account))
        with pytest.raises(ProviderError) as failure:
            await client.send(Call("GET", "/trunk/get", params={"id": "999"}))
        tokens = list(sandbox.access_tokens) + list(sandbox.refresh_tokens)
    assert len(tokens) == 2
    assert "del_token?access_token=********" in caplog.text  # the sign-out on close, masked too
    assert "access_token=********" in caplog.text
    for token in tokens:
        assert token not in caplog.text
        assert token not in str(failure.value)


async def test_closing_the_client_revokes_its_token(pbx: tuple[YeastarSandbox, str]) -> None:
    sandbox, url = pbx
    async with pbx_client(url) as client:
        await client.create(prepare(YEASTAR, "peer", peer("Revoked"), client.account))
        (token,) = sandbox.access_tokens
    assert sandbox.access_tokens == {}  # del_token: the PBX allows only a few live tokens
    async with httpx.AsyncClient(headers={"User-Agent": "OpenAPI"}) as raw:
        after = await raw.get(f"{url}/yeastar/openapi/v1.0/trunk/list", params={"access_token": token})
    assert after.json()["errcode"] == 10004


async def test_a_pbx_gone_before_the_sign_out_does_not_spoil_the_result() -> None:
    sandbox = YeastarSandbox(clock=Clock())
    app = Starlette(routes=[Mount("/yeastar", app=pbx_emulator.app(sandbox))])
    with SandboxServer(app=app) as server:
        url = server.url
        client = ProviderClient(YEASTAR, load_account(YEASTAR, pbx_emulator.account(url)), timeout=5.0)
        await client.__aenter__()
        created = await client.create(prepare(YEASTAR, "peer", peer("Kept"), client.account))
    await client.__aexit__(None, None, None)  # the server is stopped: the sign-out fails quietly
    assert created.ref.id and sandbox.access_tokens  # created, and the token could not be revoked


async def test_token_endpoints_and_user_agent(pbx: tuple[YeastarSandbox, str]) -> None:
    sandbox, url = pbx
    api = f"{url}/yeastar/openapi/v1.0"
    credentials = {"username": pbx_emulator.CLIENT_ID, "password": pbx_emulator.CLIENT_SECRET}
    async with httpx.AsyncClient(headers={"User-Agent": "OpenAPI"}) as raw:
        no_agent = raw.build_request("POST", f"{api}/get_token", json=credentials)
        del no_agent.headers["User-Agent"]
        assert (await raw.send(no_agent)).json()["errcode"] == 10005
        tokens = (await raw.post(f"{api}/get_token", json=credentials)).json()
        assert tokens["errcode"] == 0 and tokens["access_token_expire_time"] == 1800
        renewed = (
            await raw.post(f"{api}/refresh_token", json={"refresh_token": tokens["refresh_token"]})
        ).json()
        assert renewed["errcode"] == 0 and renewed["access_token"] != tokens["access_token"]
        again = (
            await raw.post(f"{api}/refresh_token", json={"refresh_token": tokens["refresh_token"]})
        ).json()
        assert again["errcode"] == 10004  # a refresh token is used up by refreshing
        listing = await raw.get(f"{api}/trunk/list", params={"access_token": renewed["access_token"]})
        assert listing.json() == {"errcode": 0, "errmsg": "SUCCESS", "total_number": 0, "data": []}
        revoked = await raw.get(f"{api}/del_token", params={"access_token": renewed["access_token"]})
        assert revoked.json()["errcode"] == 0
        after = await raw.get(f"{api}/trunk/list", params={"access_token": renewed["access_token"]})
        assert after.json()["errcode"] == 10004
    assert sandbox.logins == 1


async def login_page(request: Request) -> Response:
    return HTMLResponse("<html><body>Yeastar P-Series web portal</body></html>")


async def test_a_base_url_that_is_not_the_api_says_so() -> None:
    app = Starlette(routes=[Route("/{path:path}", login_page, methods=["GET", "POST"])])
    with SandboxServer(app=app) as server:
        async with pbx_client(server.url, base_url=server.url + "/portal") as client:
            with pytest.raises(NetworkError) as failure:
                await client.create(prepare(YEASTAR, "peer", peer("Nowhere"), client.account))
    assert "get_token" in failure.value.message and "base URL" in failure.value.message
