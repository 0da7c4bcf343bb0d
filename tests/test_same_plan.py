"""The wizard and an answers file make the same plan from the same answers: call by call, byte for byte.

Both go through the one gate (the provider model's validator); this property test would catch any rule
applied on one path only (a blank rule, a hidden field sent, a fixed value guessed). The answers start
from each provider test's VALID answers and are disturbed field by field: blanked, padded with spaces,
left out, switched, or typed into a field that is hidden.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from tests.tui.driver import scenarios
from trunkwizard.client import PreparedRequest, load_account, prepare
from trunkwizard.commands.create import prepare_answers
from trunkwizard.errors import ValidationFailed
from trunkwizard.fields import FormField, Kind, applicable_answers
from trunkwizard.providers import Provider, all_providers
from trunkwizard.sandbox import IN_PROCESS_ROOT, sandbox_account

SCENARIOS = [
    (provider, mode, answers) for provider in all_providers() for mode, answers in scenarios(provider)
]
CASES = [
    pytest.param(provider, mode, answers, id=f"{provider.key}-{mode}-{index}")
    for index, (provider, mode, answers) in enumerate(SCENARIOS)
]


def test_every_provider_and_mode_is_covered() -> None:
    covered = {(provider.key, mode) for provider, mode, _ in SCENARIOS}
    assert covered == {(p.key, m.key) for p in all_providers() for m in p.modes}


def _disturbances(field: FormField, value: Any) -> st.SearchStrategy[Any]:
    """What a technician or a script may put in this field instead of the valid answer."""
    options: list[Any] = [value, _ABSENT, "", "   "]
    if isinstance(value, str) and value:
        options.append(f"  {value} ")
    if field.kind is Kind.TOGGLE:
        options += [True, False, None]
    if value is None and field.conditional:
        options.append("typed while hidden")
    return st.sampled_from(options)


_ABSENT = object()


@st.composite
def disturbed(draw: st.DrawFn, provider: Provider, mode_key: str, answers: dict[str, Any]) -> dict[str, Any]:
    values = dict(answers)
    for field in provider.mode(mode_key).fields:
        if field.fixed:
            continue
        value = draw(_disturbances(field, values.get(field.wire)))
        if value is _ABSENT:
            values.pop(field.wire, None)
        else:
            values[field.wire] = value
    confirmations = [f for f in provider.mode(mode_key).fields if f.confirm_of]
    for field in confirmations:  # the wizard's user types it again; a script repeats it
        if field.confirm_of in values:
            values[field.wire] = values[field.confirm_of]
    return values


def _tui_values(provider: Provider, mode_key: str, values: dict[str, Any]) -> dict[str, Any]:
    """The values as the wizard's editors hold them: secrets as SecretStr."""
    secrets = {f.wire for f in provider.mode(mode_key).fields if f.kind is Kind.SECRET}
    return {k: SecretStr(v) if k in secrets and isinstance(v, str) else v for k, v in values.items()}


def _plan_bytes(prepared: PreparedRequest) -> list[bytes]:
    """Each call as sent (secrets revealed) and as shown (the dry run's JSON), in order."""
    sent = [
        json.dumps([call.method, call.path, dict(call.params), call.json], default=_plain).encode()
        for call in prepared.calls
    ]
    return [*sent, json.dumps(prepared.as_json()).encode()]


def _plain(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    raise TypeError(type(value).__name__)


def _outcome(make: Any) -> Any:
    try:
        return _plan_bytes(make())
    except ValidationFailed as failure:
        return sorted((p.field, p.message) for p in failure.problems)


@pytest.mark.parametrize(("provider", "mode_key", "answers"), CASES)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_wizard_and_an_answers_file_make_the_same_plan(
    provider: Provider, mode_key: str, answers: dict[str, Any], data: st.DataObject
) -> None:
    values = data.draw(disturbed(provider, mode_key, answers))
    account = load_account(provider, sandbox_account(provider.key, IN_PROCESS_ROOT))
    mode = provider.mode(mode_key)

    def tui() -> PreparedRequest:
        shown = applicable_answers(mode.fields, _tui_values(provider, mode_key, values))
        return prepare(provider, mode_key, shown, account)

    def cli() -> PreparedRequest:
        from_file = json.loads(json.dumps(values))
        return prepare_answers(provider, mode, from_file, account)

    assert _outcome(tui) == _outcome(cli)
