"""Both halves of one SIP connection as one plan: the first side's calls, the reads its offer is made
from, then the second side's calls with the values the first side's answer will give.

    plan = plan_connection(first_prepared, offering, second_provider, need, second_answers, second_account)
    plan.as_json()            # {"calls": [...]}: both providers, in order, "<from wavix: name>" where
                              # a value comes from the first side's answer, secrets masked
    result = await run_connection(plan, first_client, second_client)
    result.state              # JOINED, or SECOND_FAILED (the first half exists: retry, delete or keep)
    result = await retry_second(plan, result, second_client)

Before the first create the values its answer gives are unknown: the review's second half is prepared
with a stand-in for each (a token the model gate accepts), and each stand-in is written back as
`<from PROVIDER: WIRE>` in what is shown. After the first create the real offer is read and the
second half is prepared again from it, through the same gate.

Names no provider and never imports Textual.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from trunkwizard.connect.offers import Need, Offer, Offering, OfferInput, OfferKind
from trunkwizard.connect.pairing import Filled, fill, password_rules
from trunkwizard.connect.passwords import password_problems

if TYPE_CHECKING:
    from trunkwizard.client import PreparedRequest, ProviderClient, RequestPreview
    from trunkwizard.errors import TrunkwizardError
    from trunkwizard.fields import ProviderModel
    from trunkwizard.outcome import Outcome
    from trunkwizard.providers import Created, Provider, SipCheckPlan

__all__ = [
    "ConnectionPlan",
    "ConnectionResult",
    "ConnectionState",
    "connection_check_plans",
    "joined_check_plan",
    "offer_placeholder",
    "plan_connection",
    "planned_fill",
    "retry_second",
    "run_connection",
    "second_answers",
]


_STAND_IN = re.compile(r"zzfrom\d+zz", re.IGNORECASE)


def offer_placeholder(provider_key: str, where: str) -> str:
    """How a value the first side's answer gives is written before that answer exists."""
    return f"<from {provider_key}: {where}>"


class _Unknown(dict[str, Any]):
    """An answer (or a read) not given yet: every key the offer asks for is a stand-in token, except
    what the request already says (providers echo what they were sent)."""

    def __init__(self, stand_ins: dict[str, str], prefix: str, echo: Mapping[str, Any]) -> None:
        super().__init__()
        self._stand_ins = stand_ins
        self._prefix = prefix
        self._echo = echo

    def get(self, key: str, default: Any = None) -> Any:
        if key in self._echo and self._echo[key] not in (None, ""):
            return self._echo[key]
        where = f"{self._prefix}{key}"
        token = next((t for t, w in self._stand_ins.items() if w == where), None)
        if token is None:
            # letters and digits only: a host name, a user name and a SIP URI all accept it
            token = f"zzfrom{len(self._stand_ins)}zz"
            self._stand_ins[token] = where
        return token

    def __getitem__(self, key: str) -> Any:
        return self.get(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str)


class _Reads(_Unknown):
    def __init__(self, stand_ins: dict[str, str], prefix: str) -> None:
        super().__init__(stand_ins, prefix, {})


def _probe_offer(
    provider: Provider, offering: Offering, prepared: PreparedRequest, base_url: str
) -> tuple[Offer, dict[str, str]]:
    """The offer as far as it is known before the first create: stand-ins for what the answer gives."""
    from trunkwizard.fields import wire_body

    stand_ins: dict[str, str] = {}
    request = wire_body(prepared.request, reveal=False)
    secrets = {
        f.wire: getattr(prepared.request, f.name)
        for f in prepared.mode.fields
        if f.secret and getattr(prepared.request, f.name, None) is not None
    }
    reads = {name: _Reads(stand_ins, f"{name}: ") for name in offering.reads}
    probe = OfferInput(
        request=request,
        answer=_Unknown(stand_ins, "", request),
        base_url=base_url,
        reads=reads,
        secrets=secrets,
    )
    return provider.offer(offering, probe), stand_ins


def second_answers(
    offer: Offer,
    need: Need,
    typed: Mapping[str, Any],
    provider: Provider,
    unlocked: Iterable[str] = (),
) -> tuple[dict[str, Any], Filled]:
    """The second side's answers: what the offer fills, over what was typed for it. A value the offer
    fills is locked (a typed value for the same wire gives way), and a confirmation repeats it; except
    the `unlocked` wires, whose typed value the user chose on purpose over the offered one."""
    filled = fill(offer, need)
    kept = set(unlocked)
    taken = {wire: value for wire, value in filled.answers.items() if wire not in kept}
    answers = {**dict(typed), **taken}
    for f in provider.mode(need.mode).fields:
        if f.confirm_of and f.confirm_of in taken:
            answers[f.wire] = taken[f.confirm_of]
    return answers, filled


def planned_fill(
    first: PreparedRequest, offering: Offering, need: Need, first_account: ProviderModel
) -> tuple[Offer, Filled]:
    """What the second side's form takes from the first side's plan, before the first side is created:
    a value its answer (or a read) will give is written `<from PROVIDER: WIRE>`, and its origin says
    it is known once the first side is created. Secrets stay `SecretStr`. The offer returned is the
    probe (stand-ins for what is not known): what it names (the provider) is all it is good for."""
    probe, stand_ins = _probe_offer(first.provider, offering, first, first.provider.base_url(first_account))
    filled = fill(probe, need)
    key = first.provider.key

    def shown(value: Any) -> Any:
        if isinstance(value, str):
            return _STAND_IN.sub(lambda m: offer_placeholder(key, stand_ins[m[0].lower()]), value)
        if isinstance(value, list):
            return [shown(v) for v in value]
        return value

    answers = {wire: shown(value) for wire, value in filled.answers.items()}
    origins = {
        wire: shown(label) + (" (known once it is created)" if answers[wire] != filled.answers[wire] else "")
        for wire, label in filled.origins.items()
    }
    return probe, Filled(answers, origins, filled.inferred)


@dataclass(frozen=True)
class ConnectionPlan:
    """Both halves, reviewed as one: the first side's plan, the reads its offer needs, and the second
    side's plan as prepared with stand-ins for what the first side's answer will give."""

    first: PreparedRequest
    offering: Offering
    second_provider: Provider
    need: Need
    # what was typed for the second side (wire names), without the values the offer fills
    typed_second: Mapping[str, Any] = field(repr=False)
    second_account: ProviderModel = field(repr=False)
    first_account: ProviderModel = field(repr=False)
    second_preview: PreparedRequest = field(repr=False)
    read_previews: tuple[RequestPreview, ...] = ()
    # stand-in token -> "<from wavix: name>"
    stand_ins: Mapping[str, str] = field(default_factory=dict)
    # the second side's wires filled from the offer, and how each is labelled
    origins: Mapping[str, str] = field(default_factory=dict)
    # offered wires the user unlocked and changed: their typed value is sent instead of the offered one
    unlocked: frozenset[str] = frozenset()

    @property
    def first_provider(self) -> Provider:
        return self.first.provider

    def _shown(self, value: Any) -> Any:
        """A preview value with each stand-in written as `<from PROVIDER: WIRE>`."""
        if isinstance(value, str):
            # a stand-in may come back upper case (a codec name): match it either way
            return _STAND_IN.sub(lambda m: self._placeholder(m[0]), value)
        if isinstance(value, Mapping):
            return {k: self._shown(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._shown(v) for v in value]
        return value

    def _placeholder(self, token: str) -> str:
        where = self.stand_ins.get(token.lower())
        return token if where is None else offer_placeholder(self.first_provider.key, where)

    def calls(self) -> list[dict[str, Any]]:
        """Every call of both providers, in order, as `--dry-run --json` prints them."""
        sides = (
            [(self.first_provider.key, "create", p) for p in self.first.previews[:1]]
            + [(self.first_provider.key, "follow-up", p) for p in self.first.previews[1:]]
            + [(self.first_provider.key, "offer read", p) for p in self.read_previews]
            + [(self.second_provider.key, "create", p) for p in self.second_preview.previews[:1]]
            + [(self.second_provider.key, "follow-up", p) for p in self.second_preview.previews[1:]]
        )
        return [
            {"provider": key, "step": step, **self._shown(preview.as_dict())} for key, step, preview in sides
        ]

    def as_json(self) -> dict[str, Any]:
        return {"calls": self.calls()}

    def as_text(self) -> str:
        calls = self.calls()
        parts = []
        for index, call in enumerate(calls, start=1):
            head = f"call {index} of {len(calls)} · {call['provider']} {call['step']}"
            lines = [head, f"{call['method']} {call['url']}"]
            lines += [f"{name}: {value}" for name, value in call["headers"].items()]
            if call["json"] is not None:
                lines += ["", json.dumps(call["json"], indent=2, ensure_ascii=False)]
            parts.append("\n".join(lines))
        return "\n\n".join(parts)

    def password_problems(self) -> list[str]:
        """What the offered password misses of both sides' rules (empty when none is offered)."""
        password = self.first_password()
        if password is None:
            return []
        rules = password_rules(self.offering.password_rules, self.need.password_rules)
        return password_problems(password.get_secret_value(), rules)

    def first_password(self) -> SecretStr | None:
        for f in self.first.mode.fields:
            if f.secret and not f.confirm_of:
                value = getattr(self.first.request, f.name, None)
                if isinstance(value, SecretStr):
                    return value
        return None

    def prepare_second(self, offer: Offer) -> PreparedRequest:
        """The second half from the real offer, through the model gate (ValidationFailed on a bad value)."""
        from trunkwizard.client import prepare

        answers, _ = second_answers(offer, self.need, self.typed_second, self.second_provider, self.unlocked)
        return prepare(self.second_provider, self.need.mode, answers, self.second_account)


def plan_connection(
    first: PreparedRequest,
    offering: Offering,
    second_provider: Provider,
    need: Need,
    typed_second: Mapping[str, Any],
    second_account: ProviderModel,
    first_account: ProviderModel,
    unlocked: Iterable[str] = (),
) -> ConnectionPlan:
    """Both halves as one plan. Raises ValidationFailed when the second side's typed answers (with the
    offer's values as stand-ins) do not pass its model gate, and ValueError when the pair does not fit.
    `unlocked`: offered wires whose value in `typed_second` is sent instead of the offered one."""
    from trunkwizard.client import prepare, preview_call
    from trunkwizard.providers import Call

    if offering.mode != first.mode.key:
        raise ValueError(f"{first.provider.title} {first.mode.key} does not offer {offering.mode}")
    if offering.kind is not need.kind:
        raise ValueError(f"a {offering.kind.value} offer cannot fill a {need.kind.value} need")
    base_url = first.provider.base_url(first_account)
    probe, stand_ins = _probe_offer(first.provider, offering, first, base_url)
    answers, filled = second_answers(probe, need, typed_second, second_provider, unlocked)
    second_preview = prepare(second_provider, need.mode, answers, second_account)
    read_previews = tuple(
        preview_call(first.provider, first_account, Call("GET", path)) for path in offering.reads.values()
    )
    return ConnectionPlan(
        first=first,
        offering=offering,
        second_provider=second_provider,
        need=need,
        typed_second=dict(typed_second),
        second_account=second_account,
        first_account=first_account,
        second_preview=second_preview,
        read_previews=read_previews,
        stand_ins=stand_ins,
        origins=_origins(filled, stand_ins, first.provider.key),
        unlocked=frozenset(unlocked),
    )


def _origins(filled: Filled, stand_ins: Mapping[str, str], key: str) -> dict[str, str]:
    origins = dict(filled.origins)
    for wire, value in filled.answers.items():
        if isinstance(value, str) and any(token in value for token in stand_ins):
            origins[wire] = _STAND_IN.sub(lambda m: offer_placeholder(key, stand_ins[m[0].lower()]), value)
    return origins


class ConnectionState(enum.StrEnum):
    FIRST_FAILED = "first-failed"  # nothing of the connection exists (or the first outcome is unknown)
    SECOND_FAILED = "second-failed"  # the first half exists; the second does not (yet)
    JOINED = "joined"


@dataclass(frozen=True)
class ConnectionResult:
    """What a run left: the first side's outcome, its offer, and the second side's outcome or error."""

    state: ConnectionState
    first: Outcome
    offer: Offer | None = field(default=None, repr=False)
    second_prepared: PreparedRequest | None = field(default=None, repr=False)
    second: Outcome | None = None
    # why the second half was not created, when it was not (a gate problem, a refusal, an unreadable offer)
    problem: str = ""

    @property
    def first_created(self) -> Created | None:
        return self.first.created

    @property
    def second_created(self) -> Created | None:
        return self.second.created if self.second is not None else None

    def what_exists(self) -> str:
        """One sentence: what exists now at which provider."""
        first = self.first_created
        if first is None:
            return "Nothing was created."
        second = self.second_created
        if second is None:
            return f"{first.title} exists (id {first.ref.id}); the other side was not created."
        return f"{first.title} (id {first.ref.id}) and {second.title} (id {second.ref.id}) exist."


async def run_connection(
    plan: ConnectionPlan, first_client: ProviderClient, second_client: ProviderClient
) -> ConnectionResult:
    """Submit the first half, read its offer, then the second half from it. A POST is never retried;
    the second half is sent only when the first was created."""
    from trunkwizard.connect.catalog import read_offer

    first = await first_client.submit(plan.first)
    if first.created is None:
        return ConnectionResult(ConnectionState.FIRST_FAILED, first, problem=first.message)
    try:
        offer = await read_offer(first_client, plan.first_provider, plan.offering, plan.first, first.created)
    except Exception as exc:  # the first half exists: never lose it to a failed read
        return ConnectionResult(
            ConnectionState.SECOND_FAILED,
            first,
            problem=f"what {plan.first_provider.title} offers could not be read: {_message(exc)}",
        )
    return await _second(plan, ConnectionResult(ConnectionState.SECOND_FAILED, first, offer), second_client)


async def retry_second(
    plan: ConnectionPlan, result: ConnectionResult, second_client: ProviderClient
) -> ConnectionResult:
    """Send the second half again, with the same answers, after it failed (the first half exists)."""
    if result.first_created is None or result.offer is None:
        raise ValueError("there is no first half to connect to")
    return await _second(plan, result, second_client)


async def _second(
    plan: ConnectionPlan, result: ConnectionResult, second_client: ProviderClient
) -> ConnectionResult:
    from trunkwizard.errors import ValidationFailed

    assert result.offer is not None
    try:
        prepared = plan.prepare_second(result.offer)
    except ValidationFailed as exc:
        problems = "; ".join(str(p) for p in exc.problems)
        return replace(result, problem=f"the offered values do not pass the other side's rules: {problems}")
    outcome = await second_client.submit(prepared)
    state = ConnectionState.JOINED if outcome.created is not None else ConnectionState.SECOND_FAILED
    return replace(result, state=state, second_prepared=prepared, second=outcome, problem=outcome.message)


def _message(exc: BaseException) -> str:
    error: TrunkwizardError | BaseException = exc
    return str(getattr(error, "message", error))


def joined_check_plan(offer: Offer) -> SipCheckPlan:
    """The SIP check of a joined connection: the offered registrar (or peer address), with the offered
    credentials, as the other side will use them. Only the offered host is contacted, and a REGISTER is
    sent only when the user confirms it (as for every check plan)."""
    from trunkwizard.providers import SipCheckPlan

    registration = offer.kind is OfferKind.REGISTRATION
    user = offer.username.value if offer.username is not None else None
    auth = offer.auth_name.value if offer.auth_name is not None else None
    note = (
        f"The registration the other side makes to {offer.provider_title}, with the account it offered."
        if registration
        else f"The address {offer.provider_title} offered: no registration, so DNS and OPTIONS only."
    )
    return SipCheckPlan(
        title=f"The connection: {offer.provider_title} {offer.registrar}",
        host=offer.host.value,
        port=offer.port.value if offer.port is not None else None,
        transport=offer.transport.value if offer.transport is not None else "udp",
        proxy=offer.outbound_proxy.value if offer.outbound_proxy is not None else None,
        username=user if registration else None,
        auth_username=auth if registration else None,
        password=offer.password.value if registration and offer.password is not None else None,
        before_submit=False,
        after_submit=True,
        provider_host=True,
        note=note,
    )


def connection_check_plans(offer: Offer, *sides: Iterable[SipCheckPlan]) -> list[SipCheckPlan]:
    """The SIP check of a joined connection, both ends: the offered registrar (or address) with the
    offered account first, then each side's own peers after submitting (`Provider.sip_targets`), each
    address and user once (a side that fills its host from the offer names the same peer again)."""
    plans = [joined_check_plan(offer)]
    seen = {_peer(plans[0])}
    for side in sides:
        for plan in side:
            if plan.applies(submitted=True) and _peer(plan) not in seen:
                seen.add(_peer(plan))
                plans.append(plan)
    return plans


def _peer(plan: SipCheckPlan) -> tuple[str, int | None, str, str | None, str | None]:
    return (plan.host.lower(), plan.port or 5060, plan.transport, plan.proxy, plan.username)
