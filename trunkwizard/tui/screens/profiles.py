"""Saved profiles: list, create, edit, rename and delete (with a confirmation; keyring entries go too).

Opened from the command palette and with F2 on the account step. Every profile and keyring call runs
in a worker: the keyring may be slow or locked, the screen stays live.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from trunkwizard.errors import TrunkwizardError
from trunkwizard.tui.saved_accounts import describe
from trunkwizard.tui.screens.confirm import ConfirmScreen
from trunkwizard.tui.screens.profile_editor import ProfileEditorScreen, RenameProfileScreen
from trunkwizard.tui.widgets.keyring_notice import KeyringNotice, KeyringSource

if TYPE_CHECKING:
    from trunkwizard.providers import Provider
    from trunkwizard.store import Profile
    from trunkwizard.tui.saved_accounts import ProfileAccounts

__all__ = ["ProfilesScreen", "ProviderPickScreen"]


def _providers() -> dict[str, Provider]:
    from trunkwizard.providers import all_providers

    return {p.key: p for p in all_providers()}


class ProviderPickScreen(ModalScreen["Provider | None"]):
    """Which provider the new profile is for."""

    DEFAULT_CSS = """
    ProviderPickScreen { align: center middle; }
    #pick-box { width: 60; max-width: 95%; height: auto; border: round $primary; background: $surface; }
    #pick-title { text-style: bold; padding: 0 1; }
    #pick-list { height: auto; max-height: 12; border: none; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pick-cancel")]

    def __init__(self, providers: Iterable[Provider]) -> None:
        super().__init__()
        self.providers = list(providers)

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        with Vertical(id="pick-box"):
            yield Static("New profile: which provider? Enter picks.", id="pick-title")
            yield OptionList(*[Option(p.title, id=p.key) for p in self.providers], id="pick-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.providers[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class ProfilesScreen(Screen[None]):
    DEFAULT_CSS = """
    ProfilesScreen { layout: vertical; }
    #profiles-heading { height: auto; padding: 0 1; text-style: bold; }
    #profiles-banner { height: auto; padding: 0 1; color: $text-error; display: none; }
    #profiles-banner.-shown { display: block; }
    #profiles-table { height: 1fr; margin: 0 1; }
    #profiles-hint { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "Back", id="profiles-back"),
        Binding("n", "new", "New", id="profiles-new"),
        Binding("e", "edit", "Edit", id="profiles-edit"),
        Binding("r", "rename", "Rename", id="profiles-rename"),
        Binding("d,delete", "delete", "Delete", id="profiles-delete"),
    ]

    def __init__(
        self, source: ProfileAccounts, provider_key: str | None = None, keyring: KeyringSource | None = None
    ) -> None:
        super().__init__()
        self.source = source
        self.keyring = keyring
        self.provider_key = provider_key
        self.profiles: list[Profile] = []
        self.providers: dict[str, Provider] = {}

    def compose(self) -> ComposeResult:
        yield Static(
            "Saved profiles: accounts at the providers, secrets in the keyring", id="profiles-heading"
        )
        yield Static("", id="profiles-banner", markup=False)
        yield KeyringNotice(self.keyring, id="keyring")
        table: DataTable[Any] = DataTable(id="profiles-table", cursor_type="row", zebra_stripes=False)
        yield table
        yield Static("", id="profiles-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # fixed widths for the wide columns, so the secrets column is never scrolled off at 80 columns
        table.add_column("Name", key="name")
        table.add_column("Provider", key="provider")
        table.add_column("Settings", key="settings", width=20)
        table.add_column("Secrets", key="secrets", width=21)
        table.focus()
        self.refresh_list()

    # --- listing --------------------------------------------------------------------------------------

    @work(group="profiles", exclusive=True, exit_on_error=False)
    async def refresh_list(self, select: str | None = None) -> None:
        try:
            self.providers = await asyncio.to_thread(_providers)
            self.profiles = await asyncio.to_thread(self.source.profiles)
        except TrunkwizardError as exc:
            self.set_banner(exc.message)
            return
        table = self.query_one(DataTable)
        table.clear()
        for profile in self.profiles:
            provider = self.providers.get(profile.provider)
            settings = describe(profile)
            table.add_row(
                profile.name,
                provider.title if provider is not None else f"{profile.provider} (unknown)",
                Text(settings, overflow="ellipsis", no_wrap=True),
                "…",
                key=profile.name,
            )
        wanted = select or (self.source.chosen(self.provider_key) if self.provider_key else None)
        names = [p.name for p in self.profiles]
        if wanted in names:
            table.move_cursor(row=names.index(wanted))
        self._hint()
        self.refresh_bindings()  # Edit, Rename and Delete show only when there is a profile to act on
        self.read_secrets()

    @work(group="profile-secrets", exclusive=True, exit_on_error=False)
    async def read_secrets(self) -> None:
        """Which secrets each profile has this session (keyring reads, so in a worker)."""
        table = self.query_one(DataTable)
        for profile in list(self.profiles):
            if profile.provider not in self.providers:
                continue
            try:
                presence = await asyncio.to_thread(self.source.accounts.secret_presence, profile.name)
            except TrunkwizardError:
                continue
            status = self.source.status
            where = "stored" if status is not None and status.persistent else "in memory"
            missing = [wire for wire, present in presence.items() if present is False]
            unknown = [wire for wire, present in presence.items() if present is None]
            if unknown:
                cell = "unknown: the keyring did not answer"
            else:
                cell = f"lacks {', '.join(missing)}" if missing else (where if presence else "none")
            try:
                table.update_cell(profile.name, "secrets", cell)
            except Exception:
                return  # the list was refreshed meanwhile

    def _hint(self) -> None:
        if not self.profiles:
            text = "No profiles yet: n creates one (ctrl+s on the account step saves the account there)."
        else:
            text = "n new · Enter edit · r rename · d delete (with its keyring entries) · Esc back"
        self.query_one("#profiles-hint", Static).update(text)

    def set_banner(self, message: str | None) -> None:
        banner = self.query_one("#profiles-banner", Static)
        banner.update(f"✗ {message}" if message else "")
        banner.set_class(bool(message), "-shown")

    def selected(self) -> Profile | None:
        table = self.query_one(DataTable)
        if not self.profiles or table.cursor_row is None:
            return None
        index = table.cursor_row
        return self.profiles[index] if 0 <= index < len(self.profiles) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"edit", "rename", "delete"}:
            return bool(self.profiles) and self.selected() is not None
        return super().check_action(action, parameters)

    # --- actions --------------------------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_new(self) -> None:
        if not self.providers:
            return

        def picked(provider: Provider | None) -> None:
            if provider is not None:
                self.app.push_screen(ProfileEditorScreen(provider, self.source), self._saved)

        first = self.providers.get(self.provider_key or "")
        others = [p for p in self.providers.values() if p is not first]
        self.app.push_screen(ProviderPickScreen([first, *others] if first else others), picked)

    def _saved(self, profile: Profile | None) -> None:
        self.set_banner(None)
        if profile is not None:
            self.refresh_list(select=profile.name)

    def _known(self, profile: Profile | None) -> Provider | None:
        if profile is None:
            return None
        provider = self.providers.get(profile.provider)
        if provider is None:
            self.set_banner(
                f"{profile.name!r} is for {profile.provider!r}, which this version does not know."
            )
        return provider

    def action_edit(self) -> None:
        profile = self.selected()
        provider = self._known(profile)
        if profile is not None and provider is not None:
            self.app.push_screen(ProfileEditorScreen(provider, self.source, profile=profile), self._saved)

    def action_rename(self) -> None:
        profile = self.selected()
        if profile is not None:
            self.app.push_screen(RenameProfileScreen(profile, self.source), self._saved)

    def action_delete(self) -> None:
        profile = self.selected()
        if profile is None:
            return
        provider = self.providers.get(profile.provider)
        title = provider.title if provider is not None else profile.provider

        def decided(yes: bool | None) -> None:
            if yes:
                self.delete(profile)

        self.app.push_screen(
            ConfirmScreen(
                f"Delete profile {profile.name!r} ({title})?",
                "Its settings and its keyring entries are removed. What it created at the provider stays.",
            ),
            decided,
        )

    @work(group="profiles", exclusive=True, exit_on_error=False)
    async def delete(self, profile: Profile) -> None:
        try:
            outcome = await asyncio.to_thread(self.source.accounts.delete, profile.name)
        except TrunkwizardError as exc:
            self.set_banner(exc.message)
            return
        if self.source.chosen(profile.provider) == profile.name:
            self.source.choose(None, profile.provider)
        if outcome.keyring_cleared:
            self.notify(f"Deleted profile {profile.name!r} and its keyring entries.", timeout=5)
        else:
            self.set_banner(
                f"Deleted profile {profile.name!r}. {outcome.status.message} Entries an earlier session "
                "stored in a keyring were not reached."
            )
        self.refresh_list()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()
