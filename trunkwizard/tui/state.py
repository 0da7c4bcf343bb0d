"""What the wizard has collected so far. Plain data; the screens read and write it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trunkwizard.client import PreparedRequest
    from trunkwizard.connect import Filled, Need, Offer, Offering
    from trunkwizard.fields import ProviderModel
    from trunkwizard.providers import Created, Provider, ResourceRef
    from trunkwizard.refusals import Refusal

__all__ = ["Connecting", "Joining", "WizardState"]


@dataclass
class Connecting:
    """The second half of a connection under way: the offer the first half made (its password in
    memory only), the need it fills, and what is filled. `first_entry` is the first half's history entry."""

    offer: Offer = field(repr=False)
    need: Need
    filled: Filled = field(repr=False)
    first_title: str = ""
    first_entry: str | None = None
    # what the first half was created with, to delete it if the second half fails and the user says so
    first_provider: Provider | None = None
    first_account: ProviderModel | None = field(default=None, repr=False)
    first_ref: ResourceRef | None = None
    # what the first half's create answered (its next steps); None when resumed from the history
    first_created: Created | None = field(default=None, repr=False)
    # the first half's request: its result screen, shown again, connects it again from it
    first_prepared: PreparedRequest | None = field(default=None, repr=False)
    # the pair's id in the history (the first entry's id when the wizard made the pair)
    pair: str | None = None
    # resumed from the history: the first half exists from the start (delete or keep it, or go on)
    resumed: bool = False

    def targets(self, provider_key: str, mode_key: str | None = None) -> bool:
        return provider_key == self.need.owner and mode_key in (None, self.need.mode)


@dataclass
class Joining:
    """ "Connect two providers" from the start, before the first side is created: the side that offers
    (its provider and offering), the side that takes it (`need`, once picked), and the first side's
    plan and account once its form is done. Cleared as soon as the first side exists: from then on
    the second side is connected as from a result screen (`Connecting`)."""

    first_provider: Provider
    offering: Offering
    need: Need | None = None
    first: PreparedRequest | None = field(default=None, repr=False)
    first_account: ProviderModel | None = field(default=None, repr=False)
    # offered values unlocked and changed on the second form (editor values): they stay so when it is
    # left and opened again, as a retry keeps them
    changed_offered: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class WizardState:
    """One session's answers. Editor values are kept per provider and per (provider, mode), so going
    back and forth, or trying another mode, never loses what was typed."""

    provider: Provider | None = None
    account: ProviderModel | None = None
    mode_key: str | None = None
    account_values: dict[str, dict[str, Any]] = field(default_factory=dict)
    detail_values: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    # what the provider refused on a details step, per (provider, mode): marked while the value stays
    refusals: dict[tuple[str, str], tuple[Refusal, ...]] = field(default_factory=dict)
    prepared: PreparedRequest | None = None
    created: Created | None = None
    # connecting what was created to another side (tui/screens/connect.py)
    connecting: Connecting | None = None
    # connecting two providers from the start, until the first side exists (tui/screens/joined.py)
    joining: Joining | None = None

    @property
    def provider_key(self) -> str:
        return self.provider.key if self.provider is not None else ""

    def clear_answers(self) -> None:
        """Forget what was chosen and typed for a request; saved and typed account settings stay."""
        self.provider = None
        self.account = None
        self.mode_key = None
        self.detail_values.clear()
        self.refusals.clear()
        self.prepared = None
        self.created = None
        self.connecting = None
        self.joining = None

    def details_key(self) -> tuple[str, str]:
        return (self.provider_key, self.mode_key or "")
