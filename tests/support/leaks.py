"""Checks that a secret went nowhere it must not: files on disk, captured output; and file modes."""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Iterable
from pathlib import Path


def _forms(secret: str) -> list[bytes]:
    """The secret as it could appear on disk: plain, base64 (keyrings.alt), UTF-16 (some Windows tools)."""
    raw = secret.encode("utf-8")
    return [raw, base64.b64encode(raw), secret.encode("utf-16-le")]


def files_containing(secret: str, roots: Iterable[Path]) -> list[Path]:
    """Every regular file under `roots` whose bytes contain the secret in any of its forms."""
    forms = _forms(secret)
    hits: list[Path] = []
    for root in roots:
        for directory, _dirs, files in os.walk(root):
            for name in files:
                path = Path(directory) / name
                try:
                    if not stat.S_ISREG(path.lstat().st_mode):
                        continue
                    data = path.read_bytes()
                except OSError:
                    continue
                if any(form in data for form in forms):
                    hits.append(path)
    return hits


def assert_no_leak(secret: str, roots: Iterable[Path], *outputs: str | bytes) -> None:
    """Fail when the secret is in a file under `roots` or in any of the captured outputs."""
    roots = list(roots)
    assert roots, "nothing to scan"
    leaked = files_containing(secret, roots)
    assert not leaked, f"secret written to: {[str(p) for p in leaked]}"
    for index, output in enumerate(outputs):
        data = output.encode("utf-8", "replace") if isinstance(output, str) else output
        assert not any(form in data for form in _forms(secret)), f"secret in captured output #{index}"


def assert_private_tree(*roots: Path) -> list[Path]:
    """Every directory under `roots` (themselves included) is 0700 and every file 0600; returns the files."""
    files: list[Path] = []
    for root in roots:
        if not root.exists():
            continue
        for directory, _dirs, names in os.walk(root):
            mode = stat.S_IMODE(os.stat(directory).st_mode)
            assert mode == 0o700, f"{directory} is {mode:o}, not 700"
            for name in names:
                path = Path(directory) / name
                mode = stat.S_IMODE(path.lstat().st_mode)
                assert mode == 0o600, f"{path} is {mode:o}, not 600"
                files.append(path)
    return files
