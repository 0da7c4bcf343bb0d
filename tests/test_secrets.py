"""The keyring layer against a real Secret Service (gnome-keyring on a private D-Bus), and without one."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import keyring
import keyring.core
import pytest
from keyring.backend import KeyringBackend

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak, files_containing
from tests.support.secret_service import KeyringSession, PrivateHome
from trunkwizard.redact import redact
from trunkwizard.secrets import (
    SERVICE,
    KeyringState,
    KeyringUnavailable,
    SecretMissing,
    SecretVault,
    detect_backend,
    entry_username,
)

pytestmark = pytest.mark.keyring
REPO = Path(__file__).resolve().parents[1]


def _session_only_path_works(vault: SecretVault) -> None:
    """Store, read, replace and forget a secret in a vault that cannot reach a keyring."""
    assert not vault.persistent
    status = vault.store("acme-pbx", "client_secret", CANARY)
    assert not status.persistent
    assert vault.fetch("acme-pbx", "client_secret").get_secret_value() == CANARY
    vault.store("acme-pbx", "client_secret", CANARY + "-2")
    assert vault.fetch("acme-pbx", "client_secret").get_secret_value() == CANARY + "-2"
    vault.remove("acme-pbx", "client_secret")
    with pytest.raises(SecretMissing) as missing:
        vault.fetch("acme-pbx", "client_secret", label="Client secret")
    assert "No Client secret for profile 'acme-pbx' in this session" in missing.value.message
    assert "enter it again" in missing.value.message


def test_store_read_update_delete_in_the_secret_service(secret_service: KeyringSession) -> None:
    vault = SecretVault.open()
    assert vault.persistent
    assert vault.status.state is KeyringState.AVAILABLE
    assert vault.status.backend == "Secret Service"

    status = vault.store("acme-pbx", "client_secret", CANARY)
    assert status.persistent
    # read back by libsecret's own tool, not by our code: the entry is where the design says
    assert secret_service.lookup(entry_username("acme-pbx", "client_secret")) == CANARY
    assert vault.fetch("acme-pbx", "client_secret").get_secret_value() == CANARY

    vault.store("acme-pbx", "client_secret", CANARY + "-rotated")
    assert secret_service.lookup("acme-pbx:client_secret") == CANARY + "-rotated"
    # a new vault (a new session) reads what the first one stored
    assert SecretVault.open().fetch("acme-pbx", "client_secret").get_secret_value() == CANARY + "-rotated"

    vault.remove("acme-pbx", "client_secret")
    assert secret_service.lookup("acme-pbx:client_secret") is None
    vault.remove("acme-pbx", "client_secret")  # removing twice is not an error


def test_a_missing_entry_says_which_and_to_enter_it_again(secret_service: KeyringSession) -> None:
    vault = SecretVault.open()
    assert vault.lookup("acme-pbx", "client_secret") is None
    with pytest.raises(SecretMissing) as missing:
        vault.fetch("acme-pbx", "client_secret", label="Client secret")
    assert missing.value.message == (
        "No Client secret is stored for profile 'acme-pbx' in the Secret Service: enter it again."
    )
    assert "acme-pbx:client_secret" in missing.value.hint


def test_secrets_read_or_written_are_registered_for_redaction(secret_service: KeyringSession) -> None:
    secret_service.store("acme-pbx:client_secret", CANARY)  # stored by another tool
    vault = SecretVault.open()
    secret = vault.fetch("acme-pbx", "client_secret")
    assert CANARY not in repr(secret) and CANARY not in str(secret)
    assert redact(f"token is {CANARY}") == "token is ********"


def test_no_d_bus_session_is_the_plain_ssh_case(private_home: PrivateHome) -> None:
    vault = SecretVault.open()
    assert vault.status.state is KeyringState.NO_BACKEND
    assert vault.status.message == (
        "No secure keyring is available (over plain SSH there is no Secret Service), so secrets are kept "
        "in memory for this session only."
    )
    assert "dbus-run-session -- sh" in vault.status.hint
    assert "gnome-keyring-daemon --unlock" in vault.status.hint
    _session_only_path_works(vault)
    assert_no_leak(CANARY, private_home.scanned_roots())


def test_a_bus_without_a_secret_service_has_no_backend(dbus_session: KeyringSession) -> None:
    vault = SecretVault.open()
    assert vault.status.state is KeyringState.NO_BACKEND
    _session_only_path_works(vault)


def test_a_locked_keyring_says_so_and_keeps_secrets_in_memory(locked_secret_service: KeyringSession) -> None:
    vault = SecretVault.open()
    assert vault.status.state is KeyringState.LOCKED
    assert vault.status.message == (
        "The Secret Service is locked and could not be unlocked, so secrets are kept in memory for this "
        "session only."
    )
    assert "gnome-keyring-daemon --replace --unlock" in vault.status.hint
    _session_only_path_works(vault)
    assert_no_leak(CANARY, locked_secret_service.home.scanned_roots())


def test_a_dismissed_unlock_prompt_says_so(refusing_secret_service: KeyringSession) -> None:
    vault = SecretVault.open()
    assert vault.status.state is KeyringState.UNLOCK_REFUSED
    assert vault.status.message.startswith(
        "The Secret Service refused access because its unlock prompt was dismissed or cannot be shown here"
    )
    _session_only_path_works(vault)


def test_a_hanging_keyring_times_out_with_a_message(hanging_secret_service: KeyringSession) -> None:
    vault = SecretVault.open(timeout=1.0)
    assert vault.status.state is KeyringState.TIMED_OUT
    assert vault.status.message == (
        "The Secret Service did not answer within 1 s (it may be waiting for an unlock prompt nobody can "
        "see), so secrets are kept in memory for this session only."
    )
    assert "TRUNKWIZARD_KEYRING_TIMEOUT" in vault.status.hint
    _session_only_path_works(vault)


def test_a_keyring_that_hangs_mid_session_falls_back_to_memory(secret_service: KeyringSession) -> None:
    vault = SecretVault.open(timeout=1.0)
    vault.store("acme-pbx", "api_token", "kept-in-keyring")
    secret_service.freeze()
    with pytest.raises(KeyringUnavailable) as unavailable:
        vault.fetch("acme-pbx", "api_token")
    assert unavailable.value.status.state is KeyringState.TIMED_OUT
    # from now on the stuck keyring is left alone: the session goes on in memory
    status = vault.store("acme-pbx", "client_secret", CANARY)
    assert status.state is KeyringState.TIMED_OUT
    assert vault.fetch("acme-pbx", "client_secret").get_secret_value() == CANARY


def test_a_stuck_keyring_call_does_not_block_interpreter_exit(hanging_secret_service: KeyringSession) -> None:
    script = textwrap.dedent(
        """
        from trunkwizard.secrets import SecretVault
        vault = SecretVault.open(timeout=0.5)
        print(vault.status.state.value)
        """
    )
    # would wait for ever if the stuck worker thread were not a daemon thread
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=hanging_secret_service.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "timed_out"


class _Base64FileKeyring(KeyringBackend):
    """What keyrings.alt's PlaintextKeyring does: base64 in a file in the data dir."""

    priority = 0.5

    def __init__(self, path: Path) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.path = path

    def set_password(self, service: str, username: str, password: str) -> None:
        import base64

        self.path.write_bytes(base64.b64encode(password.encode()))

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def delete_password(self, service: str, username: str) -> None:
        pass


def test_a_plaintext_backend_offered_by_keyring_is_refused(
    private_home: PrivateHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    plaintext = _Base64FileKeyring(private_home.root / "keyring_pass.cfg")
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    keyring.set_keyring(plaintext)
    backend, status = detect_backend()
    assert backend is None
    assert status.state is KeyringState.INSECURE_ONLY
    assert "_Base64FileKeyring" in status.message and "does not use it" in status.message
    vault = SecretVault.open()
    _session_only_path_works(vault)
    assert not plaintext.path.exists()
    assert_no_leak(CANARY, private_home.scanned_roots())


@pytest.fixture(scope="session")
def keyrings_alt_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """keyrings.alt installed into a throwaway directory (never into the project's venv)."""
    target = tmp_path_factory.mktemp("keyrings-alt")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--target",
            str(target),
            "keyrings.alt",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"cannot install keyrings.alt into a throwaway directory: {result.stderr[-500:]}")
    return target


_VAULT_SCRIPT = textwrap.dedent(
    """
    import sys
    from trunkwizard.secrets import SecretVault
    vault = SecretVault.open()
    vault.store("acme-pbx", "client_secret", sys.stdin.read())
    print(vault.status.state.value)
    print(vault.status.message)
    print(",".join(sorted(m for m in sys.modules if m.startswith(("keyring", "keyrings")))))
    """
)


@pytest.mark.parametrize("bus", [False, True], ids=["no-session-bus", "bus-without-secret-service"])
def test_keyrings_alt_installed_is_never_used(
    private_home: PrivateHome, keyrings_alt_site: Path, bus: bool
) -> None:
    env = {**private_home.env, "PYTHONPATH": f"{keyrings_alt_site}{os.pathsep}{REPO}"}
    if bus:  # a session bus is named, but nothing answers there
        env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={private_home.runtime_dir}/no-such-bus"
    chosen = subprocess.run(
        [sys.executable, "-c", "import keyring; print(type(keyring.get_keyring()).__module__)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # the trap is real: left to itself, keyring picks the base64 file backend
    assert chosen.stdout.strip() == "keyrings.alt.file"
    result = subprocess.run(
        [sys.executable, "-c", _VAULT_SCRIPT],
        input=CANARY,
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    state, message, modules = result.stdout.split("\n")[:3]
    loaded = set(modules.split(",")) - {""}
    if bus:
        assert state == "insecure_only"
        assert "keyrings.alt.file.PlaintextKeyring" in message
        # named without loading every backend (keyring.get_keyring() would import these too)
        assert not loaded & {"keyring.backends.macOS", "keyring.backends.Windows", "keyring.backends.kwallet"}
    else:
        # no session bus: decided from the environment, without importing keyring at all
        assert state == "no_backend"
        assert loaded == set()
    assert not list(private_home.root.rglob("keyring_pass.cfg"))
    assert files_containing(CANARY, private_home.scanned_roots()) == []
    assert_no_leak(CANARY, private_home.scanned_roots(), result.stdout, result.stderr)


def test_the_entry_names_follow_the_design() -> None:
    assert SERVICE == "trunkwizard"
    assert entry_username("acme-pbx", "client_secret") == "acme-pbx:client_secret"
