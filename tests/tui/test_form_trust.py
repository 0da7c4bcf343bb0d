"""Small things that broke trust at 80x24: the provider filter, start over, switching mode, the banner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual import events
from textual.widgets import Input

from tests.tui.driver import KeyboardDriver
from tests.tui.screen_text import screen_lines
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.provider import ProviderScreen
from trunkwizard.tui.terminal import TerminalProfile

CHORUS = get_provider("chorus")


async def test_typing_vox_and_enter_picks_vox_ai(make_app: Callable[..., WizardApp]) -> None:
    # Reported: Chorus AI was picked (its summary mentions Voximplant, and it comes first).
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.settle()
        await keys.type_text("vox")
        await keys.press("enter")
        await keys.settle()
        assert app.state.provider is not None and app.state.provider.title == "Vox.ai"


async def test_starting_over_shows_the_whole_provider_list(make_app: Callable[..., WizardApp]) -> None:
    # Reported: after "n" (new) on the result screen the filter kept its old text.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.settle()
        await keys.type_text("chorus")
        await keys.press("enter")
        await keys.settle()
        await keys.accept_account()
        await keys.pick_mode(CHORUS, "voximplant")
        assert isinstance(app.screen, DetailsScreen)
        await keys.fill_form(app.screen.form, {"number": "+14155550190"})
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        assert app.screen.STEP == "result"
        await keys.press("n")
        await keys.settle()
        screen = app.screen
        assert isinstance(screen, ProviderScreen)
        assert screen.query_one("#filter", Input).value == ""
        assert len(screen._shown) == 5


async def test_switching_mode_keeps_the_answers_both_modes_share(make_app: Callable[..., WizardApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(CHORUS, "twilio")
        assert isinstance(app.screen, DetailsScreen)
        await keys.fill_form(app.screen.form, {"number": "+14155550124", "name": "Main line"})
        await keys.press("escape")
        await keys.settle()
        await keys.pick_mode(CHORUS, "voximplant")
        details = app.screen
        assert isinstance(details, DetailsScreen) and details.mode.key == "voximplant"
        values = details.form.values()
        assert values["number"] == "+14155550124"
        assert values["name"] == "Main line"


async def test_the_fields_to_fix_banner_goes_when_they_are_fixed(make_app: Callable[..., WizardApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(CHORUS, "voximplant")
        details = app.screen
        assert isinstance(details, DetailsScreen)
        await keys.press("ctrl+n")
        await keys.settle()
        banner = details.query_one("#banner")
        assert "to fix" in str(banner.render())
        details.form.focus_field("number")
        await keys.type_text("+14155550190")
        await keys.press("tab")
        await keys.settle()
        assert details.form.first_problem() is None
        assert str(banner.render()) == "", "no field is left to fix: the banner has gone"


@pytest.mark.parametrize(
    "terminal",
    [
        TerminalProfile(over_ssh=True, sixteen_colours=True, no_color=False),
        TerminalProfile(over_ssh=True, sixteen_colours=False, no_color=True),
    ],
    ids=["16-colours", "no-color"],
)
async def test_the_provider_list_shows_its_cursor_without_colour(
    terminal: TerminalProfile, make_app: Callable[..., WizardApp]
) -> None:
    # Reported: in 16 colours (TERM=xterm) no cursor at all; with NO_COLOR a faint shade.
    app = make_app(terminal=terminal)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.settle()
        for title in ("Chorus AI", "SignalWire", "Wavix"):
            marked = [line for line in screen_lines(app) if "▶ " in line and "creates a" in line]
            assert len(marked) == 1 and title in marked[0], marked
            await keys.press("down")
            await keys.settle()


@pytest.mark.parametrize(
    "terminal",
    [
        TerminalProfile(over_ssh=True, sixteen_colours=True, no_color=False),
        TerminalProfile(over_ssh=True, sixteen_colours=False, no_color=True),
    ],
    ids=["16-colours", "no-color"],
)
async def test_the_mode_list_shows_its_cursor_without_colour(
    terminal: TerminalProfile, make_app: Callable[..., WizardApp]
) -> None:
    # Found in tmux with TERM=xterm NO_COLOR=1: the highlighted mode was bold like every other title
    # (NO_COLOR took the highlight's colours, and the reverse with them).
    yeastar = get_provider("yeastar")
    app = make_app(terminal=terminal)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.pick_provider(yeastar)
        await keys.accept_account()
        await keys.settle()
        for mode in yeastar.modes:
            marked = [line for line in screen_lines(app) if "▶ " in line and "trunk" in line]
            assert len(marked) == 1 and mode.title in marked[0], marked
            await keys.press("down")
            await keys.settle()


async def test_a_paste_of_several_lines_into_a_secret_is_refused_and_said(
    make_app: Callable[..., WizardApp],
) -> None:
    # Reported: a multi-line paste into a secret kept line 1 silently (masked, so nobody could tell).
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(CHORUS, "sip-registration")
        form = app.screen.form  # type: ignore[attr-defined]
        form.focus_field("sipPassword")
        await keys.settle()
        field = app.focused
        assert isinstance(field, Input) and field.password
        app.post_message(events.Paste("first-line-secret\nsecond line\n"))
        await keys.settle()
        assert field.value == ""
        assert any("a secret is one line" in n.message for n in app._notifications)
        app.post_message(events.Paste("only-line-secret\n"))
        await keys.settle()
        assert field.value == "only-line-secret"


def test_help_texts_speak_the_technicians_words() -> None:
    # Reported: help texts spoke of "the seed's table" (the project's sources, not the user's).
    from trunkwizard.providers import all_providers
    from trunkwizard.tui.widgets.field_help import help_lines

    def every(fields: Any) -> Any:
        for field in fields:
            yield field
            yield from every(field.rows)

    for provider in all_providers():
        for field in [*every(provider.account_fields), *(f for m in provider.modes for f in every(m.fields))]:
            for title, text in help_lines(field):
                assert "seed" not in text.lower(), (provider.key, field.wire, title, text)


async def test_the_review_of_a_request_already_created_says_a_submit_creates_another(
    make_app: Callable[..., WizardApp],
) -> None:
    """Found by hand: Esc on a result ("Edit"), then on to the review and Enter created a second, same
    resource, the review saying nothing of the first (a provider that does not refuse duplicates keeps
    both). The review of the same request names what it created; a changed request is reviewed as new."""
    from textual.widgets import Static

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.settle()
        await keys.type_text("chorus")
        await keys.press("enter")
        await keys.settle()
        await keys.accept_account()
        await keys.pick_mode(CHORUS, "voximplant")
        assert isinstance(app.screen, DetailsScreen)
        form = app.screen.form
        await keys.fill_form(form, {"number": "+14155550190"})
        await keys.press("ctrl+n")
        await keys.settle()
        assert app.screen.STEP == "review"
        assert not app.screen.query("#review-created-before")
        await keys.press("enter")
        await keys.settle()
        assert app.screen.STEP == "result"
        assert app.state.created is not None
        created_id = app.state.created.ref.id
        await keys.press("escape")
        await keys.settle()
        assert isinstance(app.screen, DetailsScreen)
        await keys.press("ctrl+n")
        await keys.settle()
        assert app.screen.STEP == "review"
        said = str(app.screen.query_one("#review-created-before", Static).render())
        assert f"ID {created_id}" in said and "creates another" in said
        await keys.press("escape")
        await keys.settle()
        assert isinstance(app.screen, DetailsScreen)
        await keys.fill_form(app.screen.form, {"number": "+14155550191"})
        await keys.press("ctrl+n")
        await keys.settle()
        assert app.screen.STEP == "review"
        assert not app.screen.query("#review-created-before")
