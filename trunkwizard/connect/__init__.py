"""Connecting both ends: offers and needs declared by providers, pairing, passwords, config exporters.

The core of a connection between two providers (or a provider and a PBX config file). Never imports
Textual; names no provider: each provider declares its `offerings` and `needs` in its own module.

How a connection uses it:
- which halves pair: `catalog.available_pairs()` (offering provider, `Offering`, `Need`);
- one password for both sides: `generate_password(password_rules(offering.password_rules,
  need.password_rules))`, or check a typed one with `password_problems`;
- after the first create: `catalog.read_offer(client, provider, offering, prepared, created)` makes the
  offering's reads (a SIP profile) with the same client and returns the `Offer`;
- the second form: `fill(offer, need)` gives its answers by wire name, `origins` to show next to each
  ("from Wavix's answer: name") and `inferred` to warn about;
- a PBX with no API: `export.get_exporter("asterisk").render(offer, with_password=...)`.
"""

from __future__ import annotations

from trunkwizard.connect.offers import (
    Fill,
    Need,
    Offer,
    Offering,
    OfferInput,
    OfferKind,
    Origin,
    PasswordRule,
    Sourced,
    Transport,
    canonical_codecs,
)
from trunkwizard.connect.pairing import Filled, fill, pairs, password_rules
from trunkwizard.connect.passwords import generate_password, password_problems, rules_in_words

__all__ = [
    "Fill",
    "Filled",
    "Need",
    "Offer",
    "OfferInput",
    "OfferKind",
    "Offering",
    "Origin",
    "PasswordRule",
    "Sourced",
    "Transport",
    "canonical_codecs",
    "fill",
    "generate_password",
    "pairs",
    "password_problems",
    "password_rules",
    "rules_in_words",
]
