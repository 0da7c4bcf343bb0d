"""The Input every editor uses: it follows the session's cursor-blink setting (off over SSH), a
keystroke repaints the input only, not the layout of the whole form, and its editing keys act in turn
with the letters typed around them."""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Input

from trunkwizard.tui.widgets.typed_keys import KeysWhereTyped

__all__ = ["WizardInput"]

# Input's own bindings that edit its text or move its cursor (not submit, copy or paste)
_EDITING = frozenset(
    {
        "cursor_left",
        "cursor_left_word",
        "cursor_right",
        "cursor_right_word",
        "delete_left",
        "delete_left_all",
        "delete_left_word",
        "delete_right",
        "delete_right_all",
        "delete_right_word",
        "end",
        "home",
    }
)


class WizardInput(Input, KeysWhereTyped):
    # Backspace, the arrows, Home/End and ctrl+u/w/k run in the input's queue with the letters: Textual
    # resolves them only once the key has bubbled up to the app, and the input handles the keys typed
    # after it meanwhile: `abc⌫d` in one burst (typed fast, or arriving at once over SSH) left "abc", and
    # ctrl+u then a new value deleted the new value. Only these while it has focus: a key another widget
    # binds (Down in a filter moves its list's highlight) still bubbles, and Enter with it, in order.
    ACTIONS_RUN_HERE = _EDITING

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
