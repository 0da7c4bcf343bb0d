"""One field on the form: its label, its editor, and the message under it (mounted with the first one)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from trunkwizard.fields import FormField
from trunkwizard.tui.widgets.editor_base import FieldEditor
from trunkwizard.tui.widgets.error_label import ErrorLabel

__all__ = ["FieldRow", "label_text"]


def label_text(field: FormField) -> str:
    text = field.label + (" *" if field.needed() else "")
    return text + (" (legacy)" if field.legacy else "")


class FieldRow(Vertical):
    """Which row has focus is the form's to track (FormView): one handler moves the highlight and
    checks the field left, so one refresh draws both."""

    def __init__(self, field: FormField, editor: FieldEditor, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="field-row")
        self.field = field
        self.editor = editor
        self._label = Label(label_text(field), classes="field-label", markup=False)

    def compose(self) -> ComposeResult:
        # a grid of two columns (forms.tcss), not a Horizontal in a Vertical: one widget fewer per row
        yield self._label
        yield self.editor

    def highlight(self, on: bool) -> None:
        """The row being edited: its label stands out. Only the label is styled again (a class on the row
        restyles every widget in it, editor included: a third of a Tab's time on a large form)."""
        self.set_class(on, "-focused", update=False)
        self._label.set_class(on, "-focused")

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
            if self.is_mounted and self.is_attached and not (self._closing or self._pruning):
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
