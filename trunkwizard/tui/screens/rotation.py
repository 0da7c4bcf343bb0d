"""Rotate the password of both sides of a connection from the inventory: the other side is looked for
(the connection the history records, else the same username and host at another provider), the plan
shows the ordered updates and why that order, ctrl+n sends them, and the SIP check follows. If the
second update fails the screen says which side holds which password, and r retries it or b puts the
old password back on the first side.

The screen renders what trunkwizard.connect.rotation decides; it names no provider, and what it needs
from the wizard is passed to it (tui/services.Rotating).
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from trunkwizard.errors import ProviderError, TrunkwizardError
from trunkwizard.redact import redact

if TYPE_CHECKING:
    from trunkwizard.client import ProviderClient
    from trunkwizard.connect.rotation import JoinedRotation, OtherSide, RotationResult
    from trunkwizard.fields import ProviderModel
    from trunkwizard.inventory import Details
    from trunkwizard.providers import Provider
    from trunkwizard.tui.services import Rotating

__all__ = ["RotationClosed", "RotationScreen"]


@dataclass(frozen=True)
class RotationClosed:
    """How the screen closed: `alone` says why only this side can be rotated (no other side found);
    `sent` that updates were sent (what the caller showed before is stale)."""

    alone: str = ""
    sent: bool = False


class RotationScreen(Screen[RotationClosed]):
    """Closed with `RotationClosed.alone` when no other side is found (the caller rotates this side)."""

    DEFAULT_CSS = """
    RotationScreen { layout: vertical; }
    #rotation-heading { height: auto; padding: 0 1; text-style: bold; }
    #rotation-banner { height: auto; padding: 0 1; color: $text-error; display: none; }
    #rotation-banner.-shown { display: block; }
    #rotation-scroll { height: 1fr; margin: 0 1; }
    #rotation-hint { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "Back", id="rotation-back"),
        Binding("ctrl+n", "send", "Rotate both", id="rotation-send"),
        Binding("r", "retry", "Retry 2nd", id="rotation-retry"),
        Binding("b", "put_back", "Put old back", id="rotation-put-back"),
        Binding("p", "check", "SIP check", id="rotation-check"),
        Binding("ctrl+t", "reveal", "Show password", id="rotation-reveal"),
    ]

    def __init__(
        self, provider: Provider, details: Details, account: ProviderModel, service: Rotating
    ) -> None:
        super().__init__()
        self.provider = provider
        self.details = details
        self.account = account
        self.service = service
        self.rotation: JoinedRotation | None = None
        self.result: RotationResult | None = None
        # the two sides' accounts, in the rotation's order
        self.accounts: list[tuple[Provider, ProviderModel]] = []
        self.busy = True
        self.revealed = False

    def compose(self) -> ComposeResult:
        from trunkwizard.connect.rotation import resource_name

        name = resource_name(self.provider, self.details)
        yield Static(f"Rotate the password of {name}", id="rotation-heading", markup=False)
        yield Static("", id="rotation-banner", markup=False)
        with VerticalScroll(id="rotation-scroll"):
            yield Static("Looking for the other side of its connection…", id="rotation-text", markup=False)
        yield Static("Esc back", id="rotation-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#rotation-scroll").focus()
        self.find()

    # --- which keys apply now ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        from trunkwizard.connect.rotation import RotationState

        state = self.result.state if self.result is not None else None
        if action == "send":
            return self.rotation is not None and self.result is None and not self.busy
        if action == "retry":
            return state is RotationState.FIRST_ONLY and not self.busy
        if action == "put_back":
            known = self.rotation is not None and self.rotation.old_password is not None
            return state is RotationState.FIRST_ONLY and known and not self.busy
        if action == "check":
            return (
                state is RotationState.BOTH and self.rotation is not None and self.rotation.offer is not None
            )
        if action == "reveal":
            return state in (RotationState.BOTH, RotationState.FIRST_ONLY)
        return True

    def set_busy(self, busy: bool, hint: str) -> None:
        self.busy = busy
        self.query_one("#rotation-hint", Static).update(hint)
        self.refresh_bindings()

    def set_banner(self, message: str | None) -> None:
        banner = self.query_one("#rotation-banner", Static)
        banner.update(f"✗ {redact(message)}" if message else "")
        banner.set_class(bool(message), "-shown")

    # --- finding the other side and planning ---------------------------------------------------------

    def client(self, provider: Provider, account: ProviderModel) -> ProviderClient:
        return self.service.client_for(provider, account)

    @work(group="rotation", exclusive=True, exit_on_error=False)
    async def find(self) -> None:
        from trunkwizard.connect.rotation import plan_joined_rotation, read_offer_of
        from trunkwizard.inventory import show

        self.set_busy(True, "looking in the history, then for the same username and host… Esc back")
        try:
            async with AsyncExitStack() as stack:
                client = await stack.enter_async_context(self.client(self.provider, self.account))
                other = await self._other_side(client, stack)
                if other is None:
                    self.dismiss(
                        RotationClosed(
                            "No other side of a connection was found (none in the history, no other "
                            "resource with its username and host in the accounts open here): only this "
                            "side is rotated."
                        )
                    )
                    return
                other_provider, other_account = await self._other_account(other)
                if other_account is None:
                    self.dismiss(
                        RotationClosed(
                            f"The other side ({other_provider.title} {other.key}, found by "
                            f"{other.found_by}) is in an account not open in this session: only this side "
                            "is rotated."
                        )
                    )
                    return
                other_client = await stack.enter_async_context(self.client(other_provider, other_account))
                try:
                    theirs = await show(other_client, other.key)
                except ProviderError as gone:
                    if gone.status != 404:
                        raise
                    # deleted since the connection was recorded (F8 in the inventory does not tell the
                    # history): nothing to keep in step, as when no other side is found
                    self.dismiss(
                        RotationClosed(
                            f"The other side {other.found_by} ({other_provider.title} {other.key}) no "
                            "longer exists: only this side is rotated."
                        )
                    )
                    return
                offer = await read_offer_of(client, self.details) or await read_offer_of(other_client, theirs)
                self.rotation = plan_joined_rotation(
                    self.details, self.provider, theirs, other_provider, found_by=other.found_by, offer=offer
                )
        except TrunkwizardError as exc:
            self.set_banner(exc.message)
            self.set_busy(False, "Esc back")
            return
        mine = (self.provider, self.account)
        ordered = [mine, (other_provider, other_account)]
        if self.rotation.sides[0].details is not self.details:
            ordered.reverse()
        self.accounts = ordered
        self.show_plan()

    async def _other_side(self, client: ProviderClient, stack: AsyncExitStack) -> OtherSide | None:
        from trunkwizard.connect.rotation import matched_other_side, pairs_with, recorded_other_side
        from trunkwizard.providers import all_providers

        entries = await asyncio.to_thread(self.service.history_entries)
        recorded = recorded_other_side(self.provider, self.details.ref, entries)
        if recorded is not None:
            return recorded
        others: dict[str, ProviderClient] = {}
        for other in all_providers():
            if other.listing is None or not pairs_with(self.provider, other):
                continue
            account = await asyncio.to_thread(self.service.other_account, other, None)
            if account is not None:
                others[other.key] = await stack.enter_async_context(self.client(other, account))
        return await matched_other_side(self.provider, self.details, client, others)

    async def _other_account(self, other: OtherSide) -> tuple[Provider, ProviderModel | None]:
        from trunkwizard.providers import get_provider

        provider = get_provider(other.provider)
        return provider, await asyncio.to_thread(self.service.other_account, provider, other.profile)

    def show_plan(self) -> None:
        assert self.rotation is not None
        text = Text()
        text.append("Both sides get one new password, in this order\n\n", style="bold")
        for line in self.rotation.lines():
            text.append(f"{line}\n")
        self.query_one("#rotation-text", Static).update(text)
        self.set_busy(False, "ctrl+n rotates both · Esc back (nothing sent)")

    # --- sending -------------------------------------------------------------------------------------

    def action_send(self) -> None:
        if self.rotation is not None and self.result is None and not self.busy:
            self.send(0)

    def action_retry(self) -> None:
        if self.result is not None and not self.busy:
            self.send(self.result.done)

    @work(group="rotation", exclusive=True, exit_on_error=False)
    async def send(self, start: int) -> None:
        from trunkwizard.connect.rotation import run_rotation

        assert self.rotation is not None
        self.set_busy(True, "sending the updates in order…")
        try:
            async with AsyncExitStack() as stack:
                clients = [await stack.enter_async_context(self.client(p, a)) for p, a in self.accounts]
                self.result = await run_rotation(self.rotation, clients, start=start)
        except TrunkwizardError as exc:  # a read-only side: refused before anything was sent
            self.set_banner(exc.message)
            self.set_busy(False, "Esc back (nothing was sent)")
            return
        self.show_result()

    def action_put_back(self) -> None:
        if self.result is not None and not self.busy:
            self.put_back_old()

    @work(group="rotation", exclusive=True, exit_on_error=False)
    async def put_back_old(self) -> None:
        from trunkwizard.connect.rotation import put_back

        assert self.result is not None
        self.set_busy(True, "putting the old password back on the first side…")
        provider, account = self.accounts[0]
        async with self.client(provider, account) as client:
            self.result = await put_back(self.result, client)
        self.show_result()

    def show_result(self) -> None:
        from trunkwizard.connect.rotation import RotationState

        result, rotation = self.result, self.rotation
        assert result is not None and rotation is not None
        state = result.state
        text = Text()
        heading = {
            RotationState.BOTH: "Done: both sides hold the new password",
            RotationState.FIRST_ONLY: "Stopped half way: the second update failed",
            RotationState.NOTHING: "Nothing changed: the first update failed",
            RotationState.PUT_BACK: "Undone: the old password is back on the first side",
        }[state]
        text.append(f"{heading}\n\n", style="bold")
        mismatched = state is RotationState.FIRST_ONLY
        for line in result.holds():
            text.append(f"  {line}\n", style="bold red" if mismatched and "OLD" in line else "")
        # the error itself is in the banner above
        ways = result.way_back()
        if ways:
            text.append("\nThe way back\n", style="bold")
            keys = {"retry": "r", "put back": "b"}
            for way in ways:
                key = keys.get(way.split(":", 1)[0])
                text.append(f"  {key} {way}\n" if key else f"  {way}\n")
        self.set_banner(None if state is RotationState.BOTH else result.error or None)
        self.query_one("#rotation-text", Static).update(text)
        hints = {
            RotationState.BOTH: "p SIP check · ctrl+t shows the new password · Esc back",
            RotationState.FIRST_ONLY: "r retries · b puts the old one back · ctrl+t shows the new · Esc",
            RotationState.NOTHING: "Esc back (both sides keep the old password)",
            RotationState.PUT_BACK: "Esc back",
        }
        self.set_busy(False, hints[state])
        if state is RotationState.BOTH:
            self.action_check()

    # --- afterwards ----------------------------------------------------------------------------------

    def action_check(self) -> None:
        """The existing SIP check, of the registrar with the new password (a REGISTER only on confirm)."""
        from trunkwizard.tui.screens.sip_check import SipCheckScreen

        if self.rotation is None or (plan := self.rotation.check_plan()) is None:
            return
        hints = self.rotation.sides[0].provider.sip_hints
        self.app.push_screen(
            SipCheckScreen(
                [plan], submitted=True, sandbox=self.service.sandbox, hints=hints, stage="after the rotation"
            )
        )

    def action_reveal(self) -> None:
        if self.rotation is None or self.result is None:
            return
        self.revealed = not self.revealed
        shown = self.rotation.password.get_secret_value() if self.revealed else "(hidden: ctrl+t shows it)"
        self.query_one("#rotation-hint", Static).update(f"New password: {shown} · Esc back")

    def action_close(self) -> None:
        self.revealed = False
        self.dismiss(RotationClosed(sent=self.result is not None))
