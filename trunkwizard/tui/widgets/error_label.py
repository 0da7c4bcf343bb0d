"""The message under a field that says what to type. Hidden while there is none."""

from __future__ import annotations

from textual.widgets import Static

__all__ = ["ErrorLabel"]


class ErrorLabel(Static):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.message: str | None = None
        self.display = False

    def show(self, message: str | None) -> None:
        if message == self.message:
            return
        self.message = message
        self.update(f"✗ {message}" if message else "")
        self.display = bool(message)
