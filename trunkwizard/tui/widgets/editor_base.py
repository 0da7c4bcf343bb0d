"""What every field editor offers the form: its field, its value, a Changed message, focus."""

from __future__ import annotations

from collections.abc import Callable
from itertools import takewhile
from typing import Any

from textual.message import Message
from textual.widget import Widget

from trunkwizard.fields import FormField

__all__ = ["FieldEditor"]


class FieldEditor(Widget):
    """Base of the per-Kind editors. A container: the focusable parts are its children."""

    class Changed(Message):
        """The technician changed the value (not sent for values the form sets itself)."""

        def __init__(self, editor: FieldEditor) -> None:
            super().__init__()
            self.editor = editor

    def __init__(self, field: FormField, value: Any, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="field-editor")
        self.field = field
        self.initial = value
        # The form's handler, called at once: a message would reach the form a queue or two later,
        # often a frame later, so a toggle drew its mark, then the rows it shows (issue 16).
        self.on_change: Callable[[FieldEditor], None] | None = None

    def get_value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus_editor(self) -> None:
        """Focus the first part of the editor a key can reach: shown, not only focusable (a look-up
        whose list failed hides its picker and shows its typed input; Textual counts a hidden widget
        as focusable)."""
        for widget in self.query("*"):
            if widget.focusable and all(
                node.display for node in takewhile(lambda node: node is not self, widget.ancestors_with_self)
            ):
                widget.focus()
                return

    def changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self)
        else:
            self.post_message(self.Changed(self))
