"""The provider model is the one gate: any `model_validate` drops hidden and blank answers, enforces
`required_when_shown` and `confirm_of`, and names fields by their labels."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from tests.test_provider_signalwire import VALID as SIGNALWIRE_VALID
from tests.test_provider_yeastar import VALID as YEASTAR_VALID
from trunkwizard.errors import ValidationFailed
from trunkwizard.fields import applicable_answers, form_fields, is_blank, validate_answers, wire_body
from trunkwizard.providers import get_provider
from trunkwizard.providers.signalwire import SignalWireSipEndpoint
from trunkwizard.providers.yeastar import YeastarRegisterTrunk

PROXY = ("enb_outbound_proxy", "outbound_proxy_server", "outbound_proxy_port")


def _register(**change: Any) -> dict[str, Any]:
    answers = {k: v for k, v in YEASTAR_VALID["register"].items() if k not in PROXY}
    return {**answers, **change}


def test_model_validate_refuses_a_switched_on_restriction_without_its_addresses() -> None:
    """Seed 002 line 32: allowed_ips "is required when ip_restrict is true" (a documented condition)."""
    from trunkwizard.providers.wavix import WavixTrunk

    answers = {
        "label": "Gate",
        "password": "4r=h;EaCB85QNtr2",
        "callerid": "13132847320",
        "ip_restrict": True,
    }
    with pytest.raises(ValidationError) as failure:
        WavixTrunk.model_validate(answers)
    errors = {".".join(map(str, e["loc"])): e["msg"] for e in failure.value.errors()}
    assert errors == {"allowed_ips": "required while IP restriction is on: enter allowed IPs"}


def test_a_switched_on_proxy_without_its_server_is_no_refusal() -> None:
    """Seed 003 lines 72-73 mark the proxy's server and port "No": the gate lets it through (it warns)."""
    trunk = YeastarRegisterTrunk.model_validate(_register(enb_outbound_proxy=1))
    assert "outbound_proxy_server" not in wire_body(trunk)


def test_a_hidden_field_is_neither_validated_nor_sent() -> None:
    trunk = YeastarRegisterTrunk.model_validate(
        _register(enb_outbound_proxy=0, outbound_proxy_server="not a host!", outbound_proxy_port="nope")
    )
    body = wire_body(trunk)
    assert body["enb_outbound_proxy"] == 0
    assert "outbound_proxy_server" not in body and "outbound_proxy_port" not in body


def test_blank_is_absent_everywhere_spaces_included() -> None:
    blank: list[object] = [None, "", "   ", SecretStr(" "), [], {}]
    answered: list[object] = [0, False, "x", SecretStr("x"), [""]]
    assert all(is_blank(v) for v in blank)
    assert not any(is_blank(v) for v in answered)
    without = {k: v for k, v in _register().items() if k not in ("itsp", "def_outbound_cid")}
    with_spaces = YeastarRegisterTrunk.model_validate({**without, "itsp": "   ", "def_outbound_cid": ""})
    assert with_spaces == YeastarRegisterTrunk.model_validate(without)


def test_rows_go_through_the_gate_of_their_own_model() -> None:
    """An extension row names neither id nor ext_number (seed 003 lines 105, 311-314): its model refuses."""
    rows = [{"outbound_cid_option": "shared", "outbound_cid": "5503301", "ext_list": [{"type": "extension"}]}]
    with pytest.raises(ValidationFailed) as failure:
        validate_answers(YeastarRegisterTrunk, _register(outbound_cid_list=rows))
    problems = {p.field: p.message for p in failure.value.problems}
    assert problems == {
        "outbound_cid_list.0.ext_list.0.id": (
            "give the extension's ID or its number (group: its name) in ext_number"
        )
    }


def test_a_confirmation_names_what_it_repeats_by_label() -> None:
    answers = {**SIGNALWIRE_VALID["minimal"], "password_confirmation": "something else"}
    with pytest.raises(ValidationFailed) as failure:
        validate_answers(SignalWireSipEndpoint, answers)
    assert [str(p) for p in failure.value.problems] == [
        "password_confirmation: does not match SIP password: type it again"
    ]


def test_fixed_values_are_declared_and_never_shown_or_guessed() -> None:
    yeastar = get_provider("yeastar")
    fixed = {f.wire for mode in yeastar.modes for f in mode.fields if f.fixed}
    assert fixed == {"type"}
    # a fixed field the answers leave out is the mode's own value, on either path
    answers = applicable_answers(form_fields(YeastarRegisterTrunk), _register(type=None))
    assert "type" not in answers
    assert wire_body(YeastarRegisterTrunk.model_validate(answers))["type"] == "register"


def test_an_error_never_echoes_the_answers() -> None:
    with pytest.raises(ValidationError) as failure:
        YeastarRegisterTrunk.model_validate(
            _register(enb_outbound_proxy=1, outbound_proxy_server="not a host!")
        )
    assert YEASTAR_VALID["register"]["password"] not in str(failure.value)
