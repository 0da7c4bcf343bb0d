"""One field on the form: its label, its editor, and the message under it (mounted with the first one)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.dom import NoScreen
from textual.message import Message
from textual.widgets import Label

from trunkwizard.fields import FormField
from trunkwizard.tui.widgets.editor_base import FieldEditor
from trunkwizard.tui.widgets.error_label import ErrorLabel

__all__ = ["FieldRow", "label_text"]


def label_text(field: FormField) -> str:
    text = field.label + (" *" if field.needed() else "")
    return text + (" (legacy)" if field.legacy else "")


class FieldRow(Vertical):
    class Left(Message):
        """Focus left this field: time to check it."""

        def __init__(self, row: FieldRow) -> None:
            super().__init__()
            self.row = row

    class Focused(Message):
        def __init__(self, row: FieldRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, field: FormField, editor: FieldEditor, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="field-row")
        self.field = field
        self.editor = editor

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-line"):
            yield Label(label_text(self.field), classes="field-label", markup=False)
            yield self.editor

    _line: ErrorLabel | None = None  # one widget fewer per row until there is something to say

    @property
    def error(self) -> str | None:
        return self._line.message if self._line is not None else None

    @property
    def warning(self) -> str | None:
        return self._line.warning if self._line is not None else None

    def _message_line(self, needed: bool) -> ErrorLabel | None:
        """The line under the field, mounted the first time it has something to say."""
        if self._line is None and needed:
            self._line = ErrorLabel(classes="field-error")
            if self.is_mounted:
                self.mount(self._line)
        return self._line

    def set_error(self, message: str | None) -> None:
        line = self._message_line(bool(message))
        if line is not None:
            line.show(message)
        self.set_class(bool(message), "-invalid")

    def set_warning(self, message: str | None) -> None:
        line = self._message_line(bool(message))
        if line is not None:
            line.show_warning(message)

    def on_mount(self) -> None:
        if self._line is not None and self._line.parent is None:
            self.mount(self._line)  # a message set before the row was on screen

    def on_descendant_focus(self) -> None:
        self.add_class("-focused")
        self.post_message(self.Focused(self))

    def on_descendant_blur(self) -> None:
        self.call_after_refresh(self._check_left)

    def _check_left(self) -> None:
        # This runs after a refresh: by then a row editor saved with ctrl+s may be gone, its rows with
        # it (no screen, no parent): a field that no longer exists has nothing to check.
        if not self.is_attached or not self.is_mounted:
            return
        try:
            screen = self.screen
        except NoScreen:
            return
        if self.app.screen is not screen:
            return  # a help panel or row editor opened on top: the field was not left
        focused = self.app.focused
        if focused is None or self not in focused.ancestors:
            self.remove_class("-focused")
            self.post_message(self.Left(self))
