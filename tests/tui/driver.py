"""A keyboard-only driver for the wizard in Pilot tests.

It reads the screen to decide which keys to press (which field has focus, where a choice cursor
is), and acts only with key presses, as a technician would.
"""

from __future__ import annotations

import importlib
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from textual import events
from textual.keys import _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select
from textual.widgets._collapsible import CollapsibleTitle

from trunkwizard.fields import FormField, Kind
from trunkwizard.providers import Provider, all_providers
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.widgets.choice_grid import ChoiceGrid
from trunkwizard.tui.widgets.field_row import FieldRow
from trunkwizard.tui.widgets.form_view import FormView
from trunkwizard.tui.widgets.lookup_editor import TYPE_INSTEAD, LookupEditor
from trunkwizard.tui.widgets.rows_editor import RowList

TRUE_WORDS = {"1", "true", "yes", "on"}


def _pilot_can_press(char: str) -> bool:
    if char.isalnum() or len(char) != 1:
        return True
    key = _character_to_key(char)
    try:
        return unicodedata.lookup(_get_unicode_name_from_key(key)) == char
    except KeyError:
        return False


# --- answers from the provider tests ----------------------------------------------------------------


def scenarios(provider: Provider) -> list[tuple[str, dict[str, Any]]]:
    """(mode key, answers) from tests/test_provider_<key>.py VALID, whatever its shape:
    keyed by mode, keyed by scenario (mode detected from the answers), or one flat answers dict."""
    try:
        module = importlib.import_module(f"tests.test_provider_{provider.key}")
    except ModuleNotFoundError:
        return []
    valid = getattr(module, "VALID", None)
    if not isinstance(valid, Mapping) or not valid:
        return []
    if not all(isinstance(v, Mapping) for v in valid.values()):
        valid = {"only": valid}
    modes = {m.key for m in provider.modes}
    found = []
    for name, answers in valid.items():
        mode = name if name in modes else provider.detect_mode(answers)
        if mode is not None:
            found.append((mode, dict(answers)))
    return found


def richest_per_mode(provider: Provider) -> dict[str, dict[str, Any]]:
    """For each mode, the VALID answers that fill the most fields (one walk per provider x mode)."""
    best: dict[str, dict[str, Any]] = {}
    for mode, answers in scenarios(provider):
        if mode not in best or _size(answers) > _size(best[mode]):
            best[mode] = answers
    return best


def _size(answers: Mapping[str, Any]) -> int:
    return sum(1 + (_size(v) if isinstance(v, Mapping) else 0) for v in answers.values())


def walks() -> Iterator[tuple[str, str]]:
    for provider in all_providers():
        for mode in richest_per_mode(provider):
            yield provider.key, mode


# --- normalising answers to what a technician types ---------------------------------------------------


def as_typed(field: FormField, value: Any) -> Any:
    """Answers files allow "on", "0.18", "a, b"; the form takes booleans, text and lists."""
    if field.kind is Kind.TOGGLE:
        return str(value).strip().lower() in TRUE_WORDS if isinstance(value, str) else bool(value)
    if field.kind in (Kind.MULTI_CHOICE, Kind.ORDERED_CHOICE):
        if isinstance(value, str):
            return [v.strip() for v in value.split(field.join or ",") if v.strip()]
        return list(value)
    if field.kind is Kind.ROWS:
        items = [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)
        if not field.rows:
            return items
        first = field.rows[0].wire
        return [item if isinstance(item, Mapping) else {first: item} for item in items]
    return value if isinstance(value, str) else str(value)


# --- the driver ---------------------------------------------------------------------------------------


class KeyboardDriver:
    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.app: WizardApp = pilot.app  # type: ignore[assignment]

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)

    async def settle(self) -> None:
        await self.pilot.pause()
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()

    async def type_text(self, text: str) -> None:
        for char in text:
            if _pilot_can_press(char):
                await self.press(char)
            else:
                # Pilot loses symbols such as "☎" (it cannot map their key name back to the
                # character); send the key event a terminal would deliver, character included.
                event = events.Key(_character_to_key(char), char)
                event.set_sender(self.app)
                assert self.app._driver is not None
                self.app._driver.send_message(event)
                await self.pilot.pause()

    @property
    def focused(self) -> Widget | None:
        return self.app.focused

    async def tab_until(self, reached: Callable[[Widget], bool], limit: int = 60) -> None:
        """Press Tab until the focused widget is one `reached` accepts (at most `limit` presses)."""
        for _ in range(limit):
            if self.focused is not None and reached(self.focused):
                return
            await self.press("tab")
        assert self.focused is not None and reached(self.focused), f"Tab never reached it: {self.focused}"

    # --- steps ------------------------------------------------------------------------------------

    async def pick_provider(self, provider: Provider) -> None:
        await self.settle()
        assert self.app.screen.STEP == "provider"  # type: ignore[attr-defined]
        await self.type_text(provider.title)
        await self.press("enter")
        await self.settle()
        assert self.app.screen.STEP == "account", self.app.screen  # type: ignore[attr-defined]

    async def retype(self, form: FormView, wire: str, text: str) -> None:
        """Clear a text field as a technician does (ctrl+u) and type `text` into it."""
        form.focus_field(wire)
        await self.press("ctrl+u")
        await self.type_text(text)

    async def accept_account(self) -> None:
        await self.press("ctrl+n")
        await self.settle()

    async def pick_mode(self, provider: Provider, mode_key: str) -> None:
        if len(provider.modes) == 1:
            return
        assert self.app.screen.STEP == "mode"  # type: ignore[attr-defined]
        index = [m.key for m in provider.modes].index(mode_key)
        await self.press("home", *["down"] * index, "enter")
        await self.settle()

    async def to_details(self, provider: Provider, mode_key: str) -> None:
        await self.pick_provider(provider)
        await self.accept_account()
        await self.pick_mode(provider, mode_key)
        assert self.app.screen.STEP == "details", self.app.screen  # type: ignore[attr-defined]

    # --- forms ------------------------------------------------------------------------------------

    def _row(self) -> FieldRow | None:
        widget = self.focused
        while widget is not None:
            if isinstance(widget, FieldRow):
                return widget
            widget = widget.parent  # type: ignore[assignment]
        return None

    async def fill_form(self, form: FormView, answers: Mapping[str, Any]) -> None:
        """Tab through the form from its first field, typing each answer; stop when focus leaves it."""
        wanted = {w: v for w, v in answers.items() if w in form.rows}
        form.focus_first()
        await self.pilot.pause()
        done: set[str] = set()
        for _ in range(200):
            focused = self.focused
            if focused is None or form not in focused.ancestors:
                break
            if isinstance(focused, CollapsibleTitle):
                section = focused.parent
                if any(w in wanted and w not in done for w in self._wires_in(section)) and section.collapsed:  # type: ignore[union-attr]
                    await self.press("enter")
                    await self.pilot.pause()
            row = self._row()
            if row is not None and row.field.wire in wanted and row.field.wire not in done:
                await self.fill_field(row, as_typed(row.field, wanted[row.field.wire]))
                done.add(row.field.wire)
            await self.press("tab")
        missing = [w for w in wanted if w not in done and form.shown(w)]
        assert not missing, f"never reached {missing}"

    @staticmethod
    def _wires_in(section: Any) -> list[str]:
        return [row.field.wire for row in section.query(FieldRow)]

    async def fill_field(self, row: FieldRow, value: Any) -> None:
        focused = self.focused
        if isinstance(row.editor, LookupEditor):
            await self.settle()
            focused = self.focused
        if isinstance(focused, Input):
            await self.press("home", "ctrl+k")
            await self.type_text(str(value))
        elif isinstance(focused, Checkbox):
            if focused.value != value:
                await self.press("space")
        elif isinstance(focused, ChoiceGrid):
            await self.pick_in_grid(focused, value)
        elif isinstance(focused, Select):
            await self.pick_in_select(focused, value)
        elif isinstance(focused, RowList):
            await self.add_rows(focused, value)
        else:
            raise AssertionError(f"no way to fill {row.field.wire} focused on {focused!r}")
        assert row.editor is not None

    async def _move_grid_cursor(self, grid: ChoiceGrid, value: Any) -> None:
        order = [c.value for c in grid.display_order()]
        here = order.index(grid.cursor_value) if grid.cursor_value in order else 0
        target = order.index(value)
        step = "right" if target > here else "left"
        await self.press(*[step] * abs(target - here))

    async def pick_in_grid(self, grid: ChoiceGrid, value: Any) -> None:
        if grid.style == "single":
            await self._move_grid_cursor(grid, value)
            if grid.value != value:
                await self.press("space")
        elif grid.style == "multi":
            for choice in grid.choices:
                if (choice.value in value) != (choice.value in grid.value):
                    await self._move_grid_cursor(grid, choice.value)
                    await self.press("space")
        else:
            for picked in list(grid.value):
                await self._move_grid_cursor(grid, picked)
                await self.press("space")
            for wanted in value:
                await self._move_grid_cursor(grid, wanted)
                await self.press("space")
        assert grid.value == value, (grid.value, value)

    async def pick_in_select(self, select: Select[Any], value: Any) -> None:
        await self.press("enter")
        await self.pilot.pause()
        overlay = select.query_one("SelectOverlay")
        values = [v for _, v in select._options]
        if value not in values and TYPE_INSTEAD in values:
            # a look-up's list lacks it: "type another…", then type it (typed text stays allowed)
            await self.press("escape")
            await self.pick_in_select(select, TYPE_INSTEAD)
            await self.pilot.pause()
            focused = self.focused
            assert isinstance(focused, Input), focused
            await self.press("home", "ctrl+k")
            await self.type_text(str(value))
            return
        target = values.index(value)
        here = overlay.highlighted or 0  # type: ignore[attr-defined]
        step = "down" if target > here else "up"
        await self.press(*[step] * abs(target - here), "enter")
        assert select.value == value or value == TYPE_INSTEAD, (select.value, value)

    async def add_rows(self, rows: RowList, value: list[Any]) -> None:
        from trunkwizard.tui.screens.row_editor import RowEditorScreen

        for row in value:
            await self.press("a")
            await self.settle()
            modal = self.app.screen
            assert isinstance(modal, RowEditorScreen)
            answers = row if isinstance(row, Mapping) else {"value": row}
            await self.fill_form(modal.form, answers)
            await self.press("ctrl+s")
            await self.settle()
            assert self.app.screen is not modal, "the row was not saved"
        assert len(rows.rows) >= len(value)
