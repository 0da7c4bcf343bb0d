"""The message under a field that says what to type, or else what the provider may refuse (a warning of
an inferred rule: it never blocks). Hidden while there is neither."""

from __future__ import annotations

from textual.widgets import Static

__all__ = ["ErrorLabel"]


class ErrorLabel(Static):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.message: str | None = None
        self.warning: str | None = None
        self.display = False

    def show(self, message: str | None) -> None:
        if message == self.message:
            return
        self.message = message
        self._render_line()

    def show_warning(self, warning: str | None) -> None:
        if warning == self.warning:
            return
        self.warning = warning
        self._render_line()

    def _render_line(self) -> None:
        # a problem outranks a warning; the ⚠ marks a warning without colour (NO_COLOR, 16 colours)
        if self.message:
            self.update(f"✗ {self.message}")
        elif self.warning:
            self.update(f"⚠ {self.warning}")
        else:
            self.update("")
        self.set_class(not self.message and bool(self.warning), "-warning")
        self.display = bool(self.message or self.warning)
