"""Keyring access: an allowlist of secure backends, a timeout on every call, a session-only fallback.

    vault = SecretVault.open()            # blocking: call it from a worker, after the first screen
    vault.status.message                  # one sentence to show; .hint says what would help
    vault.store("acme-pbx", "client_secret", value)
    vault.fetch("acme-pbx", "client_secret")   -> SecretStr, or SecretMissing / KeyringUnavailable

Entries: service "trunkwizard", username "<profile>:<field wire name>".

Only the Secret Service (gnome-keyring, KWallet's Secret Service, KeePassXC), the macOS Keychain and
the Windows Credential Locker are used, each picked explicitly: whatever `keyring` would choose on
its own (keyrings.alt's base64 PlaintextKeyring when installed) is never called. When none is usable,
or the keyring is locked, refuses to unlock or hangs, secrets are kept in memory for this session and
`status` says why in one sentence. Every backend call runs in a daemon thread with a timeout, because
a locked Secret Service can wait forever for an unlock prompt nobody can see; a stuck thread never
blocks exit, and after a timeout the keyring is not called again this session.
"""

from __future__ import annotations

import contextlib
import enum
import os
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from trunkwizard.errors import CredentialsUnavailable
from trunkwizard.redact import register_secret

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend
    from pydantic import SecretStr

__all__ = [
    "ALLOWED_BACKENDS",
    "DEFAULT_TIMEOUT",
    "SERVICE",
    "TIMEOUT_ENV",
    "KeyringState",
    "KeyringStatus",
    "KeyringUnavailable",
    "SecretMissing",
    "SecretVault",
    "detect_backend",
    "entry_username",
    "session_bus_named",
    "status_from_environment",
]

SERVICE = "trunkwizard"
DEFAULT_TIMEOUT = 5.0
TIMEOUT_ENV = "TRUNKWIZARD_KEYRING_TIMEOUT"
# With a display, the keyring may show an unlock dialog a person has to answer: wait longer for that.
UNLOCK_PROMPT_TIMEOUT = 60.0

ALLOWED_BACKENDS: dict[str, str] = {
    "keyring.backends.SecretService.Keyring": "Secret Service",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Locker",
}
_CANDIDATES = {
    "linux": ["keyring.backends.SecretService.Keyring"],
    "darwin": ["keyring.backends.macOS.Keyring"],
    "win32": ["keyring.backends.Windows.WinVaultKeyring"],
}
# What `keyring` picks when nothing is configured or available: not worth naming as "refused".
_SILENT_DEFAULTS = {"keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"}
_PROBE_USER = "__trunkwizard_probe__"

_START_KEYRING = (
    "To keep secrets across sessions, start a keyring first: run `dbus-run-session -- sh`, then in that "
    "shell `gnome-keyring-daemon --unlock --components=secrets` (type a password, then Ctrl+D), then "
    "start trunkwizard there."
)
_UNLOCK_KEYRING = (
    "Unlock it in this session with `gnome-keyring-daemon --replace --unlock --components=secrets` "
    "(type the keyring password, then Ctrl+D), then start trunkwizard again."
)


class KeyringState(enum.StrEnum):
    AVAILABLE = "available"
    NO_BACKEND = "no_backend"
    INSECURE_ONLY = "insecure_only"
    LOCKED = "locked"
    UNLOCK_REFUSED = "unlock_refused"
    TIMED_OUT = "timed_out"
    FAILED = "failed"


@dataclass(frozen=True)
class KeyringStatus:
    """Where secrets go this session, and in one sentence why; `hint` says what would make it better."""

    state: KeyringState
    backend: str
    message: str
    hint: str = ""

    @property
    def persistent(self) -> bool:
        return self.state is KeyringState.AVAILABLE


class KeyringUnavailable(CredentialsUnavailable):
    """The keyring cannot be used (none, locked, refused, hanging); `status` has the details."""

    def __init__(self, status: KeyringStatus) -> None:
        self.status = status
        super().__init__(status.message, hint=status.hint)


class SecretMissing(CredentialsUnavailable):
    """A profile's secret is not stored (or not in this session's memory): it must be entered again."""

    def __init__(self, message: str, *, profile: str, field: str, hint: str = "") -> None:
        self.profile = profile
        self.field = field
        super().__init__(message, hint=hint)


class _TimedOut(Exception):
    pass


T = TypeVar("T")


def entry_username(profile: str, field: str) -> str:
    return f"{profile}:{field}"


def configured_timeout() -> float:
    """Seconds to wait for one keyring call: TRUNKWIZARD_KEYRING_TIMEOUT, else 5."""
    try:
        value = float(os.environ.get(TIMEOUT_ENV, ""))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def _call_with_timeout(function: Callable[[], T], timeout: float) -> T:
    """Run `function` in a daemon thread; raise _TimedOut if it has not returned after `timeout` seconds."""
    outcome: list[tuple[bool, Any]] = []
    finished = threading.Event()

    def worker() -> None:
        try:
            outcome.append((True, function()))
        except BaseException as exc:
            outcome.append((False, exc))
        finally:
            finished.set()

    thread = threading.Thread(target=worker, name="trunkwizard-keyring", daemon=True)
    thread.start()
    if not finished.wait(timeout):
        raise _TimedOut
    succeeded, value = outcome[0]
    if succeeded:
        return value  # type: ignore[no-any-return]
    raise value


def _qualified_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _status_for(
    state: KeyringState, *, backend: str = "", timeout: float = 0.0, detail: str = ""
) -> KeyringStatus:
    session = "session memory"
    if state is KeyringState.AVAILABLE:
        return KeyringStatus(state, backend, f"Secrets are stored in the {backend}.")
    if state is KeyringState.NO_BACKEND:
        return KeyringStatus(
            state,
            session,
            "No secure keyring is available (over plain SSH there is no Secret Service), so secrets are "
            "kept in memory for this session only.",
            _START_KEYRING,
        )
    if state is KeyringState.INSECURE_ONLY:
        return KeyringStatus(
            state,
            session,
            f"The only keyring available here ({detail}) keeps secrets in a plain or weakly protected file, "
            "so trunkwizard does not use it and keeps secrets in memory for this session only.",
            _START_KEYRING,
        )
    if state is KeyringState.LOCKED:
        return KeyringStatus(
            state,
            session,
            f"The {backend or 'keyring'} is locked and could not be unlocked, so secrets are kept in memory "
            "for this session only.",
            _UNLOCK_KEYRING,
        )
    if state is KeyringState.UNLOCK_REFUSED:
        return KeyringStatus(
            state,
            session,
            f"The {backend or 'keyring'} refused access because its unlock prompt was dismissed or cannot "
            "be shown here, so secrets are kept in memory for this session only.",
            _UNLOCK_KEYRING,
        )
    if state is KeyringState.TIMED_OUT:
        return KeyringStatus(
            state,
            session,
            f"The {backend or 'keyring'} did not answer within {timeout:g} s (it may be waiting for an "
            "unlock prompt nobody can see), so secrets are kept in memory for this session only.",
            f"Check that the keyring daemon is running and unlocked; {_UNLOCK_KEYRING} "
            f"To wait longer, set {TIMEOUT_ENV}=<seconds>.",
        )
    return KeyringStatus(
        state,
        session,
        f"The {backend or 'keyring'} failed ({detail}), so secrets are kept in memory for this session only.",
        f"Check that the keyring daemon is running; if it is locked: {_UNLOCK_KEYRING}",
    )


def _classify(exc: BaseException) -> tuple[KeyringState, str]:
    """Map a backend exception to a state; the text names the exception class only (never its args)."""
    from keyring.errors import KeyringLocked, NoKeyringError

    name = type(exc).__name__
    text = str(exc).lower()
    if isinstance(exc, KeyringLocked) or name == "LockedException":
        return KeyringState.LOCKED, name
    if "dismissed" in text or name == "PromptDismissedException":
        return KeyringState.UNLOCK_REFUSED, name
    if isinstance(exc, NoKeyringError) or name == "SecretServiceNotAvailableException":
        return KeyringState.NO_BACKEND, name
    return KeyringState.FAILED, name


def _load_backend(qualified: str) -> KeyringBackend:
    import importlib

    module_name, _, class_name = qualified.rpartition(".")
    cls = getattr(importlib.import_module(module_name), class_name)
    backend: KeyringBackend = cls()
    cls.priority  # noqa: B018  raises RuntimeError when this backend cannot work here
    return backend


def _refused_default() -> str | None:
    """The backend `keyring` would pick on its own, when it is one we refuse (keyrings.alt's files).

    Named without `keyring.get_keyring()`, which imports every backend (macOS's and Windows' included)
    to choose one: the one set in this process, else the one configured (PYTHON_KEYRING_BACKEND,
    keyringrc.cfg), else the most preferred backend of a third-party package (keyring's own are either
    allowed or silent defaults)."""
    import keyring.core

    chosen = keyring.core._keyring_backend or keyring.core.load_env() or keyring.core.load_config()
    if chosen is None:
        chosen = _preferred_plugin_backend()
        if chosen is None:
            return None
    links = getattr(chosen, "backends", None) or [chosen]
    for link in links:
        name = _qualified_name(link)
        if name not in ALLOWED_BACKENDS and name not in _SILENT_DEFAULTS:
            return name
    return None


def _preferred_plugin_backend() -> KeyringBackend | None:
    """The viable backend with the highest priority among those third-party packages register."""
    import importlib
    from importlib.metadata import entry_points

    from keyring.backend import KeyringBackend

    packages: set[str] = set()
    for point in entry_points(group="keyring.backends"):
        if point.module.split(".")[0] == "keyring":
            continue
        with contextlib.suppress(Exception):
            importlib.import_module(point.module)
            packages.add(point.module.rpartition(".")[0] or point.module)
    viable = [
        cls
        for cls in KeyringBackend.get_viable_backends()
        if any(cls.__module__ == p or cls.__module__.startswith(p + ".") for p in packages)
    ]
    for cls in sorted(viable, key=lambda c: c.priority, reverse=True):
        with contextlib.suppress(Exception):
            return cls()
    return None


def session_bus_named(environ: Mapping[str, str] | None = None) -> bool:
    """Whether a D-Bus session bus can be there: its address in the environment, or the user bus socket
    systemd makes (/run/user/UID/bus). Over plain SSH there is neither, hence no Secret Service."""
    env = os.environ if environ is None else environ
    if env.get("DBUS_SESSION_BUS_ADDRESS"):
        return True
    sockets = [f"/run/user/{os.getuid()}/bus"]
    if env.get("XDG_RUNTIME_DIR"):
        sockets.append(os.path.join(env["XDG_RUNTIME_DIR"], "bus"))
    return any(os.path.exists(path) for path in sockets)


def _keyring_chosen_here(env: Mapping[str, str]) -> bool:
    """A backend was set in this process (keyring.set_keyring) or named in PYTHON_KEYRING_BACKEND."""
    core = sys.modules.get("keyring.core")
    return bool(env.get("PYTHON_KEYRING_BACKEND")) or getattr(core, "_keyring_backend", None) is not None


def status_from_environment(environ: Mapping[str, str] | None = None) -> KeyringStatus | None:
    """The keyring status when the environment alone decides it, in microseconds and without importing
    `keyring`: on Linux without a session bus (and no backend chosen for this process), no allowed
    backend can work. None when only `detect_backend` can tell."""
    env = os.environ if environ is None else environ
    if sys.platform in ("darwin", "win32"):
        return None
    if session_bus_named(env) or _keyring_chosen_here(env):
        return None
    return _status_for(KeyringState.NO_BACKEND)


def detect_backend(timeout: float | None = None) -> tuple[KeyringBackend | None, KeyringStatus]:
    """Find an allowed keyring backend and check it answers unlocked. Blocking: call from a worker."""
    decided = status_from_environment()
    if decided is not None:
        return None, decided
    timeout = configured_timeout() if timeout is None else timeout

    def find() -> tuple[KeyringBackend | None, str | None]:
        for qualified in _CANDIDATES.get(sys.platform, _CANDIDATES["linux"]):
            try:
                return _load_backend(qualified), None
            except Exception:
                continue
        try:
            return None, _refused_default()
        except Exception:
            return None, None

    try:
        backend, refused = _call_with_timeout(find, timeout)
    except _TimedOut:
        return None, _status_for(KeyringState.TIMED_OUT, timeout=timeout)
    if backend is None:
        if refused:
            return None, _status_for(KeyringState.INSECURE_ONLY, detail=refused)
        return None, _status_for(KeyringState.NO_BACKEND)
    label = ALLOWED_BACKENDS[_qualified_name(backend)]
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    probe_timeout = max(timeout, UNLOCK_PROMPT_TIMEOUT) if has_display else timeout
    try:
        # a read opens (and if need be unlocks) the default collection: locked and refused show here
        _call_with_timeout(lambda: backend.get_password(SERVICE, _PROBE_USER), probe_timeout)
    except _TimedOut:
        return None, _status_for(KeyringState.TIMED_OUT, backend=label, timeout=probe_timeout)
    except Exception as exc:
        state, name = _classify(exc)
        return None, _status_for(state, backend=label, detail=name)
    return backend, _status_for(KeyringState.AVAILABLE, backend=label)


class SecretVault:
    """Secrets by (profile, field): in the keyring when one is usable, else in memory for this session.

    Callers never branch on which: `store` says where the value went (`KeyringStatus`), `fetch` gives
    it back or raises SecretMissing / KeyringUnavailable with a message to show. When the keyring
    fails mid-session (locked, timed out), the vault switches to memory for the rest of the session.
    """

    def __init__(
        self, backend: KeyringBackend | None, status: KeyringStatus, timeout: float | None = None
    ) -> None:
        self._backend = backend if status.persistent else None
        self._status = status
        self._timeout = configured_timeout() if timeout is None else timeout
        self._memory: dict[str, str] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, timeout: float | None = None) -> SecretVault:
        """Detect the keyring (blocking, up to about 2 x timeout): call from a worker thread."""
        backend, status = detect_backend(timeout)
        return cls(backend, status, timeout)

    @classmethod
    def session_only(cls, status: KeyringStatus | None = None) -> SecretVault:
        """A memory-only vault, e.g. while detection still runs, or after the user declined the keyring."""
        return cls(None, status or _status_for(KeyringState.NO_BACKEND))

    @property
    def status(self) -> KeyringStatus:
        return self._status

    @property
    def persistent(self) -> bool:
        return self._backend is not None

    def _degrade(self, status: KeyringStatus) -> None:
        with self._lock:
            self._backend = None
            self._status = status

    def _call(self, operation: Callable[[KeyringBackend], T]) -> tuple[bool, T | None]:
        """(True, result) from the keyring, or (False, None) after switching to memory on failure."""
        backend = self._backend
        if backend is None:
            return False, None
        label = self._status.backend
        try:
            return True, _call_with_timeout(lambda: operation(backend), self._timeout)
        except _TimedOut:
            self._degrade(_status_for(KeyringState.TIMED_OUT, backend=label, timeout=self._timeout))
        except Exception as exc:
            from keyring.errors import PasswordDeleteError

            if isinstance(exc, PasswordDeleteError):
                raise
            state, name = _classify(exc)
            self._degrade(_status_for(state, backend=label, detail=name))
        return False, None

    def store(self, profile: str, field: str, value: SecretStr | str) -> KeyringStatus:
        """Keep the secret; the returned status says whether it reached the keyring or memory only."""
        plain = value if isinstance(value, str) else value.get_secret_value()
        register_secret(plain)
        username = entry_username(profile, field)
        stored, _ = self._call(lambda backend: backend.set_password(SERVICE, username, plain))
        if not stored:
            with self._lock:
                self._memory[username] = plain
        return self._status

    def lookup(self, profile: str, field: str) -> SecretStr | None:
        """The secret, or None when it is not stored. KeyringUnavailable when the keyring failed just now
        and this session's memory does not have it either."""
        username = entry_username(profile, field)
        was_persistent = self.persistent
        found, value = self._call(lambda backend: backend.get_password(SERVICE, username))
        if not found:
            with self._lock:
                value = self._memory.get(username)
            if value is None and was_persistent:
                raise KeyringUnavailable(self._status)
        if value is None:
            return None
        register_secret(value)
        from pydantic import SecretStr

        return SecretStr(value)

    def fetch(self, profile: str, field: str, *, label: str | None = None) -> SecretStr:
        """The secret, or SecretMissing with a message saying to enter it again."""
        value = self.lookup(profile, field)
        if value is not None:
            return value
        what = label or field
        if self.persistent:
            raise SecretMissing(
                f"No {what} is stored for profile {profile!r} in the {self._status.backend}: enter it again.",
                profile=profile,
                field=field,
                hint=f"keyring entry: service {SERVICE!r}, user {entry_username(profile, field)!r}",
            )
        raise SecretMissing(
            f"No {what} for profile {profile!r} in this session (secrets are kept in memory only): "
            "enter it again.",
            profile=profile,
            field=field,
            hint=self._status.message,
        )

    def remove(self, profile: str, field: str) -> KeyringStatus:
        """Forget the secret (no error when there was none). The status says if the keyring was reached."""
        username = entry_username(profile, field)
        with self._lock:
            self._memory.pop(username, None)
        if self._backend is None:
            return self._status
        from keyring.errors import PasswordDeleteError  # imported by the backend already: cannot block

        with contextlib.suppress(PasswordDeleteError):  # not stored: nothing to remove
            self._call(lambda backend: backend.delete_password(SERVICE, username))
        return self._status
