"""Step 6: send the request in a worker. The screen stays live; Esc cancels; a POST is never retried
on its own. Errors that name a field go back to the form; network errors offer retry or back."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from textual import work
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Button, LoadingIndicator, Static
from textual.worker import Worker

from trunkwizard.client import PreparedRequest
from trunkwizard.errors import (
    AuthenticationFailed,
    NetworkError,
    ProviderError,
    TrunkwizardError,
    ValidationFailed,
)
from trunkwizard.redact import redact
from trunkwizard.tui.screens.base import WizardScreen

__all__ = ["SubmitScreen"]


class SubmitScreen(WizardScreen):
    STEP = "submit"
    NEXT_LABEL = "Retry"
    BINDINGS = [
        Binding("escape", "back", "Cancel", id="cancel"),
        Binding("ctrl+c", "back", "Cancel", show=False, id="cancel-ctrl-c"),
        Binding("r", "next", "Retry", id="retry"),
        Binding("ctrl+n", "next", "Retry", show=False, id="next"),
    ]

    def __init__(self, prepared: PreparedRequest) -> None:
        super().__init__()
        self.prepared = prepared
        self.sending: Worker[None] | None = None
        self.failed = False

    def heading(self) -> str:
        return f"Submitting to {self.prepared.provider.title}"

    def compose_body(self) -> Iterable[Widget]:
        yield Static("", id="progress", markup=False)
        if self.app.animation_level != "none":
            yield LoadingIndicator(id="spinner")
        yield Static("", id="outcome", markup=False)

    def on_mount(self) -> None:
        self.query_one("#next").display = False
        self.send()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":
            return self.failed
        return True

    def _busy(self, busy: bool) -> None:
        for spinner in self.query("#spinner"):
            spinner.display = busy
        self.query_one("#next").display = not busy and self.failed
        self.query_one("#back", Button).label = "← Cancel" if busy else "← Back"
        self.refresh_bindings()

    def send(self) -> None:
        self.failed = False
        call = self.prepared.call
        self.query_one("#progress", Static).update(
            f"Sending {call.method} {self.prepared.preview.url}…\nEsc cancels."
        )
        self.query_one("#outcome", Static).update("")
        self._busy(True)
        self.sending = self._send()

    @work(exclusive=True, group="submit", exit_on_error=False)
    async def _send(self) -> None:
        try:
            async with self.wizard.client() as client:
                created = await client.create(self.prepared)
        except asyncio.CancelledError:
            raise
        except AuthenticationFailed as error:
            self.wizard.back_to_account(error)
        except (ProviderError, ValidationFailed) as error:
            self.wizard.back_to_details(error)
        except NetworkError as error:
            self._failure(error.message)
        except TrunkwizardError as error:
            self._failure(error.message)
        except Exception as error:  # never let a secret-bearing traceback reach the terminal
            self._failure(redact(f"{type(error).__name__}: {error}"))
        else:
            self.wizard.show_created(created)

    def _failure(self, message: str) -> None:
        self.failed = True
        self.query_one("#progress", Static).update("The request did not complete.")
        self.query_one("#outcome", Static).update(
            f"{message}\n\nr retries (it sends the request again) · Esc goes back to the review."
        )
        self._busy(False)
        self.query_one("#next").focus()

    def action_back(self) -> None:
        if self.sending is not None and self.sending.is_running:
            self.sending.cancel()
            self._failure(
                "Cancelled. The request may already have reached the provider: check there "
                "(or its list) before you submit again."
            )
            return
        self.app.pop_screen()

    def action_next(self) -> None:
        if self.failed:
            self.send()
