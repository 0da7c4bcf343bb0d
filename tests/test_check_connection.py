"""The SIP check of a joined connection from the command line: `trunkwizard check --connection ENTRY` for
one in the history, against Kamailio registrars on 127.0.0.1 (both ends, each explained), and
`trunkwizard connect ... --check` right after connecting (in the sandbox: a provider's real server is
never contacted, and the report says so)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.canary import CANARY
from tests.support.home import private_home
from tests.support.kamailio import Kamailio, KamailioRegistrars
from tests.test_cli_create import write
from trunkwizard.cli import main
from trunkwizard.client import load_account, prepare
from trunkwizard.commands._profiles import history_request
from trunkwizard.commands.check_connection import (
    SANDBOX_OFF_MACHINE,
    ConnectionCheck,
    connection_entries,
    run_connection_check,
)
from trunkwizard.providers import SipCheckPlan, get_provider
from trunkwizard.sandbox import sandbox_account
from trunkwizard.store import HistoryStore

PASSWORD_ENV = "TRUNKWIZARD_SIP_PASSWORD"


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    private_home(tmp_path, monkeypatch)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


def _sourced(value: object, origin: str = "request", where: str = "") -> dict[str, object]:
    return {"value": value, "origin": origin, "where": where}


def _connection(first_port: int, second_port: int, second_user: str, second_auth: str) -> tuple[str, str]:
    """A PBX account trunk offered as registrar (127.0.0.1:first_port, user alice), and a Chorus number
    registering to it, whose registrar was unlocked and changed to 127.0.0.1:second_port: both ends in
    the history as the wizard records them. Returns both entry ids."""
    history = HistoryStore()
    first = history.append(
        provider="yeastar",
        profile=None,
        mode="account",
        created_id="7",
        request={"method": "POST", "url": "https://pbx.example.test/openapi/v1.0/trunk/create", "json": {}},
        sandbox=False,
        offers=[
            {
                "provider": "yeastar",
                "mode": "account",
                "kind": "registration",
                "host": _sourced("127.0.0.1", "inferred", "the PBX's web address"),
                "port": _sourced(first_port, "inferred", "SIP port"),
                "transport": _sourced("udp", "request", "transport"),
                "username": _sourced("alice", "request", "number"),
                "auth_name": _sourced("alice", "request", "auth_name"),
            }
        ],
        connection={
            "pair": "pair1",
            "side": "first",
            "other": {"provider": "chorus", "mode": "sip-registration"},
        },
    )
    chorus = get_provider("chorus")
    account = load_account(chorus, sandbox_account("chorus"))
    answers: dict[str, Any] = {
        "number": "+14155550177",
        "sipUsername": second_user,
        "sipAuthUser": second_auth,
        "sipPassword": CANARY,
        "sipProxy": "127.0.0.1",
        "sipPort": second_port,
    }
    prepared = prepare(chorus, "sip-registration", answers, account)
    second = history.append(
        provider="chorus",
        profile=None,
        mode="sip-registration",
        created_id="pn_1",
        request=history_request(prepared),
        sandbox=True,
        secret_fields={"sipPassword"},
        connection={
            "pair": "pair1",
            "side": "second",
            "other": {"provider": "yeastar", "mode": "account"},
            "first_entry": first.id,
        },
    )
    assert CANARY not in Path(history.path).read_text()
    return first.id, second.id


@pytest.fixture
def registrars(kamailio_registrars: KamailioRegistrars) -> tuple[Kamailio, Kamailio]:
    both = kamailio_registrars.get("MD5"), kamailio_registrars.get("SHA-256")
    for registrar in both:
        registrar.mark()
    return both


async def _main(words: list[str]) -> int:
    return await asyncio.to_thread(main, words)


@pytest.mark.kamailio
async def test_both_ends_of_a_connection_from_the_history_are_checked_and_explained(
    registrars: tuple[Kamailio, Kamailio], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = registrars
    # the second end registers user 6701 with auth ID alice: the registrar refuses that pairing
    first_id, second_id = _connection(first.udp_port, second.udp_port, "6701", "alice")
    monkeypatch.setenv(PASSWORD_ENV, CANARY)

    code = await _main(["check", "--connection", second_id, "--register", "--yes"])
    out = capsys.readouterr().out
    assert code == 1, out
    lines = out.splitlines()
    assert lines[0] == "Connection pair1: Yeastar P-Series SIP trunk 7 · joined"
    # the offered end first, with the offered account: it registers
    assert lines[1] == f"== The connection: Yeastar P-Series 127.0.0.1:{first.udp_port}"
    assert lines[2].startswith(f"   127.0.0.1:{first.udp_port}/UDP: The registration the other side makes")
    at = lines.index("== Your PBX registrar")
    offered, other = lines[1:at], lines[at:]
    assert any(
        line.startswith(f"PASS  options  200 OK from 127.0.0.1:{first.udp_port}/udp") for line in offered
    )
    assert "PASS  register user alice: accepted (200 OK); unregistered again" in offered
    assert first.logged(r"SAVED aor=sip:alice@127.0.0.1", at_least=1)
    # then the other end's own registrar, as its request says: refused, with why and what to try
    register = next(line for line in other if line.startswith("FAIL  register"))
    assert "auth ID alice register user 6701" in register
    following = other[other.index(register) + 1 :]
    assert following[0].startswith(" " * 15 + "why: the auth ID may not register this user")
    assert any(line.startswith(" " * 15 + "try: ") for line in following)
    assert lines[-1] == "Connection check: 2 ends checked, 1 with a failure"
    assert CANARY not in out

    # the same from the first half's entry, as JSON
    code = await _main(["check", "--connection", first_id, "--register", "--yes", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert report["connection"] == {
        "pair": "pair1",
        "first": first_id,
        "second": second_id,
        "state": "joined",
    }
    ends = report["checks"]
    assert [end["title"] for end in ends] == [
        f"The connection: Yeastar P-Series 127.0.0.1:{first.udp_port}",
        "Your PBX registrar",
    ]
    outcomes = [{r["name"]: r for r in end["results"]} for end in ends]
    assert outcomes[0]["register"]["status"] == "pass" and outcomes[0]["options"]["status"] == "pass"
    assert outcomes[1]["register"]["outcome"] == "auth-id-refused"
    assert outcomes[1]["register"]["causes"]
    assert ends[1]["user"] == "6701 (auth ID alice)"


@pytest.mark.kamailio
async def test_without_register_only_dns_and_options_and_no_password_is_asked(
    registrars: tuple[Kamailio, Kamailio], capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = registrars
    first_id, _ = _connection(first.udp_port, second.udp_port, "alice", "alice")
    code = await _main(["check", "--connection", first_id])
    out = capsys.readouterr().out
    assert code == 0, out
    checked = {line[6:15].strip() for line in out.splitlines() if line[:4] in ("PASS", "FAIL", "WARN")}
    assert "options" in checked and "register" not in checked
    assert f"== The connection: Yeastar P-Series 127.0.0.1:{first.udp_port}" in out
    assert "== Your PBX registrar" in out and "not rebuilt" not in out
    assert out.splitlines()[-1] == "Connection check: 2 ends checked, 0 with a failure"
    assert not first.logged("SAVED") and not second.logged("SAVED")


def test_an_entry_that_is_no_connection_or_a_host_too_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    entry = HistoryStore().append(
        provider="wavix", profile=None, mode="sip-trunk", created_id="1", request={}, sandbox=True
    )
    assert main(["check", "--connection", entry.id]) == 2
    assert "is not one half of a connection" in capsys.readouterr().err
    assert main(["check", "sip.example.net", "--connection", entry.id]) == 2
    assert "HOST is not for --connection" in capsys.readouterr().err
    assert main(["check"]) == 2
    assert "give HOST, or --connection ENTRY" in capsys.readouterr().err


def test_a_second_half_with_an_unknown_outcome_is_no_second_end() -> None:
    """The wizard links a second half sent with an unknown outcome to the first half's entry: with no id
    it is not an end to check, and the connection is half-done (until a look-up finds it)."""
    history = HistoryStore()
    first = history.append(
        provider="wavix", profile=None, mode="sip-trunk", created_id="1", request={}, sandbox=True,
        connection={"pair": "p1", "side": "first", "other": {"provider": "yeastar", "mode": "register"}},
    )
    unknown = history.append(
        provider="yeastar", profile=None, mode="register", created_id=None, request={}, sandbox=True,
        outcome="unknown",
        connection={
            "pair": "p1", "side": "second", "other": {"provider": "wavix", "mode": "sip-trunk"},
            "first_entry": first.id,
        },
    )
    for given in (first.id, unknown.id):
        found, second = connection_entries(given)
        assert found.id == first.id and second is None
    assert [e.id for e in history.half_done()] == [first.id]


def test_connect_checks_the_joined_connection_and_never_contacts_a_providers_server_in_the_sandbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = write(
        tmp_path,
        "answers.json",
        json.dumps(
            {
                "wavix": {"label": "office", "callerid": "13132847320"},
                "yeastar": {"name": "wx_checked", "codec_sel": "ulaw"},
            }
        ),
    )
    words = ["connect", "wavix", "yeastar:register", "--answers", str(answers), "--sandbox"]
    assert main([*words, "--generate-password", "--check-register", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["outcome"] == "joined"
    (joined,) = report["checks"]  # the PBX's own registrar is the offered one: checked once
    login = report["first"]["returned"]["name"]
    assert joined["title"] == "The connection: Wavix us.wavix.net:5060"
    assert joined["register"] is True and joined["user"] == login
    assert joined["skipped"].startswith("not contacted: in the sandbox") and joined["results"] == []

    answers.write_text(answers.read_text().replace("wx_checked", "wx_checked2"), encoding="utf-8")
    assert main([*words, "--generate-password", "--check"]) == 0
    out = capsys.readouterr().out
    assert "SIP check of the connection, both ends (--check-register adds a REGISTER)" in out
    assert "== The connection: Wavix us.wavix.net:5060" in out and "SKIP  not contacted" in out
    assert (
        out.splitlines()[-1]
        == "Connection check: 0 ends checked, 0 with a failure, 1 not contacted (sandbox)"
    )


def test_the_sandboxs_own_server_name_is_not_called_a_real_server() -> None:
    """Found by hand: the sandbox's PBX host (sandbox.trunkwizard.invalid) was said to be "the provider's
    real server"."""
    plan = SipCheckPlan("The connection", "sandbox.trunkwizard.invalid", 5060, provider_host=True)
    refusal = plan.sandbox_refusal()
    assert refusal is not None and ".invalid" in refusal and "real server" not in refusal


def test_a_sandbox_connection_check_contacts_no_host_off_this_machine() -> None:
    """The sandbox's promise, "nothing leaves this machine", holds for a PBX the user typed too."""
    typed = SipCheckPlan("Your PBX/SBC", "pbx.example.com", 5060, proxy="127.0.0.1:5070")
    local = SipCheckPlan("A local PBX", "127.0.0.1", 9, proxy="edge.example.com:5070")
    lines: list[str] = []
    done = asyncio.run(
        run_connection_check(ConnectionCheck([(typed, {}), (local, {})], sandbox=True), show=lines.append)
    )
    assert [checked.skipped for checked in done] == [SANDBOX_OFF_MACHINE] * 2
    assert all(checked.results == [] for checked in done)
    assert lines.count(f"SKIP  {SANDBOX_OFF_MACHINE}") == 2
