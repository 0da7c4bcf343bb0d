"""The optional log file: `<state>/logs/trunkwizard.log`, 0600 in a 0700 directory, every line redacted."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from trunkwizard.redact import RedactingFilter
from trunkwizard.store.files import FILE_MODE, AppDirs, ensure_private_dir

__all__ = ["open_log_handler"]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def open_log_handler(dirs: AppDirs | None = None, level: int = logging.INFO) -> logging.Handler:
    """A file handler for the log file with a RedactingFilter attached; the caller adds it to a logger."""
    dirs = dirs or AppDirs.from_environment()
    path: Path = ensure_private_dir(dirs.logs_dir) / "trunkwizard.log"
    # create it 0600 ourselves: FileHandler would create it with the umask's mode
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    os.close(fd)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(level)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return handler
