"""What a screen needs from the wizard to do its job, passed to it at construction (never reached for
through `self.app`; tests/tui/test_screens_talk_by_messages.py checks every screen module).

Two kinds, both built by the app:

- frozen dataclasses, read-only views of the session as it is when the screen opens (ReviewContext,
  ResultContext, InventoryAccess, HistoryAccess; the first screen's, ProviderLoading, is in
  screens/provider.py: this module, with its Protocols, loads after the first frame);
- Protocols the app implements, where a screen needs the session as it is now or a service (a client,
  the attempts' record, where a step keeps its answers): StepSession and its AccountSession and
  DetailsSession, Sending, Connections, Rotating.

What a screen decides or asks of the app goes the other way, as a message (tui/messages.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from collections.abc import Callable, Set
    from pathlib import Path

    import httpx
    from pydantic import SecretStr

    from trunkwizard.client import PreparedRequest, ProviderClient
    from trunkwizard.fields import ProviderModel
    from trunkwizard.providers import Provider
    from trunkwizard.refusals import Refusal
    from trunkwizard.store import HistoryEntry, HistoryStore
    from trunkwizard.tui.accounts import AccountSource
    from trunkwizard.tui.saved_accounts import ProfileAccounts
    from trunkwizard.tui.steps import Step
    from trunkwizard.tui.widgets.keyring_notice import KeyringSource

__all__ = [
    "AccountSession",
    "BannerShown",
    "Connections",
    "DetailsSession",
    "HistoryAccess",
    "InventoryAccess",
    "ResultContext",
    "ReviewContext",
    "Rotating",
    "Sending",
    "StepSession",
]


class Sending(Protocol):
    """Sending a create and keeping track of attempts whose outcome is unknown (WizardApp is one)."""

    def client(self) -> ProviderClient:
        """A client for the chosen provider and account (read-only accounts refuse writes)."""
        ...

    def record_unknown(self, prepared: PreparedRequest) -> None: ...

    async def unsettled_attempts(self, prepared: PreparedRequest) -> list[str]: ...

    async def settle_attempts(self, prepared: PreparedRequest, found: str | None) -> None: ...


class Connections(Protocol):
    """Sending both halves of a connection, each with its own provider's client (WizardApp is one)."""

    def client_for(self, provider: Provider, account: ProviderModel) -> ProviderClient: ...

    def record_unknown(self, prepared: PreparedRequest) -> None: ...

    async def unsettled_attempts(self, prepared: PreparedRequest) -> list[str]: ...


class StepSession(Protocol):
    """What every step shows of the session in its step indicator (WizardApp is one): the badge
    (SANDBOX, [RO]) and the steps the chosen provider skips (a single mode)."""

    @property
    def badge(self) -> str: ...

    def skipped_steps(self) -> frozenset[Step]: ...


class AccountSession(StepSession, Protocol):
    """What the account step needs of the session (WizardApp is one): the saved accounts, the profile
    named at start, whether --insecure-http allows a cleartext base URL, the badge (a profile saved
    read-only turns [RO] on), and where the typed account is kept while other steps are shown."""

    accounts: AccountSource
    profile: str | None
    insecure_http: bool

    @property
    def keyring(self) -> KeyringSource | None:
        """Where the keyring notice learns the keyring's status; None when no profiles are kept."""

    def keep_account_answers(self, provider_key: str, values: dict[str, Any]) -> None: ...


class DetailsSession(StepSession, Protocol):
    """What the details step needs of the session (WizardApp is one): the account chosen on the step
    before (it can change while the form is kept), a client for look-ups, and where the answers are
    kept while other steps are shown, with what the provider refused of them."""

    @property
    def chosen_account(self) -> ProviderModel | None: ...

    def client(self) -> ProviderClient: ...

    def keep_detail_answers(self, provider_key: str, mode_key: str, values: dict[str, Any]) -> None: ...

    def refusals(self, provider_key: str, mode_key: str) -> tuple[Refusal, ...]:
        """What the provider refused on this form before (trunkwizard/refusals.py)."""
        ...

    def keep_refusals(self, provider_key: str, mode_key: str, refusals: tuple[Refusal, ...]) -> None: ...


@runtime_checkable
class BannerShown(Protocol):
    """A screen with a banner line the app may write a refusal into."""

    def set_banner(self, message: str | None) -> None: ...


class Rotating(Protocol):
    """What rotating both sides of a connection needs (WizardApp is one): clients, the other side's
    account when this session can open it, the history that records connections, and the sandbox flag
    (the SIP check never contacts a provider's real server from the sandbox)."""

    sandbox: bool

    def client_for(self, provider: Provider, account: ProviderModel) -> ProviderClient: ...

    def other_account(self, provider: Provider, profile: str | None = None) -> ProviderModel | None: ...

    def history_entries(self) -> list[HistoryEntry]: ...

    def record_deleted(self, provider_key: str, created_id: str) -> None:
        """A resource deleted from the inventory: the history entry that created it says so."""


@dataclass(frozen=True)
class ReviewContext:
    """What the review screen shows besides the plan: whether the SIP side can be checked before
    submitting, a cleartext-credentials warning (only with --insecure-http), where exports go,
    whether the terminal has only 16 colours (the body is drawn in its own colours then), and what
    the same request already created in this session."""

    export_dir: Path
    sip_checkable: bool = False
    cleartext: str | None = None
    sixteen_colours: bool = False
    # what this same request created earlier in this session (its title and id): a second submit
    # creates another one
    created_before: str | None = None


def _no_connection() -> bool:
    return False


@dataclass(frozen=True)
class ConnectedHalf:
    """The first half of a connection, as the result of its second half names it."""

    provider: str  # its provider's title
    title: str
    id: str
    # its next steps that connecting did not do; None when not known (a pair resumed from the history)
    steps_left: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ResultContext:
    """What the result screen offers besides what was created: a SIP check, and connecting it to
    another side (not while a connection is under way: `connecting` reads the session as it is now);
    the half it was connected to, when it is the second half of a connection; the secrets sent."""

    sip_checkable: bool = False
    connecting: Callable[[], bool] = _no_connection
    # what was created is the second half of a connection: its first half
    connected_to: ConnectedHalf | None = None
    # the secrets the request sent (label, value), masked until asked for: a generated password is
    # set on the other side from here, and a provider that never returns it cannot show it later
    secrets: tuple[tuple[str, SecretStr], ...] = field(default=(), repr=False)
    # why what was created offers nothing another side can take (the core reads it from the request)
    not_connectable: str | None = None


@dataclass(frozen=True)
class InventoryAccess:
    """What the inventory screens need of the session: a client for the account (the app's transport,
    CA file and read-only flag), what rotating both sides of a connection needs, the badge, and whether
    changes are refused before anything is sent."""

    client: Callable[[], ProviderClient]
    rotating: Rotating
    badge: str = ""
    read_only: bool = False


@dataclass(frozen=True)
class HistoryAccess:
    """What the history screen needs to list entries and delete one at the provider: the store, the
    saved profiles (an entry's account), this session's sandbox and what it created (the sandbox forgets
    the rest), read-only accounts, and the account typed in on the account step when it was opened."""

    history: HistoryStore
    profiles: ProfileAccounts
    sandbox: bool
    created_this_session: Set[str]
    read_only: Callable[[str], bool]
    transport: Callable[[], httpx.AsyncBaseTransport | None]
    typed_in: tuple[str, ProviderModel] | None = field(default=None, repr=False)
