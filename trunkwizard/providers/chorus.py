"""Chorus AI: register a phone number (Twilio, SIP registration, SIP IP allowlist, Voximplant, jambonz).

Seed 000; `POST https://api.chorus-ai.co/v1/phone-numbers`, Bearer key, body in camelCase, success
wrapped in `{"data": {...}}`, errors `{"error": str, "details": [{"field", "message"}]}`.
Each mode is its own model, so fields of another mode are never sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, SecretStr

from trunkwizard.connect import Fill, Need, Offer, OfferKind, Sourced
from trunkwizard.errors import AuthenticationFailed, Problem, ProviderError
from trunkwizard.fields import Form, ProviderModel, wire_body
from trunkwizard.providers._auth import BearerScheme
from trunkwizard.providers._base import (
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
from trunkwizard.providers._listing import Column, Item, Listing, text
from trunkwizard.rules import Across, Rule, inferred, length, reference, seed, stated
from trunkwizard.values import e164_rule, host_port, normalized_e164, port_rule, uuid_value

__all__ = ["Chorus"]

Transport = Literal["udp", "tcp", "tls"]


def _twilio_sid(value: str) -> str:
    if not (
        len(value) == 34 and value.startswith("AC") and all(c in "0123456789abcdefABCDEF" for c in value[2:])
    ):
        raise ValueError(
            "a Twilio Account SID is AC followed by 32 hex characters (Twilio console, Account Info); "
            "this one is not: Chorus or Twilio may refuse it"
        )
    return value


_TWILIO_SID = Rule("AC and 32 hex characters", inferred("Twilio's Account SID format"), _twilio_sid)
_NUMBER_E164 = e164_rule(
    "Chorus", inferred("reference: every Chorus example is E.164; seed 000 gives no pattern")
)


def _split_host_port(value: str) -> tuple[str, int | None]:
    """`pbx.example.com` or `pbx.example.com:5070` (sipProxy may carry its own port)."""
    host, _, port = value.strip().rpartition(":") if value.count(":") == 1 else (value.strip(), "", "")
    return host, int(port) if port.isdigit() else None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _ip_address(value: str) -> str:
    import ipaddress

    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise ValueError("enter the IP address of your PBX or SBC, e.g. 203.0.113.10") from None


def _proxy_host(value: str) -> str:
    try:
        return host_port(value)
    except ValueError as exc:
        raise ValueError(f"{exc}: Chorus may refuse it") from None


def _registrar_address(request: ChorusSipRegistration) -> str:
    """host:port once, whether the port came in sipProxy or sipPort (the SIP check dials the same)."""
    host, port = _split_host_port(request.sip_proxy)
    if port is None or port == request.sip_port:
        return f"{host}:{port or request.sip_port}"
    return f"{host}:{port} (the port in the registrar host; SIP port says {request.sip_port})"


def _port_in_host(values: Mapping[str, Any]) -> str | None:
    proxy = values.get("sipProxy")
    if not isinstance(proxy, str):
        return None
    host, port = _split_host_port(proxy)
    if port is None:
        return None
    given = values.get("sipPort") or 5060
    which = (
        "" if str(given) == str(port) else f" while SIP port says {given} (which one Chorus uses is unknown)"
    )
    return (
        f"Chorus documents a host here (e.g. pbx.example.com) with the port in SIP port; this one carries "
        f":{port}{which}: Chorus may refuse it. Enter {host} alone"
    )


class ChorusAccount(ProviderModel):
    api_key: Annotated[
        SecretStr,
        stated("required", seed("000", "3 (API key, Bearer)")),
        Form(
            label="API key",
            help="Chorus dashboard: Settings > API Keys > Create API Key. Sent as a Bearer token.",
        ),
    ]
    base_url: Annotated[
        str,
        Form(
            label="API base URL",
            help="Leave as is unless Chorus support gave you another.",
            section="advanced",
        ),
    ] = "https://api.chorus-ai.co/v1"


# The mode decides these; the wizard never shows them (the mode's discriminators).
SipMode = Form(label="SIP mode", fixed=True)

_NUMBER_HELP = "The phone number to register, in E.164 with + and country code, e.g. +15551234567."
_NAME_HELP = "A display name for the number in the Chorus dashboard."
_AGENT_HELP = "UUID of the Chorus agent that answers calls to this number (GET /v1/agents). Optional."


class _NumberBase(ProviderModel):
    number: Annotated[
        str,
        stated("required", reference("providers-chorus-vox-wavix", "65 (number: required [V C4])")),
        AfterValidator(normalized_e164),
        _NUMBER_E164,
        Form(label="Phone number", help=_NUMBER_HELP, placeholder="+15551234567"),
    ]
    name: Annotated[str | None, Form(label="Name", help=_NAME_HELP)] = None
    agent_id: Annotated[
        str | None,
        Rule("a UUID", seed("000", "6"), uuid_value),
        Field(alias="agentId"),
        Form(label="Agent ID", help=_AGENT_HELP),
    ] = None


class ChorusTwilio(_NumberBase):
    provider: Annotated[Literal["twilio"], Form(label="Number provider", fixed=True)] = "twilio"
    twilio_account_sid: Annotated[
        str,
        stated("required for twilio", seed("000", "6")),
        _TWILIO_SID,
        Field(alias="twilioAccountSid"),
        Form(
            label="Twilio Account SID",
            help="Required if provider is 'twilio'. From the Twilio console.",
            described="AC followed by 32 hex characters",
        ),
    ]
    twilio_auth_token: Annotated[
        SecretStr,
        stated("required for twilio", seed("000", "7")),
        Field(alias="twilioAuthToken"),
        Form(
            label="Twilio Auth Token",
            help="Required if provider is 'twilio'. Stored encrypted by Chorus, never returned by the API.",
        ),
    ]


class ChorusSipRegistration(_NumberBase):
    provider: Annotated[Literal["sip"], Form(label="Number provider", fixed=True)] = "sip"
    sip_mode: Annotated[Literal["registration"], Field(alias="sipMode"), SipMode] = "registration"
    sip_username: Annotated[
        str,
        stated("required in registration mode", seed("000", "8")),
        Field(alias="sipUsername"),
        length(seed("000", "9"), at_most=60),
        Form(
            label="SIP username",
            help="The SIP user Chorus (Somleng) registers as on your PBX. Required in "
            "registration mode. At most 60 characters.",
        ),
    ]
    sip_password: Annotated[
        SecretStr,
        stated("required in registration mode", seed("000", "9")),
        Field(alias="sipPassword"),
        Form(
            label="SIP password", help="Password of that SIP user on your PBX. Required in registration mode."
        ),
    ]
    sip_proxy: Annotated[
        str,
        stated("required in registration mode", seed("000", "10")),
        Rule("a host, or host:port, without scheme", seed("000", "10"), host_port),
        Field(alias="sipProxy"),
        length(seed("000", "11"), at_most=100),
        Form(
            label="Registrar host",
            help="SIP registrar host (e.g. 'pbx.example.com'): the host Somleng "
            "registers TO. Required in registration mode. At most 100 characters.",
            placeholder="pbx.example.com",
        ),
    ]
    sip_outbound_proxy: Annotated[
        str | None,
        Rule(
            "a host, or host:port, without scheme",
            inferred(
                "seed 000 line 11 says only 'Optional SIP outbound proxy'; the registrar is a host (line 10)"
            ),
            _proxy_host,
        ),
        Field(alias="sipOutboundProxy"),
        length(seed("000", "12"), at_most=100),
        Form(
            label="Outbound proxy",
            help="Optional SIP outbound proxy, used when SIP traffic must route through "
            "a proxy instead of directly to the host. Only used in registration mode.",
        ),
    ] = None
    sip_auth_user: Annotated[
        str | None,
        Field(alias="sipAuthUser"),
        length(seed("000", "13"), at_most=60),
        Form(
            label="Auth user",
            help="Optional SIP authentication username, if different from the SIP "
            "username. Only used in registration mode.",
        ),
    ] = None
    sip_port: Annotated[
        int,
        port_rule(seed("000", "15")),
        Field(alias="sipPort"),
        Form(label="SIP port", help="SIP port number, 1 to 65535. Default 5060."),
    ] = 5060
    sip_register_transport: Annotated[
        Transport,
        stated("one of udp, tcp, tls", seed("000", "17")),
        Field(alias="sipRegisterTransport"),
        Form(label="Register transport", help="SIP registration transport protocol: udp, tcp or tls."),
    ] = "udp"

    across = (
        Across(
            "a bare host; the port in sipPort",
            inferred(
                "seed 000 line 10 calls sipProxy a host (e.g. 'pbx.example.com') and line 14 gives the port "
                "its own field; no line forbids host:port"
            ),
            "sipProxy",
            _port_in_host,
        ),
    )


class ChorusSipAllowlist(_NumberBase):
    provider: Annotated[Literal["sip"], Form(label="Number provider", fixed=True)] = "sip"
    sip_mode: Annotated[Literal["ip_allowlist"], Field(alias="sipMode"), SipMode] = "ip_allowlist"
    sip_ip: Annotated[
        str,
        stated("required in ip_allowlist mode", seed("000", "13")),
        Rule("an IP address", seed("000", "13"), _ip_address),
        Field(alias="sipIp"),
        length(seed("000", "14"), at_most=255),
        Form(
            label="PBX IP address",
            help="IP address of your PBX/SBC that Chorus allowlists. Required in ip_allowlist mode.",
            placeholder="203.0.113.10",
        ),
    ]
    sip_port: Annotated[
        int,
        port_rule(seed("000", "15")),
        Field(alias="sipPort"),
        Form(label="SIP port", help="SIP port number, 1 to 65535. Default 5060."),
    ] = 5060
    sip_protocol: Annotated[
        Transport,
        stated("one of udp, tcp, tls", seed("000", "16")),
        Field(alias="sipProtocol"),
        Form(
            label="SIP transport", help="SIP transport protocol used in ip_allowlist mode: udp, tcp or tls."
        ),
    ] = "udp"


class ChorusVoximplant(_NumberBase):
    provider: Annotated[Literal["voximplant"], Form(label="Number provider", fixed=True)] = "voximplant"


class ChorusJambonz(_NumberBase):
    provider: Annotated[Literal["jambonz"], Form(label="Number provider", fixed=True)] = "jambonz"


ChorusRequest = ChorusTwilio | ChorusSipRegistration | ChorusSipAllowlist | ChorusVoximplant | ChorusJambonz

_MODES = (
    Mode(
        "twilio",
        "Twilio number",
        "A number you own at Twilio; Chorus needs the account SID and auth token.",
        ChorusTwilio,
    ),
    Mode(
        "sip-registration",
        "SIP, registration",
        "Chorus (Somleng) registers TO your PBX with a username and password.",
        ChorusSipRegistration,
    ),
    Mode(
        "sip-ip-allowlist",
        "SIP, IP allowlist",
        "No registration: your PBX's IP address is allowlisted.",
        ChorusSipAllowlist,
    ),
    Mode(
        "voximplant",
        "Voximplant number",
        "A number connected through Voximplant; no extra fields.",
        ChorusVoximplant,
    ),
    Mode("jambonz", "jambonz number", "A number connected through jambonz; no extra fields.", ChorusJambonz),
)


def _auth_user_if_different(offer: Offer) -> Sourced[str] | None:
    # sipAuthUser: "Optional SIP authentication username, if different from sipUsername" (seed 000 line 12)
    if offer.auth_name is None or (
        offer.username is not None and offer.auth_name.value == offer.username.value
    ):
        return None
    return offer.auth_name


def _chorus_transport(offer: Offer) -> Sourced[Any] | None:
    return (
        offer.transport
        if offer.transport is not None and offer.transport.value in ("udp", "tcp", "tls")
        else None
    )


_NEEDS = (
    Need(
        "chorus",
        "sip-registration",
        OfferKind.REGISTRATION,
        "Chorus (Somleng) registers to the other side's registrar with the account it offers.",
        fills=(
            Fill("sipProxy", "host", "seed 000 line 10: SIP registrar host, the host Somleng registers TO"),
            Fill("sipPort", "port", "seed 000 line 14: SIP port number"),
            Fill("sipRegisterTransport", _chorus_transport, "seed 000 line 16: registration transport"),
            Fill("sipUsername", "username", "seed 000 line 9: the SIP username, at most 60 characters"),
            Fill("sipAuthUser", _auth_user_if_different, "seed 000 line 12: auth username if different"),
            Fill("sipPassword", "password", "seed 000 line 8: the SIP password"),
            Fill("sipOutboundProxy", "outbound_proxy", "seed 000 line 11: optional SIP outbound proxy"),
        ),
    ),
    Need(
        "chorus",
        "sip-ip-allowlist",
        OfferKind.PEER_ADDRESS,
        "Chorus allowlists the other side's address (its PBX or SBC) instead of registering.",
        fills=(
            Fill("sipIp", "host", "seed 000 line 13: IP address of your PBX/SBC"),
            Fill("sipPort", "port", "seed 000 line 14: SIP port number"),
            Fill("sipProtocol", _chorus_transport, "seed 000 line 15: SIP transport in ip_allowlist mode"),
        ),
    ),
)


class Chorus(Provider[ChorusAccount, ChorusRequest]):
    key = "chorus"
    title = "Chorus AI"
    creates = "phone number"
    summary = "Register a phone number for Chorus AI agents (Twilio, SIP, Voximplant, jambonz)."
    docs = "https://docs.chorus-ai.co/docs/api-reference/phone-numbers/createPhoneNumber"
    account_model = ChorusAccount
    modes = _MODES
    auth_scheme = BearerScheme("api_key")
    existing = Match(items="data", key="number")
    # the API's own defaults when a body leaves the discriminators out (seed 000)
    discriminator_defaults = {"provider": "twilio", "sipMode": "registration"}
    needs = _NEEDS
    # What Chorus adds to the SIP check's explanations (C2: the registration fields; C1: the two modes).
    sip_hints = {
        "auth-rejected": "Chorus answers the PBX's challenge as sipAuthUser when it is set, else as "
        "sipUsername: the PBX must expect that pair with sipPassword.",
        "auth-id-refused": "Chorus sends sipAuthUser as the auth ID: it must be the one the PBX pairs with "
        "sipUsername.",
        "forbidden-no-challenge": "In ip_allowlist mode Chorus does not register: the PBX must accept its "
        "calls by IP instead.",
        "proxy-only": "Chorus uses sipOutboundProxy only in registration mode.",
        "direct-only": "Chorus uses sipOutboundProxy only in registration mode.",
    }

    def create_call(self, mode: Mode, request: ChorusRequest) -> Call:
        return Call("POST", "/phone-numbers", json=wire_body(request, keep_secrets=True))

    def created(self, mode: Mode, request: ChorusRequest, body: Any, account: ChorusAccount) -> Created:
        data = body.get("data", {}) if isinstance(body, dict) else {}
        number_id = str(data.get("id", ""))
        steps: list[str] = []
        other_end: list[str] = []
        if isinstance(request, ChorusSipRegistration):
            other_end = [
                f"On the PBX, create SIP user {request.sip_username} with the password sent; Chorus "
                f"registers to {_registrar_address(request)} "
                f"over {request.sip_register_transport.upper()}."
            ]
            steps = [
                *other_end,
                "Route inbound calls for the number from that registration to your PBX's dial plan.",
            ]
            if request.sip_outbound_proxy:
                steps.append(
                    f"Registration traffic goes through the outbound proxy {request.sip_outbound_proxy}."
                )
        elif isinstance(request, ChorusSipAllowlist):
            steps = [
                f"Chorus sends and accepts SIP for this number at {request.sip_ip}:{request.sip_port} over "
                f"{request.sip_protocol.upper()}: allow Chorus's SIP signalling on your PBX/SBC firewall.",
            ]
        elif isinstance(request, ChorusTwilio):
            steps = [
                "Chorus now answers the Twilio number; check the number's voice configuration in Twilio."
            ]
        if not data.get("agentId"):
            steps.append("No agent answers yet: assign one with agentId (PATCH /v1/phone-numbers/{id}).")
        return Created(
            ref=ResourceRef(self.key, mode.key, number_id),
            title=f"Phone number {data.get('number', '')} ({mode.title})",
            returned=data,
            next_steps=tuple(steps),
            other_end_steps=tuple(other_end),
        )

    def sip_targets(
        self, mode: Mode, request: ChorusRequest, account: ChorusAccount, created: Created | None
    ) -> list[SipCheckPlan]:
        if isinstance(request, ChorusSipRegistration):
            # Chorus (Somleng) registers TO this PBX, so the REGISTER tests what Chorus will send.
            host, port = _split_host_port(request.sip_proxy)
            return [
                SipCheckPlan(
                    title="Your PBX registrar",
                    host=host,
                    port=port or request.sip_port,
                    transport=request.sip_register_transport,
                    proxy=request.sip_outbound_proxy or None,
                    username=request.sip_username,
                    auth_username=request.sip_auth_user or None,
                    password=request.sip_password,
                    note="Chorus registers to this PBX with the username and password entered here.",
                )
            ]
        if isinstance(request, ChorusSipAllowlist):
            return [
                SipCheckPlan(
                    title="Your PBX/SBC",
                    host=request.sip_ip,
                    port=request.sip_port,
                    transport=request.sip_protocol,
                    note="IP allowlist: no registration, so only DNS and OPTIONS are checked.",
                )
            ]
        return []

    def get_call(self, ref: ResourceRef) -> Call | None:
        return Call("GET", f"/phone-numbers/{ref.id}")

    def delete_call(self, ref: ResourceRef) -> Call | None:
        return Call("DELETE", f"/phone-numbers/{ref.id}")

    def find_call(self, mode: Mode, request: ChorusRequest, cursor: str | None = None) -> Call | None:
        return Call("GET", "/phone-numbers", params={"limit": str(FIND_PAGE_SIZE), "offset": cursor or "0"})

    def find_next(self, body: Any, cursor: str | None) -> str | None:
        # {"data": [...], "pagination": {"total", "limit", "offset"}}
        paging = body.get("pagination") if isinstance(body, dict) else None
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(paging, dict) or not isinstance(data, list) or not data:
            return None
        total, offset = paging.get("total"), paging.get("offset", int(cursor or 0))
        if not isinstance(total, int) or not isinstance(offset, int):
            return None
        following = offset + len(data)
        return str(following) if following < total else None

    def error(self, status: int, body: Any) -> ProviderError:
        if not isinstance(body, dict) or "error" not in body:
            return super().error(status, body)
        message = str(body.get("error") or f"HTTP {status}")
        # The documented example is `"details": [{}]` (seed 000, error body): an entry may name no field
        # and say nothing; it is then no problem at all, never a field called "None".
        problems = [
            Problem(self.our_field(_text(d.get("field"))) or "", _text(d.get("message")) or "invalid value")
            for d in body.get("details") or []
            if isinstance(d, dict) and (_text(d.get("field")) or _text(d.get("message")))
        ]
        detail = "; ".join(str(p) for p in problems)
        text = f"Chorus AI: {message}" + (f" ({detail})" if detail else "")
        if status in (401, 403):
            return AuthenticationFailed(text + ": check the API key", status=status)
        first = problems[0].field if problems else None
        return ProviderError(
            text, status=status, field=first or None, problems=problems, code=error_text(message, "")
        )


# --- inventory: GET /phone-numbers pages with limit/offset ({data, pagination: {total, limit, offset}}) ---


class ChorusListing(Listing):
    what = "phone numbers"
    columns = (
        Column("number", "Number", 13),
        Column("name", "Name", 14),
        Column("provider", "Carrier", 10),
        Column("host", "SIP host / IP", 13),
    )
    # The delete call is inferred from the API's REST shape (reference: list/get/delete [I]).
    delete_consequence = (
        "Deleting removes the phone number from Chorus AI: calls to it stop reaching its agent, and "
        "using it again means adding it anew."
    )
    confirm_label = "number"
    confirm_wire = "number"

    # PATCH /v1/phone-numbers/{id}: "All body fields optional" (updatePhoneNumber page)
    update_semantics = (
        "PATCH is partial: only the fields shown as changing are sent; the rest keep their value."
    )
    read_only_fields = {
        "id": "set by Chorus AI",
        "createdAt": "set by Chorus AI",
        "updatedAt": "set by Chorus AI",
    }
    secret_fields = frozenset({"sipPassword", "twilioAuthToken"})
    password_field = "sipPassword"

    def update_call(self, ref: ResourceRef, current: Mapping[str, Any], changes: Mapping[str, Any]) -> Call:
        return Call("PATCH", f"/phone-numbers/{ref.id}", json=dict(changes))

    def mode_of(self, resource: Mapping[str, Any]) -> str:
        return _mode_of(resource)

    def can_rotate(self, current: Mapping[str, Any]) -> str | None:
        if current.get("provider") == "sip" and current.get("sipMode") != "ip_allowlist":
            return None
        return "only a SIP registration number has a password (sipPassword) to rotate"

    def first_call(self, page_size: int) -> Call:
        return Call("GET", "/phone-numbers", params={"limit": str(page_size), "offset": "0"})

    def page(self, body: Any, call: Call, page_size: int) -> tuple[list[Item], Call | None]:
        data = body.get("data") if isinstance(body, Mapping) else None
        items = (
            [self._item(row) for row in data if isinstance(row, Mapping)] if isinstance(data, list) else []
        )
        following = Chorus().find_next(body, call.params.get("offset"))
        if following is None:
            return items, None
        return items, Call("GET", "/phone-numbers", params={"limit": str(page_size), "offset": following})

    @staticmethod
    def _item(row: Mapping[str, Any]) -> Item:
        host = row.get("sipProxy") or row.get("sipIp") or ""
        mode = f"sip/{row.get('sipMode')}" if row.get("provider") == "sip" and row.get("sipMode") else ""
        cells = {
            "number": text(row.get("number")),
            "name": text(row.get("name")),
            "provider": mode or text(row.get("provider")),
            "host": text(host),
        }
        ref = ResourceRef("chorus", _mode_of(row), text(row.get("id")))
        return Item(ref, cells, confirm=text(row.get("number")), summary=dict(row))


def _mode_of(row: Mapping[str, Any]) -> str:
    if row.get("provider") == "sip":
        return "sip-ip-allowlist" if row.get("sipMode") == "ip_allowlist" else "sip-registration"
    return text(row.get("provider"))


Chorus.listing = ChorusListing()
