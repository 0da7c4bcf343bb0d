"""What a technician reads of a rule says what is wrong in plain words (issue 17, found by hand at 80x24)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_provider_vox import VALID as VOX_VALID
from trunkwizard.errors import ValidationFailed
from trunkwizard.fields import validate_answers
from trunkwizard.providers.vox import VoxCustomSip
from trunkwizard.rules import inferred, length, seed


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
