"""The wizard as `trunkwizard` runs it: WizardApp plus what it keeps between sessions.

- saved profiles (profiles.toml + keyring) as the account step's `AccountSource`, a profiles screen
  (F2 on the account step, or the palette) and "save as profile" (ctrl+s on the account step);
- the keyring, its status shown where accounts are entered: decided from the environment at start when
  there is no session bus (no Secret Service, as over plain SSH), else detected in a worker when the
  account step or a profile screen first needs it;
- a draft of every non-secret answer, saved as it is typed, on SIGHUP / SIGTERM (then exit 129 / 143)
  and on a crash; the next start offers to resume it at the same step; removed after a submit;
- the history file, appended after each submission, and a history screen (F3, or the palette) that
  deletes a created resource at the provider after a confirmation.

WizardApp itself keeps nothing on disk, which is what its own tests want.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.signal import Signal

from trunkwizard.secrets import status_from_environment  # light: imports neither keyring nor pydantic
from trunkwizard.tui import hangup
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.draft_keeper import ACCOUNT, DETAILS, FIRST_HALF, OFFERED, SANDBOX, DraftKeeper
from trunkwizard.tui.saved_accounts import ProfileAccounts
from trunkwizard.tui.screens.base import WizardScreen
from trunkwizard.tui.steps import Step
from trunkwizard.tui.widgets.keyring_notice import KeyringNotice, keyring_details

if TYPE_CHECKING:
    from trunkwizard.client import PreparedRequest, ProviderClient
    from trunkwizard.connect import Need
    from trunkwizard.connect.resume import HalfDone
    from trunkwizard.errors import ProviderError, ValidationFailed
    from trunkwizard.fields import ProviderModel
    from trunkwizard.inventory import DeleteConfirmation
    from trunkwizard.providers import Created, Provider
    from trunkwizard.refusals import Refusal
    from trunkwizard.secrets import KeyringStatus, SecretVault
    from trunkwizard.store import AppDirs, Draft, DraftStore, HistoryEntry, HistoryStore, Profile
    from trunkwizard.tui.messages import ConnectionResumeRequested
    from trunkwizard.tui.screens.account import AccountScreen
    from trunkwizard.tui.services import HistoryAccess
    from trunkwizard.tui.state import Connecting
    from trunkwizard.tui.widgets.keyring_notice import KeyringSource

__all__ = ["SIGNAL_EXIT_CODES", "PersistentWizardApp"]

SIGNAL_EXIT_CODES = hangup.SIGNAL_EXIT_CODES

log = logging.getLogger("trunkwizard.tui")


class PersistentWizardApp(WizardApp):
    BINDINGS = [
        Binding("f2", "profiles", "Profiles", id="profiles"),
        # not in the footer (no room at 80 columns): the palette and the profiles screen name it
        Binding("ctrl+s", "save_profile", "Save as profile", show=False, id="save-profile"),
        Binding("f3", "history", "History", show=False, id="history"),
        # named by the keyring notice itself, where it shows
        Binding("f5", "keyring_details", "Keyring", show=False, id="keyring-details"),
    ]

    @property
    def keyring(self) -> KeyringSource | None:
        return self

    def __init__(
        self,
        *,
        dirs: AppDirs | None = None,
        open_vault: Callable[[], SecretVault] | None = None,
        **options: Any,
    ) -> None:
        # the stores (and their imports) wait until first used, after the first screen is drawn
        self._given_dirs = dirs
        self.profile_accounts = ProfileAccounts(dirs, open_vault, sandbox=bool(options.get("sandbox")))
        if options.get("accounts") is None:
            options["accounts"] = self.profile_accounts
        super().__init__(**options)
        self.keeper = DraftKeeper(self, lambda: self.drafts, self._profile_in_use)
        self.keyring_signal: Signal[KeyringStatus | None] = Signal(self, "keyring")
        self.keyring_status: KeyringStatus | None = None
        self.keyring_detecting = False
        self.created_this_session: set[str] = set()
        # a draft found after the user started typing: offered in the palette, not in a dialog
        self.kept_draft: Draft | None = None

    @cached_property
    def dirs(self) -> AppDirs:
        from trunkwizard.store import AppDirs

        return self._given_dirs or AppDirs.from_environment()

    @cached_property
    def drafts(self) -> DraftStore:
        from trunkwizard.store import DraftStore

        return DraftStore(self.dirs)

    @cached_property
    def history(self) -> HistoryStore:
        from trunkwizard.store import HistoryStore

        return HistoryStore(self.dirs)

    def history_entries(self) -> list[HistoryEntry]:
        entries = [e for e in self.history.entries() if e.sandbox == self.sandbox]
        if self.sandbox:
            # the in-process emulator starts afresh each session and gives the same ids again: a pair
            # recorded in an earlier session would name resources that are not the ones joined now
            return [e for e in entries if e.id in self.created_this_session]
        return entries

    def record_deleted(self, provider_key: str, created_id: str) -> None:
        from trunkwizard.deletion import record_deleted_resource

        record_deleted_resource(self.history, self.history_entries(), provider_key, created_id)

    def other_account(self, provider: Provider, profile: str | None = None) -> ProviderModel | None:
        """Also a saved account: the one the history names for the other side (keyring read here)."""
        found = super().other_account(provider, profile)
        if found is not None or profile is None or self.sandbox:
            return found
        from trunkwizard.client import load_account
        from trunkwizard.errors import TrunkwizardError
        from trunkwizard.tui.accounts import SavedAccount

        try:
            values = self.profile_accounts.account_values(SavedAccount(profile, provider.key))
            return load_account(provider, values, insecure_http=self.insecure_http)
        except (TrunkwizardError, LookupError, ValueError) as error:
            log.warning("the other side's saved account %s cannot be opened: %s", profile, error)
            return None

    def _profile_in_use(self, provider_key: str) -> str | None:
        return self.profile_accounts.chosen(provider_key)

    # --- start ----------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        super().on_mount()
        hangup.attach(self)  # run_app attached it before start-up already; Pilot tests start here
        self.screen_change_signal.subscribe(self, lambda _screen: self.keeper.schedule())
        self.call_after_refresh(self._after_first_frame)
        self.keyring_status = status_from_environment()  # microseconds: no session bus, no Secret Service

    def on_unmount(self) -> None:
        hangup.detach(self)
        self.keeper.close()

    def keep_before_exit(self) -> None:
        """SIGHUP or SIGTERM (tui/hangup.py): keep the draft, and record a create in flight as unknown.
        Runs in a signal handler: nothing here writes to the terminal (it may be gone or stalled)."""
        self.keeper.save_now()
        from trunkwizard.tui.screens.submit import SubmitScreen

        screen = self.screen_stack[-1] if self.screen_stack else None
        if isinstance(screen, SubmitScreen) and screen.in_flight():
            self._record_unknown_now(screen.prepared)

    def _record_unknown_now(self, prepared: PreparedRequest) -> None:
        from trunkwizard.commands._profiles import history_request

        with contextlib.suppress(Exception):
            self.history.append(
                provider=prepared.provider.key,
                profile=self._history_profile(prepared.provider.key),
                mode=prepared.mode.key,
                created_id=None,
                request=history_request(prepared),
                sandbox=self.sandbox,
                secret_fields={f.wire for f in prepared.mode.fields if f.secret},
                outcome="unknown",
            )

    def _after_first_frame(self) -> None:
        self.run_worker(self._clean_orphans(), group="clean", exit_on_error=False)
        self.run_worker(self._offer_draft(), group="draft", exit_on_error=False)

    async def _clean_orphans(self) -> None:
        """Temporary files a killed session left (kill -9 during a save) go on the next start."""
        await asyncio.to_thread(self._clean_orphans_now)

    def _clean_orphans_now(self) -> None:
        # in the worker's thread, the import and the store's directories too: nothing on the event loop
        from trunkwizard.store.files import clean_orphan_temp_files

        clean_orphan_temp_files(self.dirs.private_dirs())

    def want_keyring(self) -> None:
        """Detect the keyring now, in a worker, unless it is known or already being detected."""
        if self.keyring_status is None and not self.keyring_detecting:
            self.keyring_detecting = True
            self.run_worker(self._detect_keyring(), group="keyring", exit_on_error=False)

    def choose_provider(self, provider: Provider) -> None:
        self.want_keyring()  # the account step shows where secrets go
        super().choose_provider(provider)

    async def _detect_keyring(self) -> None:
        try:
            status = await asyncio.to_thread(self.profile_accounts.detect)
        except Exception as exc:  # detection must never take the wizard down
            from trunkwizard.redact import redact
            from trunkwizard.secrets import KeyringState, KeyringStatus

            status = KeyringStatus(
                KeyringState.FAILED,
                "session memory",
                redact(
                    f"The keyring could not be checked ({type(exc).__name__}), so secrets are kept in "
                    "memory for this session only."
                ),
            )
        self.keyring_status = status
        self.keyring_signal.publish(status)

    # --- drafts -----------------------------------------------------------------------------------------

    def on_form_view_edited(self, _event: object) -> None:
        self.keeper.schedule()

    def keep_refusals(self, provider_key: str, mode_key: str, refusals: tuple[Refusal, ...]) -> None:
        super().keep_refusals(provider_key, mode_key, refusals)
        self.keeper.schedule()  # the draft keeps them too

    async def _offer_draft(self) -> None:
        from trunkwizard.errors import StoreError

        try:
            # the store is opened (and imported) in the thread too: nothing of it on the event loop
            draft = await asyncio.to_thread(lambda: self.drafts.latest())
        except StoreError as exc:
            self.notify(exc.message, title="Draft not readable", severity="warning", timeout=10)
            return
        if draft is None:
            return
        from trunkwizard.tui.screens.resume import ResumeChoice, ResumeScreen

        summary = await asyncio.to_thread(_draft_summary, draft)
        if self._started_typing():
            # The draft was found after the user began: a dialog now would take the keys meant for the
            # filter (an "r" typed into a provider name resumed it). Say so, and offer it in the palette.
            self.kept_draft = draft
            self.notify(
                f"A draft is kept ({summary.splitlines()[0]}): ctrl+p, then 'Resume the kept draft'.",
                title="Draft kept",
                timeout=12,
            )
            return
        self.keeper.suspended = True

        def decided(choice: ResumeChoice | None) -> None:
            self.keeper.suspended = False
            if choice == "resume":
                self.run_worker(self.resume(draft), group="draft", exit_on_error=False)
            elif choice == "discard":
                self.keeper.discard()
                self.notify("Draft discarded.", timeout=3)

        self.push_screen(ResumeScreen(summary), decided)

    def _started_typing(self) -> bool:
        """Has the user typed, or moved past the first step, since the wizard appeared?"""
        from textual.widgets import Input

        screen = self.screen
        if not isinstance(screen, WizardScreen) or screen.STEP is not Step.PROVIDER:
            return True
        return any(bool(field.value) for field in screen.query(Input))

    def resume_kept_draft(self) -> None:
        draft, self.kept_draft = self.kept_draft, None
        if draft is not None:
            self.run_worker(self.resume(draft), group="draft", exit_on_error=False)

    async def resume(self, draft: Draft) -> None:
        """Put the draft's answers back and walk to its step (as far as the answers allow)."""
        self.want_keyring()
        from trunkwizard.errors import CredentialsUnavailable, TrunkwizardError
        from trunkwizard.providers import get_provider
        from trunkwizard.tui.accounts import SavedAccount
        from trunkwizard.tui.screens.account import as_form_values

        try:
            provider = await asyncio.to_thread(get_provider, draft.provider)
        except KeyError:
            self.notify(f"The draft is for {draft.provider!r}, which this version does not know.", timeout=8)
            return
        answers = draft.answers
        typed: dict[str, Any] = _mapping(answers.get(ACCOUNT))
        details: dict[str, Any] = _mapping(answers.get(DETAILS))
        if bool(answers.get(SANDBOX)) != self.sandbox:
            typed = {}  # the sandbox's account is no real one, and a real one has no place in the sandbox
        base: dict[str, Any] = {}
        problem: str | None = None
        if draft.profile and not self.sandbox:
            try:
                base = dict(
                    await asyncio.to_thread(
                        self.profile_accounts.account_values, SavedAccount(draft.profile, provider.key)
                    )
                )
            except CredentialsUnavailable as exc:
                base, problem = dict(getattr(exc, "values", {})), f"{exc.message} {exc.hint}".strip()
            except TrunkwizardError as exc:
                problem = exc.message
        elif self.sandbox:
            with contextlib.suppress(KeyError):
                from trunkwizard.sandbox import sandbox_account

                base = dict(sandbox_account(provider.key))
        values = as_form_values(provider, {**base, **{k: v for k, v in typed.items() if v not in (None, "")}})
        self.state.account_values[provider.key] = values
        if answers.get(FIRST_HALF) and await self._resume_draft_connection(draft, provider):
            return  # the second half of a connection: resumed as the connection, as the history's r does
        if draft.mode is not None and any(m.key == draft.mode for m in provider.modes):
            self.state.mode_key = draft.mode
            self.state.detail_values[(provider.key, draft.mode)] = dict(details)
            if bool(answers.get(SANDBOX)) == self.sandbox:  # the sandbox's refusals are no real provider's
                self.state.refusals[(provider.key, draft.mode)] = draft.refused
        await self._build_steps(provider, draft.step, problem)

    async def _build_steps(self, provider: Provider, step: str, problem: str | None) -> None:
        """The screen stack for a draft at `step`, built from the state: each step whose answers hold
        is pushed in turn; the first that does not is where the technician continues."""
        from trunkwizard.client import load_account, prepare
        from trunkwizard.errors import ValidationFailed

        self.state.provider = provider
        account_screen = self.account_screen(provider)
        await self.push_screen(account_screen)
        if step == "account":
            if problem:
                account_screen.set_banner(problem)
            return
        try:
            account = load_account(provider, account_screen.form.answers(), insecure_http=self.insecure_http)
        except ValidationFailed as failure:
            account_screen.show_problems(
                failure.problems,
                headline=problem or "Secrets are not kept in drafts: type them again, then ctrl+n.",
            )
            return
        account_screen.remember()
        self.state.account = account
        mode_key = self.state.mode_key if len(provider.modes) > 1 else provider.modes[0].key
        if len(provider.modes) > 1:
            await self.push_screen(self.mode_screen(provider))
            if step == "mode" or mode_key is None:
                return
        assert mode_key is not None
        self.state.mode_key = mode_key
        details = self.details_screen(provider, mode_key)
        await self.push_screen(details)
        if step not in ("review", "submit"):
            return
        try:
            self.state.prepared = prepare(provider, mode_key, details.form.answers(), account)
        except ValidationFailed as failure:
            details.show_problems(failure.problems)
            return
        details.remember()
        review = self.review_screen(self.state.prepared)
        await self.push_screen(review)
        if step == "submit":
            review.set_banner(
                "The last session ended while submitting: check the provider (or the history, F3) "
                "before you submit again."
            )

    # --- a submission ------------------------------------------------------------------------------------

    def show_created(self, created: Created, *, recorded: bool = False, push: bool = False) -> None:
        super().show_created(created, recorded=recorded, push=push)
        self.keeper.discard()
        if not recorded:
            self.run_worker(self._record(created), group="history", exit_on_error=False)

    def _history_profile(self, provider_key: str) -> str | None:
        return None if self.sandbox else self.profile_accounts.chosen(provider_key)

    async def _record(self, created: Created | None, outcome: str = "created") -> None:
        from trunkwizard.commands._profiles import history_request
        from trunkwizard.errors import StoreError

        prepared = self.state.prepared
        if prepared is None:
            return
        offers = await self._offers(prepared, created) if created is not None else []
        connecting = self.state.connecting
        connection = None
        if connecting is not None and connecting.targets(prepared.provider.key, prepared.mode.key):
            # the second half of a connection: linked to the first half's entry
            connection = {
                "pair": connecting.pair or connecting.first_entry,
                "side": "second",
                "other": {"provider": connecting.offer.provider, "mode": connecting.offer.mode},
                "first_entry": connecting.first_entry,
            }
        try:
            entry = await asyncio.to_thread(
                self.history.append,
                provider=prepared.provider.key,
                profile=self._history_profile(prepared.provider.key),
                mode=prepared.mode.key,
                created_id=created.ref.id if created is not None else None,
                request=history_request(prepared),
                sandbox=self.sandbox,
                secret_fields={f.wire for f in prepared.mode.fields if f.secret},
                path_values=created.ref.path_values if created is not None else None,
                offers=offers,
                outcome=outcome,
                connection=connection,
            )
        except StoreError as exc:
            self.notify(f"Not added to the history: {exc.message}", severity="warning", timeout=10)
            return
        self.created_this_session.add(entry.id)
        if connection is None and created is not None:
            self.first_entry = entry.id

    async def _offers(self, prepared: PreparedRequest, created: Created) -> list[dict[str, Any]]:
        """What was created offers the other side (kept for `trunkwizard export`); reads it may need
        (a provider's SIP profile) go through a client of their own. Never fails the recording."""
        from trunkwizard.connect.catalog import recorded_offers
        from trunkwizard.errors import TrunkwizardError

        provider = prepared.provider
        if not any(o.mode == created.ref.mode for o in provider.offerings):
            return []
        try:
            async with self.client() as client:
                offers, _ = await recorded_offers(client, provider, prepared, created)
        except TrunkwizardError:
            return []
        return offers

    # --- connecting: the pair in the history ---------------------------------------------------------------

    def connect_to(self, need: Need) -> None:
        super().connect_to(need)
        self.link_first_half(need)

    def link_first_half(
        self, need: Need, *, typed: dict[str, Any] | None = None, problem: str | None = None
    ) -> None:
        """From now on the history lists the first half as half-done (until the second is recorded);
        with `problem`, when and why the second half failed and what was typed for it (no secret)."""
        if self.first_entry is None:
            return
        link: dict[str, Any] = {
            "pair": self.first_entry,
            "side": "first",
            "other": {"provider": need.owner, "mode": need.mode},
        }
        if problem is not None:
            from trunkwizard.connect.resume import failure_link
            from trunkwizard.providers import get_provider
            from trunkwizard.store.drafts import utc_now

            secret = {f.wire for f in get_provider(need.owner).mode(need.mode).fields if f.secret}
            answers = {k: v for k, v in (typed or {}).items() if k not in secret and v not in (None, "", [])}
            link = failure_link(link, utc_now(), problem or "not sent", answers)
        self.run_worker(self._link(self.first_entry, link), group="history", exit_on_error=False)

    async def keep_first_half(self, created: Created) -> None:
        self.keeper.discard()
        await self._record(created)

    async def _link(self, entry_id: str, link: dict[str, Any]) -> None:
        from trunkwizard.errors import StoreError

        try:
            await asyncio.to_thread(self.history.link_connection, entry_id, link)
        except StoreError as exc:
            self.notify(f"Not linked in the history: {exc.message}", severity="warning", timeout=10)

    def back_to_details(self, error: ProviderError | ValidationFailed) -> None:
        super().back_to_details(error)
        connecting, prepared = self.state.connecting, self.state.prepared
        if (
            connecting is not None
            and connecting.first_entry is not None
            and prepared is not None
            and connecting.targets(prepared.provider.key, prepared.mode.key)
        ):
            # the second half was refused: the first half's entry says when and why, and keeps what was
            # typed and the fields the provider refused (no secret) for a resume from the history
            from trunkwizard.errors import ProviderError

            typed = self._typed_second(connecting, prepared)
            refused = self._refused_second(prepared, error) if isinstance(error, ProviderError) else []
            self.run_worker(
                self._note_failure(connecting, error.message, typed, refused),
                group="history",
                exit_on_error=False,
            )

    def _refused_second(self, prepared: PreparedRequest, error: ProviderError) -> list[dict[str, Any]]:
        from trunkwizard.refusals import refusals_of, refusals_to_json
        from trunkwizard.tui.draft_keeper import secret_wires

        values = self.state.detail_values.get((prepared.provider.key, prepared.mode.key), {})
        return refusals_to_json(refusals_of(error, values), set(secret_wires(prepared.mode.fields)))

    def _typed_second(self, connecting: Connecting, prepared: PreparedRequest) -> dict[str, Any]:
        from pydantic import SecretStr

        from trunkwizard.tui.draft_keeper import secret_wires

        fields = prepared.mode.fields
        left_out = set(secret_wires(fields)) | set(connecting.filled.answers)
        values = self.state.detail_values.get((prepared.provider.key, prepared.mode.key), {})
        return {
            wire: value
            for wire, value in values.items()
            if wire not in left_out and not isinstance(value, SecretStr) and value not in (None, "", [])
        }

    async def _note_failure(
        self,
        connecting: Connecting,
        problem: str,
        typed: dict[str, Any],
        refused: list[dict[str, Any]] | None = None,
    ) -> None:
        from trunkwizard.connect.resume import failure_link
        from trunkwizard.errors import StoreError
        from trunkwizard.store.drafts import utc_now

        entry_id = connecting.first_entry
        try:
            entries = await asyncio.to_thread(self.history.entries)
            entry = next((e for e in entries if e.id == entry_id), None)
            if entry is None or entry_id is None:
                return
            link = failure_link(entry.connection, utc_now(), problem, typed, refused)
            await asyncio.to_thread(self.history.link_connection, entry_id, link)
        except StoreError as exc:
            self.notify(f"The failure was not written to the history: {exc.message}", severity="warning")

    # --- resuming a half-done connection from the history ---------------------------------------------------

    def on_connection_resume_requested(self, message: ConnectionResumeRequested) -> None:
        self.run_worker(
            self._resume_connection(message.half, message.first_account), group="flow", exclusive=True
        )

    async def _resume_connection(
        self,
        half: HalfDone,
        first_account: ProviderModel | None,
        *,
        typed: dict[str, Any] | None = None,
        refused: tuple[Refusal, ...] | None = None,
    ) -> None:
        """The second half's steps again: its account, then its form with what the first half offered
        locked (the password typed again: history never keeps it); F6 deletes the first half, F7 keeps it.
        `typed` and `refused`: a draft's form values and refusals, instead of the history's."""
        from trunkwizard.tui.state import Connecting

        await self._start_over()
        from trunkwizard.editing import form_value

        key = (half.second_provider.key, half.need.mode)
        if typed is None:
            # what was typed for it before (the wizard keeps form values; a script's answers, wire values)
            fields = {f.wire: f for f in half.second_provider.mode(half.need.mode).fields}
            typed = {
                wire: form_value(fields[wire], value) for wire, value in half.typed.items() if wire in fields
            }
        self.state.detail_values[key] = typed
        # what the provider refused there (a trunk name already taken) is marked again while it stays
        self.state.refusals[key] = half.refused if refused is None else refused
        self.state.connecting = Connecting(
            half.offer,
            half.need,
            half.filled(),
            half.first_title,
            half.entry.id,
            first_provider=half.first_provider,
            first_account=first_account,
            first_ref=half.first_ref,
            pair=str(half.entry.connection.get("pair") or half.entry.id),
            resumed=True,
        )
        self.choose_provider(half.second_provider)

    def _half_done(self, entry_id: str) -> HalfDone | None:
        """The half-done connection whose first half is history entry `entry_id`; None if it is none now."""
        from trunkwizard.connect.resume import NotResumable, half_done

        entry = next((e for e in self.history.half_done() if e.id == entry_id), None)
        try:
            return half_done(entry) if entry is not None else None
        except NotResumable:
            return None

    async def _resume_draft_connection(self, draft: Draft, provider: Provider) -> bool:
        """Resume the connection a draft of its second half names (the first half's history entry), by
        the history's rules (HistoryScreen's r); False, with a toast saying why, when it cannot be."""
        from trunkwizard.errors import TrunkwizardError
        from trunkwizard.tui.screens.history import entry_account, sandbox_mismatch

        half = await asyncio.to_thread(self._half_done, str(draft.answers.get(FIRST_HALF)))
        if half is None or (half.second_provider.key, half.need.mode) != (provider.key, draft.mode):
            why = "it is no longer half-done (its first half deleted, or the second made since)."
        else:
            access = self._history_access()
            mismatch = sandbox_mismatch(half.entry, access)
            if mismatch is None:
                first_account: ProviderModel | None
                try:
                    first_account, _, _ = await entry_account(half.entry, half.first_provider, access)
                except TrunkwizardError:
                    first_account = None  # typed in, or its profile unreadable: resuming needs only the offer
                typed = dict(_mapping(draft.answers.get(DETAILS)))
                await self._resume_connection(half, first_account, typed=typed, refused=draft.refused)
                return True
            why = mismatch.replace("nothing left to delete", "nothing left to connect to")
        self.notify(
            f"This draft was the second half of a connection that cannot be taken up: {why} This side is "
            "resumed on its own.",
            timeout=12,
        )
        return False

    def first_half_confirmation(self, connecting: Connecting) -> DeleteConfirmation:
        from trunkwizard.deletion import history_confirmation

        entry = next((e for e in self.history.entries() if e.id == connecting.first_entry), None)
        if entry is None or connecting.first_provider is None:
            return super().first_half_confirmation(connecting)
        return history_confirmation(entry, connecting.first_provider)

    async def first_half_deleted(self, connecting: Connecting) -> None:
        from trunkwizard.errors import StoreError

        if connecting.first_entry is None:
            return
        try:
            await asyncio.to_thread(self.history.mark_deleted, connecting.first_entry)
        except StoreError as exc:
            self.notify(f"Deleted, but not marked in the history: {exc.message}", severity="warning")

    def record_unknown(self, prepared: PreparedRequest) -> None:
        super().record_unknown(prepared)
        self.run_worker(self._record(None, "unknown"), group="history", exit_on_error=False)
        connecting = self.state.connecting
        if (
            connecting is not None
            and connecting.first_entry is not None
            and connecting.targets(prepared.provider.key, prepared.mode.key)
        ):
            problem = "sent, and the outcome is unknown: look it up before sending it again"
            typed = self._typed_second(connecting, prepared)
            self.run_worker(
                self._note_failure(connecting, problem, typed), group="history", exit_on_error=False
            )

    async def _unsettled(self, prepared: PreparedRequest) -> list[HistoryEntry]:
        from trunkwizard.commands._profiles import history_request
        from trunkwizard.errors import StoreError

        try:
            return await asyncio.to_thread(
                self.history.unsettled,
                prepared.provider.key,
                prepared.mode.key,
                history_request(prepared),
                self.sandbox,
            )
        except StoreError:
            return []

    async def unsettled_attempts(self, prepared: PreparedRequest) -> list[str]:
        earlier = [f"history entry {e.id}, {e.time}" for e in await self._unsettled(prepared)]
        return earlier or await super().unsettled_attempts(prepared)

    async def settle_attempts(self, prepared: PreparedRequest, found: str | None) -> None:
        from trunkwizard.errors import StoreError

        await super().settle_attempts(prepared, found)
        for entry in await self._unsettled(prepared):
            try:
                await asyncio.to_thread(self.history.record_lookup, entry.id, found)
            except StoreError as exc:
                self.notify(f"The look-up was not recorded: {exc.message}", severity="warning", timeout=10)

    def client_for(self, provider: Provider, account: ProviderModel) -> ProviderClient:
        from trunkwizard.client import ProviderClient

        ca_file = None if self.sandbox else self.profile_accounts.ca_file(provider.key)
        read_only = self.is_read_only(provider.key)
        return ProviderClient(
            provider,
            account,
            transport=self.transport(),
            ca_file=ca_file,
            read_only=read_only,
            insecure_http=self.insecure_http,
        )

    def is_read_only(self, provider_key: str | None) -> bool:
        if super().is_read_only(provider_key):
            return True
        return bool(provider_key) and not self.sandbox and self.profile_accounts.read_only(str(provider_key))

    # --- quitting and crashing ---------------------------------------------------------------------------

    def answers_at_risk(self) -> bool:
        # nothing typed, or the draft saved: quitting loses nothing (the next start offers the draft),
        # except typed secrets, which no draft keeps
        if self.keeper.snapshot() is None or self.keeper.save_now():
            return self.unsent_edit() or self.typed_secrets()
        return super().answers_at_risk()

    def quit_question(self) -> str:
        if self.unsent_edit():
            return super().quit_question()
        if self.keeper.snapshot() is not None and self.keeper.save_now():
            return (
                "The passwords and keys typed so far would be lost (secrets are never saved); "
                "the other answers are kept as a draft for the next start."
            )
        return super().quit_question()

    def _fatal_error(self) -> None:
        with contextlib.suppress(Exception):
            self.keeper.save_now()
        super()._fatal_error()

    # --- profiles and history ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        screen = self.screen
        if action in ("profiles", "save_profile"):
            return isinstance(screen, WizardScreen) and screen.STEP is Step.ACCOUNT
        if action == "history":
            return isinstance(screen, WizardScreen)
        if action == "keyring_details":
            return KeyringNotice.shown_on(screen)
        return super().check_action(action, parameters)

    def action_profiles(self) -> None:
        self.open_profiles()

    def action_keyring_details(self) -> None:
        from trunkwizard.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen("Secrets and the keyring", keyring_details(self.keyring_status)))

    def action_history(self) -> None:
        self.open_history()

    def open_profiles(self) -> None:
        from trunkwizard.tui.screens.account import AccountScreen
        from trunkwizard.tui.screens.profiles import ProfilesScreen

        self.want_keyring()
        account_screen = self.screen if isinstance(self.screen, AccountScreen) else None

        def closed(_: None) -> None:
            if account_screen is not None:
                account_screen.list_saved()

        provider = self.state.provider
        self.push_screen(
            ProfilesScreen(self.profile_accounts, provider.key if provider else None, self), closed
        )

    def open_history(self) -> None:
        from trunkwizard.tui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen(self._history_access()))

    def _history_access(self) -> HistoryAccess:
        from trunkwizard.tui.services import HistoryAccess

        provider, account = self.state.provider, self.state.account
        return HistoryAccess(
            history=self.history,
            profiles=self.profile_accounts,
            sandbox=self.sandbox,
            created_this_session=self.created_this_session,
            read_only=self.is_read_only,
            transport=self.transport,
            typed_in=(provider.key, account) if provider is not None and account is not None else None,
        )

    def action_save_profile(self) -> None:
        from trunkwizard.tui.screens.account import AccountScreen
        from trunkwizard.tui.screens.profile_editor import ProfileEditorScreen

        screen = self.screen
        provider = self.state.provider
        if provider is None or not isinstance(screen, AccountScreen):
            return
        form = screen.form

        def saved(profile: Profile | None) -> None:
            if profile is not None:
                self.profile_accounts.choose(profile)
                self.run_worker(self._show_saved(screen, profile.name), group="accounts-refresh")

        self.push_screen(ProfileEditorScreen(provider, self.profile_accounts, values=form.answers()), saved)

    async def _show_saved(self, screen: AccountScreen, name: str) -> None:
        from textual.widgets import Select

        await screen.list_saved().wait()
        with contextlib.suppress(Exception):
            picker = screen.query_one("#saved", Select)
            with picker.prevent(Select.Changed):
                picker.value = name

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Profiles", "Saved accounts: create, edit, rename, delete (F2)", self.open_profiles
        )
        yield SystemCommand("History", "What was created; delete it at the provider (F3)", self.open_history)
        if self.kept_draft is not None:
            yield SystemCommand(
                "Resume the kept draft",
                "Put the kept draft's answers back, at its step",
                self.resume_kept_draft,
            )
        if isinstance(screen, WizardScreen) and screen.STEP is Step.ACCOUNT:
            yield SystemCommand(
                "Save account as profile",
                "Settings to profiles.toml, secrets to the keyring",
                self.action_save_profile,
            )


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _draft_summary(draft: Draft) -> str:
    """What the draft is, in three lines: provider and mode; step, answers and profile; when."""
    from trunkwizard.providers import get_provider

    try:
        provider: Provider | None = get_provider(draft.provider)
    except KeyError:
        provider = None
    what = provider.title if provider is not None else draft.provider
    defaults: dict[str, Any] = {}
    if provider is not None and draft.mode:
        with contextlib.suppress(KeyError):
            mode = provider.mode(draft.mode)
            defaults = {f.wire: f.default for f in mode.fields}
            if len(provider.modes) > 1:
                what += f" · {mode.title}"
    details = _mapping(draft.answers.get(DETAILS))
    # what the technician typed or picked: a value left at its default is no answer worth counting, nor
    # one the first half of a connection offered (counted apart)
    given = [k for k, v in details.items() if v not in (None, "", [], False) and v != defaults.get(k)]
    named = draft.answers.get(OFFERED)
    offered = {wire for wire in named if isinstance(wire, str)} if isinstance(named, list) else set()
    count = sum(1 for k in given if k not in offered)
    facts = [f"Step: {draft.step.capitalize()}", f"{count} answer{'s' if count != 1 else ''}"]
    if from_first := sum(1 for k in given if k in offered):
        facts[-1] += f" (+{from_first} from the first half)"
    if draft.profile:
        facts.append(f"profile {draft.profile}")
    if draft.answers.get(SANDBOX):
        facts.append("sandbox")
    if draft.answers.get(FIRST_HALF):
        facts.append("second half of a connection")
    saved = draft.saved_at.replace("T", " ").replace("Z", " UTC")
    return f"{what}\n{' · '.join(facts)}\nSaved {saved}"
