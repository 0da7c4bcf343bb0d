"""Where the account step finds saved accounts: the seam for profiles and the keyring.

The wizard receives an `AccountSource`. Both methods may block (a locked keyring can hang), so the
wizard calls them in a thread worker and never on the UI thread. The profiles engineer plugs a
profile/keyring-backed source in here; until then the wizard runs with `NoSavedAccounts`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["AccountSource", "NoSavedAccounts", "SavedAccount"]


@dataclass(frozen=True)
class SavedAccount:
    """A saved account as the picker lists it: no secret here. `unusable` is why this session cannot use
    it (the core's words, trunkwizard.sandbox.session_mismatch): not offered, and that is said."""

    name: str
    provider: str
    description: str = ""
    unusable: str | None = None


class AccountSource(Protocol):
    def saved_accounts(self, provider_key: str) -> Sequence[SavedAccount]:
        """The saved accounts for a provider (fast, no secret is read), those this session cannot use
        with the reason in `unusable`."""
        ...

    def account_values(self, account: SavedAccount) -> Mapping[str, Any]:
        """Settings and secrets of one account, keyed by wire names; secrets as `SecretStr`.

        May raise `CredentialsUnavailable` (no usable keyring): the wizard then asks for the secret.
        """
        ...

    def typed_in(self, provider_key: str) -> None:
        """The account in the form is no saved one any more (the picker was cleared): forget which
        one it was, so drafts, history and the CA file stop naming it. Fast: nothing is read."""
        ...


class NoSavedAccounts:
    """No profile store: every account is typed in (or the sandbox account is used)."""

    def saved_accounts(self, provider_key: str) -> Sequence[SavedAccount]:
        return ()

    def account_values(self, account: SavedAccount) -> Mapping[str, Any]:
        raise LookupError(f"no saved account {account.name!r}")

    def typed_in(self, provider_key: str) -> None:
        pass
