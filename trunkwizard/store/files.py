"""Private files: where they live, 0700 directories, atomic 0600 writes, ssh-like permission checks.

Policy for files trunkwizard reads back (profiles, drafts, history):
- a symlink, a file owned by another user, or a file writable by group/others is refused: whoever can
  write `profiles.toml` can point a profile's base URL or CA file elsewhere and harvest credentials;
- a file only readable by group/others is fixed to 0600, with a warning on the `trunkwizard.store` logger.
Directories trunkwizard creates are made 0700; an existing app directory open to group/others is
tightened to 0700 with a warning.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from trunkwizard.errors import StoreError

__all__ = [
    "APP_NAME",
    "AppDirs",
    "append_private_line",
    "clean_orphan_temp_files",
    "default_exports_dir",
    "ensure_private_dir",
    "locked_dir",
    "read_private_file",
    "remove_file",
    "save_export",
    "write_private_file",
    "write_user_file",
]

APP_NAME = "trunkwizard"
FILE_MODE = 0o600
DIR_MODE = 0o700

log = logging.getLogger("trunkwizard.store")

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class AppDirs:
    """The two platformdirs locations: `config` for profiles, `state` for drafts, history and logs.

    On Linux these follow XDG_CONFIG_HOME and XDG_STATE_HOME (default ~/.config and ~/.local/state).
    """

    config: Path
    state: Path

    @classmethod
    def from_environment(cls) -> AppDirs:
        import platformdirs

        return cls(
            config=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            state=Path(platformdirs.user_state_dir(APP_NAME, appauthor=False)),
        )

    @property
    def profiles_file(self) -> Path:
        return self.config / "profiles.toml"

    @property
    def drafts_dir(self) -> Path:
        return self.state / "drafts"

    @property
    def history_file(self) -> Path:
        return self.state / "history.jsonl"

    @property
    def logs_dir(self) -> Path:
        return self.state / "logs"

    def private_dirs(self) -> list[Path]:
        """Every directory trunkwizard writes its own files in (temporary files are cleaned there)."""
        return [self.config, self.state, self.drafts_dir, self.logs_dir, default_exports_dir()]


def default_exports_dir() -> Path:
    """Where the wizard writes curl exports and screenshots: <user data>/trunkwizard/exports (0700)."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "exports"


def _owned_by_us(st: os.stat_result) -> bool:
    return not hasattr(os, "geteuid") or st.st_uid == os.geteuid()


def ensure_private_dir(path: Path) -> Path:
    """Create `path` and any missing parents as 0700; check an existing one is ours and private."""
    missing: list[Path] = []
    current = path
    while not os.path.lexists(current):
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, DIR_MODE)
        except FileExistsError:
            pass
        except OSError as exc:
            raise StoreError(f"cannot create directory {directory}: {exc.strerror}") from None
        else:
            os.chmod(directory, DIR_MODE)  # an unusual umask may have removed owner bits
    try:
        st = os.stat(path)  # a symlinked app directory (dotfile managers) is followed, then checked
    except OSError as exc:
        raise StoreError(f"cannot use directory {path}: {exc.strerror}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise StoreError(f"{path} is not a directory; move it away and try again")
    if not _owned_by_us(st):
        raise StoreError(f"{path} belongs to another user; trunkwizard will not use it")
    if sys.platform != "win32" and st.st_mode & 0o077:
        os.chmod(path, DIR_MODE)
        log.warning("%s was open to other users (mode %o); changed it to 700", path, stat.S_IMODE(st.st_mode))
    return path


def _check_open_file(fd: int, path: Path) -> None:
    """Refuse a non-regular, foreign or group/world-writable file; make a readable one 0600."""
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(f"{path} is not a regular file; trunkwizard will not use it")
    if st.st_nlink > 1:
        raise StoreError(_HARD_LINK.format(path=path))
    if not _owned_by_us(st):
        raise StoreError(f"{path} belongs to another user; trunkwizard will not use it")
    if sys.platform == "win32":
        return
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o022:
        raise StoreError(
            f"{path} is writable by other users (mode {mode:o}), so trunkwizard will not trust it; "
            f"check its content, then run: chmod 600 {path}"
        )
    if mode & 0o077:
        os.fchmod(fd, FILE_MODE)
        log.warning("%s was readable by other users (mode %o); changed it to 600", path, mode)


def _open_existing(path: Path, flags: int) -> int | None:
    try:
        return os.open(path, flags | _NOFOLLOW | _CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if os.path.islink(path):
            raise StoreError(f"{path} is a symlink; trunkwizard only uses real files there") from None
        raise StoreError(f"cannot open {path}: {exc.strerror}") from None


def read_private_file(path: Path) -> bytes | None:
    """The content of `path`, or None when it does not exist. Applies the permission policy above."""
    fd = _open_existing(path, os.O_RDONLY)
    if fd is None:
        return None
    with os.fdopen(fd, "rb") as handle:
        _check_open_file(handle.fileno(), path)
        return handle.read()


_HARD_LINK = (
    "{path} has other hard links: writing it would change a file elsewhere; trunkwizard only uses files "
    "that are not linked (move it away and try again)"
)


def _refuse_symlink(path: Path) -> None:
    """Refuse a symlink, or a file with other hard links, where trunkwizard writes."""
    try:
        st = os.lstat(path)
    except OSError:
        return
    if stat.S_ISLNK(st.st_mode):
        raise StoreError(f"{path} is a symlink; trunkwizard only writes real files there")
    if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
        raise StoreError(_HARD_LINK.format(path=path))


# a temporary file older than this is an orphan (a write takes milliseconds; kill -9 leaves them)
ORPHAN_AGE = 600.0


def clean_orphan_temp_files(directories: Iterator[Path] | list[Path]) -> int:
    """Remove temporary files a killed process left behind (`.NAME.XXXX.tmp`, `.tmp-XXXX.sh`) in
    trunkwizard's own directories; return how many. Never follows a symlink, never fails."""
    import time

    removed = 0
    now = time.time()
    for directory in directories:
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if not (name.startswith(".") and (name.endswith(".tmp") or name.startswith(".tmp-"))):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(st.st_mode) and now - st.st_mtime > ORPHAN_AGE:
                    os.unlink(entry.path)
                    removed += 1
            except OSError:
                continue
    return removed


def _fsync_dir(directory: Path) -> None:
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | _CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _replace_atomically(directory: Path, path: Path, data: bytes) -> None:
    """Write `data` to a 0600 temporary file in `directory`, fsync it, and rename it over `path` (never
    through a symlink); the temporary file is removed on any failure."""
    _refuse_symlink(path)
    try:
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise StoreError(f"cannot write in {directory}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise StoreError(f"cannot write {path}: {exc.strerror}") from None
        raise


def write_private_file(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace `path` atomically with `data`: a 0600 temporary file in the same 0700 directory, then rename.

    `durable=False` skips the directory fsync (the file itself is always fsynced before the rename).
    """
    ensure_private_dir(path.parent)
    _replace_atomically(path.parent, path, data)
    if durable:
        _fsync_dir(path.parent)


def append_private_line(path: Path, line: bytes) -> None:
    """Append one line to an append-only log with a single O_APPEND write, under an exclusive lock.

    Rewriting the whole file for every entry would make concurrent sessions lose each other's entries;
    one append is the atomic unit instead, and readers skip a torn last line after a crash.
    """
    ensure_private_dir(path.parent)
    _refuse_symlink(path)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW | _CLOEXEC
    try:
        fd = os.open(path, flags, FILE_MODE)
    except OSError as exc:
        raise StoreError(f"cannot open {path}: {exc.strerror}") from None
    try:
        _check_open_file(fd, path)
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        payload = line if line.endswith(b"\n") else line + b"\n"
        written = os.write(fd, payload)
        if written != len(payload):
            raise StoreError(f"short write to {path}: disk full?")
        os.fsync(fd)
    except OSError as exc:
        raise StoreError(f"cannot append to {path}: {exc.strerror}") from None
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked_dir(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on `directory` (flock on the directory itself, no lock file): two
    sessions editing profiles at once each see the other's change instead of overwriting it."""
    ensure_private_dir(directory)
    if sys.platform == "win32":
        yield
        return
    import fcntl

    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def remove_file(path: Path) -> bool:
    """Remove `path` if it exists; True when something was removed."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StoreError(f"cannot remove {path}: {exc.strerror}") from None
    return True


def write_user_file(path: Path, data: bytes) -> None:
    """Write a file the user named (an exported config), atomically and 0600, in a directory that must
    exist. Unlike `write_private_file` it never creates or re-permissions the directory: that is the
    user's (their Asterisk config directory, their working directory)."""
    # mkstemp creates the temporary file 0600, and the rename keeps that mode
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise StoreError(f"{directory} is not a directory; create it first")
    _replace_atomically(directory, path, data)


def save_export(directory: Path, stem: str, suffix: str, data: bytes) -> Path:
    """Write an export (curl command, screenshot) as `<directory>/<stem>-<UTC time><suffix>`, 0600, in a
    directory trunkwizard made 0700 and reached through no symlink; never over an existing file (two
    exports in the same second get `-2`, `-3`...). Returns the path."""
    import re
    from datetime import UTC, datetime

    _refuse_symlinked_dirs(directory)
    if directory.parent.name == APP_NAME:
        ensure_private_dir(directory.parent)  # made 0755 by earlier versions: tightened to 0700
    ensure_private_dir(directory)
    _refuse_symlinked_dirs(directory)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-") or "export"
    base = f"{safe}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    try:
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=suffix)
    except OSError as exc:
        raise StoreError(f"cannot write in {directory}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        for number in range(1, 1000):
            path = directory / (f"{base}{suffix}" if number == 1 else f"{base}-{number}{suffix}")
            try:
                os.link(temporary, path)  # fails if the name exists: never overwrites
            except FileExistsError:
                continue
            return path
        raise StoreError(f"too many exports named {base} in {directory}")
    except OSError as exc:
        raise StoreError(f"cannot write an export in {directory}: {exc.strerror}") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _refuse_symlinked_dirs(directory: Path) -> None:
    """The export directory and its parent (trunkwizard's data directory) must not be symlinks."""
    for path in (directory, directory.parent):
        if os.path.islink(path):
            raise StoreError(f"{path} is a symlink; trunkwizard writes exports only in its own directory")
