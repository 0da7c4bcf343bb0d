"""What every exporter shares: its need, the placeholder, names safe in a config file."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from trunkwizard.connect.offers import Fill, Need, Offer, OfferKind, Sourced
from trunkwizard.connect.pairing import Filled, fill

__all__ = ["PASSWORD_PLACEHOLDER", "Exporter", "registration_fills", "section_name"]

PASSWORD_PLACEHOLDER = "REPLACE-WITH-THE-SIP-PASSWORD"


def section_name(offer: Offer) -> str:
    """A name for the trunk's sections or gateway: the provider and the username, `wavix-67758`."""
    user = offer.username.value if offer.username is not None else offer.host.value
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{offer.provider}-{user}").strip("-")


def _signalling(offer: Offer) -> Sourced[tuple[str, ...]]:
    return offer.signalling or Sourced((offer.host.value,), offer.host.origin, offer.host.where)


def _domain(offer: Offer) -> Sourced[str]:
    return offer.domain or offer.host


def _auth(offer: Offer) -> Sourced[str] | None:
    return offer.auth_name or offer.username


def registration_fills(source: str) -> tuple[Fill, ...]:
    """The parts of a registration offer every exporter writes (keys are the exporter's own)."""
    return (
        Fill("host", "host", source),
        Fill("port", "port", source),
        Fill("transport", "transport", source),
        Fill("domain", _domain, source),
        Fill("username", "username", source),
        Fill("auth_name", _auth, source),
        Fill("password", "password", source),
        Fill("outbound_proxy", "outbound_proxy", source),
        Fill("caller_id", "caller_id", source),
        Fill("codecs", "codecs", source),
        Fill("signalling", _signalling, source),
    )


@dataclass(frozen=True)
class Exporter:
    """A config file made from an offer: `render(values, name, with_password)` writes its text."""

    key: str
    title: str
    file_hint: str
    need: Need
    renderer: Callable[[Filled, Offer, str, bool], str]

    def render(self, offer: Offer, *, with_password: bool = False, name: str | None = None) -> str:
        if offer.kind is not OfferKind.REGISTRATION:
            raise ValueError(f"{self.title} needs a registration offer, not {offer.kind.value}")
        if offer.username is None:
            raise ValueError(f"{offer.provider_title}'s offer has no username: nothing to register with")
        return self.renderer(fill(offer, self.need), offer, name or section_name(offer), with_password)


def need_of(key: str, description: str, source: str) -> Need:
    return Need(key, "file", OfferKind.REGISTRATION, description, fills=registration_fills(source))


def value(filled: Filled, key: str) -> Any:
    return filled.answers.get(key)


def origin_lines(filled: Filled, keys: tuple[str, ...]) -> list[str]:
    """Where each written value came from, for the file's header comment."""
    return [f"{key}: {filled.origins[key]}" for key in keys if key in filled.origins]
