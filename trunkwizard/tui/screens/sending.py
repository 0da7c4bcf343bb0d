"""What the screens that send share: a progress line, a spinner while sending, the outcome below."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Button, LoadingIndicator, Static

from trunkwizard.tui.screens.base import WizardScreen
from trunkwizard.tui.services import StepSession
from trunkwizard.tui.steps import Step

__all__ = ["SendingScreen"]


class SendingScreen(WizardScreen):
    """While busy the spinner turns and Back cancels; once done Retry shows when a retry is offered."""

    STEP = Step.SUBMIT
    NEXT_LABEL = "Retry"
    NEXT_TIP = "after a refusal (nothing was created), sends the same request again. Enter presses it."
    BACK_TIP = "while it runs, cancels the submission; then back to the review. Esc does the same."

    def __init__(self, *, spinner: bool, session: StepSession) -> None:
        super().__init__(session=session)
        self.spinner = spinner  # off when the terminal profile turns animations off (it costs bytes over SSH)

    def retry_offered(self) -> bool:
        """A refusal: nothing was created, so `r` may send it again."""
        raise NotImplementedError

    def compose_body(self) -> Iterable[Widget]:
        yield Static("", id="progress", markup=False)
        if self.spinner:
            yield LoadingIndicator(id="spinner")
        yield Static("", id="outcome", markup=False)

    def _busy(self, busy: bool) -> None:
        for spinner in self.query("#spinner"):
            spinner.display = busy
        self.query_one("#next").display = not busy and self.retry_offered()
        self.query_one("#back", Button).label = "← Cancel" if busy else "← Back"
        self.refresh_bindings()
