"""Shared fixtures of the TUI tests: a sandbox app that exports into the test's own directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.terminal import TerminalProfile

# What the snapshots and walks run as: no blink (stable frames), 256 colours.
STEADY = TerminalProfile(over_ssh=True, sixteen_colours=False, no_color=False)


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., WizardApp]:
    def make(**options: object) -> WizardApp:
        options.setdefault("sandbox", True)
        options.setdefault("terminal", STEADY)
        options.setdefault("export_dir", tmp_path / "exports")
        return WizardApp(**options)  # type: ignore[arg-type]

    return make
