"""The reference for the wizard's form steps in tui_bench.py: a plain Textual form, nothing of ours.

A first screen lists two kinds (like the wizard's mode step); Enter opens a form of 20 labelled compact
Inputs and a Checkbox (after the 12th) that shows two more rows (like Yeastar's outbound proxy); Escape
goes back. The cursor does not blink, as the wizard's does not over SSH."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, Input, Label, OptionList

FIELDS = 20
PROXY_AFTER = 12  # the checkbox's place: Tab from the first field reaches it after 12 presses


def _input() -> Input:
    field = Input(compact=True)
    field.cursor_blink = False
    return field


class PlainForm(Screen[None]):
    CSS = """
    .row { height: 1; }
    .row Label { width: 24; }
    .row Input { width: 1fr; }
    .proxy { display: none; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll()
        scroll.can_focus = False  # focus starts on the first Input, as in the wizard's forms
        with scroll:
            yield Label("plain-form: the SIP trunk. * required")
            for index in range(FIELDS):
                with Horizontal(classes="row"):
                    yield Label(f"Field {index + 1} *")
                    yield _input()
                if index + 1 == PROXY_AFTER:
                    yield Checkbox("Outbound proxy", compact=True, id="proxy")
                    for label in ("Proxy server", "Proxy port"):
                        with Horizontal(classes="row proxy"):
                            yield Label(label)
                            yield _input()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        for row in self.query(".proxy"):
            row.display = event.value


class PlainFormApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("plain-mode: which kind? Enter to pick.")
        yield OptionList("Register trunk", "Peer trunk", id="modes")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.push_screen(PlainForm())


if __name__ == "__main__":
    PlainFormApp().run()
