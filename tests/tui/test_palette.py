"""ctrl+p offers the wizard's own commands for where the technician is, and runs them."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.canary import CANARY
from tests.tui.driver import KeyboardDriver
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.review import ReviewScreen


async def test_palette_copies_curl_and_goes_back_to_a_step(make_app: Callable[..., WizardApp]) -> None:
    chorus = get_provider("chorus")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(chorus, "twilio")
        answers = {"number": "+14155550199", "twilioAccountSid": "AC" + "ab" * 16, "twilioAuthToken": CANARY}
        await keys.fill_form(app.screen.form, answers)  # type: ignore[attr-defined]
        await keys.press("ctrl+n")
        await keys.settle()
        assert isinstance(app.screen, ReviewScreen)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Copy request as curl" in titles and "Go to step: Details" in titles
        assert "Show or hide secrets" not in titles, "only where there are secrets to show"

        await keys.press("ctrl+p")
        await keys.settle()
        await keys.type_text("copy request")
        await pilot.pause(0.3)
        await keys.press("enter")
        await keys.settle()
        assert "curl -X POST" in app.clipboard and CANARY not in app.clipboard

        await keys.press("ctrl+p")
        await keys.settle()
        await keys.type_text("go to step: provider")
        await pilot.pause(0.3)
        await keys.press("enter")
        await keys.settle()
        assert app.screen.STEP == "provider"
        assert app.state.detail_values[("chorus", "twilio")]["number"] == "+14155550199", "answers kept"


async def test_a_screens_own_commands_are_declared_by_the_screen(make_app: Callable[..., WizardApp]) -> None:
    """The palette lists what the screen declares (`palette_commands`), never an action found by name."""
    import inspect

    from trunkwizard.tui.commands import CommandSource
    from trunkwizard.tui.screens.account import AccountScreen
    from trunkwizard.tui.widgets.secret_editor import SecretEditor

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.pick_provider(get_provider("chorus"))
        screen = app.screen
        assert isinstance(screen, AccountScreen) and isinstance(screen, CommandSource)
        declared = [c.title for c in screen.palette_commands()]
        assert declared == ["Show or hide secrets", "Help for the focused field", "Inventory"]
        offered = {c.title: c for c in app.get_system_commands(screen)}
        assert set(declared) <= set(offered)
        offered["Show or hide secrets"].callback()
        await keys.settle()
        assert all(editor.revealed for editor in screen.query(SecretEditor))
    assert "getattr" not in inspect.getsource(WizardApp.get_system_commands)
