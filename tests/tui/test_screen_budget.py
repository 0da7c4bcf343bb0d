"""The screen at 80x24 spent on what matters: long review values are all there, history rows say which
is which and give the whole id."""

from __future__ import annotations

from collections.abc import Callable

from tests.tui.driver import KeyboardDriver
from tests.tui.screen_text import screen_lines
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.details import DetailsScreen

CHORUS = get_provider("chorus")
LONG_NAME = "Main-line-of-the-Chicago-office-third-floor-west-wing-desk-42"  # longer than the JSON line


async def test_a_long_review_value_is_folded_not_cut(make_app: Callable[..., WizardApp]) -> None:
    # Reported: long review values were cut at the right edge with no marker and no way to see them.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(CHORUS, "voximplant")
        assert isinstance(app.screen, DetailsScreen)
        await keys.fill_form(app.screen.form, {"number": "+14155550190", "name": LONG_NAME})
        await keys.press("ctrl+n")
        await keys.settle()
        assert app.screen.STEP == "review"
        text = "".join(line.strip() for line in screen_lines(app))
        assert LONG_NAME in text
