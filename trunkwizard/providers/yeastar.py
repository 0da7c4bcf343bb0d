"""Yeastar P-Series: add a SIP trunk on the PBX (register, peer or account trunk).

Seed 003; `POST {pbx}/openapi/v1.0/trunk/create?access_token=...`, token from `get_token` with the
Client ID and Secret of Integrations > API (see yeastar_api.py). Every answer is HTTP 200 with an
errcode; success is `{"errcode": 0, "errmsg": "SUCCESS", "id": 19}`. Each trunk type is its own model
with the seed's own table, so fields of another type are never sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import BeforeValidator, Field, SecretStr

from trunkwizard.connect import (
    Fill,
    Need,
    Offer,
    Offering,
    OfferInput,
    OfferKind,
    Origin,
    PasswordRule,
    Sourced,
    canonical_codecs,
)
from trunkwizard.errors import ProviderError
from trunkwizard.fields import Choice, Form, Kind, ProviderModel, is_blank, when, wire_body
from trunkwizard.providers._auth import TokenSessionScheme
from trunkwizard.providers._base import (
    FIND_PAGE_SIZE,
    Call,
    Created,
    Match,
    Mode,
    Provider,
    ResourceRef,
    SipCheckPlan,
)
from trunkwizard.providers._listing import DIGITS_PATTERN, Column, Item, Listing
from trunkwizard.providers.yeastar_api import YeastarToken, errcode_of, remember_secrets, yeastar_error
from trunkwizard.rules import Across, Rule, at_least, inferred, length, seed, stated
from trunkwizard.values import Flag01, host, port_rule

__all__ = ["Yeastar", "YeastarAccount", "YeastarAccountTrunk", "YeastarPeerTrunk", "YeastarRegisterTrunk"]

API_PATH = "/openapi/v1.0"

# --- account ---------------------------------------------------------------------------------------------


def _pbx_url(value: str) -> str:
    text = value.strip().rstrip("/")
    match = re.match(r"^(https?)://([^/?#\s]+)(/[^?#\s]*)?$", text, re.IGNORECASE)
    if match is None:
        raise ValueError(
            "enter the PBX web address with http:// or https://, e.g. https://192.168.5.150:8088 "
            "(Cloud: https://yourpbx.yeastarcloud.com)"
        )
    if text.lower().endswith(API_PATH):
        text = text[: -len(API_PATH)]
    return text


class YeastarAccount(ProviderModel):
    base_url: Annotated[
        str,
        stated("required", seed("003", "7 (POST {base_url}/{api_path}/...)")),
        Rule(
            "an http(s) address of the PBX; /openapi/v1.0 is added",
            seed("003", "288-289 (POST /openapi/v1.0/trunk/create, Host: 192.168.5.150:8088)"),
            _pbx_url,
        ),
        Form(
            label="PBX web address",
            help="The address you open the PBX web portal with; the API uses the same port. Software/"
            "Appliance: https://<pbx-ip>:8088 (default HTTPS port), or http://<pbx-ip>:<port> if the "
            "portal is plain HTTP (then the Client Secret crosses the network unencrypted). Cloud: "
            "https://<name>.yeastarcloud.com. For a PBX with its own certificate, add its CA file "
            "to the profile; verification stays on.",
            placeholder="https://192.168.5.150:8088",
        ),
    ]
    client_id: Annotated[
        str,
        stated("required", seed("003", "7 (access_token: from the API client)")),
        Field(min_length=1),
        Form(
            label="Client ID",
            help="PBX web portal: Integrations > API, turn the API on and copy the Client ID.",
        ),
    ]
    client_secret: Annotated[
        SecretStr,
        stated("required", seed("003", "7 (access_token: from the API client)")),
        Form(
            label="Client Secret",
            help="Integrations > API > Client Secret. Exchanged for a 30-minute access token; the PBX "
            "blocks this computer's IP after 5 failed logins, so trunkwizard tries a refused login "
            "only once.",
        ),
    ]


# --- shared field types -----------------------------------------------------------------------------------

Transport = Literal["udp", "tcp", "tls", "dnsnaptr"]
AccountTransport = Literal["udp", "tcp", "tls"]
Codec = Literal[
    "ulaw",
    "alaw",
    "g729",
    "gsm",
    "h264",
    "h263",
    "h263p",
    "ilbc",
    "g722",
    "g726",
    "speex",
    "adpcm",
    "mpeg4",
    "vp8",
    "opus",
]
# The seed's peer table lists the same codecs without mpeg4.
PeerCodec = Literal[
    "ulaw",
    "alaw",
    "g729",
    "gsm",
    "h264",
    "h263",
    "h263p",
    "ilbc",
    "g722",
    "g726",
    "speex",
    "adpcm",
    "vp8",
    "opus",
]


def _split_codecs(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _distinct_codecs(value: list[str]) -> list[str]:
    if not isinstance(value, list):
        return value  # not yet split (raw answers of a form that failed)
    repeated = sorted({codec for codec in value if value.count(codec) > 1})
    if repeated:
        raise ValueError(f"list each codec once; repeated: {', '.join(repeated)}: the PBX may refuse it")
    return value


# Seed 003 line 37 lists the valid codecs; that each appears once is our reading of "a list".
_DISTINCT_CODECS = Rule(
    "each codec once", inferred("codec_sel is a list of codecs (seed 003 line 37)"), _distinct_codecs
)


def _strong_password(value: SecretStr) -> SecretStr:
    text = value.get_secret_value()
    missing = []
    if len(text) < 10:
        short = 10 - len(text)
        missing.append(f"{short} more character{'s' if short > 1 else ''}")
    if not any(c.isdigit() for c in text):
        missing.append("a digit")
    if not any(c.isupper() for c in text):
        missing.append("an uppercase letter")
    if not any(c.islower() for c in text):
        missing.append("a lowercase letter")
    if missing:
        raise ValueError(
            "the PBX requires numbers, uppercase and lowercase letters and at least 10 characters; "
            "add " + ", ".join(missing)
        )
    return value


_NAME_CHARACTERS = re.compile(r"[A-Za-z0-9_.-]+")


def _plain_name(value: str) -> str:
    # One rule for every character: "QA Reg ü/2" and "QAü/2" both get it, neither is refused.
    if not _NAME_CHARACTERS.fullmatch(value):
        raise ValueError(
            "the PBX's import rules allow only letters, digits, - _ and . (e.g. ITSP_Main): "
            "it may refuse this"
        )
    return value


# The PBX's trunk import page, not the API (seed 003 line 15 says only "Trunk name"), states these.
_IMPORT_RULES = inferred("Yeastar's trunk CSV import rules (reference, providers-signalwire-yeastar.md)")
_CALLER_ID_IMPORT = inferred("Yeastar's outbound caller ID import rules (reference)")


_CODEC_HELP = (
    "Codec settings of the trunk, in order of preference: sent comma-separated, e.g. ulaw,alaw,g729. "
    "Offer only what the ITSP supports; ulaw/alaw (G.711) work almost everywhere."
)

TrunkName = Annotated[
    str,
    stated("required", seed("003", "15, 114, 195")),
    Field(min_length=1),
    length(_IMPORT_RULES, at_most=63),
    Rule("letters, digits, - _ . only", _IMPORT_RULES, _plain_name),
    Form(
        label="Trunk name",
        help="Trunk name, unique on the PBX (the PBX answers 'DUPLICATE KEY VALUE' if it exists). "
        "Keep it to 63 letters, digits, - _ or . (the PBX's import rules), e.g. ITSP_Main.",
        placeholder="ITSP_Main",
    ),
]
Country = Annotated[
    str,
    Field(min_length=1),
    Form(
        label="ITSP country",
        help="The country of the ITSP, as listed by the PBX's ITSP templates (trunk/itsp_list, e.g. "
        "Germany). Keep 'general' for a generic trunk that uses no ITSP template.",
        # seed 003: "You can query the desired ITSP using Query ITSP of SIP Trunks"
        choices_from="itsp_countries",
    ),
]
# Register and account trunks take the full codec list; a peer trunk declares its own (no mpeg4).
CodecSelection = Annotated[
    list[Codec],
    stated("one of the listed codecs", seed("003", "38-53, 211-226")),
    stated("required", seed("003", "37, 210")),
    BeforeValidator(_split_codecs),
    _DISTINCT_CODECS,
    Field(min_length=1),
    Form(label="Codecs", help=_CODEC_HELP, join=","),
]
Itsp = Annotated[
    str | None,
    Form(
        label="ITSP name",
        help="The name of the ITSP template (trunk/itsp_list), e.g. 'Deutsche Telefon Standard'. "
        "Leave empty for a general trunk.",
        choices_from="itsps",
    ),
]
Enable = Annotated[
    Flag01 | None,
    Form(
        label="Enable trunk",
        help="Whether to enable the trunk (1 enable, 0 disable). Left unset, the PBX's default applies.",
        kind=Kind.TOGGLE,
    ),
]
Hostname = Annotated[
    str,
    stated("required", seed("003", "28, 126")),
    Rule("a domain or IP address", seed("003", "28"), host),
    Form(
        label="ITSP host",
        help="The domain or IP address of the ITSP, without sip: or port, e.g. sip.provider.com.",
        placeholder="sip.provider.com",
    ),
]
TrunkPort = Annotated[
    int,
    stated("required", seed("003", "29, 127")),
    port_rule(seed("003", "29")),
    Form(
        label="Port",
        help="The registration port of the SIP trunk at the ITSP: 1 to 65535, usually 5060 (5061 for TLS).",
        placeholder="5060",
    ),
]
Domain = Annotated[
    str,
    stated("required", seed("003", "30, 128")),
    Rule("a domain or IP address", seed("003", "30"), host),
    Form(
        label="Domain",
        help="The domain or IP address of the ITSP, used in the From and To headers. Same as the host "
        "when the ITSP gives no separate domain.",
        placeholder="sip.provider.com",
    ),
]
DefaultCallerId = Annotated[
    str | None,
    length(_CALLER_ID_IMPORT, at_most=31),
    Form(
        label="Default outbound caller ID",
        help="Default outbound caller ID (the number callers see), as the ITSP expects it, "
        "e.g. 5503300. The PBX's import page allows 31 characters.",
        section="Caller ID",
    ),
]
DefaultCallerIdName = Annotated[
    str | None,
    length(_CALLER_ID_IMPORT, at_most=127),
    Form(
        label="Default caller ID name",
        help="Default outbound caller ID name. The PBX's import page allows 127 characters.",
        section="Caller ID",
    ),
]


# --- rows: outbound caller IDs and DIDs -------------------------------------------------------------------


class ExtensionRef(ProviderModel):
    """Extension_Info: one extension or extension group that shares an outbound caller ID."""

    type: Annotated[
        Literal["extension", "ext_group"] | None,
        stated("one of extension, ext_group", seed("003", "99-102")),
        Form(
            label="Extension or group",
            help="Whether this is an extension or an extension group.",
            choice_labels=(("extension", "Extension"), ("ext_group", "Extension group")),
        ),
    ] = None
    ext_number: Annotated[
        str | None,
        Form(
            label="Number or group name",
            help="The number of an extension (e.g. 1001) or the name of an extension group.",
        ),
    ] = None
    ext_name: Annotated[
        str | None,
        Form(label="Name", help="The name of the extension or extension group."),
    ] = None
    id: Annotated[
        int | None,
        at_least(1, inferred("seed 003 line 105: an integer ID; IDs start at 1")),
        Form(
            label="ID",
            help="The unique ID of the extension or group on the PBX. Yeastar's API guide lists it as "
            "required, yet its own example identifies the group by ext_number instead: give one of the two.",
        ),
    ] = None

    # Seed 003 line 105 marks id required; the seed's own example (lines 311-314) names a group by
    # ext_number alone. Both documents agree on one thing: the entry says which extension it is.
    across = (
        Across(
            "an id, or an ext_number",
            seed("003", "105 (id required) and 311-314 (an example with ext_number only)"),
            "id",
            lambda values: (
                "give the extension's ID or its number (group: its name) in ext_number"
                if is_blank(values.get("id")) and is_blank(values.get("ext_number"))
                else None
            ),
        ),
    )


_NO_RANGE = "a range caller ID without its extension range: the PBX may refuse it or apply it to none"
_NO_EXTENSIONS = "a shared caller ID without extensions: the PBX may refuse it or apply it to none"
_NO_PROXY = "the outbound proxy is on without its server and port: the PBX may refuse the trunk"


def _left_empty(
    values: Mapping[str, Any], controller: str, value: Any, field: str, message: str
) -> str | None:
    shown = (
        when(controller, value).holds(values.get(controller)) if values.get(controller) is not None else False
    )
    return message if shown and is_blank(values.get(field)) else None


class OutboundCallerId(ProviderModel):
    """OutCaller_Info: a caller ID for a range of extensions, or shared by a list of extensions."""

    outbound_cid_option: Annotated[
        Literal["range", "shared"],
        stated("required", seed("003", "84, 165, 246")),
        stated("one of range, shared", seed("003", "85-87, 166-168, 247-249")),
        Form(
            label="Caller ID type",
            help="range: a range of caller IDs mapped onto a range of extensions. shared: one caller ID "
            "shared by the extensions and groups you list.",
        ),
    ]
    outbound_cid: Annotated[
        str,
        stated("required", seed("003", "88, 169, 250")),
        Field(min_length=1),
        length(_CALLER_ID_IMPORT, at_most=31),
        Form(
            label="Outbound caller ID",
            help="The outbound caller ID. The PBX's import page allows 31 characters.",
        ),
    ]
    outbound_cid_name: Annotated[
        str | None,
        length(_CALLER_ID_IMPORT, at_most=127),
        Form(
            label="Caller ID name",
            help="The outbound caller ID name. The PBX's import page allows 127 characters.",
        ),
    ] = None
    outbound_cid_to_ext_range: Annotated[
        str | None,
        Form(
            label="Extension range",
            help="The extension range corresponding to the outbound caller ID range, e.g. 1000-1009. "
            "Expected when the type is range.",
            shown_when=when("outbound_cid_option", "range"),
            placeholder="1000-1009",
        ),
    ] = None
    ext_list: Annotated[
        list[ExtensionRef] | None,
        Form(
            label="Extensions",
            help="The extensions and extension groups that use this caller ID. Expected when the type "
            "is shared.",
            shown_when=when("outbound_cid_option", "shared"),
        ),
    ] = None

    # Seed 003 lines 90 and 92 mark both "No": that a range needs its extensions is our reading.
    across = (
        Across(
            "an extension range while the type is range",
            inferred("seed 003 line 90: outbound_cid_to_ext_range is not required"),
            "outbound_cid_to_ext_range",
            lambda v: _left_empty(v, "outbound_cid_option", "range", "outbound_cid_to_ext_range", _NO_RANGE),
        ),
        Across(
            "extensions while the type is shared",
            inferred("seed 003 line 92: ext_list is not required"),
            "ext_list",
            lambda v: _left_empty(v, "outbound_cid_option", "shared", "ext_list", _NO_EXTENSIONS),
        ),
    )


class DidEntry(ProviderModel):
    """DID_List: a DID number the ITSP delivers on this trunk."""

    did: Annotated[
        str,
        stated("required", seed("003", "109, 190")),
        Field(min_length=1),
        Form(
            label="DID",
            help="The DID number associated with the trunk, as the ITSP sends it, e.g. 5503308.",
        ),
    ]
    did_name: Annotated[
        str | None,
        Form(label="DID name", help="A name for the DID, e.g. Sales."),
    ] = None


OutboundCallerIds = Annotated[
    list[OutboundCallerId] | None,
    Form(
        label="Outbound caller IDs",
        help="Customized outbound caller IDs for specific extensions (optional).",
        section="Caller ID",
    ),
]
Dids = Annotated[
    list[DidEntry] | None,
    Form(label="DIDs", help="DID numbers associated with the trunk (optional).", section="DIDs"),
]


# --- the three trunk types --------------------------------------------------------------------------------


class YeastarRegisterTrunk(ProviderModel):
    """Register trunk: the PBX registers to the ITSP with the account the ITSP gave you."""

    name: TrunkName
    country: Country = "general"
    type: Annotated[Literal["register"], Form(label="Trunk type", help="Register trunk.", fixed=True)] = (
        "register"
    )
    transport: Annotated[
        Transport,
        stated("required", seed("003", "22, 120, 202")),
        stated("one of the listed transports", seed("003", "23-27, 121-125")),
        Form(
            label="Transport",
            help="Transport protocol: udp, tcp, tls, or dnsnaptr (the PBX looks the transport up in "
            "the ITSP's DNS NAPTR/SRV records).",
        ),
    ]
    hostname: Hostname
    port: TrunkPort
    domain: Domain
    username: Annotated[
        str,
        stated("required", seed("003", "31")),
        Field(min_length=1),
        Form(label="Username", help="The username of the SIP account that is provided by the ITSP."),
    ]
    password: Annotated[
        SecretStr,
        stated("required", seed("003", "32")),
        Rule(
            "numbers, uppercase and lowercase letters, at least 10 characters",
            seed("003", "33-35"),
            _strong_password,
        ),
        Form(
            label="Password",
            help="The password of the SIP account. The PBX requires numbers, uppercase and lowercase "
            "letters, and at least 10 characters.",
        ),
    ]
    auth_name: Annotated[
        str,
        stated("required", seed("003", "36, 209")),
        Field(min_length=1),
        Form(
            label="Authentication name",
            help="The authentication name that is provided by the ITSP; often the same as the username.",
        ),
    ]
    codec_sel: CodecSelection
    enable: Enable = None
    itsp: Itsp = None
    enb_outbound_proxy: Annotated[
        Flag01 | None,
        Form(
            label="Outbound proxy",
            help="Whether to send the trunk's SIP traffic through an outbound proxy (1 enable, 0 disable).",
            kind=Kind.TOGGLE,
            section="Outbound proxy",
        ),
    ] = None
    outbound_proxy_server: Annotated[
        str | None,
        Rule("a domain or IP address", seed("003", "72"), host),
        Form(
            label="Proxy server",
            help="The domain name or IP address of the outbound proxy server.",
            shown_when=when("enb_outbound_proxy", 1),
            section="Outbound proxy",
        ),
    ] = None
    outbound_proxy_port: Annotated[
        int | None,
        port_rule(seed("003", "73")),
        Form(
            label="Proxy port",
            help="The port of the outbound proxy server: 1 to 65535, usually 5060.",
            shown_when=when("enb_outbound_proxy", 1),
            placeholder="5060",
            section="Outbound proxy",
        ),
    ] = None
    def_outbound_cid: DefaultCallerId = None
    def_outbound_cid_name: DefaultCallerIdName = None
    outbound_cid_list: OutboundCallerIds = None
    did_list: Dids = None

    # Seed 003 lines 72-73 mark the proxy's server and port "No": needing them with the proxy on is ours.
    across = (
        Across(
            "a proxy server while the outbound proxy is on",
            inferred("seed 003 line 72: outbound_proxy_server is not required"),
            "outbound_proxy_server",
            lambda v: _left_empty(v, "enb_outbound_proxy", 1, "outbound_proxy_server", _NO_PROXY),
        ),
        Across(
            "a proxy port while the outbound proxy is on",
            inferred("seed 003 line 73: outbound_proxy_port is not required"),
            "outbound_proxy_port",
            lambda v: _left_empty(v, "enb_outbound_proxy", 1, "outbound_proxy_port", _NO_PROXY),
        ),
    )


class YeastarPeerTrunk(ProviderModel):
    """Peer trunk: no registration; the PBX and the ITSP trust each other's address."""

    name: TrunkName
    country: Country = "general"
    type: Annotated[Literal["peer"], Form(label="Trunk type", help="Peer trunk.", fixed=True)] = "peer"
    transport: Annotated[
        Transport,
        stated("required", seed("003", "22, 120, 202")),
        stated("one of the listed transports", seed("003", "23-27, 121-125")),
        Form(label="Transport", help="Transport protocol: udp, tcp, tls or dnsnaptr."),
    ]
    hostname: Hostname
    port: TrunkPort
    domain: Domain
    codec_sel: Annotated[
        list[PeerCodec],
        stated("one of the listed codecs", seed("003", "130-144")),
        stated("required", seed("003", "129")),
        BeforeValidator(_split_codecs),
        _DISTINCT_CODECS,
        Field(min_length=1),
        Form(label="Codecs", help=_CODEC_HELP + " (A peer trunk has no mpeg4.)", join=","),
    ]
    enable: Enable = None
    itsp: Itsp = None
    def_outbound_cid: DefaultCallerId = None
    def_outbound_cid_name: DefaultCallerIdName = None
    outbound_cid_list: OutboundCallerIds = None
    did_list: Dids = None


class YeastarAccountTrunk(ProviderModel):
    """Account trunk: the PBX is the registrar; the other side registers to it with this account."""

    name: TrunkName
    country: Country = "general"
    type: Annotated[Literal["account"], Form(label="Trunk type", help="Account trunk.", fixed=True)] = (
        "account"
    )
    transport: Annotated[
        AccountTransport,
        stated("required", seed("003", "22, 120, 202")),
        stated("one of the listed transports", seed("003", "203-206")),
        Form(label="Transport", help="Transport protocol: udp, tcp or tls (no dnsnaptr for account trunks)."),
    ]
    number: Annotated[
        str,
        stated("required", seed("003", "207")),
        Field(min_length=1),
        Form(
            label="Username",
            help="The user name of the SIP account trunk: the other device registers to this PBX with it.",
        ),
    ]
    # Seed 003 line 208 states no rule for this password (lines 33-35 state one for the register trunk
    # only): any password is accepted here.
    password: Annotated[
        SecretStr,
        stated("required", seed("003", "208")),
        Form(
            label="Password",
            help="The password associated with the user name; the other device registers with it. "
            "This PBX will accept registrations with it: use a long random password.",
        ),
    ]
    auth_name: Annotated[
        str,
        stated("required", seed("003", "36, 209")),
        Field(min_length=1),
        Form(
            label="Authentication name",
            help="The authentication name for a third-party device to register with.",
        ),
    ]
    codec_sel: CodecSelection
    enable: Enable = None
    itsp: Itsp = None
    def_outbound_cid: DefaultCallerId = None
    def_outbound_cid_name: DefaultCallerIdName = None
    outbound_cid_list: OutboundCallerIds = None


YeastarRequest = YeastarRegisterTrunk | YeastarPeerTrunk | YeastarAccountTrunk

_MODES = (
    Mode(
        "register",
        "Register trunk",
        "The PBX registers to your ITSP with the username and password the ITSP gave you.",
        YeastarRegisterTrunk,
    ),
    Mode(
        "peer",
        "Peer trunk",
        "No registration: the PBX and the ITSP accept each other's IP address or domain.",
        YeastarPeerTrunk,
    ),
    Mode(
        "account",
        "Account trunk",
        "The PBX is the registrar: another PBX or device registers to it with this account.",
        YeastarAccountTrunk,
    ),
)


# --- connections: the account and peer trunks offer the PBX; the register trunk needs a registrar -------

# seed 003 lines 33-35: the register trunk's password rule (line 208, the account trunk's password, has none)
STRONG_PASSWORD = PasswordRule(
    "seed 003 lines 33-35",
    min_length=10,
    digit=True,
    upper=True,
    lower=True,
)
_PBX_HOST = "the PBX's web address; behind NAT its public SIP address may differ"
_PBX_PORT = "the PBX's default SIP port"
# offers name codecs canonically (PCMU); Yeastar's codec_sel has its own words
_CODEC_WORDS: dict[str, str] = {"PCMU": "ulaw", "PCMA": "alaw", "H263P": "h263p"}


def _canonical(codec_sel: str) -> tuple[str, ...]:
    words = {word: name for name, word in _CODEC_WORDS.items()}
    return canonical_codecs([words.get(word.strip(), word) for word in codec_sel.split(",")])


def _yeastar_codecs(offer: Offer) -> Sourced[tuple[str, ...]] | None:
    if offer.codecs is None:
        return None
    known = set(get_args(Codec))
    words = tuple(
        word
        for word in (_CODEC_WORDS.get(name, name.lower()) for name in offer.codecs.value)
        if word in known
    )
    return Sourced(words, offer.codecs.origin, offer.codecs.where) if words else None


def _auth_or_username(offer: Offer) -> Sourced[str] | None:
    return offer.auth_name or offer.username


def _domain_or_host(offer: Offer) -> Sourced[str] | None:
    return offer.domain or offer.host


def _proxy_part(index: int) -> Callable[[Offer], Sourced[Any] | None]:
    def take(offer: Offer) -> Sourced[Any] | None:
        if offer.outbound_proxy is None:
            return None
        proxy = offer.outbound_proxy
        host, _, port = proxy.value.rpartition(":") if proxy.value.count(":") == 1 else (proxy.value, "", "")
        parts: tuple[Any, ...] = (1, host, int(port) if port.isdigit() else 5060)
        return Sourced(parts[index], proxy.origin, proxy.where)

    return take


_OFFERINGS = (
    Offering(
        "account",
        OfferKind.REGISTRATION,
        "The PBX as registrar: the other side registers to it with the trunk's username, authentication "
        "name and password.",
    ),
    Offering(
        "peer",
        OfferKind.PEER_ADDRESS,
        "The PBX's address, for a side that allowlists it instead of registering (inferred from the PBX's "
        "web address).",
    ),
)

_NEEDS = (
    Need(
        "yeastar",
        "register",
        OfferKind.REGISTRATION,
        "The PBX registers to the other side's registrar with the account it offers.",
        fills=(
            Fill("hostname", "host", "seed 003 line 28: the domain or IP address of the ITSP"),
            Fill("port", "port", "seed 003 line 29: the registration port"),
            Fill("domain", _domain_or_host, "seed 003 line 30: the ITSP's domain, used in From and To"),
            Fill("transport", "transport", "seed 003 line 22"),
            Fill("username", "username", "seed 003 line 31: the username provided by the ITSP"),
            Fill("auth_name", _auth_or_username, "seed 003 line 36: the authentication name"),
            Fill("password", "password", "seed 003 line 32: the password of the SIP account"),
            Fill("codec_sel", _yeastar_codecs, "seed 003 line 37: codec settings of the trunk"),
            Fill("enb_outbound_proxy", _proxy_part(0), "seed 003 line 64"),
            Fill("outbound_proxy_server", _proxy_part(1), "seed 003 line 72"),
            Fill(
                "outbound_proxy_port",
                _proxy_part(2),
                "seed 003 line 73",
                inferred=True,
                why="the proxy's own port, else SIP's default 5060",
            ),
            Fill(
                "def_outbound_cid",
                "caller_id",
                "seed 003 line 74: the other side's caller ID as the trunk's default",
                inferred=True,
                why="the other side's caller ID as the trunk's default",
            ),
        ),
        password_rules=(STRONG_PASSWORD,),
    ),
)


def _pbx_offer_base(source: OfferInput) -> tuple[Sourced[str], Sourced[int], Sourced[Any] | None]:
    host = Sourced(source.host(), Origin.INFERRED, _PBX_HOST)
    port = Sourced(5060, Origin.INFERRED, _PBX_PORT)
    transport = source.value("transport")
    return (
        host,
        port,
        transport if transport is not None and transport.value in ("udp", "tcp", "tls") else None,
    )


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


_STATUS_HINT = (
    "trunk/list status: 1 idle (registered/reachable), 4 registering, 41 registration failed, "
    "42 unreachable, 43 account trunk unavailable (nothing registered yet), 45 authentication failed."
)


def _token_session(account: YeastarAccount, api_url: str) -> YeastarToken:
    # get_token with the Client ID and Secret; the token then goes in every call's query (seed 003)
    return YeastarToken(api_url, account.client_id, account.client_secret)


class Yeastar(Provider[YeastarAccount, YeastarRequest]):
    key = "yeastar"
    title = "Yeastar P-Series"
    lookups = {"itsp_countries": "ITSP countries of the PBX", "itsps": "ITSP templates of the PBX"}
    creates = "SIP trunk"
    summary = "Add a register, peer or account SIP trunk on a Yeastar P-Series PBX through its OpenAPI."
    docs = "https://help.yeastar.com/en/p-series-software-edition/developer-guide/add-a-sip-trunk.html"
    account_model = YeastarAccount
    modes = _MODES
    auth_scheme = TokenSessionScheme(_token_session)
    existing = Match(items="data", key="name")
    offerings = _OFFERINGS
    needs = _NEEDS
    # What Yeastar adds to the SIP check's explanations (Y14: trunk fields auth_name, outbound proxy).
    sip_hints = {
        "auth-rejected": "Yeastar: the trunk's Authentication Name (auth_name) is the auth ID and often "
        "differs from the Username; copy both from the ITSP.",
        "auth-id-refused": "Yeastar: the trunk's Authentication Name (auth_name) must be the one the ITSP "
        "pairs with the Username.",
        "proxy-only": "Yeastar: the outbound proxy is set on the trunk (enb_outbound_proxy, "
        "outbound_proxy_server, outbound_proxy_port).",
        "direct-only": "Yeastar: the outbound proxy is set on the trunk (enb_outbound_proxy, "
        "outbound_proxy_server, outbound_proxy_port).",
    }

    def base_url(self, account: YeastarAccount) -> str:
        return account.base_url.rstrip("/") + API_PATH

    def create_call(self, mode: Mode, request: YeastarRequest) -> Call:
        return Call("POST", "/trunk/create", json=wire_body(request, keep_secrets=True))

    def created(self, mode: Mode, request: YeastarRequest, body: Any, account: YeastarAccount) -> Created:
        returned = dict(body) if isinstance(body, Mapping) else {}
        trunk_id = str(returned.get("id", ""))
        name = str(getattr(request, "name", ""))
        where = f"In the PBX web portal, Extension and Trunk > Trunk: trunk {name} (id {trunk_id})"
        steps: list[str] = []
        other_end: list[str] = []
        if isinstance(request, YeastarRegisterTrunk):
            steps.append(
                f"{where} should show as registered to {request.hostname}:{request.port} within a minute. "
                + _STATUS_HINT
            )
            if request.enb_outbound_proxy == 1:
                steps.append(
                    f"Registration goes through the outbound proxy {request.outbound_proxy_server}:"
                    f"{request.outbound_proxy_port}: check that it forwards to {request.domain}."
                )
        elif isinstance(request, YeastarPeerTrunk):
            steps.append(
                f"{where}: the ITSP must send calls from {request.hostname}:{request.port} over "
                f"{request.transport.upper()}; allow that address in Security > Firewall. " + _STATUS_HINT
            )
        elif isinstance(request, YeastarAccountTrunk):
            register = (
                "Configure the other PBX or device to register to this PBX's SIP port (default 5060) over "
                f"{request.transport.upper()} with username {request.number}, authentication name "
                f"{request.auth_name} and the password sent."
            )
            steps += [register, f"{where} shows when it has registered. " + _STATUS_HINT]
            other_end.append(register)
        steps.append(
            "Add an inbound route (Call Control > Inbound Routes) and an outbound route using this "
            "trunk; without routes no call uses it."
        )
        return Created(
            ref=ResourceRef(self.key, mode.key, trunk_id),
            title=f"SIP trunk {name} ({mode.title})",
            returned=returned,
            next_steps=tuple(steps),
            other_end_steps=tuple(other_end),
        )

    def sip_targets(
        self, mode: Mode, request: YeastarRequest, account: YeastarAccount, created: Created | None
    ) -> list[SipCheckPlan]:
        if isinstance(request, YeastarRegisterTrunk):
            proxy = None
            if request.enb_outbound_proxy == 1 and request.outbound_proxy_server:
                proxy = request.outbound_proxy_server
                if request.outbound_proxy_port:
                    proxy = f"{_bracketed(proxy)}:{request.outbound_proxy_port}"
            # The PBX registers to the ITSP: the REGISTER tests the account the ITSP gave.
            return [
                SipCheckPlan(
                    title="ITSP registrar",
                    host=request.hostname,
                    port=request.port,
                    transport=request.transport,
                    proxy=proxy,
                    username=request.username,
                    auth_username=request.auth_name,
                    password=request.password,
                    note="The PBX will register here with the username, authentication name and password.",
                )
            ]
        if isinstance(request, YeastarPeerTrunk):
            return [
                SipCheckPlan(
                    title="PBX trunk peer",
                    host=request.hostname,
                    port=request.port,
                    transport=request.transport,
                    note="Peer trunk: no registration, so only DNS and OPTIONS are checked.",
                )
            ]
        return []

    def offer(self, offering: Offering, source: OfferInput) -> Offer:
        host, port, transport = _pbx_offer_base(source)
        common: dict[str, Any] = {
            "provider": self.key,
            "provider_title": self.title,
            "mode": offering.mode,
            "kind": offering.kind,
            "host": host,
            "port": port,
            "transport": transport,
            "signalling": Sourced((host.value,), Origin.INFERRED, _PBX_HOST),
        }
        if offering.mode == "peer":
            return Offer(**common)
        if offering.mode != "account":
            return super().offer(offering, source)
        password = source.typed_password("password")
        codecs = source.text(source.request, "codec_sel")
        return Offer(
            **common,
            domain=Sourced(host.value, Origin.INFERRED, _PBX_HOST),
            username=source.value("number"),  # seed 003 line 207: the user name of the SIP account trunk
            auth_name=source.value("auth_name"),  # seed 003 line 209
            password=Sourced(password, Origin.REQUEST, "password") if password else None,
            caller_id=source.value("def_outbound_cid"),
            codecs=Sourced(_canonical(codecs), Origin.REQUEST, "codec_sel") if codecs else None,
        )

    def get_call(self, ref: ResourceRef) -> Call | None:
        return Call("GET", "/trunk/get", params={"id": ref.id})

    def delete_call(self, ref: ResourceRef) -> Call | None:
        # The P-Series API deletes with GET.
        return Call("GET", "/trunk/delete", params={"id": ref.id})

    def find_call(self, mode: Mode, request: YeastarRequest, cursor: str | None = None) -> Call | None:
        name = str(getattr(request, "name", ""))
        params = {"search_value": name, "page": cursor or "1", "page_size": str(FIND_PAGE_SIZE)}
        return Call("GET", "/trunk/search", params=params)

    def find_next(self, body: Any, cursor: str | None) -> str | None:
        # the search matches parts of names too, so more than a page of near namesakes can come back
        total = body.get("total_number") if isinstance(body, Mapping) else None
        page = int(cursor or "1")
        return str(page + 1) if isinstance(total, int) and total > page * FIND_PAGE_SIZE else None

    def lookup_call(self, name: str, cursor: str | None, of: str | None = None) -> Call:
        if name not in self.lookups:
            return super().lookup_call(name, cursor)
        return Call("GET", "/trunk/itsp_list")  # one answer, no paging (developer guide)

    def lookup_page(self, name: str, body: Any) -> tuple[list[Choice], str | None]:
        if name not in self.lookups:
            return super().lookup_page(name, body)
        rows = body.get("data") if isinstance(body, Mapping) else None
        templates = [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []
        if name == "itsp_countries":
            countries = dict.fromkeys(str(r["country"]) for r in templates if r.get("country"))
            general = Choice("general", "general (no ITSP template)")
            return [general, *(Choice(c, c) for c in countries)], None
        return [
            Choice(str(r["name"]), f"{r['name']} ({r.get('country', '')})")
            for r in templates
            if r.get("name")
        ], None

    def check_body(self, body: Any) -> ProviderError | None:
        remember_secrets(body)  # trunk/get returns the trunk password in clear text
        code = errcode_of(body)
        if code is None or code == 0 or not isinstance(body, Mapping):
            return None
        return yeastar_error(body, status=200, our_field=self.our_field)

    def error(self, status: int, body: Any) -> ProviderError:
        if errcode_of(body) is not None:
            return yeastar_error(body, status=status, our_field=self.our_field)
        return super().error(status, body)


# --- inventory: GET trunk/list pages with page/page_size ({total_number, data}) ------------------------

# trunk/list `status` (developer guide "Query trunk list" and Cloud "Search specific trunks"), in words.
TRUNK_STATUS = {
    0: "unknown",
    1: "idle",
    2: "busy",
    3: "idle (not monitored)",
    4: "registering",
    41: "registration failed: check username/password",
    42: "unreachable",
    43: "unavailable: nothing registered to it",
    44: "disabled",
    45: "authentication failed",
}


class YeastarListing(Listing):
    what = "SIP trunks"
    shows_status = True
    id_pattern = DIGITS_PATTERN
    columns = (
        Column("name", "Trunk name", 14),
        Column("type", "Type", 8),
        Column("host", "Host:port", 18),
        Column("username", "Username", 10),
    )
    delete_consequence = (
        "Deleting removes the trunk from the PBX: calls routed through it fail at once, and inbound or "
        "outbound routes that use it may refuse the delete until they are changed."
    )
    confirm_label = "trunk name"
    confirm_wire = "name"

    # POST trunk/update: `id` and any create field, all optional (developer guide "Edit a SIP trunk")
    update_semantics = "trunk/update takes the id and only the fields that change; the rest keep their value."
    read_only_fields = {
        "id": "the trunk's id",
        "type": "trunk/update cannot change a trunk's type: delete it and create another",
    }
    secret_fields = frozenset({"password"})
    password_field = "password"
    password_rules = (STRONG_PASSWORD,)

    def update_call(self, ref: ResourceRef, current: Mapping[str, Any], changes: Mapping[str, Any]) -> Call:
        return Call("POST", "/trunk/update", json={"id": int(ref.id), **changes})

    def mode_of(self, resource: Mapping[str, Any]) -> str:
        kind = resource.get("type")
        return kind if kind in ("register", "peer", "account") else ""

    def can_rotate(self, current: Mapping[str, Any]) -> str | None:
        if current.get("type") in ("register", "account"):
            return None
        return "a peer trunk has no password: the two sides accept each other's address"

    def first_call(self, page_size: int) -> Call:
        return Call("GET", "/trunk/list", params={"page": "1", "page_size": str(page_size)})

    def page(self, body: Any, call: Call, page_size: int) -> tuple[list[Item], Call | None]:
        rows = body.get("data") if isinstance(body, Mapping) else None
        items = [self._item(r) for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []
        page = int(call.params.get("page", "1"))
        total = body.get("total_number") if isinstance(body, Mapping) else None
        if not items or not isinstance(total, int) or total <= page * page_size:
            return items, None
        return items, Call("GET", "/trunk/list", params={"page": str(page + 1), "page_size": str(page_size)})

    @staticmethod
    def _item(row: Mapping[str, Any]) -> Item:
        kind = str(row.get("type") or "")
        code = row.get("status")
        status = TRUNK_STATUS.get(code, f"status {code}") if isinstance(code, int) else ""
        cells = {
            "name": str(row.get("name") or ""),
            "type": kind,
            "host": str(row.get("host_port") or ""),
            "username": str(row.get("username") or ""),
        }
        mode = kind if kind in ("register", "peer", "account") else ""
        return Item(
            ResourceRef("yeastar", mode, str(row.get("id", ""))),
            cells,
            status=status,
            confirm=str(row.get("name") or ""),
            summary=dict(row),
        )


Yeastar.listing = YeastarListing()
