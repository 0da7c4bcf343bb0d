"""Step 6: send the request in a worker and show its outcome (trunkwizard.outcome). The screen stays
live; Esc cancels. A POST is never sent twice on its own: only a refusal offers `r` (send again); an
unknown outcome offers `l` (look it up), and `s` (send again anyway) only after a look-up found nothing.
Errors that name a field go back to the form."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from textual import work
from textual.binding import Binding
from textual.widgets import Static
from textual.worker import Worker

from trunkwizard.client import PreparedRequest
from trunkwizard.errors import AuthenticationFailed, ProviderError, TrunkwizardError, ValidationFailed
from trunkwizard.outcome import Outcome, Verdict, interrupted, judge_failure, unknown
from trunkwizard.tui.messages import BackToAccount, BackToDetails, CreatedShown
from trunkwizard.tui.screens.sending import SendingScreen
from trunkwizard.tui.services import Sending, StepSession

__all__ = ["SubmitScreen"]


class SubmitScreen(SendingScreen):
    BINDINGS = [
        Binding("escape", "back", "Cancel", id="cancel"),
        Binding("ctrl+c", "back", "Cancel", show=False, id="cancel-ctrl-c"),
        Binding("r", "next", "Retry", id="retry"),
        Binding("l", "look_up", "Look it up", id="look-up"),
        Binding("s", "send_again", "Send again", id="send-again"),
        Binding("ctrl+n", "next", "Retry", show=False, id="next"),
    ]

    def __init__(
        self, prepared: PreparedRequest, service: Sending, *, spinner: bool, session: StepSession
    ) -> None:
        super().__init__(spinner=spinner, session=session)
        self.prepared = prepared
        self.service = service
        self.sending: Worker[None] | None = None
        self.looking: Worker[None] | None = None
        self.outcome: Outcome | None = None
        # set when the POST may have left: from then on a cancel is an unknown outcome
        self.sent = False

    def in_flight(self) -> bool:
        """The create call may have left and no outcome is known yet."""
        return self.sent and self.sending is not None and self.sending.is_running

    @property
    def failed(self) -> bool:
        """A refusal: nothing was created, so `r` may send it again."""
        return self.outcome is not None and self.outcome.retry_offered

    def heading(self) -> str:
        return f"Submitting to {self.prepared.provider.title}"

    def on_mount(self) -> None:
        self.query_one("#next").display = False
        self.send()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":
            return self.failed and not self._busy_now()
        if action == "look_up":
            return (
                self.outcome is not None
                and self.outcome.verdict is Verdict.UNKNOWN
                and self.outcome.can_look_up
                and not self._busy_now()
            )
        if action == "send_again":
            return (
                self.outcome is not None
                and self.outcome.verdict is Verdict.UNKNOWN
                and self.outcome.send_again_allowed
                and not self._busy_now()
            )
        return True

    def _busy_now(self) -> bool:
        return any(w is not None and w.is_running for w in (self.sending, self.looking))

    def retry_offered(self) -> bool:
        return self.failed

    # --- sending -----------------------------------------------------------------------------------------

    def send(self, *, after_look_up: bool = False) -> None:
        call = self.prepared.call
        self.outcome = None
        self.sent = False
        self.query_one("#progress", Static).update(
            f"Sending {call.method} {self.prepared.preview.url}…\nEsc cancels."
        )
        self.query_one("#outcome", Static).update("")
        self._busy(True)
        self.sending = self._send(after_look_up)

    @work(exclusive=True, group="submit", exit_on_error=False)
    async def _send(self, after_look_up: bool) -> None:
        provider, call = self.prepared.provider, self.prepared.call
        can_look_up = provider.find_call(self.prepared.mode, self.prepared.request) is not None
        if not after_look_up:
            earlier = await self.service.unsettled_attempts(self.prepared)
            if earlier:
                reason = (
                    f"An earlier attempt of this same request ({'; '.join(earlier)}) was sent and its "
                    "outcome is unknown. Nothing was sent now"
                )
                self._show(unknown(provider, call, reason, can_look_up=can_look_up))
                return
        try:
            async with self.service.client() as client:
                self.sent = True
                outcome = await client.submit(self.prepared)
        except asyncio.CancelledError:
            raise
        except TrunkwizardError as error:  # opening the client failed: nothing was sent
            outcome = judge_failure(provider, call, error, can_look_up=can_look_up)
        except Exception as error:  # never let a secret-bearing traceback reach the terminal
            reason = f"{call.method} {call.path} ended in an unexpected {type(error).__name__}"
            outcome = unknown(provider, call, reason, can_look_up=can_look_up)
        if outcome.verdict is Verdict.UNKNOWN:
            self.service.record_unknown(self.prepared)
        self._show(outcome)

    def _show(self, outcome: Outcome) -> None:
        self.outcome = outcome
        if outcome.created is not None:
            self.post_message(CreatedShown(self, outcome.created))
            return
        error = outcome.error
        if outcome.verdict is Verdict.REFUSED:
            if isinstance(error, AuthenticationFailed):
                self.post_message(BackToAccount(self, error))
                return
            if isinstance(error, ProviderError | ValidationFailed):
                self.post_message(BackToDetails(self, error))
                return
            self._report(
                "The request was refused: nothing was created.",
                f"{outcome.message}\n\nr sends it again · Esc goes back to the review.",
            )
            self.query_one("#next").focus()
            return
        keys = []
        if outcome.can_look_up:
            keys.append("l looks it up now (and again later)")
        if outcome.send_again_allowed:
            keys.append("s sends it again anyway (it may create a second one)")
        keys.append("Esc goes back to the review")
        self._report(
            "Unknown outcome: it may have been applied.", f"{outcome.message}\n\n" + " · ".join(keys) + "."
        )

    def _report(self, progress: str, outcome: str) -> None:
        self.query_one("#progress", Static).update(progress)
        self.query_one("#outcome", Static).update(outcome)
        self._busy(False)

    # --- looking up --------------------------------------------------------------------------------------

    @work(exclusive=True, group="look-up", exit_on_error=False)
    async def _look_up(self) -> None:
        assert self.outcome is not None
        before = self.outcome
        try:
            async with self.service.client() as client:
                outcome = await client.look_up(self.prepared, before)
        except asyncio.CancelledError:
            raise
        except TrunkwizardError as error:
            outcome = replace(before, message=f"{before.message} Looking it up failed: {error.message}")
        found = outcome.created.ref.id if outcome.created is not None else None
        if found is not None or outcome.looked_up_at is not None:
            await self.service.settle_attempts(self.prepared, found)
        if outcome.created is not None:
            self.outcome = outcome
            self.post_message(CreatedShown(self, outcome.created, recorded=True))
            return
        self._show(outcome)

    def action_look_up(self) -> None:
        if not self.check_action("look_up", ()):
            return
        self.query_one("#progress", Static).update(
            f"Looking for it at {self.prepared.provider.title} (a read, nothing is created)…\nEsc cancels."
        )
        self._busy(True)
        self.looking = self._look_up()

    def action_send_again(self) -> None:
        if self.check_action("send_again", ()):
            self.send(after_look_up=True)

    def action_back(self) -> None:
        if self.looking is not None and self.looking.is_running:
            self.looking.cancel()
            if self.outcome is not None:
                self._show(self.outcome)
            return
        if self.sending is not None and self.sending.is_running:
            self.sending.cancel()
            provider, call = self.prepared.provider, self.prepared.call
            if not self.sent:
                self.outcome = None
                self._report("Cancelled before anything was sent.", "Esc goes back to the review.")
                return
            can_look_up = provider.find_call(self.prepared.mode, self.prepared.request) is not None
            self.service.record_unknown(self.prepared)
            self._show(interrupted(provider, call, can_look_up=can_look_up))
            return
        self.app.pop_screen()

    def action_next(self) -> None:
        if self.failed:
            self.send()
