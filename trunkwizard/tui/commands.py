"""Commands a screen offers in the command palette, declared by the screen: the app lists them and
never looks an action up by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["CommandSource", "ScreenCommand"]


@dataclass(frozen=True)
class ScreenCommand:
    title: str
    help: str
    run: Callable[[], object]


class CommandSource:
    """Mixed into a screen that offers palette commands of its own."""

    def palette_commands(self) -> tuple[ScreenCommand, ...]:
        return ()


SHOW_OR_HIDE_SECRETS = ("Show or hide secrets", "Toggle masking of secret fields")
