"""Keys typed ahead act on the field they were typed into, in the order they were typed.

Textual hands a key to the focused widget by its message queue, and resolves the widget's bindings
(arrows, Backspace, ctrl+u, space) only when the key bubbles back up to the app. The keys typed after it
meanwhile reach the widget's queue and are handled first: in a burst such as `abc⌫d` or `ctrl+u` and a
new value, typed fast or delivered at once over SSH, the `d` went in before the Backspace ran, which
then deleted it ("abc" was left), and ctrl+u deleted the new value it was meant to make room for. And
Tab moves focus at once, on the app's queue (WizardApp.action_move_focus), so in `→<Tab>` or
`comm⌫<Tab>` the arrow or the Backspace acted on the next field. A widget with this mixin runs its own
binding for such a key when it handles the key, in turn with the keys around it, whether it still has
focus or not: the binding Textual would have run first, since the focused widget heads the chain of
bindings it looks through. Not a Select (PickList): its keys open its list, which takes focus: run late,
they would pull focus back from the next field.

A key that bubbled up from a focused child (an overlay) is left to the app, which looks through the
child's bindings first."""

from __future__ import annotations

from textual import events
from textual.widget import Widget

__all__ = ["KeysWhereTyped"]


class KeysWhereTyped:
    """A mixin for a Widget, after it among the bases (`class WizardInput(Input, KeysWhereTyped)`): Textual
    takes a widget's CSS and component classes from its first base only."""

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls each class's own _on_key in turn, along the MRO (no super() here); the widget's
        # own (a printable key typed into an Input) came first and prevented the rest if it acted.
        widget = self if isinstance(self, Widget) else None
        if widget is None:
            return
        focused = widget.app.focused
        if focused is not None and focused is not widget and widget in focused.ancestors:
            return  # bubbling up from its own overlay: the app resolves it, the overlay's bindings first
        for binding in widget._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await widget.app.run_action(binding.action, widget):
                event.stop()
                event.prevent_default()
                return
