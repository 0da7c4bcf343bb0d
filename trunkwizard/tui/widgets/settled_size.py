"""A virtual size that does not ask for a second layout.

Widget.virtual_size asks for one layout more whenever it changes. For a widget whose virtual size
follows from the layout that has just arranged it (a form whose rows a toggle shows, the section that
holds them, a toggle whose label went from "on" to "off"), that second layout only draws a second frame
of what the first already showed: over SSH, a form's bytes again after each toggle (issue 16). The
scrollbars still follow, as Widget._size_updated updates them.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive

__all__ = ["settled_virtual_size"]


def settled_virtual_size() -> Reactive[Size]:
    """A class attribute to replace Widget.virtual_size (one per class: a Reactive knows its owner)."""
    return Reactive(Size(0, 0), layout=False, repaint=False)
