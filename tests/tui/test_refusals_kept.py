"""A value the provider refused stays marked with the provider's words for as long as the field holds it:
after leaving the field, and after quitting and resuming the draft in a new app (Pilot, 80x24, the
real sandbox). Found by hand: the resumed form held the refused trunk name with no mark, and was refused
again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak
from tests.support.secret_service import PrivateHome
from tests.tui.driver import KeyboardDriver
from tests.tui.keeping import keeping_app, ready
from tests.tui.screen_text import region_words, screen_text
from trunkwizard.providers import get_provider
from trunkwizard.sandbox.yeastar import SEEDED
from trunkwizard.store import AppDirs
from trunkwizard.tui.persistent_app import PersistentWizardApp
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.quit_confirm import QuitScreen
from trunkwizard.tui.screens.resume import ResumeScreen

YEASTAR = get_provider("yeastar")
TAKEN = str(SEEDED[0][2]["name"])  # a trunk name the sandbox PBX already has
TRUNK = {
    "name": TAKEN,
    "transport": "udp",
    "hostname": "sip.example.com",
    "port": "5060",
    "domain": "sip.example.com",
    "username": "user1001",
    "password": CANARY,
    "auth_name": "user1001",
    "codec_sel": ["ulaw"],
}
SAID = f"'{TAKEN}' is already used"  # the sandbox PBX's words for the field


def _name_mark(app: PersistentWizardApp) -> str | None:
    """The message under the trunk name, once it is also what the 80x24 screen shows there."""
    screen = app.screen
    assert isinstance(screen, DetailsScreen), screen
    row = screen.form.rows["name"]
    if row.error is not None:
        assert SAID in region_words(app, row.region), screen_text(app)
    return row.error


def _banner(app: PersistentWizardApp) -> str:
    return str(app.screen.query_one("#banner").render())


async def _leave_and_come_back(keys: KeyboardDriver) -> None:
    await keys.press("tab")
    await keys.settle()
    await keys.press("shift+tab")
    await keys.settle()


@pytest.mark.slow  # two sessions, a whole trunk typed: ~20 s on a loaded machine
async def test_a_refused_value_stays_marked_after_quitting_and_resuming_the_draft(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.to_details(YEASTAR, "register")
        assert isinstance(app.screen, DetailsScreen)
        await keys.fill_form(app.screen.form, TRUNK)
        await keys.press("ctrl+n")
        await keys.settle()
        assert getattr(app.screen, "STEP", None) == "review"
        await keys.press("enter")
        await keys.settle()
        mark = _name_mark(app)
        assert mark is not None and SAID in mark, screen_text(app)
        # leaving the field with the refused value in it keeps the mark: nothing about the value changed
        app.screen.form.focus_field("name")
        await _leave_and_come_back(keys)
        assert _name_mark(app) == mark
        assert "DUPLICATE KEY VALUE" in _banner(app)
        # another name: the provider's message leaves the banner with the value it refused
        await keys.press("end")
        await keys.type_text("_2")
        await _leave_and_come_back(keys)
        assert _name_mark(app) is None and "DUPLICATE" not in _banner(app), screen_text(app)
        await keys.press("end", "backspace", "backspace")  # typed again: the mark says it again
        await _leave_and_come_back(keys)
        assert _name_mark(app) == mark
        await keys.press("ctrl+q")
        await keys.settle()
        assert isinstance(app.screen, QuitScreen)
        await keys.press("y")
        await keys.settle()
    assert app.return_code == 0
    kept = json.loads((AppDirs.from_environment().drafts_dir / "current.json").read_text())
    assert [r["field"] for r in kept["refused"]] == ["name"]

    again = keeping_app(tmp_path)
    async with again.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        assert isinstance(again.screen, ResumeScreen)
        await keys.press("r")
        await keys.settle()
        screen = again.screen
        assert isinstance(screen, DetailsScreen), screen
        assert screen.form.values()["name"] == TAKEN
        assert _name_mark(again) == mark, screen_text(again)  # the provider's words, as before quitting
        assert "DUPLICATE KEY VALUE" in _banner(again)
        await _leave_and_come_back(keys)
        assert _name_mark(again) == mark
        # another value: the mark goes when the field is left, as any field's check
        screen.form.focus_field("name")
        await keys.press("end")
        await keys.type_text("_2")
        await _leave_and_come_back(keys)
        assert _name_mark(again) is None and "DUPLICATE" not in _banner(again), screen_text(again)
        # the refused value typed again: the provider's refusal is shown again
        await keys.press("end", "backspace", "backspace")
        await _leave_and_come_back(keys)
        assert _name_mark(again) == mark
        # the refusal is the provider's, not a documented rule: it never blocks Next (the clash may be gone)
        await keys.fill_form(screen.form, {"password": CANARY})
        await keys.press("ctrl+n")
        await keys.settle()
        assert getattr(again.screen, "STEP", None) == "review", screen_text(again)
    assert_no_leak(CANARY, private_home.scanned_roots())
