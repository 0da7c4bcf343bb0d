"""A real Secret Service for tests: a private dbus-daemon and gnome-keyring-daemon, per test.

Fixtures (each also points HOME, XDG_* and TMPDIR at the test's own directories):
- `private_home`: no D-Bus session at all, i.e. a plain SSH login: no keyring backend.
- `secret_service`: gnome-keyring unlocked with a password (the working case).
- `locked_secret_service`: an existing login keyring, daemon started with the wrong password (KeyringLocked).
- `refusing_secret_service`: a fresh HOME, daemon not unlocked: creating the collection needs a prompt that
  cannot be shown, so it is dismissed (InitError "Prompt dismissed").
- `hanging_secret_service`: unlocked, then the daemon is stopped with SIGSTOP: it owns its D-Bus name but
  never answers, exactly like a keyring waiting forever on an invisible unlock prompt.

The bus runs with a config of our own that has no service directories, so nothing is ever D-Bus
activated behind the test's back. The binaries come from the Debian packages dbus-daemon and
gnome-keyring (and libsecret-tools for secret-tool); when they are missing the fixtures FAIL.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

KEYRING_PASSWORD = b"test-keyring-pw"
_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""
_NEEDED = {
    "dbus-daemon": "dbus-daemon",
    "gnome-keyring-daemon": "gnome-keyring",
    "secret-tool": "libsecret-tools",
}


@dataclass
class PrivateHome:
    """The test's HOME and XDG directories; `env` is the full environment for subprocesses."""

    root: Path
    env: dict[str, str]
    runtime_dir: Path

    @property
    def config_home(self) -> Path:
        return Path(self.env["XDG_CONFIG_HOME"])

    @property
    def state_home(self) -> Path:
        return Path(self.env["XDG_STATE_HOME"])

    def scanned_roots(self) -> list[Path]:
        """Every directory a leak could land in: HOME (with the XDG dirs), TMPDIR, the runtime dir."""
        return [self.root, self.runtime_dir]


@dataclass
class KeyringSession:
    """A running private bus (and keyring daemon, when started)."""

    home: PrivateHome
    bus: subprocess.Popen[str]
    daemon: subprocess.Popen[bytes] | None = None
    stopped: bool = field(default=False)

    @property
    def env(self) -> dict[str, str]:
        return self.home.env

    def lookup(self, username: str, service: str = "trunkwizard") -> str | None:
        """The stored value, read with secret-tool (libsecret), independently of our code."""
        result = subprocess.run(
            ["secret-tool", "lookup", "service", service, "username", username],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return result.stdout if result.returncode == 0 and result.stdout else None

    def store(self, username: str, value: str, service: str = "trunkwizard") -> None:
        subprocess.run(
            [
                "secret-tool",
                "store",
                "--label",
                f"{service} {username}",
                "service",
                service,
                "username",
                username,
            ],
            input=value,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )

    def freeze(self) -> None:
        """Stop the daemon (SIGSTOP): it keeps its bus name but answers nothing."""
        assert self.daemon is not None
        os.kill(self.daemon.pid, signal.SIGSTOP)
        self.stopped = True

    def close(self) -> None:
        if self.daemon is not None and self.daemon.poll() is None:
            if self.stopped:
                os.kill(self.daemon.pid, signal.SIGCONT)
            self.daemon.terminate()
            try:
                self.daemon.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                self.daemon.wait(timeout=5)
        self.bus.terminate()
        self.bus.wait(timeout=5)


def _require_binaries() -> None:
    missing = [package for binary, package in _NEEDED.items() if shutil.which(binary) is None]
    if missing:
        pytest.fail(
            "the keyring tests need a real Secret Service: apt-get install -y --no-install-recommends "
            + " ".join(sorted(set(missing)))
        )


@pytest.fixture
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateHome]:
    """A fresh HOME with XDG dirs and TMPDIR inside it, and no D-Bus session (the plain-SSH case)."""
    root = tmp_path / "home"
    root.mkdir()
    # sockets need short paths (108 bytes): the runtime dir lives directly under /tmp
    runtime_dir = Path(tempfile.mkdtemp(prefix="tw-run-"))
    os.chmod(runtime_dir, 0o700)
    env = dict(os.environ)
    for name in (
        "DBUS_SESSION_BUS_ADDRESS",
        "DISPLAY",
        "WAYLAND_DISPLAY",
        "GNOME_KEYRING_CONTROL",
        "PYTHON_KEYRING_BACKEND",
        "SSH_AUTH_SOCK",
    ):
        env.pop(name, None)
    env.update(
        HOME=str(root),
        XDG_CONFIG_HOME=str(root / ".config"),
        XDG_STATE_HOME=str(root / ".local" / "state"),
        XDG_DATA_HOME=str(root / ".local" / "share"),
        XDG_CACHE_HOME=str(root / ".cache"),
        XDG_RUNTIME_DIR=str(runtime_dir),
        TMPDIR=str(root / "tmp"),
    )
    (root / "tmp").mkdir()
    for name in (
        "DBUS_SESSION_BUS_ADDRESS",
        "DISPLAY",
        "WAYLAND_DISPLAY",
        "GNOME_KEYRING_CONTROL",
        "PYTHON_KEYRING_BACKEND",
    ):
        monkeypatch.delenv(name, raising=False)
    for name in (
        "HOME",
        "XDG_CONFIG_HOME",
        "XDG_STATE_HOME",
        "XDG_DATA_HOME",
        "XDG_CACHE_HOME",
        "XDG_RUNTIME_DIR",
        "TMPDIR",
    ):
        monkeypatch.setenv(name, env[name])
    monkeypatch.setattr(tempfile, "tempdir", env["TMPDIR"])
    try:
        yield PrivateHome(root=root, env=env, runtime_dir=runtime_dir)
    finally:
        shutil.rmtree(runtime_dir, ignore_errors=True)


def _start_bus(home: PrivateHome, monkeypatch: pytest.MonkeyPatch) -> subprocess.Popen[str]:
    config = home.runtime_dir / "bus.conf"
    config.write_text(_BUS_CONFIG, encoding="utf-8")
    bus = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=home.env,
    )
    assert bus.stdout is not None
    address = bus.stdout.readline().strip()
    if not address:
        bus.kill()
        pytest.fail("dbus-daemon did not print its address")
    home.env["DBUS_SESSION_BUS_ADDRESS"] = address
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    return bus


def _secrets_name_owned(address: str) -> bool:
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(address) as connection:
        reply = connection.send_and_get_reply(message_bus.NameHasOwner("org.freedesktop.secrets"), timeout=5)
    return bool(reply.body[0])


def _start_keyring(home: PrivateHome, password: bytes | None) -> subprocess.Popen[bytes]:
    command = ["gnome-keyring-daemon", "--foreground", "--components=secrets"]
    if password is not None:
        command.insert(1, "--unlock")
    daemon = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=home.env
    )
    assert daemon.stdin is not None
    if password is not None:
        daemon.stdin.write(password)
    daemon.stdin.close()
    deadline = time.monotonic() + 10
    while not _secrets_name_owned(home.env["DBUS_SESSION_BUS_ADDRESS"]):
        if daemon.poll() is not None or time.monotonic() > deadline:
            daemon.kill()
            pytest.fail("gnome-keyring-daemon did not take org.freedesktop.secrets on the private bus")
        time.sleep(0.02)
    return daemon


def _stop_keyring(daemon: subprocess.Popen[bytes]) -> None:
    daemon.terminate()
    daemon.wait(timeout=5)


@pytest.fixture
def dbus_session(private_home: PrivateHome, monkeypatch: pytest.MonkeyPatch) -> Iterator[KeyringSession]:
    """A private session bus with no Secret Service on it (and none activatable)."""
    _require_binaries()
    session = KeyringSession(private_home, _start_bus(private_home, monkeypatch))
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def secret_service(dbus_session: KeyringSession) -> KeyringSession:
    """gnome-keyring, unlocked: the login keyring is created with KEYRING_PASSWORD."""
    dbus_session.daemon = _start_keyring(dbus_session.home, KEYRING_PASSWORD)
    return dbus_session


@pytest.fixture
def locked_secret_service(dbus_session: KeyringSession) -> KeyringSession:
    """An existing login keyring; the daemon was started with the wrong password, so it stays locked."""
    _stop_keyring(_start_keyring(dbus_session.home, KEYRING_PASSWORD))
    dbus_session.daemon = _start_keyring(dbus_session.home, b"not-the-password")
    return dbus_session


@pytest.fixture
def refusing_secret_service(dbus_session: KeyringSession) -> KeyringSession:
    """A fresh HOME and a daemon never unlocked: the prompt to create the keyring is dismissed."""
    dbus_session.daemon = _start_keyring(dbus_session.home, None)
    return dbus_session


@pytest.fixture
def hanging_secret_service(secret_service: KeyringSession) -> KeyringSession:
    """An unlocked keyring whose daemon is then stopped: every call to it waits forever."""
    secret_service.freeze()
    return secret_service
