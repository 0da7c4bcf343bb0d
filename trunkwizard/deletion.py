"""Deleting what a history entry created, where the provider's API allows it.

Used by the wizard's history screen and by `trunkwizard history delete`. The caller supplies the
account (a saved profile's, or the sandbox's) and, for the sandbox, its transport; this module turns
the entry back into the provider's `ResourceRef`, sends the delete call, and records the deletion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trunkwizard.errors import ProviderError

if TYPE_CHECKING:
    import httpx

    from trunkwizard.fields import ProviderModel
    from trunkwizard.providers import Provider, ResourceRef
    from trunkwizard.store import HistoryEntry, HistoryStore

__all__ = ["delete_created", "ref_of", "why_not_deletable"]


def ref_of(entry: HistoryEntry) -> ResourceRef:
    """The reference the provider needs to find the created resource again."""
    from trunkwizard.providers import ResourceRef

    return ResourceRef(
        provider=entry.provider,
        mode=entry.mode or "",
        id=entry.created_id or "",
        path_values=dict(entry.path_values),
    )


def why_not_deletable(entry: HistoryEntry, provider: Provider) -> str | None:
    """A sentence saying why this entry's resource cannot be deleted from here, or None when it can."""
    if entry.deleted:
        return f"Already deleted at {entry.deleted_at}."
    if not entry.created_id:
        return "The provider returned no ID for this one, so it cannot be found again to delete it."
    if provider.delete_call(ref_of(entry)) is None:
        return f"{provider.title}'s API cannot delete a {provider.creates}: remove it in its own portal."
    return None


async def delete_created(
    entry: HistoryEntry,
    provider: Provider,
    account: ProviderModel,
    history: HistoryStore,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    ca_file: str | None = None,
) -> None:
    """Delete the resource at the provider, then append the deletion to the history file.

    Any refusal, a 404 included, is raised and nothing is recorded: a wrong reference must never make
    a resource that still exists look deleted.
    """
    from trunkwizard.client import ProviderClient

    reason = why_not_deletable(entry, provider)
    if reason is not None:
        raise ProviderError(reason)
    async with ProviderClient(provider, account, transport=transport, ca_file=ca_file) as client:
        await client.delete(ref_of(entry))
    history.mark_deleted(entry.id)
