"""Choices laid out as a flow of cells: pick one, pick several, or pick several and order them.

    (•) udp  ( ) tcp  ( ) tls              single: arrows choose at once
    [x] OPUS  [ ] G722  [x] PCMU           multi: arrows move, space toggles
    [2] ulaw  [1] alaw  [ ] g729 …         ordered: the mark is the place; [ and ] reorder

Selection is drawn with glyphs, not only colour, so it reads in 16 colours and under NO_COLOR.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget

from trunkwizard.fields import Choice
from trunkwizard.tui.widgets.typed_keys import KeysWhereTyped

__all__ = ["ChoiceGrid", "GridStyle"]

GridStyle = Literal["single", "multi", "ordered"]
_GAP = "  "


class ChoiceGrid(Widget, KeysWhereTyped, can_focus=True):
    """A focusable flow of choice cells. `value` is one value (single) or a list (multi, ordered)."""

    BINDINGS = [
        Binding("left,up", "move(-1)", "Previous", show=False),
        Binding("right,down", "move(1)", "Next", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
        Binding("space", "flip", "Pick", id="choice-pick"),
        Binding(
            "left_square_bracket,shift+left,shift+up",
            "reorder(-1)",
            "Reorder",
            key_display="[ ]",
            id="choice-reorder",
        ),
        Binding("right_square_bracket,shift+right,shift+down", "reorder(1)", show=False),  # "[ ] Reorder"
        Binding("backspace,delete", "clear", "Clear all", key_display="⌫", id="choice-clear"),
    ]

    COMPONENT_CLASSES = {"choice-grid--cursor", "choice-grid--selected", "choice-grid--muted"}

    class Changed(Message):
        """The picked value(s) changed."""

        def __init__(self, grid: ChoiceGrid) -> None:
            super().__init__()
            self.grid = grid

        @property
        def control(self) -> ChoiceGrid:
            return self.grid

    def __init__(
        self,
        choices: Sequence[Choice],
        *,
        style: GridStyle,
        value: Any = None,
        allow_none: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.choices = tuple(choices)
        self.style = style
        self.allow_none = allow_none
        known = [c.value for c in self.choices]
        if style == "single":
            self._picked: list[Any] = [value] if value in known else []
        else:
            self._picked = [v for v in (value or []) if v in known]
        self._cursor: Any = self._picked[0] if self._picked else (known[0] if known else None)

    # --- value -------------------------------------------------------------------------------------

    @property
    def value(self) -> Any:
        if self.style == "single":
            return self._picked[0] if self._picked else None
        if self.style == "multi":
            return [c.value for c in self.choices if c.value in self._picked]
        return list(self._picked)

    @value.setter
    def value(self, value: Any) -> None:
        known = [c.value for c in self.choices]
        if self.style == "single":
            self._picked = [value] if value in known else []
        else:
            self._picked = [v for v in (value or []) if v in known]
        self.refresh(layout=True)

    def display_order(self) -> list[Choice]:
        """The cells as drawn: always in the field's order, so picking one never moves the cursor;
        an ordered grid shows its order in the marks ([1] [2] …)."""
        return list(self.choices)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reorder":
            return self.style == "ordered" and len(self._picked) > 1
        if action == "clear":
            return bool(self._picked) and (self.style != "single" or self.allow_none)
        return True

    @property
    def cursor_value(self) -> Any:
        return self._cursor

    # --- drawing -----------------------------------------------------------------------------------

    def _cell(self, choice: Choice) -> str:
        picked = choice.value in self._picked
        if self.style == "single":
            mark = "(•)" if picked else "( )"
        elif self.style == "multi":
            mark = "[x]" if picked else "[ ]"
        else:
            mark = f"[{self._picked.index(choice.value) + 1}]" if picked else "[ ]"
        return f"{mark} {choice.label}"

    def _lines(self, width: int) -> list[list[Choice]]:
        lines: list[list[Choice]] = [[]]
        used = 0
        for choice in self.display_order():
            cell = len(self._cell(choice))
            needed = cell if not lines[-1] else cell + len(_GAP)
            if lines[-1] and used + needed > width:
                lines.append([])
                used, needed = 0, cell
            lines[-1].append(choice)
            used += needed
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self._lines(max(width, 1))))

    def render(self) -> Text:
        width = max(self.content_size.width, 1)
        cursor_style = self.get_component_rich_style("choice-grid--cursor")
        picked_style = self.get_component_rich_style("choice-grid--selected")
        text = Text(no_wrap=True, overflow="ellipsis")
        for number, line in enumerate(self._lines(width)):
            if number:
                text.append("\n")
            for index, choice in enumerate(line):
                if index:
                    text.append(_GAP)
                style = picked_style if choice.value in self._picked else ""
                if self.has_focus and choice.value == self._cursor:
                    style = cursor_style
                text.append(self._cell(choice), style=style)
        return text

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()

    # --- keys and mouse ------------------------------------------------------------------------------

    def _changed(self) -> None:
        self.refresh(layout=True)
        self.refresh_bindings()
        self.post_message(self.Changed(self))

    def action_move(self, step: int) -> None:
        order = [c.value for c in self.display_order()]
        if not order:
            return
        index = order.index(self._cursor) if self._cursor in order else 0
        self._cursor = order[(index + step) % len(order)]
        if self.style == "single":
            self._picked = [self._cursor]
            self._changed()
        else:
            self.refresh()

    def action_jump(self, index: int) -> None:
        order = [c.value for c in self.display_order()]
        if order:
            self._cursor = order[index]
            if self.style == "single":
                self._picked = [self._cursor]
                self._changed()
            else:
                self.refresh()

    def action_flip(self) -> None:
        if self._cursor is None:
            return
        if self.style == "single":
            self._picked = [self._cursor]
        elif self._cursor in self._picked:
            self._picked.remove(self._cursor)
        else:
            self._picked.append(self._cursor)
        self._changed()

    def action_reorder(self, step: int) -> None:
        if self.style != "ordered" or self._cursor not in self._picked:
            return
        index = self._picked.index(self._cursor)
        target = index + step
        if 0 <= target < len(self._picked):
            self._picked[index], self._picked[target] = self._picked[target], self._picked[index]
            self._changed()

    def action_clear(self) -> None:
        if self.style == "single" and not self.allow_none:
            return
        if self._picked:
            self._picked = []
            self._changed()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        lines = self._lines(max(self.content_size.width, 1))
        if not 0 <= offset.y < len(lines):
            return
        x = 0
        for choice in lines[offset.y]:
            cell = len(self._cell(choice))
            if x <= offset.x < x + cell:
                self._cursor = choice.value
                self.action_flip()
                return
            x += cell + len(_GAP)
