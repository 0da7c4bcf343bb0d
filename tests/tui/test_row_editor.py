"""The row editor: saving a row (ctrl+s, the key it advertises) returns to the form, never crashes."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.tui.driver import KeyboardDriver
from tests.tui.screen_text import footer_text, region_words, screen_lines, terminal_lines
from trunkwizard.providers import Provider, get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.row_editor import RowEditorScreen
from trunkwizard.tui.widgets.form_view import FormView

WAVIX = get_provider("wavix")


async def _on_the_list(
    keys: KeyboardDriver, provider: Provider, mode_key: str, wire: str, toggle: str | None = None
) -> FormView:
    """The form of `mode_key`, focus on its row list `wire` (shown by switching `toggle` on first)."""
    await keys.to_details(provider, mode_key)
    form = keys.app.screen.form  # type: ignore[attr-defined]
    assert isinstance(form, FormView)
    if toggle is not None:
        form.focus_field(toggle)
        await keys.press("space")
    form.focus_field(wire)
    await keys.settle()
    return form


def _dids(form: FormView) -> list[str]:
    return [row["did"] for row in form.rows["did_list"].editor.get_value()]


async def test_saving_rows_with_ctrl_s_keeps_the_app_running(make_app: Callable[..., WizardApp]) -> None:
    # The keys of the report: Wavix, IP restriction on, `a`, an IP, ctrl+s; it crashed 7 times in 10 by hand
    # with NoScreen from FieldRow._check_left (the row's blur check ran after its modal was gone).
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        form = await _on_the_list(keys, WAVIX, WAVIX.modes[0].key, "allowed_ips", toggle="ip_restrict")
        for n in range(6):
            await keys.press("a")
            await keys.settle()
            assert isinstance(app.screen, RowEditorScreen)
            await keys.press("home", "ctrl+k")
            await keys.type_text(f"203.0.113.{n + 1}")
            await keys.press("ctrl+s")
            await keys.settle()
            assert app.is_running and not isinstance(app.screen, RowEditorScreen)
        assert len(form.rows["allowed_ips"].editor.get_value()) == 6


YEASTAR = get_provider("yeastar")
LONG_NAME = "Chicago main line, 3rd floor"  # 28: the line is longer than the list is wide


async def _add_did(keys: KeyboardDriver, number: str) -> None:
    await keys.press("a")
    await keys.settle()
    await keys.type_text(number)
    await keys.press("tab")
    await keys.type_text(LONG_NAME)
    await keys.press("ctrl+s")
    await keys.settle()


async def test_every_row_is_one_line_in_sight_with_its_number_first(
    make_app: Callable[..., WizardApp],
) -> None:
    # Reported: a row summary that wraps at 80 columns undrew later rows (a third row was added twice
    # because it could not be seen); new DID rows appeared only after PageDown.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await _on_the_list(keys, YEASTAR, "register", "did_list")
        for n in range(3):
            await _add_did(keys, f"+1312555010{n}")
            lines = screen_lines(app)
            for m in range(n + 1):
                shown = [line for line in lines if f"{m + 1}. +1312555010{m} · DID name: Chicago" in line]
                assert len(shown) == 1, (m, "\n".join(lines))
                assert shown[0].rstrip().endswith("…")


async def test_a_deleted_row_comes_back_with_u(make_app: Callable[..., WizardApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        form = await _on_the_list(keys, YEASTAR, "register", "did_list")
        for n in range(3):
            await _add_did(keys, f"+1312555010{n}")
        await keys.press("up", "d")
        await keys.settle()
        assert _dids(form) == ["+13125550100", "+13125550102"]
        assert "u Undo" in footer_text(app), "the footer offers the undo"
        await keys.press("u")
        await keys.settle()
        assert _dids(form) == ["+13125550100", "+13125550101", "+13125550102"]


async def test_the_row_cursor_stops_at_the_last_row_and_the_first(make_app: Callable[..., WizardApp]) -> None:
    """Found by hand: Down on the last row wrapped to row 1, so a quick "down, d" deleted row 1."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        form = await _on_the_list(keys, YEASTAR, "register", "did_list")
        for n in range(3):
            await _add_did(keys, f"+1312555010{n}")
        await keys.press("down", "d")  # the cursor is on the row just added, the last
        await keys.settle()
        assert _dids(form) == ["+13125550100", "+13125550101"]
        await keys.press("up", "up", "up", "d")
        await keys.settle()
        assert _dids(form) == ["+13125550101"]


async def test_the_row_editor_shows_its_keys_in_a_footer(make_app: Callable[..., WizardApp]) -> None:
    # Reported: ctrl+s and esc were only in the buttons' labels, a field's keys only behind F1.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await _on_the_list(keys, YEASTAR, "register", "did_list")
        await keys.press("a")
        await keys.settle()
        assert isinstance(app.screen, RowEditorScreen)
        footer = footer_text(app)
        assert "^s Save row" in footer and "esc Cancel" in footer and "f1 Help" in footer, footer


@pytest.mark.parametrize(
    ("provider_key", "mode_key", "wire", "toggle"),
    [
        ("yeastar", "register", "outbound_cid_list", None),
        ("wavix", "sip-trunk", "allowed_ips", "ip_restrict"),
    ],
)
async def test_the_row_editor_shows_only_its_own_keys(
    provider_key: str, mode_key: str, wire: str, toggle: str | None, make_app: Callable[..., WizardApp]
) -> None:
    # Reported at 80x24: the form's footer takes two rows there, the editor's one; the form's first row
    # showed through above the editor's keys ("a Add row  e Edit  d Delete  [ ] Move  esc Back  ^n Next"),
    # none of which works in the editor.
    provider = get_provider(provider_key)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await _on_the_list(keys, provider, mode_key, wire, toggle)
        beneath = footer_text(app)
        assert "a Add row" in beneath and "^n Next" in beneath and len(beneath.splitlines()) == 2, beneath
        await keys.press("a")
        await keys.settle()
        assert isinstance(app.screen, RowEditorScreen)
        shown = terminal_lines(app)
        assert len(shown) == 24
        own = footer_text(app)
        assert "^s Save row" in own and "esc Cancel" in own, own
        assert shown[-len(own.splitlines()) :] == own.splitlines()
        for key in ("a Add row", "e Edit", "d Delete", "[ ] Move", "esc Back", "^n Next"):
            assert not any(key in line for line in shown), (key, "\n".join(shown))
        await keys.press("escape")  # back on the form, its keys are shown again
        await keys.settle()
        assert not isinstance(app.screen, RowEditorScreen)
        assert footer_text(app) == beneath
        assert terminal_lines(app)[-2:] == beneath.splitlines()


async def test_a_focused_button_has_its_own_help(make_app: Callable[..., WizardApp]) -> None:
    # Found by hand: Tab past the last field onto "Next →" (or Shift+Tab onto "← Back", or onto the row
    # editor's buttons) left the last field's help under the form, as if it were still being edited.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        form = await _on_the_list(keys, WAVIX, WAVIX.modes[0].key, "allowed_ips", toggle="ip_restrict")
        help_line = app.screen.query_one("#field-help")

        def shown() -> str:
            return region_words(app, help_line.content_region)

        assert shown().startswith("Allowed IPs (required)")
        await keys.press("a")
        await keys.settle()
        editor = app.screen
        assert isinstance(editor, RowEditorScreen)
        await keys.tab_until(lambda widget: widget.id == "row-save")
        await keys.settle()
        assert region_words(app, editor.query_one("#row-help").content_region).startswith(
            "Save row (ctrl+s): checks the row as Next checks the form"
        )
        await keys.press("escape")
        await keys.settle()
        await keys.tab_until(lambda widget: widget.id == "next")
        await keys.settle()
        assert shown().startswith("Next →: checks the form (each message lands under its field)"), shown()
        await keys.press("shift+tab")
        await keys.settle()
        assert shown().startswith("← Back: back one step; what was typed is kept"), shown()
        await keys.press("shift+tab")  # from Back onto the last section's title: what it holds
        await keys.settle()
        one, more = r"1 more field\. Enter shows or hides it", r"\d+ more fields\. Enter shows or hides them"
        assert re.match(rf"[A-Z][a-z]+: a section of ({one}|{more})\.$", shown()), shown()
        await keys.press("shift+tab")  # onto the form's last field: its help again
        await keys.settle()
        row = form.focused_row
        assert row is not None and shown().startswith(row.field.label), shown()


async def test_enter_after_the_last_field_saves_the_row(make_app: Callable[..., WizardApp]) -> None:
    """Found by hand: Enter on the row's last field moved to Cancel, so a second Enter threw the typed row
    away. It moves to Save row; on a step's form, past the last field, to Next (not Back)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        form = await _on_the_list(keys, WAVIX, WAVIX.modes[0].key, "allowed_ips", toggle="ip_restrict")
        await keys.press("a")
        await keys.settle()
        editor = app.screen
        assert isinstance(editor, RowEditorScreen)
        await keys.type_text("203.0.113.5")
        await keys.press("enter")
        await keys.settle()
        assert app.focused is editor.query_one("#row-save")
        await keys.press("enter")
        await keys.settle()
        assert app.screen is not editor
        assert form.rows["allowed_ips"].editor.get_value() == [{"ip": "203.0.113.5"}]


async def test_enter_after_a_steps_last_field_goes_to_next(make_app: Callable[..., WizardApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.pick_provider(get_provider("chorus"))
        form = app.screen.query_one(FormView)
        last = [wire for wire, row in form.rows.items() if row.display][-1]
        form.focus_field(last)  # a text field
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        assert app.focused is app.screen.query_one("#next"), "not Back, where the next Enter went back"


async def test_enter_on_an_empty_row_list_at_the_end_goes_to_next(make_app: Callable[..., WizardApp]) -> None:
    """A PBX trunk's form ends with its (empty) DID list: its Enter went on by itself, to Back."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(YEASTAR, "register")
        form = app.screen.query_one(FormView)
        last = [wire for wire, row in form.rows.items() if row.display][-1]
        assert form.rows[last].field.rows, "the form ends with a row list"
        form.focus_field(last)
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        assert app.focused is app.screen.query_one("#next")
