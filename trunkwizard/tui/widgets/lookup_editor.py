"""A choice whose options come from the provider account (`choices_from`), loaded by a worker.

The editor asks for its options with a `Wanted` message; the screen runs the look-up in a worker and
calls `loaded`, `failed`, or `waiting` (the field the list is of, `choices_of`, is still empty). In both of
the last two the technician can still type the value, and a line under it says why there is no list
(wrapped: in the input's placeholder a provider's message was cut at the edge). A refusal reads as a
warning; a wait is an ordinary step of filling the form and reads muted, without a warning sign.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Select, Static

from trunkwizard.fields import Choice, FormField
from trunkwizard.tui.widgets.editor_base import FieldEditor
from trunkwizard.tui.widgets.pick_list import PickList
from trunkwizard.tui.widgets.wizard_input import WizardInput

__all__ = ["TYPE_INSTEAD", "LookupEditor"]

# the last option of every loaded list: what the account lists is offered, typed text stays allowed
TYPE_INSTEAD = "\x00type-instead"


class LookupEditor(FieldEditor):
    class Wanted(Message):
        """Load the options of `editor` (look-up `editor.field.choices_from`)."""

        def __init__(self, editor: LookupEditor) -> None:
            super().__init__()
            self.editor = editor

    def __init__(self, field: FormField, value: Any, *, id: str | None = None) -> None:
        super().__init__(field, value, id=id)
        self._wanted = value
        self._values: list[Any] | None = None  # None until the look-up answered
        self._note: Static | None = None  # why there is no list: mounted the first time it is needed

    def compose(self) -> ComposeResult:
        yield PickList([], prompt="loading…", allow_blank=True, compact=True)
        fallback = WizardInput(
            str(self.initial or ""), placeholder="type the id", compact=True, validate_on=(), id="typed"
        )
        fallback.display = False
        yield fallback

    def on_mount(self) -> None:
        self._want()

    def reload(self) -> None:
        """Ask for the options again (the field they are listed of changed); what was picked is kept."""
        self._wanted = self.get_value()
        self._values = None
        select = self.query_one(Select)
        with select.prevent(Select.Changed):
            select.set_options([])
        select.prompt = "loading…"
        self._say(None)
        # posted from the editor's own queue: a message made in the form's handler would count the form
        # as its sender and stop bubbling there, short of the screen that runs the look-up
        self.call_later(self._want)

    def _want(self) -> None:
        self.post_message(self.Wanted(self))

    @property
    def typing(self) -> bool:
        return self.query_one(Input).display

    def loaded(self, choices: Sequence[Choice]) -> None:
        select = self.query_one(Select)
        wanted = self._wanted
        values = [c.value for c in choices]
        self._values = values
        with select.prevent(Select.Changed):
            select.set_options([(c.label, c.value) for c in choices] + [("type another…", TYPE_INSTEAD)])
            if wanted in values:
                select.value = wanted
            elif len(values) == 1 and self.field.needed():
                select.value = values[0]
        select.prompt = "choose…" if choices else "none found: nothing to pick"
        self._say(None)
        if wanted not in (None, "") and wanted not in values:
            self._type_instead(focus=False)  # a value the list does not have stays as it was typed
            return
        self.query_one(Input).display = False
        select.display = True

    def _type_instead(self, *, focus: bool) -> None:
        self.query_one(Select).display = False
        typed = self.query_one(Input)
        typed.display = True
        typed.placeholder = "type it"
        if focus:
            typed.focus()

    def failed(self, message: str) -> None:
        """Could not list the options: let the value be typed, and say why, as a warning."""
        self._typed_without_list()
        self._say(f"⚠ no list to pick from: {message}", failure=True)

    def waiting(self, message: str) -> None:
        """The options are listed from a field still empty (`message`: which one to fill first). Nothing
        failed: the value can be typed meanwhile, and the note reads muted, without a warning sign."""
        self._typed_without_list()
        self._say(message, failure=False)

    def _typed_without_list(self) -> None:
        self.query_one(Select).display = False
        typed = self.query_one(Input)
        typed.display = True
        typed.placeholder = "type the id"

    def _say(self, text: str | None, *, failure: bool = False) -> None:
        if self._note is None:
            if text is None:
                return
            if not self.is_attached:
                return  # the row was hidden while its look-up ran
            self._note = Static(text, classes="lookup-note", markup=False)
            self.mount(self._note)
        else:
            self._note.update(text or "")
        self._note.set_class(failure, "-failure")
        self._note.display = text is not None

    def get_value(self) -> Any:
        if self.typing:
            return self.query_one(Input).value.strip() or None
        if self._values is None:
            return self._wanted
        value = self.query_one(Select).value
        return None if value is Select.NULL or value == TYPE_INSTEAD else value

    def set_value(self, value: Any) -> None:
        self._wanted = value
        typed = self.query_one(Input)
        with typed.prevent(Input.Changed):
            typed.value = str(value or "")
        if self._values is not None and value in self._values:
            select = self.query_one(Select)
            with select.prevent(Select.Changed):
                select.value = value

    @on(Select.Changed)
    @on(Input.Changed)
    def _picked(self, event: Select.Changed | Input.Changed) -> None:
        event.stop()
        if isinstance(event, Select.Changed) and event.value == TYPE_INSTEAD:
            self._type_instead(focus=True)
        self.changed()
