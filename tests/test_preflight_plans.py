"""What each provider asks the SIP preflight to check (`Provider.sip_targets`), built from the request's
own fields: only hosts the user entered, or the provider's documented SIP host, ever become a target.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from tests.support.canary import CANARY
from tests.support.sip import SipPeers
from tests.test_provider_chorus import VALID as CHORUS_VALID
from tests.test_provider_yeastar import VALID as YEASTAR_VALID
from trunkwizard.client import load_account
from trunkwizard.errors import ValidationFailed
from trunkwizard.fields import ProviderModel, validate_answers
from trunkwizard.preflight import CheckStatus, DnsLookups, check_register, planned_checks
from trunkwizard.providers import Created, Provider, ResourceRef, SipCheckPlan, get_provider
from trunkwizard.sandbox import sandbox_account


def _request(provider: Provider, mode_key: str, answers: dict[str, Any]) -> ProviderModel:
    return validate_answers(provider.mode(mode_key).model, answers)


def _plans(
    provider_key: str, mode_key: str, answers: dict[str, Any], created: Created | None = None
) -> list[SipCheckPlan]:
    provider = get_provider(provider_key)
    account = load_account(provider, sandbox_account(provider_key))
    return provider.sip_targets(
        provider.mode(mode_key), _request(provider, mode_key, answers), account, created
    )


def _created(provider_key: str, mode_key: str, returned: dict[str, Any]) -> Created:
    return Created(ResourceRef(provider_key, mode_key, "42"), "created", returned)


def _secret(plan: SipCheckPlan) -> str | None:
    return plan.password.get_secret_value() if plan.password is not None else None


# --- Chorus --------------------------------------------------------------------------------------------


def test_chorus_registration_checks_the_pbx_chorus_registers_to() -> None:
    (plan,) = _plans("chorus", "sip-registration", CHORUS_VALID["sip-registration"])

    assert (plan.host, plan.port, plan.transport) == ("pbx.example.com", 5080, "tls")
    assert plan.proxy == "edge.example.com:5070"
    assert (plan.username, plan.auth_username, _secret(plan)) == ("chorus-1001", "auth-1001", CANARY)
    assert plan.can_register
    assert plan.applies(submitted=False) and plan.applies(submitted=True)
    assert not plan.provider_host
    assert plan.address == "pbx.example.com:5080/TLS via edge.example.com:5070"
    assert plan.register_user == "chorus-1001 (auth ID auth-1001)"


def test_chorus_registrar_with_its_own_port_and_no_proxy_or_auth_user() -> None:
    answers = {
        **CHORUS_VALID["sip-registration"],
        "sipProxy": "10.0.0.5:5070",
        "sipOutboundProxy": None,
        "sipAuthUser": None,
        "sipRegisterTransport": "udp",
    }
    (plan,) = _plans("chorus", "sip-registration", answers)

    assert (plan.host, plan.port, plan.transport, plan.proxy) == ("10.0.0.5", 5070, "udp", None)
    assert plan.auth_username is None
    assert plan.register_user == "chorus-1001"


def test_chorus_ip_allowlist_is_options_only() -> None:
    (plan,) = _plans("chorus", "sip-ip-allowlist", CHORUS_VALID["sip-ip-allowlist"])

    assert (plan.host, plan.port, plan.transport) == ("203.0.113.10", 5060, "tcp")
    assert not plan.can_register and plan.password is None


@pytest.mark.parametrize("mode", ["twilio", "voximplant", "jambonz"])
def test_chorus_modes_without_a_sip_side_have_no_plan(mode: str) -> None:
    assert _plans("chorus", mode, CHORUS_VALID[mode]) == []


# --- Yeastar -------------------------------------------------------------------------------------------


def test_yeastar_register_trunk_checks_the_itsp_through_the_outbound_proxy() -> None:
    (plan,) = _plans("yeastar", "register", YEASTAR_VALID["register"])

    assert (plan.host, plan.port, plan.transport) == ("sip.provider.example.com", 5060, "udp")
    assert plan.proxy == "proxy.provider.example.com:5070"
    assert (plan.username, plan.auth_username, _secret(plan)) == ("6701", "6701auth", CANARY)


def test_yeastar_register_trunk_without_proxy_and_with_dns_naptr() -> None:
    answers = {**YEASTAR_VALID["register"], "enb_outbound_proxy": 0, "transport": "dnsnaptr"}
    (plan,) = _plans("yeastar", "register", answers)

    assert plan.proxy is None
    assert plan.transport == "dnsnaptr"
    target = plan.target()
    assert target.transport == "dnsnaptr" and planned_checks(target) == ["dns", "options", "nat"]


def test_yeastar_peer_trunk_is_options_only_and_account_trunk_has_no_plan() -> None:
    (plan,) = _plans("yeastar", "peer", YEASTAR_VALID["peer"])
    assert (plan.host, plan.port, plan.transport) == ("203.0.113.20", 5060, "tcp")
    assert not plan.can_register
    assert _plans("yeastar", "account", YEASTAR_VALID["account"]) == []


# --- Vox -----------------------------------------------------------------------------------------------

VOX = {"number": "07011112222", "auth_username": "vox-customer-12", "auth_password": CANARY}


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("sip:trunk.example.com:5060", ("trunk.example.com", 5060, "udp")),
        ("sip:trunk.example.com", ("trunk.example.com", None, "udp")),
        ("sip:in@trunk.example.com:5070;transport=tcp", ("trunk.example.com", 5070, "tcp")),
        ("sips:[2001:db8::1]:5061", ("2001:db8::1", 5061, "tls")),
    ],
)
def test_vox_checks_the_address_uri_without_register(address: str, expected: tuple[Any, ...]) -> None:
    (plan,) = _plans("vox", "custom-sip", {**VOX, "address": address})

    assert (plan.host, plan.port, plan.transport) == expected
    # The digest pair answers INVITE challenges; it is never sent as a REGISTER.
    assert not plan.can_register and plan.password is None


# --- SignalWire and Wavix: after submit only, at the provider's documented host ------------------------

SIGNALWIRE = {
    "fabric_subscriber_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "username": "alice-desk",
    "password": CANARY,
    "password_confirmation": CANARY,
}


def test_signalwire_registers_the_created_endpoint_at_the_space_domain() -> None:
    space = sandbox_account("signalwire")["space"]
    created = _created("signalwire", "sip-endpoint", {"username": "alice-desk", "encryption": "required"})
    (plan,) = _plans("signalwire", "sip-endpoint", SIGNALWIRE, created)

    assert plan.host == f"{space}.sip.signalwire.com"
    assert plan.transport == "tls"
    assert (plan.username, _secret(plan)) == ("alice-desk", CANARY)
    assert plan.provider_host
    assert not plan.applies(submitted=False) and plan.applies(submitted=True)


def test_signalwire_default_encryption_checks_udp() -> None:
    created = _created("signalwire", "sip-endpoint", {"username": "alice-desk"})
    (plan,) = _plans("signalwire", "sip-endpoint", SIGNALWIRE, created)
    assert plan.transport == "udp" and plan.port is None


WAVIX = {"label": "My trunk", "password": CANARY, "callerid": "13132847320"}


def test_wavix_offers_each_regional_gateway_with_the_returned_login() -> None:
    created = _created("wavix", "sip-trunk", {"id": 42, "name": "wx-1234567"})
    plans = _plans("wavix", "sip-trunk", WAVIX, created)

    assert [p.host for p in plans] == ["us.wavix.net", "nl.wavix.net", "sg.wavix.net", "au.wavix.net"]
    for plan in plans:
        assert (plan.port, plan.transport) == (5060, "udp")
        assert (plan.username, _secret(plan)) == ("wx-1234567", CANARY)
        assert plan.provider_host and not plan.applies(submitted=False)


def test_wavix_without_a_returned_login_cannot_register() -> None:
    (first, *_rest) = _plans("wavix", "sip-trunk", WAVIX, None)
    assert not first.can_register and first.password is None


def test_wavix_ip_restriction_is_said_in_the_note() -> None:
    answers = {**WAVIX, "ip_restrict": True, "allowed_ips": [{"ip": "8.8.4.4"}]}
    created = _created("wavix", "sip-trunk", {"name": "wx-1"})
    (first, *_rest) = _plans("wavix", "sip-trunk", answers, created)
    assert "only from 8.8.4.4" in first.note


def test_the_default_is_no_plan() -> None:
    class Bare(Provider):
        key = "bare"
        title = "Bare"
        modes = ()

        def base_url(self, account: ProviderModel) -> str:
            return ""

        def auth(self, account: ProviderModel) -> Any:
            return None

        def auth_preview(self, account: ProviderModel) -> tuple[dict[str, str], dict[str, str]]:
            return {}, {}

        def create_call(self, mode: Any, request: ProviderModel) -> Any:
            return None

        def created(self, mode: Any, request: ProviderModel, body: Any, account: ProviderModel) -> Any:
            return None

    request = _request(get_provider("vox"), "custom-sip", {**VOX, "address": "sip:a.example"})
    assert Bare().sip_targets(get_provider("vox").modes[0], request, request, None) == []


# --- from a plan to the preflight ------------------------------------------------------------------------


def test_credentials_reach_the_target_only_for_a_confirmed_register() -> None:
    (plan,) = _plans("chorus", "sip-registration", CHORUS_VALID["sip-registration"])

    options_only = plan.target(overall_timeout=4.0)
    assert options_only.password is None and options_only.username is None
    assert not options_only.register
    assert planned_checks(options_only) == ["dns", "options", "proxy", "paths", "nat"]
    assert options_only.overall_timeout == 4.0

    register = plan.target(register=True, ca_file="/tmp/ca.pem")
    assert register.register and register.username == "chorus-1001"
    assert register.auth_username == "auth-1001"
    assert register.password is not None and register.password.get_secret_value() == CANARY
    assert register.ca_file == "/tmp/ca.pem"
    assert planned_checks(register) == ["dns", "options", "proxy", "paths", "register", "nat"]
    assert CANARY not in repr(plan) and CANARY not in repr(register)


def test_a_plan_without_credentials_cannot_become_a_register() -> None:
    plan = SipCheckPlan(title="peer", host="203.0.113.20", port=5060)
    with pytest.raises(ValidationFailed) as failure:
        plan.target(register=True)
    assert {p.field for p in failure.value.problems} == {"username", "password"}


@pytest.mark.sipp
async def test_register_answers_the_challenge_as_the_auth_id(sip_peers: SipPeers) -> None:
    # The registrar knows only the auth ID; the AOR user differs (Yeastar username vs auth_name).
    registrar = sip_peers.registrar("6701auth", CANARY)
    plan = SipCheckPlan(
        title="ITSP registrar",
        host="127.0.0.1",
        port=registrar.port,
        username="6701",
        auth_username="6701auth",
        password=SecretStr(CANARY),
    )
    target = plan.target(register=True, sip_timeout=2.0)

    result = await check_register(target, DnsLookups(target))

    assert result.status is CheckStatus.PASS, result
    first, authenticated, _unregister = registrar.received("REGISTER")
    assert "From: <sip:6701@127.0.0.1>" in first
    assert 'username="6701auth"' in authenticated
    assert CANARY not in repr(result)
