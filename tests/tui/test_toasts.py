"""Toasts at 80x24: flush with the right edge, so nothing of the screen beneath shows beside them."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets._toast import Toast

from tests.tui.driver import KeyboardDriver
from tests.tui.screen_text import screen_lines
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp


async def test_a_toast_leaves_no_stray_characters_at_the_right_edge(
    make_app: Callable[..., WizardApp],
) -> None:
    # Reported in tmux: the rule above the help line ("──") and "Next →" showed in two columns to the right
    # of a toast: the toast rack kept a scrollbar's gutter there.
    vox = get_provider("vox")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(vox, vox.modes[0].key)
        app.notify("Secrets shown: mind who can see the screen.", timeout=30)
        await keys.settle()
        await pilot.pause(0.3)
        toast = app.screen.query_one(Toast)
        region = toast.region
        assert region.right == 80, region
        lines = screen_lines(app)
        for y in range(region.y, region.bottom):
            assert "─" not in lines[y][region.x :] and "→" not in lines[y][region.x :], lines[y]


async def test_a_password_generated_on_a_form_of_its_own_says_whom_it_suits(
    make_app: Callable[..., WizardApp],
) -> None:
    # Found by hand: ctrl+g on a plain Wavix form said "for both sides" and named Yeastar's seed, with no
    # second side in sight.
    wavix = get_provider("wavix")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(wavix, "sip-trunk")
        await keys.press("ctrl+g")
        await keys.settle()
        (message,) = [notification.message for notification in app._notifications]
        assert "both sides" not in message
        # the rules it meets, said as rules (found by hand: "(Yeastar (seed 003 lines 33-35))", then "the
        # password rules of Yeastar's API documentation": a document, not what the password holds)
        assert message == (
            "Generated a password that Wavix and every side it can connect to accept: it has at least 10 "
            "characters, a digit, an uppercase letter and a lowercase letter. ctrl+t shows it."
        )
