"""What an account already has, from the provider's own listing (not only what trunkwizard made).

    async with ProviderClient(provider, account) as client:
        inventory = await list_inventory(client)          # every page of the documented list call
        details = await show(client, inventory.items[0].key)

Secrets the API returns (a Yeastar PBX returns trunk passwords in clear, Wavix access tokens) are
registered with the redactor and masked here, before any caller sees a row; `Details.reveal` gives one
back on purpose, from memory. Nothing in this module writes anything anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from trunkwizard.errors import ProviderError
from trunkwizard.readable import returned_text
from trunkwizard.redact import MASK, register_secret

if TYPE_CHECKING:
    from trunkwizard.client import ProviderClient
    from trunkwizard.providers import Provider, ResourceRef
    from trunkwizard.providers._listing import Item, Listing

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "DeleteConfirmation",
    "Details",
    "Inventory",
    "NotListed",
    "delete_confirmation",
    "find",
    "find_item",
    "list_inventory",
    "listing_of",
    "mask_secrets",
    "show",
]

DEFAULT_PAGE_SIZE = 100  # every API here allows 100 per page

# keys whose values are secrets wherever a body carries them
_SECRET_KEY = re.compile(r"(?i)(password|passwd|secret|token|api_?key)")


class NotListed(ProviderError):
    """The provider has no documented listing, or the key names nothing in it."""


def listing_of(provider: Provider) -> Listing:
    if provider.listing is None:
        raise NotListed(f"{provider.title}'s API has no listing trunkwizard can read")
    return provider.listing


def mask_secrets(body: Any, found: dict[str, SecretStr], path: str = "") -> Any:
    """`body` with every secret-named value masked; the values go to `found` (by dotted path) and to the
    redactor, so they are masked in any later text too."""
    if isinstance(body, Mapping):
        masked: dict[str, Any] = {}
        for key, value in body.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(value, str) and value and _SECRET_KEY.search(str(key)):
                register_secret(value)
                found[where] = SecretStr(value)
                masked[key] = MASK
            else:
                masked[key] = mask_secrets(value, found, where)
        return masked
    if isinstance(body, list):
        return [mask_secrets(item, found, f"{path}[{n}]") for n, item in enumerate(body)]
    return body


@dataclass(frozen=True)
class Inventory:
    """Every item of one account's listing, secrets masked, and how many pages it took."""

    provider: Provider
    items: tuple[Item, ...]
    pages: int

    def to_json(self) -> list[dict[str, Any]]:
        return [
            {
                "id": item.key,
                **{
                    column.key: item.cells.get(column.key, "") for column in listing_of(self.provider).columns
                },
                "status": item.status,
                "summary": dict(item.summary),
            }
            for item in self.items
        ]


def _masked_item(item: Item, provider: Provider) -> Item:
    secrets: dict[str, SecretStr] = {}
    summary = mask_secrets(item.summary, secrets)
    cells = {key: MASK if _SECRET_KEY.search(key) else value for key, value in item.cells.items()}
    ref = replace(item.ref, provider=item.ref.provider or provider.key)
    return replace(item, summary=summary, cells=cells, ref=ref)


async def list_inventory(client: ProviderClient, *, page_size: int = DEFAULT_PAGE_SIZE) -> Inventory:
    """Every page of the provider's own listing, through its documented list call(s)."""
    listing = listing_of(client.provider)
    pages = 0

    async def send(call: Any) -> Any:
        nonlocal pages
        pages += 1
        return await client.send(call)

    items = [_masked_item(item, client.provider) async for item in listing.items(send, page_size)]
    return Inventory(client.provider, tuple(items), pages)


def find_item(inventory: Inventory, key: str) -> Item | None:
    """The item `key` names: its key or id, or what tells it apart (its number, trunk name, username)."""
    for item in inventory.items:
        if key in (item.key, item.ref.id):
            return item
    matches = [item for item in inventory.items if key and key in (item.confirm, *item.cells.values())]
    return matches[0] if len(matches) == 1 else None


async def resolve(client: ProviderClient, key: str, *, page_size: int = DEFAULT_PAGE_SIZE) -> ResourceRef:
    """The reference `key` names: straight from the key when it is enough, else found in the listing."""
    return (await _resolve_item(client, key, page_size))[0]


async def _resolve_item(client: ProviderClient, key: str, page_size: int) -> tuple[ResourceRef, Item | None]:
    """The reference `key` names, and its listing row when the listing had to be read to find it."""
    listing = listing_of(client.provider)
    ref = listing.ref_of(key)
    if ref is not None:
        return replace(ref, provider=client.provider.key), None
    item = find_item(await list_inventory(client, page_size=page_size), key)
    if item is None:
        raise NotListed(f"no {client.provider.creates} {key!r} in this {client.provider.title} account")
    return item.ref, item


async def _listed_status(client: ProviderClient, ref: ResourceRef, page_size: int) -> str:
    """The live status the listing gives `ref` (the get calls of these APIs do not carry it)."""
    for item in (await list_inventory(client, page_size=page_size)).items:
        if item.ref.id == ref.id and dict(item.ref.path_values) == dict(ref.path_values):
            return item.status
    return ""


@dataclass(frozen=True)
class Details:
    """One resource as the get call returns it, secrets masked; `reveal` shows one on purpose."""

    ref: ResourceRef
    # (dotted path, the value as people read it: true/false/null, declared times as UTC date-times)
    fields: tuple[tuple[str, str], ...]
    body: Mapping[str, Any]
    secrets: Mapping[str, SecretStr] = field(default_factory=dict, repr=False)
    # the live status in words, as the inventory table shows it ("" when not asked for or none)
    status: str = ""

    def reveal(self, path: str) -> str:
        return self.secrets[path].get_secret_value()


def _flatten(provider: Provider, body: Any, path: str = "") -> list[tuple[str, str]]:
    """Each value of the answer by its dotted path, as people read it (trunkwizard.readable)."""
    if isinstance(body, Mapping):
        rows: list[tuple[str, str]] = []
        for key, value in body.items():
            rows += _flatten(provider, value, f"{path}.{key}" if path else str(key))
        return rows
    if isinstance(body, list):
        if all(not isinstance(v, Mapping | list) for v in body):
            return [(path, ", ".join(returned_text(provider, path, v) for v in body))]
        rows = []
        for n, value in enumerate(body):
            rows += _flatten(provider, value, f"{path}[{n}]")
        return rows
    return [(path, returned_text(provider, path, body))]


def _unwrap(body: Any) -> Any:
    """The resource inside an envelope: Chorus `{"data": {...}}`, Yeastar `{"errcode", "data": {...}}`."""
    if isinstance(body, Mapping) and isinstance(body.get("data"), Mapping):
        return body["data"]
    return body


async def show(
    client: ProviderClient, key: str, *, page_size: int = DEFAULT_PAGE_SIZE, with_status: bool = False
) -> Details:
    """The get call's answer for the resource `key` names, secrets masked (and registered). With
    `with_status`, also the live status in words from the listing (read again if it was not already)."""
    ref, item = await _resolve_item(client, key, page_size)
    call = client.provider.get_call(ref)
    if call is None:
        raise NotListed(f"{client.provider.title} has no API to read a {client.provider.creates} back")
    try:
        answer = await client.send(call)
    except ProviderError as error:
        # a key shaped like an id may be what the listing shows instead (a Wavix SIP login is digits too)
        found = None
        if item is None and error.status == 404:
            found = find_item(await list_inventory(client, page_size=page_size), key)
        if found is None or (retry := client.provider.get_call(found.ref)) is None:
            raise
        ref, item = found.ref, found
        answer = await client.send(retry)
    status = ""
    if with_status and listing_of(client.provider).shows_status:
        status = item.status if item is not None else await _listed_status(client, ref, page_size)
    secrets: dict[str, SecretStr] = {}
    body = mask_secrets(_unwrap(answer), secrets)
    resource = body if isinstance(body, Mapping) else {}
    if not ref.mode:
        modes = client.provider.modes
        mode = listing_of(client.provider).mode_of(resource) or (modes[0].key if len(modes) == 1 else "")
        ref = replace(ref, mode=mode)
    return Details(ref, tuple(_flatten(client.provider, body)), resource, secrets, status)


@dataclass(frozen=True)
class DeleteConfirmation:
    """What a delete asks first (lazygit-style): what goes, what that does, and the text to type."""

    what: str
    consequence: str
    label: str
    expected: str

    @property
    def prompt(self) -> str:
        return f"Type the {self.label} ({self.expected}) to delete it"

    def accepts(self, typed: str) -> bool:
        return bool(self.expected) and typed.strip() == self.expected


def delete_confirmation(provider: Provider, item: Item, *, connected_to: str = "") -> DeleteConfirmation:
    """`connected_to`: the other side of a connection the history records ("Yeastar P-Series SIP trunk
    19"): the delete leaves it in place, using what is deleted, and the confirmation says so."""
    listing = listing_of(provider)
    name = item.confirm or item.key
    consequence = listing.delete_consequence
    if connected_to:
        consequence += (
            f" It is connected to {connected_to} (recorded in the history), which is not deleted: it "
            "stops working until it is pointed elsewhere or deleted too."
        )
    return DeleteConfirmation(
        what=f"{provider.title} {provider.creates} {name} (id {item.key})",
        consequence=consequence,
        label=listing.confirm_label if item.confirm else "id",
        expected=name,
    )


async def find(client: ProviderClient, key: str, *, page_size: int = DEFAULT_PAGE_SIZE) -> Item:
    """The listing's item that `key` names (its id, number, trunk name or username)."""
    item = find_item(await list_inventory(client, page_size=page_size), key)
    if item is None:
        raise NotListed(f"no {client.provider.creates} {key!r} in this {client.provider.title} account")
    return item
