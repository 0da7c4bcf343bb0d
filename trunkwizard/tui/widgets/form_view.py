"""The form renderer: one FieldRow per field of a model, an editor chosen by the field's Kind.

Fields show and hide as their conditions change (display toggles, never a recompose, so typed values
and focus survive). Hidden fields keep their value in the editor; only shown ones are answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.dom import NoScreen
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.scrollbar import ScrollBar
from textual.widget import Widget
from textual.widgets import Collapsible, Input, Select, Static

from trunkwizard.errors import Problem, first_field
from trunkwizard.fields import FormField, Kind, applicable_answers, controllers, describe_problem
from trunkwizard.tui.widgets.choice_editor import ChoiceEditor
from trunkwizard.tui.widgets.editor_base import FieldEditor
from trunkwizard.tui.widgets.field_row import FieldRow
from trunkwizard.tui.widgets.lookup_editor import LookupEditor
from trunkwizard.tui.widgets.rows_editor import RowsEditor
from trunkwizard.tui.widgets.secret_editor import SecretEditor
from trunkwizard.tui.widgets.settled_size import settled_virtual_size
from trunkwizard.tui.widgets.text_editor import TextEditor
from trunkwizard.tui.widgets.toggle_editor import ToggleEditor

__all__ = ["FormView", "editor_for", "row_id", "scroll_into_sight"]

# Sections a technician rarely needs: folded until opened (or until a message lands in them).
_COLLAPSED = ("advanced", "legacy")


def fields_to_fix(count: int) -> str:
    """The banner over a form with `count` messages under its fields, in the right number."""
    if count == 1:
        return "1 field to fix: see the message under it"
    return f"{count} fields to fix: see the messages under them"


def row_id(wire: str) -> str:
    return "field-" + re.sub(r"[^A-Za-z0-9_-]", "_", wire)


def editor_for(field: FormField, value: Any) -> FieldEditor:
    """The editor for a field's Kind."""
    kind = field.kind
    if kind is Kind.SECRET:
        return SecretEditor(field, value)
    if kind is Kind.TOGGLE:
        return ToggleEditor(field, value)
    if field.choices_from:
        return LookupEditor(field, value)
    if kind in (Kind.CHOICE, Kind.MULTI_CHOICE, Kind.ORDERED_CHOICE) and field.choices:
        return ChoiceEditor(field, value)
    if kind in (Kind.ROWS, Kind.MULTI_CHOICE, Kind.ORDERED_CHOICE):
        return RowsEditor(field, value)  # rows, or a free list of values
    return TextEditor(field, value)


class FormSection(Vertical):
    """A titled group of rows; it grows and shrinks with the rows a toggle shows, in the same frame."""

    virtual_size: Reactive[Size] = settled_virtual_size()


class FormScrollBar(ScrollBar):
    """The form's scrollbar: its height follows the form's (a Tab that takes the footer a row more or
    less), and Textual draws it from the form's sizes, not from its own virtual size."""

    virtual_size: Reactive[Size] = settled_virtual_size()


class FormView(VerticalScroll, can_focus=False):
    """A form over `fields`, filled from `values` (wire -> value) or the fields' defaults."""

    BINDINGS = [Binding("enter", "next_field", "Next field", show=False)]
    enter_moves_to_next_field = True  # from a text field, on the app's queue (WizardApp.action_next_field)

    virtual_size: Reactive[Size] = settled_virtual_size()

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's `Widget.vertical_scrollbar`, made a FormScrollBar: a second layout after each footer
        resize only drew the same form again."""
        if self._vertical_scrollbar is None:
            self._vertical_scrollbar = bar = FormScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    class Edited(Message):
        def __init__(self, form: FormView, field: FormField) -> None:
            super().__init__()
            self.form = form
            self.field = field

    class FieldLeft(Message):
        def __init__(self, form: FormView, field: FormField) -> None:
            super().__init__()
            self.form = form
            self.field = field

    class FieldFocused(Message):
        def __init__(self, form: FormView, field: FormField) -> None:
            super().__init__()
            self.form = form
            self.field = field

    def __init__(self, fields: Iterable[FormField], values: Mapping[str, Any], *, id: str | None = None):
        super().__init__(id=id, classes="form-view")
        self.fields = tuple(fields)
        self._initial = dict(values)
        self._controllers = controllers(self.fields)
        self._siblings = {f.wire: f for f in self.fields}
        self.rows: dict[str, FieldRow] = {}
        self._focused_row: FieldRow | None = None

    def _row(self, field: FormField) -> FieldRow:
        value = self._initial.get(field.wire, field.default)
        editor = editor_for(field, value)
        editor.on_change = self._editor_changed
        row = FieldRow(field, editor, id=row_id(field.wire))
        self.rows[field.wire] = row
        return row

    def compose(self) -> ComposeResult:
        groups: dict[str, list[FormField]] = {}
        for field in self.fields:
            if not field.fixed:
                section = field.section or ("legacy" if field.legacy else "")
                groups.setdefault(section, []).append(field)
        for section, fields in groups.items():
            if not section:
                for field in fields:
                    yield self._row(field)
            elif section.lower() in _COLLAPSED:
                with Collapsible(title=section.capitalize(), collapsed=True, classes="form-section"):
                    for field in fields:
                        yield self._row(field)
            else:
                with FormSection(classes="form-section"):
                    yield Static(section, classes="section-title", markup=False)
                    for field in fields:
                        yield self._row(field)

    def on_mount(self) -> None:
        self.refresh_visibility()

    # --- values -------------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """Every editor's value, hidden fields included (to restore them later)."""
        return {wire: row.editor.get_value() for wire, row in self.rows.items()}

    def answers(self) -> dict[str, Any]:
        """The answers that apply now (the core decides: shown fields with a value)."""
        return applicable_answers(self.fields, self.values())

    def take_as_start(self, values: Mapping[str, Any]) -> None:
        """Values filled in for the user (a saved profile) are the new starting point, not typing: a form
        holding only them loses nothing when left, so no draft keeps it and quitting need not ask."""
        self._initial.update(values)

    def is_modified(self) -> bool:
        for wire, row in self.rows.items():
            value = row.editor.get_value()
            start = self._initial.get(wire, row.field.default)
            if value != start and not (value in (None, [], False, "") and start in (None, [], False, "")):
                return True
        return False

    def shown(self, wire: str) -> bool:
        row = self.rows.get(wire)
        return row is not None and bool(row.display)

    # --- conditions ---------------------------------------------------------------------------------

    def refresh_visibility(self) -> None:
        values = self.values()
        for row in self.rows.values():
            row.display = row.field.shown(values, self._siblings)
        for section in self.query(".form-section"):
            section.display = any(r.display for r in section.query(FieldRow))

    # --- problems -----------------------------------------------------------------------------------

    def show_problems(self, problems: Iterable[Problem], only: set[str] | None = None) -> list[Problem]:
        """Put each problem under its field; return those that name no shown field (for a banner).

        With `only`, fields outside it keep their current message (checking one field on leaving it).
        """
        by_field: dict[str, list[Problem]] = {}
        unplaced: list[Problem] = []
        for problem in problems:
            wire = first_field(problem.field)
            if wire in self.rows and self.shown(wire):
                by_field.setdefault(wire, []).append(problem)
            elif only is None:
                unplaced.append(problem)
        for wire, row in self.rows.items():
            if only is not None and wire not in only:
                continue
            found = by_field.get(wire, [])
            row.set_error(describe_problem(row.field, found[0]) if found else None)
            if isinstance(row.editor, RowsEditor):
                prefix = wire + "."
                row.editor.set_problems(
                    [Problem(p.field[len(prefix) :], p.message) for p in found if p.field.startswith(prefix)]
                )
        return unplaced

    def show_warnings(self, warnings: Iterable[Problem], only: set[str] | None = None) -> None:
        """Put each warning (an inferred rule's) under its field; it never blocks going on."""
        by_field: dict[str, Problem] = {}
        for warning in warnings:
            by_field.setdefault(first_field(warning.field), warning)
        for wire, row in self.rows.items():
            if only is not None and wire not in only:
                continue
            found = by_field.get(wire)
            row.set_warning(describe_problem(row.field, found) if found and self.shown(wire) else None)

    def clear_problems(self) -> None:
        for row in self.rows.values():
            row.set_error(None)
            if isinstance(row.editor, RowsEditor):
                row.editor.set_problems([])

    def first_problem(self) -> str | None:
        for wire, row in self.rows.items():
            if row.error and self.shown(wire):
                return wire
        return None

    # --- focus --------------------------------------------------------------------------------------

    def focus_field(self, wire: str) -> bool:
        row = self.rows.get(first_field(wire))
        if row is None or not row.display:
            return False
        for select in self.query(Select):
            # an open list elsewhere (ctrl+n with it open, focus sent to the first field to fix) stayed
            # open out of sight, its "Dismiss menu" in the footer and the arrows still its own
            if select.expanded and row not in select.ancestors:
                select.expanded = False
        for collapsible in row.ancestors:
            if isinstance(collapsible, Collapsible):
                collapsible.collapsed = False
        row.editor.focus_editor()
        self.call_after_refresh(row.scroll_visible)
        return True

    def focus_first(self) -> None:
        for wire, row in self.rows.items():
            if row.display and row.field.section.lower() not in _COLLAPSED and not row.field.legacy:
                self.focus_field(wire)
                return

    def action_next_field(self) -> None:
        """Enter: on to the next field; past the last one, to the screen's button that goes on (Next,
        Save row: class -goes-on), not to the first control after the form (Back, Cancel), where the
        next Enter went back a step or threw the typed row away."""
        screen = self.screen
        screen.focus_next()
        focused = screen.focused
        if focused is not None and self in focused.ancestors:
            return
        goes_on = next((w for w in screen.query(".-goes-on") if w.focusable), None)
        if goes_on is not None:
            goes_on.focus()

    # --- events -------------------------------------------------------------------------------------

    def on_field_editor_changed(self, event: FieldEditor.Changed) -> None:
        event.stop()
        self._editor_changed(event.editor)

    def _editor_changed(self, editor: FieldEditor) -> None:
        field = editor.field
        row = self.rows.get(field.wire)
        if row is not None and row.error:
            row.set_error(None)  # the message goes as soon as the technician acts on it
        if row is not None and row.warning:
            row.set_warning(None)
        if field.wire in self._controllers:
            self.refresh_visibility()

        for dependent in self.rows.values():
            if dependent.field.choices_of == field.wire and isinstance(dependent.editor, LookupEditor):
                dependent.editor.reload()  # its choices are those of the value just changed
        self.post_message(self.Edited(self, field))

    # Focus moving between rows is handled here, in one handler for both rows, at once: the old row's
    # highlight goes and its check starts in the same refresh as the new row's highlight comes (a row
    # that waited for a refresh to see whether focus had left it cost one more frame per Tab).

    def _row_of(self, widget: Widget) -> FieldRow | None:
        for node in widget.ancestors_with_self:
            if isinstance(node, FieldRow) and self.rows.get(node.field.wire) is node:
                return node
            if node is self:
                break
        return None

    def _focus_row(self, row: FieldRow | None, *, notify: bool) -> tuple[FormField | None, FormField | None]:
        left, self._focused_row = self._focused_row, row
        if left is row:
            return None, None
        if left is not None:
            left.highlight(False)
        if row is not None:
            row.highlight(True)
        # a row being removed (the screen closing) is not left: nothing to check
        left_field = left.field if left is not None and left.display and left.is_attached else None
        entered = row.field if row is not None else None
        if notify:
            if left_field is not None:
                self.post_message(self.FieldLeft(self, left_field))
            if entered is not None:
                self.post_message(self.FieldFocused(self, entered))
        return left_field, entered

    @property
    def focused_row(self) -> FieldRow | None:
        """The row focus is in; None when it is on no field (a section's title, or outside the form)."""
        return self._focused_row

    def focus_moved(
        self, focused: Widget | None, *, notify: bool = True
    ) -> tuple[FormField | None, FormField | None]:
        """Focus is now on `focused`: move the row highlight. Return (the field left, the field
        entered), None where focus stayed in the same row; without `notify` the caller acts on them
        at once instead of by FieldLeft and FieldFocused messages (a queue or two, often a frame, later)."""
        return self._focus_row(self._row_of(focused) if focused is not None else None, notify=notify)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # where focus is now, not where the event says it went: keys typed ahead (`<Shift+Tab>⌫⌫<Tab>`)
        # move focus on before an earlier move's event arrives, and that one set the focused row back to
        # a field already left (its edits then went unchecked, and the field focus was on "left")
        self.focus_moved(self.screen.focused)

    def on_resize(self, event: events.Resize) -> None:
        # The footer takes a second row when the focused field offers a key more (a toggle set gets
        # "⌫ Not set"): the form loses its last line, and the field being edited could be that line.
        focused = self.screen.focused
        if focused is not None and self in focused.ancestors:
            scroll_into_sight(focused)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        try:
            if not self.is_attached or self.app.screen is not self.screen:
                return  # a help panel or row editor opened on top: the field was not left
        except NoScreen:
            return  # the form is gone (a row editor saved with ctrl+s): nothing left to check
        focused = self.app.focused
        if focused is None or self not in focused.ancestors:
            self._focus_row(None, notify=True)  # focus left the form (Back, Next)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()


def scroll_into_sight(widget: Widget) -> None:
    """Scroll `widget` into view now, unanimated, in the frame being drawn (Textual's own scroll on focus
    waits a refresh and animates: a second frame, a whole form's bytes again over SSH)."""
    screen = widget.screen
    if not screen.can_view_entire(widget):
        screen.scroll_to_center(widget, animate=False, origin_visible=True, immediate=True)
