"""Where secrets go this session, shown where accounts are entered.

A persistent keyring is one short line. Without one (the normal case over plain SSH) it is the
keyring's one clear sentence, which says secrets stay in memory for this session only, and the hint
saying what would make a keyring available. Hidden when the app keeps no profiles (no keyring in use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from trunkwizard.secrets import KeyringStatus

__all__ = ["KeyringNotice", "keyring_text"]


def keyring_text(status: KeyringStatus | None) -> Text:
    if status is None:
        return Text("Secrets: looking for a keyring…", style="italic")
    if status.persistent:
        # what the keyring holds: a secret typed into the form stays in memory unless saved as a profile
        return Text(f"Saved profiles keep their secrets in the {status.backend} (keyring).")
    text = Text()
    text.append("⚠ ", style="bold")
    text.append(status.message)
    if status.hint:
        text.append("\n")
        text.append(status.hint, style="italic")
    return text


class KeyringNotice(Static):
    DEFAULT_CSS = """
    KeyringNotice {
        height: auto;
        max-height: 6;
        padding: 0 1;
        color: $text-muted;
    }
    KeyringNotice.-session-only {
        color: $text-warning;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)

    def on_mount(self) -> None:
        signal = getattr(self.app, "keyring_signal", None)
        if signal is None:
            self.display = False
            return
        signal.subscribe(self, self.show_status)
        self.show_status(getattr(self.app, "keyring_status", None))

    def show_status(self, status: Any) -> None:
        self.update(keyring_text(status))
        self.set_class(status is not None and not status.persistent, "-session-only")
