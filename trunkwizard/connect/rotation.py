"""Rotating the password of a joined connection: both sides, in the order that keeps the outage shortest.

    other = recorded_other_side(provider, details.ref, HistoryStore().entries())   # the connect history
    other = other or await matched_other_side(provider, details, this_client, clients)  # username + host
    rotation = plan_joined_rotation(provider, details, other_provider, other_details, found_by=...)
    rotation.lines()                  # the ordered updates and why that order, the password masked
    result = await run_rotation(rotation, clients)    # each update in order; stops at the first failure
    result.holds()                    # which side holds which password now, in words
    result = await put_back(rotation, result, first_client)     # the way back: the old one on side 1
    plan = rotation.check_plan()      # the SIP check of the registration with the new password

The side that checks the password (the registrar: the mode that *offers* the SIP account) is updated
first, then the side that sends it (the mode that *needs* it). Inferred, not documented by any of the
providers: a registrar that learns a new password keeps the binding the other side already registered
until it expires, so calls go on; the side that sends the password re-registers (or authenticates its
next call) with the new one as soon as it is updated, and the registrar already accepts it. The other
order would have the sending side present a password the registrar does not know yet.

Names no provider and never imports Textual.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from trunkwizard.connect.offers import Need, Offer, Offering, OfferInput, OfferKind, PasswordRule
from trunkwizard.errors import Problem, TrunkwizardError, ValidationFailed
from trunkwizard.readable import value_text

if TYPE_CHECKING:
    from trunkwizard.client import ProviderClient
    from trunkwizard.editing import Edit
    from trunkwizard.inventory import Details
    from trunkwizard.providers import Provider, ResourceRef, SipCheckPlan
    from trunkwizard.store import HistoryEntry

__all__ = [
    "ORDER_WHY",
    "JoinedRotation",
    "OtherSide",
    "RotationResult",
    "RotationSide",
    "RotationState",
    "matched_other_side",
    "pairs_with",
    "plan_joined_rotation",
    "put_back",
    "read_offer_of",
    "recorded_other_side",
    "resource_name",
    "retry_rest",
    "run_rotation",
]

ORDER_WHY = (
    "{first} checks the password and {second} sends it, so {first} is updated first: the registration "
    "{second} already holds stays valid until it expires, and {second} re-registers with the new password "
    "as soon as it is updated, which {first} then accepts (inferred: no provider documents the order)."
)

# how many of the other provider's resources are read (get calls) when matching username and host
MATCH_READ_LIMIT = 50


@dataclass(frozen=True)
class OtherSide:
    """Where the other side of a joined credential is, and how it was found."""

    provider: str
    key: str  # what `inventory.show` takes: the id, after its parents' ids when it lives under one
    found_by: str
    profile: str | None = None


def _key(ref_id: str, path_values: Mapping[str, str]) -> str:
    parents = "/".join(path_values.values())
    return f"{parents}/{ref_id}" if parents else ref_id


def recorded_other_side(
    provider: Provider, ref: ResourceRef, entries: Iterable[HistoryEntry]
) -> OtherSide | None:
    """The other half of the connection the history records for `ref` (made by `trunkwizard connect` or
    the wizard's connect step), when both halves exist and neither was deleted."""
    listed = [e for e in entries if not e.deleted and e.created_id]
    mine = [
        e
        for e in listed
        if e.provider == provider.key and e.created_id == ref.id and e.connection.get("pair") is not None
    ]
    for entry in reversed(mine):  # the latest connection wins
        pair = str(entry.connection["pair"])
        for other in reversed(listed):
            if other.id != entry.id and str(other.connection.get("pair")) == pair:
                assert other.created_id is not None
                return OtherSide(
                    other.provider,
                    _key(other.created_id, other.path_values),
                    f"the connection recorded in the history (entries {entry.id} and {other.id})",
                    other.profile,
                )
    return None


def pairs_with(one: Provider, other: Provider) -> bool:
    """Whether a registration can join a resource of `one` to one of `other` (either way round)."""
    registration = OfferKind.REGISTRATION
    return (
        any(o.kind is registration for o in one.offerings)
        and any(n.kind is registration for n in other.needs)
    ) or (
        any(n.kind is registration for n in one.needs)
        and any(o.kind is registration for o in other.offerings)
    )


def _offering(provider: Provider, mode: str) -> Offering | None:
    return next((o for o in provider.offerings if o.mode == mode and o.kind is OfferKind.REGISTRATION), None)


def _need(provider: Provider, mode: str) -> Need | None:
    return next((n for n in provider.needs if n.mode == mode and n.kind is OfferKind.REGISTRATION), None)


async def read_offer_of(
    client: ProviderClient, details: Details, password: SecretStr | None = None
) -> Offer | None:
    """What the resource `details` shows offers the other side (None: its mode offers no registration),
    built from its get call's answer and the offering's reads, with `password` when given."""
    from trunkwizard.providers import Call

    provider = client.provider
    offering = _offering(provider, details.ref.mode)
    if offering is None:
        return None
    body = {**details.body, **{k: v.get_secret_value() for k, v in details.secrets.items()}}
    reads = {name: await client.send(Call("GET", path)) for name, path in offering.reads.items()}
    secrets = {}
    listing = provider.listing
    if password is not None and listing is not None and listing.password_field:
        secrets[listing.password_field] = password
    source = OfferInput(
        request=body, answer=body, base_url=provider.base_url(client.account), reads=reads, secrets=secrets
    )
    try:
        return provider.offer(offering, source)
    except ValueError:  # e.g. a trunk authenticated by IP offers no registration
        return None


def _joins(offer: Offer, need: Need, body: Mapping[str, Any]) -> bool:
    """Whether the resource `body` (of the need's mode) uses `offer`: one of its filled fields holds the
    offered username (or auth name) and one holds the offered host (or another of its hosts)."""
    users = {s.value for s in (offer.username, offer.auth_name) if s is not None and s.value}
    hosts = {offer.host.value, *offer.host_choices}
    values = [str(body.get(f.wire) or "") for f in need.fills]
    return any(v in users for v in values) and any(h and h in v for v in values for h in hosts)


async def matched_other_side(
    provider: Provider,
    details: Details,
    this_client: ProviderClient,
    others: Mapping[str, ProviderClient],
) -> OtherSide | None:
    """The other side found by matching username and host on the other providers' resources (the
    accounts in `others`, open clients by provider key), when the history records none. Reads at most
    MATCH_READ_LIMIT resources. Refused (ValidationFailed) when more than one resource uses the same
    credential: rotating two of them would leave the others on the old password."""
    from trunkwizard.inventory import list_inventory, show

    mode = details.ref.mode
    this_offer = await read_offer_of(this_client, details) if _offering(provider, mode) else None
    this_need = _need(provider, mode)
    if this_offer is None and this_need is None:
        return None
    reads = 0
    found_sides: list[tuple[OtherSide, str]] = []
    for key, client in others.items():
        other = client.provider
        if other.listing is None:
            continue
        wanted = {n.mode for n in other.needs} if this_offer else {o.mode for o in other.offerings}
        for item in (await list_inventory(client)).items:
            if item.ref.mode and item.ref.mode not in wanted:
                continue
            if reads >= MATCH_READ_LIMIT:
                break
            reads += 1
            try:
                found = await show(client, item.key)
            except TrunkwizardError:
                continue
            offer: Offer | None
            if this_offer is not None:
                need = _need(other, found.ref.mode)
                joined = need is not None and _joins(this_offer, need, _body(found))
                offer = this_offer
            else:
                assert this_need is not None
                theirs = await read_offer_of(client, found)
                joined = theirs is not None and _joins(theirs, this_need, _body(details))
                offer = theirs
            if joined and offer is not None:
                user = offer.username.value if offer.username is not None else "?"
                where = f"matching username {user} and host {offer.host.value} at {other.title}"
                found_sides.append((OtherSide(key, item.key, where), resource_name(other, found)))
    if len(found_sides) > 1:
        names = ", ".join(name for _, name in found_sides)
        raise ValidationFailed(
            [
                Problem(
                    "",
                    f"more than one resource uses this password ({names}): rotate it by hand on each "
                    "(`trunkwizard rotate ... --this-side-only --reveal`), or make each its own credential",
                )
            ]
        )
    return found_sides[0][0] if found_sides else None


def _body(details: Details) -> dict[str, Any]:
    return {**details.body, **{k: v.get_secret_value() for k, v in details.secrets.items()}}


def resource_name(provider: Provider, details: Details) -> str:
    """The resource by what tells it apart in the provider's listing (its number, trunk name or
    username; the id when the get call's answer does not carry it)."""
    wire = provider.listing.confirm_wire if provider.listing is not None else ""
    found = details.body.get(wire) if wire else None
    if found in (None, "") and wire:
        found = _named_below(details.body, wire)
    name = details.ref.id if found in (None, "") else value_text(found)
    return f"{provider.title} {provider.creates} {name}"


def _named_below(body: Any, wire: str) -> Any:
    """The first value called `wire` nested in the answer as returned, None when none is set. Read from
    the raw answer, not from its display text: a name that is the string "null" is a name."""
    children = body.values() if isinstance(body, Mapping) else body if isinstance(body, list) else ()
    for child in children:
        if isinstance(child, Mapping):
            value = child.get(wire)
            if value not in (None, "") and not isinstance(value, Mapping | list):
                return value
        if (found := _named_below(child, wire)) is not None:
            return found
    return None


@dataclass(frozen=True)
class RotationSide:
    """One side's update: what it is, its role in the connection, and the edit setting the password."""

    details: Details
    edit: Edit
    role: str  # "checks the password" / "sends the password"

    @property
    def provider(self) -> Provider:
        return self.edit.provider

    @property
    def name(self) -> str:
        """`Yeastar P-Series SIP trunk wx_reg`, as the words about who holds which password say it."""
        return resource_name(self.provider, self.details)


@dataclass(frozen=True)
class JoinedRotation:
    """Both sides' updates in order, the password both get (in memory), and why that order."""

    sides: tuple[RotationSide, ...]
    password: SecretStr = field(repr=False)
    why: str
    found_by: str
    # the old password, when a side's get call returned it (the way back needs it); None otherwise
    old_password: SecretStr | None = field(default=None, repr=False)
    # the registrar's offer with the new password: what the SIP check registers with
    offer: Offer | None = field(default=None, repr=False)
    # the sending side no longer uses the registrar's username and host (a pair the history recorded
    # may have been changed since): said before anything is sent
    mismatch: str = ""

    def lines(self) -> list[str]:
        """The plan in words: the order, why, and each update's changes (the password only "changed")."""
        lines = [f"The other side was found by {self.found_by}.", "", self.why, ""]
        if self.mismatch:
            lines[1:1] = [f"Check first: {self.mismatch}"]
        for n, side in enumerate(self.sides, start=1):
            lines.append(f"{n}. {side.name} ({side.role})")
            lines.append(f"   {side.edit.call.method} {side.edit.call.path}")
            lines += [f"   {line}" for line in side.edit.lines()]
        if self.offer is not None:
            lines += [
                "",
                f"Then the SIP check of {self.offer.registrar}: DNS and OPTIONS, and a REGISTER with the "
                "new password when you ask for it.",
            ]
        return lines

    def check_plan(self) -> SipCheckPlan | None:
        """The SIP check after both updates: the registrar, with the offered account and the new password."""
        from trunkwizard.connect.joined import joined_check_plan

        if self.offer is None:
            return None
        plan = joined_check_plan(self.offer.with_password(self.password))
        return replace(plan, title=f"After the rotation: {self.offer.provider_title}")


def _combined_rules(*providers_modes: tuple[Provider, str]) -> tuple[PasswordRule, ...]:
    rules: list[PasswordRule] = []
    for provider, mode in providers_modes:
        if provider.listing is not None:
            rules += provider.listing.password_rules
        rules += [r for o in provider.offerings if o.mode == mode for r in o.password_rules]
        rules += [r for n in provider.needs if n.mode == mode for r in n.password_rules]
    return tuple(rules)


def plan_joined_rotation(
    this: Details,
    this_provider: Provider,
    other: Details,
    other_provider: Provider,
    *,
    found_by: str,
    offer: Offer | None = None,
) -> JoinedRotation:
    """Both updates, the side that checks the password first. Refused (ValidationFailed) when neither
    side checks the other's password (the two do not form a registration) or a side has none to rotate.
    `offer` is the registrar's offer (read_offer_of), for the SIP check afterwards."""
    from trunkwizard.connect.passwords import generate_password
    from trunkwizard.editing import plan_edit

    pairs = [(this_provider, this, other_provider, other), (other_provider, other, this_provider, this)]
    ordered = next(
        (
            (registrar, reg, sender, sent)
            for registrar, reg, sender, sent in pairs
            if _offering(registrar, reg.ref.mode) and _need(sender, sent.ref.mode)
        ),
        None,
    )
    if ordered is None:
        raise ValidationFailed(
            [Problem("", "the two sides do not form a registration: neither checks the other's password")]
        )
    registrar, reg_details, sender, sent_details = ordered
    for provider, details in ((registrar, reg_details), (sender, sent_details)):
        listing = provider.listing
        body = _body(details)
        reason = listing.can_rotate(body) if listing is not None else "no documented update"
        if reason is not None or listing is None or not listing.password_field:
            raise ValidationFailed([Problem("", f"{provider.title}: {reason or 'nothing to rotate'}")])
    rules = _combined_rules((registrar, reg_details.ref.mode), (sender, sent_details.ref.mode))
    password = generate_password(rules)
    sides = []
    for provider, details, role in (
        (registrar, reg_details, "checks the password"),
        (sender, sent_details, "sends the password"),
    ):
        assert provider.listing is not None and provider.listing.password_field is not None
        edit = plan_edit(provider, details, {provider.listing.password_field: password})
        sides.append(RotationSide(details, edit, role))
    first, second = sides
    why = ORDER_WHY.format(first=first.provider.title, second=second.provider.title)
    need = _need(sender, sent_details.ref.mode)
    if offer is not None and need is not None:
        offer = _as_used(offer, need, _body(sent_details))
    mismatch = ""
    if offer is not None and need is not None and not _joins(offer, need, _body(sent_details)):
        user = offer.username.value if offer.username is not None else "?"
        mismatch = (
            f"{second.name} does not use {first.name}'s username {user} and host {offer.host.value} "
            "any more; rotating both may join what is no longer joined."
        )
    return JoinedRotation(
        tuple(sides),
        password,
        why,
        found_by,
        old_password=_old_password(sides),
        offer=offer,
        mismatch=mismatch,
    )


def _as_used(offer: Offer, need: Need, body: Mapping[str, Any]) -> Offer:
    """The offer as the sending side uses it: the host it registers to when that is another of the
    offered hosts (a regional gateway), and its port, so the SIP check tests what it will use."""
    from trunkwizard.connect.offers import Origin, Sourced

    for fill in need.fills:
        used = body.get(fill.wire)
        if fill.take == "host" and isinstance(used, str) and used in offer.host_choices:
            offer = offer.with_host(used)
        elif fill.take == "port" and isinstance(used, int) and not isinstance(used, bool):
            offer = replace(offer, port=Sourced(used, Origin.ANSWER, fill.wire))
    return offer


def _old_password(sides: Sequence[RotationSide]) -> SecretStr | None:
    """The password both sides held before, when a get call returned it (a PBX that returns it in clear)."""
    for side in sides:
        wire = side.provider.listing.password_field if side.provider.listing is not None else None
        if wire and wire in side.details.secrets:
            return side.details.secrets[wire]
    return None


class RotationState(enum.StrEnum):
    NOTHING = "nothing-changed"  # the first update failed: both sides keep the old password
    FIRST_ONLY = "first-only"  # the first side holds the new password, the second the old one
    BOTH = "both"  # both hold the new password
    PUT_BACK = "put-back"  # the second failed and the first has the old password again


@dataclass(frozen=True)
class RotationResult:
    """Which updates went through, and the error that stopped the rest."""

    rotation: JoinedRotation = field(repr=False)
    done: int  # how many sides (in order) hold the new password
    error: str = ""
    put_back: bool = False
    # the failed update may have been applied all the same (a timeout, a dropped connection, a 5xx)
    maybe_applied: bool = False

    @property
    def state(self) -> RotationState:
        if self.put_back:
            return RotationState.PUT_BACK
        if self.done == 0:
            return RotationState.NOTHING
        return RotationState.BOTH if self.done >= len(self.rotation.sides) else RotationState.FIRST_ONLY

    def holds(self) -> list[str]:
        """Each side and the password it holds now, in plain words."""
        lines = []
        for n, side in enumerate(self.rotation.sides):
            new = n < self.done and not self.put_back
            held = "NEW" if new else "OLD"
            if n == self.done and self.maybe_applied and self.state is not RotationState.BOTH:
                held += " password, or perhaps the NEW one (its update may have been applied; a retry"
                held += " sends the same new password, so it is safe)"
                lines.append(f"{side.name} ({side.role}) holds the {held}.")
                continue
            lines.append(f"{side.name} ({side.role}) holds the {held} password.")
        return lines

    def way_back(self) -> list[str]:
        """What the user can do now, when the rotation stopped half way."""
        if self.state is not RotationState.FIRST_ONLY:
            return []
        first, second = self.rotation.sides[0], self.rotation.sides[1]
        ways = [f"retry: send {second.name} its update again (same new password)"]
        if self.rotation.old_password is not None:
            ways.append(f"put back: set the old password on {first.name} again")
        else:
            ways.append(
                f"put back is not possible: neither side returns its password, so the old one is unknown; "
                f"set the new password on {second.name} by hand (shown only on purpose)"
            )
        return ways


async def run_rotation(
    rotation: JoinedRotation, clients: Sequence[ProviderClient], *, start: int = 0
) -> RotationResult:
    """Send each side's update in order (from `start`), stopping at the first failure. `clients` are
    open, one per side, in the rotation's order. A read-only account on either side refuses the whole
    rotation before anything leaves (ReadOnlyRefused): never the first update alone."""
    from trunkwizard.errors import ReadOnlyRefused

    locked = [side.name for side, c in zip(rotation.sides, clients, strict=True) if c.read_only]
    if locked:
        raise ReadOnlyRefused("rotate", f"({' and '.join(locked)}: read-only account)")
    done = start
    for side, client in list(zip(rotation.sides, clients, strict=True))[start:]:
        try:
            await client.update(side.edit.call, "rotate")
        except TrunkwizardError as exc:
            return RotationResult(rotation, done, f"{side.name}: {exc.message}", maybe_applied=_maybe(exc))
        done += 1
    return RotationResult(rotation, done)


def _maybe(error: TrunkwizardError) -> bool:
    """Whether a failed update may have been applied all the same."""
    from trunkwizard.errors import NetworkError, OutcomeUnknown, ProviderError

    if isinstance(error, NetworkError):
        return error.reached
    if isinstance(error, ProviderError):
        return error.status is not None and error.status >= 500
    return isinstance(error, OutcomeUnknown)


async def retry_rest(result: RotationResult, clients: Sequence[ProviderClient]) -> RotationResult:
    """Send the updates that did not go through again (same new password)."""
    return await run_rotation(result.rotation, clients, start=result.done)


async def put_back(result: RotationResult, first_client: ProviderClient) -> RotationResult:
    """The way back after the second update failed: the old password on the first side again."""
    from trunkwizard.editing import plan_edit

    rotation = result.rotation
    if result.state is not RotationState.FIRST_ONLY or rotation.old_password is None:
        raise ValueError("nothing to put back, or the old password is unknown")
    first = rotation.sides[0]
    listing = first.provider.listing
    assert listing is not None and listing.password_field is not None
    # the first side as read before the rotation (a full-replace update sends it all again), with its
    # password not known, so the old one is a change
    before = replace(
        first.details, secrets={k: v for k, v in first.details.secrets.items() if k != listing.password_field}
    )
    edit = plan_edit(first.provider, before, {listing.password_field: rotation.old_password})
    try:
        await first_client.update(edit.call, "rotate")
    except TrunkwizardError as exc:
        return replace(result, error=f"{result.error}; putting the old password back failed: {exc.message}")
    return replace(result, put_back=True)
