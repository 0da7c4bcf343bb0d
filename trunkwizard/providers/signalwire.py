"""SignalWire: create a SIP endpoint (SIP credential) for a Fabric subscriber.

Seed 001; `POST https://{space}.signalwire.com/api/fabric/resources/subscribers/{fabric_subscriber_id}/sip_endpoints`,
HTTP Basic (project id : API token), success 201 with the endpoint itself, validation errors 422
`{"errors": [{"type", "code", "message", "attribute", "url"}]}`, other errors `{"error": "Unauthorized"}`.
The subscriber is picked from `GET /api/fabric/resources/subscribers`, paged by `links.next`.

The seed documents the older API (password_confirmation, call_handler); the current official spec
(../shared/openapi/signalwire-fabric-subscribers-sip-endpoints.openapi.yaml) no longer accepts them on this
call. The current fields are sent by default; the seed's are kept behind the "legacy API fields" toggle.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, SecretStr

from trunkwizard.connect import Offer, Offering, OfferInput, OfferKind, Origin, Sourced, canonical_codecs
from trunkwizard.errors import AuthenticationFailed, Problem, ProviderError
from trunkwizard.fields import Choice, Form, Kind, ProviderModel, path_values, when, wire_body
from trunkwizard.providers._auth import BasicScheme
from trunkwizard.providers._base import (
    Call,
    Created,
    Match,
    Mode,
    Provider,
    ResourceRef,
    SipCheckPlan,
    error_text,
)
from trunkwizard.providers._listing import MAX_PAGES, Column, Item, Listing, Send
from trunkwizard.redact import redact
from trunkwizard.rules import Rule, inferred, seed, spec, stated
from trunkwizard.values import e164_rule, normalized_e164, uuid_value

__all__ = ["SignalWire", "SignalWireAccount", "SignalWireSipEndpoint"]

SUBSCRIBERS_PATH = "/api/fabric/resources/subscribers"

Cipher = Literal[
    "AEAD_AES_256_GCM_8",
    "AES_256_CM_HMAC_SHA1_80",
    "AES_CM_128_HMAC_SHA1_80",
    "AES_256_CM_HMAC_SHA1_32",
    "AES_CM_128_HMAC_SHA1_32",
]
# The current spec's enum. The seed's older one (OPUS, G722, PCMU, PCMA, G729, VP8, H264) is a subset.
Codec = Literal[
    "PCMU",
    "PCMA",
    "G722",
    "G729",
    "OPUS",
    "OPUS@48000H@20I",
    "OPUS@24000H@20I",
    "OPUS@16000H@20I",
    "OPUS@8000H@20I",
    "VP8",
    "H264",
]
Encryption = Literal["default", "required", "optional"]
CallHandler = Literal["default", "passthrough", "block-pstn"]

_SPACE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _space(value: str) -> str:
    """The space name; a pasted Space URL or host (example.signalwire.com) is cut down to it."""
    text = value.strip().lower()
    text = re.sub(r"^https?://", "", text).split("/", 1)[0]
    text = text.removesuffix(".signalwire.com")
    if not _SPACE.match(text):
        raise ValueError(
            "enter the Space name: the part before .signalwire.com in your Space URL, "
            "e.g. example for https://example.signalwire.com"
        )
    return text


def _http_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("enter a URL starting with https://, e.g. https://example.signalwire.com")
    if parts.query or parts.fragment:
        raise ValueError("enter the base URL without ?query or #fragment")
    return value.strip().rstrip("/")


def _sip_username(value: str) -> str:
    if any(c.isspace() for c in value) or "@" in value:
        raise ValueError(
            "a SIP username becomes sip:username@your-space.sip.signalwire.com, where spaces and @ do not "
            "fit: SignalWire may refuse it"
        )
    return value


_SPEC = "signalwire-fabric-subscribers-sip-endpoints.openapi.yaml"


def _project_uuid(value: str) -> str:
    try:
        uuid_value(value)
    except ValueError:
        raise ValueError(
            "SignalWire's Project IDs are UUIDs (d369a402-7b43-4512-8735-9d5e1f387814); this one is not: "
            "SignalWire may refuse it"
        ) from None
    return value


class SignalWireAccount(ProviderModel):
    space: Annotated[
        str,
        stated("required", spec(_SPEC, "servers: {space_name} has no default a request can use")),
        Rule(
            "a Space name: one DNS label, the part before .signalwire.com",
            spec(_SPEC, "servers: https://{space_name}.signalwire.com"),
            _space,
        ),
        Form(
            label="Space name",
            help="Your SignalWire Space: the part before .signalwire.com in the Space URL "
            "(e.g. example for https://example.signalwire.com). Dashboard > API Credentials.",
            placeholder="example",
        ),
    ]
    project_id: Annotated[
        str,
        stated("required", spec(_SPEC, "securitySchemes.SignalWireBasicAuth: Project ID and API Token")),
        Rule(
            "a UUID",
            inferred(f"{_SPEC} SubscriberResponse.project_id: a string, example d369a402-7b43-…"),
            _project_uuid,
        ),
        Form(
            label="Project ID",
            help="Dashboard > API Credentials > Project ID (a UUID). Used as the HTTP Basic user name.",
            placeholder="3fa85f64-5717-4562-b3fc-2c963f66afa6",
        ),
    ]
    api_token: Annotated[
        SecretStr,
        stated("required", spec(_SPEC, "securitySchemes.SignalWireBasicAuth: Project ID and API Token")),
        Form(
            label="API token",
            help="Dashboard > API Credentials > API Tokens (starts with PT). Used as the HTTP Basic "
            "password. The token needs one of the scopes Voice, Messaging, Fax or Video.",
        ),
    ]
    base_url: Annotated[
        str | None,
        Rule(
            "an http(s) URL without query or fragment",
            spec(_SPEC, "servers: url https://{space_name}.signalwire.com"),
            _http_url,
        ),
        Form(
            label="API base URL override",
            help="Leave empty to use https://<space>.signalwire.com. Only for the sandbox or a proxy.",
            section="advanced",
        ),
    ] = None


_LEGACY = when("legacy_api_fields", True)


class SignalWireSipEndpoint(ProviderModel):
    fabric_subscriber_id: Annotated[
        str,
        stated("required", seed("001", "15")),
        Rule("a UUID", seed("001", "15"), uuid_value),
        Form(
            label="Subscriber",
            help="The Fabric subscriber that owns the SIP endpoint (its unique ID, a UUID). The list comes "
            "from your Space (GET /api/fabric/resources/subscribers): create subscribers in the "
            "Dashboard under Resources > Subscribers first.",
            choices_from="subscribers",
            location="path",
        ),
    ]
    username: Annotated[
        str,
        stated("required", seed("001", "31")),
        Rule(
            "no spaces or @",
            # reference providers-signalwire-yeastar.md line 203 says it of the legacy relay endpoints only
            inferred(
                "the legacy relay SIP endpoints' username rule; the Fabric seed 001 line 31 types a string"
            ),
            _sip_username,
        ),
        Field(min_length=1),
        Form(
            label="SIP username",
            help="Username of the SIP endpoint, e.g. justice-league. The device registers as "
            "sip:username@<your SIP domain>. Must be unique in the project; no spaces or @.",
            placeholder="alice-desk",
        ),
    ]
    password: Annotated[
        SecretStr,
        stated("required", seed("001", "36")),
        Form(
            label="SIP password",
            help="Password of the SIP endpoint: the device registers with it. SignalWire never returns "
            "it, so keep it for the PBX or phone configuration. Use a long random password.",
        ),
    ]
    password_confirmation: Annotated[
        SecretStr,
        stated("required", seed("001", "41")),
        Form(
            label="Confirm password",
            help="Confirmation of the password: type it again. Checked here; sent to SignalWire only with "
            "the legacy API fields (the older API required it).",
            confirm_of="password",
            sent_when=_LEGACY,
        ),
    ]
    caller_id: Annotated[
        str | None,
        Form(
            label="Caller ID",
            help="Caller ID of the SIP endpoint, e.g. call-id-123: the name or number shown to the "
            "callee for calls between SIP endpoints. SignalWire accepts an E.164 number, a caller ID "
            "string or a SIP URI. Optional.",
        ),
    ] = None
    send_as: Annotated[
        str | None,
        AfterValidator(normalized_e164),
        e164_rule(
            "SignalWire",
            inferred("the spec's example +14632322867; send_as is typed as a string"),
            example="+14632322867",
            also=("random",),
        ),
        Form(
            label="Send as number",
            help="The number to send as on PSTN calls, in E.164, e.g. +14632322867. It must be a number "
            "purchased or verified in this SignalWire project. Optional: empty uses the SIP profile's "
            "default.",
            placeholder="+14632322867",
        ),
    ] = None
    ciphers: Annotated[
        list[Cipher] | None,
        stated("one of the spec's CipherType values", spec(_SPEC, "ciphers: CipherType enum")),
        Form(
            label="SRTP ciphers",
            help="Ciphers of the SIP endpoint (SRTP crypto suites the device may use). Optional: none "
            "selected uses the SIP profile's defaults.",
        ),
    ] = None
    codecs: Annotated[
        list[Codec] | None,
        stated(
            "one of the spec's CodecType values",
            spec(_SPEC, "codecs: CodecType enum (seed 001 line 66: a subset)"),
        ),
        Form(
            label="Codecs",
            help="Codecs of the SIP endpoint, in order of preference. Optional: none selected uses the "
            "SIP profile's defaults. The OPUS@rate variants fix the Opus sample rate; the older API "
            "knew only OPUS, G722, PCMU, PCMA, G729, VP8 and H264.",
            kind=Kind.ORDERED_CHOICE,
        ),
    ] = None
    encryption: Annotated[
        Encryption,
        stated("one of default, required, optional", seed("001", "72")),
        Form(
            label="Encryption",
            help="Encryption requirement of the SIP endpoint: required (TLS and SRTP only), optional "
            "(encrypt when the device offers it) or default (the SIP profile's setting).",
        ),
    ] = "default"
    legacy_api_fields: Annotated[
        bool,
        Form(
            label="Legacy API fields",
            help="Off unless SignalWire answers that password_confirmation or call_handler is missing: "
            "an older version of the API required them, the current API rejects them. On sends "
            "password_confirmation and shows call_handler.",
            sent=False,
            section="legacy",
        ),
    ] = False
    call_handler: Annotated[
        CallHandler | None,
        stated("one of default, passthrough, block-pstn", seed("001", "29")),
        Form(
            label="Call handler",
            help="Legacy API only. Outbound call policy of the SIP endpoint: default (the Space's SIP "
            "profile decides), passthrough (may dial PSTN), block-pstn (may not dial PSTN).",
            shown_when=_LEGACY,
            legacy=True,
            section="legacy",
        ),
    ] = None


_MODES = (
    Mode(
        "sip-endpoint",
        "Subscriber SIP endpoint",
        "A SIP username and password for a Fabric subscriber, for a desk phone, softphone or PBX.",
        SignalWireSipEndpoint,
        by_endpoint=True,
    ),
)


SIP_PROFILE_PATH = "/api/relay/rest/sip_profile"

_OFFERINGS = (
    Offering(
        "sip-endpoint",
        OfferKind.REGISTRATION,
        "Register to the Space's SIP domain (read from its SIP profile) with the endpoint's username and "
        "password.",
        reads={"sip_profile": SIP_PROFILE_PATH},
    ),
)


def _next_link(body: Any, path_suffix: str, what: str) -> str | None:
    """A list's `links.next`, None on its last page; refused unless it is the same kind of list."""
    links = body.get("links", {}) if isinstance(body, dict) else {}
    following = links.get("next") if isinstance(links, dict) else None
    if not isinstance(following, str) or not following:
        return None
    parts = urlsplit(following)
    if parts.scheme not in ("http", "https") or not parts.path.endswith(path_suffix):
        shown = redact(following)
        raise ProviderError(f"SignalWire's next page link is not a {what} ({shown}): not followed")
    return following


class SignalWire(Provider[SignalWireAccount, SignalWireSipEndpoint]):
    key = "signalwire"
    title = "SignalWire"
    creates = "SIP endpoint"
    summary = "Create a SIP endpoint (SIP credential) for a SignalWire Fabric subscriber."
    docs = (
        "https://signalwire.com/docs/apis/rest/subscribers/sip-credentials/create-subscriber-sip-credential"
    )
    account_model = SignalWireAccount
    modes = _MODES
    auth_scheme = BasicScheme(user="project_id", secret="api_token")
    existing = Match(items="data", key="username")
    offerings = _OFFERINGS
    lookups = {"subscribers": "Fabric subscribers of the project"}
    # What SignalWire adds to the SIP check's explanations (S1 §1.8: the registration domain).
    sip_hints = {
        "user-not-found": "SignalWire: register to the Space's SIP domain (Dashboard, SIP > SIP Profile), "
        "e.g. your-space.sip.signalwire.com, with the endpoint's username.",
        "dns-nxdomain": "SignalWire: the SIP domain is shown in the Dashboard under SIP > SIP Profile; some "
        "Spaces have a suffix (YOURSPACE-123456abc.sip.signalwire.com).",
    }

    def base_url(self, account: SignalWireAccount) -> str:
        return account.base_url or f"https://{account.space}.signalwire.com"

    def create_call(self, mode: Mode, request: SignalWireSipEndpoint) -> Call:
        subscriber = path_values(request)["fabric_subscriber_id"]
        return Call(
            "POST",
            f"{SUBSCRIBERS_PATH}/{subscriber}/sip_endpoints",
            json=wire_body(request, keep_secrets=True),
        )

    def created(
        self, mode: Mode, request: SignalWireSipEndpoint, body: Any, account: SignalWireAccount
    ) -> Created:
        data = body if isinstance(body, dict) else {}
        returned = {k: v for k, v in data.items() if k not in ("password", "password_confirmation")}
        username = str(data.get("username") or request.username)
        steps = [
            f"Register the device or PBX as sip:{username}@<SIP domain> with the password sent "
            "(SignalWire never returns it). Read the SIP domain in the Dashboard (SIP > SIP Profile) or "
            "from GET /api/relay/rest/sip_profile (field domain): it looks like "
            f"{account.space}.sip.signalwire.com but may carry a suffix, e.g. "
            f"{account.space}-123abc.sip.signalwire.com.",
        ]
        encryption = str(data.get("encryption") or request.encryption)
        if encryption == "required":
            steps.append("Encryption is required: use TLS transport (port 5061) and SRTP on the device.")
        elif encryption == "optional":
            steps.append("Encryption is optional: TLS and SRTP are used when the device offers them.")
        else:
            steps.append("Encryption follows the SIP profile's default_encryption (Dashboard > SIP Profile).")
        codecs = data.get("codecs") or request.codecs
        if codecs:
            steps.append(f"Offer the same codecs on the device: {', '.join(str(c) for c in codecs)}.")
        send_as = data.get("send_as") or request.send_as
        if send_as:
            steps.append(f"PSTN calls from this endpoint show {send_as}.")
        return Created(
            ref=ResourceRef(
                self.key, mode.key, str(data.get("id", "")), path_values={**path_values(request)}
            ),
            title=f"SIP endpoint {username}",
            returned=returned,
            next_steps=tuple(steps),
            other_end_steps=(steps[0],),
        )

    def follow_up_calls(self, mode: Mode, request: SignalWireSipEndpoint) -> list[Call]:
        # The SIP domain the device registers to, from the account itself (reference 1.8: read it, do not
        # build it from the Space name), so the next steps name it instead of sending to the Dashboard.
        return [Call("GET", SIP_PROFILE_PATH)]

    def followed_up(
        self, mode: Mode, request: SignalWireSipEndpoint, created: Created, call: Call, body: Any
    ) -> Created:
        domain = body.get("domain") if isinstance(body, dict) else None
        if call.path != SIP_PROFILE_PATH or not isinstance(domain, str) or not domain:
            return created
        username = str(created.returned.get("username") or getattr(request, "username", ""))
        first = (
            f"Register the device or PBX as sip:{username}@{domain} with the password sent "
            "(SignalWire never returns it); the domain is the account's SIP profile "
            "(GET /api/relay/rest/sip_profile)."
        )
        return replace(created, next_steps=(first, *created.next_steps[1:]), other_end_steps=(first,))

    def sip_targets(
        self, mode: Mode, request: SignalWireSipEndpoint, account: SignalWireAccount, created: Created | None
    ) -> list[SipCheckPlan]:
        returned = created.returned if created is not None else {}
        encryption = str(returned.get("encryption") or request.encryption)
        return [
            SipCheckPlan(
                title="SignalWire SIP domain",
                host=f"{account.space}.sip.signalwire.com",
                transport="tls" if encryption == "required" else "udp",
                username=str(returned.get("username") or request.username),
                password=request.password,
                before_submit=False,
                provider_host=True,
                note="Built from the Space name; if the Dashboard (SIP > SIP Profile) shows a domain with "
                "a suffix, the device must use that one.",
            )
        ]

    def offer(self, offering: Offering, source: OfferInput) -> Offer:
        profile = source.reads.get("sip_profile")
        profile = profile if isinstance(profile, dict) else {}
        # The domain is read, never built from the Space name: it may carry a suffix (SipProfileResponse)
        domain = source.text(profile, "domain")
        if domain is None:
            raise ProviderError(
                "SignalWire's SIP profile (GET /api/relay/rest/sip_profile) gave no domain: read the SIP "
                "domain in the Dashboard under SIP > SIP Profile"
            )
        registrar = Sourced(domain, Origin.ANSWER, "sip_profile: domain")
        encryption = source.text(source.answer, "encryption") or source.text(source.request, "encryption")
        if encryption in (None, "default"):  # "default": the SIP profile's own setting decides
            profile_default = source.text(profile, "default_encryption")
            encryption = f"default, the profile's {profile_default}" if profile_default else "default"
        tls = encryption.endswith("required")
        why = f"encryption {encryption}: " + ("TLS on 5061" if tls else "UDP on 5060")
        username = source.value("username")
        password = source.typed_password("password")
        codecs = source.answer.get("codecs") or source.request.get("codecs")
        default_codecs = profile.get("default_codecs")
        offered_codecs: Sourced[tuple[str, ...]] | None = None
        if codecs:
            offered_codecs = Sourced(canonical_codecs(codecs), Origin.ANSWER, "codecs")
        elif default_codecs:
            offered_codecs = Sourced(
                canonical_codecs(default_codecs), Origin.ANSWER, "sip_profile: default_codecs"
            )
        send_as = source.value("send_as")
        if send_as is None and (default := source.text(profile, "default_send_as")):
            send_as = Sourced(default, Origin.ANSWER, "sip_profile: default_send_as")
        return Offer(
            provider=self.key,
            provider_title=self.title,
            mode=offering.mode,
            kind=offering.kind,
            host=registrar,
            port=Sourced(5061 if tls else 5060, Origin.INFERRED, why),
            transport=Sourced("tls" if tls else "udp", Origin.INFERRED, why),
            domain=registrar,
            username=username,
            auth_name=username,
            password=Sourced(password, Origin.REQUEST, "password") if password else None,
            caller_id=send_as,
            codecs=offered_codecs,
            signalling=Sourced((domain,), Origin.ANSWER, "sip_profile: domain"),
        )

    def _endpoint_path(self, ref: ResourceRef) -> str:
        subscriber = ref.path_values.get("fabric_subscriber_id", "")
        return f"{SUBSCRIBERS_PATH}/{subscriber}/sip_endpoints/{ref.id}"

    def get_call(self, ref: ResourceRef) -> Call | None:
        return Call("GET", self._endpoint_path(ref))

    def delete_call(self, ref: ResourceRef) -> Call | None:
        return Call("DELETE", self._endpoint_path(ref))

    def find_call(self, mode: Mode, request: SignalWireSipEndpoint, cursor: str | None = None) -> Call | None:
        if cursor:
            return Call("GET", cursor)  # the absolute links.next URL, checked by find_next
        subscriber = path_values(request)["fabric_subscriber_id"]
        # page_size is not declared on this operation but is on SignalWire's other lists (max 1000).
        return Call("GET", f"{SUBSCRIBERS_PATH}/{subscriber}/sip_endpoints", params={"page_size": "1000"})

    def find_next(self, body: Any, cursor: str | None) -> str | None:
        following = _next_link(body, "/sip_endpoints", "SIP endpoint list")
        return following if following != cursor else None

    def lookup_call(self, name: str, cursor: str | None, of: str | None = None) -> Call:
        if name != "subscribers":
            return super().lookup_call(name, cursor)
        # The cursor is the absolute links.next URL; the auth refuses it unless it is on the base URL's host.
        return Call("GET", cursor or SUBSCRIBERS_PATH)

    def lookup_page(self, name: str, body: Any) -> tuple[list[Choice], str | None]:
        if name != "subscribers":
            return super().lookup_page(name, body)
        data = body.get("data", []) if isinstance(body, dict) else []
        choices: list[Choice] = []
        for item in data if isinstance(data, list) else []:
            if not isinstance(item, dict) or not item.get("id"):
                continue
            # The top-level id is the one the API takes as fabric_subscriber_id (signalwire/docs-legacy#509).
            choices.append(Choice(str(item["id"]), _subscriber_label(item)))
        return choices, _next_link(body, SUBSCRIBERS_PATH, "subscriber list")

    def error(self, status: int, body: Any) -> ProviderError:
        if isinstance(body, dict) and isinstance(body.get("errors"), list):
            return self._validation_error(status, body["errors"])
        text = str(body.get("error")) if isinstance(body, dict) and body.get("error") else None
        if text is None:
            return super().error(status, body)
        if status in (401, 403):
            return AuthenticationFailed(
                f"SignalWire: {text}: check the space name, the project ID and the API token, and that the "
                "token has one of the scopes Voice, Messaging, Fax or Video",
                status=status,
            )
        if status == 404:
            return ProviderError(
                f"SignalWire: {text}: the subscriber or SIP endpoint does not exist in this space "
                "(pick the subscriber again, or check the space name)",
                status=status,
            )
        return ProviderError(f"SignalWire answered HTTP {status}: {text}", status=status)

    def _validation_error(self, status: int, errors: list[Any]) -> ProviderError:
        problems = [
            Problem(self.our_field(_text(e.get("attribute"))) or "", _text(e.get("message")) or "invalid")
            for e in errors
            if isinstance(e, dict)
        ]
        codes = [_text(e.get("code")) for e in errors if isinstance(e, dict) and e.get("code")]
        detail = "; ".join(str(p) for p in problems) or error_text(errors, "no details")
        first = next((p.field for p in problems if p.field), None)
        return ProviderError(
            f"SignalWire rejected the request: {detail}",
            status=status,
            field=first,
            problems=problems,
            code=", ".join(codes) or None,
        )


def _text(value: Any) -> str:
    return str(value) if value is not None else ""


def _subscriber_label(item: dict[str, Any]) -> str:
    subscriber = item.get("subscriber")
    details: dict[str, Any] = subscriber if isinstance(subscriber, dict) else {}
    name = item.get("display_name") or details.get("display_name") or ""
    email = details.get("email") or ""
    return f"{name} <{email}>" if name and email else str(name or email or item["id"])


# --- inventory: every subscriber (paged by links.next), then each one's SIP endpoints (paged the same) ---


class SignalWireListing(Listing):
    what = "subscriber SIP endpoints"
    columns = (
        Column("username", "Username", 12),
        Column("subscriber", "Subscriber", 24),
        Column("caller_id", "Caller ID", 16),
    )
    delete_consequence = (
        "Deleting removes the SIP endpoint: phones and PBXs registered with its username stop working "
        "at once."
    )
    confirm_label = "username"
    confirm_wire = "username"

    # PATCH .../sip_endpoints/{id}: every body field optional (update_subscriber_sip_credential)
    update_semantics = (
        "PATCH is partial: only the fields shown as changing are sent; the rest keep their value."
    )
    read_only_fields = {"id": "set by SignalWire"}
    secret_fields = frozenset({"password"})
    password_field = "password"

    def update_call(self, ref: ResourceRef, current: Mapping[str, Any], changes: Mapping[str, Any]) -> Call:
        path = f"{SUBSCRIBERS_PATH}/{ref.path_values.get('fabric_subscriber_id', '')}/sip_endpoints/{ref.id}"
        return Call("PATCH", path, json=dict(changes))

    def first_call(self, page_size: int) -> Call:
        return Call("GET", SUBSCRIBERS_PATH, params={"page_size": str(page_size)})

    def page(self, body: Any, call: Call, page_size: int) -> tuple[list[Item], Call | None]:
        raise NotImplementedError("SignalWire's inventory is two listings deep: use items()")

    def ref_of(self, key: str) -> ResourceRef | None:
        subscriber, _, endpoint = key.rpartition("/")
        if not subscriber or not endpoint:
            return None
        return ResourceRef("signalwire", "sip-endpoint", endpoint, {"fabric_subscriber_id": subscriber})

    async def items(self, send: Send, page_size: int) -> AsyncIterator[Item]:
        subscribers: list[dict[str, Any]] = []
        call: Call | None = self.first_call(page_size)
        for _ in range(MAX_PAGES):
            if call is None:
                break
            body = await send(call)
            data = body.get("data") if isinstance(body, dict) else None
            subscribers += (
                [s for s in data if isinstance(s, dict) and s.get("id")] if isinstance(data, list) else []
            )
            following = _next_link(body, SUBSCRIBERS_PATH, "subscriber list")
            call = Call("GET", following) if following else None
        for subscriber in subscribers:
            sid = str(subscriber["id"])
            path = f"{SUBSCRIBERS_PATH}/{sid}/sip_endpoints"
            call = Call("GET", path, params={"page_size": str(page_size)})
            for _ in range(MAX_PAGES):
                if call is None:
                    break
                body = await send(call)
                data = body.get("data") if isinstance(body, dict) else None
                for row in data if isinstance(data, list) else []:
                    if isinstance(row, dict) and row.get("id"):
                        yield self._item(row, sid, _subscriber_label(subscriber))
                following = _next_link(body, "/sip_endpoints", "SIP endpoint list")
                call = Call("GET", following) if following else None

    @staticmethod
    def _item(row: dict[str, Any], subscriber_id: str, subscriber: str) -> Item:
        cells = {
            "username": str(row.get("username") or ""),
            "subscriber": subscriber,
            "caller_id": str(row.get("caller_id") or ""),
        }
        ref = ResourceRef(
            "signalwire", "sip-endpoint", str(row["id"]), {"fabric_subscriber_id": subscriber_id}
        )
        return Item(ref, cells, confirm=str(row.get("username") or ""), summary=row)


SignalWire.listing = SignalWireListing()
