"""Writing exports (the curl command, screenshots): 0600 files in a 0700 directory trunkwizard made,
never through a symlink, never over another export (trunkwizard.store.files.save_export)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["default_export_dir", "save_private_text"]


def default_export_dir() -> Path:
    from trunkwizard.store.files import default_exports_dir

    return default_exports_dir()


def save_private_text(directory: Path, stem: str, text: str, suffix: str = ".sh") -> Path:
    """Write `text` to `<directory>/<stem>-<UTC time><suffix>` (mode 0600) and return the path."""
    from trunkwizard.store.files import save_export

    return save_export(
        directory, stem, suffix, (text if text.endswith("\n") else text + "\n").encode("utf-8")
    )
