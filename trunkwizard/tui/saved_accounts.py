"""The wizard's `AccountSource` over saved profiles (profiles.toml) and the keyring.

Everything here may block (file locks, a keyring that hangs): the wizard calls it from thread workers.
The keyring is detected once, by whichever call needs it first, normally the worker the app starts
after its first screen is drawn; until then no call touches it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from trunkwizard.errors import CredentialsUnavailable
from trunkwizard.tui.accounts import SavedAccount

if TYPE_CHECKING:
    from collections.abc import Callable

    from trunkwizard.accounts import Accounts
    from trunkwizard.secrets import KeyringStatus, SecretVault
    from trunkwizard.store import AppDirs, Profile

__all__ = ["ProfileAccounts", "ProfileSecretMissing"]


class ProfileSecretMissing(CredentialsUnavailable):
    """A saved profile lacks a required secret this session. `values` are what it does have (settings,
    other secrets) so the form keeps them; `field` is the secret to type."""

    def __init__(self, cause: CredentialsUnavailable, *, field: str, values: Mapping[str, Any]) -> None:
        self.field = field
        self.values = dict(values)
        super().__init__(cause.message, hint=cause.hint)


def describe(profile: Profile) -> str:
    """One line for the picker: the profile's settings, no secret (settings never hold one)."""
    parts = [str(value) for value in profile.settings.values() if value not in ("", None)]
    if profile.ca_file:
        parts.append("own CA")
    if profile.read_only:
        parts.append("[RO] read-only")
    return " · ".join(parts)


class ProfileAccounts:
    """Saved accounts for the account step, plus the profile store and vault for the profile screens.

    It remembers, per provider, the profile last loaded into the form (`chosen`): history entries and
    drafts name it, and its CA file is used to reach the provider.
    """

    def __init__(
        self,
        dirs: AppDirs | None = None,
        open_vault: Callable[[], SecretVault] | None = None,
        *,
        sandbox: bool = False,
    ) -> None:
        self._dirs = dirs
        self._sandbox = sandbox
        self._open_vault = open_vault
        self._lock = threading.Lock()
        self._accounts: Accounts | None = None
        self._chosen: dict[str, Profile] = {}

    # --- the keyring ----------------------------------------------------------------------------------

    def detect(self) -> KeyringStatus:
        """Find the keyring (blocking: up to about twice the keyring timeout) and return its status."""
        return self.accounts.vault.status

    @property
    def accounts(self) -> Accounts:
        """Profiles with their secrets; the first use detects the keyring (blocking)."""
        with self._lock:
            if self._accounts is None:
                from trunkwizard.accounts import Accounts
                from trunkwizard.secrets import SecretVault
                from trunkwizard.store import ProfileStore

                vault = self._open_vault() if self._open_vault is not None else SecretVault.open()
                self._accounts = Accounts(ProfileStore(self._dirs), vault)
            return self._accounts

    @property
    def status(self) -> KeyringStatus | None:
        """Where secrets go this session, or None while the keyring is still being detected."""
        accounts = self._accounts
        return accounts.vault.status if accounts is not None else None

    # --- AccountSource ---------------------------------------------------------------------------------

    def profiles(self) -> list[Profile]:
        from trunkwizard.store import ProfileStore

        return ProfileStore(self._dirs).list()

    def saved_accounts(self, provider_key: str) -> Sequence[SavedAccount]:
        from trunkwizard.sandbox import session_mismatch

        return [
            SavedAccount(p.name, p.provider, describe(p), session_mismatch(p.settings, sandbox=self._sandbox))
            for p in self.profiles()
            if p.provider == provider_key
        ]

    def account_values(self, account: SavedAccount) -> Mapping[str, Any]:
        """Settings and secrets of the profile. ProfileSecretMissing (with the rest of the values) when a
        required secret is neither in the keyring nor in this session's memory."""
        from trunkwizard.errors import SessionMismatch
        from trunkwizard.sandbox import session_mismatch
        from trunkwizard.secrets import SecretMissing

        accounts = self.accounts
        loaded = accounts.load(account.name)
        mismatch = session_mismatch(loaded.profile.settings, sandbox=self._sandbox)
        if mismatch is not None:
            raise SessionMismatch(f"{account.name}: {mismatch}")
        self.choose(loaded.profile)
        values = loaded.answers()
        required = {f.wire: f for f in accounts.secret_fields(loaded.profile.provider) if f.required}
        for wire in loaded.missing:
            if wire in required:
                try:
                    accounts.vault.fetch(account.name, wire, label=required[wire].label)
                except SecretMissing as exc:
                    raise ProfileSecretMissing(exc, field=wire, values=values) from None
        return values

    # --- the profile in use ------------------------------------------------------------------------------

    def choose(self, profile: Profile | None, provider_key: str | None = None) -> None:
        """Remember the profile whose account is in the form (None: the account was typed in)."""
        key = profile.provider if profile is not None else provider_key
        if key is None:
            return
        if profile is None:
            self._chosen.pop(key, None)
        else:
            self._chosen[key] = profile

    def typed_in(self, provider_key: str) -> None:
        self.choose(None, provider_key)

    def chosen(self, provider_key: str) -> str | None:
        profile = self._chosen.get(provider_key)
        return profile.name if profile is not None else None

    def read_only(self, provider_key: str) -> bool:
        """Whether the profile in use for this provider was saved read-only."""
        profile = self._chosen.get(provider_key)
        return profile.read_only if profile is not None else False

    def ca_file(self, provider_key: str) -> str | None:
        """The CA file of the profile in use for this provider (a PBX with its own certificate)."""
        profile = self._chosen.get(provider_key)
        return profile.ca_file if profile is not None else None
