"""`trunkwizard profile ...` and `trunkwizard history` as a technician runs them: real processes,
a real Secret Service, a real pty for the hidden prompt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak, assert_private_tree
from tests.support.secret_service import KeyringSession, PrivateHome

pytestmark = pytest.mark.keyring
REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "trunkwizard"]


def _run(
    env: dict[str, str], *args: str, stdin: str = "", extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        input=stdin,
        env={**env, **(extra_env or {})},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _list(env: dict[str, str]) -> dict[str, object]:
    result = _run(env, "profile", "list", "--json")
    assert result.returncode == 0, result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_add_list_edit_rename_rm_with_the_secret_service(secret_service: KeyringSession) -> None:
    env = secret_service.env
    outputs: list[str] = []

    added = _run(
        env,
        "profile",
        "add",
        "acme",
        "--provider",
        "chorus",
        "--secrets-from-stdin",
        stdin=json.dumps({"api_key": CANARY}),
    )
    outputs += [added.stdout, added.stderr]
    assert added.returncode == 0, added.stderr
    assert "stored in the Secret Service: api_key" in added.stderr
    assert secret_service.lookup("acme:api_key") == CANARY

    listing = _list(env)
    assert listing["keyring"] == {
        "backend": "Secret Service",
        "state": "available",
        "persistent": True,
        "message": "Secrets are stored in the Secret Service.",
    }
    assert listing["profiles"] == [
        {
            "name": "acme",
            "provider": "chorus",
            "settings": {},
            "ca_file": None,
            "read_only": False,
            "secrets": {"api_key": True},
        }
    ]

    edited = _run(
        env,
        "profile",
        "edit",
        "acme",
        "--set",
        "base_url=https://chorus.example.test/v1",
        "--secret",
        "api_key",
        extra_env={"TRUNKWIZARD_CHORUS_API_KEY": CANARY + "-rotated", "TRUNKWIZARD_SECRET_API_KEY": "older"},
    )
    outputs += [edited.stdout, edited.stderr]
    assert edited.returncode == 0, edited.stderr
    assert secret_service.lookup("acme:api_key") == CANARY + "-rotated"
    text = _run(env, "profile", "list")
    outputs += [text.stdout, text.stderr]
    assert text.stdout.splitlines() == [
        "acme  (chorus)",
        "  base_url = https://chorus.example.test/v1",
        "  secrets: api_key stored",
        "keyring: Secret Service",
    ]

    renamed = _run(env, "profile", "rename", "acme", "acme-hq")
    outputs += [renamed.stdout, renamed.stderr]
    assert renamed.returncode == 0, renamed.stderr
    assert secret_service.lookup("acme:api_key") is None
    assert secret_service.lookup("acme-hq:api_key") == CANARY + "-rotated"

    refused = _run(env, "profile", "rm", "acme-hq")
    assert refused.returncode == 2
    assert refused.stderr == "trunkwizard: not removing without confirmation: add --yes\n"
    removed = _run(env, "profile", "rm", "acme-hq", "--yes")
    outputs += [removed.stdout, removed.stderr]
    assert removed.returncode == 0, removed.stderr
    assert secret_service.lookup("acme-hq:api_key") is None
    assert _list(env)["profiles"] == []

    assert_no_leak(CANARY, secret_service.home.scanned_roots(), *outputs)
    assert_private_tree(secret_service.home.config_home)


def test_usage_errors_exit_2_with_one_line_each(secret_service: KeyringSession) -> None:
    env = secret_service.env
    as_setting = _run(env, "profile", "add", "acme", "--provider", "chorus", "--set", f"api_key={CANARY}")
    assert as_setting.returncode == 2
    assert as_setting.stderr == (
        "trunkwizard: invalid: api_key: is a secret: it goes to the keyring, never to the profile file\n"
    )
    assert CANARY not in as_setting.stdout + as_setting.stderr

    bad_name = _run(env, "profile", "add", "acme pbx", "--provider", "chorus")
    assert bad_name.returncode == 2 and "profile names are 1 to 64 letters" in bad_name.stderr
    unknown = _run(env, "profile", "add", "acme", "--provider", "nope")
    assert unknown.returncode == 2 and "unknown provider 'nope'" in unknown.stderr
    not_json = _run(
        env, "profile", "add", "acme", "--provider", "chorus", "--secrets-from-stdin", stdin="{oops"
    )
    assert not_json.returncode == 2 and "not JSON" in not_json.stderr
    missing = _run(env, "profile", "rm", "ghost", "--yes")
    assert missing.returncode == 2 and missing.stderr.startswith("trunkwizard: no profile named 'ghost'")
    for result in (bad_name, unknown, not_json, missing):
        assert len(result.stderr.splitlines()) == 1, result.stderr
    assert not (secret_service.home.config_home / "trunkwizard" / "profiles.toml").exists()


def test_a_setting_an_inferred_rule_doubts_is_saved_with_a_warning(secret_service: KeyringSession) -> None:
    """A Project ID that is not a UUID: an inferred rule (SignalWire documents a string, its examples are
    UUIDs) warns, as `create` does, and the profile is saved; an edit that corrects it says nothing more.
    A documented rule refuses (exit 2), nothing saved."""
    env = secret_service.env
    secrets = json.dumps({"api_token": CANARY})
    settings = ["--set", "space=acme", "--set", "project_id=not-a-uuid", "--secrets-from-stdin"]
    added = _run(env, "profile", "add", "acme", "--provider", "signalwire", *settings, stdin=secrets)
    assert added.returncode == 0, added.stderr
    assert "trunkwizard: warning: project_id: SignalWire's Project IDs are UUIDs" in added.stderr
    assert CANARY not in added.stdout + added.stderr
    uuid = "d369a402-7b43-4512-8735-9d5e1f387814"
    edited = _run(env, "profile", "edit", "acme", "--set", f"project_id={uuid}")
    assert edited.returncode == 0, edited.stderr
    assert "warning" not in edited.stderr
    doubted = _run(env, "profile", "edit", "acme", "--set", "project_id=again-not-one")
    assert doubted.returncode == 0 and "warning: project_id:" in doubted.stderr
    refused = _run(env, "profile", "add", "acme2", "--provider", "signalwire", "--set", "space=not a label")
    assert refused.returncode == 2 and "warning" not in refused.stderr
    profiles = _list(env)["profiles"]
    assert isinstance(profiles, list) and [p["name"] for p in profiles] == ["acme"]


def test_help_names_the_secret_variables(private_home: PrivateHome) -> None:
    result = _run(private_home.env, "profile", "add", "--help")
    assert result.returncode == 0
    assert "chorus: TRUNKWIZARD_CHORUS_API_KEY" in result.stdout
    assert "yeastar: TRUNKWIZARD_YEASTAR_CLIENT_SECRET" in result.stdout
    assert "TRUNKWIZARD_SECRET_<FIELD> (e.g. TRUNKWIZARD_SECRET_API_KEY) is read when" in result.stdout


def test_the_older_secret_variable_still_works(secret_service: KeyringSession) -> None:
    added = _run(
        secret_service.env,
        "profile",
        "add",
        "acme",
        "--provider",
        "chorus",
        extra_env={"TRUNKWIZARD_SECRET_API_KEY": CANARY},
    )
    assert added.returncode == 0, added.stderr
    assert secret_service.lookup("acme:api_key") == CANARY
    assert CANARY not in added.stdout + added.stderr


def test_no_keyring_over_plain_ssh(private_home: PrivateHome) -> None:
    env = private_home.env
    added = _run(
        env,
        "profile",
        "add",
        "acme",
        "--provider",
        "chorus",
        "--secrets-from-stdin",
        stdin=json.dumps({"api_key": CANARY}),
    )
    assert added.returncode == 1, "nothing of the secret was saved: a script must see a failure"
    lines = added.stderr.splitlines()
    assert lines[1] == (
        "trunkwizard: No secure keyring is available (over plain SSH there is no Secret Service), so "
        "secrets are kept in memory for this session only."
    )
    assert lines[2].startswith(
        "trunkwizard: hint: To keep secrets across sessions, start a keyring first: "
        "run `dbus-run-session -- sh`"
    )
    assert lines[3] == "trunkwizard: not saved (this command's session ends now): api_key"
    assert lines[4] == "trunkwizard: the profile's settings were saved, its secrets were not: exit status 1"
    listing = _list(env)
    assert listing["keyring"]["state"] == "no_backend"  # type: ignore[index]
    assert listing["profiles"][0]["secrets"] == {"api_key": False}  # type: ignore[index]
    assert_no_leak(CANARY, private_home.scanned_roots(), added.stdout, added.stderr)
    assert_private_tree(private_home.config_home)


def test_locked_keyring_is_named(locked_secret_service: KeyringSession) -> None:
    result = _run(
        locked_secret_service.env,
        "profile",
        "add",
        "acme",
        "--provider",
        "chorus",
        "--secrets-from-stdin",
        stdin=json.dumps({"api_key": CANARY}),
    )
    assert result.returncode == 1, "the secret given was not saved anywhere lasting"
    assert "its secrets were not" in result.stderr
    assert (
        "trunkwizard: The Secret Service is locked and could not be unlocked, so secrets are kept in "
        "memory for this session only."
    ) in result.stderr.splitlines()
    assert_no_leak(CANARY, locked_secret_service.home.scanned_roots(), result.stdout, result.stderr)


def test_hanging_keyring_times_out(hanging_secret_service: KeyringSession) -> None:
    result = _run(
        hanging_secret_service.env, "profile", "list", extra_env={"TRUNKWIZARD_KEYRING_TIMEOUT": "1"}
    )
    assert result.returncode == 0, result.stderr
    assert "keyring: session memory (timed_out)" in result.stdout
    assert "did not answer within 1 s" in result.stderr


def _spawn(env: dict[str, str], *args: str) -> pexpect.spawn:
    return pexpect.spawn(CLI[0], [*CLI[1:], *args], env=env, cwd=str(REPO), encoding="utf-8", timeout=60)


def test_hidden_prompt_on_a_terminal(secret_service: KeyringSession) -> None:
    child = _spawn(secret_service.env, "profile", "add", "acme", "--provider", "chorus")
    child.expect_exact("API key for acme (hidden, Enter to skip): ")
    child.sendline(CANARY)
    child.expect(pexpect.EOF)
    transcript = child.before or ""
    child.close()
    assert child.exitstatus == 0, transcript
    assert "stored in the Secret Service: api_key" in transcript
    assert secret_service.lookup("acme:api_key") == CANARY

    remover = _spawn(secret_service.env, "profile", "rm", "acme")
    remover.expect_exact("Remove profile 'acme' (chorus) and its keyring entries? [y/N]")
    remover.sendline("y")
    remover.expect(pexpect.EOF)
    remover.close()
    assert remover.exitstatus == 0
    assert secret_service.lookup("acme:api_key") is None
    # getpass turned echo off: the typed secret never reached the terminal
    assert_no_leak(CANARY, secret_service.home.scanned_roots(), transcript)


def test_history_lists_entries(private_home: PrivateHome) -> None:
    from trunkwizard.store import HistoryStore

    history = HistoryStore()
    for created in ("n-1", "n-2", "n-3"):
        history.append(
            provider="chorus",
            profile="acme",
            mode="sip-registration",
            created_id=created,
            request={"method": "POST", "url": "https://api.chorus-ai.co/v1/phone-numbers"},
            sandbox=True,
        )
    history.mark_deleted(history.entries()[2].id)
    result = _run(private_home.env, "history", "--json", "--limit", "2")
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)
    assert [e["created_id"] for e in entries] == ["n-3", "n-2"], "the newest first"
    assert entries[0]["deleted_at"] is not None and entries[1]["deleted_at"] is None
    text = _run(private_home.env, "history")
    lines = text.stdout.splitlines()
    assert len(lines) == 6
    assert "chorus/sip-registration  profile=acme  id=n-3  [sandbox, deleted " in lines[0]
    assert lines[1] == "    POST https://api.chorus-ai.co/v1/phone-numbers"
    assert "id=n-1" in lines[4]
    assert _run(private_home.env, "history", "--limit", "0").returncode == 2


def test_create_with_a_profile_records_history(secret_service: KeyringSession, sandbox_url: str) -> None:
    from trunkwizard.sandbox import sandbox_account

    account = sandbox_account("chorus", sandbox_url)
    env = secret_service.env
    added = _run(
        env,
        "profile",
        "add",
        "acme",
        "--provider",
        "chorus",
        "--set",
        f"base_url={account['base_url']}",
        "--secrets-from-stdin",
        stdin=json.dumps({"api_key": account["api_key"]}),
    )
    assert added.returncode == 0, added.stderr
    answers = secret_service.home.root / "answers.json"
    answers.write_text(
        json.dumps(
            {
                "provider": "sip",
                "sipMode": "registration",
                "number": "+14155550601",
                "sipUsername": "prof-1001",
                "sipProxy": "pbx.example.com",
            }
        )
    )
    created = _run(
        env,
        "create",
        "chorus",
        "--profile",
        "acme",
        "--answers",
        str(answers),
        "--json",
        extra_env={"TRUNKWIZARD_CHORUS_SIP_PASSWORD": CANARY},
    )
    assert created.returncode == 0, created.stderr
    created_id = json.loads(created.stdout)["id"]

    history = _run(env, "history", "--json")
    entries = json.loads(history.stdout)
    assert [(e["profile"], e["provider"], e["mode"], e["created_id"], e["sandbox"]) for e in entries] == [
        ("acme", "chorus", "sip-registration", created_id, False)
    ]
    assert entries[0]["request"]["json"]["sipPassword"] == "********"
    assert_no_leak(
        CANARY, secret_service.home.scanned_roots(), created.stdout, created.stderr, history.stdout
    )
    assert_private_tree(secret_service.home.config_home, secret_service.home.state_home)


def test_create_with_a_profile_whose_secret_is_missing(private_home: PrivateHome) -> None:
    env = private_home.env
    assert _run(env, "profile", "add", "acme", "--provider", "chorus").returncode == 0
    answers = private_home.root / "answers.json"
    answers.write_text(
        json.dumps({"provider": "twilio", "number": "+14155550602", "twilioAccountSid": "AC" + "0" * 32})
    )
    created = _run(env, "create", "chorus", "--profile", "acme", "--answers", str(answers))
    assert created.returncode == 1
    assert created.stderr.startswith("trunkwizard: No API key for profile 'acme' in this session")


def test_a_hanging_keyring_makes_secrets_unknown_not_missing(hanging_secret_service: KeyringSession) -> None:
    env = hanging_secret_service.env
    extra = {"TRUNKWIZARD_KEYRING_TIMEOUT": "1"}
    from trunkwizard.store import Profile, ProfileStore

    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        ProfileStore().add(Profile(name="acme", provider="chorus", settings={}))
    result = _run(env, "profile", "list", extra_env=extra)
    assert result.returncode == 0, result.stderr
    assert "api_key unknown (the keyring did not answer)" in result.stdout
    assert "missing" not in result.stdout
