"""The step's body: what lies between its heading and its Back/Next bar."""

from __future__ import annotations

from textual.containers import Vertical
from textual.geometry import Size
from textual.reactive import Reactive

from trunkwizard.tui.widgets.settled_size import settled_virtual_size

__all__ = ["StepBody"]


class StepBody(Vertical):
    """Its height follows the footer's rows: when a Tab's keys take the footer a row more or less, the
    layout that moved the footer sized the body too, and a second one would only draw it again."""

    virtual_size: Reactive[Size] = settled_virtual_size()
