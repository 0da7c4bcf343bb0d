"""Edit and rotate over real loopback HTTP, through the core (trunkwizard.editing) and the CLI: the diff
(old -> new, secrets only "changed"), each provider's documented update semantics, the result read back;
refusals (read-only field, documented rule, read-only account) send no write request."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.canary import CANARY
from tests.support.recording import Recorder, recording_sandbox
from tests.support.secret_service import PrivateHome
from trunkwizard.client import ProviderClient, load_account
from trunkwizard.editing import apply_edit, edit_form, plan_edit, plan_rotation
from trunkwizard.errors import ValidationFailed
from trunkwizard.fields import applicable_answers
from trunkwizard.inventory import list_inventory, show
from trunkwizard.providers import get_provider
from trunkwizard.redact import MASK
from trunkwizard.sandbox import SandboxServer, sandbox_account, wavix, yeastar

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def served() -> Iterator[tuple[SandboxServer, Recorder, wavix.WavixSandbox, yeastar.YeastarSandbox]]:
    trunks = wavix.WavixSandbox()
    trunks.seed()
    pbx = yeastar.YeastarSandbox()
    pbx.seed()
    recorder = recording_sandbox(wavix_sandbox=trunks, yeastar_sandbox=pbx)
    with SandboxServer(app=recorder) as server:
        yield server, recorder, trunks, pbx


def _client(provider_key: str, url: str) -> ProviderClient:
    provider = get_provider(provider_key)
    return ProviderClient(provider, load_account(provider, sandbox_account(provider_key, url)), timeout=5.0)


def trunkwizard(
    home: PrivateHome, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trunkwizard", *args],
        cwd=ROOT,
        env={**home.env, "PYTHONPATH": str(ROOT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )


# (provider, item, a change the update takes, the field to read back)
EDITS: list[tuple[str, str, dict[str, Any], str]] = [
    ("chorus", "+12025550171", {"name": "Reception"}, "name"),
    ("signalwire", "hal-desk", {"caller_id": "Front desk"}, "caller_id"),
    ("wavix", "201", {"label": "HQ PBX", "password": CANARY}, "label"),
    ("yeastar", "Carrier_Main", {"port": 5070}, "port"),
    ("vox", "0215550101", {"memo": "Moved to the 3rd floor"}, "memo"),
]


@pytest.mark.parametrize(("provider_key", "item", "answers", "field"), EDITS, ids=[e[0] for e in EDITS])
async def test_edit_is_read_back(
    provider_key: str, item: str, answers: dict[str, Any], field: str, served: Any
) -> None:
    server, recorder, _, _ = served
    provider = get_provider(provider_key)
    async with _client(provider_key, server.url) as client:
        details = await show(client, item)
        edit = plan_edit(provider, details, answers)
        assert CANARY not in json.dumps(edit.preview) + " ".join(edit.lines())
        after = await apply_edit(client, edit)
    assert str(after.body[field]) == str(answers[field])
    assert len(recorder.writes) == 1


async def test_wavix_put_carries_every_setting_so_nothing_reverts(served: Any) -> None:
    server, _, trunks, _ = served
    trunks.trunks[205]["call_recording_enabled"] = True
    async with _client("wavix", server.url) as client:
        details = await show(client, "205")
        with pytest.raises(ValidationFailed) as refused:
            plan_edit(get_provider("wavix"), details, {"label": "Backup"})
        assert refused.value.problems[0].field == "password"
        edit = plan_edit(get_provider("wavix"), details, {"label": "Backup", "password": CANARY})
        assert edit.call.method == "PUT" and edit.call.json is not None
        assert edit.call.json["call_recording_enabled"] is True  # sent again, not left to revert
        assert [c.text() for c in edit.changes] == ["label: Backup route -> Backup", "password: changed"]
        after = await apply_edit(client, edit)
    assert after.body["call_recording_enabled"] is True and after.body["label"] == "Backup"


async def test_read_only_fields_and_documented_rules_refuse_before_sending(served: Any) -> None:
    server, recorder, _, _ = served
    async with _client("yeastar", server.url) as client:
        trunk = await show(client, "Carrier_Main")
    with pytest.raises(ValidationFailed) as typed:
        plan_edit(get_provider("yeastar"), trunk, {"type": "peer"})
    assert "cannot change a trunk's type" in typed.value.problems[0].message
    async with _client("vox", server.url) as client:
        number = await show(client, "0215550101")
    with pytest.raises(ValidationFailed) as moved:
        plan_edit(get_provider("vox"), number, {"address": "sip:new.example.net"})
    assert moved.value.problems[0].field == "auth_password"
    with pytest.raises(ValidationFailed):
        plan_edit(get_provider("vox"), number, {"memo": number.body["memo"]})  # nothing changes
    assert not recorder.writes


async def test_rotation_meets_the_documented_rules_and_lands(served: Any) -> None:
    server, _, _, pbx = served
    async with _client("yeastar", server.url) as client:
        trunk = await show(client, "Carrier_Main")
        edit, password = plan_rotation(get_provider("yeastar"), trunk)
        assert edit.lines() == ["password: changed"]
        await apply_edit(client, edit, action="rotate")
        peer = await show(client, "Office_Peer")
    assert pbx.trunks[11]["password"] == password.get_secret_value()
    new = password.get_secret_value()
    assert len(new) >= 10 and any(c.isupper() for c in new) and any(c.isdigit() for c in new)
    with pytest.raises(ValidationFailed):
        plan_rotation(get_provider("yeastar"), peer)


def test_cli_edit_rotate_and_read_only(private_home: PrivateHome, served: Any) -> None:
    server, recorder, trunks, pbx = served
    url = ["--sandbox-url", server.url]
    answers = private_home.root / "tmp" / "edit.json"
    answers.parent.mkdir(parents=True, exist_ok=True)
    answers.write_text(json.dumps({"label": "HQ PBX"}))
    refused = trunkwizard(private_home, "edit", "wavix", "201", *url, "--answers", str(answers))
    assert refused.returncode == 2 and "needs the password again" in refused.stderr
    read_only = trunkwizard(
        private_home,
        "edit",
        "wavix",
        "201",
        *url,
        "--answers",
        str(answers),
        "--read-only",
        env={"TRUNKWIZARD_WAVIX_PASSWORD": CANARY},
    )
    assert read_only.returncode == 2 and "read-only: edit refused" in read_only.stderr
    no_rotation = trunkwizard(private_home, "rotate", "yeastar", "11", *url, "--read-only", "--reveal")
    assert no_rotation.returncode == 2 and "read-only: rotate refused" in no_rotation.stderr
    assert not recorder.writes
    dry = trunkwizard(
        private_home,
        "edit",
        "wavix",
        "201",
        *url,
        "--answers",
        str(answers),
        "--dry-run",
        "--json",
        env={"TRUNKWIZARD_WAVIX_PASSWORD": CANARY},
    )
    assert dry.returncode == 0, dry.stderr
    planned = json.loads(dry.stdout)
    assert planned["changes"] == ["label: Head office PBX -> HQ PBX", "password: changed"]
    # the update is a plan like a create's: every call with its URL, headers and masked body
    (put,) = planned["calls"]
    assert put["method"] == "PUT" and put["url"] == f"{server.url}/wavix/v1/trunks/201"
    assert put["json"]["password"] == MASK and put["json"]["label"] == "HQ PBX"
    curl = trunkwizard(
        private_home,
        "edit",
        "wavix",
        "201",
        *url,
        "--answers",
        str(answers),
        "--dry-run",
        "--curl",
        env={"TRUNKWIZARD_WAVIX_PASSWORD": CANARY},
    )
    assert curl.returncode == 0, curl.stderr
    # the secret is JSON-escaped at run time by the json_escape function printed above the command
    assert curl.stdout.startswith("json_escape() {") and "\n\ncurl -X PUT" in curl.stdout
    assert '"password": "$(json_escape "${TRUNKWIZARD_WAVIX_PASSWORD}")"' in curl.stdout
    assert not recorder.writes
    edited = trunkwizard(
        private_home,
        "edit",
        "wavix",
        "201",
        *url,
        "--answers",
        str(answers),
        env={"TRUNKWIZARD_WAVIX_PASSWORD": CANARY},
    )
    assert edited.returncode == 0, edited.stderr
    assert "Read back:\n  label: HQ PBX" in edited.stdout and trunks.trunks[201]["label"] == "HQ PBX"
    rotated = trunkwizard(private_home, "rotate", "yeastar", "Carrier_Main", *url, "--reveal")
    assert rotated.returncode == 0, rotated.stderr
    assert rotated.stdout.strip() == pbx.trunks[11]["password"]
    assert "still holds the old one" in rotated.stderr
    for result in (refused, read_only, dry, curl, edited):
        assert CANARY not in result.stdout + result.stderr


async def test_every_provider_has_an_update_and_a_password_to_rotate(served: Any) -> None:
    server, _, _, _ = served
    for key, item, _, _ in EDITS:
        async with _client(key, server.url) as client:
            inventory = await list_inventory(client)
            assert inventory.items
            details = await show(client, item)
        edit, _ = plan_rotation(get_provider(key), details)
        assert edit.call.method in ("PATCH", "PUT", "POST")


async def test_the_edit_form_is_the_modes_filled_from_the_get_call(served: Any) -> None:
    server, _, _, _ = served
    async with _client("yeastar", server.url) as client:
        trunk = await show(client, "12")  # by id: the mode comes from the get call's answer
        form = edit_form(get_provider("yeastar"), trunk)
    assert trunk.ref.mode == "register" and form is not None
    assert [f.wire for f in form.fields][:3] == ["name", "country", "transport"]
    assert form.values["codec_sel"] == ["ulaw", "alaw"] and "password" not in form.values
    assert ("id", "12", "the trunk's id") in form.read_only
    # back to the update's shapes: a list joined as the PBX takes it; unchanged values and an empty
    # password are not sent
    answers = {**form.values, "codec_sel": ["alaw", "ulaw"], "port": 5060, "password": None}
    assert form.changes(answers) == {"codec_sel": "alaw,ulaw"}
    async with _client("vox", server.url) as client:
        number = await show(client, "0315550103")
        vox_form = edit_form(get_provider("vox"), number)
    assert vox_form is not None
    assert [f.wire for f in vox_form.fields] == ["address", "auth_username", "auth_password", "memo"]
    reasons = {label: reason for label, _, reason in vox_form.read_only}
    assert reasons["Phone number"].startswith("the SIP settings call does not take the number")


@pytest.mark.parametrize("provider_key", ["chorus", "signalwire", "wavix", "yeastar", "vox"])
async def test_an_untouched_edit_form_changes_nothing(served: Any, provider_key: str) -> None:
    server, _, _, _ = served
    provider = get_provider(provider_key)
    async with _client(provider_key, server.url) as client:
        for item in (await list_inventory(client)).items[:4]:
            form = edit_form(provider, await show(client, item.key))
            assert form is not None, item.key
            # what the form hands back untouched (shown fields with a value) is what the get call said
            assert form.changes(applicable_answers(form.fields, dict(form.values))) == {}, item.key
