"""What was created, newest first, with the request as it was sent (secrets masked); d deletes the
highlighted resource at the provider, after a confirmation, where the provider's API allows it.

The delete uses the entry's profile (secrets from the keyring, in a worker), the account in the form
when the entry was typed in with the same provider, or this session's sandbox for sandbox entries.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Group
from rich.syntax import Syntax
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from trunkwizard.errors import CredentialsUnavailable, TrunkwizardError
from trunkwizard.redact import redact
from trunkwizard.tui.cells import fit_cell, fit_columns
from trunkwizard.tui.messages import ConnectionResumeRequested
from trunkwizard.tui.services import HistoryAccess

if TYPE_CHECKING:
    import httpx

    from trunkwizard.connect.resume import HalfDone
    from trunkwizard.fields import ProviderModel
    from trunkwizard.providers import Provider
    from trunkwizard.store import HistoryEntry

__all__ = ["HistoryScreen", "entry_account", "sandbox_mismatch", "when"]


# What, Account and Created ID at 80 columns: with the time and the state, every column fits; a wider
# terminal gives them more (widen_columns), and the whole request shows under the table
_WIDTHS_AT_80 = (22, 11, 10)


def when_text(stamp: str) -> str:
    """`2026-11-23T09:41:07Z` as `2026-11-23 09:41` (UTC, as stored)."""
    return stamp.replace("T", " ")[:16]


def when(entry: HistoryEntry) -> str:
    return when_text(entry.time)


def entry_name(entry: HistoryEntry, provider: Provider | None) -> str:
    """What the request named the resource by (a number, a trunk name, a username), as the provider's
    listing declares it; "" when it does not say."""
    listing = provider.listing if provider is not None else None
    body = entry.request.get("json") if isinstance(entry.request, dict) else None
    named = body.get(listing.confirm_wire) if listing is not None and isinstance(body, dict) else None
    return str(named).strip() if isinstance(named, str | int) else ""


def request_text(entry: HistoryEntry, half: HalfDone | None = None) -> Group:
    """The request as it was sent, secrets masked (they were masked before it was written), under the
    whole created id and the mode, which the table cuts; a half-done connection says so first."""
    parts: list[Text | Syntax] = []
    if half is not None:
        parts.append(Text("\n".join(["Half-done connection.", *half.describe()]), style="bold"))
    head = Text()
    head.append("Created ID ", style="bold")
    head.append(entry.created_id or "unknown")
    if entry.mode:
        head.append(f" · mode {entry.mode}")
    parts.append(head)
    if entry.deleted_at:
        parts.append(Text(f"Deleted at the provider {when_text(entry.deleted_at)} UTC", style="bold"))
    if entry.outcome == "unknown":
        looked = (
            f" Looked up {when_text(entry.looked_up_at)} UTC: not found then (no proof)."
            if entry.looked_up_at
            else " Not looked up since: submitting the same request again offers a look-up (l) first."
        )
        parts.append(Text("Unknown outcome: sent, and may have been applied." + looked, style="bold"))
    calls = entry.calls
    for index, call in enumerate(calls):
        head = Text()
        if len(calls) > 1:
            head.append(f"{'' if index == 0 else chr(10)}call {index + 1} of {len(calls)}: ", style="dim")
        head.append(f"{call.get('method', '')} ", style="bold")
        head.append(str(call.get("url", "")))
        parts.append(head)
        body = call.get("json")
        if body is not None:
            body_text = redact(json.dumps(body, indent=2, ensure_ascii=False))
            parts.append(
                Syntax(body_text, "json", theme="ansi_dark", background_color="default", word_wrap=True)
            )
    return Group(*parts)


class AccountNotAvailable(TrunkwizardError):
    """The account an entry was made with cannot be used from here; the message says what to do."""


def sandbox_mismatch(entry: HistoryEntry, access: HistoryAccess) -> str | None:
    """Why this session cannot reach the entry's resource (sandbox versus real provider), or None."""
    if entry.sandbox and (not access.sandbox or entry.id not in access.created_this_session):
        return (
            "The sandbox forgets what it created when trunkwizard exits; this one was made in an "
            "earlier session, so there is nothing left to delete."
        )
    if not entry.sandbox and access.sandbox:
        return "This one was made at the real provider: start trunkwizard without --sandbox to delete it."
    return None


async def entry_account(
    entry: HistoryEntry, provider: Provider, access: HistoryAccess
) -> tuple[ProviderModel, httpx.AsyncBaseTransport | None, str | None]:
    """The account `entry` was made with (the sandbox's, its profile's, or the one typed in this
    session), and the transport and CA file to reach it; AccountNotAvailable says why there is none,
    ReadOnlyRefused that its profile is read-only."""
    from trunkwizard.client import load_account

    mismatch = sandbox_mismatch(entry, access)
    if mismatch is not None:
        raise AccountNotAvailable(mismatch)
    if entry.sandbox:
        from trunkwizard.sandbox import sandbox_account

        return load_account(provider, sandbox_account(provider.key)), access.transport(), None
    if entry.profile:
        from trunkwizard.tui.accounts import SavedAccount

        source = access.profiles
        values = await asyncio.to_thread(source.account_values, SavedAccount(entry.profile, provider.key))
        profile = await asyncio.to_thread(source.accounts.profiles.get, entry.profile)
        if profile.read_only:
            from trunkwizard.errors import ReadOnlyRefused

            raise ReadOnlyRefused("delete", f"(profile {profile.name!r} is read-only)")
        return load_account(provider, values), None, profile.ca_file
    typed_in = access.typed_in
    if typed_in is not None and typed_in[0] == provider.key:
        return typed_in[1], None, None
    raise AccountNotAvailable(
        f"This one was made with a {provider.title} account typed in, not a saved profile: enter that "
        "account on the account step first, then delete it from here."
    )


def _account(entry: HistoryEntry) -> str:
    return "sandbox" if entry.sandbox else (entry.profile or "typed in")


def _what_whole(what: str, name: str) -> str:
    return f"{what} · {name}" if name else what


def _what_cell(what: str, name: str, width: int) -> str:
    """The What column in `width` cells: the provider's name is cut first, so a number keeps its last
    digits (the number, trunk name or username tells the rows apart)."""
    if name:
        what = fit_cell(what, max(width - cell_len(" · ") - cell_len(name), 4))
    return fit_cell(_what_whole(what, name), width)


class HistoryScreen(Screen[None]):
    DEFAULT_CSS = """
    HistoryScreen { layout: vertical; }
    #history-heading { height: auto; padding: 0 1; text-style: bold; }
    #history-banner { height: auto; padding: 0 1; color: $text-error; display: none; }
    #history-banner.-shown { display: block; }
    #history-table { height: 1fr; margin: 0 1; }
    #history-request { height: 7; margin: 0 1; border-top: solid $panel; }
    #history-hint { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "Back", id="history-back"),
        Binding("d,delete", "delete", "Delete at provider", id="history-delete"),
        Binding("r", "resume", "Resume connection", id="history-resume"),
    ]

    def __init__(self, access: HistoryAccess) -> None:
        super().__init__()
        self.access = access
        self.history = access.history
        self.entries: list[HistoryEntry] = []
        self.providers: dict[str, Provider] = {}
        # entry id -> the half-done connection it is the first half of
        self.half_done: dict[str, HalfDone] = {}
        self.widths: list[int] = []  # What, Account, Created ID (lay_out_columns)

    def compose(self) -> ComposeResult:
        yield Static("History: what was created, newest first", id="history-heading")
        yield Static("", id="history-banner", markup=False)
        table: DataTable[Any] = DataTable(id="history-table", cursor_type="row")
        yield table
        with VerticalScroll(id="history-request"):
            yield Static("", id="history-request-text", markup=False)
        yield Static("", id="history-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.lay_out_columns()
        self.query_one(DataTable).focus()
        self.refresh_list()

    def lay_out_columns(self) -> bool:
        """Size What, Account and Created ID to the terminal (their widths at 80 columns, more where a
        wider one lets a cut value show whole); True if they changed (the table is then empty)."""
        whole = ((_what_whole(*self._what(e)), _account(e), e.created_id or "?") for e in self.entries)
        widths = fit_columns(_WIDTHS_AT_80, whole, self.size.width)
        if widths == self.widths:
            return False
        self.widths = widths
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column("When (UTC)", key="when", width=len("2026-11-23 09:41"))  # as when_text gives it
        table.add_column("What", key="what", width=widths[0])
        table.add_column("Account", key="account", width=widths[1])
        table.add_column("Created ID", key="id", width=widths[2])
        table.add_column("State", key="state")
        return True

    def on_resize(self, event: events.Resize) -> None:
        selected = self.selected()
        if self.entries and self.lay_out_columns():
            self.fill(selected.id if selected is not None else None)

    def _what(self, entry: HistoryEntry) -> tuple[str, str]:
        """The provider (and mode, when it has several and the request names nothing), and the number,
        trunk name or username the request named."""
        provider = self.providers.get(entry.provider)
        what = provider.title if provider is not None else entry.provider
        name = entry_name(entry, provider)
        if not name and entry.mode and provider is not None and len(provider.modes) > 1:
            what += f" · {entry.mode}"
        return what, name

    @work(group="history", exclusive=True, exit_on_error=False)
    async def refresh_list(self, select: str | None = None) -> None:
        from trunkwizard.providers import all_providers

        try:
            self.providers = {p.key: p for p in await asyncio.to_thread(all_providers)}
            self.entries = list(reversed(await asyncio.to_thread(self.history.entries)))
            self.half_done = await asyncio.to_thread(self._half_done)
        except TrunkwizardError as exc:
            self.set_banner(exc.message)
            return
        self.lay_out_columns()
        self.fill(select)

    def fill(self, select: str | None = None) -> None:
        table = self.query_one(DataTable)
        table.clear()
        what_width, account_width, id_width = self.widths
        for entry in self.entries:
            state = "deleted" if entry.deleted_at else entry.outcome  # "created" or "unknown"
            if entry.id in self.half_done:
                state = "half-done"
            # cut with a sign; the whole id (and the request naming the resource) shows under the table
            cells = (
                _what_cell(*self._what(entry), what_width),
                fit_cell(_account(entry), account_width),
                fit_cell(entry.created_id or "?", id_width),
            )
            table.add_row(when(entry), *cells, state, key=entry.id)
        ids = [e.id for e in self.entries]
        if select in ids:
            table.move_cursor(row=ids.index(select))
        self._show_request()

    def _half_done(self) -> dict[str, HalfDone]:
        from trunkwizard.connect.resume import NotResumable, half_done

        found: dict[str, HalfDone] = {}
        for entry in self.history.half_done():
            try:
                found[entry.id] = half_done(entry)
            except (NotResumable, ValueError):
                continue  # listed as created; nothing to resume from (no offer kept, provider unknown)
        return found

    def set_banner(self, message: str | None) -> None:
        banner = self.query_one("#history-banner", Static)
        banner.update(f"✗ {message}" if message else "")
        banner.set_class(bool(message), "-shown")

    def selected(self) -> HistoryEntry | None:
        row = self.query_one(DataTable).cursor_row
        return self.entries[row] if self.entries and 0 <= row < len(self.entries) else None

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_request()

    def _show_request(self) -> None:
        entry = self.selected()
        half = self.half_done.get(entry.id) if entry is not None else None
        self.query_one("#history-request-text", Static).update(request_text(entry, half) if entry else "")
        if half is not None:
            hint = "r resumes this connection · d deletes this first half · Esc back (keeps it)"
        elif self.entries:
            hint = "d deletes the highlighted one at the provider (type its name) · Esc back"
        else:
            hint = "Nothing created yet."
        self.query_one("#history-hint", Static).update(hint)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            entry = self.selected()
            return entry is not None and entry.id in self.half_done
        return super().check_action(action, parameters)

    # --- resuming a half-done connection --------------------------------------------------------------

    def action_resume(self) -> None:
        entry = self.selected()
        half = self.half_done.get(entry.id) if entry is not None else None
        if entry is None or half is None:
            return
        mismatch = sandbox_mismatch(entry, self.access)
        if mismatch is not None:
            self.set_banner(mismatch.replace("nothing left to delete", "nothing left to connect to"))
            return
        self.set_banner(None)
        self.resume(half)

    @work(group="history-resume", exclusive=True, exit_on_error=False)
    async def resume(self, half: HalfDone) -> None:
        """The first half's account (to delete it from the form if asked), then the second half's form."""
        first_account: ProviderModel | None
        try:
            first_account, _, _ = await entry_account(half.entry, half.first_provider, self.access)
        except TrunkwizardError:
            first_account = None  # typed in, or its profile unreadable: resuming needs only the offer
        self.post_message(ConnectionResumeRequested(self, half, first_account))

    # --- deleting -------------------------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_delete(self) -> None:
        from trunkwizard.deletion import why_not_deletable

        entry = self.selected()
        if entry is None:
            return
        provider = self.providers.get(entry.provider)
        if provider is None:
            self.set_banner(f"This version does not know the provider {entry.provider!r}.")
            return
        reason = why_not_deletable(entry, provider) or sandbox_mismatch(entry, self.access)
        if reason is not None:
            self.set_banner(reason)
            return
        self.set_banner(None)

        def decided(yes: bool | None) -> None:
            if yes:
                self.delete(entry, provider)

        if self.access.read_only(provider.key):
            from trunkwizard.errors import ReadOnlyRefused

            self.set_banner(ReadOnlyRefused("delete").message)
            return
        from trunkwizard.deletion import history_confirmation
        from trunkwizard.tui.screens.type_to_confirm import TypeToConfirmScreen

        self.app.push_screen(TypeToConfirmScreen(history_confirmation(entry, provider)), decided)

    @work(group="history-delete", exclusive=True, exit_on_error=False)
    async def delete(self, entry: HistoryEntry, provider: Provider) -> None:
        from trunkwizard.deletion import delete_created

        self.query_one("#history-hint", Static).update(f"deleting {entry.created_id}…")
        try:
            account, transport, ca_file = await entry_account(entry, provider, self.access)
            await delete_created(entry, provider, account, self.history, transport=transport, ca_file=ca_file)
        except CredentialsUnavailable as exc:
            self.set_banner(f"{exc.message} {exc.hint}".strip())
        except TrunkwizardError as exc:
            self.set_banner(exc.message)
        except Exception as exc:  # never a traceback with locals on the terminal
            self.set_banner(redact(f"{type(exc).__name__}: {exc}"))
        else:
            self.notify(f"Deleted {provider.creates} {entry.created_id}.", timeout=5)
        self.refresh_list(select=entry.id)
