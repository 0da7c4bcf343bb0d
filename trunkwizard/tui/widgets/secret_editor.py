"""A secret: masked Input, with a show/hide toggle (ctrl+t on the screen, or the button)."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr
from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, Input

from trunkwizard.tui.widgets.editor_base import FieldEditor
from trunkwizard.tui.widgets.text_editor import placeholder_of
from trunkwizard.tui.widgets.wizard_input import WizardInput

__all__ = ["SecretEditor"]


class RevealButton(Button, can_focus=False):
    """For the mouse only: the keyboard uses ctrl+t, so Tab does not stop here."""


class SecretEditor(FieldEditor):
    """The value leaves this editor only as a `SecretStr`, whose repr is masked."""

    def compose(self) -> ComposeResult:
        initial = self.initial.get_secret_value() if isinstance(self.initial, SecretStr) else self.initial
        yield WizardInput(
            initial or "",
            placeholder=placeholder_of(self.field),
            password=True,
            compact=True,
            validate_on=(),
        )
        yield RevealButton("show", compact=True, classes="reveal")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def revealed(self) -> bool:
        return not self.input.password

    def reveal(self, show: bool) -> None:
        self.input.password = not show
        self.query_one(RevealButton).label = "hide" if show else "show"

    def get_value(self) -> Any:
        return SecretStr(self.input.value) if self.input.value else None

    @property
    def typed(self) -> bool:
        """A value typed here (not the one it was opened with): lost on quitting, never saved."""
        initial = self.initial.get_secret_value() if isinstance(self.initial, SecretStr) else self.initial
        return bool(self.input.value) and self.input.value != (initial or "")

    def set_value(self, value: Any) -> None:
        text = value.get_secret_value() if isinstance(value, SecretStr) else (value or "")
        with self.input.prevent(Input.Changed):
            self.input.value = text

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.changed()

    @on(Button.Pressed, ".reveal")
    def _toggle(self, event: Button.Pressed) -> None:
        event.stop()
        self.reveal(not self.revealed)
