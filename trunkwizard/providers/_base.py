"""What a provider module declares: its account, its modes, how to call it and how to read its answers."""

from __future__ import annotations

import ipaddress
import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, Literal, Union

from pydantic import Discriminator, SecretStr, Tag, TypeAdapter
from typing_extensions import TypeVar

from trunkwizard.errors import AuthenticationFailed, ProviderError
from trunkwizard.fields import Choice, FormField, ProviderModel, form_fields
from trunkwizard.providers._auth import AuthScheme
from trunkwizard.redact import redact, register_secret

if TYPE_CHECKING:
    import httpx

    from trunkwizard.connect import Need, Offer, Offering, OfferInput
    from trunkwizard.preflight import PreflightTarget
    from trunkwizard.providers._listing import Listing

__all__ = [
    "CREATED_ID",
    "FIND_PAGE_SIZE",
    "Call",
    "Created",
    "Match",
    "Mode",
    "Provider",
    "ResourceRef",
    "SipCheckPlan",
    "error_text",
]

# items per page when a listing is searched for a resource after a timeout (every API here allows 100)
FIND_PAGE_SIZE = 100


@dataclass(frozen=True)
class Mode:
    """One way to create with a provider: its own model, so fields of other modes are never sent.

    A provider's modes form a discriminated union (`Provider.request_union`): a mode's fixed fields
    (`Form(fixed=True)`, e.g. Yeastar's `type`) say which mode a body is. A mode with none says so with
    `by_endpoint=True`: its endpoint alone chooses it, so it is its provider's only mode.
    """

    key: str
    title: str
    description: str
    model: type[ProviderModel]
    by_endpoint: bool = False

    def __post_init__(self) -> None:
        if self.by_endpoint == bool(self.discriminators):
            raise TypeError(
                f"mode {self.key!r}: declare by_endpoint=True when no field names the mode, "
                "and only then (a Form(fixed=True) field names it)"
            )

    @property
    def fields(self) -> tuple[FormField, ...]:
        return form_fields(self.model)

    @property
    def discriminators(self) -> tuple[FormField, ...]:
        """The fixed fields whose values name this mode; none when the endpoint alone chooses it."""
        return tuple(f for f in self.fields if f.fixed)


# In a follow-up call's path: the id the create call answered with (filled in once it has answered).
CREATED_ID = "{created_id}"


@dataclass(frozen=True)
class Call:
    """An HTTP call relative to the account's base URL.

    Secrets in `json` stay SecretStr (their repr is masked) until `ProviderClient.send` builds the HTTP
    request. A follow-up call names the created resource's id as `CREATED_ID` in its path.
    """

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
    path: str
    json: dict[str, Any] | None = field(default=None, repr=False)  # secrets in clear, as sent
    params: Mapping[str, str] = field(default_factory=dict)

    def revealed_json(self) -> dict[str, Any] | None:
        """The body as it goes on the wire, secrets in clear: only for building the HTTP request."""
        return _revealed(self.json) if self.json is not None else None

    @property
    def takes_created_id(self) -> bool:
        return CREATED_ID in self.path

    def after_create(self, created_id: str) -> Call:
        """This call with the created resource's id in its path."""
        return replace(self, path=self.path.replace(CREATED_ID, created_id))


def _revealed(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, Mapping):
        return {k: _revealed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_revealed(v) for v in value]
    return value


@dataclass(frozen=True)
class Match:
    """How a listing shows that this request's resource exists: the list under `items`, and the item
    whose `key` equals the request's field of that wire name (`field` when the names differ)."""

    items: str
    key: str
    field: str | None = None
    id: str = "id"

    def find(self, request: ProviderModel, body: Any) -> str | None:
        wire = self.field or self.key
        names = {f.wire: f.name for f in form_fields(type(request))}
        wanted = getattr(request, names.get(wire, wire), None)
        items = body.get(self.items) if isinstance(body, Mapping) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, Mapping) and wanted is not None and item.get(self.key) == wanted:
                return str(item.get(self.id))
        return None


@dataclass(frozen=True)
class ResourceRef:
    """Enough to find a created resource again (history, delete, look-up after a timeout)."""

    provider: str
    mode: str
    id: str
    path_values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Created:
    """What the provider created: its id, what it returned (secrets masked) and what to do next."""

    ref: ResourceRef
    title: str
    returned: Mapping[str, Any]
    next_steps: tuple[str, ...] = ()
    # A follow-up call failed: the resource exists but is not fully set up. Show these prominently.
    warnings: tuple[str, ...] = ()
    # Those of `next_steps` that set up the other end of the SIP connection (a PBX registering to it, a
    # SIP user for it to register as): when the wizard has created that other end from this one's offer,
    # they are done. The provider marks them where it writes them.
    other_end_steps: tuple[str, ...] = ()

    def steps_left_when_connected(self) -> tuple[str, ...]:
        """The next steps once the wizard has created the other end of the connection too."""
        return tuple(step for step in self.next_steps if step not in self.other_end_steps)


SipTransport = Literal["udp", "tcp", "tls", "dnsnaptr"]


@dataclass(frozen=True)
class SipCheckPlan:
    """One SIP peer the preflight may check for a request: where it is, how to reach it, and the
    credentials a REGISTER would test (only when the request carries them).

    Built by `Provider.sip_targets` from the request's own fields, so only hosts the user entered,
    or the provider's documented SIP host (`provider_host`), are ever contacted.
    """

    title: str
    host: str
    port: int | None = None
    transport: SipTransport = "udp"
    proxy: str | None = None
    username: str | None = None
    auth_username: str | None = None
    password: SecretStr | None = field(default=None, repr=False)
    before_submit: bool = True
    after_submit: bool = True
    provider_host: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        if self.password is not None and self.password.get_secret_value():
            register_secret(self.password.get_secret_value())

    @property
    def can_register(self) -> bool:
        return bool(self.username and self.password is not None and self.password.get_secret_value())

    @property
    def register_user(self) -> str:
        """The user a REGISTER names, with the auth ID when it differs."""
        user = self.username or ""
        if self.auth_username and self.auth_username != user:
            return f"{user} (auth ID {self.auth_username})"
        return user

    @property
    def address(self) -> str:
        """`host:port/TRANSPORT` as a technician writes it; no port means DNS (SRV) decides."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port else ""
        via = f" via {self.proxy}" if self.proxy else ""
        return f"{host}{port}/{self.transport.upper()}{via}"

    def applies(self, *, submitted: bool) -> bool:
        return self.after_submit if submitted else self.before_submit

    @property
    def leaves_this_machine(self) -> bool:
        """True when checking it reaches the network: its host or proxy is not this machine (a name
        needs DNS, an address gets SIP packets)."""
        return not all(_on_this_machine(host) for host in (self.host, self.proxy) if host)

    def sandbox_refusal(self) -> str | None:
        """Why the sandbox, which promises that nothing leaves this machine, does not check this plan;
        None when it may (a peer on this machine, such as a local test PBX)."""
        if self.host.lower().rstrip(".").endswith(".invalid"):  # the emulator's own name for a server
            return (
                "the sandbox only emulates this server's API: the name ends in .invalid, which never "
                "resolves (RFC 2606), so there is no SIP server behind it: not contacted"
            )
        if self.provider_host:
            return (
                "this is the provider's real server, which holds nothing made or changed in the sandbox: "
                "not contacted"
            )
        if self.leaves_this_machine:
            return (
                "nothing leaves this machine in the sandbox, so this host is not contacted (no DNS lookup, "
                "no SIP packet)"
            )
        return None

    def target(
        self,
        *,
        register: bool = False,
        ca_file: str | None = None,
        overall_timeout: float = 10.0,
        sip_timeout: float = 3.0,
        dns_timeout: float = 3.0,
    ) -> PreflightTarget:
        """The preflight's target for this plan; credentials go along only for a confirmed REGISTER."""
        from trunkwizard.preflight import PreflightTarget

        return PreflightTarget(
            host=self.host,
            port=self.port,
            transport=self.transport,
            proxy=self.proxy,
            ca_file=ca_file,
            username=self.username if register else None,
            auth_username=self.auth_username if register else None,
            password=self.password if register else None,
            register=register,
            sip_timeout=sip_timeout,
            dns_timeout=dns_timeout,
            overall_timeout=overall_timeout,
        )


def _on_this_machine(host: str) -> bool:
    """`localhost` or a loopback address, with or without a port ("127.0.0.1:5070", "[::1]:5070")."""
    name = host.strip()
    if name.startswith("["):
        name = name[1 : name.find("]")] if "]" in name else name[1:]
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    if name.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


ERROR_TEXT_LIMIT = 300


def error_text(body: Any, fallback: str) -> str:
    """A short text of an unknown error body, masked before it is cut (a secret cut in half would no
    longer be recognised)."""
    if isinstance(body, str):
        return _cut(redact(body.strip())) or fallback
    try:
        return _cut(redact(json.dumps(body, ensure_ascii=False)))
    except (TypeError, ValueError, RecursionError):
        return fallback


def _cut(text: str) -> str:
    return text if len(text) <= ERROR_TEXT_LIMIT else text[: ERROR_TEXT_LIMIT - 1] + "…"


_GUIDED = (401, 403, 429)


class _UnreadError(ProviderError):
    """An error body the provider module did not recognise: only its status says what happened."""


def _seconds(value: float) -> str:
    whole = max(1, round(value))
    return f"{whole} s" if whole < 120 else f"{round(whole / 60)} min"


def _guided(
    cls: type[ProviderError], guidance: str, error: ProviderError, *, retry_after: float | None = None
) -> ProviderError:
    """`guidance`, then what the provider said, keeping the field, code and problems it named."""
    said = error.message
    text = guidance if said.endswith(" said nothing more") else f"{guidance}. {said}"
    return cls(
        text,
        status=error.status,
        field=error.field,
        code=error.code,
        problems=error.problems,
        retry_after=retry_after,
    )


def _body_detail(body: Any) -> str:
    if isinstance(body, str) and body.lstrip().startswith("<"):
        return " with an HTML page instead of its API's JSON"
    if body in (None, "", {}):
        return ""
    return f": {redact(error_text(body, ''))}"


A = TypeVar("A", bound=ProviderModel, default=Any)
# the provider's request: its only mode's model, or the union of its modes' models
R = TypeVar("R", bound=ProviderModel, default=Any)


class Provider(ABC, Generic[A, R]):
    """A provider: one module in trunkwizard/providers/ declares one subclass, generic over its account
    model and its request (`class Vox(Provider[VoxAccount, VoxCustomSip])`; a provider of several modes
    names the union of their models), and registers it. See README, "Adding a provider"."""

    key: ClassVar[str]
    title: ClassVar[str]
    creates: ClassVar[str]
    summary: ClassVar[str]
    docs: ClassVar[str]
    account_model: type[A]
    modes: ClassVar[tuple[Mode, ...]]
    # how requests carry the account's credentials (a Bearer key, Basic, a token session)
    auth_scheme: ClassVar[AuthScheme]
    # how a listing (find_call) shows this request's resource exists, after a timeout
    existing: ClassVar[Match | None] = None
    # a discriminator an answers file may leave out -> the value the provider's API assumes (seed)
    discriminator_defaults: ClassVar[Mapping[str, Any]] = {}
    # choices_from name -> what the look-up lists (SignalWire "subscribers")
    lookups: ClassVar[Mapping[str, str]] = {}
    # body keys the provider can name in errors, mapped to our wire names (usually the same)
    error_fields: ClassVar[Mapping[str, str]] = {}
    # connections (trunkwizard.connect): the SIP accounts modes offer once created, the fields modes fill
    # from another side's offer
    offerings: ClassVar[tuple[Offering, ...]] = ()
    needs: ClassVar[tuple[Need, ...]] = ()
    # SIP check outcome (a key of trunkwizard.preflight.explain.OUTCOMES) -> what this provider adds
    # to the general explanation; shown by the check screen and `trunkwizard check --profile`.
    sip_hints: ClassVar[Mapping[str, str]] = {}
    # the provider's own listing (inventory, show, delete): trunkwizard.providers._listing
    listing: ClassVar[Listing | None] = None
    # returned fields the provider's documents give as unix milliseconds: shown to people as a UTC
    # date-time (trunkwizard.readable); `--json` keeps the number
    epoch_ms_fields: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        modes = cls.__dict__.get("modes", ())
        if len(modes) > 1 and any(m.by_endpoint for m in modes):
            raise TypeError(f"{cls.__name__}: a mode chosen by its endpoint must be the provider's only mode")

    # --- declaration helpers -------------------------------------------------------------------------

    @property
    def account_fields(self) -> tuple[FormField, ...]:
        return form_fields(self.account_model)

    def mode(self, key: str) -> Mode:
        for mode in self.modes:
            if mode.key == key:
                return mode
        known = ", ".join(m.key for m in self.modes)
        raise KeyError(f"{self.title} has no mode {key!r}; modes: {known}")

    def detect_mode(self, answers: Any) -> str | None:
        """The mode the answers' discriminators name (None when they name none or several): the
        discriminator of `request_union`. A model instance is its own mode."""
        if isinstance(answers, ProviderModel):
            return next((m.key for m in self.modes if isinstance(answers, m.model)), None)
        chosen = [m.key for m in self.modes if m.by_endpoint]
        if chosen:
            return chosen[0]
        if not isinstance(answers, Mapping):
            return None
        named = [m.key for m in self.modes if m.discriminators and self._names(m, answers)]
        return named[0] if len(named) == 1 else None

    def _names(self, mode: Mode, answers: Mapping[str, Any]) -> bool:
        for discriminator in mode.discriminators:
            assumed = self.discriminator_defaults.get(discriminator.wire)
            value = answers.get(discriminator.wire, answers.get(discriminator.name, assumed))
            if value != discriminator.default:
                return False
        return True

    @cached_property
    def request_union(self) -> TypeAdapter[ProviderModel]:
        """The provider's requests as one discriminated union of its modes' models."""
        members = tuple(Annotated[m.model, Tag(m.key)] for m in self.modes)
        union: Any = Annotated[Union[members], Discriminator(self.detect_mode)]  # noqa: UP007
        return TypeAdapter(union)

    # --- calling the provider ----------------------------------------------------------------------------

    def base_url(self, account: A) -> str:
        """The API's base URL for this account (default: its `base_url` setting)."""
        return str(getattr(account, "base_url", "")).rstrip("/")

    def auth(self, account: A) -> httpx.Auth:
        """The httpx auth for this account; it never puts a secret anywhere but the request."""
        return self.auth_scheme.auth(account, self.base_url(account), self.title)

    def auth_preview(self, account: A) -> tuple[dict[str, str], dict[str, str]]:
        """(headers, query) as a reviewer sees them, secrets as `$ENV_VAR` references."""
        return self.auth_scheme.preview(self.key, account)

    @abstractmethod
    def create_call(self, mode: Mode, request: R) -> Call: ...

    @abstractmethod
    def created(self, mode: Mode, request: R, body: Any, account: A) -> Created: ...

    def get_call(self, ref: ResourceRef) -> Call | None:
        """The call that reads a created resource back, or None when the API has none."""
        return None

    def delete_call(self, ref: ResourceRef) -> Call | None:
        """The call that deletes a created resource, or None when the API has none."""
        return None

    def find_call(self, mode: Mode, request: R, cursor: str | None = None) -> Call | None:
        """One page of a listing that shows whether this request's resource already exists (after a
        timeout): the first page, or the one `cursor` (from `find_next`) names."""
        return None

    def find_existing(self, mode: Mode, request: R, body: Any) -> str | None:
        """From one `find_call` answer, the id of a resource matching this request (`existing`)."""
        return self.existing.find(request, body) if self.existing is not None else None

    def find_next(self, body: Any, cursor: str | None) -> str | None:
        """The cursor of the page after this `find_call` answer, None when it was the last."""
        return None

    def follow_up_calls(self, mode: Mode, request: R) -> list[Call]:
        """Calls made in order right after a successful create (Vox agent mapping), part of the plan the
        technician reviews; a path may take the created id (`CREATED_ID`). Default: none."""
        return []

    def followed_up(self, mode: Mode, request: R, created: Created, call: Call, body: Any) -> Created:
        """`created` updated with the answer of one follow-up call."""
        return created

    def lookup_call(self, name: str, cursor: str | None, of: str | None = None) -> Call:
        """The call that lists look-up `name` (its page at `cursor`); `of` is the value of the field the
        look-up depends on (Form.choices_of), when it has one."""
        raise KeyError(f"{self.title} has no look-up {name!r}")

    def lookup_page(self, name: str, body: Any) -> tuple[list[Choice], str | None]:
        """Choices from one page of a look-up, and the next page's cursor (None at the end)."""
        raise KeyError(f"{self.title} has no look-up {name!r}")

    def sip_targets(self, mode: Mode, request: R, account: A, created: Created | None) -> list[SipCheckPlan]:
        """The SIP peers worth checking for this request (before submit `created` is None). Default: none."""
        return []

    def offer(self, offering: Offering, source: OfferInput) -> Offer:
        """The SIP account `offering` hands out, built from the create's request, answer and reads."""
        raise KeyError(f"{self.title} declares no offering for mode {offering.mode!r}")

    def check_body(self, body: Any) -> ProviderError | None:
        """Some APIs (Yeastar) answer errors with HTTP 200: return the error hidden in a 2xx body."""
        return None

    # --- reading errors -------------------------------------------------------------------------------

    def error(self, status: int, body: Any) -> ProviderError:
        """The provider's error body as a ProviderError naming our field. Subclasses read their shape
        and fall back to this for bodies they do not recognise. The status's own guidance (429, 5xx,
        401/403) is added by `error_for`, whatever the body's shape."""
        detail = _body_detail(body)
        if status == 404:
            return ProviderError(f"{self.title} found no such resource (HTTP 404){detail}", status=status)
        if status in _GUIDED or status >= 500:
            said = (
                f"{self.title} said{detail}" if detail.startswith(":") else f"{self.title} answered{detail}"
            )
            return _UnreadError(said if detail else f"{self.title} said nothing more", status=status)
        return ProviderError(f"{self.title} rejected the request (HTTP {status}){detail}", status=status)

    def error_for(self, status: int, body: Any, *, retry_after: float | None = None) -> ProviderError:
        """Status first, body second: the provider's reading of its error body (`error`), under the
        guidance its status always carries (rate limited, maybe applied, credentials refused)."""
        error = self.error(status, body)
        if status == 429:
            wait = (
                f"wait {_seconds(retry_after)} (Retry-After)" if retry_after is not None else "wait a minute"
            )
            guidance = f"{self.title} is rate limiting (HTTP 429): nothing was created; {wait} and try again"
            return _guided(ProviderError, guidance, error, retry_after=retry_after)
        if status >= 500:
            guidance = (
                f"{self.title} had a server error (HTTP {status}): the request may have been applied. "
                "Nothing was retried; look it up (or check the provider's console) before trying again"
            )
            return _guided(ProviderError, guidance, error, retry_after=retry_after)
        # A 403 the provider read itself may be about something else than credentials (Wavix: plan)
        unread = isinstance(error, _UnreadError)
        if (status == 401 or (status == 403 and unread)) and not isinstance(error, AuthenticationFailed):
            guidance = (
                f"{self.title} refused the credentials (HTTP {status}): check the account's key, token or "
                "permissions"
            )
            return _guided(AuthenticationFailed, guidance, error)
        return error

    def our_field(self, provider_field: str | None) -> str | None:
        if not provider_field:
            return None
        return self.error_fields.get(provider_field, provider_field)
