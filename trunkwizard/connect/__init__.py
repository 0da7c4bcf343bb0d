"""Connecting both ends: offers and needs declared by providers, pairing, passwords, config exporters.

The core of a connection between two providers (or a provider and a PBX config file). Never imports
Textual; names no provider: each provider declares its `offerings` and `needs` in its own module.
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
from trunkwizard.connect.passwords import generate_password, password_problems

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
]
