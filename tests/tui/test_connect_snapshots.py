"""The other side's form, filled from what the first side answered: offered values locked and marked
where each came from; and the one review of both halves when two providers are connected from the start.
Copied to screenshots/connect-both-ends.svg and connect-two-review.svg for the README."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.support.canary import CANARY
from tests.tui.conftest import STEADY
from tests.tui.driver import KeyboardDriver
from tests.tui.test_connect_two import to_the_joined_review
from trunkwizard.connect.catalog import available_pairs
from trunkwizard.providers import get_provider
from trunkwizard.sandbox import wavix as wavix_emulator
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.connect import ConnectDetailsScreen
from trunkwizard.tui.screens.details import DetailsScreen

SCREENSHOT = Path(__file__).resolve().parents[2] / "screenshots" / "connect-both-ends.svg"
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_connect_snapshots"
SNAPSHOT = SNAPSHOTS / "test_the_pbx_form_filled_from_the_trunk.svg"
# "Connect two providers" from the start: the one review of both halves
REVIEW_SCREENSHOT = SCREENSHOT.with_name("connect-two-review.svg")
REVIEW_SNAPSHOT = SNAPSHOTS / "test_the_joined_review_of_both_halves.svg"


@pytest.fixture(autouse=True)
def steady_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    from trunkwizard import sandbox

    counter = itertools.count(1)
    for module in sandbox._EMULATORS.values():
        if hasattr(module, "new_uuid"):
            monkeypatch.setattr(module, "new_uuid", lambda: f"00000000-0000-4000-8000-{next(counter):012d}")
        if hasattr(module, "iso_now"):
            monkeypatch.setattr(module, "iso_now", lambda: "2026-01-02T03:04:05.000Z")


async def _to_the_pbx_form(pilot: Pilot[Any]) -> None:
    keys = KeyboardDriver(pilot)
    await keys.settle()
    await keys.to_details(get_provider("wavix"), "sip-trunk")
    details = pilot.app.screen
    assert isinstance(details, DetailsScreen)
    answers = {"label": "Office", "password": CANARY, "callerid": wavix_emulator.ACCOUNT_NUMBERS[0]}
    await keys.fill_form(details.form, answers)
    await keys.press("ctrl+n")
    await keys.settle()
    await keys.press("enter")
    await keys.settle()
    await keys.press("o")
    await keys.settle()
    needs = [f"{n.owner}:{n.mode}" for owner, o, n in available_pairs() if owner == "wavix"]
    await keys.press("home", *["down"] * needs.index("yeastar:register"), "enter")
    await keys.settle()
    await keys.accept_account()
    assert isinstance(pilot.app.screen, ConnectDetailsScreen)
    await keys.settle()
    pilot.app.clear_notifications()
    await pilot.pause()
    assert CANARY not in pilot.app.export_screenshot()


def test_the_pbx_form_filled_from_the_trunk(snap_compare: Any, tmp_path: Path) -> None:
    app = WizardApp(terminal=STEADY, export_dir=tmp_path, sandbox=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_to_the_pbx_form)


async def _to_the_joined_review(pilot: Pilot[Any]) -> None:
    keys = KeyboardDriver(pilot)
    await keys.settle()
    await to_the_joined_review(keys, {"name": "pair_office", "codec_sel": ["ulaw", "alaw"]})
    await keys.press("end", "up", "up")  # the second half: the values the first side's answer gives, marked
    await keys.settle()
    pilot.app.clear_notifications()
    await pilot.pause()
    assert CANARY not in pilot.app.export_screenshot()


def test_the_joined_review_of_both_halves(snap_compare: Any, tmp_path: Path) -> None:
    """ "Connect two providers" from the start: one review, both providers' calls, secrets masked."""
    app = WizardApp(terminal=STEADY, export_dir=tmp_path, sandbox=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_to_the_joined_review)


def test_the_readme_screenshot_is_the_current_snapshot() -> None:
    """`python -m tests.tui.test_connect_snapshots` copies it after a --snapshot-update."""
    assert SCREENSHOT.read_bytes() == SNAPSHOT.read_bytes()
    assert REVIEW_SCREENSHOT.read_bytes() == REVIEW_SNAPSHOT.read_bytes()


if __name__ == "__main__":
    for snapshot, screenshot in ((SNAPSHOT, SCREENSHOT), (REVIEW_SNAPSHOT, REVIEW_SCREENSHOT)):
        shutil.copyfile(snapshot, screenshot)
        print(screenshot)
