"""The footer of every step: Textual's Footer, with its keys in the screen's first frame and recomposed
only when the keys it shows change.

Textual's Footer composes empty and fills itself after the first bindings update, a refresh later: the
first screen was drawn without its footer. And it recomposes on every bindings update, which comes with
every focus change: each Tab through a form rebuilt the footer's key widgets and drew one more frame,
though the keys shown were the same (issue 16: the whole first screen in the first frame, one refresh
per key)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

__all__ = ["StepFooter"]


def shown_keys(screen: Screen[Any]) -> tuple[tuple[str, str | None, str, bool, str], ...]:
    """What the footer would show: key, description, enabled and tooltip of each shown binding."""
    return tuple(
        (binding.key, binding.key_display, binding.description, enabled, tooltip)
        for (_, binding, enabled, tooltip) in screen.active_bindings.values()
        if binding.show
    )


class StepFooter(Footer):
    _shown: tuple[tuple[str, str | None, str, bool, str], ...] | None = None

    def __init__(self, *children: Widget, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(*children, id=id, classes=classes)
        # The screen's bindings are known when the footer composes: draw them with the rest of the screen.
        self.set_reactive(Footer._bindings_ready, True)

    def compose(self) -> ComposeResult:
        self._shown = shown_keys(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen[Any]) -> None:
        shown = shown_keys(screen)
        if self._bindings_ready and shown == self._shown:
            return
        super().bindings_changed(screen)
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # Footer recomposes in this case only
