"""On/off fields: a checkbox that says "on" or "off" in words, toggled with space."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.reactive import Reactive
from textual.style import Style
from textual.widgets import Checkbox

from trunkwizard.tui.widgets.editor_base import FieldEditor
from trunkwizard.tui.widgets.settled_size import settled_virtual_size
from trunkwizard.tui.widgets.typed_keys import KeysWhereTyped

__all__ = ["OnOff", "ToggleEditor"]


class OnOff(Checkbox, KeysWhereTyped, inherit_bindings=False):
    """The mark is drawn only when on (not by colour alone); Enter is left to the form (go on).

    A field with no default can go back to "not set" (backspace), so the provider decides again.
    """

    BINDINGS = [
        Binding("space", "toggle_button", "Toggle", id="toggle"),
        Binding("backspace,delete", "unset", "Not set", key_display="⌫", id="toggle-unset"),
    ]
    can_unset = False
    virtual_size: Reactive[Size] = settled_virtual_size()  # "on" and "off" differ in width

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "unset":
            return self.can_unset and not self.unset
        return True

    def action_unset(self) -> None:
        if self.can_unset and not self.unset:
            with self.prevent(Checkbox.Changed):
                self.value = False
            self.unset = True
            self.label = _UNSET
            self.refresh_bindings()
            if self.toggled is not None:
                self.toggled()  # the rows an "on" showed go, and their values are no longer answers
            self.post_message(Checkbox.Changed(self, self.value))

    @property
    def _button(self) -> Content:
        button_style = self.get_visual_style("toggle--button")
        side_style = Style(foreground=button_style.background, background=self.background_colors[1])
        return Content.assemble(
            (self.BUTTON_LEFT, side_style),
            (self.BUTTON_INNER if self.value else " ", button_style),
            (self.BUTTON_RIGHT, side_style),
        )

    unset = False  # True until toggled when the field has no default: the provider decides
    toggled: Callable[[], None] | None = None  # the editor's, called as the technician toggles

    def toggle(self) -> Self:
        super().toggle()
        if self.toggled is not None:
            self.toggled()  # at once, so the rows the toggle shows come in the same frame as its mark
        return self

    def watch_value(self) -> None:
        super().watch_value()
        self.unset = False
        self.label = "on" if self.value else "off"
        self.refresh_bindings()


_UNSET = "not set (provider default)"


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


class ToggleEditor(FieldEditor):
    """A field with no default starts "not set": nothing is sent until the technician toggles it."""

    def compose(self) -> ComposeResult:
        on_now = _as_bool(self.initial)
        box = OnOff("on" if on_now else "off", on_now, compact=True)
        box.can_unset = self.initial is None or self.field.can_be_empty
        if self.initial is None:
            box.unset = True
            box.label = _UNSET
        box.toggled = self.changed
        yield box

    @property
    def checkbox(self) -> OnOff:
        return self.query_one(OnOff)

    def get_value(self) -> Any:
        return None if self.checkbox.unset else self.checkbox.value

    def set_value(self, value: Any) -> None:
        box = self.checkbox
        with box.prevent(Checkbox.Changed):
            box.value = _as_bool(value)
        box.unset = value is None
        box.label = _UNSET if box.unset else ("on" if box.value else "off")

    @on(Checkbox.Changed)
    def _toggled(self, event: Checkbox.Changed) -> None:
        event.stop()  # the technician's toggles reach the form through OnOff.toggled, at once
