"""A yes/no question before something that cannot be undone (deleting a profile or a created resource).
y answers yes; n or Esc answers no, and no is where the focus starts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from trunkwizard.tui.widgets.compact_button import CompactButton

__all__ = ["ConfirmScreen"]


class ConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    #confirm-box {
        width: 64;
        max-width: 95%;
        height: auto;
        border: round $error;
        padding: 0 1;
        background: $surface;
    }
    #confirm-title { text-style: bold; }
    #confirm-buttons { height: 1; margin-top: 1; align-horizontal: right; }
    #confirm-buttons CompactButton { margin-left: 2; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no"),
    ]

    def __init__(self, title: str, text: str, *, yes: str = "Delete") -> None:
        super().__init__()
        self.question = title
        self.text = text
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-title", markup=False)
            yield Static(self.text, id="confirm-text", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield CompactButton("Keep it (n)", id="no")
                yield CompactButton(f"{self.yes} (y)", id="yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#no").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
