"""What a screen needs from the wizard to do its job, passed to it explicitly (never reached for
through `self.app`): the submit screen sends with a client and keeps the attempts' record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from trunkwizard.client import PreparedRequest, ProviderClient

__all__ = ["Sending"]


class Sending(Protocol):
    """Sending a create and keeping track of attempts whose outcome is unknown (WizardApp is one)."""

    def client(self) -> ProviderClient:
        """A client for the chosen provider and account (read-only accounts refuse writes)."""
        ...

    def record_unknown(self, prepared: PreparedRequest) -> None: ...

    async def unsettled_attempts(self, prepared: PreparedRequest) -> list[str]: ...

    async def settle_attempts(self, prepared: PreparedRequest, found: str | None) -> None: ...
