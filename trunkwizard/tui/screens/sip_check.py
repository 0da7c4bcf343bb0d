"""Check the SIP side of a request: DNS and SIP OPTIONS to the host the provider's plan names (and through
its outbound proxy), and, only after an explicit confirmation, a REGISTER with the entered credentials.

The checks run in a worker under the preflight's overall time limit; each result shows as it arrives,
Esc cancels, and the screen never waits on the network.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from typing import Protocol

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from trunkwizard.errors import TrunkwizardError
from trunkwizard.preflight import (
    TEST_BINDING_SECONDS,
    CheckResult,
    CheckStatus,
    PreflightTarget,
    planned_checks,
)
from trunkwizard.preflight.checks import OnResult
from trunkwizard.providers import SipCheckPlan
from trunkwizard.redact import redact
from trunkwizard.tui.stylesheets import SIP_CHECK
from trunkwizard.tui.widgets.check_row import CheckRow
from trunkwizard.tui.widgets.compact_button import CompactButton

__all__ = ["CheckRunner", "RegisterConfirmScreen", "SipCheckScreen"]


class CheckRunner(Protocol):
    """`trunkwizard.preflight.run_checks`, or a stand-in that delivers fixed results (snapshots)."""

    def __call__(
        self, target: PreflightTarget, *, on_result: OnResult | None = None
    ) -> Awaitable[list[CheckResult]]: ...


def _default_runner() -> CheckRunner:
    from trunkwizard.preflight import run_checks

    return run_checks


class RegisterConfirmScreen(ModalScreen[bool]):
    """Asks before any credential leaves: names the host and the user. y sends; n or Esc does not."""

    CSS_PATH = SIP_CHECK
    BINDINGS = [
        Binding("y", "answer(True)", "Send REGISTER", id="register-yes"),
        Binding("n,escape", "answer(False)", "Cancel", id="register-no"),
    ]

    def __init__(self, plan: SipCheckPlan) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        plan = self.plan
        text = Text()
        text.append("To:   ", style="bold")
        text.append(f"{plan.title}, {plan.address}\n")
        text.append("User: ", style="bold")
        text.append(f"{plan.register_user}, with the password entered in the form\n\n")
        text.append(
            "The registrar sees one login attempt. When it accepts, trunkwizard unregisters again at once "
            f"(the test binding asks for {TEST_BINDING_SECONDS} s, or the registrar's minimum, and expires "
            "by itself). Some PBXs and SBCs block an address after a few failed logins: send it once, "
            "not in a loop."
        )
        with Vertical(id="register-box"):
            yield Static(f"Send a REGISTER to {plan.host}?", id="register-title", markup=False)
            yield Static(text, id="register-text", markup=False)
            with Horizontal(id="register-buttons"):
                yield CompactButton("Cancel (n)", id="register-cancel")
                yield CompactButton("Send REGISTER (y)", id="register-send", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#register-cancel").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "register-send")

    def action_answer(self, send: bool) -> None:
        self.dismiss(send)


class SipCheckScreen(Screen[None]):
    """The plans a provider named for this request; Enter checks the highlighted one, r adds a REGISTER."""

    CSS_PATH = SIP_CHECK
    AUTO_FOCUS = "#sip-plans"
    BINDINGS = [
        Binding("escape", "back", "Back", id="sip-back"),
        Binding("enter", "run", "Check", id="sip-run"),
        Binding("r", "register", "REGISTER…", id="sip-register"),
        Binding("d", "toggle_details", "Details", id="sip-details"),
    ]

    def __init__(
        self,
        plans: Sequence[SipCheckPlan],
        *,
        submitted: bool,
        sandbox: bool = False,
        ca_file: str | None = None,
        overall_timeout: float = 10.0,
        runner: CheckRunner | None = None,
        hints: Mapping[str, str] | None = None,
        stage: str | None = None,
    ) -> None:
        """`ca_file`: CA certificates to trust for TLS peers besides the system's (the profile's).
        `hints`: the provider's words per check outcome, shown under a result with that outcome.
        `stage`: when the check runs, for the heading ("after the rotation"; default: before or after
        submit)."""
        super().__init__()
        self.stage = stage
        self.hints: Mapping[str, str] = hints or {}
        self.plans = list(plans)
        self.submitted = submitted
        self.sandbox = sandbox
        self.ca_file = ca_file
        self.overall_timeout = overall_timeout
        self.runner = runner or _default_runner()
        self.checking: Worker[None] | None = None
        self.show_details = False

    # --- layout -------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        stage = self.stage or ("after submit" if self.submitted else "before submit")
        badge = " · SANDBOX" if self.sandbox else ""
        yield Static(f"Check the SIP side ({stage}){badge}", id="sip-heading", markup=False)
        yield Static(
            "Contacts only this host (and its proxy). A REGISTER only after you confirm.",
            id="sip-intro",
            markup=False,
        )
        yield OptionList(*self._options(), id="sip-plans")
        yield Static("", id="sip-plan-note", markup=False)
        yield VerticalScroll(id="sip-results")
        yield Static("", id="sip-status", markup=False)
        yield Footer()

    def _options(self) -> Iterable[Option]:
        for index, plan in enumerate(self.plans):
            prompt = Text()
            prompt.append(plan.title, style="bold")
            prompt.append(f"  {plan.address}")
            if self._blocked(plan):
                prompt.append("  (not in the sandbox)", style="italic")
            yield Option(prompt, id=f"plan-{index}")

    def on_mount(self) -> None:
        plans = self.query_one("#sip-plans", OptionList)
        plans.highlighted = 0
        self._describe(self.plans[0])
        if len(self.plans) == 1 and not self._blocked(self.plans[0]):
            self.start(self.plans[0], register=False)
        elif all(self._blocked(plan) for plan in self.plans):
            # nothing here can be checked: no "pick one and press Enter" that leads nowhere
            self.set_status("Nothing to check in the sandbox: Esc back.")
        else:
            self.set_status("Pick the host to check and press Enter.")

    # --- what the highlighted plan offers ------------------------------------------------------------

    @property
    def plan(self) -> SipCheckPlan:
        index = self.query_one("#sip-plans", OptionList).highlighted
        return self.plans[index or 0]

    def _blocked(self, plan: SipCheckPlan) -> bool:
        return self.sandbox and plan.sandbox_refusal() is not None

    def _describe(self, plan: SipCheckPlan) -> None:
        note = self.query_one("#sip-plan-note", Static)
        blocked = self._blocked(plan)
        if blocked:
            text = f"SANDBOX: {plan.sandbox_refusal()}. Run trunkwizard without --sandbox to check it."
        elif plan.can_register:
            text = f"{plan.note} r sends a REGISTER as {plan.register_user} (asks first).".strip()
        else:
            text = f"{plan.note} No REGISTER: nothing to register with.".strip()
        note.update(text)
        note.set_class(blocked, "-blocked")
        self.refresh_bindings()

    @on(OptionList.OptionHighlighted, "#sip-plans")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._describe(self.plans[event.option_index])

    @on(OptionList.OptionSelected, "#sip-plans")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_run()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted or not self.plans:
            return True
        if action == "register":
            plan = self.plan
            return plan.can_register and not self._blocked(plan)
        if action == "toggle_details":
            return bool(self.query(CheckRow))
        return True

    # --- running ---------------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.checking is not None and self.checking.is_running

    def set_status(self, message: str) -> None:
        self.query_one("#sip-status", Static).update(message)

    def start(self, plan: SipCheckPlan, *, register: bool) -> None:
        if self._blocked(plan):
            self.set_status("Not checked in the sandbox: the note above says why. Esc back.")
            return
        try:
            target = plan.target(
                register=register, ca_file=self.ca_file, overall_timeout=self.overall_timeout
            )
        except TrunkwizardError as error:
            self.set_status(f"Cannot check: {error.message}")
            return
        what = "DNS, OPTIONS and REGISTER" if register else "DNS and OPTIONS"
        self.set_status(f"Checking {what} for {plan.address}… Esc cancels.")
        self.checking = self._check(target)

    @work(exclusive=True, group="sip-check", exit_on_error=False)
    async def _check(self, target: PreflightTarget) -> None:
        results = self.query_one("#sip-results", VerticalScroll)
        await results.remove_children()
        rows = [CheckRow(name) for name in planned_checks(target)]
        for row in rows:
            row.show_details = self.show_details
        await results.mount_all(rows)
        self.refresh_bindings()
        try:
            found = await self.runner(target, on_result=self._show_result)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a secret-bearing traceback must never reach the screen
            self._stop_rows("not finished")
            self.set_status(redact(f"The check stopped: {type(error).__name__}: {error}"))
            return
        self.set_status(_tally(found))
        # At 80x24 the explanation of a failure may sit below the fold: bring the first one into view.
        failed = [row for row in rows if row.result is not None and row.result.failed]
        if failed:
            self.call_after_refresh(results.scroll_to_widget, failed[0], animate=False, top=True)

    def _show_result(self, result: CheckResult) -> None:
        result = result.with_hints(self.hints)
        for row in self.query(CheckRow):
            if row.check_name == result.name:
                row.show_result(result)

    def _stop_rows(self, reason: str) -> None:
        for row in self.query(CheckRow):
            row.show_stopped(reason)

    # --- keys ----------------------------------------------------------------------------------------

    def action_run(self) -> None:
        self.start(self.plan, register=False)

    def action_register(self) -> None:
        plan = self.plan
        if not plan.can_register or self._blocked(plan):
            return

        def answered(send: bool | None) -> None:
            if send:
                self.start(plan, register=True)
            else:
                self.set_status("REGISTER not sent.")

        self.app.push_screen(RegisterConfirmScreen(plan), answered)

    def action_toggle_details(self) -> None:
        self.show_details = not self.show_details
        for row in self.query(CheckRow):
            row.set_details(self.show_details)

    def action_back(self) -> None:
        if self.running:
            assert self.checking is not None
            self.checking.cancel()
            self._stop_rows("cancelled")
            self.set_status("Cancelled. Enter checks again; Esc goes back.")
            return
        self.app.pop_screen()


def _tally(results: Sequence[CheckResult]) -> str:
    counts = {status: sum(r.status is status for r in results) for status in CheckStatus}
    passed, warned, failed = (counts[s] for s in (CheckStatus.PASS, CheckStatus.WARN, CheckStatus.FAIL))
    skipped = f", {counts[CheckStatus.SKIP]} skipped" if counts[CheckStatus.SKIP] else ""
    return f"Done: {passed} passed, {warned} warned, {failed} failed{skipped}. Enter checks again."
