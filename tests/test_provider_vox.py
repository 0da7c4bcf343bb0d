"""Vox.ai: a custom SIP number registered in the sandbox over loopback HTTP, its optional agent mapping
made as a follow-up call, every documented rule enforced, and Korean text kept intact."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.canary import CANARY
from trunkwizard.client import load_account, prepare
from trunkwizard.errors import AuthenticationFailed, ProviderError, ValidationFailed
from trunkwizard.fields import shown_fields, validate_answers, wire_body
from trunkwizard.providers import Call, get_provider
from trunkwizard.providers.vox import VoxCustomSip
from trunkwizard.sandbox import sandbox_account
from trunkwizard.sandbox.vox import AGENTS

# Seed 004 line 77 `^\d+$` is ASCII: full-width digits (U+FF10..) look the same and are refused.
FULLWIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))

VOX = get_provider("vox")
MODE = "custom-sip"
INBOUND_AGENT, OUTBOUND_AGENT = list(AGENTS)
MEMO = "본사 대표번호 (서울 강남구) ☎"

VALID: dict[str, Any] = {
    "number": "07011112222",
    "address": "sip:trunk.example.com:5060",
    "auth_username": "vox-customer-12",
    "auth_password": CANARY,
    "memo": MEMO,
}
WITH_AGENTS: dict[str, Any] = {
    **VALID,
    "number": "07011113333",
    "map_inbound_agent": True,
    "inbound_agent_id": INBOUND_AGENT,
    "map_outbound_agent": True,
    "outbound_agent_id": OUTBOUND_AGENT,
    "outbound_agent_version": "v1",
}


def model_of(answers: dict[str, Any]) -> VoxCustomSip:
    return validate_answers(VoxCustomSip, answers)


async def test_a_number_is_registered_and_found_with_its_korean_memo(sandbox_client: Any) -> None:
    async with sandbox_client("vox") as client:
        created = await client.create(prepare(VOX, MODE, VALID, client.account))
        found = await client.fetch(created.ref)
        listing = await client.send(Call("GET", "/organization-telephone-numbers", params={"limit": "100"}))
    assert created.returned["memo"] == MEMO and found["memo"] == MEMO
    assert (found["number"], found["address"], found["provider"]) == (
        "07011112222",
        VALID["address"],
        "custom",
    )
    assert found["inbound_agent"] is None and found["outbound_agent"] is None
    assert created.ref.id in [item["id"] for item in listing["items"]]
    assert any("No agent answers yet" in step for step in created.next_steps)
    assert created.warnings == ()
    assert CANARY not in repr(created) and CANARY not in repr(found)


async def test_agents_are_mapped_by_the_follow_up_call(sandbox_client: Any) -> None:
    async with sandbox_client("vox") as client:
        prepared = prepare(VOX, MODE, WITH_AGENTS, client.account)
        assert prepared.call.json is not None and "inbound_agent" not in prepared.call.json
        created = await client.create(prepared)
        found = await client.fetch(created.ref)
    expected_in = {"agent_id": INBOUND_AGENT, "agent_version": "current"}
    expected_out = {"agent_id": OUTBOUND_AGENT, "agent_version": "v1"}
    assert (found["inbound_agent"], found["outbound_agent"]) == (expected_in, expected_out)
    assert created.returned["inbound_agent"] == expected_in
    assert created.warnings == ()
    assert not any("No agent answers yet" in step for step in created.next_steps)
    assert any(step.startswith("Mapped inbound agent") for step in created.next_steps)


async def test_a_failed_mapping_is_a_warning_and_the_number_stays(sandbox_client: Any) -> None:
    unknown_agent = "0f0f0f0f-1111-4222-8333-444455556666"
    answers = {**VALID, "number": "07011114444", "map_inbound_agent": True, "inbound_agent_id": unknown_agent}
    async with sandbox_client("vox") as client:
        created = await client.create(prepare(VOX, MODE, answers, client.account))
        found = await client.fetch(created.ref)
    assert found["number"] == "07011114444" and found["inbound_agent"] is None
    (warning,) = created.warnings
    assert f"created (id {created.ref.id})" in warning
    assert "PATCH" in warning and "inbound_agent_id" in warning and "에이전트를 찾을 수 없습니다" in warning


def test_only_the_directions_asked_for_are_mapped() -> None:
    account = load_account(VOX, sandbox_account("vox"))
    request = model_of({**VALID, "map_outbound_agent": True, "outbound_agent_id": OUTBOUND_AGENT})
    number_id = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    created = VOX.created(VOX.mode(MODE), request, {"id": number_id}, account)
    (planned,) = VOX.follow_up_calls(VOX.mode(MODE), request)
    assert planned.path == "/organization-telephone-numbers/{created_id}/agent"
    call = planned.after_create(created.ref.id)
    assert (call.method, call.path) == ("PATCH", f"/organization-telephone-numbers/{number_id}/agent")
    assert call.json == {"outbound_agent": {"agent_id": OUTBOUND_AGENT, "agent_version": "current"}}
    assert VOX.follow_up_calls(VOX.mode(MODE), model_of(VALID)) == []


def test_agent_fields_show_with_their_toggle_and_are_never_in_the_register_body() -> None:
    agent_fields = {"inbound_agent_id", "inbound_agent_version"}
    assert not agent_fields & {f.wire for f in shown_fields(VoxCustomSip, VALID)}
    assert agent_fields <= {f.wire for f in shown_fields(VoxCustomSip, WITH_AGENTS)}
    # Answers for a hidden agent are dropped, not validated, not mapped.
    hidden = model_of({**VALID, "inbound_agent_id": "not-a-uuid"})
    assert hidden.agent_mapping() == {}
    body = wire_body(model_of(WITH_AGENTS), reveal=True)
    assert set(body) == {"number", "address", "auth_username", "auth_password", "memo"}


def test_the_number_may_be_typed_with_hyphens() -> None:
    assert model_of({**VALID, "number": "070-1111-2222"}).number == "07011112222"


RULES = [
    ({"number": None}, "number", "required"),
    ({"number": "+827011112222"}, "number", "no +"),
    ({"number": "0701111222a"}, "number", "digits only"),
    ({"number": "1" * 21}, "number", "at most 20"),
    ({"address": None}, "address", "required"),
    ({"memo": "메" * 201}, "memo", "at most 200"),
    ({"map_inbound_agent": True}, "inbound_agent_id", "required while Map an inbound agent is on"),
    ({"map_inbound_agent": True, "inbound_agent_id": "agent-7"}, "inbound_agent_id", "UUID"),
    ({"inbound_agent": {"agent_id": INBOUND_AGENT}}, "inbound_agent", "not accepted"),
]


@pytest.mark.parametrize(("change", "field", "words"), RULES)
def test_each_rule_names_its_field(change: dict[str, Any], field: str, words: str) -> None:
    answers = {k: v for k, v in {**VALID, **change}.items() if v is not None}
    with pytest.raises(ValidationFailed) as failure:
        model_of(answers)
    problems = {p.field: p.message for p in failure.value.problems}
    assert field in problems, problems
    assert words in problems[field]
    assert CANARY not in str(failure.value)


@pytest.mark.parametrize(
    ("left_out", "words"),
    [("auth_password", "no password for auth username"), ("auth_username", "without its auth username")],
)
def test_half_an_auth_pair_warns_and_is_sent(left_out: str, words: str) -> None:
    """Seed 004 lines 84-89 make both optional and say nothing of a pair: inferred, so a warning."""
    from trunkwizard.fields import check_answers

    answers = {k: v for k, v in VALID.items() if k != left_out}
    request, warnings = check_answers(VoxCustomSip, answers)
    assert [w.field for w in warnings] == ["auth_password"] and words in warnings[0].message
    assert left_out not in wire_body(request, reveal=True)


def test_limits_are_counted_in_characters() -> None:
    assert model_of({**VALID, "memo": "메" * 200}).memo == "메" * 200
    assert model_of({**VALID, "number": "1" * 20}).number == "1" * 20
    minimal = model_of({"number": "8227001234", "address": "sip:203.0.113.5"})
    assert wire_body(minimal) == {"number": "8227001234", "address": "sip:203.0.113.5"}


def test_the_preview_uses_an_env_reference_for_the_key(sandbox_url: str) -> None:
    account = load_account(VOX, {**sandbox_account("vox", sandbox_url), "api_key": CANARY})
    preview = prepare(VOX, MODE, VALID, account).preview
    assert preview.headers["Authorization"] == "Bearer $TRUNKWIZARD_VOX_API_KEY"
    assert preview.json is not None and preview.json["memo"] == MEMO
    assert MEMO in preview.as_text() and MEMO in preview.as_curl()
    assert CANARY not in preview.as_text() and CANARY not in preview.as_curl()


# --- the provider's own errors -----------------------------------------------------------------------------


async def test_a_wrong_key_is_an_authentication_error(sandbox_client: Any) -> None:
    async with sandbox_client("vox", api_key=CANARY) as client:
        with pytest.raises(AuthenticationFailed) as failure:
            await client.create(prepare(VOX, MODE, {**VALID, "number": "07099990000"}, client.account))
    assert failure.value.status == 401
    assert "organization API key" in failure.value.message
    assert CANARY not in str(failure.value)


async def test_a_number_registered_twice_lands_on_the_number(sandbox_client: Any) -> None:
    answers = {**VALID, "number": "07011115599"}
    async with sandbox_client("vox") as client:
        prepared = prepare(VOX, MODE, answers, client.account)
        await client.create(prepared)
        with pytest.raises(ProviderError) as failure:
            await client.create(prepared)
        find = VOX.find_call(prepared.mode, prepared.request)
        assert find is not None
        existing = await client.send(find)
    assert (failure.value.status, failure.value.field) == (409, "number")
    assert "이미 등록된 전화번호입니다" in failure.value.message
    assert VOX.find_existing(prepared.mode, prepared.request, existing)


async def test_a_deleted_number_expires_at_once(sandbox_client: Any) -> None:
    async with sandbox_client("vox") as client:
        created = await client.create(prepare(VOX, MODE, {**VALID, "number": "07011116666"}, client.account))
        await client.delete(created.ref)
        found = await client.fetch(created.ref)
        active = await client.send(Call("GET", "/organization-telephone-numbers", params={"limit": "100"}))
        with pytest.raises(ProviderError) as missing:
            await client.fetch(type(created.ref)("vox", MODE, "3fa85f64-5717-4562-b3fc-2c963f66afa6"))
    assert found["status"] == "expired" and found["end_at"]
    assert created.ref.id not in [item["id"] for item in active["items"]]
    assert missing.value.status == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"address": "sip:trunk.example.com"}, "number"),
        ({"number": "070-1111-7777", "address": "sip:trunk.example.com"}, "number"),
        ({"number": "+827011117777", "address": "sip:trunk.example.com"}, "number"),
        ({"number": "1" * 21, "address": "sip:trunk.example.com"}, "number"),
        ({"number": "07011117777"}, "address"),
        ({"number": "07011117777", "address": ""}, "address"),
        ({"number": "07011117777".translate(FULLWIDTH), "address": "sip:t.example.com"}, "number"),
        ({"number": "07011117777\n", "address": "sip:t.example.com"}, "number"),
        ({"number": "07011117777", "address": "sip:t.example.com", "memo": "메" * 201}, "memo"),
        ({"number": "07011117777", "address": "sip:t.example.com", "auth_password": 12}, "auth_password"),
        (
            {
                "number": "07011117777",
                "address": "sip:t.example.com",
                "inbound_agent": {"agent_id": INBOUND_AGENT},
            },
            "inbound_agent_id",
        ),
    ],
)
async def test_the_sandbox_refuses_raw_register_bodies(
    body: dict[str, Any], field: str, sandbox_client: Any
) -> None:
    async with sandbox_client("vox") as client:
        with pytest.raises(ProviderError) as failure:
            await client.send(Call("POST", "/telephone-numbers/register", json=body))
    assert failure.value.status == 400
    assert failure.value.field == field
    assert "요청 값이 올바르지 않습니다" in failure.value.message


async def test_the_sandbox_refuses_raw_agent_patches(sandbox_client: Any) -> None:
    async with sandbox_client("vox") as client:
        created = await client.create(prepare(VOX, MODE, {**VALID, "number": "07011118888"}, client.account))
        path = f"/organization-telephone-numbers/{created.ref.id}/agent"
        cases = [
            ({}, 400, "body"),
            ({"inbound_agent": {"agent_id": "agent-7"}}, 400, "inbound_agent_id"),
            (
                {"outbound_agent": {"agent_id": OUTBOUND_AGENT, "agent_version": "latest"}},
                404,
                "outbound_agent_version",
            ),
            (
                {"outbound_agent": {"agent_id": OUTBOUND_AGENT, "agent_version": "v9"}},
                404,
                "outbound_agent_version",
            ),
            ({"agent": {"agent_id": OUTBOUND_AGENT}}, 400, "agent"),
        ]
        for body, status, field in cases:
            with pytest.raises(ProviderError) as failure:
                await client.send(Call("PATCH", path, json=body))
            assert (failure.value.status, failure.value.field) == (status, field), body
        mapped = await client.send(Call("PATCH", path, json={"inbound_agent": {"agent_id": INBOUND_AGENT}}))
        cleared = await client.send(Call("PATCH", path, json={"inbound_agent": None}))
    assert mapped["inbound_agent"] == {"agent_id": INBOUND_AGENT, "agent_version": "current"}
    assert cleared["inbound_agent"] is None


async def test_listing_pages_with_a_cursor(sandbox_client: Any) -> None:
    async with sandbox_client("vox") as client:
        for number in ("0212340001", "0212340002", "0212340003"):
            await client.create(
                prepare(VOX, MODE, {"number": number, "address": "sip:pbx.example.com"}, client.account)
            )
        seen: list[str] = []
        cursor: str | None = None
        for _ in range(50):
            params = {"limit": "2", "provider": "custom", **({"cursor": cursor} if cursor else {})}
            page = await client.send(Call("GET", "/organization-telephone-numbers", params=params))
            assert len(page["items"]) <= 2
            seen += [item["number"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        with pytest.raises(ProviderError) as too_many:
            await client.send(Call("GET", "/organization-telephone-numbers", params={"limit": "101"}))
    assert {"0212340001", "0212340002", "0212340003"} <= set(seen)
    assert len(seen) == len(set(seen)) == page["total_count"]
    assert too_many.value.field == "limit"


async def test_agent_versions_are_offered_from_the_versions_call(sandbox_client: Any) -> None:
    async with sandbox_client("vox") as client:
        choices = await client.lookup("agent_versions", INBOUND_AGENT)
        with pytest.raises(ProviderError):
            await client.lookup("agent_versions", "00000000-0000-4000-8000-000000000000")
        with pytest.raises(ValueError, match="choose the agent first"):
            await client.lookup("agent_versions", None)
    # the sandbox's inbound agent has production version 3 and a newer v4
    assert [c.value for c in choices] == ["current", "production", "v4", "v3", "v2", "v1"]
    assert choices[1].label == "production (v3)"
    assert choices[3].label.startswith("v3 (production")
    field = next(f for f in VOX.mode(MODE).fields if f.wire == "inbound_agent_version")
    assert (field.choices_from, field.choices_of) == ("agent_versions", "inbound_agent_id")


async def test_agents_are_offered_from_the_account(sandbox_client: Any) -> None:
    async with sandbox_client("vox") as client:
        choices = await client.lookup("agents")
    assert [c.value for c in choices] == list(AGENTS)
    assert "상담 안내 에이전트" in choices[0].label
