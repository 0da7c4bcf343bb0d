"""On/off fields: a checkbox that says "on" or "off" in words, toggled with space."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.style import Style
from textual.widgets import Checkbox

from trunkwizard.tui.widgets.editor_base import FieldEditor

__all__ = ["OnOff", "ToggleEditor"]


class OnOff(Checkbox, inherit_bindings=False):
    """The mark is drawn only when on (not by colour alone); Enter is left to the form (go on)."""

    BINDINGS = [Binding("space", "toggle_button", "Toggle", show=False)]

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

    def watch_value(self) -> None:
        super().watch_value()
        self.unset = False
        self.label = "on" if self.value else "off"


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
        if self.initial is None:
            box.unset = True
            box.label = _UNSET
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
        event.stop()
        self.changed()
