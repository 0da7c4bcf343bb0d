"""On start, when a draft was kept (SSH dropped, terminal closed, crash): resume it, or discard it.

Enter or r resumes at the step the draft was at; d discards it; Esc starts afresh and keeps the draft
until new answers replace it.
"""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from trunkwizard.tui.widgets.compact_button import CompactButton

__all__ = ["ResumeChoice", "ResumeScreen"]

ResumeChoice = Literal["resume", "discard", "later"]


class ResumeScreen(ModalScreen[ResumeChoice]):
    DEFAULT_CSS = """
    ResumeScreen { align: center middle; }
    #resume-box {
        width: 68;
        max-width: 95%;
        height: auto;
        border: round $primary;
        padding: 0 1;
        background: $surface;
    }
    #resume-title { text-style: bold; }
    #resume-hint { color: $text-muted; margin-top: 1; }
    #resume-buttons { height: 1; margin-top: 1; align-horizontal: right; }
    #resume-buttons CompactButton { margin-left: 2; }
    """
    BINDINGS = [
        Binding("r", "choose('resume')", "Resume", id="resume-yes"),
        Binding("d", "choose('discard')", "Discard", id="resume-discard"),
        Binding("escape", "choose('later')", "Not now", id="resume-later"),
    ]

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-box"):
            yield Static("Resume where you left off?", id="resume-title")
            yield Static(self.summary, id="resume-summary", markup=False)
            yield Static(
                "Secrets are never kept in drafts: type them again (or pick the saved profile). "
                "Esc starts afresh; the draft stays until new answers replace it.",
                id="resume-hint",
                markup=False,
            )
            with Horizontal(id="resume-buttons"):
                yield CompactButton("Discard (d)", id="discard", variant="error")
                yield CompactButton("Resume (r)", id="resume", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#resume").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss("resume" if event.button.id == "resume" else "discard")

    def action_choose(self, choice: ResumeChoice) -> None:
        self.dismiss(choice)
