"""Quitting with answers that would be lost asks first. y quits; n or Esc stays."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from trunkwizard.tui.stylesheets import DIALOGS
from trunkwizard.tui.widgets.compact_button import CompactButton

__all__ = ["QuitScreen"]


class QuitScreen(ModalScreen[bool]):
    CSS_PATH = DIALOGS
    BINDINGS = [
        Binding("y", "answer(True)", "Quit", id="quit-yes"),
        Binding("n,escape", "answer(False)", "Stay", id="quit-no"),
    ]

    def __init__(self, question: str = "The answers typed so far would be lost.") -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="quit-box"):
            yield Static("Quit trunkwizard?", id="quit-title")
            yield Static(self.question, id="quit-text", markup=False)
            with Horizontal(id="quit-buttons"):
                yield CompactButton("Stay (n)", id="stay")
                yield CompactButton("Quit (y)", id="quit", variant="error")

    def on_mount(self) -> None:
        self.query_one("#stay").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "quit")

    def action_answer(self, quit_now: bool) -> None:
        self.dismiss(quit_now)
