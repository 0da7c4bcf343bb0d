"""Asterisk PJSIP: the trunk as pjsip.conf sections (registration, auth, aor, endpoint, identify).

Option names are Asterisk's own (configs/samples/pjsip.conf.sample); tests check each one against
that sample. The outbound proxy, when the offer has one, goes on the registration and the endpoint.
"""

from __future__ import annotations

from trunkwizard.connect.export._common import (
    PASSWORD_PLACEHOLDER,
    Exporter,
    need_of,
    origin_lines,
    value,
)
from trunkwizard.connect.offers import Offer
from trunkwizard.connect.pairing import Filled

__all__ = ["ASTERISK", "OPTIONS"]

# canonical codec names -> Asterisk format names
_FORMATS = {"PCMU": "ulaw", "PCMA": "alaw", "G722": "g722", "G729": "g729", "OPUS": "opus", "GSM": "gsm",
            "ILBC": "ilbc", "SPEEX": "speex", "G726": "g726", "H264": "h264", "VP8": "vp8"}  # fmt: skip
_DEFAULT_FORMATS = ("ulaw", "alaw")
_RETRY_SECONDS = 60
_EXPIRATION_SECONDS = 3600
_QUALIFY_SECONDS = 60

# every option this exporter writes, by section type (tests check them against Asterisk's sample)
OPTIONS: dict[str, tuple[str, ...]] = {
    "registration": ("type", "transport", "outbound_auth", "server_uri", "client_uri", "contact_user",
                     "outbound_proxy", "retry_interval", "expiration", "line", "endpoint"),
    "auth": ("type", "auth_type", "username", "password", "realm"),
    "aor": ("type", "contact", "qualify_frequency", "outbound_proxy"),
    "endpoint": ("type", "transport", "context", "disallow", "allow", "outbound_auth", "aors", "from_user",
                 "from_domain", "outbound_proxy", "callerid", "direct_media", "rewrite_contact",
                 "rtp_symmetric", "force_rport"),
    "identify": ("type", "endpoint", "match"),
}  # fmt: skip


def _text(item: object) -> str:
    """A value on one pjsip.conf line: `;` starts a comment there, so it is escaped; no line breaks."""
    text = str(item)
    if "\n" in text or "\r" in text:
        raise ValueError("a value for pjsip.conf cannot hold a line break")
    return text.replace(";", r"\;")


def _uri(host: str, port: int | None, transport: str, user: str | None = None) -> str:
    bracketed = f"[{host}]" if ":" in host else host
    where = f"{bracketed}:{port}" if port else bracketed
    params = f";transport={transport}" if transport in ("tcp", "tls") else ""
    return f"sip:{user + '@' if user else ''}{where}{params}"


def _proxy_uri(proxy: str) -> str:
    return proxy if proxy.startswith(("sip:", "sips:")) else f"sip:{proxy};lr"


def _render(filled: Filled, offer: Offer, name: str, with_password: bool) -> str:
    host, port = str(value(filled, "host")), value(filled, "port")
    transport = str(value(filled, "transport") or "udp")
    username, auth_name = str(value(filled, "username")), str(value(filled, "auth_name"))
    domain = str(value(filled, "domain"))
    proxy = value(filled, "outbound_proxy")
    codecs = value(filled, "codecs") or []
    formats = [_FORMATS[c] for c in codecs if c in _FORMATS] or list(_DEFAULT_FORMATS)
    password = value(filled, "password")
    secret = password.get_secret_value() if with_password and password is not None else PASSWORD_PLACEHOLDER
    transport_name = f"transport-{transport}"
    auth = f"{name}_auth"

    header = [
        f"; {offer.provider_title} {offer.mode}: made by trunkwizard from its offer.",
        f"; Needs a [{transport_name}] section (type=transport, protocol={transport}) in pjsip.conf.",
        f"; Calls from {offer.provider_title} arrive in context from-{name}: add it to extensions.conf.",
    ]
    if offer.host_choices:
        header.append(f"; Other hosts {offer.provider_title} offers: {', '.join(offer.host_choices)}.")
    if secret == PASSWORD_PLACEHOLDER:
        header.append(f"; The password is not in this file: replace {PASSWORD_PLACEHOLDER} below.")
    else:
        header.append("; This file holds the SIP password: keep it readable by Asterisk only (0600).")
    origins = origin_lines(
        filled, ("host", "port", "transport", "username", "auth_name", "password", "domain")
    )
    header += [f";   {line}" for line in origins]
    if not value(filled, "codecs"):
        header.append(f";   codecs: none offered; {','.join(_DEFAULT_FORMATS)} (G.711) assumed, check them")
    lines = [*header, ""]

    def section(title: str, kind: str, options: list[tuple[str, object]]) -> None:
        lines.append(f"[{title}]")
        lines.append(f"type={kind}")
        lines.extend(f"{key}={_text(item)}" for key, item in options if item not in (None, ""))
        lines.append("")

    proxy_uri = _proxy_uri(str(proxy)) if proxy else None
    section(name, "registration", [
        ("transport", transport_name),
        ("outbound_auth", auth),
        ("server_uri", _uri(host, port, transport)),
        ("client_uri", _uri(domain, port if domain == host else None, transport, username)),
        ("contact_user", username),
        ("outbound_proxy", proxy_uri),
        ("retry_interval", _RETRY_SECONDS),
        ("expiration", _EXPIRATION_SECONDS),
        ("line", "yes"),
        ("endpoint", name),
    ])  # fmt: skip
    section(auth, "auth", [
        ("auth_type", "userpass"), ("username", auth_name), ("password", secret), ("realm", None),
    ])  # fmt: skip
    section(name, "aor", [
        ("contact", _uri(host, port, transport)),
        ("qualify_frequency", _QUALIFY_SECONDS),
        ("outbound_proxy", proxy_uri),
    ])  # fmt: skip
    caller_id = value(filled, "caller_id")
    section(name, "endpoint", [
        ("transport", transport_name),
        ("context", f"from-{name}"),
        ("disallow", "all"),
        ("allow", ",".join(formats)),
        ("outbound_auth", auth),
        ("aors", name),
        ("from_user", username),
        ("from_domain", domain),
        ("outbound_proxy", proxy_uri),
        ("callerid", f"<{caller_id}>" if caller_id else None),
        ("direct_media", "no"),
        ("rewrite_contact", "yes"),
        ("rtp_symmetric", "yes"),
        ("force_rport", "yes"),
    ])  # fmt: skip
    section(
        name, "identify", [("endpoint", name), ("match", ",".join(value(filled, "signalling") or [host]))]
    )
    return "\n".join(lines)


ASTERISK = Exporter(
    key="asterisk",
    title="Asterisk PJSIP",
    file_hint="pjsip.conf (or a file it #includes)",
    need=need_of(
        "asterisk",
        "Asterisk registers to the offered registrar and takes calls from its signalling hosts.",
        "Asterisk pjsip.conf.sample: registration, auth, aor, endpoint and identify sections",
    ),
    renderer=_render,
)
