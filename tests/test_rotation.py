"""Rotating a joined connection over real loopback HTTP: the other side found from the connect history or
by matching username and host, both updates in order (the side that checks the password first), which
side holds which password after a failure, and the ways back (retry, put the old password back)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from tests.support.recording import Recorder, recording_sandbox
from tests.support.secret_service import PrivateHome
from tests.support.sip import SipPeers
from tests.test_editing import trunkwizard
from trunkwizard.client import ProviderClient, load_account
from trunkwizard.connect.rotation import (
    RotationState,
    matched_other_side,
    plan_joined_rotation,
    put_back,
    read_offer_of,
    recorded_other_side,
    resource_name,
    retry_rest,
    run_rotation,
)
from trunkwizard.errors import ValidationFailed
from trunkwizard.inventory import Details, show
from trunkwizard.preflight import CheckStatus, run_checks
from trunkwizard.providers import ResourceRef, get_provider
from trunkwizard.sandbox import SandboxServer, sandbox_account, wavix, yeastar
from trunkwizard.store import HistoryStore

JOINED_ID = 31  # the PBX trunk registered to Wavix trunk 201 (login 67701)


def joined_trunk(password: str) -> dict[str, Any]:
    """A register trunk on the PBX as `trunkwizard connect wavix yeastar` makes it."""
    return {
        "id": JOINED_ID,
        "name": "wx_reg",
        "enable": 1,
        "country": "general",
        "itsp": "",
        "type": "register",
        "transport": "udp",
        "hostname": "us.wavix.net",
        "port": 5060,
        "domain": "us.wavix.net",
        "username": "67701",
        "password": password,
        "auth_name": "67701",
        "codec_sel": "ulaw,alaw",
    }


@pytest.fixture
def served() -> Iterator[tuple[SandboxServer, Recorder, wavix.WavixSandbox, yeastar.YeastarSandbox]]:
    trunks = wavix.WavixSandbox()
    trunks.seed()
    pbx = yeastar.YeastarSandbox()
    pbx.seed()
    pbx.trunks[JOINED_ID] = joined_trunk(trunks.passwords[201])
    recorder = recording_sandbox(wavix_sandbox=trunks, yeastar_sandbox=pbx)
    with SandboxServer(app=recorder) as server:
        yield server, recorder, trunks, pbx


def _client(provider_key: str, url: str) -> ProviderClient:
    provider = get_provider(provider_key)
    return ProviderClient(provider, load_account(provider, sandbox_account(provider_key, url)), timeout=5.0)


async def _plan(url: str, start: str = "yeastar") -> Any:
    async with _client("wavix", url) as trunk_client, _client("yeastar", url) as pbx_client:
        trunk = await show(trunk_client, "201")
        pbx_trunk = await show(pbx_client, str(JOINED_ID))
        offer = await read_offer_of(trunk_client, trunk)
    wavix_provider, yeastar_provider = get_provider("wavix"), get_provider("yeastar")
    if start == "yeastar":
        return plan_joined_rotation(
            pbx_trunk, yeastar_provider, trunk, wavix_provider, found_by="a test", offer=offer
        )
    return plan_joined_rotation(
        trunk, wavix_provider, pbx_trunk, yeastar_provider, found_by="a test", offer=offer
    )


@pytest.mark.parametrize("start", ["yeastar", "wavix"])
async def test_the_registrar_is_updated_first_and_both_hold_the_new_password(start: str, served: Any) -> None:
    server, recorder, trunks, pbx = served
    rotation = await _plan(server.url, start)
    # whichever side the rotation starts from, the side that checks the password goes first
    assert [s.provider.key for s in rotation.sides] == ["wavix", "yeastar"]
    assert rotation.sides[0].role == "checks the password"
    text = "\n".join(rotation.lines())
    assert "Wavix checks the password and Yeastar P-Series sends it" in text
    assert rotation.password.get_secret_value() not in text
    async with _client("wavix", server.url) as first, _client("yeastar", server.url) as second:
        result = await run_rotation(rotation, [first, second])
    assert result.state is RotationState.BOTH, result.error
    new = rotation.password.get_secret_value()
    assert trunks.passwords[201] == new == pbx.trunks[JOINED_ID]["password"]
    assert [(w.method, w.path) for w in recorder.writes] == [
        ("PUT", "/wavix/v1/trunks/201"),
        ("POST", "/yeastar/openapi/v1.0/trunk/update"),
    ]
    plan = rotation.check_plan()
    assert plan is not None and plan.host == "us.wavix.net" and plan.username == "67701"
    assert plan.password is not None and plan.password.get_secret_value() == new


async def test_a_failed_second_update_says_who_holds_what_and_is_retried(served: Any) -> None:
    server, _, trunks, pbx = served
    rotation = await _plan(server.url)
    kept = pbx.trunks.pop(JOINED_ID)  # deleted at the PBX between the plan and the run
    async with _client("wavix", server.url) as first, _client("yeastar", server.url) as second:
        result = await run_rotation(rotation, [first, second])
        assert result.state is RotationState.FIRST_ONLY
        assert result.holds() == [
            "Wavix SIP trunk Head office PBX (checks the password) holds the NEW password.",
            "Yeastar P-Series SIP trunk wx_reg (sends the password) holds the OLD password.",
        ]
        assert result.error.startswith("Yeastar P-Series SIP trunk wx_reg: ")
        assert [w.split(":")[0] for w in result.way_back()] == ["retry", "put back"]
        pbx.trunks[JOINED_ID] = kept
        retried = await retry_rest(result, [first, second])
    assert retried.state is RotationState.BOTH
    assert pbx.trunks[JOINED_ID]["password"] == trunks.passwords[201]


async def test_the_old_password_is_put_back_on_the_first_side(served: Any) -> None:
    server, _, trunks, pbx = served
    old = trunks.passwords[201]
    rotation = await _plan(server.url)
    assert rotation.old_password is not None  # the PBX returned it in clear
    pbx.trunks.pop(JOINED_ID)
    async with _client("wavix", server.url) as first, _client("yeastar", server.url) as second:
        result = await run_rotation(rotation, [first, second])
        assert trunks.passwords[201] == rotation.password.get_secret_value()
        back = await put_back(result, first)
    assert back.state is RotationState.PUT_BACK
    assert trunks.passwords[201] == old
    assert all("OLD password" in line for line in back.holds())


async def test_the_other_side_is_found_by_username_and_host(served: Any) -> None:
    server, recorder, _, _ = served
    async with _client("wavix", server.url) as trunk_client, _client("yeastar", server.url) as pbx_client:
        trunk = await show(trunk_client, "201")
        found = await matched_other_side(get_provider("wavix"), trunk, trunk_client, {"yeastar": pbx_client})
        assert found is not None and (found.provider, found.key) == ("yeastar", str(JOINED_ID))
        assert found.found_by == "matching username 67701 and host us.wavix.net at Yeastar P-Series"
        pbx_trunk = await show(pbx_client, str(JOINED_ID))
        back = await matched_other_side(
            get_provider("yeastar"), pbx_trunk, pbx_client, {"wavix": trunk_client}
        )
        assert back is not None and (back.provider, back.key) == ("wavix", "201")
        unjoined = await show(trunk_client, "202")
        assert (
            await matched_other_side(get_provider("wavix"), unjoined, trunk_client, {"yeastar": pbx_client})
            is None
        )
    assert not recorder.writes


def test_the_other_side_is_found_in_the_connect_history(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name))
    store = HistoryStore()
    request = {"method": "POST", "url": "https://example.invalid", "json": {}}
    first = store.append(
        provider="wavix",
        profile="carrier",
        mode="sip-trunk",
        created_id="201",
        request=request,
        sandbox=False,
        connection={"pair": "p1", "side": "first", "other": {"provider": "yeastar", "mode": "register"}},
    )
    store.append(
        provider="yeastar",
        profile="pbx",
        mode="register",
        created_id="31",
        request=request,
        sandbox=False,
        connection={"pair": "p1", "side": "second", "first_entry": first.id},
    )
    wavix_ref = ResourceRef("wavix", "sip-trunk", "201")
    found = recorded_other_side(get_provider("wavix"), wavix_ref, store.entries())
    assert found is not None and (found.provider, found.key, found.profile) == ("yeastar", "31", "pbx")
    back = recorded_other_side(
        get_provider("yeastar"), ResourceRef("yeastar", "register", "31"), store.entries()
    )
    assert back is not None and (back.provider, back.key, back.profile) == ("wavix", "201", "carrier")
    assert (
        recorded_other_side(get_provider("wavix"), ResourceRef("wavix", "", "202"), store.entries()) is None
    )


# --- the CLI: `trunkwizard rotate` ------------------------------------------------------------------------


class RefusesUpdates:
    """The sandbox behind a front that answers the PBX's next `n` trunk/update calls with a 503 (a PBX
    restarting), so the second side of a rotation fails after the first went through."""

    def __init__(self, app: Any, n: int = 1) -> None:
        self.app = app
        self.left = n

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].endswith("/trunk/update") and self.left > 0:
            self.left -= 1
            await send({"type": "http.response.start", "status": 503, "headers": []})
            await send({"type": "http.response.body", "body": b"restarting"})
            return
        await self.app(scope, receive, send)


@pytest.fixture
def faulty() -> Iterator[tuple[SandboxServer, Recorder, wavix.WavixSandbox, yeastar.YeastarSandbox]]:
    trunks = wavix.WavixSandbox()
    trunks.seed()
    pbx = yeastar.YeastarSandbox()
    pbx.seed()
    pbx.trunks[JOINED_ID] = joined_trunk(trunks.passwords[201])
    recorder = recording_sandbox(wavix_sandbox=trunks, yeastar_sandbox=pbx)
    with SandboxServer(app=RefusesUpdates(recorder)) as server:
        yield server, recorder, trunks, pbx


def _connect_wavix_to_yeastar(private_home: PrivateHome, url: list[str], label: str, name: str) -> None:
    """`trunkwizard connect wavix yeastar` over the served sandbox: trunk `label`, PBX trunk `name`."""
    answers = private_home.root / "answers.json"
    wavix_answers = {"label": label, "callerid": "13132847320"}
    tables = {"wavix": wavix_answers, "yeastar": {"name": name, "codec_sel": "ulaw"}}
    answers.write_text(json.dumps(tables))
    made = trunkwizard(private_home, "connect", "wavix", "yeastar", "--answers", str(answers), *url,
                       "--generate-password")  # fmt: skip
    assert made.returncode == 0, made.stderr


def test_cli_rotates_both_sides_of_a_connection_it_made(private_home: PrivateHome, served: Any) -> None:
    server, recorder, trunks, pbx = served
    url = ["--sandbox-url", server.url]
    _connect_wavix_to_yeastar(private_home, url, "office", "wx_new")
    trunk_id = max(trunks.trunks)
    pbx_id = next(i for i, t in pbx.trunks.items() if t["name"] == "wx_new")
    before = recorder.writes[:]
    rotated = trunkwizard(private_home, "rotate", "yeastar", "wx_new", *url)
    assert rotated.returncode == 0, rotated.stderr
    new = pbx.trunks[pbx_id]["password"]
    assert trunks.passwords[trunk_id] == new
    assert new not in rotated.stdout + rotated.stderr
    assert "found by the connection recorded in the history" in rotated.stderr
    assert "Wavix SIP trunk office (checks the password) holds the NEW password." in rotated.stderr
    assert "not run in the sandbox" in rotated.stderr
    assert [w.path.rsplit("/", 1)[-1] for w in recorder.writes[len(before) :]] == [str(trunk_id), "update"]


@pytest.mark.parametrize(
    ("choice", "wavix_holds", "code"),
    [("stop", "new", 1), ("put-back", "old", 1), ("retry", "new", 0)],
)
def test_cli_when_the_second_update_fails(
    choice: str, wavix_holds: str, code: int, private_home: PrivateHome, faulty: Any
) -> None:
    server, _, trunks, pbx = faulty
    old = trunks.passwords[201]
    rotated = trunkwizard(
        private_home, "rotate", "wavix", "201", "--sandbox-url", server.url, "--on-failure", choice
    )
    assert rotated.returncode == code, rotated.stderr
    assert "matching username 67701 and host us.wavix.net" in rotated.stderr
    assert "The second update failed" in rotated.stderr
    pbx_holds = "new" if choice == "retry" else "old"
    assert (pbx.trunks[JOINED_ID]["password"] == old) is (pbx_holds == "old")
    assert (trunks.passwords[201] == old) is (wavix_holds == "old")
    last = rotated.stderr.strip().splitlines()
    shown = {"new": "NEW", "old": "OLD"}
    wavix_line = (
        f"Wavix SIP trunk Head office PBX (checks the password) holds the {shown[wavix_holds]} password."
    )
    assert wavix_line in last
    # a 503: the PBX may have applied it all the same, and the words say so
    pbx_line = f"Yeastar P-Series SIP trunk wx_reg (sends the password) holds the {shown[pbx_holds]} password"
    assert any(line.startswith(pbx_line) for line in last)
    if choice != "retry":
        assert "or perhaps the NEW one (its update may have been applied" in rotated.stderr
    for secret in {trunks.passwords[201], pbx.trunks[JOINED_ID]["password"]}:
        assert secret not in rotated.stdout + rotated.stderr


@pytest.mark.sipp
async def test_the_check_after_a_rotation_registers_with_the_new_password(
    served: Any, sip_peers: SipPeers
) -> None:
    """The existing SIP check, fed by the rotation: a registrar (sipp) that knows only the new password
    accepts the REGISTER. The offered registrar is Wavix's real gateway, so the plan is pointed at sipp."""
    server, _, _, _ = served
    rotation = await _plan(server.url)
    plan = rotation.check_plan()
    assert plan is not None and plan.username == "67701"
    registrar = sip_peers.registrar("67701", rotation.password.get_secret_value())
    local = replace(plan, host="127.0.0.1", port=registrar.port, provider_host=False)
    results = await run_checks(local.target(register=True, overall_timeout=8.0))
    register = next(r for r in results if r.name == "register")
    assert register.status is CheckStatus.PASS, register
    assert rotation.password.get_secret_value() not in repr(results)


def _registration_pairs() -> list[tuple[str, str, str, str]]:
    from tests.test_connect_offers import PAIRS

    return [p for p in PAIRS if p[3] != "sip-ip-allowlist" and p[1] != "peer"]


@pytest.mark.parametrize(("first", "first_mode", "second", "second_mode"), _registration_pairs())
def test_every_declared_registration_pair_is_rotated_both_sides(
    first: str, first_mode: str, second: str, second_mode: str, private_home: PrivateHome, tmp_path: Any
) -> None:
    """`connect` makes the pair, `rotate` on the side that sends the password finds the other in the
    history and updates the registrar first, each with its own documented update."""
    from tests.test_cli_connect import _answers_file

    recorder = recording_sandbox()
    with SandboxServer(app=recorder) as server:
        answers = _answers_file(tmp_path, first, first_mode, second, second_mode)
        words = ["connect", f"{first}:{first_mode}", f"{second}:{second_mode}", "--answers", str(answers)]
        made = trunkwizard(private_home, *words, "--sandbox-url", server.url, "--generate-password", "--json")
        assert made.returncode == 0, made.stderr
        second_id = json.loads(made.stdout)["second"]["id"]
        before = len(recorder.writes)
        rotated = trunkwizard(private_home, "rotate", second, str(second_id), "--sandbox-url", server.url)
    assert rotated.returncode == 0, rotated.stderr
    assert "found by the connection recorded in the history" in rotated.stderr
    assert rotated.stderr.count("holds the NEW password.") == 2
    (registrar, sender) = [w.path.split("/")[1] for w in recorder.writes[before:]]
    assert (registrar, sender) == (first, second)


async def test_a_pair_that_no_longer_matches_is_said_before_sending(served: Any) -> None:
    server, recorder, _, pbx = served
    assert (await _plan(server.url)).mismatch == ""
    # the PBX trunk registers elsewhere now (changed on the PBX since the pair was recorded)
    pbx.trunks[JOINED_ID].update(username="99999", auth_name="99999")
    rotation = await _plan(server.url)
    assert rotation.lines()[1] == (
        "Check first: Yeastar P-Series SIP trunk wx_reg does not use Wavix SIP trunk Head office PBX's "
        "username 67701 and host us.wavix.net any more; rotating both may join what is no longer joined."
    )
    assert not recorder.writes


async def test_a_read_only_side_refuses_the_whole_rotation_before_anything_is_sent(served: Any) -> None:
    from trunkwizard.errors import ReadOnlyRefused

    server, recorder, _, _ = served
    rotation = await _plan(server.url)
    pbx_provider = get_provider("yeastar")
    pbx_account = load_account(pbx_provider, sandbox_account("yeastar", server.url))
    async with (
        _client("wavix", server.url) as first,
        ProviderClient(pbx_provider, pbx_account, timeout=5.0, read_only=True) as second,
    ):
        with pytest.raises(ReadOnlyRefused) as refused:
            await run_rotation(rotation, [first, second])
    assert "Yeastar P-Series SIP trunk wx_reg: read-only account" in refused.value.message
    assert not recorder.writes  # not even the first side's update


async def test_the_check_is_of_the_gateway_and_port_the_sending_side_uses(served: Any) -> None:
    server, _, _, pbx = served
    pbx.trunks[JOINED_ID].update(hostname="nl.wavix.net", domain="nl.wavix.net", port=5080)
    rotation = await _plan(server.url)
    plan = rotation.check_plan()
    assert plan is not None and (plan.host, plan.port) == ("nl.wavix.net", 5080)
    assert rotation.mismatch == ""  # another of the offered gateways is still the same registrar


async def test_a_password_two_resources_use_is_not_rotated_on_two_of_three(served: Any) -> None:
    server, recorder, trunks, pbx = served
    pbx.trunks[JOINED_ID + 1] = {**joined_trunk(trunks.passwords[201]), "id": JOINED_ID + 1, "name": "wx_b"}
    async with _client("wavix", server.url) as trunk_client, _client("yeastar", server.url) as pbx_client:
        trunk = await show(trunk_client, "201")
        with pytest.raises(ValidationFailed) as refused:
            await matched_other_side(get_provider("wavix"), trunk, trunk_client, {"yeastar": pbx_client})
    message = refused.value.problems[0].message
    assert "more than one resource uses this password" in message
    assert "SIP trunk wx_reg" in message and "SIP trunk wx_b" in message
    assert not recorder.writes


def test_a_side_deleted_with_the_cli_is_deleted_in_the_history_and_not_rotated(
    private_home: PrivateHome, served: Any
) -> None:
    # Found by hand: a delete outside the history left the entry alive, and a rotation of the other side
    # then looked the deleted one up and stopped at "Record not found".
    server, _, trunks, _ = served
    url = ["--sandbox-url", server.url]
    _connect_wavix_to_yeastar(private_home, url, "office2", "wx_gone")
    trunk_id = max(trunks.trunks)
    deleted = trunkwizard(private_home, "delete", "wavix", str(trunk_id), *url, "--confirm", "office2")
    assert deleted.returncode == 0, deleted.stderr
    assert "marked deleted" in deleted.stderr
    (wavix_entry,) = [
        e for e in HistoryStore().entries() if e.provider == "wavix" and e.created_id == str(trunk_id)
    ]
    assert wavix_entry.deleted
    rotated = trunkwizard(private_home, "rotate", "yeastar", "wx_gone", *url, "--dry-run")
    assert "Record not found" not in rotated.stderr, rotated.stderr
    assert "found by the connection recorded in the history" not in rotated.stderr


@pytest.mark.parametrize(
    ("username", "named"),
    [("null", "null"), (None, "ep-1"), ("", "ep-1")],
    ids=["the-name-null", "null", "blank"],
)
def test_a_nested_name_is_read_from_the_answer_not_from_its_display_text(
    username: str | None, named: str
) -> None:
    # Found reviewing: the name below the top level was looked up in the details' display text, where
    # null and a login really called "null" read alike, so that login was named by its id instead.
    provider = get_provider("signalwire")
    body = {"id": "ep-1", "credential": {"username": username}}
    shown = "null" if username is None else username
    details = Details(
        ResourceRef("signalwire", provider.modes[0].key, "ep-1"),
        (("id", "ep-1"), ("credential.username", shown)),
        body,
    )
    assert resource_name(provider, details) == f"{provider.title} {provider.creates} {named}"
