"""The Input every editor uses: it follows the session's cursor-blink setting (off over SSH), and a
keystroke repaints the input only, not the layout of the whole form."""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Input

from trunkwizard.tui.widgets.typed_keys import KeysWhereTyped

__all__ = ["WizardInput"]


class WizardInput(Input, KeysWhereTyped):
    def on_mount(self) -> None:
        self.cursor_blink = bool(getattr(self.app, "cursor_blink", True))

    def _watch_value(self, value: str) -> None:
        # Input grows its virtual size with every character, and virtual_size is a layout reactive:
        # each key would re-lay out every widget on the screen (about 8 ms on a large form). The
        # input's own size does not change (fixed height, width from the form), so store the new
        # virtual size without asking for a layout; scrolling inside the input still reads it.
        if not self.styles.auto_dimensions:
            self.set_reactive(Widget.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)
