"""F1: help for the focused field (what, limits, when it applies, wire name) or for the step's keys."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from trunkwizard.fields import FormField
from trunkwizard.tui.stylesheets import DIALOGS
from trunkwizard.tui.widgets.field_help import help_lines
from trunkwizard.tui.widgets.field_row import FieldRow

__all__ = ["HelpScreen"]

_GENERAL = (
    ("Tab / Shift+Tab", "next / previous field"),
    ("Enter", "next field; on a button, press it"),
    ("ctrl+n", "next step (checks the form)"),
    ("Esc", "back one step; answers are kept"),
    ("F1", "this help, for the focused field"),
    ("ctrl+t", "show or hide secrets"),
    ("ctrl+p", "command palette: go to a step, copy curl, …"),
    ("ctrl+q", "quit (asks first if answers would be lost)"),
    ("space", "toggle a switch or a choice in a list"),
    ("← →", "pick a choice; [ ] reorder an ordered choice"),
    ("a / e / d", "rows: add, edit, delete a row"),
)


def _keys_table(screen: Screen[Any]) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for key, what in _GENERAL:
        table.add_row(key, what)
    shown = {key for key, _ in _GENERAL}
    for binding in screen.BINDINGS:
        key = str(getattr(binding, "key", ""))
        description = str(getattr(binding, "description", ""))
        if key and description and key not in shown:
            table.add_row(key, description)
    return table


_KEY_NAMES = {
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "backspace": "⌫",
    "space": "space",
    "enter": "Enter",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}


def widget_keys(widget: Widget) -> list[tuple[str, str]]:
    """(key, what it does) for the keys our own field widgets answer to (a toggle, a choice grid, a row
    list), as their bindings describe them; a text box's editing keys are Textual's, not listed."""
    found: dict[str, tuple[str, str]] = {}
    for cls in type(widget).__mro__:
        if not cls.__module__.startswith("trunkwizard."):
            continue
        for binding in cls.__dict__.get("BINDINGS", []):  # its own, not inherited from Textual
            if not isinstance(binding, Binding) or not binding.description or binding.action in found:
                continue
            if widget.check_action(binding.action.split("(")[0], ()) is False:
                continue
            key = binding.key.split(",")[0]
            found[binding.action] = (binding.key_display or _KEY_NAMES.get(key, key), binding.description)
    return list(found.values())


def _enter_does(control: Widget | None) -> str:
    """What Enter does on the focused control of a field: the next field (a text box, a toggle, a choice
    grid: the form's Enter), or the control's own (a choice list opens, a row list edits its row)."""
    if control is None or isinstance(control, Input):
        return "Enter next field · "
    if any(isinstance(node, Select) for node in control.ancestors_with_self):
        return "Enter opens the list · "
    own = [b for b in control._bindings.key_to_bindings.get("enter", ()) if b.description]
    return f"Enter {own[0].description.lower()} · " if own else "Enter next field · "


class HelpScreen(ModalScreen[None]):
    CSS_PATH = DIALOGS
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="close-help")]

    def __init__(self, title: str, body: Table | Text) -> None:
        super().__init__()
        self.help_title = title
        self.body = body

    @classmethod
    def for_focus(cls, screen: Screen[Any]) -> HelpScreen:
        focused = screen.focused
        row = (
            next((a for a in focused.ancestors_with_self if isinstance(a, FieldRow)), None)
            if focused
            else None
        )
        if row is not None:
            keys = widget_keys(focused) if focused is not None else []
            return cls.for_field(row.field, keys, enter=focused)
        return cls("Keys", _keys_table(screen))

    @classmethod
    def for_field(
        cls, field: FormField, keys: list[tuple[str, str]] | None = None, *, enter: Widget | None = None
    ) -> HelpScreen:
        """The field's help and keys; what Enter does there, as `enter` (the focused control) answers it:
        it said "Enter next field" on a choice list, where Enter opens the list."""
        table = Table(box=None, show_header=False, pad_edge=False, expand=True)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold", ratio=1)
        for title, text in help_lines(field):
            table.add_row(title, text)
        if keys:
            table.add_row("Keys", "  ".join(f"{key} {what}" for key, what in keys))
        table.add_row("", f"Tab next field · {_enter_does(enter)}ctrl+n next step · Esc back")
        return cls(field.label, table)

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Text(self.help_title, style="bold"), id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(self.body, id="help-body")
            yield Static("Esc or F1 closes", id="help-hint")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
