"""Connecting two providers from the start: the second side's form (what the first side will offer
filled in and locked), one review of both halves, and sending them in order.

The plan of both halves is the core's (trunkwizard.connect.joined): these screens render it and send
it; they hold no rule of their own and name no provider. Once the first side exists, the second side
goes on as from a result screen (screens/connect.py): retry, delete the first half, or keep it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from rich.console import Group
from rich.json import JSON
from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker

from trunkwizard.connect import PasswordRule
from trunkwizard.connect.joined import ConnectionPlan, ConnectionState, plan_connection, run_connection
from trunkwizard.errors import TrunkwizardError, ValidationFailed
from trunkwizard.fields import ProviderModel, problem_text
from trunkwizard.outcome import Verdict
from trunkwizard.providers import Mode, Provider, get_provider
from trunkwizard.tui.messages import ConnectionSent, JoinedReviewRequested, JoinedSubmitRequested
from trunkwizard.tui.screens.base import WizardScreen
from trunkwizard.tui.screens.connect import ConnectDetailsScreen
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.review import json_body
from trunkwizard.tui.screens.sending import SendingScreen
from trunkwizard.tui.services import Connections, DetailsSession, StepSession
from trunkwizard.tui.state import Connecting, Joining
from trunkwizard.tui.steps import Step

__all__ = [
    "FirstSideDetailsScreen",
    "JoinedDetailsScreen",
    "JoinedReviewScreen",
    "JoinedSubmitScreen",
    "joined_renderable",
]


class FirstSideDetailsScreen(DetailsScreen):
    """The first side's form when two providers are connected from the start: the same form, its
    heading saying which side comes next (ctrl+n goes on to it), and a generated password (ctrl+g)
    made for the rules of these two sides (the pair declares them), not of every side it could join."""

    def __init__(
        self,
        provider: Provider,
        mode: Mode,
        values: dict[str, object],
        then: str,
        rules: tuple[PasswordRule, ...],
        *,
        session: DetailsSession,
    ) -> None:
        super().__init__(provider, mode, values, session=session)
        self.then = then
        self.rules = rules

    def heading(self) -> str:
        return super().heading().replace(". * required", f", then {self.then}. * required")

    def password_rules(self) -> tuple[PasswordRule, ...] | None:
        return self.rules if super().password_rules() is not None else None

    def password_meant_for(self) -> str:
        return f"for both sides ({self.provider.title}, then {self.then})"


class JoinedDetailsScreen(ConnectDetailsScreen):
    """The second side's form before the first side exists: what the first side will offer is filled in
    and locked, a value its answer will give written `<from PROVIDER: WIRE>`; ctrl+o unlocks them on
    purpose (a value changed then is sent instead of the offered one). ctrl+n reviews both halves."""

    def __init__(
        self,
        provider: Provider,
        mode: Mode,
        values: dict[str, object],
        connecting: Connecting,
        joining: Joining,
        account: ProviderModel,
        *,
        session: DetailsSession,
    ) -> None:
        super().__init__(provider, mode, values, connecting, session=session)
        self.joining = joining
        self.account = account

    def heading(self) -> str:
        first = self.joining.first_provider.title
        return f"{self.provider.title} · {self.mode.title}: second side, from {first}. * required"

    def on_mount(self) -> None:
        if self.joining.changed_offered:
            # after every class's on_mount (Textual calls each, this one first): the base locks them
            self.call_later(self._changed_as_left)

    def _changed_as_left(self) -> None:
        """Unlocked and changed before this form was left: still so, not the offered values locked (and
        no second "unlocked" toast: that was said when ctrl+o was pressed)."""
        self.unlock(self.joining.changed_offered)

    def remember(self) -> None:
        super().remember()
        values = self.form.values()
        self.joining.changed_offered = {wire: values[wire] for wire in self.changed_offered()}

    def status_hint(self) -> str:
        return f"{self.lock_hint()} · ctrl+n reviews both"

    def changed_offered(self) -> dict[str, Any]:
        """The offered values unlocked and changed here (answers): sent instead of the offered ones."""
        if not self.unlocked:
            return {}
        answers = self.form.answers()
        return {
            wire: answers.get(wire)
            for wire in self.connecting.filled.answers
            if wire in self.form.rows and self.changed_here(wire) and self.form.shown(wire)
        }

    def typed_values(self) -> dict[str, Any]:
        """What was typed here: every editor's value but the offered ones."""
        offered = self.connecting.filled.answers
        return {wire: value for wire, value in self.form.values().items() if wire not in offered}

    def remembered_values(self) -> dict[str, Any]:
        # what the first side will offer ("<from ...>") is no answer: this mode's plain form, or a draft,
        # must not start with it
        return self.typed_values()

    def action_next(self) -> None:
        joining = self.joining
        assert joining.first is not None and joining.need is not None and joining.first_account is not None
        offered = self.connecting.filled.answers
        changed = self.changed_offered()
        typed = {wire: value for wire, value in self.form.answers().items() if wire not in offered}
        typed.update({wire: value for wire, value in changed.items() if value is not None})
        try:
            plan = plan_connection(
                joining.first,
                joining.offering,
                self.provider,
                joining.need,
                typed,
                self.account,
                joining.first_account,
                unlocked=changed,
            )
        except ValidationFailed as failure:
            carried = [p for p in failure.problems if p.field in offered and p.field not in changed]
            headline = None
            if carried:  # locked: unlocked on purpose here, or changed on the first side
                first, many = joining.first_provider.title, len(carried) > 1
                headline = (
                    f"{len(carried)} value{'s' if many else ''} carried from {first} "
                    f"{'fail' if many else 'fails'} this side's rules (see under "
                    f"{'them' if many else 'it'}): "
                    f"{'type another here' if self.unlocked else 'ctrl+o unlocks to type another'}, or "
                    "change it on the first side (Esc)."
                )
            self.show_problems(failure.problems, headline=headline)
            return
        problems = plan.password_problems()
        if problems:
            self.set_banner(
                "The password typed for the first side misses this side's rules: "
                + "; ".join(problems)
                + ". Go back to that form (Esc twice); ctrl+g there makes one that meets both."
            )
            return
        self.set_banner(None)
        self.post_message(JoinedReviewRequested(self, plan))


def joined_renderable(plan: ConnectionPlan, *, sixteen_colours: bool = False) -> Group:
    """Every call of both halves, in order: which side, method, URL, headers, body. A value the first
    side's answer gives is shown as `<from PROVIDER: WIRE>`; secrets are masked. In 16 colours the body's
    keys take the terminal's own foreground, as in the one-side review."""
    parts: list[Text | JSON] = []
    calls = plan.calls()
    for index, call in enumerate(calls, start=1):
        head = Text()
        if index > 1:
            head.append("\n")
        title = get_provider(call["provider"]).title
        head.append(f"Call {index} of {len(calls)} · {title} {call['step']}", style="bold reverse")
        head.append(f"\n{call['method']} ", style="bold")
        head.append(call["url"])
        for name, value in call["headers"].items():
            head.append(f"\n{name}: ", style="bold")
            head.append(str(value))
        parts.append(head)
        if call["json"] is not None:
            parts.append(Text(""))
            parts.append(json_body(call["json"], sixteen_colours=sixteen_colours))
    return Group(*parts)


def _warnings(plan: ConnectionPlan) -> Text:
    text = Text()
    for prepared in (plan.first, plan.second_preview):
        for warning in prepared.warnings:
            text.append("⚠ ", style="bold")
            text.append(f"{problem_text(prepared.mode.fields, warning)}\n")
    return text


class JoinedReviewScreen(WizardScreen):
    """Both halves reviewed as one: the first side's calls, the reads its offer is made from, then the
    second side's calls. Enter sends them in order."""

    STEP = Step.REVIEW
    NEXT_LABEL = "Submit"
    NEXT_TIP = "sends both halves, in the order shown. Enter presses it, as Enter does anywhere here."
    BINDINGS = [
        Binding("enter", "next", "Submit both", id="submit"),
        Binding("ctrl+n", "next", "Submit both", show=False, id="next"),
    ]

    def __init__(self, plan: ConnectionPlan, *, session: StepSession, sixteen_colours: bool = False) -> None:
        super().__init__(session=session)
        self.plan = plan
        self.sixteen_colours = sixteen_colours

    def heading(self) -> str:
        first, second = self.plan.first_provider.title, self.plan.second_provider.title
        return f"Review both halves: {first}, then {second}. Secrets show as ********."

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="preview-scroll"):
            if self.plan.first.warnings or self.plan.second_preview.warnings:
                yield Static(_warnings(self.plan), id="review-warnings")
            yield Static(joined_renderable(self.plan, sixteen_colours=self.sixteen_colours), id="preview")

    def on_mount(self) -> None:
        self.query_one("#preview-scroll").focus()
        self.set_status(f"Enter sends all {len(self.plan.calls())} calls in order · Esc goes back")

    def action_next(self) -> None:
        self.post_message(JoinedSubmitRequested(self, self.plan))


class JoinedSubmitScreen(SendingScreen):
    """Send both halves in order (trunkwizard.connect.joined.run_connection). The second half is sent
    only once the first exists; when the first exists the app takes over (ConnectionSent). When the
    first half fails nothing exists: a refusal may be sent again (r); an unknown outcome is recorded."""

    BINDINGS = [
        Binding("escape", "back", "Cancel", id="cancel"),
        Binding("r", "next", "Retry", id="retry"),
        Binding("ctrl+n", "next", "Retry", show=False, id="next"),
    ]

    def __init__(
        self, plan: ConnectionPlan, service: Connections, *, session: StepSession, spinner: bool = True
    ) -> None:
        super().__init__(spinner=spinner, session=session)
        self.plan = plan
        self.service = service
        self.sending: Worker[None] | None = None
        self.sent = False  # the first create may have left: a cancel from now on is an unknown outcome
        self.refused = False  # the first side refused: nothing exists, `r` sends again

    def heading(self) -> str:
        first, second = self.plan.first_provider.title, self.plan.second_provider.title
        return f"Submitting both halves: {first}, then {second}"

    def on_mount(self) -> None:
        self.send()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":
            return self.refused and not self._busy_now()
        return True

    def _busy_now(self) -> bool:
        return self.sending is not None and self.sending.is_running

    def retry_offered(self) -> bool:
        return self.refused

    def send(self) -> None:
        self.refused = False
        calls = len(self.plan.calls())
        self.query_one("#progress", Static).update(
            f"Sending {calls} calls: {self.plan.first_provider.title} first, then "
            f"{self.plan.second_provider.title} with what it answers…\nEsc cancels."
        )
        self.query_one("#outcome", Static).update("")
        self._busy(True)
        self.sending = self._send()

    @work(exclusive=True, group="submit", exit_on_error=False)
    async def _send(self) -> None:
        plan = self.plan
        earlier = await self.service.unsettled_attempts(plan.first)
        if earlier:
            self._report(
                "Nothing was sent.",
                f"An earlier attempt of the first half ({'; '.join(earlier)}) was sent and its outcome is "
                "unknown: look for it at the provider or in the history (F3) first.\n\nEsc goes back.",
            )
            return
        first_client = self.service.client_for(plan.first_provider, plan.first_account)
        second_client = self.service.client_for(plan.second_provider, plan.second_account)
        try:
            async with first_client as first, second_client as second:
                self.sent = True
                result = await run_connection(plan, first, second)
        except asyncio.CancelledError:
            raise
        except TrunkwizardError as error:
            if self.sent:
                self._unknown(error.message)
            else:
                self._report("Nothing was sent.", f"{error.message}\n\nEsc goes back to the review.")
            return
        except Exception as error:  # never let a secret-bearing traceback reach the terminal
            self._unknown(f"sending ended in an unexpected {type(error).__name__}")
            return
        if result.state is not ConnectionState.FIRST_FAILED:
            self.post_message(ConnectionSent(self, plan, result))
            return
        outcome = result.first
        if outcome.verdict is Verdict.UNKNOWN:
            self._unknown(outcome.message)
            return
        self.refused = True
        self._report(
            f"{plan.first_provider.title} refused the first half: nothing was created.",
            f"{outcome.message}\n\nNothing was sent to {plan.second_provider.title}. "
            "r sends both again · Esc goes back to the review (answers kept).",
        )

    def _unknown(self, message: str) -> None:
        self.service.record_unknown(self.plan.first)
        self._report(
            "Unknown outcome: the first half may have been created.",
            f"{message}\n\nNothing more is sent. Look for it at the provider or in the history (F3) "
            "before sending again. Esc goes back to the review.",
        )

    def _report(self, progress: str, outcome: str) -> None:
        self.query_one("#progress", Static).update(progress)
        self.query_one("#outcome", Static).update(outcome)
        self._busy(False)

    def action_next(self) -> None:
        if self.check_action("next", ()):
            self.send()

    def action_back(self) -> None:
        if self.sending is not None and self.sending.is_running:
            self.sending.cancel()
            if self.sent:
                self._unknown("Cancelled while sending.")
            else:
                self._report("Cancelled before anything was sent.", "Esc goes back to the review.")
            return
        self.app.pop_screen()
