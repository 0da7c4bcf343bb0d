"""Repeatable rows (a DID list, caller-ID rules, allowed IPs): a list you add to, edit and reorder.

Each row is edited in a modal form (`RowEditorScreen`), which may itself hold rows: a caller-ID rule
with its extension list opens a second modal. A plain list of values (no row fields) edits one value.
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr
from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.widget import Widget

from trunkwizard.errors import Problem, problems_under
from trunkwizard.fields import FormField, Kind, is_blank
from trunkwizard.tui.widgets.editor_base import FieldEditor
from trunkwizard.tui.widgets.typed_keys import KeysWhereTyped

__all__ = ["RowList", "RowsEditor", "row_summary"]


def _shown_value(field: FormField, value: Any) -> str:
    if field.kind is Kind.SECRET or isinstance(value, SecretStr):
        return "********"
    if isinstance(value, list):
        return (
            f"{len(value)} row{'s' if len(value) != 1 else ''}" if field.rows else ",".join(map(str, value))
        )
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _telling_field(fields: tuple[FormField, ...], row: dict[str, Any]) -> FormField | None:
    """The field that tells rows apart: the first filled text field (the DID, the caller ID, the IP);
    a choice such as "type" comes first on the form but is the same on many rows."""
    filled = [f for f in fields if f.wire in row and not is_blank(row[f.wire]) and not f.rows]
    texts = [f for f in filled if f.kind in (Kind.TEXT, Kind.INTEGER, Kind.NUMBER) and not f.secret]
    found = texts or filled
    return found[0] if found else None


def row_summary(fields: tuple[FormField, ...], row: Any) -> str:
    """One line for a row: the value that tells it apart first, then the other filled values."""
    if not fields or not isinstance(row, dict):
        return str(row)
    first = _telling_field(fields, row)
    parts = [_shown_value(first, row[first.wire])] if first is not None else []
    parts += [
        f"{f.label}: {_shown_value(f, row[f.wire])}"
        for f in fields
        if f is not first and f.wire in row and not is_blank(row[f.wire])
    ]
    return " · ".join(parts) or "(empty row)"


def _cut(line: str, width: int) -> str:
    """The line in at most `width` cells, "…" marking a cut (wide characters count as two)."""
    if cell_len(line) <= width:
        return line
    return set_cell_size(line, max(width - 1, 0)) + "…"


class RowList(Widget, KeysWhereTyped, can_focus=True):
    """The rows, one line each, with a cursor. Keys: a add, enter/e edit, d remove (u undoes), [ ] move.

    Every row is one line, cut with "…" at the width, so a long summary never pushes later rows out
    of the list; the form around it scrolls, never the list itself.
    """

    BINDINGS = [
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("a,insert,plus", "add", "Add row", key_display="a", id="row-add"),
        Binding("enter", "enter", "Edit row", show=False),
        Binding("e", "edit", "Edit", id="row-edit"),
        Binding("d,delete", "remove", "Delete", key_display="d", id="row-delete"),
        Binding("u", "undo", "Undo delete", id="row-undo"),
        Binding("left_square_bracket,shift+up", "move(-1)", "Move", key_display="[ ]", id="row-move"),
        Binding("right_square_bracket,shift+down", "move(1)", show=False),  # "[ ] Move" says it
    ]
    COMPONENT_CLASSES = {"row-list--cursor", "row-list--empty", "row-list--bad"}

    class Edit(Message):
        """Open the row editor for row `index` (None: a new row)."""

        def __init__(self, row_list: RowList, index: int | None) -> None:
            super().__init__()
            self.row_list = row_list
            self.index = index

    class Changed(Message):
        def __init__(self, row_list: RowList) -> None:
            super().__init__()
            self.row_list = row_list

    def __init__(self, field: FormField, rows: list[Any]) -> None:
        super().__init__()
        self.field = field
        self.rows = rows
        self.cursor = 0
        self.bad_rows: set[int] = set()
        self.removed: tuple[int, Any] | None = None  # the last deleted row, until undone or replaced
        self._follow = False  # the cursor's row is to be scrolled into sight once laid out

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "remove") and not self.rows:
            return None  # shown dimmed: nothing to edit yet
        if action == "move" and len(self.rows) < 2:
            return None
        return not (action == "undo" and self.removed is None)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.rows))

    def render(self) -> Text:
        if not self.rows:
            return Text(
                "none yet: press a to add a row", style=self.get_component_rich_style("row-list--empty")
            )
        width = max(self.content_size.width, 1)
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, row in enumerate(self.rows):
            if index:
                text.append("\n")
            mark = "✗" if index in self.bad_rows else " "
            line = _cut(f"{mark}{index + 1}. {row_summary(self.field.rows, row)}", width)
            style: str | Style = ""
            if index in self.bad_rows:
                style = self.get_component_rich_style("row-list--bad")
            if self.has_focus and index == self.cursor:
                style = self.get_component_rich_style("row-list--cursor")
            text.append(line, style=style)
        return text

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()

    def _set_rows(self, rows: list[Any]) -> None:
        self.rows = rows
        self.cursor = min(self.cursor, max(len(rows) - 1, 0))
        self.refresh(layout=True)
        self.refresh_bindings()
        self.post_message(self.Changed(self))
        self._follow = True
        self.call_after_refresh(self.show_cursor)

    def on_resize(self) -> None:
        if self._follow:
            self.show_cursor()  # the list has grown to hold the new row: now it can be shown

    def show_cursor(self) -> None:
        """Scroll the form so the cursor's row is in sight (a row added at the end, say)."""
        if not self.is_mounted or self.cursor >= self.size.height:
            return  # not laid out with the new row yet: on_resize comes back here
        self._follow = False
        region = self.virtual_region_with_margin
        region = Region(region.x, region.y + self.cursor, region.width, 1)
        widget: Widget = self
        while isinstance(widget.parent, Widget):
            container = widget.parent
            scrolled = container.scroll_to_region(region, animate=False, immediate=True)
            region = (
                region.translate(-scrolled)
                .translate(container.styles.margin.top_left)
                .translate(container.styles.border.spacing.top_left)
                .translate(container.virtual_region_with_margin.offset)
            )
            widget = container

    def action_cursor(self, step: int) -> None:
        # stops at the first and last row: a cursor that wrapped from the last row to the first put a
        # quick "down, d" on row 1
        target = min(max(self.cursor + step, 0), len(self.rows) - 1)
        if self.rows and target != self.cursor:
            self.cursor = target
            self.refresh()
            self.show_cursor()

    def action_add(self) -> None:
        self.post_message(self.Edit(self, None))

    def action_edit(self) -> None:
        if self.rows:
            self.post_message(self.Edit(self, self.cursor))
        else:
            self.action_add()

    def action_remove(self) -> None:
        if self.rows:
            rows = list(self.rows)
            self.removed = (self.cursor, rows.pop(self.cursor))
            summary = _cut(row_summary(self.field.rows, self.removed[1]), 40)
            self.bad_rows.clear()
            self._set_rows(rows)
            self.notify(f"Row {self.removed[0] + 1} deleted ({summary}): press u to undo.", timeout=6)

    def action_undo(self) -> None:
        if self.removed is None:
            return
        index, row = self.removed
        self.removed = None
        rows = list(self.rows)
        rows.insert(min(index, len(rows)), row)
        self.cursor = min(index, len(rows) - 1)
        self.bad_rows.clear()
        self._set_rows(rows)
        self.notify(f"Row {self.cursor + 1} is back.", timeout=3)

    def action_move(self, step: int) -> None:
        target = self.cursor + step
        if self.rows and 0 <= target < len(self.rows):
            rows = list(self.rows)
            rows[self.cursor], rows[target] = rows[target], rows[self.cursor]
            self.cursor = target
            self.bad_rows.clear()
            self._set_rows(rows)

    def store(self, index: int | None, row: Any) -> None:
        rows = list(self.rows)
        if index is None:
            rows.append(row)
            self.cursor = len(rows) - 1
        else:
            rows[index] = row
        self.bad_rows.discard(self.cursor)
        self._set_rows(rows)

    def action_enter(self) -> None:
        # Enter edits a row; on an empty list it goes on to the next field, as everywhere else (past the
        # form's last field, to the button that goes on: FormView.action_next_field)
        if self.rows:
            self.action_edit()
            return
        from trunkwizard.tui.widgets.form_view import FormView  # it imports this module

        form = next((a for a in self.ancestors if isinstance(a, FormView)), None)
        if form is None:
            self.screen.focus_next()
        else:
            form.action_next_field()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if not self.rows:
            self.action_add()
        elif 0 <= offset.y < len(self.rows):
            self.cursor = offset.y
            self.action_edit()


class RowsEditor(FieldEditor):
    """Holds the rows; problems at `did_list.1.did` mark row 2 and reopen with it."""

    def compose(self) -> Any:
        yield RowList(self.field, list(self.initial or []))

    def __init__(self, field: FormField, value: Any, *, id: str | None = None) -> None:
        super().__init__(field, value, id=id)
        self.problems: list[Problem] = []

    @property
    def row_list(self) -> RowList:
        return self.query_one(RowList)

    def get_value(self) -> Any:
        return list(self.row_list.rows)

    def set_value(self, value: Any) -> None:
        self.row_list.rows = list(value or [])
        self.row_list.refresh(layout=True)

    def set_problems(self, problems: list[Problem]) -> None:
        """Problems with paths relative to this field: `1.did`."""
        self.problems = problems
        bad = set()
        for problem in problems:
            head = problem.field.split(".", 1)[0]
            if head.isdigit():
                bad.add(int(head))
        self.row_list.bad_rows = bad
        self.row_list.refresh()

    def row_problems(self, index: int) -> list[Problem]:
        return problems_under(self.problems, f"{index}.")

    def on_row_list_changed(self, event: RowList.Changed) -> None:
        event.stop()
        self.changed()

    def on_row_list_edit(self, event: RowList.Edit) -> None:
        event.stop()
        from trunkwizard.tui.screens.row_editor import RowEditorScreen

        index = event.index
        row = self.row_list.rows[index] if index is not None else None
        problems = self.row_problems(index) if index is not None else []

        def saved(result: Any) -> None:
            self.row_list.focus()
            if result is not None:
                self.row_list.store(index, result)

        self.app.push_screen(RowEditorScreen(self.field, row, index, problems), saved)
