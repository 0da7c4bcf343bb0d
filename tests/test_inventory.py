"""Inventory, show and delete over real loopback HTTP against the sandbox's account with history, through
the core (trunkwizard.inventory) and the CLI (`trunkwizard list|show|delete`); read-only accounts send
no write request (recorded at the sandbox's side); returned secrets appear nowhere but on purpose."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.canary import CANARY
from tests.support.recording import Recorder, recording_sandbox
from tests.support.secret_service import PrivateHome
from trunkwizard.client import ProviderClient, load_account
from trunkwizard.errors import ProviderError, ReadOnlyRefused
from trunkwizard.inventory import delete_confirmation, find_item, list_inventory, show
from trunkwizard.providers import all_providers, get_provider
from trunkwizard.redact import MASK, redact
from trunkwizard.sandbox import SandboxServer, sandbox_account, wavix, yeastar

ROOT = Path(__file__).resolve().parents[1]
PROVIDERS = [p.key for p in all_providers()]


def _sandboxes() -> tuple[wavix.WavixSandbox, yeastar.YeastarSandbox]:
    """Seeded sandboxes whose returned secrets are the canary: a Wavix access token, a Yeastar password."""
    trunks = wavix.WavixSandbox()
    trunks.seed()
    trunks.trunks[202]["access_token"] = CANARY
    pbx = yeastar.YeastarSandbox()
    pbx.seed()
    pbx.trunks[12]["password"] = CANARY
    return trunks, pbx


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[SandboxServer, Recorder]]:
    trunks, pbx = _sandboxes()
    recorder = recording_sandbox(wavix_sandbox=trunks, yeastar_sandbox=pbx)
    with SandboxServer(app=recorder) as server:
        yield server, recorder


def _client(provider_key: str, url: str, *, read_only: bool = False) -> ProviderClient:
    provider = get_provider(provider_key)
    account = load_account(provider, sandbox_account(provider_key, url))
    return ProviderClient(provider, account, timeout=5.0, read_only=read_only)


def trunkwizard(home: PrivateHome, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trunkwizard", *args],
        cwd=ROOT,
        env={**home.env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )


@pytest.mark.parametrize("provider_key", PROVIDERS)
async def test_every_page_of_the_listing(provider_key: str, served: tuple[SandboxServer, Recorder]) -> None:
    server, _ = served
    async with _client(provider_key, server.url) as client:
        small = await list_inventory(client, page_size=2)
        whole = await list_inventory(client)
    assert small.pages > 1 and len(small.items) >= 4
    assert [i.key for i in small.items] == [i.key for i in whole.items]
    columns = get_provider(provider_key).listing.columns  # type: ignore[union-attr]
    for item in small.items:
        assert item.key and any(item.cells[c.key] for c in columns)


async def test_live_status_in_words(served: tuple[SandboxServer, Recorder]) -> None:
    server, _ = served
    async with _client("yeastar", server.url) as client:
        trunks = {i.cells["name"]: i.status for i in (await list_inventory(client, page_size=2)).items}
    assert trunks["Carrier_Backup"] == "registration failed: check username/password"
    assert trunks["Old_Gateway"] == "unreachable"
    async with _client("wavix", server.url) as client:
        statuses = {i.status for i in (await list_inventory(client, page_size=2)).items}
    assert "pending review: cannot place calls yet" in statuses


async def test_returned_secrets_are_masked_and_revealed_only_on_purpose(
    served: tuple[SandboxServer, Recorder],
) -> None:
    server, _ = served
    async with _client("wavix", server.url) as client:
        inventory = await list_inventory(client)
        details = await show(client, "202")
    assert CANARY not in json.dumps(inventory.to_json()) + repr(inventory)
    assert redact(f"token {CANARY}") == f"token {MASK}"  # registered: masked in any later text
    assert dict(details.fields)["access_token"] == MASK and CANARY not in repr(details)
    assert details.reveal("access_token") == CANARY
    async with _client("yeastar", server.url) as client:
        trunk = await show(client, "Carrier_Backup")
    assert dict(trunk.fields)["password"] == MASK and trunk.reveal("password") == CANARY


async def test_a_sip_login_in_digits_is_found_in_the_listing(served: tuple[SandboxServer, Recorder]) -> None:
    """Wavix ids and SIP logins are both digits: `show wavix 67702` (the SIP user the table and the portal
    show) was taken as an id, and the get call's 404 ended it ("Record not found"); the listing finds it."""
    server, _ = served
    async with _client("wavix", server.url) as client:
        by_login = await show(client, "67702", with_status=True)
        by_id = await show(client, "202")
        with pytest.raises(ProviderError) as missing:
            await show(client, "99999")
    assert by_login.ref.id == "202" and by_login.body == by_id.body and by_login.status == "active"
    assert missing.value.status == 404


def test_cli_list_show_reveal(private_home: PrivateHome, served: tuple[SandboxServer, Recorder]) -> None:
    server, _ = served
    url = ["--sandbox-url", server.url]
    listed = trunkwizard(private_home, "list", "yeastar", *url, "--page-size", "2")
    assert listed.returncode == 0, listed.stderr
    assert "registration failed: check username/password" in listed.stdout
    assert "3 pages" in listed.stderr
    as_json = trunkwizard(private_home, "list", "wavix", *url, "--json")
    rows = json.loads(as_json.stdout)
    assert {r["label"] for r in rows} >= {"Head office PBX", "Branch Lisbon"}
    shown = trunkwizard(private_home, "show", "yeastar", "Carrier_Backup", *url)
    assert shown.returncode == 0 and "password" in shown.stdout and "--reveal password" in shown.stdout
    revealed = trunkwizard(private_home, "show", "yeastar", "12", *url, "--reveal", "password")
    assert revealed.stdout.strip() == CANARY
    for result in (listed, as_json, shown):
        assert CANARY not in result.stdout + result.stderr
    missing = trunkwizard(private_home, "show", "chorus", "+19999999999", *url)
    assert missing.returncode == 1 and "no phone number '+19999999999'" in missing.stderr
    unknown = trunkwizard(private_home, "list", "nosuch", *url)
    assert unknown.returncode == 2


def test_cli_show_prints_the_live_status_in_words(
    private_home: PrivateHome, served: tuple[SandboxServer, Recorder]
) -> None:
    server, _ = served
    url = ["--sandbox-url", server.url]
    # by name (the listing is read to find it) and by id (the listing is read for the status alone)
    for key in ("Carrier_Backup", "12"):
        shown = trunkwizard(private_home, "show", "yeastar", key, *url)
        assert shown.returncode == 0, shown.stderr
        assert "Status: registration failed: check username/password" in shown.stdout
    as_json = trunkwizard(private_home, "show", "yeastar", "12", *url, "--json")
    assert json.loads(as_json.stdout)["status"] == "registration failed: check username/password"
    pending = trunkwizard(private_home, "show", "wavix", "Branch Lisbon", *url)
    assert "Status: pending review: cannot place calls yet" in pending.stdout, pending.stdout


def test_cli_delete_types_to_confirm(private_home: PrivateHome) -> None:
    trunks, pbx = _sandboxes()
    recorder = recording_sandbox(wavix_sandbox=trunks, yeastar_sandbox=pbx)
    with SandboxServer(app=recorder) as server:
        url = ["--sandbox-url", server.url]
        unconfirmed = trunkwizard(private_home, "delete", "vox", "0215550102", *url)
        assert unconfirmed.returncode == 2 and not recorder.writes
        wrong = trunkwizard(private_home, "delete", "vox", "0215550102", *url, "--confirm", "0215550101")
        assert wrong.returncode == 2 and "is not the number" in wrong.stderr and not recorder.writes
        right = trunkwizard(private_home, "delete", "vox", "0215550102", *url, "--confirm", "0215550102")
        assert right.returncode == 0, right.stderr
        assert [(w.method, w.path.rsplit("/", 1)[0]) for w in recorder.writes] == [
            ("DELETE", "/vox/v3/organization-telephone-numbers")
        ]
        trunk = trunkwizard(
            private_home, "delete", "yeastar", "Old_Gateway", *url, "--confirm", "Old_Gateway"
        )
        assert trunk.returncode == 0, trunk.stderr
        assert 14 not in pbx.trunks


def test_read_only_sends_no_write_request(private_home: PrivateHome) -> None:
    trunks, pbx = _sandboxes()
    recorder = recording_sandbox(wavix_sandbox=trunks, yeastar_sandbox=pbx)
    answers = private_home.root / "tmp" / "trunk.json"
    answers.parent.mkdir(parents=True, exist_ok=True)
    answers.write_text(json.dumps({"label": "Never", "password": "Never-1234", "callerid": "13132847320"}))
    with SandboxServer(app=recorder) as server:
        url = ["--sandbox-url", server.url]
        for args in (
            ["delete", "wavix", "201", *url, "--read-only", "--confirm", "Head office PBX"],
            ["delete", "yeastar", "11", *url, "--read-only", "--confirm", "Carrier_Main"],
            ["create", "wavix", "--answers", str(answers), *url, "--read-only"],
        ):
            refused = trunkwizard(private_home, *args)
            assert refused.returncode == 2, refused.stderr
            assert "read-only" in refused.stderr and "nothing was sent" in refused.stderr
        looked = trunkwizard(private_home, "list", "wavix", *url, "--read-only")
        assert looked.returncode == 0
    assert recorder.seen and not recorder.writes
    assert 201 in trunks.trunks and 11 in pbx.trunks


async def test_read_only_client_refuses_before_sending(served: tuple[SandboxServer, Recorder]) -> None:
    server, recorder = served
    async with _client("chorus", server.url, read_only=True) as client:
        item = (await list_inventory(client)).items[0]
        before = len(recorder.seen)
        with pytest.raises(ReadOnlyRefused):
            await client.delete(item.ref)
    assert len(recorder.seen) == before


async def test_delete_confirmation_says_what_happens(served: tuple[SandboxServer, Recorder]) -> None:
    server, _ = served
    async with _client("vox", server.url) as client:
        item = find_item(await list_inventory(client), "0215550101")
    assert item is not None
    confirmation = delete_confirmation(get_provider("vox"), item)
    assert "custom Vox number expires immediately" in confirmation.consequence
    assert confirmation.accepts(" 0215550101\n") and not confirmation.accepts("0215550102")
    assert not confirmation.accepts("")
    wavix_words = get_provider("wavix").listing.delete_consequence  # type: ignore[union-attr]
    assert "Deleting a Wavix trunk stops call routing through it" in wavix_words


def test_a_profile_saved_read_only_refuses_and_shows_the_badge(private_home: PrivateHome) -> None:
    trunks, pbx = _sandboxes()
    recorder = recording_sandbox(wavix_sandbox=trunks, yeastar_sandbox=pbx)
    with SandboxServer(app=recorder) as server:
        base_url = sandbox_account("wavix", server.url)["base_url"]
        added = trunkwizard(
            private_home,
            "profile",
            "add",
            "look",
            "--provider",
            "wavix",
            "--set",
            f"base_url={base_url}",
            "--read-only",
        )
        assert added.returncode == 0, added.stderr
        listed = trunkwizard(private_home, "profile", "list")
        assert "look  (wavix)  [RO]" in listed.stdout
        refused = trunkwizard(private_home, "delete", "wavix", "201", "--profile", "look", "--confirm", "x")
        assert refused.returncode == 2 and "read-only" in refused.stderr
        writable = trunkwizard(private_home, "profile", "edit", "look", "--writable")
        assert writable.returncode == 0, writable.stderr
        assert "[RO]" not in trunkwizard(private_home, "profile", "list").stdout
    assert not recorder.seen


@pytest.mark.parametrize("command", ["list", "show", "delete"])
def test_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    from trunkwizard.cli import build_parser

    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([command, "--help"])
    assert done.value.code == 0
    assert "--read-only" in capsys.readouterr().out


async def test_yeastar_country_and_itsp_come_from_the_pbx(served: tuple[SandboxServer, Recorder]) -> None:
    server, _ = served
    async with _client("yeastar", server.url) as client:
        countries = [c.value for c in await client.lookup("itsp_countries")]
        itsps = [c.value for c in await client.lookup("itsps")]
    assert countries[0] == "general" and "Germany" in countries
    assert "Deutsche Telefon Standard" in itsps
