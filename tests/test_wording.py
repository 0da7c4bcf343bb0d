"""What a technician reads of a rule says what is wrong in plain words (issue 17, found by hand at 80x24)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_provider_vox import VALID as VOX_VALID
from trunkwizard.errors import ValidationFailed
from trunkwizard.fields import FormField, Kind, form_fields, validate_answers
from trunkwizard.providers.vox import VoxCustomSip
from trunkwizard.rules import inferred, length, seed
from trunkwizard.tui.widgets.text_editor import placeholder_of


def _refusal(rule_check: Any, value: str) -> str:
    with pytest.raises(ValueError) as failure:
        rule_check(value)
    return str(failure.value)


def test_a_too_long_name_says_how_many_characters_too_many() -> None:
    """Reported: a 71-character trunk name said "this is 8 fewer characters off"."""
    warned = _refusal(length(inferred("the PBX's import rules"), at_most=63).check, "a" * 71)
    assert "8 characters too many" in warned and "fewer" not in warned and " off" not in warned
    assert "1 character too few" in _refusal(length(inferred("x"), at_least=3).check, "ab")
    # a documented rule tells what to type
    assert _refusal(length(seed("003", "15"), at_most=63).check, "a" * 64).endswith("type 1 fewer character")


def test_a_required_pick_list_asks_to_choose() -> None:
    """Reported: the inbound agent look-up said "required: enter inbound agent"; it is chosen, not typed."""
    with pytest.raises(ValidationFailed) as failure:
        validate_answers(VoxCustomSip, {**VOX_VALID, "map_inbound_agent": True})
    problems = {p.field: p.message for p in failure.value.problems}
    assert problems["inbound_agent_id"] == "required while Map an inbound agent is on: choose inbound agent"
    with pytest.raises(ValidationFailed) as failure:
        validate_answers(VoxCustomSip, {k: v for k, v in VOX_VALID.items() if k != "number"})
    assert {p.field: p.message for p in failure.value.problems}["number"] == "required: enter phone number"


def _text_fields() -> list[tuple[str, FormField]]:
    from tests.test_rule_sources import models

    def walk(where: str, fields: tuple[FormField, ...]) -> list[tuple[str, FormField]]:
        found: list[tuple[str, FormField]] = []
        for field in fields:
            found += [(f"{where}/{field.wire}", field)] if field.kind is Kind.TEXT else []
            found += walk(f"{where}/{field.wire}", field.rows)
        return found

    return [pair for where, model in models() for pair in walk(where, form_fields(model))]


def test_no_example_a_field_shows_trips_its_own_rules() -> None:
    """Reported: the IP field said "e.g. 203.0.113.10", then warned "203.0.113.10 is not a public IPv4
    address". An example passes every rule of its field, inferred ones too; where none can, the field
    describes what goes in it."""
    tripped = []
    for where, field in _text_fields():
        for rule in field.rules if field.placeholder else ():
            try:
                rule.check(field.placeholder)
            except ValueError as exc:
                tripped.append(f"{where}: e.g. {field.placeholder}: {exc}")
    assert tripped == []
    wavix = {where: field for where, field in _text_fields() if where.startswith("wavix:sip-trunk/")}
    # the empty field shows the description as it is, not as an example
    assert placeholder_of(wavix["wavix:sip-trunk/host_request"]) == "your SIP endpoint's public IPv4 address"
