"""The footer of every step: the screen's keys, drawn by one widget, in the screen's first frame and
redrawn in place when the keys change.

Textual's Footer composes empty and fills itself after the first bindings update, a refresh later: the
first screen was drawn without its footer. It recomposes on every bindings update, which comes with
every focus change: each Tab through a form removed and mounted a widget per key. Giving those key
widgets their new keys in place still laid out the whole screen and drew a second frame whenever the
keys changed (a key that changes width is resized, and a resize repaints a frame later): about 15 ms of
a Tab's 30 ms of CPU on the largest form (issue 16: one refresh per key). Here the keys are one line of
text (two or more when they do not fit), redrawn as focus moves; a layout only when the number of rows
changes. A click on a key presses it, as on Textual's Footer.

While another screen is on top, the footer keeps its rows but shows no key: a dialog or the row editor
lets the screen beneath show through, dimmed, and the form's keys showed there beside (or above) the
editor's own, though none of them works until the dialog is gone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import ActiveBinding
from textual.geometry import Size
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget

from trunkwizard.tui.widgets.settled_size import settled_virtual_size

__all__ = ["FooterEntry", "StepFooter", "footer_columns", "shown_keys"]

# "▏^p palette" at the right of the footer's first row
_PALETTE_WIDTH = 12


def shown_keys(
    screen: Screen[Any], bindings: dict[str, ActiveBinding] | None = None
) -> tuple[tuple[str, str | None, str, bool, str], ...]:
    """What the footer would show: key, description, enabled and tooltip of each shown binding."""
    active = screen.active_bindings if bindings is None else bindings
    return tuple(
        (binding.key, binding.key_display, binding.description, enabled, tooltip)
        for (_, binding, enabled, tooltip) in active.values()
        if binding.show
    )


def footer_columns(widths: list[int], room: int) -> int:
    """How many keys a row of the footer takes so that each column (as wide as its widest key) fits in
    `room` cells: all of them when one row holds them, else fewer, on more rows."""
    for columns in range(len(widths), 1, -1):
        if sum(max(widths[c::columns]) for c in range(columns)) <= room:
            return columns
    return 1


@dataclass(frozen=True)
class FooterEntry:
    """One key as the footer shows it: the first shown binding of an action, as Textual's Footer does."""

    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str

    @property
    def width(self) -> int:
        return cell_len(self.display) + cell_len(self.description) + 3  # " ^n Next "


@dataclass(frozen=True)
class _Span:
    row: int
    start: int
    end: int
    entry: FooterEntry


class StepFooter(Widget, can_focus=False):
    """At 80 columns a field's keys and the step's did not fit on one line ("^g New password  ^q Qu"):
    the keys are laid out in columns on a second row (or more) rather than cut any."""

    ALLOW_SELECT = False
    virtual_size: Reactive[Size] = settled_virtual_size()  # a row more or less: laid out once (_fit)
    COMPONENT_CLASSES = {"step-footer--key", "step-footer--description", "step-footer--edge"}
    DEFAULT_CSS = """
    StepFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .step-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .step-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .step-footer--edge {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: tuple[tuple[str, str | None, str, bool, str], ...] | None = None
        self._entries: tuple[FooterEntry, ...] = ()
        self._palette: FooterEntry | None = None
        self._spans: list[_Span] = []
        self._covered = False  # another screen is on top of this one
        self._drawn_covered = False  # as the last render drew it
        # the room for keys the footer's height was fitted at, as long as this step's screen lives (a
        # kept form gone back to keeps it too): see _fit
        self._kept_room = 0

    @property
    def entries(self) -> tuple[FooterEntry, ...]:
        """The keys shown now, in order (the palette key aside)."""
        return self._entries

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.app.screen_change_signal.subscribe(self, self.screen_changed)
        # The screen's bindings are known now: the keys are drawn with the rest of the screen.
        self._take(self.screen, self.screen.active_bindings)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)
        self.app.screen_change_signal.unsubscribe(self)

    def screen_changed(self, top: Screen[Any]) -> None:
        if self._closing or self._pruning or not self.is_attached:
            return
        self._covered = top is not self.screen
        # a hidden screen's footer is drawn again when its screen shows (on top, or beneath a dialog)
        if self._covered != self._drawn_covered and self.screen.is_current:
            self.refresh()

    def on_resize(self) -> None:
        self._fit()

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self._closing or self._pruning or not self.is_attached or screen is not self.screen:
            return
        # (each computation of a screen's active bindings asks every binding's check_action: once here)
        bindings = screen.active_bindings
        if shown_keys(screen, bindings) != self._shown:
            self._take(screen, bindings)
            self.refresh()

    def _take(self, screen: Screen[Any], bindings: dict[str, ActiveBinding]) -> None:
        self._shown = shown_keys(screen, bindings)
        firsts: dict[str, FooterEntry] = {}
        palette: FooterEntry | None = None
        app = screen.app
        for key, (_, binding, enabled, tooltip) in bindings.items():
            entry = FooterEntry(
                binding.key, app.get_key_display(binding), binding.description, enabled, tooltip
            )
            if app.ENABLE_COMMAND_PALETTE and key == app.COMMAND_PALETTE_BINDING:
                palette = entry  # at the right, shown or not, as on Textual's Footer
            elif binding.show:
                firsts.setdefault(binding.action, entry)
        self._entries, self._palette = tuple(firsts.values()), palette
        self._fit()

    def _room(self) -> int:
        width = self.size.width or self.app.size.width
        return width - (_PALETTE_WIDTH if self._palette is not None else 0)

    def _fit(self) -> None:
        """As many rows as the keys need at this width, and no fewer than they took before on this
        step's screen: a field with fewer keys leaves a row blank rather than give it back. Each row taken
        or given back laid the whole screen out (12 KB over SSH), and giving it back scrolled the form once
        more: passing a list on a form cost four such frames (issue 16). A layout only when it grows."""
        widths = [entry.width for entry in self._entries]
        room = self._room()
        columns = footer_columns(widths, room) if widths else 1
        rows = max(1, -(-len(widths) // columns))
        height = self.styles.height
        if room == self._kept_room and height is not None:
            rows = max(rows, int(height.value))
        self._kept_room = room
        if height is None or height.value != rows:
            self.styles.height = rows

    def render(self) -> Text:
        width = self.size.width or self.app.size.width
        self._drawn_covered = self._covered
        if self._covered:
            self._spans = []
            return Text("\n" * (self.size.height - 1), no_wrap=True, end="")
        key_style = self.get_component_rich_style("step-footer--key")
        description_style = self.get_component_rich_style("step-footer--description")
        dim = Style(dim=True)
        widths = [entry.width for entry in self._entries]
        columns = footer_columns(widths, self._room()) if widths else 1
        column_widths = [max(widths[c::columns]) for c in range(columns)] if widths else []
        spans: list[_Span] = []
        lines: list[Text] = []
        for row_start in range(0, max(len(self._entries), 1), columns):
            row = len(lines)
            line = Text(no_wrap=True, overflow="crop", end="")
            for column, entry in enumerate(self._entries[row_start : row_start + columns]):
                start = line.cell_len
                extra = dim if not entry.enabled else Style()
                line.append(f" {entry.display} ", key_style + extra)
                line.append(f"{entry.description} ", description_style + extra)
                spans.append(_Span(row, start, line.cell_len, entry))
                line.pad_right(column_widths[column] - entry.width)
            if row == 0 and self._palette is not None:
                line.pad_right(max(0, width - _PALETTE_WIDTH - line.cell_len))
                start = line.cell_len
                line.append("▏", self.get_component_rich_style("step-footer--edge"))
                line.append(self._palette.display, key_style)
                line.append(f" {self._palette.description}", description_style)
                line.append(" ")
                spans.append(_Span(row, start, line.cell_len, self._palette))
            line.truncate(width, pad=True)
            lines.append(line)
        self._spans = spans
        return Text("\n", no_wrap=True, end="").join(lines)

    def _entry_at(self, x: int, y: int) -> FooterEntry | None:
        return next((s.entry for s in self._spans if s.row == y and s.start <= x < s.end), None)

    def on_click(self, event: events.Click) -> None:
        entry = self._entry_at(event.x, event.y)
        if entry is None:
            return
        if entry.enabled:
            self.app.simulate_key(entry.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        entry = self._entry_at(event.x, event.y)
        self.tooltip = entry.tooltip or None if entry is not None else None
