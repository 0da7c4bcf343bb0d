"""A secret: masked Input, with a show/hide toggle (ctrl+t on the screen, or the button)."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr
from textual import events, on
from textual.app import ComposeResult
from textual.widgets import Button, Input

from trunkwizard.tui.widgets.compact_button import CompactButton
from trunkwizard.tui.widgets.editor_base import FieldEditor
from trunkwizard.tui.widgets.text_editor import placeholder_of
from trunkwizard.tui.widgets.wizard_input import WizardInput

__all__ = ["SecretEditor"]


class SecretInput(WizardInput):
    """A masked input that refuses a paste of several lines: Input keeps only the first line, silently,
    and with the text masked nobody would notice that the secret is not the one copied."""

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # Input's own paste handler would run after this one
        lines = [line for line in event.text.splitlines() if line.strip()]
        if len(lines) > 1:
            event.stop()
            self.notify(
                f"Not pasted: the clipboard holds {len(lines)} lines and a secret is one line. "
                "Copy just the key or password and paste again.",
                severity="warning",
                timeout=8,
            )
            return
        super()._on_paste(events.Paste(lines[0] if lines else ""))
        event.stop()


class RevealButton(CompactButton, can_focus=False):
    """For the mouse only: the keyboard uses ctrl+t, so Tab does not stop here."""


class SecretEditor(FieldEditor):
    """The value leaves this editor only as a `SecretStr`, whose repr is masked."""

    def compose(self) -> ComposeResult:
        initial = self.initial.get_secret_value() if isinstance(self.initial, SecretStr) else self.initial
        yield SecretInput(
            initial or "",
            placeholder=placeholder_of(self.field),
            password=True,
            compact=True,
            validate_on=(),
        )
        yield RevealButton("show", classes="reveal")

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
