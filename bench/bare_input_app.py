"""The floor for tui_bench.py: a bare Textual app with one compact Input (as the wizard's), nothing else.

With BARE_NO_BLINK=1 its cursor does not blink, like the wizard's over SSH (a stricter reference for
bytes per keystroke, which otherwise include blink frames)."""

from __future__ import annotations

import os

from textual.app import App, ComposeResult
from textual.widgets import Input


class BareInputApp(App[None]):
    def compose(self) -> ComposeResult:
        field = Input(placeholder="bare-ready", compact=True)
        field.cursor_blink = os.environ.get("BARE_NO_BLINK") != "1"
        yield field


if __name__ == "__main__":
    BareInputApp().run()
