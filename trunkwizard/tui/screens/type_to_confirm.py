"""Before a delete that cannot be undone: what goes, what that does in plain words, and the number or
name to type (lazygit-style). Cancel has the focus at first; Delete works only once the text matches.
Dismissed with True only when the typed text matches."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from trunkwizard.tui.widgets.compact_button import CompactButton
from trunkwizard.tui.widgets.wizard_input import WizardInput

if TYPE_CHECKING:
    from trunkwizard.inventory import DeleteConfirmation

__all__ = ["TypeToConfirmScreen"]


class TypeToConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    TypeToConfirmScreen { align: center middle; }
    #ttc-box {
        width: 70;
        max-width: 95%;
        height: auto;
        border: round $error;
        padding: 0 1;
        background: $surface;
    }
    #ttc-title { text-style: bold; }
    #ttc-consequence { margin-top: 1; }
    #ttc-prompt { margin-top: 1; color: $text-muted; }
    #ttc-input { margin-top: 0; }
    /* a hint, not typed text: in 16 colours and under NO_COLOR the dim shade is lost, so the hint is
       italic and says it is one ("type … here") */
    #ttc-input > .input--placeholder { color: $text-muted; text-style: italic; }
    #ttc-buttons { height: 1; margin-top: 1; align-horizontal: right; }
    #ttc-buttons CompactButton { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ttc-cancel")]

    def __init__(self, confirmation: DeleteConfirmation) -> None:
        super().__init__()
        self.confirmation = confirmation

    def compose(self) -> ComposeResult:
        with Vertical(id="ttc-box"):
            yield Static(f"Delete {self.confirmation.what}?", id="ttc-title", markup=False)
            yield Static(self.confirmation.consequence, id="ttc-consequence", markup=False)
            yield Static(f"{self.confirmation.prompt} (Tab to the box):", id="ttc-prompt", markup=False)
            yield WizardInput(
                placeholder=f"type {self.confirmation.expected} here", id="ttc-input", compact=True
            )
            with Horizontal(id="ttc-buttons"):
                yield CompactButton("Cancel", id="cancel")
                yield CompactButton("Delete", id="delete", variant="error", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Input.Changed, "#ttc-input")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#delete", Button).disabled = not self.confirmation.accepts(event.value)

    @on(Input.Submitted, "#ttc-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.confirmation.accepts(event.value):
            self.dismiss(True)
        else:
            self.notify(f"That is not the {self.confirmation.label}: nothing deleted yet.", timeout=4)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        typed = self.query_one("#ttc-input", Input).value
        self.dismiss(event.button.id == "delete" and self.confirmation.accepts(typed))

    def action_cancel(self) -> None:
        self.dismiss(False)
