"""In 16 colours (TERM=xterm) and under NO_COLOR the tables of the history and the inventory still show
which row Enter, d and F8 act on: the cursor row is in reverse video, not only a shade that is lost."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rich.color import Color
from textual import events

from tests.support.secret_service import PrivateHome
from tests.tui.driver import KeyboardDriver
from tests.tui.keeping import keeping_app, ready
from tests.tui.screen_text import screen_lines
from trunkwizard.providers import get_provider
from trunkwizard.store import HistoryStore
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.history import HistoryScreen
from trunkwizard.tui.screens.inventory import InventoryScreen
from trunkwizard.tui.screens.review import ReviewScreen
from trunkwizard.tui.screens.type_to_confirm import TypeToConfirmScreen
from trunkwizard.tui.terminal import TerminalProfile

SIXTEEN = TerminalProfile(over_ssh=True, sixteen_colours=True, no_color=False)
STEADY_256 = TerminalProfile(over_ssh=True, sixteen_colours=False, no_color=False)
TERMINALS = [(SIXTEEN, False), (STEADY_256, True), (SIXTEEN, True)]
TERMINAL_IDS = ["16-colours", "no-color", "16-colours-no-color"]


def reversed_lines(app: WizardApp) -> list[str]:
    """The screen lines drawn in reverse video (what a terminal without colour shows as picked). In 16
    colours only the reverse of the terminal's own colours counts: reversed black on white is white on
    black, like every other row."""

    def default(colour: Color | None) -> bool:
        return colour is None or colour.is_default

    sixteen = app.terminal.sixteen_colours
    return [
        "".join(segment.text for segment in strip).strip()
        for strip in app.screen._compositor.render_strips()
        if any(
            text.strip()
            and style is not None
            and style.reverse
            and (not sixteen or (default(style.color) and default(style.bgcolor)))
            for text, style, _ in strip
        )
    ]


@pytest.mark.parametrize(("terminal", "no_color"), TERMINALS, ids=TERMINAL_IDS)
async def test_the_inventory_cursor_row_reads_without_colour(
    terminal: TerminalProfile,
    no_color: bool,
    make_app: Callable[..., WizardApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Found in tmux with TERM=xterm (and NO_COLOR=1): no row of the inventory looked picked.
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(terminal=terminal)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.pick_provider(get_provider("wavix"))
        await keys.press("f4")
        await keys.settle()
        screen = app.screen
        assert isinstance(screen, InventoryScreen) and screen.inventory is not None
        for index in range(2):
            item = screen.selected()
            assert item is not None
            first_cell = next(iter(item.cells.values()))  # the SIP user
            marked = [line for line in reversed_lines(app) if line.startswith(first_cell)]
            assert len(marked) == 1, (first_cell, reversed_lines(app))
            await keys.press("down")
            await keys.settle()
            assert screen.selected() != item, index


@pytest.mark.parametrize(("terminal", "no_color"), TERMINALS, ids=TERMINAL_IDS)
async def test_the_history_cursor_row_reads_without_colour(
    terminal: TerminalProfile,
    no_color: bool,
    private_home: PrivateHome,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for created in ("pn_first", "pn_second"):
        HistoryStore().append(
            provider="chorus", profile=None, mode="jambonz", created_id=created, request={}, sandbox=True
        )
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = keeping_app(tmp_path, terminal=terminal)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.press("f3")
        await keys.settle()
        assert isinstance(app.screen, HistoryScreen)
        for created in ("pn_second", "pn_first"):  # newest first
            marked = [line for line in reversed_lines(app) if "pn_" in line]
            assert len(marked) == 1 and created in marked[0], reversed_lines(app)
            await keys.press("down")
            await keys.settle()


async def test_review_keys_are_not_dark_blue_in_sixteen_colours(make_app: Callable[..., WizardApp]) -> None:
    # Found in tmux with TERM=xterm: the request body's keys were bold blue on black, barely legible.
    app = make_app(terminal=SIXTEEN)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await _chorus_review(keys)
        lines = {
            "".join(text for text, _, _ in strip).strip(): [
                style.color.name for text, style, _ in strip if text.strip() and style and style.color
            ]
            for strip in app.screen._compositor.render_strips()
        }
        key_lines = [line for line in lines if line.startswith('"sipUsername"')]
        assert key_lines, lines
        dark = {line: colours for line, colours in lines.items() if "blue" in colours}
        assert not dark, dark


async def _chorus_review(keys: KeyboardDriver) -> None:
    await keys.to_details(get_provider("chorus"), "sip-registration")
    answers = {
        "number": "+14155550126",
        "sipUsername": "chorus-1001",
        "sipPassword": "typed-for-the-review-1",
        "sipProxy": "pbx.example.com",
    }
    await keys.fill_form(keys.app.screen.form, answers)  # type: ignore[attr-defined]
    await keys.press("ctrl+n")
    await keys.settle()
    assert isinstance(keys.app.screen, ReviewScreen)


async def test_a_toast_says_warning_or_error_without_colour(make_app: Callable[..., WizardApp]) -> None:
    # A toast's severity was only the colour of its left edge: in 16 colours and under NO_COLOR a refusal
    # looked like any other note.
    app = make_app(terminal=SIXTEEN, read_only=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        keys = KeyboardDriver(pilot)
        await _chorus_review(keys)
        await keys.press("enter")  # read-only: the create is refused before anything is sent
        await keys.settle()
        assert [n.severity for n in app._notifications] == ["error"]  # the toast's edge ("▌"), then:
        assert any("▌ ✗ read-only: create refused" in line for line in screen_lines(app)), screen_lines(app)
        await keys.press("escape")  # back to the form: a paste of two lines into a secret is a warning
        await keys.settle()
        app.screen.form.focus_field("sipPassword")  # type: ignore[attr-defined]
        await keys.settle()
        app.post_message(events.Paste("first-line\nsecond line\n"))
        await keys.settle()
        assert any("▌ ⚠ Not pasted" in line for line in screen_lines(app)), screen_lines(app)


async def test_the_delete_button_of_the_confirmation_has_its_label_in_sixteen_colours(
    make_app: Callable[..., WizardApp],
) -> None:
    # Found in tmux with TERM=xterm: F8 on the inventory showed "Cancel" and, for Delete (disabled until
    # the name is typed), only a strip of border ("▊▔▔▔▔▎").
    app = make_app(terminal=SIXTEEN)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.pick_provider(get_provider("wavix"))
        await keys.press("f4")
        await keys.settle()
        await keys.press("f8")
        await keys.settle()
        assert isinstance(app.screen, TypeToConfirmScreen)
        buttons = [line for line in screen_lines(app) if "Cancel" in line]
        assert len(buttons) == 1 and "Delete" in buttons[0] and "▔" not in buttons[0], buttons
