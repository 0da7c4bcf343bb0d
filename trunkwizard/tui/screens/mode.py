"""Step 3: how to create, where the provider has several ways (modes), each explained in one line."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Group
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from trunkwizard.providers import Mode, Provider
from trunkwizard.tui.messages import ModeChosen
from trunkwizard.tui.screens.base import WizardScreen
from trunkwizard.tui.services import StepSession
from trunkwizard.tui.steps import Step
from trunkwizard.tui.widgets.choice_prompt import choice_prompt

__all__ = ["ModeScreen"]


class ModeScreen(WizardScreen):
    STEP = Step.MODE

    def __init__(self, provider: Provider, current: str | None, *, session: StepSession) -> None:
        super().__init__(session=session)
        self.provider = provider
        self.current = current

    def heading(self) -> str:
        return f"{self.provider.title}: which kind of {self.provider.creates}? Enter to pick."

    def _start(self) -> int:
        keys = [m.key for m in self.provider.modes]
        return keys.index(self.current) if self.current in keys else 0

    @staticmethod
    def _prompt(mode: Mode, current: bool) -> Group:
        return choice_prompt(mode.title, mode.description, current)

    def compose_body(self) -> Iterable[Widget]:
        start = self._start()
        options = [
            Option(self._prompt(mode, i == start), id=mode.key) for i, mode in enumerate(self.provider.modes)
        ]
        yield OptionList(*options, id="modes")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        for index, mode in enumerate(self.provider.modes):
            event.option_list.replace_option_prompt_at_index(
                index, self._prompt(mode, index == event.option_index)
            )

    def on_mount(self) -> None:
        modes = self.query_one("#modes", OptionList)
        modes.highlighted = self._start()
        modes.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_next()

    def action_next(self) -> None:
        index = self.query_one("#modes", OptionList).highlighted
        if index is not None:
            self.post_message(ModeChosen(self, self.provider.modes[index].key))
