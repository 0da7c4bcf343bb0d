"""Vox.ai: register a custom SIP telephone number, then optionally map its agents.

Seed 004; `POST https://client-api.tryvox.co/v3/telephone-numbers/register`, Bearer organization API
key, snake_case body, success 200 with the flat `OrganizationTelephoneNumber`. The register body has
no agent fields: the docs say agents are mapped afterwards with
`PATCH /organization-telephone-numbers/{id}/agent`, which this provider returns as a follow-up call.
Errors: `{"error": {"code", "message", "details": {"field", "reason"}}}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Annotated, Any, Literal
from urllib.parse import quote

from pydantic import BeforeValidator, SecretStr

from trunkwizard.connect import Fill, Need, Offer, OfferKind, Origin, Sourced
from trunkwizard.errors import AuthenticationFailed, Problem, ProviderError
from trunkwizard.fields import Choice, Form, ProviderModel, is_blank, when, wire_body
from trunkwizard.providers._auth import BearerScheme
from trunkwizard.providers._base import (
    CREATED_ID,
    FIND_PAGE_SIZE,
    Call,
    Created,
    Match,
    Mode,
    Provider,
    ResourceRef,
    SipCheckPlan,
    error_text,
)
from trunkwizard.providers._listing import Column, Item, Listing
from trunkwizard.rules import Across, Rule, inferred, length, matches, reference, seed, stated
from trunkwizard.values import sip_uri, uuid_value

__all__ = ["Vox", "VoxAccount", "VoxCustomSip"]

_AGENT_VERSION = re.compile(r"^(current|production|v[1-9][0-9]*)$")


class VoxAccount(ProviderModel):
    api_key: Annotated[
        SecretStr,
        stated("required", seed("004", "51-58 (Authorization: Bearer, required)")),
        Form(
            label="Organization API key",
            help="The organization API key from the Vox dashboard (조직 API 키). Sent as a Bearer token.",
        ),
    ]
    base_url: Annotated[
        str,
        Form(
            label="API base URL",
            help="Leave as is unless Vox support gave you another.",
            section="advanced",
        ),
    ] = "https://client-api.tryvox.co/v3"


def _without_separators(value: object) -> object:
    # The docs ask for the number "without hyphens"; spaces and hyphens are only formatting.
    return re.sub(r"[\s-]", "", value) if isinstance(value, str) else value


def _no_plus(value: str) -> str:
    if value.startswith("+"):
        raise ValueError("digits only, no +: e.g. 07011112222 (Korean domestic format)")
    return value


def _looks_like_sip_uri(value: str) -> str:
    try:
        return sip_uri(value)
    except ValueError:
        raise ValueError(
            "Vox's example is a SIP URI (sip:trunk.example.com:5060); this is not one: Vox may refuse it"
        ) from None


_SIP_ADDRESS = Rule(
    "a SIP URI, e.g. sip:trunk.example.com:5060",
    inferred("seed 004 line 14 example; line 82 documents a string"),
    _looks_like_sip_uri,
)


def _agent_version(value: str) -> str:
    if not _AGENT_VERSION.fullmatch(value):
        raise ValueError(
            "Vox names versions current, production, or v followed by a version number (v1, v2, ...); "
            "this is none of them: Vox may refuse it"
        )
    return value


# Only a secondary source states the grammar (reference: "[S]"); the docs type it as a string.
_AGENT_VERSION_RULE = Rule(
    "current, production or v<n>",
    inferred("a secondary source's grammar ^(current|production|v[1-9][0-9]*)$; Vox types it as a string"),
    _agent_version,
)


_AGENT_UUID = Rule(
    "a UUID",
    reference("providers-chorus-vox-wavix", "240 ({agent_id: uuid, agent_version: string} [V])"),
    uuid_value,
)


_AGENT_ID_HELP = (
    "UUID of the Vox agent (GET /agents, or pick from the list) that handles {} calls of this number."
)
_AGENT_VERSION_HELP = (
    "Which version of the agent answers: current (the latest saved), production (the version marked "
    "production), or a fixed version such as v3 (picked from the agent's versions, or typed)."
)


def _version_choices(body: Any) -> list[Choice]:
    """`{versions: [{version, is_production, description}]}` as choices, after the two names Vox resolves
    itself (current, production), so the default stays pickable."""
    rows = body.get("versions") if isinstance(body, Mapping) else None
    listed = rows if isinstance(rows, list) else []
    versions = [r for r in listed if isinstance(r, Mapping) and r.get("version")]
    production = next((str(r["version"]) for r in versions if r.get("is_production")), "")
    choices = [
        Choice("current", "current (the latest saved)"),
        Choice("production", f"production ({production})" if production else "production"),
    ]
    for row in versions:
        marks = [m for m in ("production" if row.get("is_production") else "", row.get("description")) if m]
        label = f"{row['version']} ({', '.join(str(m) for m in marks)})" if marks else str(row["version"])
        choices.append(Choice(str(row["version"]), label))
    return choices


def _half_pair(values: Mapping[str, Any]) -> str | None:
    password = values.get("auth_password")
    has_password = not is_blank(password.get_secret_value() if isinstance(password, SecretStr) else password)
    username = values.get("auth_username")
    if not is_blank(username) and not has_password:
        return (
            f"no password for auth username {username}: Vox may fail to authenticate; enter it, or clear "
            "the username"
        )
    if has_password and is_blank(username):
        return (
            "a password without its auth username: Vox may fail to authenticate; enter the username, or "
            "clear the password"
        )
    return None


class VoxCustomSip(ProviderModel):
    number: Annotated[
        str,
        stated("required", seed("004", "72")),
        BeforeValidator(_without_separators),
        Rule("no +", seed("004", "77"), _no_plus),
        length(seed("004", "76"), at_least=1, at_most=20),
        matches(
            r"[0-9]+",
            seed("004", "77"),
            says="digits 0-9 (^\\d+$)",
            message="digits only (0-9: no +, letters or punctuation), e.g. 07011112222",
        ),
        Form(
            label="Phone number",
            help="The phone number to register, digits only without hyphens (1 to 20 digits), as Vox "
            "writes it: e.g. 07011112222 for a Korean number. No + and no country code prefix unless "
            "your Vox account uses them.",
            placeholder="07011112222",
        ),
    ]
    address: Annotated[
        str,
        stated("required", seed("004", "80")),
        _SIP_ADDRESS,
        Form(
            label="SIP address",
            help="The SIP address of your trunk that Vox sends calls to, as a sip: URI with host and "
            "optional port, e.g. sip:trunk.example.com:5060.",
            placeholder="sip:trunk.example.com:5060",
        ),
    ]
    auth_username: Annotated[
        str | None,
        Form(
            label="Auth username",
            help="Username for SIP trunk authentication (digest), e.g. vox-customer-12. Leave empty "
            "when your trunk authenticates Vox by IP address.",
        ),
    ] = None
    auth_password: Annotated[
        SecretStr | None,
        Form(
            label="Auth password",
            help="Password for SIP trunk authentication. Vox never returns it.",
        ),
    ] = None
    memo: Annotated[
        str | None,
        length(seed("004", "99"), at_most=200),
        Form(
            label="Memo",
            help="A note about the number, at most 200 characters; any language, e.g. 본사 대표번호.",
        ),
    ] = None
    map_inbound_agent: Annotated[
        bool,
        Form(
            label="Map an inbound agent",
            help="Have a Vox agent answer calls to this number. Set with a second call after the "
            "number is registered (PATCH /organization-telephone-numbers/{id}/agent).",
            sent=False,
            section="Agents",
        ),
    ] = False
    inbound_agent_id: Annotated[
        str | None,
        stated(
            "required to map an agent",
            reference("providers-chorus-vox-wavix", "240 ({agent_id, agent_version} [V])"),
        ),
        _AGENT_UUID,
        Form(
            label="Inbound agent",
            help=_AGENT_ID_HELP.format("inbound"),
            shown_when=when("map_inbound_agent", True),
            required_when_shown=True,
            sent=False,
            choices_from="agents",
            section="Agents",
        ),
    ] = None
    inbound_agent_version: Annotated[
        str,
        _AGENT_VERSION_RULE,
        Form(
            label="Inbound agent version",
            help=_AGENT_VERSION_HELP,
            shown_when=when("map_inbound_agent", True),
            sent=False,
            choices_from="agent_versions",
            choices_of="inbound_agent_id",
            section="Agents",
        ),
    ] = "current"
    map_outbound_agent: Annotated[
        bool,
        Form(
            label="Map an outbound agent",
            help="Have a Vox agent place outbound calls from this number (same second call).",
            sent=False,
            section="Agents",
        ),
    ] = False
    outbound_agent_id: Annotated[
        str | None,
        stated(
            "required to map an agent",
            reference("providers-chorus-vox-wavix", "240 ({agent_id, agent_version} [V])"),
        ),
        _AGENT_UUID,
        Form(
            label="Outbound agent",
            help=_AGENT_ID_HELP.format("outbound"),
            shown_when=when("map_outbound_agent", True),
            required_when_shown=True,
            sent=False,
            choices_from="agents",
            section="Agents",
        ),
    ] = None
    outbound_agent_version: Annotated[
        str,
        _AGENT_VERSION_RULE,
        Form(
            label="Outbound agent version",
            help=_AGENT_VERSION_HELP,
            shown_when=when("map_outbound_agent", True),
            sent=False,
            choices_from="agent_versions",
            choices_of="outbound_agent_id",
            section="Agents",
        ),
    ] = "current"

    # Seed 004 lines 84-89 make both optional and say nothing of a pair: digest auth needs both and IP
    # authentication neither, which is our reading, so a half pair warns.
    across = (
        Across(
            "auth username and auth password together, or neither",
            inferred("seed 004 lines 84-89: both optional; digest authentication needs the pair"),
            "auth_password",
            _half_pair,
        ),
    )

    def agent_mapping(self) -> dict[str, Any]:
        """The body of the agent PATCH: only the directions asked for (omitted ones stay as they are)."""
        mapping: dict[str, Any] = {}
        if self.map_inbound_agent and self.inbound_agent_id:
            mapping["inbound_agent"] = {
                "agent_id": self.inbound_agent_id,
                "agent_version": self.inbound_agent_version,
            }
        if self.map_outbound_agent and self.outbound_agent_id:
            mapping["outbound_agent"] = {
                "agent_id": self.outbound_agent_id,
                "agent_version": self.outbound_agent_version,
            }
        return mapping


_MODES = (
    Mode(
        "custom-sip",
        "Custom SIP number",
        "Register a number you hold outside Vox; Vox routes its calls to your SIP trunk.",
        VoxCustomSip,
        by_endpoint=True,
    ),
)

_NUMBERS = "/organization-telephone-numbers"


def _sip_address(offer: Offer) -> Sourced[str]:
    """`sip:host:port`, the form of the seed's example (seed 004 line 14)."""
    transport = offer.transport.value if offer.transport is not None else "udp"
    if transport in ("tcp", "tls"):
        # the seed's address has no transport; a URI parameter is SIP's own way to ask for one
        where = f"{offer.host.where}, with ;transport={transport} (Vox documents no transport)"
        return Sourced(f"sip:{offer.registrar};transport={transport}", Origin.INFERRED, where)
    return Sourced(f"sip:{offer.registrar}", offer.host.origin, offer.host.where)


def _digest_user(offer: Offer) -> Sourced[str] | None:
    return offer.auth_name or offer.username


_NEEDS = (
    Need(
        "vox",
        "custom-sip",
        OfferKind.REGISTRATION,
        "Vox sends the number's calls to the other side's SIP host, authenticating with the account it "
        "offers.",
        fills=(
            Fill("address", _sip_address, "seed 004 line 78: the SIP address of the trunk"),
            # Vox has one digest user name: the offer's authentication name, which a registrar checks
            Fill(
                "auth_username",
                _digest_user,
                "seed 004 line 84: username for SIP trunk auth",
                inferred=True,
                why="the authentication name, as Vox's one SIP user name",
            ),
            Fill("auth_password", "password", "seed 004 line 89: password for SIP trunk authentication"),
        ),
    ),
)


class Vox(Provider[VoxAccount, VoxCustomSip]):
    key = "vox"
    title = "Vox.ai"
    creates = "telephone number"
    summary = "Register a custom SIP telephone number with Vox.ai and map its inbound/outbound agents."
    docs = "https://docs.tryvox.co/api-reference/v3/telephone-numbers/sip-연동"
    account_model = VoxAccount
    modes = _MODES
    needs = _NEEDS
    auth_scheme = BearerScheme("api_key")
    existing = Match(items="items", key="number")
    lookups = {"agents": "Vox agents of the organization", "agent_versions": "versions of a Vox agent"}
    # OrganizationTelephoneNumber, seed 004 lines 143 (start_at "unix timestamp (ms)"), 149 and 155
    # (created_at, updated_at "unix milliseconds"), 195 (end_at) and 200 (cancel_requested_at); the delete
    # answer's effective_at is unix ms too (reference providers-chorus-vox-wavix.md line 262)
    epoch_ms_fields = frozenset(
        {"start_at", "created_at", "updated_at", "end_at", "cancel_requested_at", "effective_at"}
    )
    # The agent PATCH names nested fields; the form has them flat.
    error_fields = {
        "inbound_agent.agent_id": "inbound_agent_id",
        "inbound_agent.agent_version": "inbound_agent_version",
        "outbound_agent.agent_id": "outbound_agent_id",
        "outbound_agent.agent_version": "outbound_agent_version",
        "inbound_agent": "inbound_agent_id",
        "outbound_agent": "outbound_agent_id",
    }

    def create_call(self, mode: Mode, request: VoxCustomSip) -> Call:
        return Call("POST", "/telephone-numbers/register", json=wire_body(request, keep_secrets=True))

    def created(self, mode: Mode, request: VoxCustomSip, body: Any, account: VoxAccount) -> Created:
        returned = _public(body)
        number_id = str(returned.get("id", ""))
        auth = (
            f" with auth username {request.auth_username}" if request.auth_username else " (no digest auth)"
        )
        steps = [
            f"Vox sends calls for {request.number} to {request.address}{auth}: allow Vox's SIP "
            "signalling and media on that trunk (firewall/SBC), and route the number there.",
            "Vox created an inbound and an outbound SIP trunk for this number (inbound_trunk_id and "
            "outbound_trunk_id in the answer): quote them in support requests.",
        ]
        if not request.agent_mapping():
            steps.append(
                "No agent answers yet: map one in the Vox dashboard or with "
                f"PATCH {_NUMBERS}/{number_id}/agent."
            )
        return Created(
            ref=ResourceRef(self.key, mode.key, number_id),
            title=f"Telephone number {returned.get('number', request.number)} ({mode.title})",
            returned=returned,
            next_steps=tuple(steps),
        )

    def follow_up_calls(self, mode: Mode, request: VoxCustomSip) -> list[Call]:
        mapping = request.agent_mapping()
        if not mapping:
            return []
        return [Call("PATCH", f"{_NUMBERS}/{CREATED_ID}/agent", json=mapping)]

    def followed_up(
        self, mode: Mode, request: VoxCustomSip, created: Created, call: Call, body: Any
    ) -> Created:
        returned = {**created.returned, **_public(body)}
        mapped = [
            f"{direction} agent {agent['agent_id']} ({agent.get('agent_version', 'current')})"
            for direction in ("inbound", "outbound")
            if isinstance(agent := returned.get(f"{direction}_agent"), Mapping)
        ]
        steps = created.next_steps
        if mapped:
            steps = (*steps, "Mapped " + " and ".join(mapped) + ": place a test call to check it answers.")
        return replace(created, returned=returned, next_steps=steps)

    def sip_targets(
        self, mode: Mode, request: VoxCustomSip, account: VoxAccount, created: Created | None
    ) -> list[SipCheckPlan]:
        host, port, transport = _sip_uri_parts(request.address)
        # The digest credentials are what Vox answers your trunk's INVITE challenges with, not a
        # registration: a REGISTER could be refused by a trunk that accepts the calls, so none is offered.
        return [
            SipCheckPlan(
                title="Your SIP trunk",
                host=host,
                port=port,
                transport=transport,
                note="Vox sends the number's calls here; only DNS and OPTIONS are checked.",
            )
        ]

    def get_call(self, ref: ResourceRef) -> Call | None:
        return Call("GET", f"{_NUMBERS}/{ref.id}")

    def delete_call(self, ref: ResourceRef) -> Call | None:
        # A custom number ends at once (a Vox-bought one at the end of its billing period).
        return Call("DELETE", f"{_NUMBERS}/{ref.id}")

    def find_call(self, mode: Mode, request: VoxCustomSip, cursor: str | None = None) -> Call | None:
        params = {"provider": "custom", "limit": str(FIND_PAGE_SIZE)}
        if cursor:
            params["cursor"] = cursor
        return Call("GET", _NUMBERS, params=params)

    def find_next(self, body: Any, cursor: str | None) -> str | None:
        following = body.get("next_cursor") if isinstance(body, Mapping) else None
        return str(following) if following and following != cursor else None

    def lookup_call(self, name: str, cursor: str | None, of: str | None = None) -> Call:
        if name == "agent_versions":
            # GET /agents/{agent_id}/versions (reference table "Agent versions" [V]): one answer, no paging
            if not of:
                raise ValueError("choose the agent first: its versions are listed from it")
            return Call("GET", f"/agents/{quote(of, safe='')}/versions")
        if name != "agents":
            return super().lookup_call(name, cursor, of)
        params = {"limit": "100"}
        if cursor:
            params["cursor"] = cursor
        return Call("GET", "/agents", params=params)

    def lookup_page(self, name: str, body: Any) -> tuple[list[Choice], str | None]:
        if name == "agent_versions":
            return _version_choices(body), None
        if name != "agents":
            return super().lookup_page(name, body)
        items = body.get("items", []) if isinstance(body, Mapping) else []
        choices = [
            Choice(
                str(item["agent_id"]), f"{item.get('name') or item['agent_id']} ({item.get('type', 'agent')})"
            )
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, Mapping) and item.get("agent_id")
        ]
        cursor = body.get("next_cursor") if isinstance(body, Mapping) else None
        return choices, str(cursor) if cursor else None

    def error(self, status: int, body: Any) -> ProviderError:
        error = body.get("error") if isinstance(body, Mapping) else None
        if not isinstance(error, Mapping):
            return super().error(status, body)
        message = str(error.get("message") or error.get("code") or f"HTTP {status}")
        code = str(error.get("code") or "")
        details = error.get("details")
        entries = details if isinstance(details, list) else [details] if isinstance(details, Mapping) else []
        problems = [
            Problem(self.our_field(str(d.get("field") or "")) or "", str(d.get("reason") or "invalid"))
            for d in entries
            if isinstance(d, Mapping)
        ]
        detail = "; ".join(str(p) for p in problems)
        text = (
            f"Vox.ai: {message}"
            + (f" ({detail})" if detail else "")
            + f" [HTTP {status}{' ' + code if code else ''}]"
        )
        if status in (401, 403):
            return AuthenticationFailed(text + ": check the organization API key", status=status, code=code)
        first = next((p.field for p in problems if p.field), None)
        return ProviderError(
            text, status=status, field=first, problems=problems, code=error_text(code, "") or None
        )


_URI_TRANSPORTS: dict[str, Literal["udp", "tcp", "tls"]] = {"udp": "udp", "tcp": "tcp", "tls": "tls"}


def _sip_uri_parts(uri: str) -> tuple[str, int | None, Literal["udp", "tcp", "tls"]]:
    """(host, port, transport) of `sip:[user@]host[:port][;transport=tcp]`; `sips:` means TLS."""
    scheme, _, rest = uri.strip().partition(":")
    params = rest.split("?", 1)[0].split(";")
    hostport = params[0].rsplit("@", 1)[-1]
    transport: Literal["udp", "tcp", "tls"] = "tls" if scheme.lower() == "sips" else "udp"
    for param in params[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "transport":
            transport = _URI_TRANSPORTS.get(value.strip().lower(), transport)
    if hostport.startswith("["):
        host, _, tail = hostport[1:].partition("]")
        port_text = tail.removeprefix(":")
    else:
        host, _, port_text = hostport.partition(":")
    return host, int(port_text) if port_text.isdigit() else None, transport


def _public(body: Any) -> dict[str, Any]:
    """The answer with any secret the API might echo removed (it documents none)."""
    if not isinstance(body, Mapping):
        return {}
    return {k: v for k, v in body.items() if k != "auth_password"}


# --- inventory: GET /organization-telephone-numbers with limit/cursor ({items, total_count, next_cursor}) -

_NUMBER_STATUS = {
    "active": "active",
    "scheduled": "scheduled",
    "cancel_requested": "cancel requested",
    "expired": "expired",
}


class VoxListing(Listing):
    what = "telephone numbers"
    shows_status = True
    columns = (
        Column("number", "Number", 11),
        Column("provider", "Kind", 6),
        Column("address", "SIP address", 20),
        Column("memo", "Memo", 13),
    )
    delete_consequence = (
        "A custom Vox number expires immediately: its calls stop at once and it cannot be restored "
        "(a number bought from Vox would run to the end of its billing period)."
    )
    confirm_label = "number"
    confirm_wire = "number"

    # PATCH .../{id}/sip: address, auth_username, auth_password, memo, all optional; "auth_password must be
    # sent whenever address or auth_username changes" (PATCH sip page); omitted fields keep their value
    update_semantics = (
        "PATCH .../sip is partial: omitted fields keep their value; a new address or auth username "
        "needs the auth password sent with it."
    )
    read_only_fields = {
        "id": "set by Vox",
        "number": "the SIP settings call does not take the number: register another",
        "provider": "set by Vox",
        "status": "set by Vox",
        "inbound_trunk_id": "set by Vox",
        "outbound_trunk_id": "set by Vox",
        "inbound_agent": "mapped with the agent call, not the SIP settings",
        "outbound_agent": "mapped with the agent call, not the SIP settings",
    }
    secret_fields = frozenset({"auth_password"})
    password_field = "auth_password"

    def update_call(self, ref: ResourceRef, current: Mapping[str, Any], changes: Mapping[str, Any]) -> Call:
        return Call("PATCH", f"{_NUMBERS}/{ref.id}/sip", json=dict(changes))

    def update_problems(self, current: Mapping[str, Any], changes: Mapping[str, Any]) -> list[Problem]:
        moved = [k for k in ("address", "auth_username") if k in changes and changes[k] != current.get(k)]
        if moved and not changes.get("auth_password"):
            return [
                Problem("auth_password", f"required when {' or '.join(moved)} changes (Vox PATCH sip page)")
            ]
        return []

    def first_call(self, page_size: int) -> Call:
        return Call("GET", _NUMBERS, params={"limit": str(page_size)})

    def page(self, body: Any, call: Call, page_size: int) -> tuple[list[Item], Call | None]:
        rows = body.get("items") if isinstance(body, Mapping) else None
        items = [self._item(r) for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []
        following = Vox().find_next(body, call.params.get("cursor"))
        if following is None:
            return items, None
        return items, Call("GET", _NUMBERS, params={"limit": str(page_size), "cursor": following})

    @staticmethod
    def _item(row: Mapping[str, Any]) -> Item:
        cells = {
            "number": str(row.get("number") or ""),
            "provider": str(row.get("provider") or ""),
            "address": str(row.get("address") or ""),
            "memo": str(row.get("memo") or ""),
        }
        status = str(row.get("status") or "")
        return Item(
            ResourceRef("vox", "custom-sip", str(row.get("id", ""))),
            cells,
            status=_NUMBER_STATUS.get(status, status),
            confirm=str(row.get("number") or ""),
            summary=dict(row),
        )


Vox.listing = VoxListing()
