"""FreeSWITCH: the trunk as a gateway for sip_profiles/external/<name>.xml.

Parameter names are FreeSWITCH's own (conf/vanilla/sip_profiles/external/example.xml, and
`auth-username` from mod_sofia's gateway parser); tests check each one. With an outbound proxy the
gateway sends both calls (`proxy`) and registrations (`register-proxy`) through it.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from trunkwizard.connect.export._common import (
    PASSWORD_PLACEHOLDER,
    Exporter,
    need_of,
    origin_lines,
    value,
)
from trunkwizard.connect.offers import Offer
from trunkwizard.connect.pairing import Filled

__all__ = ["FREESWITCH", "OPTIONS"]

_EXPIRE_SECONDS = 3600
_RETRY_SECONDS = 30
_PING_SECONDS = 30

OPTIONS: tuple[str, ...] = (
    "username", "auth-username", "realm", "from-user", "from-domain", "password", "proxy", "register-proxy",
    "register", "register-transport", "expire-seconds", "retry-seconds", "caller-id-in-from", "ping",
)  # fmt: skip


def _hostport(host: str, port: object) -> str:
    bracketed = f"[{host}]" if ":" in host else host
    return f"{bracketed}:{port}" if port else bracketed


def _render(filled: Filled, offer: Offer, name: str, with_password: bool) -> str:
    host, port = str(value(filled, "host")), value(filled, "port")
    transport = str(value(filled, "transport") or "udp")
    username, auth_name = str(value(filled, "username")), str(value(filled, "auth_name"))
    domain = str(value(filled, "domain"))
    proxy = value(filled, "outbound_proxy")
    password = value(filled, "password")
    secret = password.get_secret_value() if with_password and password is not None else PASSWORD_PLACEHOLDER
    registrar = _hostport(host, port) + (f";transport={transport}" if transport in ("tcp", "tls") else "")

    params: list[tuple[str, object]] = [
        ("username", username),
        ("auth-username", auth_name if auth_name != username else None),
        ("realm", domain),
        ("from-user", username),
        ("from-domain", domain),
        ("password", secret),
        ("proxy", proxy or registrar),
        ("register-proxy", proxy),
        ("register", "true"),
        ("register-transport", transport),
        ("expire-seconds", _EXPIRE_SECONDS),
        ("retry-seconds", _RETRY_SECONDS),
        ("caller-id-in-from", "false"),
        ("ping", _PING_SECONDS),
    ]
    notes = [
        f"{offer.provider_title} {offer.mode}: made by trunkwizard from its offer.",
        f"Save as sip_profiles/external/{name}.xml, then: sofia profile external rescan",
    ]
    if offer.host_choices:
        notes.append(f"Other hosts {offer.provider_title} offers: {', '.join(offer.host_choices)}.")
    if secret == PASSWORD_PLACEHOLDER:
        notes.append(f"The password is not in this file: replace {PASSWORD_PLACEHOLDER} below.")
    else:
        notes.append("This file holds the SIP password: keep it readable by FreeSWITCH only (0600).")
    notes += origin_lines(
        filled, ("host", "port", "transport", "username", "auth_name", "password", "domain")
    )
    lines = ["<include>"]
    # "--" may not appear inside an XML comment
    lines += [f"  <!-- {escape(note).replace('--', '- -')} -->" for note in notes]
    lines.append(f"  <gateway name={quoteattr(name)}>")
    for key, item in params:
        if item not in (None, ""):
            lines.append(f"    <param name={quoteattr(key)} value={quoteattr(str(item))}/>")
    lines += ["  </gateway>", "</include>", ""]
    return "\n".join(lines)


FREESWITCH = Exporter(
    key="freeswitch",
    title="FreeSWITCH gateway",
    file_hint="sip_profiles/external/<name>.xml",
    need=need_of(
        "freeswitch",
        "FreeSWITCH registers a gateway of its external profile to the offered registrar.",
        "FreeSWITCH conf/vanilla/sip_profiles/external/example.xml gateway parameters",
    ),
    renderer=_render,
)
