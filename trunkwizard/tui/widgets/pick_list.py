"""A Select whose open list takes its place in the layout instead of floating over the form.

Textual draws an open Select as an overlay, and its compositor cuts each overlay line at the edges of
every widget beneath it; a wide character (a Korean agent name) straddling such a cut is drawn as two
spaces (Textualize/textual#6357, open). Laid out inline, the open list has nothing beneath it, so every
character is drawn whole: the fields below move down while the list is open and come back when it closes.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Select

__all__ = ["PickList"]


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
