"""Offers and needs: what one side of a SIP connection hands out and what the other side fills from it.

A provider mode *offers* a SIP account after it is created (where to register or send, the username,
the auth name, the password in memory, caller ID, codecs). A mode, or a config exporter, *needs* one:
it declares which of its wire fields it fills from which part of an offer. Every value carries its
source: the provider's answer, the request the user typed, a document line, or an inference marked so.

Nothing here names a provider; providers declare their offerings and needs in their own modules.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Literal, TypeVar

from pydantic import SecretStr

from trunkwizard.redact import MASK, register_secret

__all__ = [
    "Fill",
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
]

T = TypeVar("T")
Transport = Literal["udp", "tcp", "tls"]


class OfferKind(enum.StrEnum):
    """What an offer is, so only offers and needs of the same kind pair."""

    # a SIP account to register with (or to authenticate calls sent to it): registrar host and credentials
    REGISTRATION = "registration"
    # an address the other side trusts and exchanges calls with, without credentials
    PEER_ADDRESS = "peer-address"


class Origin(enum.StrEnum):
    ANSWER = "answer"  # the provider's answer to the create (or to a read the offering declares)
    REQUEST = "request"  # what the user typed in that provider's form
    ACCOUNT = "account"  # the account the create was made with (e.g. the PBX's web address)
    DOCUMENT = "document"  # a fact a document states (seed line, official spec, provider guide)
    INFERRED = "inferred"  # an inference: the other side may need a different value
    TYPED = "typed"  # typed for this connection or export (a password asked for, or generated)


@dataclass(frozen=True)
class Sourced(Generic[T]):
    """One offered value and where it came from.

    `where` is the wire name in the answer or request (`name`), or the document by the name a technician
    knows it by ("regional SIP gateways (Wavix FreeSWITCH guide)"), or for an inference what it was
    inferred from. The second form shows it: never a line of our copies of the documents (seed files).
    """

    value: T
    origin: Origin
    where: str

    @property
    def inferred(self) -> bool:
        return self.origin is Origin.INFERRED

    def label(self, provider_title: str) -> str:
        """How the other side's form marks the value: "from Wavix's answer: name"."""
        match self.origin:
            case Origin.ANSWER:
                return f"from {provider_title}'s answer: {self.where}"
            case Origin.REQUEST:
                return f"from the {provider_title} form: {self.where}"
            case Origin.ACCOUNT:
                return f"from the {provider_title} account: {self.where}"
            case Origin.DOCUMENT:
                return f"{provider_title} documents it: {self.where}"
            case Origin.INFERRED:
                return f"inferred for {provider_title}: {self.where}; check it"
            case Origin.TYPED:
                return f"typed for {provider_title}'s account: {self.where}"

    def __repr__(self) -> str:
        shown = "'********'" if isinstance(self.value, SecretStr) else repr(self.value)
        return f"Sourced({shown}, {self.origin.value}, {self.where!r})"


@dataclass(frozen=True)
class PasswordRule:
    """A password rule one side states; a generated password meets every rule of both sides.

    `source` is the document line it follows, for the code and its tests ("seed 003 lines 33-35"); what
    the screens and messages say is the rule itself, never where it is written.
    """

    source: str
    min_length: int = 1
    max_length: int | None = None
    digit: bool = False
    upper: bool = False
    lower: bool = False

    def problems(self, password: str) -> list[str]:
        missing: list[str] = []
        if len(password) < self.min_length:
            missing.append(f"at least {self.min_length} characters")
        if self.max_length is not None and len(password) > self.max_length:
            missing.append(f"at most {self.max_length} characters")
        if self.digit and not any(c.isdigit() for c in password):
            missing.append("a digit")
        if self.upper and not any(c.isupper() for c in password):
            missing.append("an uppercase letter")
        if self.lower and not any(c.islower() for c in password):
            missing.append("a lowercase letter")
        return missing


@dataclass(frozen=True)
class Offering:
    """A mode's declaration that, once created, it offers a SIP account of `kind`.

    `reads` are GET calls (name -> path relative to the account's base URL) whose answers the offer is
    built from besides the create's own answer (SignalWire's SIP domain lives in its `sip_profile`).
    `withheld_by` reads the request as sent (wire names) and says why that one offers nothing (a
    Wavix trunk authenticated by IP has no account to register), or None when it offers its account.
    """

    mode: str
    kind: OfferKind
    description: str
    reads: Mapping[str, str] = field(default_factory=dict)
    password_rules: tuple[PasswordRule, ...] = ()
    withheld_by: Callable[[Mapping[str, Any]], str | None] | None = None

    def withheld(self, request: Mapping[str, Any]) -> str | None:
        """Why what was created with `request` offers nothing to another side; None when it does."""
        return None if self.withheld_by is None else self.withheld_by(request)


@dataclass(frozen=True)
class OfferInput:
    """What an offer is built from, all at the wire level so a history entry can rebuild it:
    the request body as sent (wire names; secrets may be masked), the provider's answer, the base
    URL the create was sent to, the answers of the offering's `reads`, and the secrets in memory."""

    request: Mapping[str, Any]
    answer: Mapping[str, Any]
    base_url: str = ""
    reads: Mapping[str, Any] = field(default_factory=dict)
    # secret answers typed in this session, by wire name (the request's own copies are masked)
    secrets: Mapping[str, SecretStr] = field(default_factory=dict, repr=False)

    def text(self, where: Mapping[str, Any], key: str) -> str | None:
        """`where[key]` as text, None when absent or empty."""
        value = where.get(key)
        return None if value is None or value == "" else str(value)

    def value(self, key: str) -> Sourced[str] | None:
        """`key` from the answer, else from the request as typed, with its origin; None when in neither."""
        if (answered := self.text(self.answer, key)) is not None:
            return Sourced(answered, Origin.ANSWER, key)
        if (typed := self.text(self.request, key)) is not None:
            return Sourced(typed, Origin.REQUEST, key)
        return None

    def typed_password(self, wire: str) -> SecretStr | None:
        """The password typed in the form: kept in memory, or in a request that was not masked."""
        if (kept := self.secrets.get(wire)) is not None:
            return kept
        value = self.request.get(wire)
        if isinstance(value, SecretStr):
            return value
        if isinstance(value, str) and value and value != MASK:
            return SecretStr(value)
        return None

    def host(self) -> str:
        """The host of the base URL the create was sent to (a PBX's web address)."""
        from urllib.parse import urlsplit

        return urlsplit(self.base_url).hostname or ""


@dataclass(frozen=True)
class Offer:
    """A SIP account one side hands to the other. The password lives in memory only."""

    provider: str
    provider_title: str
    mode: str
    kind: OfferKind
    host: Sourced[str]
    port: Sourced[int] | None = None
    transport: Sourced[Transport] | None = None
    domain: Sourced[str] | None = None
    username: Sourced[str] | None = None
    auth_name: Sourced[str] | None = None
    password: Sourced[SecretStr] | None = field(default=None, repr=False)
    outbound_proxy: Sourced[str] | None = None
    caller_id: Sourced[str] | None = None
    # canonical codec names (PCMU, PCMA, G722, G729, OPUS, ...); each need maps them to its own words
    codecs: Sourced[tuple[str, ...]] | None = None
    # other hosts the technician may pick instead of `host` (Wavix's regional gateways)
    host_choices: tuple[str, ...] = ()
    # hosts or addresses the provider sends calls from (for an Asterisk `identify`)
    signalling: Sourced[tuple[str, ...]] | None = None
    password_rules: tuple[PasswordRule, ...] = ()

    def __post_init__(self) -> None:
        if not self.host.value:
            raise ValueError(f"{self.provider_title} offered no host to register or send to")
        if self.password is not None:
            register_secret(self.password.value.get_secret_value())

    def with_password(
        self, password: SecretStr, where: str = "password", origin: Origin = Origin.REQUEST
    ) -> Offer:
        """The same offer with the password typed (or generated) on this side."""
        return replace(self, password=Sourced(password, origin, where))

    def with_host(self, host: str) -> Offer:
        """The same offer registering to another of its `host_choices`."""
        if host not in (self.host.value, *self.host_choices):
            raise ValueError(f"{host!r} is not one of the hosts {self.provider_title} offers")
        chosen = Sourced(host, self.host.origin, self.host.where)
        others = tuple(h for h in (self.host.value, *self.host_choices) if h != host)
        domain = self.domain
        if domain is not None and domain.value == self.host.value:
            domain = Sourced(host, domain.origin, domain.where)
        return replace(self, host=chosen, domain=domain, host_choices=others)

    @property
    def registrar(self) -> str:
        """`host:port` as a technician writes it."""
        host = f"[{self.host.value}]" if ":" in self.host.value else self.host.value
        return f"{host}:{self.port.value}" if self.port is not None else host

    @property
    def summary(self) -> str:
        """What the other side is handed, in a few words: the registrar it registers with, or the peer
        it exchanges calls with (a peer trunk registers nowhere)."""
        what = "registrar" if self.kind is OfferKind.REGISTRATION else "SIP peer"
        return f"{what} {self.registrar}"

    @classmethod
    def from_public(cls, data: Mapping[str, Any], provider_title: str) -> Offer:
        """An offer again from its `public()` JSON (a history entry): no password, which is never kept."""

        def sourced(name: str) -> Sourced[Any] | None:
            item = data.get(name)
            if not isinstance(item, Mapping) or item.get("value") in (None, ""):
                return None
            found = item["value"]
            plain = tuple(str(v) for v in found) if isinstance(found, list) else found
            return Sourced(
                plain, Origin(str(item.get("origin", Origin.INFERRED.value))), str(item.get("where", ""))
            )

        host = sourced("host")
        if host is None:
            raise ValueError("the recorded offer has no host")
        port = sourced("port")
        return cls(
            provider=str(data["provider"]),
            provider_title=provider_title,
            mode=str(data["mode"]),
            kind=OfferKind(str(data["kind"])),
            host=host,
            port=Sourced(int(port.value), port.origin, port.where) if port is not None else None,
            transport=sourced("transport"),
            domain=sourced("domain"),
            username=sourced("username"),
            auth_name=sourced("auth_name"),
            outbound_proxy=sourced("outbound_proxy"),
            caller_id=sourced("caller_id"),
            codecs=sourced("codecs"),
            host_choices=tuple(str(h) for h in data.get("host_choices") or ()),
            signalling=sourced("signalling"),
        )

    def public(self) -> dict[str, Any]:
        """The offer without its password, as JSON (history, dry runs)."""
        data: dict[str, Any] = {
            "provider": self.provider,
            "mode": self.mode,
            "kind": self.kind.value,
            "host_choices": list(self.host_choices),
        }
        for name in (
            "host", "port", "transport", "domain", "username", "auth_name", "outbound_proxy", "caller_id",
            "codecs", "signalling",
        ):  # fmt: skip
            value: Sourced[Any] | None = getattr(self, name)
            if value is not None:
                plain = list(value.value) if isinstance(value.value, tuple) else value.value
                data[name] = {"value": plain, "origin": value.origin.value, "where": value.where}
        return data


def canonical_codecs(names: object) -> tuple[str, ...]:
    """Codec names as offers carry them: upper case, without a rate suffix (`OPUS@48000H@20I` -> OPUS),
    each once, in order. Accepts a list or a comma-separated string (Yeastar's `codec_sel`)."""
    items = names.split(",") if isinstance(names, str) else names if isinstance(names, list | tuple) else []
    seen: list[str] = []
    for item in items:
        name = str(item).strip().split("@", 1)[0].upper()
        if name and name not in seen:
            seen.append(name)
    return tuple(seen)


# What a need takes from an offer: an attribute name, or a function of the offer that returns a sourced
# value (or None when the offer has nothing for it).
Take = Callable[[Offer], "Sourced[Any] | None"]


@dataclass(frozen=True)
class Fill:
    """One wire field a need fills from an offer.

    `source` says where the mapping itself comes from (the need's document line); `inferred` marks a
    mapping no document states (the technician is warned to check it), and `why` says in the
    technician's words what it is inferred from: the second form shows it, never `source`.
    """

    wire: str
    take: str | Take
    source: str
    inferred: bool = False
    why: str = ""

    def value_of(self, offer: Offer) -> Sourced[Any] | None:
        if isinstance(self.take, str):
            taken: Sourced[Any] | None = getattr(offer, self.take)
            return taken
        return self.take(offer)


@dataclass(frozen=True)
class Need:
    """A mode (or an exporter) that fills some of its fields from an offer of `kind`."""

    owner: str  # the provider's key, or the exporter's ("asterisk")
    mode: str
    kind: OfferKind
    description: str
    fills: tuple[Fill, ...]
    password_rules: tuple[PasswordRule, ...] = ()
