"""Writing the curl export: 0600 file in a 0700 directory, atomically (temp file, fsync, rename)."""

from __future__ import annotations

import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["default_export_dir", "save_private_text"]


def default_export_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("trunkwizard") / "exports"


def _private_dir(directory: Path) -> Path:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if directory.stat().st_mode & 0o077:
        directory.chmod(0o700)
    return directory


def save_private_text(directory: Path, stem: str, text: str) -> Path:
    """Write `text` to `<directory>/<stem>-<UTC time>.sh` (mode 0600) and return the path."""
    _private_dir(directory)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-") or "request"
    path = directory / f"{safe}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.sh"
    descriptor, temp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".sh")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
