"""Deleting what a history entry created, where the provider's API allows it.

Used by the wizard's history screen and by `trunkwizard history delete`. The caller supplies the
account (a saved profile's, or the sandbox's) and, for the sandbox, its transport; this module turns
the entry back into the provider's `ResourceRef`, sends the delete call, and records the deletion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trunkwizard.errors import ProviderError

if TYPE_CHECKING:
    from collections.abc import Iterable

    import httpx

    from trunkwizard.fields import ProviderModel
    from trunkwizard.inventory import DeleteConfirmation
    from trunkwizard.providers import Provider, ResourceRef
    from trunkwizard.store import HistoryEntry, HistoryStore

__all__ = ["delete_created", "history_confirmation", "record_deleted_resource", "ref_of", "why_not_deletable"]


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


def history_confirmation(entry: HistoryEntry, provider: Provider) -> DeleteConfirmation:
    """The same type-to-confirm as the inventory's: the number or name the entry's request gave (else
    the created id), and what deleting does, as the provider's listing declares it."""
    from trunkwizard.inventory import DeleteConfirmation

    listing = provider.listing
    body = entry.request.get("json") if isinstance(entry.request, dict) else None
    named = body.get(listing.confirm_wire) if listing is not None and isinstance(body, dict) else None
    consequence = (
        listing.delete_consequence
        if listing is not None
        else "It is removed at the provider; whatever uses it stops working."
    )
    expected = str(named) if isinstance(named, str | int) and str(named).strip() else (entry.created_id or "")
    label = listing.confirm_label if listing is not None and expected != entry.created_id else "id"
    return DeleteConfirmation(
        what=f"{provider.title} {provider.creates} {expected} (id {entry.created_id})",
        consequence=consequence,
        label=label,
        expected=expected,
    )


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


def record_deleted_resource(
    history: HistoryStore, entries: Iterable[HistoryEntry], provider_key: str, created_id: str
) -> list[str]:
    """Mark deleted each live entry among `entries` that created this resource, after a delete made from
    the inventory or `trunkwizard delete` rather than from the history: a connection's other side, a
    rotation or a resume then never looks for it again. Returns the ids of the entries marked."""
    marked = [
        entry.id
        for entry in entries
        if entry.provider == provider_key and entry.created_id == created_id and not entry.deleted
    ]
    for entry_id in marked:
        history.mark_deleted(entry_id)
    return marked
