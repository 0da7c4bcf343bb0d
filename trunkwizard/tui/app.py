"""The wizard application: the flow between steps, the session's services, quitting safely.

    run_app(sandbox=True)  ->  exit code

Only the first screen's modules are imported before it is drawn; the provider registry, the HTTP
client and the sandbox load afterwards (see screens/provider.py).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual.actions import SkipAction
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.filter import LineFilter, Monochrome, NoColor
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Input, Select

from trunkwizard.redact import redact
from trunkwizard.tui.accounts import AccountSource, NoSavedAccounts
from trunkwizard.tui.commands import CommandSource
from trunkwizard.tui.screens.base import WizardScreen
from trunkwizard.tui.screens.provider import ProviderLoading, ProviderScreen
from trunkwizard.tui.state import WizardState
from trunkwizard.tui.steps import Step
from trunkwizard.tui.terminal import TerminalProfile

if TYPE_CHECKING:
    import httpx
    from pydantic import SecretStr
    from textual.events import DescendantFocus

    from trunkwizard.client import PreparedRequest, ProviderClient
    from trunkwizard.connect import Need, Offer, Offering
    from trunkwizard.connect.joined import ConnectionPlan, ConnectionResult
    from trunkwizard.errors import AuthenticationFailed, ProviderError, ValidationFailed
    from trunkwizard.fields import ProviderModel
    from trunkwizard.inventory import DeleteConfirmation
    from trunkwizard.providers import Created, Provider
    from trunkwizard.refusals import Refusal
    from trunkwizard.store import HistoryEntry
    from trunkwizard.tui.messages import (
        AccountReady,
        BackToAccount,
        BackToDetails,
        ConnectionSent,
        ConnectRequested,
        CopyRequested,
        CreatedShown,
        DeleteFirstHalf,
        EditAgain,
        ExportWritten,
        InventoryRequested,
        JoinedReviewRequested,
        JoinedSubmitRequested,
        JoiningRequested,
        KeepFirstHalf,
        ModeChosen,
        NeedChosen,
        OfferingChosen,
        ProviderChosen,
        ReviewRequested,
        SipCheckRequested,
        StartOver,
        SubmitRequested,
    )
    from trunkwizard.tui.screens.account import AccountScreen
    from trunkwizard.tui.screens.details import DetailsScreen
    from trunkwizard.tui.screens.mode import ModeScreen
    from trunkwizard.tui.screens.review import ReviewScreen
    from trunkwizard.tui.state import Connecting, Joining
    from trunkwizard.tui.widgets.keyring_notice import KeyringSource

__all__ = ["WizardApp", "run_app"]

SEVERITY_MARKS = {"warning": "⚠ ", "error": "✗ "}

S = TypeVar("S", bound=WizardScreen)
_KEPT_DETAILS = "kept-details"  # the kept details screens are installed as kept-details-1, -2, ...


class WizardApp(App[int]):
    CSS_PATH = "app.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (72, "-normal")]
    TITLE = "trunkwizard"
    BINDINGS = [
        Binding("ctrl+q", "request_quit", "Quit", priority=True, id="quit"),
        Binding("ctrl+c", "request_quit", "Quit", show=False, id="quit-ctrl-c"),
        Binding("tab", "move_focus('next')", show=False, priority=True, id="focus-next"),
        Binding("shift+tab", "move_focus('previous')", show=False, priority=True, id="focus-previous"),
        Binding("enter", "next_field", show=False, priority=True, id="form-next-field"),
    ]
    keep_loaded = False  # see ProviderLoading.keep_loaded; run_app sets it

    def __init__(
        self,
        *,
        sandbox: bool = False,
        profile: str | None = None,
        accounts: AccountSource | None = None,
        terminal: TerminalProfile | None = None,
        export_dir: Path | None = None,
        read_only: bool = False,
        inventory_page_size: int | None = None,
        insecure_http: bool = False,
    ) -> None:
        super().__init__()
        # --insecure-http: an http:// base URL to another host may carry credentials (the review warns)
        self.insecure_http = insecure_http
        self.terminal = terminal or TerminalProfile.from_environment(os.environ)
        self.cursor_blink = self.terminal.cursor_blink
        if self.terminal.animation_level is not None:
            self.animation_level = self.terminal.animation_level  # type: ignore[assignment]
        self.sandbox = sandbox
        # --read-only: every account is only looked at (a profile saved read-only is too)
        self.read_only = read_only
        self.inventory_page_size = inventory_page_size
        self.profile = profile
        self.accounts: AccountSource = accounts or NoSavedAccounts()
        self.state = WizardState()
        self._export_dir = export_dir
        self.last_export: Path | None = None
        self._sandbox_transport: httpx.AsyncBaseTransport | None = None
        # requests sent this session whose outcome is unknown and not looked up since
        self.unknown_attempts: set[str] = set()
        # what each request created in this session (its title and id), by _attempt_key: the review of
        # the same request again (Esc on a result, then on) says that submitting creates another
        self.created_requests: dict[str, str] = {}
        # connecting: the offer read from what was created, and its history entry (persistent app)
        self._offer: Offer | None = None
        self.first_entry: str | None = None
        self._kept_details: DetailsScreen | None = None
        # kept details screens forgotten while still on the stack (the first side of a connection under
        # the second side's form): uninstalled at a later drop, once off the stack
        self._dropped_details: list[DetailsScreen] = []
        self._kept_installs = 0
        # the accounts opened this session, by provider key: the other side of a rotation uses them
        self.opened_accounts: dict[str, ProviderModel] = {}
        self._no_color_filter = NoColor()

    @property
    def badge(self) -> str:
        provider = self.state.provider
        read_only = self.is_read_only(provider.key if provider is not None else None)
        return " ".join(part for part, on in (("SANDBOX", self.sandbox), ("[RO]", read_only)) if on)

    def is_read_only(self, provider_key: str | None) -> bool:
        """Whether changes (create, edit, rotate, delete) are refused for this provider's account."""
        return self.read_only

    @property
    def export_dir(self) -> Path:
        if self._export_dir is None:
            from trunkwizard.tui.export import default_export_dir

            self._export_dir = default_export_dir()
        return self._export_dir

    def get_default_screen(self) -> Screen[Any]:
        # The first step is the default screen: pushing it would cost Textual's screen-switch delay.
        loading = ProviderLoading(
            sandbox=self.sandbox, preload=tuple(self.modules_to_preload()), keep_loaded=self.keep_loaded
        )
        return ProviderScreen(loading, session=self)

    def on_mount(self) -> None:
        if self.theme != self.terminal.theme:
            self.theme = self.terminal.theme
        self.screen_change_signal.subscribe(self, self._follow_joining)
        self.screen_change_signal.subscribe(self, self._follow_connecting)

    def get_line_filters(self) -> Sequence[LineFilter]:
        filters = super().get_line_filters()
        if not (self.no_color and self.native_ansi_color):
            return filters
        # Textual picks its NO_COLOR filter when the app is made, for the theme of that moment; in 16
        # colours on_mount then switches to the ANSI theme, whose colours the greyscale filter turned
        # into black on black (TERM=xterm NO_COLOR=1 drew an empty screen). ANSI colours want the
        # filter that leaves the terminal's own foreground and background.
        return [self._no_color_filter if isinstance(f, Monochrome) else f for f in filters]

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        # a toast's severity is only the colour of its edge, lost in 16 colours and under NO_COLOR: a
        # warning or an error starts with the glyph the banners and field messages use
        marker = SEVERITY_MARKS.get(severity, "")
        if marker and not message.startswith(marker):
            message = marker + message
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def on_ready(self) -> None:
        # The first frame is out: now load the provider registry (pydantic models, httpx).
        if self.keep_loaded:
            # What the start built lives as long as the app: out of the cyclic collector's sight, and the
            # collector on again (`trunkwizard` turned it off until this frame: cli._run_wizard). About
            # 900 objects are garbage here (a collection that found them took 20 ms): kept for good too.
            gc.freeze()
            gc.enable()
        first = self.screen_stack[0]
        if isinstance(first, ProviderScreen):
            first.load_providers()

    def modules_to_preload(self) -> list[str]:
        """What the steps after the first import, loaded in the registry's worker thread so that no
        import runs on the event loop after the first frame."""
        modules = [
            "trunkwizard.client",
            "trunkwizard.tui.services",
            "trunkwizard.tui.screens.account",
            "trunkwizard.tui.screens.mode",
            "trunkwizard.tui.screens.details",
        ]
        return [*modules, "trunkwizard.sandbox"] if self.sandbox else modules

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        # Inputs Textual creates itself (command palette, Select search) follow the blink setting too.
        if isinstance(event.widget, Input) and not self.cursor_blink:
            event.widget.cursor_blink = False

    # --- services for the screens -------------------------------------------------------------------

    def transport(self) -> httpx.AsyncBaseTransport | None:
        """The in-process sandbox (made once, so what was created stays for the session), or None."""
        if not self.sandbox:
            return None
        if self._sandbox_transport is None:
            from trunkwizard.sandbox import in_process_transport

            self._sandbox_transport = in_process_transport()
        return self._sandbox_transport

    def client(self) -> ProviderClient:
        provider, account = self.state.provider, self.state.account
        assert provider is not None and account is not None
        return self.client_for(provider, account)

    def client_for(self, provider: Provider, account: ProviderModel) -> ProviderClient:
        from trunkwizard.client import ProviderClient

        read_only = self.is_read_only(provider.key)
        return ProviderClient(
            provider,
            account,
            transport=self.transport(),
            read_only=read_only,
            insecure_http=self.insecure_http,
        )

    def open_inventory(self, provider: Provider, account: ProviderModel) -> None:
        """What the account already has at the provider (its own listing, every page)."""
        from trunkwizard.tui.screens.inventory import InventoryScreen
        from trunkwizard.tui.services import InventoryAccess

        if provider.listing is None:
            self.notify(f"{provider.title}'s API has no listing to show.", severity="warning", timeout=6)
            return
        self.opened_accounts[provider.key] = account
        access = InventoryAccess(
            client=lambda: self.client_for(provider, account),
            rotating=self,
            badge=self.badge,
            read_only=self.is_read_only(provider.key),
        )
        self.push_screen(InventoryScreen(provider, account, access, page_size=self.inventory_page_size))

    @property
    def keyring(self) -> KeyringSource | None:
        """No keyring notice: this app keeps no profiles (the persistent app does)."""
        return None

    @property
    def chosen_account(self) -> ProviderModel | None:
        """The account the account step made (the details step prepares and looks up with it)."""
        return self.state.account

    def keep_account_answers(self, provider_key: str, values: dict[str, Any]) -> None:
        """An account step's answers, kept while other steps are shown (and for the draft)."""
        self.state.account_values[provider_key] = values

    def keep_detail_answers(self, provider_key: str, mode_key: str, values: dict[str, Any]) -> None:
        """A details step's answers, kept per provider and mode (switching mode loses nothing)."""
        self.state.detail_values[(provider_key, mode_key)] = values

    def refusals(self, provider_key: str, mode_key: str) -> tuple[Refusal, ...]:
        return self.state.refusals.get((provider_key, mode_key), ())

    def keep_refusals(self, provider_key: str, mode_key: str, refusals: tuple[Refusal, ...]) -> None:
        """What the provider refused on a details step, kept with its answers (trunkwizard/refusals.py)."""
        self.state.refusals[(provider_key, mode_key)] = refusals

    # --- rotating a joined connection (tui/screens/rotation.py, through tui/services.Rotating) ----------

    def other_account(self, provider: Provider, profile: str | None = None) -> ProviderModel | None:
        """The account of the other side of a connection, when this session can open it without asking:
        one opened this session for that provider, else the sandbox's. May block (a keyring): call it
        in a thread."""
        opened = self.opened_accounts.get(provider.key)
        if opened is not None or not self.sandbox:
            return opened
        from trunkwizard.client import load_account
        from trunkwizard.sandbox import sandbox_account

        try:
            return load_account(provider, sandbox_account(provider.key))
        except KeyError:
            return None

    def history_entries(self) -> list[HistoryEntry]:
        """What this machine's history records (connections among it); none without a history."""
        return []

    def record_deleted(self, provider_key: str, created_id: str) -> None:
        """Nothing to record without a history."""

    def skipped_steps(self) -> frozenset[Step]:
        provider = self.state.provider
        return frozenset({Step.MODE}) if provider is not None and len(provider.modes) == 1 else frozenset()

    # --- the flow: the steps' messages ---------------------------------------------------------------

    def on_provider_chosen(self, message: ProviderChosen) -> None:
        self.state.joining = None  # a provider picked from the list: one create, not a pair
        self.choose_provider(message.provider)

    def on_account_ready(self, message: AccountReady) -> None:
        self.account_ready(message.account)

    def on_inventory_requested(self, message: InventoryRequested) -> None:
        self.open_inventory(message.provider, message.account)

    def on_mode_chosen(self, message: ModeChosen) -> None:
        self.choose_mode(message.mode_key)

    def on_review_requested(self, message: ReviewRequested) -> None:
        self.review(message.prepared)

    def on_submit_requested(self, _message: SubmitRequested) -> None:
        self.submit()

    def on_created_shown(self, message: CreatedShown) -> None:
        self.show_created(message.created, recorded=message.recorded)

    def on_back_to_details(self, message: BackToDetails) -> None:
        self.back_to_details(message.error)

    def on_back_to_account(self, message: BackToAccount) -> None:
        self.back_to_account(message.error)

    def on_edit_again(self, _message: EditAgain) -> None:
        self.edit_again()

    def on_start_over(self, _message: StartOver) -> None:
        self.start_over()

    def on_connect_requested(self, message: ConnectRequested) -> None:
        self.run_worker(self._connect(message.created), group="flow", exclusive=True)

    def on_need_chosen(self, message: NeedChosen) -> None:
        if self.state.joining is not None:
            self.join_to(message.need)
            return
        self.connect_to(message.need)

    def on_joining_requested(self, _message: JoiningRequested) -> None:
        self.run_worker(self._offerings(), group="flow", exclusive=True)

    def on_offering_chosen(self, message: OfferingChosen) -> None:
        self.join_from(message.provider, message.offering)

    def on_joined_review_requested(self, message: JoinedReviewRequested) -> None:
        from trunkwizard.tui.screens.joined import JoinedReviewScreen

        self.push_screen(
            JoinedReviewScreen(message.plan, session=self, sixteen_colours=self.terminal.sixteen_colours)
        )

    def on_joined_submit_requested(self, message: JoinedSubmitRequested) -> None:
        self.submit_joined(message.plan)

    def on_connection_sent(self, message: ConnectionSent) -> None:
        self.run_worker(self._connection_sent(message.plan, message.result), group="flow", exclusive=True)

    def on_copy_requested(self, message: CopyRequested) -> None:
        self.copy_to_clipboard(message.text)

    def on_export_written(self, message: ExportWritten) -> None:
        self.last_export = message.path

    def on_sip_check_requested(self, message: SipCheckRequested) -> None:
        from trunkwizard.tui.sip_check import open_sip_check

        open_sip_check(self, submitted=message.submitted)

    # --- the flow -----------------------------------------------------------------------------------

    def choose_provider(self, provider: Provider) -> None:
        self.state.provider = provider
        self.state.account = None
        self.push_screen(self.account_screen(provider))

    def account_screen(self, provider: Provider) -> AccountScreen:
        """The account step for `provider`, filled from the state (or the sandbox's account)."""
        from trunkwizard.tui.screens.account import AccountScreen, as_form_values

        values = self.state.account_values.get(provider.key)
        notice = "Enter the account; secrets stay in memory and are masked (ctrl+t shows them)."
        own: dict[str, Any] | None = None  # the sandbox's own account, always one pick away
        if self.sandbox:
            from trunkwizard.sandbox import sandbox_account

            with contextlib.suppress(KeyError):
                own = as_form_values(provider, sandbox_account(provider.key))
        if values is None and self.sandbox:
            values = own
            notice = (
                f"SANDBOX: the emulator has no {provider.title} yet; enter a real account."
                if own is None
                else "SANDBOX: the built-in emulator's account is filled in. Requests go to the "
                "emulator inside this program; nothing leaves this machine."
            )
        return AccountScreen(provider, values or {}, notice, session=self, sandbox_account=own)

    def account_ready(self, account: ProviderModel) -> None:
        provider = self.state.provider
        assert provider is not None
        self.state.account = account
        self.opened_accounts[provider.key] = account
        connecting = self.state.connecting
        if connecting is not None and connecting.targets(provider.key):
            self.choose_mode(connecting.need.mode)  # the need names its mode
            return
        joining = self.state.joining
        if joining is not None and joining.need is not None:  # the pair names both modes
            if self._on_second_side():
                self.choose_mode(joining.need.mode)
                return
            if provider.key == joining.first_provider.key:
                joining.first_account = account
                self.choose_mode(joining.offering.mode)
                return
        if len(provider.modes) == 1:
            self.choose_mode(provider.modes[0].key)
            return
        self.push_screen(self.mode_screen(provider))

    def mode_screen(self, provider: Provider) -> ModeScreen:
        from trunkwizard.tui.screens.mode import ModeScreen

        return ModeScreen(provider, self.state.mode_key, session=self)

    def choose_mode(self, mode_key: str) -> None:
        provider = self.state.provider
        assert provider is not None
        self.state.mode_key = mode_key
        self.push_screen(self.details_screen(provider, mode_key))

    def details_screen(self, provider: Provider, mode_key: str) -> DetailsScreen:
        """The details step of a mode, filled with what was typed for it before (or, the first time,
        with the answers it shares with the provider's other modes).

        The screen is kept (installed) while the provider and mode stay the same: going back to the
        mode or account step and on again shows the same form, not a rebuilt one (issue 16)."""
        from trunkwizard.tui.screens.details import DetailsScreen

        joining = self.state.joining
        if (
            joining is not None
            and joining.need is not None
            and (provider.key, mode_key) == (joining.need.owner, joining.need.mode)
            and self._on_second_side()
        ):
            return self._joined_details(provider, mode_key, joining)
        if (
            joining is not None
            and joining.need is not None
            and (provider.key, mode_key) == (joining.first_provider.key, joining.offering.mode)
        ):
            from trunkwizard.connect import password_rules
            from trunkwizard.providers import get_provider
            from trunkwizard.tui.screens.joined import FirstSideDetailsScreen

            second = get_provider(joining.need.owner)
            values = self._values_for(provider, mode_key)
            rules = password_rules(joining.offering.password_rules, joining.need.password_rules)
            mode = provider.mode(mode_key)
            return FirstSideDetailsScreen(provider, mode, values, second.title, rules, session=self)
        connecting = self.state.connecting
        if connecting is not None and connecting.targets(provider.key, mode_key):
            from trunkwizard.tui.screens.connect import ConnectDetailsScreen

            self.drop_kept_details()
            return ConnectDetailsScreen(
                provider,
                provider.mode(mode_key),
                self._values_for(provider, mode_key),
                connecting,
                session=self,
            )
        kept = self._kept_details
        if (
            kept is not None
            and kept.provider.key == provider.key
            and kept.mode.key == mode_key
            and kept not in self.screen_stack
        ):
            kept.shown_again_with(self.chosen_account)
            return kept
        self.drop_kept_details()
        screen = DetailsScreen(
            provider, provider.mode(mode_key), self._values_for(provider, mode_key), session=self
        )
        # a name of its own: a forgotten one may still be installed while it is on the stack
        self._kept_installs += 1
        self.install_screen(screen, name=f"{_KEPT_DETAILS}-{self._kept_installs}")
        self._kept_details = screen
        return screen

    def _values_for(self, provider: Provider, mode_key: str) -> dict[str, Any]:
        values = self.state.detail_values.get((provider.key, mode_key))
        return values if values is not None else self._shared_answers(provider, mode_key)

    def drop_kept_details(self) -> None:
        """Forget the kept details screen (another mode or provider, or a start over)."""
        kept, self._kept_details = self._kept_details, None
        if kept is not None:
            self._dropped_details.append(kept)
        for screen in list(self._dropped_details):
            if screen in self.screen_stack:
                continue  # still shown (a connection's first side): uninstalled once off the stack
            self._dropped_details.remove(screen)
            if self.is_screen_installed(screen):
                self.uninstall_screen(screen)
                if screen.is_attached:
                    screen.remove()

    def _shared_answers(self, provider: Provider, mode_key: str) -> dict[str, Any]:
        """A mode opened for the first time starts with the answers its fields share with the provider's
        other modes (the number, the name): switching mode does not lose them."""
        wires = {field.wire for field in provider.mode(mode_key).fields}
        shared: dict[str, Any] = {}
        for (provider_key, other_mode), values in self.state.detail_values.items():
            if provider_key == provider.key and other_mode != mode_key:
                shared.update({w: v for w, v in values.items() if w in wires and v not in (None, "", [])})
        return shared

    def review(self, prepared: PreparedRequest) -> None:
        self.state.prepared = prepared
        joining = self.state.joining
        if (
            joining is not None
            and joining.need is not None
            and (prepared.provider.key, prepared.mode.key)
            == (joining.first_provider.key, joining.offering.mode)
        ):
            # the first side's form is done: on to the second side, reviewed together with it
            from trunkwizard.providers import get_provider

            joining.first, joining.first_account = prepared, self.state.account
            self.choose_provider(get_provider(joining.need.owner))
            return
        self.push_screen(self.review_screen(prepared))

    def review_screen(self, prepared: PreparedRequest) -> ReviewScreen:
        from trunkwizard.client import cleartext_credentials
        from trunkwizard.tui.screens.review import ReviewScreen
        from trunkwizard.tui.services import ReviewContext
        from trunkwizard.tui.sip_check import plans_for

        account = self.state.account
        context = ReviewContext(
            export_dir=self.export_dir,
            sip_checkable=bool(plans_for(self.state, submitted=False)),
            cleartext=cleartext_credentials(prepared.provider, account) if account is not None else None,
            sixteen_colours=self.terminal.sixteen_colours,
            created_before=self.created_requests.get(_attempt_key(prepared.provider.key, prepared)),
        )
        return ReviewScreen(prepared, context, session=self)

    def submit(self) -> None:
        from trunkwizard.tui.screens.submit import SubmitScreen

        assert self.state.prepared is not None
        if self.is_read_only(self.state.prepared.provider.key):
            from trunkwizard.errors import ReadOnlyRefused
            from trunkwizard.tui.services import BannerShown

            message = ReadOnlyRefused("create").message
            if isinstance(self.screen, BannerShown):
                self.screen.set_banner(message)
            self.notify(message, severity="error", timeout=8)
            return
        spinner = self.animation_level != "none"
        self.push_screen(SubmitScreen(self.state.prepared, self, spinner=spinner, session=self))

    def _not_connectable(self, created: Created) -> str | None:
        from trunkwizard.connect.catalog import not_connectable
        from trunkwizard.providers import get_provider

        prepared = self.state.prepared
        if prepared is None:
            return None
        return not_connectable(get_provider(created.ref.provider), prepared, created)

    def show_created(self, created: Created, *, recorded: bool = False, push: bool = False) -> None:
        """Show what was created; `recorded` when a look-up settled an attempt already in the history;
        `push` to put the result over the current screen instead of in its place."""
        from trunkwizard.tui.screens.result import ResultScreen

        self.state.created = created
        attempt = _attempt_key(created.ref.provider, self.state.prepared)
        self.unknown_attempts.discard(attempt)
        self.created_requests[attempt] = f"{created.title}, ID {created.ref.id or '(none)'}"
        self._password_into_offer(created)
        from trunkwizard.tui.services import ConnectedHalf, ResultContext
        from trunkwizard.tui.sip_check import plans_for

        connecting = self.state.connecting
        connected_to = None
        if connecting is not None and connecting.targets(created.ref.provider, created.ref.mode):
            offered_by = connecting.offer.provider_title  # a resumed pair may not have its provider
            first_created = connecting.first_created
            connected_to = ConnectedHalf(
                connecting.first_provider.title if connecting.first_provider else offered_by,
                connecting.first_title,
                connecting.first_ref.id if connecting.first_ref else "",
                first_created.steps_left_when_connected() if first_created is not None else None,
            )
        context = ResultContext(
            sip_checkable=bool(plans_for(self.state, submitted=True)),
            connecting=lambda: self.state.connecting is not None,
            connected_to=connected_to,
            secrets=_secrets_sent(self.state.prepared, created),
            not_connectable=self._not_connectable(created),
        )
        if push:
            self.push_screen(ResultScreen(created, context, session=self))
        else:
            self.switch_screen(ResultScreen(created, context, session=self))

    def _password_into_offer(self, created: Created) -> None:
        """A connection resumed from the history: its offer kept no password, so the joined SIP check
        takes the one typed for the second half."""
        from trunkwizard.connect.resume import NotResumable, offer_with_typed_password
        from trunkwizard.fields import wire_body

        connecting, prepared = self.state.connecting, self.state.prepared
        if connecting is None or prepared is None or not connecting.targets(created.ref.provider):
            return
        typed = wire_body(prepared.request, keep_secrets=True)
        with contextlib.suppress(NotResumable):
            connecting.offer = offer_with_typed_password(connecting.offer, connecting.need, typed)

    # --- attempts whose outcome is unknown (the persistent app keeps them in the history) -------------

    def record_unknown(self, prepared: PreparedRequest) -> None:
        """A create was sent and may have been applied: no second one before a look-up."""
        self.unknown_attempts.add(_attempt_key(prepared.provider.key, prepared))

    async def unsettled_attempts(self, prepared: PreparedRequest) -> list[str]:
        """Earlier attempts of this same request whose outcome is unknown and never looked up since."""
        if _attempt_key(prepared.provider.key, prepared) in self.unknown_attempts:
            return ["earlier in this session"]
        return []

    async def settle_attempts(self, prepared: PreparedRequest, found: str | None) -> None:
        """A look-up searched for this request: found (its id) or not found now."""
        self.unknown_attempts.discard(_attempt_key(prepared.provider.key, prepared))

    def back_to_details(self, error: ProviderError | ValidationFailed) -> None:
        from trunkwizard.tui.screens.details import DetailsScreen

        def show(screen: DetailsScreen) -> None:
            screen.show_provider_error(error)

        self.run_worker(self._back_to(DetailsScreen, show))

    def back_to_account(self, error: AuthenticationFailed) -> None:
        from trunkwizard.tui.screens.account import AccountScreen

        def show(screen: AccountScreen) -> None:
            screen.show_authentication_failure(error)

        self.run_worker(self._back_to(AccountScreen, show))

    # --- connecting what was created to the other side -----------------------------------------------

    async def _connect(self, created: Created) -> None:
        """Read what was created offers (with the same account), then ask which side takes it."""
        from trunkwizard.connect.catalog import read_offer
        from trunkwizard.errors import TrunkwizardError
        from trunkwizard.providers import get_provider
        from trunkwizard.tui.screens.connect import NeedScreen, needs_for

        prepared = self.state.prepared
        provider = get_provider(created.ref.provider)
        offering = next((o for o in provider.offerings if o.mode == created.ref.mode), None)
        if prepared is None or offering is None:
            return
        try:
            async with self.client() as client:
                offer = await read_offer(client, provider, offering, prepared, created)
        except (TrunkwizardError, ValueError) as exc:
            self.notify(f"Cannot connect it: {getattr(exc, 'message', exc)}", severity="error", timeout=10)
            return
        self._offer = offer
        needs = needs_for(provider, created.ref.mode)
        self.push_screen(NeedScreen(needs, created.title, offer.summary, session=self))

    def connect_to(self, need: Need) -> None:
        """The other side's steps: its account, then its form with the offered values locked."""
        from trunkwizard.connect import fill
        from trunkwizard.providers import get_provider
        from trunkwizard.tui.state import Connecting

        offer, created = self._offer, self.state.created
        assert offer is not None and created is not None
        self.state.connecting = Connecting(
            offer,
            need,
            fill(offer, need),
            created.title,
            self.first_entry,
            first_provider=get_provider(created.ref.provider),
            first_account=self.state.account,
            first_ref=created.ref,
            first_created=created,
            first_prepared=self.state.prepared,
        )
        self.choose_provider(get_provider(need.owner))

    def _follow_connecting(self, screen: Screen[Any]) -> None:
        """Back on the first half's result from the second side's steps (Esc): that side is given up
        (o starts it again), and the provider, account and request in use are the first half's again.
        `o` did nothing there: the connection under way hid it, and the state was the other side's."""
        connecting = self.state.connecting
        if connecting is None or connecting.first_created is None:
            return  # runs on every screen change: nothing imported on the event loop unless connecting
        from trunkwizard.tui.screens.result import ResultScreen

        if not isinstance(screen, ResultScreen) or screen.created is not connecting.first_created:
            return
        if self.state.created is not connecting.first_created:
            return  # the other side was created since: the pair stands (a result shown again on the way back)
        state = self.state
        state.connecting = None
        state.provider, state.account = connecting.first_provider, connecting.first_account
        state.mode_key, state.created = screen.created.ref.mode, screen.created
        if connecting.first_prepared is not None:
            state.prepared = connecting.first_prepared
        screen.refresh_bindings()

    # --- connecting two providers from the start ----------------------------------------------------

    async def _offerings(self) -> None:
        """Every provider mode that offers what some other side takes (all providers' declarations)."""
        import asyncio

        from trunkwizard.connect.catalog import available_pairs
        from trunkwizard.providers import get_provider
        from trunkwizard.tui.screens.connect import OfferingScreen

        pairs = await asyncio.to_thread(available_pairs)
        offerings: dict[tuple[str, str], tuple[Provider, Any]] = {}
        for owner, offering, _need in pairs:
            offerings.setdefault((owner, offering.mode), (get_provider(owner), offering))
        self.push_screen(OfferingScreen(list(offerings.values()), session=self))

    def join_from(self, provider: Provider, offering: Offering) -> None:
        """The side that offers is picked: now the side that takes it."""
        from trunkwizard.tui.screens.connect import NeedScreen, needs_for
        from trunkwizard.tui.state import Joining

        self.state.connecting = None
        self.state.joining = Joining(provider, offering)
        what = f"a new {provider.title} {provider.mode(offering.mode).title}"
        needs = needs_for(provider, offering.mode)
        self.push_screen(NeedScreen(needs, what, offering.description, session=self))

    def join_to(self, need: Need) -> None:
        """Both sides are picked: the first side's account and form, then the second side's."""
        joining = self.state.joining
        assert joining is not None
        joining.need, joining.first, joining.first_account = need, None, None
        self.choose_provider(joining.first_provider)

    def _follow_joining(self, screen: Screen[Any]) -> None:
        """Back at the first side's form from the second side's steps: the provider and account in use
        are the first side's again (the form prepares its request with them)."""
        joining = self.state.joining
        if joining is None or joining.first_account is None:
            return  # runs on every screen change: nothing imported on the event loop unless joining
        from trunkwizard.tui.screens.details import DetailsScreen

        first = (joining.first_provider.key, joining.offering.mode)
        if isinstance(screen, DetailsScreen) and (screen.provider.key, screen.mode.key) == first:
            self.state.provider, self.state.account = joining.first_provider, joining.first_account
            self.state.mode_key = joining.offering.mode

    def _on_second_side(self) -> bool:
        """Whether the pair's first form is done and below: the steps on top are the second side's."""
        from trunkwizard.tui.screens.details import DetailsScreen

        joining = self.state.joining
        if joining is None or joining.first is None:
            return False
        first = (joining.first_provider.key, joining.offering.mode)
        return any(
            isinstance(s, DetailsScreen) and (s.provider.key, s.mode.key) == first for s in self.screen_stack
        )

    def _joined_details(self, provider: Provider, mode_key: str, joining: Joining) -> DetailsScreen:
        from trunkwizard.connect.joined import planned_fill
        from trunkwizard.tui.screens.joined import JoinedDetailsScreen
        from trunkwizard.tui.state import Connecting

        assert joining.need is not None and joining.first is not None and joining.first_account is not None
        assert self.state.account is not None
        probe, filled = planned_fill(joining.first, joining.offering, joining.need, joining.first_account)
        connecting = Connecting(probe, joining.need, filled, joining.first_provider.title)
        values = self._values_for(provider, mode_key)
        return JoinedDetailsScreen(
            provider, provider.mode(mode_key), values, connecting, joining, self.state.account, session=self
        )

    def submit_joined(self, plan: ConnectionPlan) -> None:
        from trunkwizard.tui.screens.joined import JoinedSubmitScreen

        if any(self.is_read_only(p.key) for p in (plan.first_provider, plan.second_provider)):
            from trunkwizard.errors import ReadOnlyRefused
            from trunkwizard.tui.services import BannerShown

            message = ReadOnlyRefused("create").message
            if isinstance(self.screen, BannerShown):
                self.screen.set_banner(message)
            self.notify(message, severity="error", timeout=8)
            return
        spinner = self.animation_level != "none"
        self.push_screen(JoinedSubmitScreen(plan, self, session=self, spinner=spinner))

    async def _connection_sent(self, plan: ConnectionPlan, result: ConnectionResult) -> None:
        """The first half exists. From here the second side goes on as from a result screen: its form
        (the offered values now known, locked), then its result, or retry, delete the first or keep it."""
        from trunkwizard.connect import fill
        from trunkwizard.connect.joined import ConnectionState
        from trunkwizard.errors import ProviderError, ValidationFailed
        from trunkwizard.outcome import Verdict
        from trunkwizard.tui.screens.connect import ConnectDetailsScreen
        from trunkwizard.tui.screens.joined import JoinedDetailsScreen
        from trunkwizard.tui.state import Connecting

        first = result.first_created
        assert first is not None
        state = self.state
        state.joining = None
        state.provider, state.account, state.mode_key = (
            plan.first_provider,
            plan.first_account,
            plan.offering.mode,
        )
        state.prepared, state.created = plan.first, first
        self.unknown_attempts.discard(_attempt_key(first.ref.provider, plan.first))
        await self.keep_first_half(first)
        typed: dict[str, Any] = {}
        while len(self.screen_stack) > 1 and not isinstance(self.screen, JoinedDetailsScreen):
            await self.pop_screen()
        if isinstance(self.screen, JoinedDetailsScreen):
            typed = self.screen.typed_values()
            await self.pop_screen()
        # what was typed for the second side, as its form keeps it (a resume or a failure note reads it)
        state.detail_values[(plan.second_provider.key, plan.need.mode)] = dict(typed)
        if result.offer is None:  # what the first side offers could not be read: nothing to fill from
            self.show_created(first, recorded=True, push=True)
            self.notify(f"Not connected: {result.problem}. 'o' tries again.", severity="error", timeout=12)
            return
        self._offer = result.offer
        connecting = Connecting(
            result.offer,
            plan.need,
            fill(result.offer, plan.need),
            first.title,
            self.first_entry,
            first_provider=plan.first_provider,
            first_account=plan.first_account,
            first_ref=first.ref,
            first_created=first,
        )
        state.connecting = connecting
        failed = result.state is not ConnectionState.JOINED
        self.link_first_half(plan.need, typed=typed, problem=result.problem if failed else None)
        state.provider, state.account, state.mode_key = (
            plan.second_provider,
            plan.second_account,
            plan.need.mode,
        )
        form = ConnectDetailsScreen(
            plan.second_provider, plan.second_provider.mode(plan.need.mode), typed, connecting, session=self
        )
        await self.push_screen(form)
        if plan.unlocked:  # values unlocked and changed on purpose stay so for a retry (no second toast)
            typed_second = plan.typed_second
            form.unlock({wire: typed_second[wire] for wire in plan.unlocked if wire in typed_second})
        second = result.second_created
        if not failed and second is not None:
            state.prepared = result.second_prepared
            self.show_created(second, push=True)
            self.notify(f"Connected: {result.what_exists()}", timeout=10)
            return
        if result.second is not None and result.second.verdict is Verdict.UNKNOWN and result.second_prepared:
            state.prepared = result.second_prepared
            self.record_unknown(result.second_prepared)
        error = result.second.error if result.second is not None else None
        if isinstance(error, ProviderError | ValidationFailed):
            form.show_provider_error(error)
        else:
            form.show_half_done(result.problem)

    async def keep_first_half(self, created: Created) -> None:
        """The first half of a pair exists (the persistent app records it in the history)."""

    def link_first_half(
        self, need: Need, *, typed: dict[str, Any] | None = None, problem: str | None = None
    ) -> None:
        """The first half is linked to the side it connects to (the persistent app records it)."""

    def on_keep_first_half(self, _message: KeepFirstHalf) -> None:
        connecting = self.state.connecting
        if connecting is not None:
            self.notify(f"Kept: {connecting.first_title}. It was not connected.", timeout=8)
        self.start_over()

    def on_delete_first_half(self, _message: DeleteFirstHalf) -> None:
        from trunkwizard.tui.screens.type_to_confirm import TypeToConfirmScreen

        connecting = self.state.connecting
        if connecting is None or connecting.first_provider is None or connecting.first_ref is None:
            return
        if connecting.first_account is None:
            self.notify(
                f"The account {connecting.first_title} was made with is not at hand here: delete it from "
                "the history (F3, d) once that account is entered.",
                severity="warning",
                timeout=10,
            )
            return
        confirmation = self.first_half_confirmation(connecting)

        def decided(yes: bool | None) -> None:
            if yes:
                self.run_worker(self._delete_first_half(connecting), group="flow", exit_on_error=False)

        self.push_screen(TypeToConfirmScreen(confirmation), decided)

    def first_half_confirmation(self, connecting: Connecting) -> DeleteConfirmation:
        """What to type to delete the first half: its id (the persistent app asks for its name)."""
        from trunkwizard.inventory import DeleteConfirmation

        assert connecting.first_ref is not None
        return DeleteConfirmation(
            what=connecting.first_title,
            label="id",
            expected=connecting.first_ref.id,
            consequence="It is removed at the provider; the connection is not made.",
        )

    async def _delete_first_half(self, connecting: Connecting) -> None:
        from trunkwizard.errors import TrunkwizardError

        assert connecting.first_provider is not None and connecting.first_account is not None
        assert connecting.first_ref is not None
        try:
            async with self.client_for(connecting.first_provider, connecting.first_account) as client:
                await client.delete(connecting.first_ref)
        except TrunkwizardError as exc:
            self.notify(f"Not deleted: {exc.message}", severity="error", timeout=10)
            return
        await self.first_half_deleted(connecting)
        self.notify(f"Deleted {connecting.first_title}.", timeout=8)
        self.start_over()

    async def first_half_deleted(self, connecting: Connecting) -> None:
        """The first half was deleted at the provider (the persistent app records it in the history)."""

    def edit_again(self) -> None:
        from trunkwizard.tui.screens.details import DetailsScreen

        self.run_worker(self._back_to(DetailsScreen))

    def start_over(self) -> None:
        """A new one, from an empty wizard: the provider list, no filter, no answers (the account
        settings are kept). Screens are dropped without remembering, so nothing is written back."""
        self.run_worker(self._start_over(), group="flow", exclusive=True)

    async def _start_over(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, ProviderScreen):
            await self.pop_screen()
        self.state.clear_answers()
        self.drop_kept_details()
        if isinstance(self.screen, ProviderScreen):
            self.screen.clear_filter()

    def go_to_step(self, step: WizardScreen) -> None:
        """Back to a step on the stack (the command palette), each screen above keeping its answers."""
        self.run_worker(self._back_to(type(step)))

    async def _back_to(self, step: type[S], then: Callable[[S], None] | None = None) -> None:
        """Pop screens until a `step` screen is on top, each keeping its answers in the state."""
        if not any(isinstance(s, step) for s in self.screen_stack):
            return
        while not isinstance(self.screen, step):
            if isinstance(self.screen, WizardScreen):
                self.screen.remember()
            await self.pop_screen()
        if then is not None:
            then(self.screen)

    # --- quitting -----------------------------------------------------------------------------------

    def unsent_edit(self) -> bool:
        """An edit of an item at the provider, typed and not sent: no draft keeps it."""
        from trunkwizard.tui.screens.inventory_edit import InventoryEditScreen

        editing = (s for s in self.screen_stack if isinstance(s, InventoryEditScreen))
        return any(screen.has_changes() for screen in editing)

    def unsent_screens(self) -> list[Screen[Any]]:
        """The screens whose answers were not sent: those above the last result (what a result shows
        was sent and exists at the provider; nothing typed under it is lost by quitting)."""
        from trunkwizard.tui.screens.result import ResultScreen

        stack = self.screen_stack
        sent = max((index + 1 for index, s in enumerate(stack) if isinstance(s, ResultScreen)), default=0)
        return stack[sent:]

    def answers_at_risk(self) -> bool:
        if self.unsent_edit():
            return True
        unsent = self.unsent_screens()
        if not unsent:  # on a result
            return False
        from trunkwizard.tui.screens.account import AccountScreen
        from trunkwizard.tui.screens.details import DetailsScreen

        for screen in unsent:
            if isinstance(screen, DetailsScreen) and screen.form.is_modified():
                return True
            if isinstance(screen, AccountScreen) and not self.sandbox and screen.form.is_modified():
                return True
        return any(values for values in self.state.detail_values.values())

    def typed_secrets(self) -> bool:
        """A password or key typed in an open step and not sent: no draft keeps it, so quitting loses it.
        (One typed under a result was sent: asking then said answers would be lost, and none were.)"""
        from trunkwizard.tui.widgets.secret_editor import SecretEditor

        return any(editor.typed for screen in self.unsent_screens() for editor in screen.query(SecretEditor))

    def quit_question(self) -> str:
        if self.unsent_edit():
            return "The changes typed in the edit would be lost: nothing was sent, and drafts keep no edit."
        return "The answers typed so far would be lost (secrets are never saved)."

    def action_move_focus(self, direction: str) -> None:
        # Textual's own Tab is the screen's binding, reached when the focused field has bubbled the key
        # up, on the field's queue; the app forwards the keys after it in the meantime, so a burst such as
        # "+14155550125<Tab>Front desk" (a fast typist, a paste over SSH) all landed in the first field.
        # Here the focus moves on the app's queue, before the next key is forwarded. A widget that binds
        # Tab itself keeps it.
        key = "tab" if direction == "next" else "shift+tab"
        for namespace, bindings in self.screen._binding_chain:
            if namespace is not self and namespace is not self.screen and bindings.key_to_bindings.get(key):
                raise SkipAction()
        if getattr(self.focused, "tab_behavior", None) == "indent":  # a TextArea that types a tab
            raise SkipAction()
        screen, focused = self.screen, self.focused
        select = next((a for a in focused.ancestors if isinstance(a, Select)), None) if focused else None
        if select is not None:
            # In an open Select's list: from the field, not from the list (Shift+Tab went to the Select
            # itself, one field short). The keys typed before this Tab still act on the list (PickList).
            chain = screen.focus_chain
            outside = [widget for widget in chain if widget is select or select not in widget.ancestors]
            if select in outside and len(outside) > 1:
                step = 1 if direction == "next" else -1
                screen.set_focus(outside[(outside.index(select) + step) % len(outside)])
                return
        if direction == "next":
            screen.focus_next()
        else:
            screen.focus_previous()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":  # off: Enter stays the focused widget's, and out of the footer's keys
            return self._in_a_form_field()
        return super().check_action(action, parameters)

    def action_next_field(self) -> None:
        """Enter in a form's text field moves to the next field (FormView), here on the app's queue as
        Tab does (see action_move_focus): `+14155550125<Enter>Front desk` in one burst put all of it in
        the first field. Anywhere else Enter is the focused widget's own."""
        form = self._form_of_focused_field()
        if form is None:
            raise SkipAction()
        form.action_next_field()  # FormView's: past its last field, to the button that goes on

    def _in_a_form_field(self) -> bool:
        return self._form_of_focused_field() is not None

    def _form_of_focused_field(self) -> Any:
        """The FormView around the focused text field, if focus is in one (FormView not imported here)."""
        focused = self.focused
        if not isinstance(focused, Input):
            return None
        return next((a for a in focused.ancestors if getattr(a, "enter_moves_to_next_field", False)), None)

    def action_request_quit(self) -> None:
        if not self.answers_at_risk():
            self.exit(0)
            return
        from trunkwizard.tui.screens.quit_confirm import QuitScreen

        if isinstance(self.screen, QuitScreen):
            return

        def decided(quit_now: bool | None) -> None:
            if quit_now:
                self.exit(0)

        self.push_screen(QuitScreen(self.quit_question()), decided)

    # --- command palette ----------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        steps = [s for s in self.screen_stack if isinstance(s, WizardScreen) and s is not screen]
        from trunkwizard.tui.screens.submit import SubmitScreen

        for step_screen in steps:
            if isinstance(step_screen, SubmitScreen):
                continue
            title = step_screen.STEP.label
            yield SystemCommand(
                f"Go to step: {title}",
                "Back to this step; answers are kept",
                lambda step=step_screen: self.go_to_step(step),
            )
        if self.state.prepared is not None:
            yield SystemCommand(
                "Copy request as curl", "Secrets as $TRUNKWIZARD_… variables", self._copy_curl
            )
            yield SystemCommand(
                "Save request as curl file", "0600 file in the exports folder", self._save_curl
            )
        if isinstance(screen, CommandSource):
            for offered in screen.palette_commands():
                yield SystemCommand(offered.title, offered.help, offered.run)
        yield SystemCommand("Start over", "Back to the provider list; the account is kept", self.start_over)
        yield SystemCommand(
            "Quit", "Quit trunkwizard (asks first if answers would be lost)", self.action_request_quit
        )
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit",):
                yield command

    def _copy_curl(self) -> None:
        assert self.state.prepared is not None
        self.copy_to_clipboard(self.state.prepared.as_curl())
        self.notify("Copied as curl (OSC 52).", timeout=4)

    def _save_curl(self) -> None:
        from trunkwizard.errors import StoreError
        from trunkwizard.tui.export import curl_script, save_private_text

        prepared = self.state.prepared
        assert prepared is not None
        try:
            self.last_export = save_private_text(
                self.export_dir,
                f"{prepared.provider.key}-{prepared.mode.key}",
                curl_script(prepared.as_curl()),
            )
        except StoreError as exc:
            self.notify(f"Not saved: {exc.message}", severity="error", timeout=10)
            return
        self.notify(f"Saved as {self.last_export}", timeout=8)

    # Textual writes screenshots with the umask's mode (0644) to the working or downloads directory;
    # the wizard's go where its exports go: 0600, in its own 0700 directory.

    def save_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str:
        from trunkwizard.tui.export import save_private_text

        directory = Path(path) if path else self.export_dir
        stem = Path(filename).stem if filename else "screenshot"
        saved = save_private_text(directory, stem, redact(self.export_screenshot()), suffix=".svg")
        return str(saved)

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        from trunkwizard.errors import StoreError

        try:
            saved = self.save_screenshot(filename, path, time_format)
        except StoreError as exc:
            self.notify(f"Screenshot not saved: {exc.message}", severity="error", timeout=10)
            return None
        self.notify(f"Screenshot saved as {saved}", timeout=8)
        return saved

    # --- crashes --------------------------------------------------------------------------------------

    def _fatal_error(self) -> None:
        """Textual prints tracebacks with local variables, which could hold a secret: print a redacted
        traceback without locals instead."""
        import traceback

        from rich.text import Text

        self.bell()
        self._exit_renderables.append(Text(redact(traceback.format_exc())))
        self._close_messages_no_wait()


def _secrets_sent(prepared: PreparedRequest | None, created: Created) -> tuple[tuple[str, SecretStr], ...]:
    """The secrets in the body of the request that created `created` (label, value), in form order."""
    from pydantic import SecretStr

    from trunkwizard.fields import Kind, wire_body

    if prepared is None or (prepared.provider.key, prepared.mode.key) != (
        created.ref.provider,
        created.ref.mode,
    ):
        return ()
    sent = wire_body(prepared.request, keep_secrets=True)
    return tuple(
        (field.label, value)
        for field in prepared.mode.fields
        if field.kind is Kind.SECRET and isinstance(value := sent.get(field.wire), SecretStr) and value
    )


def _attempt_key(provider: str, prepared: PreparedRequest | None) -> str:
    """The same request, as far as a second POST is concerned: provider, mode, masked URL and body."""
    import json

    if prepared is None:
        return provider
    preview = prepared.preview
    return json.dumps([provider, prepared.mode.key, preview.url, preview.json], sort_keys=True, default=str)


def run_app(
    *,
    sandbox: bool = False,
    profile: str | None = None,
    mouse: bool = True,
    accounts: AccountSource | None = None,
    read_only: bool = False,
    insecure_http: bool = False,
) -> int:
    """Run the wizard in this terminal; return the process exit code."""
    from trunkwizard.tui import hangup

    hangup.install()  # from here SIGHUP/SIGTERM end the process in bounded time (see tui/hangup.py)
    # the wizard with profiles, keyring, drafts and history (tui/persistent_app.py)
    from trunkwizard.tui.persistent_app import PersistentWizardApp

    app = PersistentWizardApp(
        sandbox=sandbox, profile=profile, accounts=accounts, read_only=read_only, insecure_http=insecure_http
    )
    app.keep_loaded = True
    hangup.attach(app, watchdog=True)
    try:
        result = app.run(mouse=mouse)
    finally:
        hangup.finished(app)
    if app.return_code is not None and app.return_code in hangup.SIGNAL_EXIT_CODES.values():
        # the terminal is gone or stalled: a flush at interpreter exit would fail (exit 120) or block
        os._exit(app.return_code)
    if app.return_code:
        return app.return_code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(run_app(sandbox="--sandbox" in sys.argv))
