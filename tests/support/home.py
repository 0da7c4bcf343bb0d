"""A throwaway HOME for a test: history, profiles and drafts never reach the developer's own."""

from __future__ import annotations

from pathlib import Path

import pytest

__all__ = ["private_home"]


def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point HOME and the XDG folders under tmp_path, with no session bus (so no real keyring)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
    ):
        monkeypatch.setenv(name, str(home / sub))
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    return home
