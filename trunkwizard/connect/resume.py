"""A half-done connection, from the history: the first half exists, the second was refused or never sent.

One core for every way of resuming it (the CLI's `connect --resume`, the wizard's history screen):

    half = half_done(entry)              # NotResumable says why an entry is not one
    half.describe()                      # which half exists, since when, what failed
    answers = half.second_answers(typed) # the second side's answers: the offer's values over the typed ones

History never keeps the password: the resume takes it from what is typed for the second side (its own
password field, which the offer fills once it has one). Names no provider and never imports Textual.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from trunkwizard.connect.offers import Need, Offer
from trunkwizard.connect.pairing import Filled, fill

if TYPE_CHECKING:
    from trunkwizard.providers import Provider, ResourceRef
    from trunkwizard.refusals import Refusal
    from trunkwizard.store import HistoryEntry

__all__ = [
    "HalfDone",
    "NotResumable",
    "failure_link",
    "half_done",
    "offer_with_typed_password",
    "password_wire",
]


class NotResumable(ValueError):
    """The entry is not the first half of a connection that can be resumed; the message says why."""


def password_wire(need: Need) -> str | None:
    """The need's field the offered password goes into, when it takes one."""
    return next((f.wire for f in need.fills if f.take == "password"), None)


def offer_with_typed_password(offer: Offer, need: Need, typed: Mapping[str, Any]) -> Offer:
    """`offer` with the password typed for the need's side (by wire name), when the offer has none
    (history never keeps it). Raises NotResumable when the need takes a password and none was typed."""
    wire = password_wire(need)
    if wire is None or offer.password is not None:
        return offer
    value = typed.get(wire)
    if not value:
        raise NotResumable(
            f"the password of the first half is never kept: give it as {wire!r} for the second side"
        )
    return offer.with_password(value if isinstance(value, SecretStr) else SecretStr(str(value)))


def failure_link(
    connection: Mapping[str, Any],
    time: str,
    problem: str,
    answers: Mapping[str, Any] | None = None,
    refused: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The first half's connection record after its second half failed: when and why, and (when given)
    what was typed for the second side and the fields the provider refused (`refusals_to_json`), secrets
    left out by the caller."""
    from trunkwizard.redact import redact

    failed: dict[str, Any] = {"time": time, "problem": redact(problem)}
    if refused:
        failed["refused"] = refused
    link = {**dict(connection), "failed": failed}
    if answers is not None:
        link["answers"] = dict(answers)
    return link


@dataclass(frozen=True)
class HalfDone:
    """The first half of a connection whose second half does not exist yet."""

    entry: HistoryEntry
    first_provider: Provider
    offer: Offer = field(repr=False)  # as recorded: never with a password
    second_provider: Provider
    need: Need
    # what was typed for the second side when it failed (wire names, no secret)
    typed: Mapping[str, Any] = field(default_factory=dict)

    @property
    def first_ref(self) -> ResourceRef:
        from trunkwizard.providers import ResourceRef

        entry = self.entry
        return ResourceRef(entry.provider, entry.mode or "", entry.created_id or "", entry.path_values)

    @property
    def first_title(self) -> str:
        """`Wavix SIP trunk Main office (id 41007)`: the name the request gave, as the provider's listing
        declares it, else the id alone."""
        provider, entry = self.first_provider, self.entry
        listing = provider.listing
        body = entry.request.get("json") if isinstance(entry.request, Mapping) else None
        named = body.get(listing.confirm_wire) if listing is not None and isinstance(body, Mapping) else None
        what = f"{provider.title} {provider.creates}"
        if isinstance(named, str | int) and str(named).strip():
            return f"{what} {named} (id {entry.created_id})"
        return f"{what} {entry.created_id}"

    @property
    def second_title(self) -> str:
        return f"{self.second_provider.title} · {self.second_provider.mode(self.need.mode).title}"

    @property
    def failed_at(self) -> str | None:
        failed = self.entry.connection.get("failed")
        return str(failed.get("time")) if isinstance(failed, Mapping) and failed.get("time") else None

    @property
    def refused(self) -> tuple[Refusal, ...]:
        """What the provider refused on the second side's form when it failed, to mark there again."""
        from trunkwizard.refusals import refusals_from_json

        failed = self.entry.connection.get("failed")
        return refusals_from_json(failed.get("refused")) if isinstance(failed, Mapping) else ()

    @property
    def problem(self) -> str | None:
        failed = self.entry.connection.get("failed")
        return str(failed.get("problem") or "") if isinstance(failed, Mapping) else None

    def describe(self) -> list[str]:
        """Which half exists (since when), and what became of the other, one line each (times in UTC)."""
        first = f"First half: {self.first_title}, created {_when(self.entry.time)} UTC."
        if self.failed_at is None:
            second = f"Second half: {self.second_title}, never sent."
        else:
            why = f": {self.problem}" if self.problem else ""
            second = f"Second half: {self.second_title}, failed {_when(self.failed_at)} UTC{why}"
        return [first, second]

    def filled(self) -> Filled:
        """What the offer fills in the second side's form (the password left for the user to type)."""
        return fill(self.offer, self.need)

    def offer_with_password(self, typed: Mapping[str, Any]) -> Offer:
        """The offer with the first half's password, as typed for the second side (history never keeps
        it). Raises NotResumable when the need takes a password and none was typed."""
        return offer_with_typed_password(self.offer, self.need, typed)

    def second_answers(self, typed: Mapping[str, Any]) -> dict[str, Any]:
        """The second side's answers: what it was typed with before, then what is typed now, under the
        offer's values (locked), the password included."""
        from trunkwizard.connect.joined import second_answers

        answers, _ = second_answers(
            self.offer_with_password(typed), self.need, {**self.typed, **typed}, self.second_provider
        )
        return answers


def _when(stamp: str) -> str:
    return stamp.replace("T", " ")[:16]


def half_done(entry: HistoryEntry) -> HalfDone:
    """The half-done connection `entry` is the first half of; NotResumable when it is none."""
    from trunkwizard.providers import get_provider

    connection = entry.connection
    if connection.get("side") != "first":
        raise NotResumable(f"history entry {entry.id} is not the first half of a connection")
    if entry.deleted or not entry.created_id:
        raise NotResumable(f"history entry {entry.id}: the first half does not exist (deleted or unknown)")
    if not entry.offers:
        raise NotResumable(f"history entry {entry.id} kept no offer to connect to")
    other = connection.get("other") or {}
    try:
        first_provider = get_provider(entry.provider)
        second_provider = get_provider(str(other.get("provider")))
    except KeyError as exc:
        raise NotResumable(str(exc.args[0])) from None
    need = next((n for n in second_provider.needs if n.mode == other.get("mode")), None)
    if need is None:
        raise NotResumable(f"{second_provider.title} no longer fills {other.get('mode')!r} from an offer")
    offer = Offer.from_public(entry.offers[0], first_provider.title)
    typed = connection.get("answers")
    return HalfDone(
        entry, first_provider, offer, second_provider, need, dict(typed) if isinstance(typed, Mapping) else {}
    )
