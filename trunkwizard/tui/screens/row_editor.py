"""One row of a repeatable field, edited in a modal form (rows inside rows open another one)."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from trunkwizard.errors import Problem
from trunkwizard.fields import Choice, FormField, Kind, check_row, problem_text, required_problems
from trunkwizard.tui.stylesheets import FORMS
from trunkwizard.tui.widgets.compact_button import CompactButton
from trunkwizard.tui.widgets.field_help import FieldHelp
from trunkwizard.tui.widgets.form_view import FormView
from trunkwizard.tui.widgets.step_footer import StepFooter

__all__ = ["RowEditorScreen", "value_field"]


def value_field(field: FormField) -> FormField:
    """The one field of a plain list's row (allowed IPs): text, or the list's choices."""
    from dataclasses import replace

    choices: tuple[Choice, ...] = field.choices
    return replace(
        field,
        name="value",
        wire="value",
        label="Value",
        kind=Kind.CHOICE if choices else Kind.TEXT,
        required=True,
        required_when_shown=False,
        default=None,
        shown_when=None,
        rows=(),
        join=None,
        section="",
    )


_CANCEL_TIP = "closes this row unchanged (a new row is not added). Enter presses it."
_SAVE_TIP = "checks the row as Next checks the form, then puts it in the list. Enter presses it."


class RowEditorScreen(ModalScreen[Any]):
    CSS_PATH = FORMS
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="row-cancel"),
        Binding("ctrl+s", "save", "Save row", id="row-save"),
        Binding("f1", "help", "Help", id="row-help"),
    ]

    def __init__(self, field: FormField, row: Any, index: int | None, problems: list[Problem]) -> None:
        super().__init__()
        self.field = field
        self.index = index
        self.plain = not field.rows
        self.fields = (value_field(field),) if self.plain else field.rows
        self.values: dict[str, Any] = {"value": row} if self.plain else dict(row or {})
        self.problems = problems
        # a refused save's banner: shown until no field is marked any more (the main form's recount);
        # with what its problems said that names no field of the row
        self._refused = False
        self._unplaced = ""

    def compose(self) -> ComposeResult:
        number = "new row" if self.index is None else f"row {self.index + 1}"
        with Vertical(id="row-box"):
            yield Static(f"{self.field.label}: {number}", id="row-title", markup=False)
            yield Static("", id="row-banner", markup=False)
            yield FormView(self.fields, self.values, id="row-form")
            yield FieldHelp(id="row-help")
            with Horizontal(id="row-buttons"):
                yield CompactButton("Cancel (Esc)", id="row-cancel", tooltip=_CANCEL_TIP)
                save = "Save row (ctrl+s)"  # -goes-on: where Enter on the last field goes (FormView)
                yield CompactButton(
                    save, id="row-save", variant="primary", tooltip=_SAVE_TIP, classes="-goes-on"
                )
        yield StepFooter()  # ctrl+s, esc and the focused field's keys, in sight as on the steps

    @property
    def form(self) -> FormView:
        return self.query_one("#row-form", FormView)

    def on_mount(self) -> None:
        if self.problems:
            self.form.show_problems(self.problems)
        self.form.focus_first()

    def on_form_view_field_focused(self, event: FormView.FieldFocused) -> None:
        self.query_one("#row-help", FieldHelp).show_field(event.field)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, Button):  # what it does, not the last field's help
            self.query_one("#row-help", FieldHelp).show_control(event.widget)

    def on_form_view_edited(self, event: FormView.Edited) -> None:
        if self._refused:
            self._show_banner()  # a field acted on loses its ✗: the banner goes with the last one

    def _show_banner(self) -> None:
        if self.form.first_problem() is not None:  # a shown field still marked
            text = "✗ fix the fields marked ✗" + (f": {self._unplaced}" if self._unplaced else "")
        else:
            text = f"✗ {self._unplaced}" if self._unplaced else ""
        self._refused = bool(text)
        self.query_one("#row-banner", Static).update(text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "row-save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        answers = self.form.answers()
        warnings: list[Problem] = []
        if self.plain:
            missing = required_problems(self.fields, answers)
        else:
            missing, warnings = check_row(self.field, answers)  # the core's rules, as on Next
        if missing:
            unplaced = self.form.show_problems(missing)
            self.form.show_warnings(warnings)
            self._unplaced = "; ".join(problem_text(self.fields, p) for p in unplaced)
            self._show_banner()
            first = next((p.field for p in missing if p.field), None)
            if first:
                self.form.focus_field(first.split(".")[0])
            return
        self.dismiss(answers["value"] if self.plain else self.form.values())

    def action_help(self) -> None:
        from trunkwizard.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen.for_focus(self))
