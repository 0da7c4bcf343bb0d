"""Which offers pair with which needs, across every registered provider (and, later, exporters)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from trunkwizard.connect.offers import Need, Offer, Offering, OfferInput
from trunkwizard.connect.pairing import pairs

if TYPE_CHECKING:
    from trunkwizard.client import PreparedRequest, ProviderClient
    from trunkwizard.providers import Created, Provider

__all__ = [
    "all_needs",
    "all_offerings",
    "available_pairs",
    "not_connectable",
    "offer_input",
    "read_offer",
    "recorded_offers",
]


def all_offerings() -> list[tuple[str, Offering]]:
    from trunkwizard.providers import all_providers

    return [(provider.key, offering) for provider in all_providers() for offering in provider.offerings]


def all_needs(*, exporters: bool = False) -> list[Need]:
    """Every provider's needs, and with `exporters` the config exporters' (Asterisk, FreeSWITCH) too."""
    from trunkwizard.providers import all_providers

    needs = [need for provider in all_providers() for need in provider.needs]
    if exporters:
        from trunkwizard.connect.export import EXPORTERS

        needs += [exporter.need for exporter in EXPORTERS.values()]
    return needs


def available_pairs(*, exporters: bool = False) -> list[tuple[str, Offering, Need]]:
    """Every offering provider, offering and need that pair, whatever the providers."""
    return pairs(all_offerings(), all_needs(exporters=exporters))


def not_connectable(provider: Provider, prepared: PreparedRequest, created: Created) -> str | None:
    """Why what was created offers nothing another side can take, read from the request as sent
    (a trunk authenticated by IP has no account to register); None when one of its offerings can."""
    from trunkwizard.fields import wire_body

    offerings = [o for o in provider.offerings if o.mode == created.ref.mode]
    if not offerings:
        return None
    request = wire_body(prepared.request, reveal=False)
    reasons = [o.withheld(request) for o in offerings]
    return None if any(reason is None for reason in reasons) else reasons[0]


def offer_input(
    prepared: PreparedRequest, created: Created, base_url: str, reads: Mapping[str, Any] | None = None
) -> OfferInput:
    """What an offer is built from after a create in this session: the password stays in memory."""
    from trunkwizard.fields import wire_body

    request = wire_body(prepared.request, reveal=False)
    secrets = {
        field.wire: getattr(prepared.request, field.name)
        for field in prepared.mode.fields
        if field.secret and getattr(prepared.request, field.name, None) is not None
    }
    return OfferInput(
        request=request,
        answer=dict(created.returned),
        base_url=base_url,
        reads=dict(reads or {}),
        secrets=secrets,
    )


async def read_offer(
    client: ProviderClient,
    provider: Provider,
    offering: Offering,
    prepared: PreparedRequest,
    created: Created,
) -> Offer:
    """Make the offering's reads with the same client, then build the offer."""
    from trunkwizard.providers import Call

    reads = {name: await client.send(Call("GET", path)) for name, path in offering.reads.items()}
    base_url = provider.base_url(client.account)
    return provider.offer(offering, offer_input(prepared, created, base_url, reads))


async def recorded_offers(
    client: ProviderClient, provider: Provider, prepared: PreparedRequest, created: Created
) -> tuple[list[dict[str, Any]], list[str]]:
    """The offers of what was just created, as history keeps them (no password), and for each offer
    that could not be read a sentence saying why. Never raises: the create itself succeeded."""
    from trunkwizard.errors import TrunkwizardError

    offers: list[dict[str, Any]] = []
    problems: list[str] = []
    for offering in provider.offerings:
        if offering.mode != created.ref.mode:
            continue
        try:
            offer = await read_offer(client, provider, offering, prepared, created)
        except (TrunkwizardError, ValueError) as exc:
            problems.append(f"what it offers to the other side was not read: {getattr(exc, 'message', exc)}")
            continue
        offers.append(offer.public())
    return offers, problems
