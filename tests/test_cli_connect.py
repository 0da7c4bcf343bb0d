"""`trunkwizard connect FROM TO --answers FILE`: both halves of one SIP connection, for scripts.

Every pair the providers declare is created over loopback against the served sandbox, and the second
emulator is read back: it holds what the first side answered. A second half that fails leaves the
first recorded as a half-done pair, which is resumed, deleted or kept.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.canary import CANARY
from tests.support.home import private_home
from tests.test_cli_create import trunkwizard, write
from tests.test_connect_offers import PAIRS, _need_rest, _offering_answers, _read_back
from trunkwizard.cli import main
from trunkwizard.connect import OfferKind, generate_password, password_problems, password_rules
from trunkwizard.connect.resume import half_done
from trunkwizard.providers import ResourceRef, get_provider
from trunkwizard.sandbox import signalwire as signalwire_emulator
from trunkwizard.store import HistoryStore


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    private_home(tmp_path, monkeypatch)


async def _main(words: list[str]) -> int:
    """The command as a script runs it: its own event loop, so off this test's loop."""
    return await asyncio.to_thread(main, words)


def _plain(answers: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answers.items() if not hasattr(v, "get_secret_value")}


def _answers_file(tmp_path: Path, first: str, first_mode: str, second: str, second_mode: str) -> Path:
    need = next(n for n in get_provider(second).needs if n.mode == second_mode)
    first_table = _plain(_offering_answers(first, first_mode, generate_password()))
    first_key = first if first != second else f"{first}:{first_mode}"
    second_key = second if first != second else f"{second}:{second_mode}"
    tables = {first_key: first_table, second_key: _need_rest(need)}
    return write(tmp_path, "answers.json", json.dumps(tables))


def test_dry_run_prints_both_halves_with_the_answered_values_marked(tmp_path: Path) -> None:
    answers = write(
        tmp_path,
        "answers.json",
        json.dumps(
            {
                "wavix": {"label": "office", "callerid": "13132847320"},
                "yeastar": {"name": "wx_reg", "codec_sel": "ulaw"},
            }
        ),
    )
    result = trunkwizard(
        "connect",
        "wavix",
        "yeastar",
        "--answers",
        str(answers),
        "--sandbox",
        "--dry-run",
        "--json",
        env={"TRUNKWIZARD_WAVIX_PASSWORD": CANARY},
    )
    assert result.returncode == 0, result.stderr
    calls = json.loads(result.stdout)["calls"]
    assert [(c["provider"], c["method"]) for c in calls] == [("wavix", "POST"), ("yeastar", "POST")]
    wavix_body, yeastar_body = calls[0]["json"], calls[1]["json"]
    assert wavix_body["password"] == "********"
    # the Wavix login exists only once Wavix answers: shown as where it will come from
    assert yeastar_body["username"] == "<from wavix: name>"
    assert yeastar_body["auth_name"] == "<from wavix: name>"
    assert yeastar_body["hostname"] == "us.wavix.net"
    # the password typed once for the first side is the second side's, masked
    assert yeastar_body["password"] == "********"


def test_a_signalwire_domain_is_read_after_the_create_and_shown_as_such(tmp_path: Path) -> None:
    answers = _answers_file(tmp_path, "signalwire", "sip-endpoint", "chorus", "sip-registration")
    result = trunkwizard(
        "connect",
        "signalwire",
        "chorus",
        "--answers",
        str(answers),
        "--sandbox",
        "--dry-run",
        "--json",
        "--generate-password",
    )
    assert result.returncode == 0, result.stderr
    calls = json.loads(result.stdout)["calls"]
    assert [c["step"] for c in calls] == ["create", "follow-up", "offer read", "create"]
    assert calls[2]["method"] == "GET" and calls[2]["url"].endswith("/sip_profile")
    assert calls[3]["json"]["sipProxy"] == "<from signalwire: sip_profile: domain>"


@pytest.mark.parametrize(("first", "first_mode", "second", "second_mode"), PAIRS)
async def test_every_declared_pair_runs_through_connect(
    first: str,
    first_mode: str,
    second: str,
    second_mode: str,
    tmp_path: Path,
    sandbox_url: str,
    sandbox_client: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    answers = _answers_file(tmp_path, first, first_mode, second, second_mode)
    words = ["connect", f"{first}:{first_mode}", f"{second}:{second_mode}", "--answers", str(answers)]
    code = await _main([*words, "--sandbox-url", sandbox_url, "--generate-password", "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    joined = json.loads(out.out)
    assert joined["outcome"] == "joined"
    entries = HistoryStore().entries()
    first_entry, second_entry = entries[-2:]
    assert first_entry.connection["pair"] == second_entry.connection["pair"]
    assert (first_entry.connection["side"], second_entry.connection["side"]) == ("first", "second")
    assert HistoryStore().half_done() == []
    # the next steps that set one end up for the other are done, and said apart from those left
    first_half, second_half = joined["first"], joined["second"]
    for half in (first_half, second_half):
        assert half["next_steps"] and not set(half["done_by_connecting"]) & set(half["next_steps"])
    offering = next(o for o in get_provider(first).offerings if o.mode == first_mode)
    assert bool(first_half["done_by_connecting"]) == (offering.kind is OfferKind.REGISTRATION)
    assert bool(second_half["done_by_connecting"]) == (second_mode == "sip-registration")
    ref = ResourceRef(second, second_mode, joined["second"]["id"], dict(second_entry.path_values))
    async with sandbox_client(second) as client:
        stored = await _read_back(client, get_provider(second), ref)
    offer = first_entry.offers[0]
    if second_mode == "sip-ip-allowlist":
        assert stored["sipIp"] == offer["host"]["value"]
        return
    if first == "wavix":  # the Wavix login, as Wavix answered it
        assert offer["username"]["value"] == joined["first"]["returned"]["name"]
    if first == "signalwire":  # the domain of the emulator's sip_profile
        assert offer["host"]["value"] == signalwire_emulator.SIP_DOMAIN
    host = {"chorus": "sipProxy", "vox": "address", "yeastar": "hostname"}[second]
    assert offer["host"]["value"] in str(stored[host])
    if second == "chorus":
        assert stored["sipUsername"] == offer["username"]["value"]
    if second == "yeastar":
        assert stored["username"] == offer["username"]["value"]
        need = next(n for n in get_provider(second).needs if n.mode == second_mode)
        offering = next(o for o in get_provider(first).offerings if o.mode == first_mode)
        # the generated password reached the PBX and meets both sides' rules
        rules = password_rules(offering.password_rules, need.password_rules)
        assert password_problems(stored["password"], rules) == []
        assert stored["password"] not in out.out + out.err


def test_the_generated_password_is_shown_only_when_asked(
    tmp_path: Path, sandbox_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = _answers_file(tmp_path, "wavix", "sip-trunk", "yeastar", "register")
    base = ["connect", "wavix", "yeastar", "--answers", str(answers), "--sandbox-url", sandbox_url]
    assert main([*base, "--generate-password", "--show-password"]) == 0
    shown = capsys.readouterr().err
    assert "Generated password (both sides): " in shown
    password = shown.split("Generated password (both sides): ", 1)[1].split()[0]
    need = next(n for n in get_provider("yeastar").needs if n.mode == "register")
    assert password_problems(password, need.password_rules) == []
    history = Path(HistoryStore().path).read_text(encoding="utf-8")
    assert password not in history


# --- the second half fails: the first is kept, then resumed, deleted or kept ------------------------------


FIRST_PASSWORD = "Wavix-Trunk-Pass-2024"


async def _half_done(
    tmp_path: Path, sandbox_url: str, sandbox_client: Any, capsys: pytest.CaptureFixture[str]
) -> tuple[str, Path, dict[str, Any]]:
    """A Wavix trunk created, then a Yeastar trunk refused (its name is taken): the history entry of the
    first half, the answers file, and the taken trunk."""
    answers = _answers_file(tmp_path, "wavix", "sip-trunk", "yeastar", "register")
    tables = json.loads(answers.read_text())
    tables["wavix"]["password"] = FIRST_PASSWORD
    answers.write_text(json.dumps(tables), encoding="utf-8")
    name = tables["yeastar"]["name"]
    yeastar = get_provider("yeastar")
    async with sandbox_client("yeastar") as client:
        from trunkwizard.client import prepare

        taken_answers = {**_need_rest(next(n for n in yeastar.needs if n.mode == "register")), "name": name}
        taken_answers |= {
            "hostname": "sip.example.com",
            "port": 5060,
            "domain": "sip.example.com",
            "transport": "udp",
            "username": "u1",
            "auth_name": "u1",
            "password": "Abcdefgh12345",
        }
        taken = await client.create(prepare(yeastar, "register", taken_answers, client.account))
    code = await _main(
        ["connect", "wavix", "yeastar", "--answers", str(answers), "--sandbox-url", sandbox_url],
    )
    err = capsys.readouterr().err
    assert code == 1, err
    (entry,) = HistoryStore().half_done()
    assert entry.provider == "wavix" and entry.created_id
    assert f"trunkwizard connect --resume {entry.id}" in err
    assert f"trunkwizard history delete {entry.id}" in err
    assert "keep it" in err
    # the history says which half exists, since when, and what failed
    failed = entry.connection["failed"]
    assert failed["time"] and failed["problem"]
    first, second = half_done(entry).describe()
    assert first.startswith("First half: Wavix") and entry.created_id in first
    assert second.startswith("Second half: Yeastar") and "failed" in second and failed["problem"] in second
    return entry.id, answers, {"id": taken.ref.id}


async def test_a_resume_without_the_password_sends_nothing_and_says_where_to_give_it(
    tmp_path: Path, sandbox_url: str, sandbox_client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    entry_id, answers, _ = await _half_done(tmp_path, sandbox_url, sandbox_client, capsys)
    code = await _main(
        ["connect", "--resume", entry_id, "--answers", str(answers), "--sandbox-url", sandbox_url]
    )
    err = capsys.readouterr().err
    assert code == 2, err
    assert "password of the first half is never kept" in err and "TRUNKWIZARD_YEASTAR_PASSWORD" in err
    assert [e.id for e in HistoryStore().half_done()] == [entry_id]


async def test_a_refused_second_half_is_resumed_with_the_same_answers(
    tmp_path: Path, sandbox_url: str, sandbox_client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    entry_id, answers, taken = await _half_done(tmp_path, sandbox_url, sandbox_client, capsys)
    async with sandbox_client("yeastar") as client:  # the technician frees the name in the PBX
        await client.delete(ResourceRef("yeastar", "register", taken["id"]))
    # the password is never kept: the resume is given it as the second side's own answer
    tables = json.loads(answers.read_text())
    tables["yeastar"]["password"] = FIRST_PASSWORD
    resumed = write(tmp_path, "resume.json", json.dumps(tables))
    resume = ["connect", "--resume", entry_id, "--answers", str(resumed), "--sandbox-url", sandbox_url]
    code = await _main([*resume, "--check", "--json"])
    assert code == 0, capsys.readouterr().err
    # then the SIP check of the joined connection: the registrar the first half offered, never contacted
    # in the sandbox (the PBX's own registrar is the same peer, checked once)
    report = json.loads(capsys.readouterr().out)
    assert report["outcome"] == "joined" and report["second"]["provider"] == "yeastar"
    (joined,) = report["checks"]
    assert joined["title"] == "The connection: Wavix us.wavix.net:5060"
    assert joined["skipped"].startswith("not contacted: in the sandbox")
    assert HistoryStore().half_done() == []
    second = HistoryStore().entries()[-1]
    assert second.connection["first_entry"] == entry_id and second.provider == "yeastar"
    first = next(e for e in HistoryStore().entries() if e.id == entry_id)
    async with sandbox_client("yeastar") as client:
        stored = await _read_back(
            client, get_provider("yeastar"), ResourceRef("yeastar", "register", second.created_id or "")
        )
    assert stored["username"] == first.offers[0]["username"]["value"]  # the Wavix login, from history


async def test_a_half_done_first_half_is_deleted_after_confirmation(
    tmp_path: Path, sandbox_url: str, sandbox_client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    entry_id, _, _ = await _half_done(tmp_path, sandbox_url, sandbox_client, capsys)
    # no confirmation, nothing deleted
    assert await _main(["history", "delete", entry_id, "--sandbox-url", sandbox_url, "--confirm", "x"]) == 2
    assert [e.id for e in HistoryStore().half_done()] == [entry_id]
    entry = HistoryStore().half_done()[0]
    assert await _main(["history", "delete", entry_id, "--sandbox-url", sandbox_url, "--yes"]) == 0
    assert HistoryStore().half_done() == []
    async with sandbox_client("wavix") as client:
        from trunkwizard.errors import ProviderError

        with pytest.raises(ProviderError):
            await client.fetch(ResourceRef("wavix", "sip-trunk", entry.created_id or ""))


async def test_a_half_done_first_half_is_kept(
    tmp_path: Path, sandbox_url: str, sandbox_client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    entry_id, _, _ = await _half_done(tmp_path, sandbox_url, sandbox_client, capsys)
    entry = HistoryStore().half_done()[0]
    async with sandbox_client("wavix") as client:  # still there, and still listed as half-done
        assert await client.fetch(ResourceRef("wavix", "sip-trunk", entry.created_id or ""))
    assert main(["history", "--json"]) == 0
    listed = {e["id"]: e for e in json.loads(capsys.readouterr().out)}
    assert listed[entry_id]["connection"]["side"] == "first"
    assert listed[entry_id]["connection"]["other"] == {"provider": "yeastar", "mode": "register"}
    assert main(["history"]) == 0
    shown = capsys.readouterr().out
    assert f"connect --resume {entry_id}" in shown
    assert "Second half: Yeastar P-Series · Register trunk, failed" in shown and "already used" in shown


def test_connect_help_names_the_answers_tables() -> None:
    result = trunkwizard("connect", "--help")
    assert result.returncode == 0
    assert "FROM[:MODE]" in result.stdout and "--generate-password" in result.stdout


def test_a_pair_that_does_not_fit_is_a_usage_error(tmp_path: Path) -> None:
    answers = write(tmp_path, "answers.json", "{}")
    result = trunkwizard("connect", "chorus", "yeastar", "--answers", str(answers), "--sandbox", "--dry-run")
    assert result.returncode == 2
    assert "offers nothing" in result.stderr


def test_a_password_short_of_the_other_sides_rules_sends_nothing(tmp_path: Path) -> None:
    answers = write(
        tmp_path,
        "answers.json",
        json.dumps(
            {
                "wavix": {"label": "office", "callerid": "13132847320", "password": "short1"},
                "yeastar": {"name": "wx_reg", "codec_sel": "ulaw"},
            }
        ),
    )
    result = trunkwizard("connect", "wavix", "yeastar", "--answers", str(answers), "--sandbox")
    assert result.returncode == 2
    assert "at least 10 characters" in result.stderr


def test_what_a_script_typed_for_the_second_side_fits_the_wizards_form_on_a_resume() -> None:
    """A pair made by `connect` keeps the answers file's wire values (a comma-joined codec list); the
    wizard's resume puts them in the form's shape."""
    from trunkwizard.editing import form_value

    fields = {f.wire: f for f in get_provider("yeastar").mode("register").fields}
    assert form_value(fields["codec_sel"], "ulaw,alaw") == ["ulaw", "alaw"]
    assert form_value(fields["codec_sel"], ["ulaw"]) == ["ulaw"]  # the wizard's own, as it kept them
    assert form_value(fields["name"], "wavix_office") == "wavix_office"
