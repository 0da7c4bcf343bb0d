"""Step 1: pick the provider. Type to filter; Enter picks the highlighted one.

The list is in the first frame: it comes from the catalog (trunkwizard/catalog.py, plain strings kept
equal to the registry by a test). What every provider needs (pydantic, httpx, the client, the account
step) loads in a worker once the first frame is drawn (App.on_ready); the picked provider's module (its
models) and, in the sandbox, its emulator's account load in a worker thread on Enter: only that
provider's, never all five (issue 16: memory). Enter pressed before the first load is done picks as
soon as it is.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Group
from textual import work
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from trunkwizard.catalog import CATALOG, CatalogEntry
from trunkwizard.tui.commands import ScreenCommand
from trunkwizard.tui.screens.base import WizardScreen
from trunkwizard.tui.steps import Step
from trunkwizard.tui.widgets.choice_prompt import choice_prompt
from trunkwizard.tui.widgets.wizard_input import WizardInput

if TYPE_CHECKING:
    from trunkwizard.providers import Provider
    from trunkwizard.tui.services import StepSession

__all__ = ["ProviderLoading", "ProviderScreen", "matches"]

# The steps' messages (two dozen dataclasses, ~5 ms): not needed to draw the list, so they load with
# the registry after the first frame, before the first message is sent.
_MESSAGES = "trunkwizard.tui.messages"


@dataclass(frozen=True)
class ProviderLoading:
    """What the provider screen needs to load the registry: against the sandbox or not, and which modules
    the later steps import (loaded in the same worker thread, off the event loop). Here rather than in
    tui/services.py, which the first frame does not need."""

    sandbox: bool
    preload: tuple[str, ...]
    # freeze what is loaded out of the cyclic collector's sight (the wizard's own process, not a test's)
    keep_loaded: bool = False


def _load_provider(key: str, sandbox: bool) -> Provider:
    from trunkwizard.providers import get_provider

    provider = get_provider(key)
    for model in (provider.account_model, *(mode.model for mode in provider.modes)):
        model.model_rebuild()  # pydantic builds a validator when first used: here, not at a first check
    if sandbox:
        from trunkwizard.sandbox import emulator

        emulator(key)  # the account step fills the emulator's account (no server: that loads on a request)
    return provider


def _preload(modules: Sequence[str]) -> None:
    import importlib

    for module in modules:
        importlib.import_module(module)


def matches(provider: Provider | CatalogEntry, query: str) -> bool:
    """Every word of the query appears in the provider's name, key, what it creates or its summary."""
    haystack = " ".join((provider.title, provider.key, provider.creates, provider.summary)).lower()
    return all(word in haystack for word in query.lower().split())


def rank(provider: Provider | CatalogEntry, query: str) -> int:
    """0 when the name or key starts with the query, 1 when it holds it, else 2 (a word of the summary,
    which may name another provider's product), so Enter picks the provider that was meant."""
    query = query.strip().lower()
    names = (provider.title.lower(), provider.key.lower())
    if query and any(name.startswith(query) for name in names):
        return 0
    if query and any(query in name for name in names):
        return 1
    return 2


class ProviderScreen(WizardScreen):
    STEP = Step.PROVIDER
    BINDINGS = [
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("ctrl+o", "connect_two", "Connect two", id="connect-two"),
    ]

    def __init__(self, registry: ProviderLoading, *, session: StepSession) -> None:
        super().__init__(session=session)
        self.registry = registry
        self._loaded = False  # what every provider needs, loaded after the first frame
        self._no_match_shown = False
        self._shown: list[CatalogEntry] = []
        self._pick_when_loaded: str | None = None

    def heading(self) -> str:
        return "Which provider? Type to filter, Enter to pick."

    def compose_body(self) -> Iterable[Widget]:
        yield WizardInput(placeholder="filter: name or what it creates", id="filter", compact=True)
        self._shown = list(CATALOG)
        options = OptionList(*[self._option(p, i == 0) for i, p in enumerate(self._shown)], id="providers")
        options.highlighted = 0
        yield options

    def on_mount(self) -> None:
        self.query_one("#filter", Input).focus()

    @work(group="catalog", exclusive=True)
    async def load_providers(self) -> None:
        # what the next steps import, so that nothing is imported on the event loop after this
        await asyncio.to_thread(_preload, ["trunkwizard.providers", _MESSAGES, *self.registry.preload])
        if self.registry.keep_loaded:
            _kept_for_good()
        self._loaded = True
        if self._pick_when_loaded is not None:
            self._pick(self._pick_when_loaded)

    def _fill(self) -> None:
        query = self.query_one("#filter", Input).value
        options = self.query_one("#providers", OptionList)
        self._shown = sorted((p for p in CATALOG if matches(p, query)), key=lambda p: rank(p, query))
        options.clear_options()
        if not self._shown:
            options.add_option(Option("no provider matches: clear the filter", disabled=True))
            return
        options.add_options([self._option(p, i == 0) for i, p in enumerate(self._shown)])
        options.highlighted = 0

    @staticmethod
    def _prompt(provider: CatalogEntry, current: bool) -> Group:
        return choice_prompt(provider.title, provider.summary, current, f"creates a {provider.creates}")

    def _option(self, provider: CatalogEntry, current: bool) -> Option:
        return Option(self._prompt(provider, current), id=provider.key)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        options = event.option_list
        for index, provider in enumerate(self._shown):
            options.replace_option_prompt_at_index(index, self._prompt(provider, index == event.option_index))

    def clear_filter(self) -> None:
        """An empty filter, the whole list, the first provider highlighted, focus in the filter."""
        box = self.query_one("#filter", Input)
        box.value = ""
        self._fill()
        self.set_banner(None)
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill()
        if self._shown and self._no_match_shown:  # out of date once a provider matches again
            self._no_match_shown = False
            self.set_banner(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_next()

    def action_cursor(self, step: int) -> None:
        options = self.query_one("#providers", OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def highlighted(self) -> CatalogEntry | None:
        index = self.query_one("#providers", OptionList).highlighted
        shown: Sequence[CatalogEntry] = self._shown
        return shown[index] if index is not None and 0 <= index < len(shown) else None

    def action_next(self) -> None:
        entry = self.highlighted()
        if entry is None:
            self.set_banner("No provider matches the filter: clear it (ctrl+u) and pick one.")
            self._no_match_shown = True
            return
        self.set_banner(None)
        if not self._loaded:
            self._pick_when_loaded = entry.key
            self.set_status("loading…")
            return
        self._pick(entry.key)

    @work(group="pick", exclusive=True)
    async def _pick(self, key: str) -> None:
        self._pick_when_loaded = None
        provider = await asyncio.to_thread(_load_provider, key, self.registry.sandbox)
        from trunkwizard.tui.messages import ProviderChosen  # loaded with the registry (load_providers)

        self.set_status("")
        self.post_message(ProviderChosen(self, provider))

    def action_back(self) -> None:
        self.notify("This is the first step. Quit with ctrl+q.", timeout=3)

    def action_connect_two(self) -> None:
        """Both halves of one SIP connection: the side that offers an account, then the side that takes it."""
        from trunkwizard.tui.messages import JoiningRequested  # loaded with the registry (load_providers)

        self.post_message(JoiningRequested(self))

    def palette_commands(self) -> tuple[ScreenCommand, ...]:
        connect = ScreenCommand(
            "Connect two providers",
            "One side's SIP account, the other side's settings (ctrl+o)",
            self.action_connect_two,
        )
        return (connect, *super().palette_commands())


def _kept_for_good() -> None:
    """What the registry's load brought (every module the steps use, the providers' models) lives as
    long as the app: out of the cyclic collector's sight. Each full collection walked all of it, 80 to
    190 ms with the event loop stopped: a Tab now and then took that much more (issue 16). Once only,
    and no later than this: `gc.freeze` does not collect first, so a later freeze would also keep for good
    the garbage cycles waiting then, such as a screen closed since (a step left, a round started over).
    What the start built was frozen at the first frame already (WizardApp.on_ready)."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()


_frozen = False
