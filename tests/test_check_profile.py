"""`trunkwizard check --register --profile NAME`: the SIP password kept with a saved profile in a real
Secret Service, checked against a sipp registrar on 127.0.0.1; stored, moved and removed with the profile."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak
from tests.support.secret_service import KeyringSession
from tests.support.sip import SipPeers

pytestmark = [pytest.mark.keyring, pytest.mark.sipp]
ROOT = Path(__file__).resolve().parents[1]
USERNAME = "tw1001"


def _run(env: dict[str, str], *args: str, stdin: str = "", extra: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "trunkwizard", *args],
        input=stdin,
        env={**env, **(extra or {})},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return f"{result.returncode}\n{result.stdout}{result.stderr}"


def test_the_register_password_comes_from_the_profile(
    sip_peers: SipPeers,  # first: its scenario files (the registrar knows the password) stay out of HOME
    secret_service: KeyringSession,
) -> None:
    env = {k: v for k, v in secret_service.env.items() if k != "TRUNKWIZARD_SIP_PASSWORD"}
    registrar = sip_peers.registrar(USERNAME, CANARY)
    check = ["check", "127.0.0.1", "--port", str(registrar.port), "--register", "--username", USERNAME]
    outputs = [
        _run(env, "profile", "add", "pbx", "--provider", "chorus", "--secrets-from-stdin", stdin="{}"),
    ]

    missing = _run(env, *check, "--yes", "--profile", "pbx")
    outputs.append(missing)
    assert missing.startswith("2\n")
    assert "No SIP password is stored for profile 'pbx' in the Secret Service: store it with: " in missing
    assert "trunkwizard profile edit pbx --secret sip_password" in missing

    stored = _run(
        env,
        "profile",
        "edit",
        "pbx",
        "--secret",
        "sip_password",
        extra={"TRUNKWIZARD_CHORUS_SIP_PASSWORD": CANARY},
    )
    outputs.append(stored)
    assert stored.startswith("0\n") and "stored in the Secret Service: sip_password" in stored
    assert secret_service.lookup("pbx:sip_password") == CANARY

    passed = _run(env, *check, "--yes", "--profile", "pbx")
    outputs.append(passed)
    assert passed.startswith("0\n"), passed
    assert f"PASS  register user {USERNAME}: accepted (200 OK); unregistered again" in passed

    outputs.append(_run(env, "profile", "rename", "pbx", "pbx-hq"))
    assert secret_service.lookup("pbx:sip_password") is None
    assert secret_service.lookup("pbx-hq:sip_password") == CANARY
    outputs.append(_run(env, "profile", "rm", "pbx-hq", "--yes"))
    assert secret_service.lookup("pbx-hq:sip_password") is None

    unknown = _run(env, *check, "--yes", "--profile", "ghost")
    outputs.append(unknown)
    assert unknown.startswith("2\n") and "no profile named 'ghost'" in unknown
    assert_no_leak(CANARY, secret_service.home.scanned_roots(), *outputs)


def test_stdin_may_carry_the_sip_password_with_the_account_secret(secret_service: KeyringSession) -> None:
    secrets = json.dumps({"api_key": CANARY + "-key", "sip_password": CANARY})
    added = _run(
        secret_service.env,
        "profile",
        "add",
        "pbx",
        "--provider",
        "chorus",
        "--secrets-from-stdin",
        stdin=secrets,
    )
    assert added.startswith("0\n"), added
    assert secret_service.lookup("pbx:sip_password") == CANARY
    assert secret_service.lookup("pbx:api_key") == CANARY + "-key"
    listing = json.loads(_run(secret_service.env, "profile", "list", "--json").split("\n", 1)[1])
    assert listing["profiles"][0]["secrets"] == {"api_key": True}
