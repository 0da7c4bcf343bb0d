"""A Select whose open list takes its place in the layout instead of floating over the form.

Textual draws an open Select as an overlay, and its compositor cuts each overlay line at the edges of
every widget beneath it; a wide character (a Korean agent name) straddling such a cut is drawn as two
spaces (Textualize/textual#6357, open). Laid out inline, the open list has nothing beneath it, so every
character is drawn whole: the fields below move down while the list is open and come back when it closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay

from trunkwizard.tui.widgets.typed_keys import KeysWhereTyped

if TYPE_CHECKING:
    from textual.app import ComposeResult

__all__ = ["PickList"]


class PickListOverlay(SelectOverlay, KeysWhereTyped):
    """The open list. Keys typed ahead into it (`↓↓⏎<Tab>` in one burst over SSH) reach its queue before
    the app's Tab moves focus on, and Textual would resolve its arrows and Enter against the next field
    when they bubble up: the list picked nothing and the next field chose. Here they act on the list."""


class PickList(Select[Any]):
    DEFAULT_CSS = """
    PickList > SelectOverlay {
        overlay: none;
        constrain: none;
        max-height: 10;
    }
    /* the option Enter picks: under NO_COLOR its shade is gone and only bold would be left (an
       OptionList drops reverse), so it is underlined as well */
    PickList > SelectOverlay:nocolor > .option-list--option-highlighted {
        text-style: bold underline;
    }
    """

    def watch_expanded(self, expanded: bool) -> None:
        # the list opens below the current line: bring all of it into view (Select focuses it without
        # scrolling, which suits an overlay but would leave an inline list cut at the form's bottom)
        if expanded:
            self.call_after_refresh(self.scroll_visible, animate=False)

    def compose(self) -> ComposeResult:
        # Select's own, with the list that acts on keys typed into it after Tab has moved focus on
        yield SelectCurrent(self.prompt)
        yield PickListOverlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)

    def on_select_overlay_update_selection(self, event: SelectOverlay.UpdateSelection) -> None:
        # Select's own handler picks, closes the list and takes focus back (later, by call_later). After
        # a Tab typed ahead right behind the Enter that picked, focus has moved on: pulled back, the cursor
        # stayed here while the keys after the Tab went to the next field. Here focus comes back only
        # when it is still in the list, and at once.
        event.stop()
        event.prevent_default()
        value = self._options[event.option_index][1]
        if value != self.value:
            self.value = value
        self.expanded = False
        focused = self.app.focused
        if focused is None or self in focused.ancestors_with_self:
            self.screen.set_focus(self)
