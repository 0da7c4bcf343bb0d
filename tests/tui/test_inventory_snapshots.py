"""Snapshots at 80x24 of the inventory: the Yeastar sandbox PBX's trunks with the failing one
highlighted, its details with the returned password masked, and the edit form of a trunk with its DID
list (a list the update takes: edited with the row editor) in sight. No secret in any.

Update after a deliberate change: `pytest tests/tui/test_inventory_snapshots.py --snapshot-update`, look
at the SVGs; the next run copies each accepted one to screenshots/ for the README.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import STEADY
from tests.tui.driver import KeyboardDriver
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.widgets.form_view import FormView

SIZE = (80, 24)
ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / Path(__file__).stem
SEEDED_PASSWORD = "Seeded0Backup0Pass"  # the sandbox PBX's password of Carrier_Backup


def _to_inventory(*keys_after: str, focus: str | None = None) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        keys = KeyboardDriver(pilot)
        await keys.pick_provider(get_provider("yeastar"))
        await keys.press("f4")
        await keys.settle()
        await keys.press(*keys_after)
        await keys.settle()
        if focus is not None:  # a field of the edit form, scrolled into sight
            pilot.app.screen.query_one(FormView).focus_field(focus)
            await keys.settle()
        pilot.app.clear_notifications()
        await pilot.pause()
        assert SEEDED_PASSWORD not in pilot.app.export_screenshot()

    return run_before


def _keep(request: pytest.FixtureRequest, name: str) -> None:
    """Copy the accepted snapshot to screenshots/ (the README shows it)."""
    source = SNAPSHOTS / f"{request.node.name}.svg"
    if not source.exists():
        return  # a --snapshot-update run writes it at the end of the session: copied on the next run
    svg = source.read_text()
    assert SEEDED_PASSWORD not in svg
    target = ROOT / "screenshots" / f"{name}.svg"
    if not target.exists() or target.read_text() != svg:
        shutil.copyfile(source, target)


def _app(tmp_path: Path) -> WizardApp:
    return WizardApp(sandbox=True, terminal=STEADY, export_dir=tmp_path, inventory_page_size=2)


def test_inventory(snap_compare: Any, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=_to_inventory("down"))
    _keep(request, "inventory")


def test_inventory_details(snap_compare: Any, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    steps = _to_inventory("down", "enter")
    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=steps)
    _keep(request, "inventory-details")


def test_inventory_edit(snap_compare: Any, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    steps = _to_inventory("enter", "e", focus="did_list")
    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=steps)
    _keep(request, "inventory-edit")
