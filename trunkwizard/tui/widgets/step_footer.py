"""The footer of every step: Textual's Footer, with its keys in the screen's first frame and changed in
place when the keys it shows change.

Textual's Footer composes empty and fills itself after the first bindings update, a refresh later: the
first screen was drawn without its footer. And it recomposes on every bindings update, which comes with
every focus change: each Tab through a form removed and mounted the footer's key widgets and drew one
more frame (issue 16: the whole first screen in the first frame, one refresh per key). Here the keys
follow focus at once (the screen's focus watcher publishes the bindings update as focus moves), each
key widget is given its new key; keys not needed now are hidden, kept for the next field that has more
(a mount draws a frame more), and only keys never shown before are mounted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["StepFooter", "footer_columns", "shown_keys"]

# "▏^p palette " docked at the right of the footer
_PALETTE_WIDTH = 12


def shown_keys(screen: Screen[Any]) -> tuple[tuple[str, str | None, str, bool, str], ...]:
    """What the footer would show: key, description, enabled and tooltip of each shown binding."""
    return tuple(
        (binding.key, binding.key_display, binding.description, enabled, tooltip)
        for (_, binding, enabled, tooltip) in screen.active_bindings.values()
        if binding.show
    )


def _firsts(screen: Screen[Any]) -> Iterator[tuple[Binding, bool, str]] | None:
    """One (binding, enabled, tooltip) per action, in Footer's order, as Footer.compose shows them; None
    when bindings are grouped (Footer draws a group as a KeyGroup: left to its compose)."""
    by_action: dict[str, list[tuple[Binding, bool, str]]] = {}
    for _, binding, enabled, tooltip in screen.active_bindings.values():
        if binding.show:
            by_action.setdefault(binding.action, []).append((binding, enabled, tooltip))
    if any(group[0][0].group is not None for group in by_action.values()):
        return None
    return (group[0] for group in by_action.values())


def footer_columns(widths: list[int], room: int) -> int:
    """How many keys a row of the footer takes so that each column (as wide as its widest key) fits in
    `room` cells: all of them when one row holds them, else fewer, on more rows."""
    for columns in range(len(widths), 1, -1):
        if sum(max(widths[c::columns]) for c in range(columns)) <= room:
            return columns
    return 1


class StepFooter(Footer):
    """At 80 columns a field's keys and the step's did not fit on one line ("^g New password  ^q Qu"):
    the keys are laid out in a grid that takes a second row (or more) rather than cut any."""

    DEFAULT_CSS = """
    StepFooter {
        layout: grid;
        grid-columns: auto;
        height: 1;
    }
    """
    _shown: tuple[tuple[str, str | None, str, bool, str], ...] | None = None

    def __init__(self, *children: Widget, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(*children, id=id, classes=classes)
        # The screen's bindings are known when the footer composes: draw them with the rest of the screen.
        self.set_reactive(Footer._bindings_ready, True)

    def compose(self) -> ComposeResult:
        self._shown = shown_keys(self.screen)
        yield from super().compose()
        self._arrange(self.screen)

    def _arrange(self, screen: Screen[Any]) -> None:
        """Columns and rows for the keys shown now (their widths are those of their words)."""
        widths = [
            cell_len(self.app.get_key_display(binding)) + cell_len(binding.description) + 3
            for binding, _, _ in (_firsts(screen) or ())
        ]
        room = (self.size.width or self.app.size.width) - _PALETTE_WIDTH
        columns = footer_columns(widths, room) if widths else 1
        self.styles.grid_size_columns = columns
        self.styles.height = max(1, -(-len(widths) // columns))

    def on_resize(self) -> None:
        if self.is_attached:
            self._arrange(self.screen)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        shown = shown_keys(screen)
        if self._bindings_ready and shown == self._shown:
            return
        if self._closing or self._pruning:
            return
        if not (screen.app.app_focus and self.is_attached and screen is self.screen):
            super().bindings_changed(screen)  # Footer does nothing in this case
            return
        if not self._follow(screen):
            super().bindings_changed(screen)  # a recompose
        else:
            self._arrange(screen)
        self._shown = shown

    def _follow(self, screen: Screen[Any]) -> bool:
        """Give the key widgets the screen's keys now; False when only a recompose can (groups)."""
        firsts = _firsts(screen)
        if firsts is None:
            return False
        if any(not isinstance(child, FooterKey) for child in self.children):
            return False  # a group of keys drawn by Footer's own compose
        keys = [key for key in self.query_children(FooterKey) if not key.has_class("-command-palette")]
        wanted = list(firsts)
        for key, (binding, enabled, tooltip) in zip(keys, wanted, strict=False):
            _give(key, binding, self.app.get_key_display(binding), not enabled, tooltip)
            key.display = True
        for key in keys[len(wanted) :]:
            key.display = False  # kept for the next field that has more keys: no mount then
        if len(wanted) > len(keys):
            palette = next((c for c in self.children if c.has_class("-command-palette")), None)
            extra = [
                _key(binding, self.app.get_key_display(binding), enabled, tooltip, self.compact)
                for binding, enabled, tooltip in wanted[len(keys) :]
            ]
            self.mount_all(extra, before=palette)
        return True


def _key(binding: Binding, display: str, enabled: bool, tooltip: str, compact: bool) -> FooterKey:
    """A key widget mounted after the footer's compose. Its style (compact or not) is set before it is
    measured: FooterKey starts compact and took the footer's style a refresh later, so its width was the
    compact one and the last letters were cut ("^q Qui")."""
    key = FooterKey(
        binding.key, display, binding.description, binding.action, disabled=not enabled, tooltip=tooltip
    )
    key.set_reactive(FooterKey.compact, compact)
    return key.data_bind(compact=Footer.compact)


def _give(key: FooterKey, binding: Binding, display: str, disabled: bool, tooltip: str) -> None:
    """One key widget shows another binding: redrawn, and laid out again only if its width changes."""
    same_width = len(display) == len(key.key_display) and len(binding.description) == len(key.description)
    if (key.key, key.key_display, key.description, key.action, key._disabled) == (
        binding.key,
        display,
        binding.description,
        binding.action,
        disabled,
    ) and key.tooltip == (tooltip or None):
        return
    key.key, key.key_display, key.description = binding.key, display, binding.description
    key.action = binding.action
    key._disabled = disabled
    key.set_class(disabled, "-disabled")
    key.tooltip = tooltip or None
    key.refresh(layout=not same_width)
