"""`trunkwizard create` as scripts use it: a real subprocess against the sandbox served on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.canary import CANARY
from tests.support.home import private_home
from trunkwizard.providers import ResourceRef

ROOT = Path(__file__).resolve().parents[1]

REGISTRATION = {
    "provider": "sip",
    "sipMode": "registration",
    "number": "+14155550140",
    "sipUsername": "cli-1001",
    "sipProxy": "pbx.example.com",
}


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """History and profiles of these runs go to a throwaway HOME, never the developer's."""
    private_home(tmp_path, monkeypatch)


def test_history_records_the_sandbox_creation(tmp_path: Path, sandbox_url: str) -> None:
    answers = write(tmp_path, "answers.json", json.dumps({"provider": "jambonz", "number": "+14155550144"}))
    assert (
        trunkwizard("create", "chorus", "--answers", str(answers), "--sandbox-url", sandbox_url).returncode
        == 0
    )
    listing = trunkwizard("history", "--json")
    assert listing.returncode == 0, listing.stderr
    entries = json.loads(listing.stdout)
    assert entries[-1]["provider"] == "chorus" and entries[-1]["sandbox"] is True


def trunkwizard(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "trunkwizard", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert CANARY not in result.stdout and CANARY not in result.stderr
    return result


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


PASSWORD_ENV = {"TRUNKWIZARD_CHORUS_SIP_PASSWORD": CANARY}


async def test_create_from_json_is_found_in_the_sandbox(
    tmp_path: Path, sandbox_url: str, sandbox_client: Any
) -> None:
    answers = write(tmp_path, "answers.json", json.dumps(REGISTRATION))
    result = trunkwizard(
        "create",
        "chorus",
        "--answers",
        str(answers),
        "--sandbox-url",
        sandbox_url,
        "--json",
        env=PASSWORD_ENV,
    )
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    assert created["mode"] == "sip-registration" and created["id"]
    async with sandbox_client("chorus") as client:
        found = await client.fetch(ResourceRef("chorus", "sip-registration", created["id"]))
    assert found["data"]["number"] == REGISTRATION["number"]


def test_toml_answers_with_mode_flag(tmp_path: Path, sandbox_url: str) -> None:
    answers = write(tmp_path, "answers.toml", 'number = "+14155550141"\nname = "TOML line"\n')
    result = trunkwizard(
        "create", "chorus", "--mode", "jambonz", "--answers", str(answers), "--sandbox-url", sandbox_url
    )
    assert result.returncode == 0, result.stderr
    assert "Created Phone number +14155550141" in result.stdout


def test_dry_run_json_is_the_request_with_secrets_masked(tmp_path: Path) -> None:
    answers = write(tmp_path, "answers.json", json.dumps(REGISTRATION))
    result = trunkwizard(
        "create",
        "chorus",
        "--answers",
        str(answers),
        "--dry-run",
        "--json",
        env={**PASSWORD_ENV, "TRUNKWIZARD_CHORUS_API_KEY": CANARY},
    )
    assert result.returncode == 0, result.stderr
    (request,) = json.loads(result.stdout)["calls"]
    assert set(request) == {"method", "url", "headers", "json"}
    assert request["method"] == "POST"
    assert request["url"] == "https://api.chorus-ai.co/v1/phone-numbers"
    assert request["json"]["sipPassword"] == "********"
    assert request["headers"]["Authorization"] == "Bearer $TRUNKWIZARD_CHORUS_API_KEY"
    assert "sipIp" not in request["json"]


def test_invalid_answers_exit_2_one_line_per_problem(tmp_path: Path) -> None:
    bad = {**REGISTRATION, "sipUsername": "u" * 61, "sipPort": 70000, "agentId": "agent-7"}
    del bad["sipProxy"]
    answers = write(tmp_path, "answers.json", json.dumps(bad))
    result = trunkwizard("create", "chorus", "--answers", str(answers), "--dry-run")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("invalid: ")]
    fields = {line.split(":")[1].strip() for line in lines}
    assert fields == {"agentId", "sipUsername", "sipPort", "sipProxy", "sipPassword"}
    assert any("TRUNKWIZARD_CHORUS_SIP_PASSWORD" in line for line in lines)


def test_a_switch_named_in_a_message_says_its_wire_name_on_the_command_line(tmp_path: Path) -> None:
    """One message, two voices: the script user sees the switch's wire name, the form its label only.
    Seed 002 line 32: allowed_ips "is required when ip_restrict is true"."""
    from trunkwizard.errors import ValidationFailed
    from trunkwizard.fields import validate_answers
    from trunkwizard.providers.wavix import WavixTrunk

    answers = {
        "label": "Switch",
        "password": "4r=h;EaCB85QNtr2",
        "callerid": "13132847320",
        "ip_restrict": True,
    }
    path = write(tmp_path, "a.json", json.dumps(answers))
    result = trunkwizard("create", "wavix", "--answers", str(path), "--dry-run")
    assert result.returncode == 2, result.stderr
    assert (
        "invalid: allowed_ips: required while IP restriction (ip_restrict) is on: enter allowed IPs"
        in result.stderr.splitlines()
    )
    with pytest.raises(ValidationFailed) as failure:
        validate_answers(WavixTrunk, answers)
    form = {p.field: p.message for p in failure.value.problems}
    assert form["allowed_ips"] == "required while IP restriction is on: enter allowed IPs"


def test_provider_error_exits_1_with_the_provider_message(tmp_path: Path, sandbox_url: str) -> None:
    answers = write(
        tmp_path, "answers.json", json.dumps({"provider": "voximplant", "number": "+14155550142"})
    )
    first = trunkwizard("create", "chorus", "--answers", str(answers), "--sandbox-url", sandbox_url)
    assert first.returncode == 0, first.stderr
    again = trunkwizard("create", "chorus", "--answers", str(answers), "--sandbox-url", sandbox_url)
    assert again.returncode == 1
    assert "already" in again.stderr and "number" in again.stderr


def test_no_mode_and_no_discriminator_is_a_usage_error(tmp_path: Path) -> None:
    answers = write(tmp_path, "answers.json", json.dumps({"provider": "fax", "number": "+14155550143"}))
    result = trunkwizard("create", "chorus", "--answers", str(answers), "--dry-run")
    assert result.returncode == 2
    assert "--mode" in result.stderr


def test_account_secrets_in_the_answers_file_are_refused(tmp_path: Path) -> None:
    # A stand-in key, not the canary: this test writes it into a file on purpose.
    answers = write(
        tmp_path, "answers.json", json.dumps({**REGISTRATION, "account": {"api_key": "key-in-a-file"}})
    )
    result = trunkwizard("create", "chorus", "--answers", str(answers), "--dry-run", env=PASSWORD_ENV)
    assert result.returncode == 2
    assert "TRUNKWIZARD_CHORUS_API_KEY" in result.stderr


def test_no_option_takes_a_secret_on_the_command_line() -> None:
    result = trunkwizard("create", "--help")
    assert result.returncode == 0
    assert (
        "--password" not in result.stdout
        and "--api-key" not in result.stdout
        and "--token" not in result.stdout
    )


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version(flag: str) -> None:
    result = trunkwizard(flag)
    assert result.returncode == 0
    assert "trunkwizard" in result.stdout


def test_create_help_names_every_provider_key() -> None:
    from trunkwizard.catalog import CATALOG

    result = trunkwizard("create", "--help")
    assert result.returncode == 0, result.stderr
    keys = [entry.key for entry in CATALOG]
    named = " ".join(result.stdout.split())  # argparse wraps the help at the terminal's width
    assert f"{', '.join(keys[:-1])} or {keys[-1]} (see `trunkwizard providers`)" in named


def test_providers_lists_every_provider_mode_and_field() -> None:
    result = trunkwizard("providers", "--json")
    assert result.returncode == 0, result.stderr
    documents = json.loads(result.stdout)
    from trunkwizard.providers import all_providers

    assert [d["key"] for d in documents] == [p.key for p in all_providers()]
    chorus = next(d for d in documents if d["key"] == "chorus")
    registration = next(m for m in chorus["modes"] if m["key"] == "sip-registration")
    username = next(f for f in registration["fields"] if f["wire"] == "sipUsername")
    assert username["required"] is True and username["limits"] == "at most 60 characters"
    text = trunkwizard("providers", "chorus")
    assert "sipOutboundProxy" in text.stdout and "at most 100 characters" in text.stdout


def test_an_inferred_rule_warns_on_stderr_and_the_number_is_created(tmp_path: Path, sandbox_url: str) -> None:
    """No document gives Chorus numbers a pattern (E.164 is what its examples show): exit 0, a warning."""
    answers = write(tmp_path, "answers.json", json.dumps({"provider": "jambonz", "number": "5551234"}))
    result = trunkwizard(
        "create", "chorus", "--answers", str(answers), "--sandbox-url", sandbox_url, "--json"
    )
    assert result.returncode == 0, result.stderr
    assert (
        "warning: number: Chorus documents numbers as E.164 (+14155550124); this one is not: Chorus may "
        "refuse it" in result.stderr
    )
    assert "may refuse" not in result.stdout
    assert json.loads(result.stdout)["returned"]["number"] == "5551234"


def test_providers_into_a_closed_pipe_is_no_traceback() -> None:
    """`trunkwizard providers | head -1`: the reader stops early; no BrokenPipeError traceback."""
    command = f"{sys.executable} -m trunkwizard providers | head -1"
    result = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command}; echo status=${{PIPESTATUS[0]}} >&2"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert result.stdout.startswith("chorus")
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr
    assert "status=141" in result.stderr
