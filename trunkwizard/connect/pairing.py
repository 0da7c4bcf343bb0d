"""Pairing: any offer with any need of the same kind, and the answers a need gets from an offer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from trunkwizard.connect.offers import Need, Offer, Offering, PasswordRule

__all__ = ["Filled", "fill", "pairs", "password_rules"]


@dataclass(frozen=True)
class Filled:
    """The answers (wire names) a need's form starts with, and for each where it came from.

    `inferred` lists the wire names whose value or mapping is an inference: show them with a warning.
    Secret answers stay `SecretStr`.
    """

    answers: dict[str, Any]
    origins: dict[str, str]
    inferred: frozenset[str] = field(default_factory=frozenset)

    def __repr__(self) -> str:
        shown = {k: "********" if isinstance(v, SecretStr) else v for k, v in self.answers.items()}
        return f"Filled(answers={shown!r}, origins={self.origins!r})"


def fill(offer: Offer, need: Need) -> Filled:
    """The answers `need` takes from `offer`; a field the offer has nothing for is left to the user."""
    if offer.kind is not need.kind:
        raise ValueError(f"a {offer.kind.value} offer cannot fill a {need.kind.value} need")
    answers: dict[str, Any] = {}
    origins: dict[str, str] = {}
    inferred: set[str] = set()
    for item in need.fills:
        taken = item.value_of(offer)
        if taken is None or taken.value is None:
            continue
        answers[item.wire] = list(taken.value) if isinstance(taken.value, tuple) else taken.value
        label = taken.label(offer.provider_title)
        if item.inferred and not taken.inferred:
            # what the mapping is inferred from, in the technician's words (its source is a seed line)
            label += f" (mapped by inference: {item.why})" if item.why else " (mapped by inference)"
        origins[item.wire] = label
        if item.inferred or taken.inferred:
            inferred.add(item.wire)
    return Filled(answers, origins, frozenset(inferred))


def pairs(
    offerings: Iterable[tuple[str, Offering]], needs: Iterable[Need]
) -> list[tuple[str, Offering, Need]]:
    """Every (offering provider, offering, need) of the same kind, in declaration order."""
    listed = list(needs)
    return [
        (owner, offering, need)
        for owner, offering in offerings
        for need in listed
        if need.kind is offering.kind
    ]


def password_rules(*sides: Iterable[PasswordRule]) -> tuple[PasswordRule, ...]:
    """The rules of both sides, together: a password typed once for a pair must meet all of them."""
    return tuple(rule for side in sides for rule in side)
