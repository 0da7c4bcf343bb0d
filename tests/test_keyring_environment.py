"""Without a session bus there is no Secret Service: decided from the environment, without keyring."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from trunkwizard.secrets import KeyringState, session_bus_named, status_from_environment

ROOT = Path(__file__).resolve().parents[1]
USER_BUS = Path(f"/run/user/{os.getuid()}/bus")
needs_no_user_bus = pytest.mark.skipif(USER_BUS.exists(), reason=f"{USER_BUS} exists on this machine")


@needs_no_user_bus
def test_no_address_and_no_user_bus_socket_means_no_bus(tmp_path: Path) -> None:
    assert not session_bus_named({})
    assert not session_bus_named({"XDG_RUNTIME_DIR": str(tmp_path)})
    status = status_from_environment({"SSH_CONNECTION": "10.0.0.1 50000 10.0.0.2 22"})
    assert status is not None and status.state is KeyringState.NO_BACKEND
    assert "over plain SSH there is no Secret Service" in status.message


def test_a_bus_address_or_socket_leaves_it_to_detection(tmp_path: Path) -> None:
    assert session_bus_named({"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"})
    (tmp_path / "bus").touch()
    assert session_bus_named({"XDG_RUNTIME_DIR": str(tmp_path)})
    assert status_from_environment({"DBUS_SESSION_BUS_ADDRESS": "unix:abstract=/tmp/x"}) is None


@needs_no_user_bus
def test_a_backend_chosen_for_the_process_leaves_it_to_detection() -> None:
    assert status_from_environment({"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"}) is None


@needs_no_user_bus
def test_without_a_bus_the_wizard_never_imports_keyring(tmp_path: Path) -> None:
    """Over plain SSH: the account step says secrets stay in memory, and keyring was never imported."""
    probe = (
        "import sys\n"
        "from trunkwizard.secrets import SecretVault\n"
        "vault = SecretVault.open()\n"
        "print(vault.status.state.value)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('keyring', 'secretstorage', 'jeepney'))))\n"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["no_backend", "[]"]
