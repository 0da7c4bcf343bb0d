"""Text, whole numbers and decimals: one Input. Blank means no answer."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input

from trunkwizard.fields import FormField, Kind
from trunkwizard.tui.widgets.editor_base import FieldEditor
from trunkwizard.tui.widgets.wizard_input import WizardInput

__all__ = ["TextEditor", "placeholder_of"]


def placeholder_of(field: FormField) -> str:
    """The grey hint in an empty field: an example reads as one ("e.g. 5060"), never as a value. A
    secret's hint is never an example (an edit's "unchanged": empty keeps the provider's)."""
    if field.placeholder and field.kind is Kind.SECRET:
        return field.placeholder
    if field.placeholder:
        return f"e.g. {field.placeholder}"
    if field.described:
        return field.described
    if field.kind is Kind.INTEGER:
        return field.constraint_hint() or "a whole number"
    if field.kind is Kind.NUMBER:
        return field.constraint_hint() or "a number"
    return field.constraint_hint()


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


class TextEditor(FieldEditor):
    """An Input; integer and number fields accept only digits and give typed values."""

    def compose(self) -> ComposeResult:
        kind = self.field.kind
        yield WizardInput(
            _as_text(self.initial),
            placeholder=placeholder_of(self.field),
            type="integer" if kind is Kind.INTEGER else "number" if kind is Kind.NUMBER else "text",
            compact=True,
            validate_on=(),
        )

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def get_value(self) -> Any:
        text = self.input.value.strip()
        if not text:
            return None
        if self.field.kind is Kind.INTEGER:
            try:
                return int(text)
            except ValueError:
                return text  # the model says what is wrong with it
        if self.field.kind is Kind.NUMBER:
            try:
                return float(text)
            except ValueError:
                return text
        return self.input.value

    def set_value(self, value: Any) -> None:
        with self.input.prevent(Input.Changed):
            self.input.value = _as_text(value)

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.changed()
