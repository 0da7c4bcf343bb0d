"""Wavix: create a SIP trunk.

Seed 002; `POST https://api.wavix.com/v1/trunks`, Bearer API key, body `SIPTrunkCreateRequest` of the
official spec (../shared/openapi/wavix-api.yaml, `additionalProperties: false`), success 201 with the trunk
(`name` is the generated SIP login), errors `{"success": false, "message": "Missing or invalid parameter
<param_name>"}` (400/422), 401 `{"success": false, "error": true, "message": "Unauthorized"}`, 403 "The
service is not provisioned for your account.", 404 "Record not found".

Each toggle reveals and sends its value (allowed_ips with ip_restrict, call_limit with call_restrict,
...); only allowed_ips is documented as required when its toggle is on, the limits only warn when empty.
The seed's `passthrough`, which the official spec no longer accepts, is kept behind the "legacy API
fields" toggle.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr

from trunkwizard.connect import Offer, Offering, OfferInput, OfferKind, Origin, Sourced
from trunkwizard.errors import AuthenticationFailed, Problem, ProviderError
from trunkwizard.fields import Form, ProviderModel, is_blank, when, wire_body
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
from trunkwizard.providers._listing import DIGITS_PATTERN, Column, Item, Listing
from trunkwizard.redact import register_secret
from trunkwizard.rules import Across, Rule, at_least, inferred, matches, seed, spec, stated
from trunkwizard.values import INT32_MAX, INT32_MIN, e164, ip_address_rule, public_ipv4_rule

__all__ = ["Wavix", "WavixAccount", "WavixAllowedIp", "WavixTrunk"]

# Regional SIP gateways (Wavix FreeSWITCH guide and wavix-embeddable host list; port 5060 assumed).
GATEWAYS = ("us.wavix.net", "nl.wavix.net", "sg.wavix.net", "au.wavix.net")

# The official spec requires transcription_threshold in every create body (SIPTrunkCreateRequest.required),
# and the seed lists it with no condition (seed 002 line 27): it is always asked and sent as given. Left
# empty, Wavix's documented default is sent (SIPTrunkResponse.transcription_threshold, default 6).
TRANSCRIPTION_THRESHOLD_DEFAULT = 6

_SPEC = "wavix-api.yaml"
_CREATE = "SIPTrunkCreateRequest"


def _int32(field: str) -> Rule:
    """OpenAPI `format: int32`: -2147483648 to 2147483647 (the form hints only the upper end)."""

    def check(value: int) -> int:
        if not INT32_MIN <= value <= INT32_MAX:
            raise ValueError(f"enter a number from {INT32_MIN} to {INT32_MAX} (a 32-bit integer)")
        return value

    return Rule(
        f"{INT32_MIN} to {INT32_MAX} (int32)",
        spec(_SPEC, f"{_CREATE}.{field}: format int32"),
        check,
        le=INT32_MAX,
    )


def _digits(field: str, what: str) -> Any:
    return matches(
        r"[0-9]+",
        spec(_SPEC, f'{_CREATE}.{field}: "{what}"'),
        says="digits 0-9",
        message="digits 0-9 only, e.g. 1",
    )


def _callerid_written(value: str) -> str:
    """`+1 (313) 284-7320` written as Wavix writes numbers, 13132847320; anything else as typed."""
    text = re.sub(r"[\s().-]", "", value)
    digits = text.removeprefix("+")
    return digits if digits.isascii() and digits.isdigit() else value


def _callerid_digits(value: str) -> str:
    if not (value.isascii() and value.isdigit()):
        raise ValueError(
            "Wavix writes caller IDs as digits with country code (13132847320); this one is not: Wavix may "
            "refuse it"
        )
    try:
        e164("+" + value)
    except ValueError:
        raise ValueError(
            "not a phone number with country code (13132847320 for +1 313 284 7320): Wavix may refuse it"
        ) from None
    return value


_CALLERID_DIGITS = Rule(
    "digits with country code, e.g. 13132847320",
    inferred("seed 002 line 10 example 13132847320; the spec types callerid as a string"),
    _callerid_digits,
)
_IP = ip_address_rule(
    spec(_SPEC, f'{_CREATE}.allowed_ips.ip / host_request.host: "public static IP address"')
)
_PUBLIC_IPV4 = public_ipv4_rule("Wavix", inferred('"public static IP address": an address Wavix can see'))


def _host_of(value: Any) -> Any:
    """host_request as the wire writes it ({"host": ...}) or as the bare address a technician types."""
    if isinstance(value, dict) and set(value) == {"host"}:
        return value["host"]
    return value


def _ip_rows(value: Any) -> Any:
    """Accept plain addresses (["198.51.100.7"] or "a, b") where the wire wants [{"ip": ...}]."""
    if isinstance(value, str):
        value = [part for part in re.split(r"[\s,]+", value) if part]
    if isinstance(value, list):
        return [{"ip": item} if isinstance(item, str) else item for item in value]
    return value


class WavixAccount(ProviderModel):
    api_key: Annotated[
        SecretStr,
        stated("required", spec(_SPEC, "securitySchemes.bearerAuth")),
        Form(
            label="API key",
            help="Wavix portal: Administration > API Keys > Create new. Sent as a Bearer token. If the key "
            "has scopes, it needs trunks with write access; if it is restricted by IP, allow this "
            "machine's address.",
        ),
    ]
    base_url: Annotated[
        str,
        Form(
            label="API base URL",
            help="Leave as is unless Wavix support gave you another.",
            section="advanced",
        ),
    ] = "https://api.wavix.com"


class WavixAllowedIp(ProviderModel):
    ip: Annotated[
        str,
        stated("required", spec(_SPEC, f"{_CREATE}.allowed_ips.items.required")),
        _IP,
        _PUBLIC_IPV4,
        Form(
            label="Public static IP",
            help="Public static IPv4 address allowed to register with the SIP trunk (your PBX's public "
            "address as Wavix sees it).",
            described="your PBX's public IPv4 address",
        ),
    ]


def _on(values: Mapping[str, Any], toggle: str) -> bool:
    return when(toggle, True).holds(values.get(toggle, False))


def _limit_left_empty(
    values: Mapping[str, Any], toggle: str, field: str, label: str, what: str
) -> str | None:
    if _on(values, toggle) and is_blank(values.get(field)):
        return (
            f"{label} is on but no limit is given: the switch is sent without one, and Wavix may refuse "
            f"the trunk or apply no limit; enter {what}, or turn {label} off"
        )
    return None


def _dial_plan_left_empty(values: Mapping[str, Any]) -> str | None:
    if (
        _on(values, "rewrite_enabled")
        and is_blank(values.get("rewrite_prefix"))
        and is_blank(values.get("rewrite_cond"))
    ):
        return (
            "the custom dial plan is on but changes nothing: Wavix may refuse it; enter digits to remove "
            "here, a prefix to add, or both"
        )
    return None


_IP_RESTRICT = when("ip_restrict", True)
_CALL_RESTRICT = when("call_restrict", True)
_COST_LIMIT = when("cost_limit", True)
_CHANNELS_RESTRICT = when("channels_restrict", True)
_REWRITE = when("rewrite_enabled", True)
_LEGACY = when("legacy_api_fields", True)


class WavixTrunk(ProviderModel):
    label: Annotated[
        str,
        stated("required", spec(_SPEC, f"{_CREATE}.required")),
        Field(min_length=1),
        Form(
            label="Trunk name",
            help="User-defined name of the SIP trunk, shown in the Wavix portal, e.g. My trunk.",
            placeholder="My trunk",
        ),
    ]
    password: Annotated[
        SecretStr,
        stated("required", spec(_SPEC, f"{_CREATE}.required")),
        Form(
            label="SIP password",
            help="Password set for the SIP trunk: your PBX registers with the trunk's login (generated by "
            "Wavix) and this password. Use a strong password to help keep your SIP trunk secure; Wavix "
            "never returns it.",
        ),
    ]
    callerid: Annotated[
        str,
        stated("required", spec(_SPEC, f"{_CREATE}.required")),
        AfterValidator(_callerid_written),
        _CALLERID_DIGITS,
        Form(
            label="Caller ID",
            help="Caller ID for the SIP trunk. Must be an active or verified number on your account. "
            "Digits with country code, no +, e.g. 13132847320.",
            placeholder="13132847320",
        ),
    ]
    multiple_numbers: Annotated[
        bool,
        Form(
            label="Multiple caller IDs",
            help="On: any active or verified number on the account can be used as the caller ID of "
            "calls through this trunk (the PBX sets it).",
        ),
    ] = False
    ip_restrict: Annotated[
        bool,
        Form(
            label="IP restriction",
            help="On: SIP trunk registration is allowed only from the public static IP addresses you "
            "list next.",
        ),
    ] = False
    allowed_ips: Annotated[
        list[WavixAllowedIp] | None,
        stated("required while ip_restrict is on", seed("002", "32")),
        BeforeValidator(_ip_rows),
        Form(
            label="Allowed IPs",
            help="SIP trunk registration is allowed only from public static IP addresses listed here. "
            "Required when IP restriction is on.",
            shown_when=_IP_RESTRICT,
            required_when_shown=True,
        ),
    ] = None
    host_request: Annotated[
        str | None,
        BeforeValidator(_host_of),
        _IP,
        _PUBLIC_IPV4,
        Form(
            label="IP authentication address",
            help="Optional. For a trunk authenticated by IP instead of registration: the public static IP "
            "address of your SIP endpoint; Wavix authenticates all SIP traffic from it. Wavix reviews "
            "the request: the trunk stays pending until approved. Empty: the PBX registers.",
            described="your SIP endpoint's public IPv4 address",
            wrap="host",
        ),
    ] = None
    didinfo_enabled: Annotated[
        bool,
        Form(
            label="Dialed number in To header",
            help="On: inbound calls include dialed number information in the To header of SIP INVITE "
            "requests, so the PBX can route by DID.",
        ),
    ] = True
    call_restrict: Annotated[
        bool,
        Form(
            label="Limit call duration", help="On: a maximum call duration limit is enforced for the trunk."
        ),
    ] = False
    call_limit: Annotated[
        int | None,
        _int32("call_limit"),
        at_least(1, inferred("a duration in seconds")),
        Form(
            label="Max call duration (s)",
            help="A maximum call duration for the SIP trunk, in seconds, e.g. 3600. Must not exceed the "
            "maximum duration set for your account (max_call_duration in GET /v1/profile/config).",
            shown_when=_CALL_RESTRICT,
            placeholder="3600",
        ),
    ] = None
    cost_limit: Annotated[
        bool,
        Form(label="Limit call cost", help="On: a maximum cost per outbound call is enforced for the trunk."),
    ] = False
    max_call_cost: Annotated[
        Decimal | None,
        at_least(0, inferred("a cost in USD"), strictly=True),
        Form(
            label="Max call cost (USD)",
            help="Maximum cost for an outbound call, in USD, e.g. 0.18. More expensive calls are refused.",
            shown_when=_COST_LIMIT,
            placeholder="0.18",
        ),
    ] = None
    channels_restrict: Annotated[
        bool,
        Form(
            label="Limit concurrent calls",
            help="On: a limit on the number of concurrent outbound calls is enforced for the trunk.",
        ),
    ] = False
    max_channels: Annotated[
        int | None,
        _int32("max_channels"),
        at_least(1, inferred("a number of calls")),
        Form(
            label="Max concurrent calls",
            help="Maximum number of concurrent outbound calls for the SIP trunk, e.g. 2. Must not exceed "
            "the outbound channel capacity set for your account (new accounts: 2).",
            shown_when=_CHANNELS_RESTRICT,
            placeholder="2",
        ),
    ] = None
    rewrite_enabled: Annotated[
        bool,
        Form(
            label="Custom dial plan",
            help="On: a custom dial plan rewrites the numbers your PBX dials: digits to add, digits to "
            "remove, or both.",
        ),
    ] = False
    rewrite_prefix: Annotated[
        str | None,
        _digits("rewrite_prefix", "Digits to automatically prepend"),
        Form(
            label="Prefix to add",
            help="Leading digits to prepend to dialed phone numbers, e.g. 1 turns 3132847320 into "
            "13132847320. Digits only.",
            shown_when=_REWRITE,
        ),
    ] = None
    rewrite_cond: Annotated[
        str | None,
        _digits("rewrite_cond", "leading digits to remove"),
        Field(validate_default=True),
        Form(
            label="Digits to remove",
            help="Leading digits to remove from dialed phone numbers, e.g. 00 turns 0044… into 44…. "
            "Digits only. (Wavix's create schema calls it a number of digits, its other pages the "
            "digits themselves: check the result on the trunk page.)",
            shown_when=_REWRITE,
        ),
    ] = None
    call_recording_enabled: Annotated[
        bool,
        Form(label="Record outbound calls", help="On: outbound call recording is enabled on the SIP trunk."),
    ] = False
    machine_detection_enabled: Annotated[
        bool,
        Form(
            label="Voicemail detection",
            help="On: automatic voicemail (answering machine) detection is enabled on the SIP trunk. "
            "Available for Flex Pro customers only.",
        ),
    ] = False
    transcription_enabled: Annotated[
        bool,
        Form(
            label="Transcribe calls",
            help="On: automatic call transcription is enabled on the SIP trunk. Available for Flex Pro "
            "customers only.",
        ),
    ] = False
    transcription_threshold: Annotated[
        int,
        _int32("transcription_threshold"),
        at_least(0, inferred("a duration in seconds")),
        Form(
            label="Transcription threshold (s)",
            help="Transcriptions will be generated for calls that meet or exceed this minimal call "
            "duration, in seconds, e.g. 10. Available for Flex Pro customers only. Wavix requires it on "
            f"every trunk, transcription on or off; its default is {TRANSCRIPTION_THRESHOLD_DEFAULT}.",
        ),
    ] = TRANSCRIPTION_THRESHOLD_DEFAULT
    encrypted_media: Annotated[
        bool,
        Form(
            label="Encrypted media (SRTP)",
            help="On: SRTP media encryption is enabled on the SIP trunk; the PBX must offer SRTP.",
        ),
    ] = False
    legacy_api_fields: Annotated[
        bool,
        Form(
            label="Legacy API fields",
            help="Off unless Wavix answers that passthrough is missing: an older version of the API "
            "required it, the current API rejects it. On shows and sends passthrough.",
            sent=False,
            section="legacy",
        ),
    ] = False
    passthrough: Annotated[
        bool,
        Form(
            label="Caller ID passthrough",
            help="Legacy API only. On: the caller ID passthrough feature is enabled for the SIP trunk "
            "(the PBX's caller ID is passed on). Needs approval by Wavix administrators.",
            shown_when=_LEGACY,
            legacy=True,
            section="legacy",
        ),
    ] = False

    # The seed and the spec say a limit is "ignored when <toggle> is false" (seed 002 lines 34, 39;
    # SIPTrunkCreateRequest.call_limit, .max_channels), never that it is required when on; nor that a
    # dial plan needs a rule. Left empty, nothing is sent for it, and Wavix decides: these only warn.
    across = (
        Across(
            "a duration while Limit call duration is on",
            inferred("seed 002 line 34 and the spec's call_limit: ignored while call_restrict is off"),
            "call_limit",
            lambda v: _limit_left_empty(
                v, "call_restrict", "call_limit", "Limit call duration", "a duration"
            ),
        ),
        Across(
            "a cost while Limit call cost is on",
            inferred("seed 002 line 37 and the spec's max_call_cost: no condition stated"),
            "max_call_cost",
            lambda v: _limit_left_empty(v, "cost_limit", "max_call_cost", "Limit call cost", "a cost"),
        ),
        Across(
            "a number of calls while Limit concurrent calls is on",
            inferred("seed 002 line 39 and the spec's max_channels: ignored while channels_restrict is off"),
            "max_channels",
            lambda v: _limit_left_empty(
                v, "channels_restrict", "max_channels", "Limit concurrent calls", "a number of calls"
            ),
        ),
        Across(
            "a prefix to add or digits to remove while Custom dial plan is on",
            inferred("seed 002 lines 21, 42-44: rewrite_prefix and rewrite_cond are optional"),
            "rewrite_cond",
            _dial_plan_left_empty,
        ),
    )


_MODES = (
    Mode(
        "sip-trunk",
        "SIP trunk",
        "A SIP trunk your PBX registers to, with optional IP restriction, limits and dial plan.",
        WavixTrunk,
        by_endpoint=True,
    ),
)


def _authenticated_by_ip(request: Mapping[str, Any]) -> str | None:
    # wavix-api.yaml host_request: the trunk authenticates by IP, so it has no account to register
    return "the trunk is authenticated by IP" if request.get("host_request") else None


_OFFERINGS = (
    Offering(
        "sip-trunk",
        OfferKind.REGISTRATION,
        "Register to a Wavix regional gateway with the trunk's login (generated by Wavix) and its password.",
        withheld_by=_authenticated_by_ip,
    ),
)

_PARAMETER = re.compile(r"parameter\s+[`'\"]?([A-Za-z_][\w.\[\]]*)")


def _field_path(parameter: str) -> str:
    """`allowed_ips[0].ip` as our problem path `allowed_ips.0.ip`."""
    return re.sub(r"\[(\d+)\]", r".\1", parameter)


class Wavix(Provider[WavixAccount, WavixTrunk]):
    key = "wavix"
    title = "Wavix"
    creates = "SIP trunk"
    summary = "Create a Wavix SIP trunk (Flex Pro) for your PBX to register to."
    docs = "https://docs.wavix.com/api-reference/sip-trunks/create-a-new-sip-trunk"
    account_model = WavixAccount
    modes = _MODES
    auth_scheme = BearerScheme("api_key")
    existing = Match(items="sip_trunks", key="label")
    offerings = _OFFERINGS
    # What Wavix adds to the SIP check's explanations (W1: ip_restrict/allowed_ips; W5: host_request review).
    sip_hints = {
        "forbidden-no-challenge": "Wavix: with ip_restrict on, the trunk registers only from its "
        "allowed_ips; a trunk whose IP authentication is pending or rejected cannot be used.",
        "udp-silence": "Wavix: with ip_restrict on, addresses outside allowed_ips may get no answer.",
        "auth-rejected": "Wavix: the REGISTER password is the SIP trunk's password, not the API key.",
    }

    def create_call(self, mode: Mode, request: WavixTrunk) -> Call:
        return Call("POST", "/v1/trunks", json=wire_body(request, keep_secrets=True))

    def created(self, mode: Mode, request: WavixTrunk, body: Any, account: WavixAccount) -> Created:
        data = body if isinstance(body, dict) else {}
        token = data.get("access_token")
        if isinstance(token, str):
            register_secret(token)
        returned = {k: v for k, v in data.items() if k not in ("access_token", "password")}
        trunk_id = str(data.get("id", ""))
        login = str(data.get("name") or "")
        gateways = ", ".join(GATEWAYS)
        # wavix-api.yaml host_request: a trunk authenticated by IP is reviewed, and has nothing to register
        first = (
            f"Wavix reviews the IP authentication request: once approved, send the PBX's SIP traffic from "
            f"{request.host_request} to a Wavix gateway near you ({gateways}; port 5060), without "
            "registering."
            if request.host_request
            else f"On the PBX, register the trunk to a Wavix gateway near you ({gateways}; port 5060) with "
            f"username {login or '<the trunk name Wavix shows>'} and the password sent (Wavix never "
            "returns it)."
        )
        steps = [
            first,
            f"Route a number to the trunk: PATCH /v1/numbers/<number id> with destinations "
            f'[{{"destination": "{login}", "priority": 1, "transport": 5, "trunk_id": {trunk_id or 0}}}], '
            "or in the portal under My numbers.",
        ]
        if request.ip_restrict and request.allowed_ips:
            ips = ", ".join(row.ip for row in request.allowed_ips)
            steps.append(f"Registration is accepted only from {ips}: register from that address.")
        if request.didinfo_enabled:
            steps.append("Inbound calls carry the dialed number in the To header: route DIDs on it.")
        if request.encrypted_media:
            steps.append("Media is encrypted: enable SRTP on the PBX trunk.")
        if request.multiple_numbers:
            steps.append("Any active or verified number of the account may be sent as caller ID.")
        else:
            steps.append(f"Outbound calls show caller ID {request.callerid}.")
        if isinstance(token, str):
            steps.append("Wavix also returned the trunk's access token; it is kept off the screen.")
        return Created(
            ref=ResourceRef(self.key, mode.key, trunk_id),
            title=f"SIP trunk {data.get('label', request.label)} (login {login})",
            returned=returned,
            next_steps=tuple(steps),
            other_end_steps=(first,),
        )

    def sip_targets(
        self, mode: Mode, request: WavixTrunk, account: WavixAccount, created: Created | None
    ) -> list[SipCheckPlan]:
        login = str(created.returned.get("name") or "") if created is not None else ""
        note = "The trunk registers with its login (Wavix's generated name) and the password entered."
        if request.ip_restrict and request.allowed_ips:
            ips = ", ".join(row.ip for row in request.allowed_ips)
            note += f" Registration is accepted only from {ips}: from elsewhere a REGISTER is refused."
        # One plan per regional gateway; the technician picks the one the PBX will use.
        return [
            SipCheckPlan(
                title=f"Wavix gateway {gateway.split('.', 1)[0].upper()}",
                host=gateway,
                port=5060,
                transport="udp",
                username=login or None,
                password=request.password if login else None,
                before_submit=False,
                provider_host=True,
                note=note,
            )
            for gateway in GATEWAYS
        ]

    def offer(self, offering: Offering, source: OfferInput) -> Offer:
        if (withheld := _authenticated_by_ip(source.request)) is not None:
            raise ValueError(f"{withheld} (host_request): it offers no registration")
        gateway = Sourced(GATEWAYS[0], Origin.DOCUMENT, "regional SIP gateways (Wavix FreeSWITCH guide)")
        # seed 002 line 55: `name` is the "System-generated login name of the SIP trunk"
        login = source.text(source.answer, "name")
        password = source.typed_password("password")
        return Offer(
            provider=self.key,
            provider_title=self.title,
            mode=offering.mode,
            kind=offering.kind,
            host=gateway,
            host_choices=GATEWAYS[1:],
            port=Sourced(5060, Origin.INFERRED, "the gateway guides give no port: SIP's default 5060"),
            transport=Sourced("udp", Origin.INFERRED, "the gateway guides give no transport: UDP"),
            domain=Sourced(GATEWAYS[0], Origin.INFERRED, "the gateway's own name"),
            username=Sourced(login, Origin.ANSWER, "name") if login else None,
            auth_name=Sourced(login, Origin.ANSWER, "name") if login else None,
            password=Sourced(password, Origin.REQUEST, "password") if password else None,
            caller_id=source.value("callerid"),
            signalling=Sourced(GATEWAYS, Origin.DOCUMENT, "regional SIP gateways (Wavix FreeSWITCH guide)"),
        )

    def get_call(self, ref: ResourceRef) -> Call | None:
        return Call("GET", f"/v1/trunks/{ref.id}")

    def delete_call(self, ref: ResourceRef) -> Call | None:
        return Call("DELETE", f"/v1/trunks/{ref.id}")

    def find_call(self, mode: Mode, request: WavixTrunk, cursor: str | None = None) -> Call | None:
        return Call("GET", "/v1/trunks", params={"page": cursor or "1", "per_page": str(FIND_PAGE_SIZE)})

    def find_next(self, body: Any, cursor: str | None) -> str | None:
        paging = body.get("pagination") if isinstance(body, dict) else None
        if not isinstance(paging, dict):
            return None
        page, pages = paging.get("current_page"), paging.get("total_pages")
        if not isinstance(page, int) or not isinstance(pages, int):
            return None
        return str(page + 1) if page < pages else None

    def error(self, status: int, body: Any) -> ProviderError:
        if not isinstance(body, dict) or "message" not in body:
            return super().error(status, body)
        message = str(body.get("message") or f"HTTP {status}")
        if status == 401:
            return AuthenticationFailed(
                f"Wavix: {message}: check the API key (Administration > API Keys) and, if the key is "
                "restricted by IP, that this machine's address is allowed",
                status=status,
            )
        if status == 403:
            return ProviderError(
                f"Wavix: {message} SIP trunks need the Flex Pro plan, and a scoped API key needs "
                "trunks write access",
                status=status,
            )
        if status == 404:
            return ProviderError(f"Wavix: {message}: the SIP trunk does not exist (deleted?)", status=status)
        match = _PARAMETER.search(message)
        field = self.our_field(_field_path(match.group(1))) if match else None
        problems = [Problem(field, message)] if field else []
        return ProviderError(
            f"Wavix: {message}", status=status, field=field, problems=problems, code=error_text(message, "")
        )


# --- inventory: GET /v1/trunks pages with page/per_page ({sip_trunks, pagination}) -------------------

# SIPTrunkSummary.status (official spec): "SIP trunks with a pending or rejected status can't be used to
# place calls."
_TRUNK_STATUS = {
    "active": "active",
    "pending": "pending review: cannot place calls yet",
    "rejected": "rejected: cannot place calls",
}


# The create body's fields (SIPTrunkCreateRequest) as the trunk's get answer holds them, so a PUT sends
# back what the trunk has and nothing reverts by accident.
_REPLACED = (
    "label",
    "callerid",
    "multiple_numbers",
    "ip_restrict",
    "didinfo_enabled",
    "call_restrict",
    "call_limit",
    "cost_limit",
    "max_call_cost",
    "channels_restrict",
    "max_channels",
    "rewrite_enabled",
    "rewrite_prefix",
    "rewrite_cond",
    "transcription_enabled",
    "transcription_threshold",
    "call_recording_enabled",
    "machine_detection_enabled",
    "encrypted_media",
)


def replacement_body(trunk: Mapping[str, Any]) -> dict[str, Any]:
    """The PUT body that keeps the trunk as it is (the get answer turned back into the create body)."""
    body = {key: trunk[key] for key in _REPLACED if key in trunk and trunk[key] is not None}
    if body.get("multiple_numbers") and not body.get("callerid"):
        body.pop("callerid", None)
    if isinstance(body.get("max_call_cost"), str):
        body["max_call_cost"] = float(body["max_call_cost"])
    ips = trunk.get("allowed_ips")
    if body.get("ip_restrict") and isinstance(ips, list):
        body["allowed_ips"] = [
            {"ip": item["ip"]} for item in ips if isinstance(item, Mapping) and "ip" in item
        ]
    host = trunk.get("host")
    if isinstance(host, str) and host and host != "dynamic":
        body["host_request"] = {"host": host}
    for key in ("rewrite_prefix", "rewrite_cond"):
        if not body.get("rewrite_enabled") and body.get(key) == "":
            body.pop(key, None)
    return body


class WavixListing(Listing):
    what = "SIP trunks"
    shows_status = True
    id_pattern = DIGITS_PATTERN
    columns = (
        Column("name", "SIP user", 8),
        Column("label", "Label", 14),
        Column("auth", "Auth / host", 16),
        Column("callerid", "Caller ID", 12),
    )
    delete_consequence = (
        "Deleting a Wavix trunk stops call routing through it: the PBX registered with it and the "
        "numbers routed to it stop receiving calls."
    )
    confirm_label = "trunk label"
    confirm_wire = "label"

    # PUT /v1/trunks/{id}: "Replaces the configuration... Omitted fields revert to their defaults", with the
    # create body's required fields (password included: it is never returned, so it is asked again)
    update_semantics = (
        "PUT replaces the whole trunk: every setting below is sent again (omitted ones would revert to "
        "their defaults), and the password is required again."
    )
    read_only_fields = {
        "id": "set by Wavix",
        "name": "the SIP login Wavix generated",
        "access_token": "issued by Wavix",
        "created_at": "set by Wavix",
        "passthrough": "not in the update body",
        "host": "the IP authentication address is sent again as it is (host_request)",
        "host_request": "the IP authentication address is sent again as it is",
    }
    secret_fields = frozenset({"password"})
    password_field = "password"

    def update_call(self, ref: ResourceRef, current: Mapping[str, Any], changes: Mapping[str, Any]) -> Call:
        # the PUT takes the create body (reference: "Same body schema as create"), allowed_ips included:
        # the list is edited like the other settings; with IP restriction turned off it is not sent
        body = {**replacement_body(current), **changes}
        if not body.get("ip_restrict"):
            body.pop("allowed_ips", None)
        return Call("PUT", f"/v1/trunks/{ref.id}", json=body)

    def update_problems(self, current: Mapping[str, Any], changes: Mapping[str, Any]) -> list[Problem]:
        if changes.get("password"):
            return []
        return [Problem("password", "Wavix's PUT replaces the whole trunk and needs the password again")]

    def first_call(self, page_size: int) -> Call:
        return Call("GET", "/v1/trunks", params={"page": "1", "per_page": str(page_size)})

    def page(self, body: Any, call: Call, page_size: int) -> tuple[list[Item], Call | None]:
        rows = body.get("sip_trunks") if isinstance(body, dict) else None
        items = [self._item(row) for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []
        following = Wavix().find_next(body, call.params.get("page"))
        if following is None:
            return items, None
        return items, Call("GET", "/v1/trunks", params={"page": following, "per_page": str(page_size)})

    @staticmethod
    def _item(row: dict[str, Any]) -> Item:
        host_request = row.get("host_request")
        host = host_request.get("host") if isinstance(host_request, dict) else None
        cells = {
            "name": str(row.get("name") or ""),
            "label": str(row.get("label") or ""),
            "auth": f"IP {host}" if host else str(row.get("auth_method") or "Digest"),
            "callerid": str(row.get("callerid") or ("several" if row.get("multiple_numbers") else "")),
        }
        status = str(row.get("status") or "")
        return Item(
            ResourceRef("wavix", "sip-trunk", str(row.get("id", ""))),
            cells,
            status=_TRUNK_STATUS.get(status, status),
            confirm=str(row.get("label") or row.get("name") or ""),
            summary=row,
        )


Wavix.listing = WavixListing()
