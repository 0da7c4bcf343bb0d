"""Keys in sight: the footer shows what the focused field answers to, F1 lists it, and picking an
ordered choice leaves the cursor where it was."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input

from tests.tui.driver import KeyboardDriver
from tests.tui.screen_text import footer_text, screen_lines, screen_text
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.widgets.choice_grid import ChoiceGrid
from trunkwizard.tui.widgets.form_view import FormView
from trunkwizard.tui.widgets.toggle_editor import ToggleEditor

YEASTAR = get_provider("yeastar")


async def test_the_footer_shows_the_focused_fields_keys(make_app: Callable[..., WizardApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(YEASTAR, "register")
        form = app.screen.form  # type: ignore[attr-defined]
        form.focus_field("codec_sel")
        await keys.settle()
        assert "space Pick" in footer_text(app)
        await keys.press("space", "right", "space")
        await keys.settle()
        assert "[ ] Reorder" in footer_text(app)
        form.focus_field("enable")
        await keys.settle()
        assert "space Toggle" in footer_text(app)
        form.focus_field("did_list")
        await keys.settle()
        assert "a Add row" in footer_text(app)


async def test_f1_on_a_field_lists_its_keys(make_app: Callable[..., WizardApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(YEASTAR, "register")
        form = app.screen.form  # type: ignore[attr-defined]
        for wire, expected in (
            ("enable", "space Toggle"),
            ("did_list", "a Add row"),
            ("codec_sel", "space Pick"),
        ):
            form.focus_field(wire)
            await keys.settle()
            await keys.press("f1")
            await keys.settle()
            assert expected in screen_text(app), wire
            assert "Move down" not in screen_text(app), "each key once: [ ] moves both ways"
            await keys.press("escape")
            await keys.settle()
        form.focus_field("name")
        await keys.press("f1")
        await keys.settle()
        assert "Move cursor left" not in screen_text(app), "a text box's editing keys are Textual's"


async def test_picking_an_ordered_choice_keeps_the_cursor_in_place(
    make_app: Callable[..., WizardApp],
) -> None:
    # Reported: selecting a codec moved it under the cursor, so the next arrow landed elsewhere.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(YEASTAR, "register")
        form = app.screen.form  # type: ignore[attr-defined]
        form.focus_field("codec_sel")
        await keys.settle()
        grid = app.focused
        assert isinstance(grid, ChoiceGrid)
        values = [c.value for c in grid.choices]
        await keys.press("home", "right", "right", "space", "right", "space")
        assert grid.value == [values[2], values[3]]
        await keys.press("left", "space")
        assert grid.value == [values[3]], "left goes back to the cell picked first, and space unpicks it"


async def test_a_toggle_without_default_goes_back_to_not_set(make_app: Callable[..., WizardApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(YEASTAR, "register")
        form = app.screen.form  # type: ignore[attr-defined]
        form.focus_field("enable")
        await keys.settle()
        editor = form.rows["enable"].editor
        assert isinstance(editor, ToggleEditor)
        assert editor.get_value() is None
        await keys.press("space")
        assert editor.get_value() is True
        assert "⌫ Not set" in footer_text(app)
        await keys.press("backspace")
        await keys.settle()
        assert editor.get_value() is None
        assert "enable" not in form.answers()
        assert "not set" in screen_text(app)


async def test_an_example_reads_as_an_example_never_as_a_value(make_app: Callable[..., WizardApp]) -> None:
    # Reported: Yeastar Port showed "5060" in grey and then said "required: enter port".
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(YEASTAR, "register")
        form = app.screen.form  # type: ignore[attr-defined]
        port = form.rows["port"]
        line = next(line for line in screen_lines(app) if line.startswith(" Port *"))
        assert "e.g. 5060" in line
        assert port.editor.get_value() is None
        hint = port.editor.query_one(Input).get_component_rich_style("input--placeholder")
        assert hint.italic, "visibly different from typed text, in every colour mode"


async def test_a_fields_help_says_what_enter_does_there(make_app: Callable[..., WizardApp]) -> None:
    """Found by hand: F1 on a choice list said "Enter next field", where Enter opens the list."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(YEASTAR, "register")
        form = app.screen.query_one(FormView)
        said: dict[str, str] = {}
        for wire in ("name", "country", "did_list"):
            form.focus_field(wire)
            await keys.settle()
            await keys.press("f1")
            await keys.settle()
            said[wire] = " ".join(screen_lines(app)).split("Tab next field · ", 1)[1]
            await keys.press("escape")
            await keys.settle()
        assert said["name"].startswith("Enter next field")
        assert said["country"].startswith("Enter opens the list")
        assert said["did_list"].startswith("Enter edit row")
