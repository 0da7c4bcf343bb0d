"""Choices: a grid of cells for a few (one, several, or several in order), a Select for many."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Select

from trunkwizard.fields import FormField, Kind
from trunkwizard.tui.widgets.choice_grid import ChoiceGrid, GridStyle
from trunkwizard.tui.widgets.editor_base import FieldEditor
from trunkwizard.tui.widgets.pick_list import PickList

__all__ = ["GRID_LIMIT", "ChoiceEditor", "as_list"]

# More single choices than this do not fit a line or two at 80 columns: use a drop-down.
GRID_LIMIT = 8


def as_list(field: FormField, value: Any) -> list[Any]:
    """A multi or ordered value from a list, or from a joined string ("ulaw,alaw")."""
    if value is None:
        return []
    if isinstance(value, str):
        separator = field.join or ","
        return [part.strip() for part in value.split(separator) if part.strip()]
    return list(value)


class ChoiceEditor(FieldEditor):
    def _grid_style(self) -> GridStyle | None:
        if self.field.kind is Kind.ORDERED_CHOICE:
            return "ordered"
        if self.field.kind is Kind.MULTI_CHOICE:
            return "multi"
        return "single" if len(self.field.choices) <= GRID_LIMIT else None

    def compose(self) -> ComposeResult:
        style = self._grid_style()
        initial = self.field.as_sent(self.initial)  # a blank answer sends the default: show it chosen
        if style is None:
            yield PickList(
                [(c.label, c.value) for c in self.field.choices],
                value=initial if initial is not None else Select.NULL,
                allow_blank=self.field.can_be_empty or initial is None,
                prompt="choose…",
                compact=True,
            )
            return
        value = initial if style == "single" else as_list(self.field, initial)
        yield ChoiceGrid(
            self.field.choices,
            style=style,
            value=value,
            allow_none=self.field.can_be_empty,
        )

    def get_value(self) -> Any:
        grids = self.query(ChoiceGrid)
        if grids:
            return grids.first().value
        value = self.query_one(Select).value
        return None if value is Select.NULL else value

    def set_value(self, value: Any) -> None:
        value = self.field.as_sent(value)
        grids = self.query(ChoiceGrid)
        if grids:
            grid = grids.first()
            grid.value = value if grid.style == "single" else as_list(self.field, value)
            return
        select = self.query_one(Select)
        with select.prevent(Select.Changed):
            select.value = value if value is not None else Select.NULL

    @on(ChoiceGrid.Changed)
    @on(Select.Changed)
    def _picked(self, event: ChoiceGrid.Changed | Select.Changed) -> None:
        event.stop()
        self.changed()
