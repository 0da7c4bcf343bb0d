"""Help for the focused field, drawn from the provider's docs: what it is, its limits, when it applies."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Button, Collapsible

from trunkwizard.fields import FormField
from trunkwizard.tui.widgets.field_row import FieldRow

__all__ = ["FieldHelp", "help_lines"]

_LINES = 2


def help_lines(field: FormField) -> list[tuple[str, str]]:
    """(title, text) pairs: the full help of a field, for the F1 panel."""
    lines = [("What", field.help or "No description in the provider's documentation.")]
    hint = field.constraint_hint()
    if hint:
        lines.append(("Limits", hint))
    if field.pattern:
        lines.append(("Format", f"must match {field.pattern}"))
    if field.choices:
        lines.append(("Choices", ", ".join(c.label for c in field.choices)))
    lines.append(("Required", "yes" if field.needed() else "no"))
    if field.shown_when is not None:
        lines.append(("Shown", field.shown_when.describe()))
    if field.default is not None and not isinstance(field.default, list | tuple | dict):
        lines.append(("Default", str(field.default)))
    lines.append(("Sent as", field.wire if field.sent else f"{field.wire} (checked here, never sent)"))
    return lines


def _what_it_does(control: Widget) -> tuple[str, str]:
    """The name of a control that is no field, and what it does: a button's tooltip; for a collapsed
    section's title, how many fields it holds."""
    if isinstance(control, Button):
        return str(control.label), str(control.tooltip or "")
    section = control.parent
    if isinstance(section, Collapsible):
        count = sum(1 for row in section.query(FieldRow) if row.display)
        if count == 1:
            return section.title, "a section of 1 more field. Enter shows or hides it."
        return section.title, f"a section of {count} more fields. Enter shows or hides them."
    return "", ""


class FieldHelp(Widget):
    """Two lines under the form: the focused field's help and limits; `… F1` when there is more."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.field: FormField | None = None
        self.control: tuple[str, str] | None = None  # (name, what it does) of a focused button

    def show_field(self, field: FormField | None) -> None:
        if field is not self.field or self.control is not None:
            self.field, self.control = field, None
            self.refresh()

    def show_control(self, control: Widget) -> None:
        """Focus is on a control that is no field: what it does (a button's tooltip, a collapsed
        section's title), not the last field's help."""
        shown = _what_it_does(control)
        if self.control != shown:
            self.field, self.control = None, shown
            self.refresh()

    def _full_text(self, field: FormField) -> Text:
        text = Text()
        text.append(field.label, style="bold")
        extras = [x for x in ("required" if field.needed() else "", field.constraint_hint()) if x]
        if extras:
            text.append(" (" + ", ".join(extras) + ")", style="bold")
        text.append(": " + (field.help or "no description"))
        return text

    def render(self) -> Text:
        if self.control is not None:
            name, does = self.control
            text = Text(name, style="bold")
            text.append(": " + does if does else "")
        elif self.field is not None:
            text = self._full_text(self.field)
        else:
            return Text("")
        width = max(self.content_size.width, 20)
        lines = text.wrap(Console(width=width), width)
        if len(lines) <= _LINES:
            return Text("\n").join(lines)
        shown = list(lines)[:_LINES]
        more = " … F1"
        last = shown[-1]
        last.truncate(width - len(more))
        last.append(more, style="bold")
        return Text("\n").join(shown)
