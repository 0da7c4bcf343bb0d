"""`trunkwizard check` as a subprocess against Kamailio on 127.0.0.1: a name from /etc/hosts, the saved
profile's CA file for TLS, `--profile` without `--register`, and an explained failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.canary import CANARY
from tests.support.kamailio import Kamailio, KamailioRegistrars
from tests.support.secret_service import KeyringSession

pytestmark = pytest.mark.kamailio
ROOT = Path(__file__).resolve().parents[1]
PASSWORD_ENV = "TRUNKWIZARD_SIP_PASSWORD"
YEASTAR = ["--provider", "yeastar", "--set", "base_url=https://pbx.example.test", "--set", "client_id=c1"]


@pytest.fixture
def registrar(kamailio_registrars: KamailioRegistrars) -> Kamailio:
    registrar = kamailio_registrars.get("MD5")
    registrar.mark()
    return registrar


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """An environment whose config, state and keyring are empty: no Secret Service on the bus."""
    env = {k: v for k, v in os.environ.items() if k != PASSWORD_ENV and not k.startswith("DBUS_")}
    env.update(
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent",
    )
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trunkwizard", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _line(output: str, name: str) -> str:
    (line,) = [line for line in output.splitlines() if line[6:].startswith(f"{name} ")]
    return line


def test_check_localhost_passes_dns_where_options_passes(registrar: Kamailio, home: dict[str, str]) -> None:
    done = _run(home, "check", "localhost", "--port", str(registrar.udp_port))

    assert done.returncode == 0, done.stdout + done.stderr
    assert _line(done.stdout, "dns").startswith("PASS  dns      localhost -> 127.0.0.1 from ")
    options = _line(done.stdout, "options")
    assert options.startswith(f"PASS  options  200 OK from 127.0.0.1:{registrar.udp_port}/udp")


def test_check_profile_uses_the_profiles_ca_file_without_register(
    registrar: Kamailio, home: dict[str, str]
) -> None:
    tls = ["check", "localhost", "--port", str(registrar.tls_port), "--transport", "tls"]
    added = _run(home, "profile", "add", "pbx", *YEASTAR, "--ca-file", str(registrar.ca_file))
    assert added.returncode == 0, added.stdout + added.stderr

    without = _run(home, *tls)
    with_profile = _run(home, *tls, "--profile", "pbx")

    assert without.returncode == 1
    assert "not trusted" in _line(without.stdout, "options")
    assert with_profile.returncode == 0, with_profile.stdout + with_profile.stderr
    assert _line(with_profile.stdout, "options").startswith(
        f"PASS  options  200 OK from 127.0.0.1:{registrar.tls_port}/tls"
    )
    # --profile without --register is not silently ignored: it says what it used.
    assert (
        f"profile pbx: CA file {registrar.ca_file}, yeastar hints, no password (no --register)"
        in with_profile.stderr
    )


def test_without_a_keyring_the_message_does_not_offer_the_variable_already_set(
    registrar: Kamailio, home: dict[str, str]
) -> None:
    assert _run(home, "profile", "add", "pbx", *YEASTAR).returncode == 0
    register = ["check", "127.0.0.1", "--port", str(registrar.udp_port), "--register", "--username", "alice"]

    unset = _run(home, *register, "--yes", "--profile", "pbx")
    set_ = _run({**home, PASSWORD_ENV: CANARY}, *register, "--yes", "--profile", "pbx")

    assert unset.returncode == 2 and f"or set {PASSWORD_ENV}" in unset.stderr
    assert set_.returncode == 2
    assert f"or set {PASSWORD_ENV}" not in set_.stderr
    assert f"{PASSWORD_ENV} is set, but --profile reads the keyring: leave out --profile" in set_.stderr
    assert CANARY not in set_.stdout + set_.stderr


def test_an_explained_failure_with_the_providers_hint(registrar: Kamailio, home: dict[str, str]) -> None:
    check = ["check", "127.0.0.1", "--port", str(registrar.udp_port), "--register", "--username", "6701"]
    env = {**home, PASSWORD_ENV: CANARY}

    done = _run(env, *check, "--auth-user", "alice", "--yes")
    as_json = _run(env, *check, "--auth-user", "alice", "--yes", "--json", "--provider", "yeastar")

    assert done.returncode == 1
    lines = done.stdout.splitlines()
    at = lines.index(_line(done.stdout, "register"))
    assert lines[at] == (
        "FAIL  register rejected: the registrar does not let auth ID alice register user 6701 "
        "(403 Auth ID not allowed for this user)"
    )
    assert lines[at + 1].startswith(" " * 15 + "why: the auth ID may not register this user")
    assert "note: " not in done.stdout  # no provider named, no provider hints
    assert as_json.returncode == 1
    register = {item["name"]: item for item in json.loads(as_json.stdout)}["register"]
    assert register["outcome"] == "auth-id-refused"
    assert register["causes"][0].startswith("the auth ID may not register this user")
    assert register["hints"][0].startswith("Yeastar: the trunk's Authentication Name (auth_name)")
    assert CANARY not in done.stdout + done.stderr + as_json.stdout + as_json.stderr


@pytest.mark.keyring
def test_register_over_tls_with_the_profiles_ca_and_keyring_password(
    registrar: Kamailio, secret_service: KeyringSession
) -> None:
    env = {k: v for k, v in secret_service.env.items() if k != PASSWORD_ENV}
    added = _run(env, "profile", "add", "pbx", *YEASTAR, "--ca-file", str(registrar.ca_file))
    assert added.returncode == 0, added.stdout + added.stderr
    secret_service.store("pbx:sip_password", CANARY)
    tls = ["localhost", "--port", str(registrar.tls_port), "--transport", "tls"]

    done = _run(env, "check", *tls, "--register", "--username", "alice", "--yes", "--profile", "pbx")

    assert done.returncode == 0, done.stdout + done.stderr
    register = _line(done.stdout, "register")
    assert register == "PASS  register user alice: accepted (200 OK); unregistered again"
    assert registrar.logged(r"SAVED aor=sip:alice@localhost", at_least=2)
    assert "its keyring SIP password" in done.stderr
    assert CANARY not in done.stdout + done.stderr
