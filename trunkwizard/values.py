"""Value types shared by the provider models: phone numbers, hosts, IP addresses, SIP URIs.

Each is an `Annotated` type whose validator says in words what to type when the value is wrong.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from trunkwizard.rules import Rule, Source

__all__ = [
    "E164",
    "INT32_MAX",
    "INT32_MIN",
    "Flag01",
    "Host",
    "HostPort",
    "IPv4",
    "Port",
    "PublicIPv4",
    "SipUri",
    "Uuid",
    "e164",
    "e164_rule",
    "host",
    "host_port",
    "ip_address_rule",
    "normalized_e164",
    "port_rule",
    "public_ipv4_rule",
    "sip_uri",
    "uuid_value",
]

# OpenAPI `format: int32`: the largest value such a field holds.
INT32_MAX = 2**31 - 1
INT32_MIN = -(2**31)

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def e164(value: str) -> str:
    """A phone number in E.164 (`+15551234567`), checked against the phonenumbers metadata."""
    text = value.strip().replace(" ", "").replace("-", "")
    if not text.startswith("+"):
        raise ValueError("enter the number in E.164 with a leading + and country code, e.g. +15551234567")
    import phonenumbers  # its metadata takes ~15 ms to import: only once a number is checked

    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number ({exc._msg}); use E.164, e.g. +15551234567") from None
    # "possible" (right length for the country) rather than "valid": the range metadata lags new
    # allocations, and a wizard that refuses a working number is worse than the provider's own check.
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError("wrong number of digits for its country code; use E.164, e.g. +15551234567")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalized_e164(value: str) -> str:
    """`+1 415-555-0124` written as E.164 when it is a phone number; anything else as typed (trimmed).
    Never refuses: where E.164 is only inferred, `e164_rule` warns instead."""
    try:
        return e164(value)
    except ValueError:
        return value.strip()


def e164_rule(
    provider: str, source: Source, example: str = "+14155550124", also: tuple[str, ...] = ()
) -> Rule:
    """E.164 where the provider's documents only show it in examples: a warning, never a refusal."""

    def check(value: str) -> str:
        if value in also:
            return value
        try:
            e164(value)
        except ValueError:
            raise ValueError(
                f"{provider} documents numbers as E.164 ({example}); this one is not: "
                f"{provider} may refuse it"
            ) from None
        return value

    return Rule(f"E.164, e.g. {example}", source, check)


def ip_address_rule(source: Source) -> Rule:
    """An IPv4 or IPv6 address, where the document says the value is an IP address."""

    def check(value: str) -> str:
        try:
            return str(ipaddress.ip_address(value.strip()))
        except ValueError:
            raise ValueError("enter an IP address, e.g. 203.0.113.10") from None

    return Rule("an IP address", source, check)


def public_ipv4_rule(provider: str, source: Source) -> Rule:
    """A public IPv4 address: what a provider on the internet can see, but not a documented refusal."""

    def check(value: str) -> str:
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return value  # not an address at all: the documented rule says so
        if address.version != 4 or not address.is_global:
            raise ValueError(
                f"{address} is not a public IPv4 address; {provider} sees your PBX's public static IP, so it "
                "may never match"
            )
        return value

    return Rule("a public IPv4 address", source, check)


def port_rule(source: Source) -> Rule:
    """A TCP/UDP port, where the document names the value a port."""

    def check(value: int) -> int:
        if not 1 <= value <= 65535:
            raise ValueError("enter a port from 1 to 65535, e.g. 5060")
        return value

    return Rule("a port, 1 to 65535", source, check, ge=1, le=65535)


def host(value: str) -> str:
    """A hostname or an IP address (no scheme, no port)."""
    text = value.strip()
    if not text:
        raise ValueError("enter a hostname or IP address, e.g. pbx.example.com")
    if "://" in text or "/" in text:
        raise ValueError("enter only the host, without scheme or path, e.g. pbx.example.com")
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        ipaddress.ip_address(text)
        return text
    except ValueError:
        pass
    if ":" in text:
        raise ValueError("enter the host without a port; the port has its own field")
    name = text.rstrip(".")
    labels = name.split(".")
    if len(name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise ValueError("not a valid hostname: use letters, digits, dots and hyphens, e.g. pbx.example.com")
    if labels[-1].isdigit():
        raise ValueError("not a valid IPv4 address or hostname")
    return text


def host_port(value: str) -> str:
    text = value.strip()
    if "://" in text or "/" in text:
        raise ValueError("enter only the host (and :port), without scheme or path, e.g. pbx.example.com")
    hostname, _, port = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
    host(hostname)
    if port and not (port.isdigit() and 1 <= int(port) <= 65535):
        raise ValueError("the port after ':' must be 1 to 65535")
    return text


def _ipv4(value: str) -> str:
    try:
        return str(ipaddress.IPv4Address(value.strip()))
    except ValueError:
        raise ValueError("enter an IPv4 address, e.g. 203.0.113.10") from None


def _public_ipv4(value: str) -> str:
    address = ipaddress.IPv4Address(_ipv4(value))
    if not address.is_global:
        raise ValueError(f"{address} is not a public address; the provider sees your public static IP")
    return str(address)


def sip_uri(value: str) -> str:
    text = value.strip()
    if not text.lower().startswith(("sip:", "sips:")):
        raise ValueError("enter a SIP URI starting with sip:, e.g. sip:trunk.example.com:5060")
    rest = text.split(":", 1)[1]
    hostport = rest.split(";", 1)[0].split("?", 1)[0]
    if "@" in hostport:
        hostport = hostport.rsplit("@", 1)[1]
    try:
        if hostport.startswith("["):
            inner, _, tail = hostport[1:].partition("]")
            ipaddress.IPv6Address(inner)
            port = tail.lstrip(":")
        else:
            name, _, port = hostport.partition(":")
            host(name)
        if port and not (port.isdigit() and 1 <= int(port) <= 65535):
            raise ValueError("port")
    except ValueError:
        raise ValueError(
            "not a valid SIP URI: use sip:host or sip:host:port, e.g. sip:trunk.example.com:5060"
        ) from None
    return text


def uuid_value(value: str) -> str:
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        raise ValueError("enter a UUID, e.g. 3fa85f64-5717-4562-b3fc-2c963f66afa6") from None


def _flag01(value: object) -> object:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "on", "yes"):
        return 1
    if isinstance(value, str) and value.strip().lower() in ("false", "off", "no"):
        return 0
    return value


E164 = Annotated[str, AfterValidator(e164)]
Host = Annotated[str, AfterValidator(host)]
HostPort = Annotated[str, AfterValidator(host_port)]
IPv4 = Annotated[str, AfterValidator(_ipv4)]
PublicIPv4 = Annotated[str, AfterValidator(_public_ipv4)]
SipUri = Annotated[str, AfterValidator(sip_uri)]
Uuid = Annotated[str, AfterValidator(uuid_value)]
Port = Annotated[int, Field(ge=1, le=65535)]
# Yeastar's 0/1 integers: shown as a toggle, sent as 0 or 1.
Flag01 = Annotated[int, BeforeValidator(_flag01), Field(ge=0, le=1)]
