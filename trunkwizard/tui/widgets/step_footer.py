"""The footer of every step: Textual's Footer, recomposed only when the keys it shows change.

Textual's Footer recomposes on every bindings update, which comes with every focus change: each Tab
through a form rebuilt the footer's key widgets and drew one more frame, though the keys shown were
the same (issue 16: one refresh per key)."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
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

    def bindings_changed(self, screen: Screen[Any]) -> None:
        shown = shown_keys(screen)
        if self._bindings_ready and shown == self._shown:
            return
        super().bindings_changed(screen)
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # Footer recomposes in this case only
