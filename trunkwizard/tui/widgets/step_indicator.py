"""The line at the top that says where the technician is: done steps ticked, the current one marked."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from trunkwizard.tui.steps import Step

__all__ = ["StepIndicator"]


SKIPPED = "\u2013"  # en dash
CHEVRON = "\u203a"  # single right-pointing angle quotation mark


class StepIndicator(Widget):
    """A tick before each done step, a triangle before the current one, a dash for a skipped one,
    separated by a chevron; shortens to numbers when the line is too narrow.

    State is shown by glyphs, not by colour alone, so it reads in 16 colours and under NO_COLOR.
    """

    COMPONENT_CLASSES = {"step--done", "step--current", "step--todo", "step--badge"}

    current: reactive[Step] = reactive(Step.PROVIDER)
    skipped: reactive[frozenset[Step]] = reactive(frozenset())
    badge: reactive[str] = reactive("")

    def __init__(self, current: Step, *, skipped: frozenset[Step] = frozenset(), badge: str = "") -> None:
        super().__init__()
        self.set_reactive(StepIndicator.current, current)
        self.set_reactive(StepIndicator.skipped, skipped)
        self.set_reactive(StepIndicator.badge, badge)

    def _parts(self, short: bool) -> list[tuple[str, str]]:
        here = list(Step).index(self.current)
        parts: list[tuple[str, str]] = []
        for index, step in enumerate(Step):
            title = step.label
            if step in self.skipped:
                parts.append((SKIPPED if short else f"{SKIPPED}{title}", "step--todo"))
            elif index < here:
                parts.append((f"✓{index + 1}" if short else f"✓{title}", "step--done"))
            elif index == here:
                parts.append((f"▶{index + 1} {title}" if short else f"▶{title}", "step--current"))
            else:
                parts.append((str(index + 1) if short else title, "step--todo"))
        return parts

    def render(self) -> Text:
        width = self.size.width or 80
        badge = f" {self.badge} " if self.badge else ""
        for short in (False, True):
            parts = self._parts(short)
            separator = f" {CHEVRON} " if not short else " "
            length = sum(len(t) for t, _ in parts) + len(separator) * (len(parts) - 1) + len(badge) + 2
            if length <= width or short:
                break
        text = Text(" ", no_wrap=True, overflow="ellipsis")
        for index, (label, component) in enumerate(parts):
            if index:
                text.append(separator, style=self.get_component_rich_style("step--todo"))
            text.append(label, style=self.get_component_rich_style(component))
        if badge:
            pad = max(1, width - text.cell_len - len(badge))
            text.append(" " * pad)
            text.append(badge, style=self.get_component_rich_style("step--badge"))
        return text
