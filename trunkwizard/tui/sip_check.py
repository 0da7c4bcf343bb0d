"""The "Check SIP side" entry point for the review and result screens: which plans apply, the key's
action and the command palette entry. The plans come from the provider (`Provider.sip_targets`), so
nothing here knows a provider.

A screen offers the check with three small hooks, and the app opens it (`open_sip_check`):

    COMMANDS = {SipCheckCommands}
    BINDINGS = [..., Binding("p", "check_sip", "Check SIP", show=False)]
    def action_check_sip(self) -> None:
        self.post_message(SipCheckRequested(self, submitted=False))   # True on the result screen
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from trunkwizard.providers import SipCheckPlan
    from trunkwizard.tui.app import WizardApp
    from trunkwizard.tui.screens.sip_check import CheckRunner, SipCheckScreen
    from trunkwizard.tui.state import WizardState

__all__ = [
    "COMMAND_TITLE",
    "SipCheckCommands",
    "open_sip_check",
    "plans_for",
    "profile_ca_file",
    "sip_check_screen",
]

log = logging.getLogger("trunkwizard.tui")

COMMAND_TITLE = "Check SIP side"
COMMAND_HELP = "DNS and SIP OPTIONS to the host entered; a REGISTER only after you confirm"


def plans_for(state: WizardState, *, submitted: bool) -> list[SipCheckPlan]:
    """The provider's plans for the request in `state` that apply before (or after) submitting."""
    prepared, account = state.prepared, state.account
    if prepared is None or account is None:
        return []
    created = state.created if submitted else None
    plans = prepared.provider.sip_targets(prepared.mode, prepared.request, account, created)
    connecting = state.connecting
    if created is not None and connecting is not None and connecting.targets(created.ref.provider):
        # the other side was created from an offer: check the joined connection first (as the CLI's
        # `connect --check` and `check --connection` do)
        from trunkwizard.connect.joined import connection_check_plans

        return connection_check_plans(connecting.offer, plans)
    return [plan for plan in plans if plan.applies(submitted=submitted)]


class _ChosenProfiles(Protocol):
    def ca_file(self, provider_key: str) -> str | None: ...


def profile_ca_file(app: WizardApp) -> str | None:
    """The CA file (PEM) of the profile in use, trusted besides the system's CAs for TLS peers: the
    profile picked on the account step when the app keeps profiles, else the one named at start."""
    provider = app.state.provider
    chosen = getattr(app, "profile_accounts", None)
    if provider is not None and chosen is not None and hasattr(chosen, "ca_file"):
        found: str | None = cast(_ChosenProfiles, chosen).ca_file(provider.key)
        if found:
            return found
    if not app.profile:
        return None
    from trunkwizard.errors import TrunkwizardError
    from trunkwizard.store.profiles import ProfileStore

    try:
        profile = ProfileStore().find(app.profile)
    except (OSError, TrunkwizardError) as error:
        log.warning("no CA file for the SIP check: profile %s unreadable: %s", app.profile, error)
        return None
    return profile.ca_file if profile is not None else None


def sip_check_screen(
    app: WizardApp, *, submitted: bool, runner: CheckRunner | None = None
) -> SipCheckScreen | None:
    """The check screen for the wizard's current request, or None when the provider names no SIP peer."""
    from trunkwizard.tui.screens.sip_check import SipCheckScreen

    plans = plans_for(app.state, submitted=submitted)
    if not plans:
        return None
    prepared = app.state.prepared
    return SipCheckScreen(
        plans,
        submitted=submitted,
        sandbox=app.sandbox,
        ca_file=profile_ca_file(app),
        runner=runner,
        hints=prepared.provider.sip_hints if prepared is not None else None,
    )


def open_sip_check(app: WizardApp, *, submitted: bool) -> None:
    screen = sip_check_screen(app, submitted=submitted)
    if screen is None:
        when = "after submitting" if submitted else "before submitting"
        app.notify(f"This request has no SIP host to check {when}.", timeout=5)
        return
    app.push_screen(screen)


class SipCheckCommands(Provider):
    """The palette entry; it runs the calling screen's `check_sip` action."""

    async def discover(self) -> Hits:
        yield DiscoveryHit(COMMAND_TITLE, self._open, help=COMMAND_HELP)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        score = matcher.match(COMMAND_TITLE)
        if score > 0:
            yield Hit(score, matcher.highlight(COMMAND_TITLE), self._open, help=COMMAND_HELP)

    async def _open(self) -> None:
        await self.screen.run_action("check_sip")
