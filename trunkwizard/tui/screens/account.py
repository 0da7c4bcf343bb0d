"""Step 2: the provider account. A saved account, the sandbox account, or typed in; secrets masked."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import SecretStr
from textual import on, work
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Select, Static

from trunkwizard.client import load_account
from trunkwizard.errors import (
    AuthenticationFailed,
    CredentialsUnavailable,
    SessionMismatch,
    ValidationFailed,
)
from trunkwizard.fields import Kind, ProviderModel
from trunkwizard.providers import Provider
from trunkwizard.tui.accounts import SavedAccount
from trunkwizard.tui.commands import ScreenCommand
from trunkwizard.tui.messages import AccountReady, InventoryRequested
from trunkwizard.tui.screens.form_screen import FormScreen
from trunkwizard.tui.services import AccountSession
from trunkwizard.tui.steps import Step
from trunkwizard.tui.widgets.form_view import FormView
from trunkwizard.tui.widgets.keyring_notice import KeyringNotice
from trunkwizard.tui.widgets.pick_list import PickList
from trunkwizard.tui.widgets.step_indicator import StepIndicator

__all__ = ["SANDBOX_PICK", "AccountScreen", "as_form_values"]

# the picker's value for the sandbox's own account (no profile can be named this: see PROFILE_NAME_RULE)
SANDBOX_PICK = ".sandbox"


def as_form_values(provider: Provider, values: Mapping[str, Any]) -> dict[str, Any]:
    """Account values as the editors hold them: secrets wrapped in SecretStr."""
    secret = {f.wire for f in provider.account_fields if f.kind is Kind.SECRET}
    return {
        k: SecretStr(str(v)) if k in secret and not isinstance(v, SecretStr) else v for k, v in values.items()
    }


class AccountScreen(FormScreen):
    STEP = Step.ACCOUNT
    BINDINGS = [Binding("f4", "inventory", "Inventory", id="inventory")]

    def __init__(
        self,
        provider: Provider,
        values: Mapping[str, Any],
        notice: str,
        *,
        session: AccountSession,
        sandbox_account: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(session=session)
        self.session = session
        self.provider = provider
        self.model: type[ProviderModel] = provider.account_model
        self._values = dict(values)
        # the sandbox's own account (form values), offered first in the picker; None outside the sandbox
        self._sandbox_account = dict(sandbox_account) if sandbox_account is not None else None
        self._notice = notice
        self._saved: list[SavedAccount] = []
        self._from_profile: set[str] = set()  # wire names the loaded profile filled in

    def heading(self) -> str:
        return f"{self.provider.title}: which account?"

    def compose_body(self) -> Iterable[Widget]:
        yield Static(self._notice, id="notice", markup=False)
        yield KeyringNotice(
            self.session.keyring, id="keyring"
        )  # where secrets go this session (hidden without profiles)
        # in the sandbox its own account heads the list from the first frame: always one pick away
        own = self._own_options()
        start = SANDBOX_PICK if own and self._holds_sandbox_account(self._values) else Select.NULL
        saved = PickList(own, prompt="saved accounts…", id="saved", compact=True, value=start)
        saved.display = bool(own)
        yield saved
        # saved accounts this session cannot use, and why (the core says: trunkwizard.sandbox)
        unusable = Static("", id="unusable", markup=False)
        unusable.display = False
        yield unusable
        yield from self.form_widgets(self.provider.account_fields, self._values)

    def on_mount(self) -> None:
        super().on_mount()
        self.list_saved()

    # --- saved accounts (profiles and keyring, through the AccountSource seam) -------------------------

    @work(group="accounts", exclusive=True)
    async def list_saved(self) -> None:
        source = self.session.accounts
        listed = list(await asyncio.to_thread(source.saved_accounts, self.provider.key))
        self._saved = [a for a in listed if a.unusable is None]
        unusable = [a for a in listed if a.unusable is not None]
        wanted = self.session.profile
        not_here = next((a for a in unusable if a.name == wanted), None)
        if not_here is not None:
            self.set_banner(f"{not_here.name!r} is not offered here: why is said under the picker.")
        elif wanted and not any(a.name == wanted for a in self._saved):
            self.set_banner(f"No saved {self.provider.title} account named {wanted!r}.")
        if unusable:
            note = self.query_one("#unusable", Static)
            names = ", ".join(a.name for a in unusable)
            note.update(f"Not offered here: {names}. {unusable[0].unusable}")
            note.display = True
        if not self._saved:
            return
        options = [
            *self._own_options(),
            *((f"{a.name}  {a.description}".strip(), a.name) for a in self._saved),
        ]
        picker = self.query_one("#saved", Select)
        current = picker.value
        with picker.prevent(Select.Changed):  # listed again (profiles edited): the same account stays
            picker.set_options(options)
            if any(value == current for _, value in options):
                picker.value = current
            elif not self._from_profile and self._holds_sandbox_account(self.form.values()):
                picker.value = SANDBOX_PICK
        picker.display = True
        if wanted and any(a.name == wanted for a in self._saved):
            picker.value = wanted

    def _own_options(self) -> list[tuple[str, str]]:
        """The sandbox's own account as the picker's first line (none outside the sandbox)."""
        if self._sandbox_account is None:
            return []
        return [("sandbox  the emulator's own account: requests stay in this program", SANDBOX_PICK)]

    def _holds_sandbox_account(self, values: Mapping[str, Any]) -> bool:
        own = self._sandbox_account
        return own is not None and all(values.get(wire) == value for wire, value in own.items())

    @on(Select.Changed, "#saved")
    def _saved_picked(self, event: Select.Changed) -> None:
        if event.value is Select.NULL:
            self._clear_saved()
            return
        if event.value == SANDBOX_PICK:
            if self._from_profile or not self._holds_sandbox_account(self.form.values()):
                self._use_sandbox_account()
            return
        chosen = next((a for a in self._saved if a.name == event.value), None)
        if chosen is not None:
            self.load_saved(chosen)

    @on(FormView.Edited)
    def _sandbox_pick_follows_the_form(self) -> None:
        """The picker says "sandbox" exactly while the form holds the sandbox's own account, so picking
        it after an edit brings the account back."""
        picker = self.query_one("#saved", Select)
        if (
            self._sandbox_account is None
            or self._from_profile
            or picker.value not in (SANDBOX_PICK, Select.NULL)
        ):
            return
        holds = self._holds_sandbox_account(self.form.values())
        with picker.prevent(Select.Changed):
            picker.value = SANDBOX_PICK if holds else Select.NULL

    def _clear_saved(self) -> None:
        """No saved account after all: take out what the profile filled in (its secrets first of all)
        and stop naming it, so the account is typed in."""
        if not self._from_profile:
            return
        self.session.accounts.typed_in(self.provider.key)
        start = {wire: self.form.rows[wire].editor.initial for wire in self._from_profile}
        for wire, row in self.form.rows.items():
            if row.field.secret and wire not in start:
                # a secret typed for the profile (it had none stored): not for the provider's default host
                start[wire] = row.field.default
        for wire, value in start.items():
            self.form.rows[wire].editor.set_value(value)
        self.form.take_as_start(start)
        self._from_profile.clear()
        self.form.refresh_visibility()
        self.set_banner(None)
        self.set_status("no saved account: type one in")
        self.form.focus_first()

    def _use_sandbox_account(self) -> None:
        """The sandbox's own account back in the form, in place of a saved one or what was typed."""
        own = self._sandbox_account
        if own is None:
            return
        self.session.accounts.typed_in(self.provider.key)
        for wire, row in self.form.rows.items():
            if wire in own:
                row.editor.set_value(own[wire])
            elif wire in self._from_profile:
                row.editor.set_value(row.field.default)
        self.form.take_as_start({wire: value for wire, value in own.items() if wire in self.form.rows})
        self._from_profile.clear()
        self.form.refresh_visibility()
        self.set_banner(None)
        self.set_status("the sandbox's own account: requests go to the emulator inside this program")
        self.query_one(StepIndicator).badge = self.session.badge

    @work(group="accounts", exclusive=True)
    async def load_saved(self, account: SavedAccount) -> None:
        self.set_status(f"reading {account.name} from the keyring…")
        missing: str | None = None
        try:
            values = await asyncio.to_thread(self.session.accounts.account_values, account)
        except SessionMismatch as exc:
            self.set_status("")
            self.set_banner(exc.message)
            return
        except CredentialsUnavailable as exc:
            self.set_status("")
            self.set_banner(f"{exc.message} {exc.hint}".strip() + " Type the secret for this session.")
            # a profile lacking only a secret still gives its settings: fill them, ask at the field
            partial, missing = getattr(exc, "values", None), getattr(exc, "field", None)
            if partial is None:
                return
            values = partial
        self.set_status("")
        form_values = as_form_values(self.provider, values)
        earlier, self._from_profile = self._from_profile, set()
        for wire, row in self.form.rows.items():
            if wire in form_values:
                row.editor.set_value(form_values[wire])
                self._from_profile.add(wire)
            elif row.field.secret or wire in earlier:
                # what this profile does not give: never the last profile's value, nor a secret typed
                # for it (that profile's API key went to this profile's host)
                form_values[wire] = row.field.default
                row.editor.set_value(row.field.default)
        self.form.take_as_start({w: v for w, v in form_values.items() if w in self.form.rows})
        self.form.refresh_visibility()
        # a profile saved read-only shows [RO] from here on
        self.query_one(StepIndicator).badge = self.session.badge
        if missing in self.form.rows:
            self.form.rows[missing].set_error("not stored for this profile: type it here")
            self.form.focus_field(missing)

    # --- steps ----------------------------------------------------------------------------------------

    def remember(self) -> None:
        self.session.keep_account_answers(self.provider.key, self.form.values())

    def action_next(self) -> None:
        try:
            account = load_account(
                self.provider, self.form.answers(), insecure_http=self.session.insecure_http
            )
        except ValidationFailed as failure:
            self.show_problems(failure.problems)
            return
        if self._leaves_the_sandbox(account):
            return
        self.set_banner(None)
        self.remember()
        self.post_message(AccountReady(self, account))

    def _leaves_the_sandbox(self, account: ProviderModel) -> bool:
        """In the sandbox, an account whose API is elsewhere (typed in, or edited) would only meet the
        emulator under a wrong address: said here, before any request, with the way back."""
        if self._sandbox_account is None:
            return False
        from trunkwizard.sandbox import session_mismatch

        reason = session_mismatch({"api": self.provider.base_url(account)}, sandbox=True)
        if reason is None:
            return False
        self.set_banner(f"{reason} Here, pick the sandbox's own account in the list above.")
        self.query_one("#saved", Select).focus()
        return True

    def palette_commands(self) -> tuple[ScreenCommand, ...]:
        inventory = ScreenCommand(
            "Inventory", "What this account already has at the provider (F4)", self.action_inventory
        )
        return (*super().palette_commands(), inventory)

    def action_inventory(self) -> None:
        """F4: what this account already has at the provider, instead of creating."""
        try:
            account = load_account(self.provider, self.form.answers())
        except ValidationFailed as failure:
            self.show_problems(failure.problems)
            return
        if self._leaves_the_sandbox(account):
            return
        self.set_banner(None)
        self.remember()
        self.post_message(InventoryRequested(self, self.provider, account))

    def show_authentication_failure(self, error: AuthenticationFailed) -> None:
        """Back from a refused submission: the message, and focus on the first secret."""
        self.set_banner(error.message)
        for wire, row in self.form.rows.items():
            if row.field.kind is Kind.SECRET and row.display:
                row.set_error("refused by the provider: check it")
                self.form.focus_field(wire)
                return
