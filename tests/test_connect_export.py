"""Config exporters: golden pjsip.conf and FreeSWITCH gateway files, every option name checked against
the names Asterisk's and FreeSWITCH's own sample configs use, the password only when asked, files 0600.

The option lists below were read from asterisk/asterisk configs/samples/pjsip.conf.sample and
signalwire/freeswitch conf/vanilla/sip_profiles/external/example.xml (`auth-username`: the gateway
parser in src/mod/endpoints/mod_sofia/sofia.c). They hold only the names this exporter uses.
Regenerate the golden files with TRUNKWIZARD_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import os
import re
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pydantic import SecretStr

from trunkwizard.connect import Offer, OfferInput, OfferKind, Origin, Sourced
from trunkwizard.connect.export import EXPORTERS, PASSWORD_PLACEHOLDER, asterisk, freeswitch, get_exporter
from trunkwizard.errors import StoreError
from trunkwizard.providers import get_provider
from trunkwizard.store.files import write_user_file

GOLDEN = Path(__file__).parent / "data" / "export"
PASSWORD = "Gen3rated-Pass_word"

# section type -> option names verified in pjsip.conf.sample (only those the exporter writes)
ASTERISK_SAMPLE_OPTIONS: dict[str, frozenset[str]] = {
    "registration": frozenset({"type", "transport", "outbound_auth", "server_uri", "client_uri",
                               "contact_user", "outbound_proxy", "retry_interval", "expiration", "line",
                               "endpoint"}),
    "auth": frozenset({"type", "auth_type", "username", "password", "realm"}),
    "aor": frozenset({"type", "contact", "qualify_frequency", "outbound_proxy"}),
    "endpoint": frozenset({"type", "transport", "context", "disallow", "allow", "outbound_auth", "aors",
                           "from_user", "from_domain", "outbound_proxy", "callerid", "direct_media",
                           "rewrite_contact", "rtp_symmetric", "force_rport"}),
    "identify": frozenset({"type", "endpoint", "match"}),
}  # fmt: skip
FREESWITCH_SAMPLE_OPTIONS = frozenset(
    {"username", "realm", "from-user", "from-domain", "password", "proxy", "register-proxy", "register",
     "register-transport", "expire-seconds", "retry-seconds", "caller-id-in-from", "ping"}
) | {"auth-username"}  # fmt: skip


def _wavix() -> Offer:
    wavix = get_provider("wavix")
    source = OfferInput(
        request={"label": "My trunk", "callerid": "13132847320"},
        answer={"id": 293, "name": "67758", "callerid": "13132847320"},
        secrets={"password": SecretStr(PASSWORD)},
    )
    return wavix.offer(wavix.offerings[0], source)


def _signalwire() -> Offer:
    signalwire = get_provider("signalwire")
    source = OfferInput(
        request={"username": "alice-desk", "encryption": "required"},
        answer={"id": "e1", "username": "alice-desk", "encryption": "required", "codecs": ["OPUS", "PCMU"]},
        reads={"sip_profile": {"domain": "example-123abc.sip.signalwire.com"}},
        secrets={"password": SecretStr(PASSWORD)},
    )
    return signalwire.offer(signalwire.offerings[0], source)


def _proxied() -> Offer:
    """A registrar behind an outbound proxy, with an auth name that differs from the username."""
    return Offer(
        provider="pbx",
        provider_title="Example PBX",
        mode="account",
        kind=OfferKind.REGISTRATION,
        host=Sourced("pbx.example.com", Origin.REQUEST, "hostname"),
        port=Sourced(5070, Origin.REQUEST, "port"),
        transport=Sourced("tcp", Origin.REQUEST, "transport"),
        username=Sourced("7001", Origin.REQUEST, "number"),
        auth_name=Sourced("auth7001", Origin.REQUEST, "auth_name"),
        password=Sourced(SecretStr(PASSWORD), Origin.REQUEST, "password"),
        outbound_proxy=Sourced("proxy.example.com:5060", Origin.REQUEST, "proxy"),
        codecs=Sourced(("PCMA", "G722"), Origin.REQUEST, "codec_sel"),
    )


OFFERS = {"wavix": _wavix, "signalwire": _signalwire, "proxied": _proxied}
SUFFIX = {"asterisk": "conf", "freeswitch": "xml"}


def _pjsip_sections(text: str) -> list[tuple[str, dict[str, list[str]]]]:
    sections: list[tuple[str, dict[str, list[str]]]] = []
    for line in text.splitlines():
        line = re.split(r"(?<!\\);", line, maxsplit=1)[0].strip()
        if not line:
            continue
        if line.startswith("["):
            sections.append((line.strip("[]"), {}))
            continue
        key, _, item = line.partition("=")
        sections[-1][1].setdefault(key.strip(), []).append(item.strip())
    return sections


def _gateway_params(text: str) -> dict[str, str]:
    gateway = ET.fromstring(text).find("gateway")
    assert gateway is not None
    return {p.attrib["name"]: p.attrib["value"] for p in gateway.iter("param")}


@pytest.mark.parametrize("exporter", sorted(EXPORTERS))
@pytest.mark.parametrize("offer", sorted(OFFERS))
def test_golden_files(exporter: str, offer: str) -> None:
    text = get_exporter(exporter).render(OFFERS[offer]())
    golden = GOLDEN / f"{offer}.{SUFFIX[exporter]}"
    if os.environ.get("TRUNKWIZARD_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_the_exporters_declare_only_option_names_the_samples_use() -> None:
    for kind, names in asterisk.OPTIONS.items():
        assert set(names) <= ASTERISK_SAMPLE_OPTIONS[kind], kind
    assert set(freeswitch.OPTIONS) <= FREESWITCH_SAMPLE_OPTIONS


@pytest.mark.parametrize("offer", sorted(OFFERS))
def test_every_written_asterisk_option_is_in_the_sample(offer: str) -> None:
    sections = _pjsip_sections(get_exporter("asterisk").render(OFFERS[offer]()))
    kinds = [options["type"][0] for _, options in sections]
    assert kinds == ["registration", "auth", "aor", "endpoint", "identify"]
    for name, options in sections:
        unknown = set(options) - ASTERISK_SAMPLE_OPTIONS[options["type"][0]]
        assert not unknown, (name, unknown)


@pytest.mark.parametrize("offer", sorted(OFFERS))
def test_every_written_freeswitch_parameter_is_in_the_sample(offer: str) -> None:
    params = _gateway_params(get_exporter("freeswitch").render(OFFERS[offer]()))
    assert set(params) <= FREESWITCH_SAMPLE_OPTIONS


def test_asterisk_registers_with_the_offered_account_and_identifies_the_gateways() -> None:
    sections = dict((o["type"][0], o) for _, o in _pjsip_sections(get_exporter("asterisk").render(_wavix())))
    assert sections["registration"]["server_uri"] == ["sip:us.wavix.net:5060"]
    assert sections["registration"]["client_uri"] == ["sip:67758@us.wavix.net:5060"]
    assert sections["auth"]["username"] == ["67758"]
    assert sections["identify"]["match"] == ["us.wavix.net,nl.wavix.net,sg.wavix.net,au.wavix.net"]
    assert sections["endpoint"]["callerid"] == ["<13132847320>"]


def test_the_outbound_proxy_is_on_both_the_registration_and_the_endpoint() -> None:
    text = get_exporter("asterisk").render(_proxied())
    sections = dict((o["type"][0], o) for _, o in _pjsip_sections(text))
    for kind in ("registration", "endpoint"):
        # `;` starts a comment in pjsip.conf: URI parameters are escaped, as the sample advises for `\;lr`
        assert sections[kind]["outbound_proxy"] == [r"sip:proxy.example.com:5060\;lr"]
    assert sections["registration"]["server_uri"] == [r"sip:pbx.example.com:5070\;transport=tcp"]
    assert sections["auth"]["username"] == ["auth7001"]
    assert sections["endpoint"]["allow"] == ["alaw,g722"]
    params = _gateway_params(get_exporter("freeswitch").render(_proxied()))
    assert params["proxy"] == params["register-proxy"] == "proxy.example.com:5060"
    assert params["realm"] == "pbx.example.com" and params["auth-username"] == "auth7001"
    assert params["register-transport"] == "tcp"
    assert _gateway_params(get_exporter("freeswitch").render(_signalwire()))["proxy"] == (
        "example-123abc.sip.signalwire.com:5061;transport=tls"
    )


@pytest.mark.parametrize("exporter", sorted(EXPORTERS))
def test_the_password_goes_in_only_when_asked(exporter: str) -> None:
    without = get_exporter(exporter).render(_wavix())
    assert PASSWORD not in without and PASSWORD_PLACEHOLDER in without
    with_password = get_exporter(exporter).render(_wavix(), with_password=True)
    assert PASSWORD in with_password and PASSWORD_PLACEHOLDER not in with_password


def test_values_cannot_break_out_of_their_line_or_attribute() -> None:
    offer = _proxied()
    hostile = offer.with_password(SecretStr('a;b"<&>c'))
    conf = get_exporter("asterisk").render(hostile, with_password=True)
    auth = next(o for _, o in _pjsip_sections(conf) if o["type"] == ["auth"])
    assert auth["password"] == [r"a\;b" + '"<&>c']
    params = _gateway_params(get_exporter("freeswitch").render(hostile, with_password=True))
    assert params["password"] == 'a;b"<&>c'
    broken = offer.with_password(SecretStr("a\nb"))
    with pytest.raises(ValueError, match="line break"):
        get_exporter("asterisk").render(broken, with_password=True)


def test_a_peer_address_offer_cannot_be_exported() -> None:
    yeastar = get_provider("yeastar")
    peer = next(o for o in yeastar.offerings if o.mode == "peer")
    offer = yeastar.offer(
        peer, OfferInput(request={"transport": "udp"}, answer={}, base_url="https://10.0.0.5")
    )
    with pytest.raises(ValueError, match="registration offer"):
        get_exporter("asterisk").render(offer)


def test_an_exported_file_is_written_0600_without_touching_its_directory(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    target = tmp_path / "wavix.conf"
    write_user_file(target, get_exporter("asterisk").render(_wavix()).encode())
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755
    assert [p.name for p in tmp_path.iterdir()] == ["wavix.conf"]
    link = tmp_path / "link.conf"
    link.symlink_to(target)
    with pytest.raises(StoreError, match="symlink"):
        write_user_file(link, b"x")
    with pytest.raises(StoreError, match="not a directory"):
        write_user_file(tmp_path / "missing" / "x.conf", b"x")
