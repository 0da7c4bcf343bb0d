"""Keys typed ahead act on the field they were typed into.

Textual hands a key to the focused widget by its message queue, and resolves the widget's bindings
(arrows, Backspace, space) only when the key bubbles back up to the app, against whatever has focus
then. Tab moves focus at once, on the app's queue (WizardApp.action_move_focus: the text typed after a
Tab belongs to the next field). So in a burst such as `→<Tab>` or `comm⌫<Tab>`, typed ahead or pasted
over SSH, the arrow or the Backspace reached the app after the Tab and acted on the next field: the
choice was never picked, the letter never deleted. A widget with this mixin runs its own binding for
such a key when it handles the key, in its own queue, in turn with the keys around it: whether focus
has left it meanwhile or not, since a key that still had focus here could be overtaken by a Tab on its
way up (`→→<Tab>` picked the second choice only once, on a loaded CI machine).

An open Select's list has it too (PickListOverlay); not a closed Select (PickList): its keys open its
list, which takes focus: run late, they would pull focus back from the next field."""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from textual import events
from textual.widget import Widget

__all__ = ["KeysWhereTyped", "run_own_binding"]


async def run_own_binding(widget: Widget, event: events.Key, actions: Collection[str] | None = None) -> None:
    """Run the widget's own (non-priority) binding for the key now, one of `actions` if given, and stop
    the key there: Textual would run it once the key had bubbled up to the app."""
    bindings = widget._bindings
    if keymap := widget.app._keymap:  # a key the user rebound, as the app's binding chain would see it
        bindings = bindings.copy()
        bindings.apply_keymap(keymap)
    for binding in bindings.key_to_bindings.get(event.key, ()):
        if binding.priority or (actions is not None and binding.action.partition("(")[0] not in actions):
            continue
        if await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return


class KeysWhereTyped:
    """A mixin for a Widget, after it among the bases (`class WizardInput(Input, KeysWhereTyped)`): Textual
    takes a widget's CSS and component classes from its first base only."""

    # the own actions run here while the widget has focus (None: all of them); once focus has left it,
    # all of them run here. An Input keeps Enter out: its Submitted must follow a Down bubbling ahead of it.
    ACTIONS_RUN_HERE: ClassVar[Collection[str] | None] = None

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls each class's own _on_key in turn, along the MRO (no super() here); the widget's
        # own (a printable key typed into an Input) came first and prevented the rest if it acted.
        widget = self if isinstance(self, Widget) else None
        if widget is None:
            return
        focused = widget.app.focused
        if focused is widget:
            await run_own_binding(widget, event, self.ACTIONS_RUN_HERE)
        elif focused is None or widget not in focused.ancestors:
            await run_own_binding(widget, event)
        # else the key bubbles up from a focused descendant: the app resolves it, the descendant's first
