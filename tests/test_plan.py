"""A prepared request is a plan: the create call and every follow-up call, in order, shown everywhere
(dry run, curl, history) and never showing a secret until the client sends it."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.canary import CANARY
from tests.test_provider_vox import MODE, VOX, WITH_AGENTS
from trunkwizard.client import load_account, prepare
from trunkwizard.sandbox import sandbox_account

ROOT = Path(__file__).resolve().parents[1]
BASE = "http://sandbox.trunkwizard.invalid/vox/v3"
MAPPING_URL = BASE + "/organization-telephone-numbers/{created_id}/agent"


def _plan() -> Any:
    return prepare(VOX, MODE, WITH_AGENTS, load_account(VOX, sandbox_account("vox")))


def test_the_plan_holds_the_create_and_the_agent_mapping_in_order() -> None:
    plan = _plan()
    assert [(c.method, c.path) for c in plan.calls] == [
        ("POST", "/telephone-numbers/register"),
        ("PATCH", "/organization-telephone-numbers/{created_id}/agent"),
    ]
    assert plan.calls[1].takes_created_id and not plan.calls[0].takes_created_id
    mapping = plan.as_json()["calls"][1]
    assert mapping["json"]["inbound_agent"]["agent_id"] == WITH_AGENTS["inbound_agent_id"]


def test_no_repr_of_a_plan_shows_a_secret() -> None:
    plan = _plan()
    for shown in (repr(plan), repr(plan.call), str(plan.calls), plan.as_text(), plan.as_curl()):
        assert CANARY not in shown
    # the secret is still there for the one place that sends it
    assert plan.call.json is not None
    assert plan.call.json["auth_password"].get_secret_value() == CANARY


def test_curl_has_every_call_with_the_created_id_as_a_variable() -> None:
    curl = _plan().as_curl()
    assert curl.count("curl -X") == 2
    assert "call 2 of 2" in curl and "TRUNKWIZARD_CREATED_ID" in curl
    assert "${TRUNKWIZARD_VOX_AUTH_PASSWORD}" in curl
    assert '/organization-telephone-numbers/$TRUNKWIZARD_CREATED_ID/agent" \\' in curl


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    env = {"HOME": str(home), "PYTHONPATH": str(ROOT)}
    for name, sub in (("XDG_CONFIG_HOME", ".config"), ("XDG_STATE_HOME", ".local/state")):
        env[name] = str(home / sub)
    env["XDG_DATA_HOME"] = str(home / ".local/share")
    return env


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    result = subprocess.run(
        [sys.executable, "-m", "trunkwizard", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert CANARY not in result.stdout + result.stderr
    return result


def test_dry_run_json_and_history_show_the_agent_mapping(tmp_path: Path, home: dict[str, str]) -> None:
    answers = tmp_path / "vox.json"
    # the password comes from the environment, as a script keeps it out of files
    answers.write_text(json.dumps({k: v for k, v in WITH_AGENTS.items() if k != "auth_password"}))
    home = {**home, "TRUNKWIZARD_VOX_AUTH_PASSWORD": CANARY}
    dry = _cli(home, "create", "vox", "--answers", str(answers), "--sandbox", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    calls = json.loads(dry.stdout)["calls"]
    assert [(c["method"], c["url"]) for c in calls] == [
        ("POST", BASE + "/telephone-numbers/register"),
        ("PATCH", MAPPING_URL),
    ]
    assert all(set(c) == {"method", "url", "headers", "json"} for c in calls)
    assert calls[0]["json"]["auth_password"] == "********"
    text = _cli(home, "create", "vox", "--answers", str(answers), "--sandbox", "--dry-run")
    assert "call 2 of 2" in text.stdout and "PATCH" in text.stdout

    created = _cli(home, "create", "vox", "--answers", str(answers), "--sandbox", "--json")
    assert created.returncode == 0, created.stderr
    number_id = json.loads(created.stdout)["id"]
    history = _cli(home, "history", "--json")
    (entry,) = json.loads(history.stdout)
    (mapping,) = entry["request"]["follow_ups"]
    assert mapping["method"] == "PATCH" and mapping["url"] == MAPPING_URL
    listing = _cli(home, "history")
    assert "PATCH " + MAPPING_URL in listing.stdout, listing.stdout
    assert number_id in listing.stdout


def test_the_wizard_history_shows_every_call_of_an_entry() -> None:
    from rich.console import Console

    from trunkwizard.commands._profiles import history_request
    from trunkwizard.store.history import HistoryEntry
    from trunkwizard.tui.screens.history import request_text

    request = history_request(_plan())
    entry = HistoryEntry("e1", "2026-11-29T12:00:00Z", "vox", None, MODE, "n-1", request=request)
    assert [c["method"] for c in entry.calls] == ["POST", "PATCH"]
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(request_text(entry))
    shown = console.export_text()
    assert "call 2 of 2: PATCH" in shown and "/organization-telephone-numbers/{created_id}/agent" in shown
    assert "inbound_agent" in shown and CANARY not in shown
