"""Bad input is a clear error, never a traceback: every provider x mode model and the answers-file parser
take any input and either accept it or raise trunkwizard's own error (ValidationFailed, or the parser's
ValueError with a sentence). Any other exception fails.

The CI budget is fixed (profile "ci"); run a larger one by hand:

    TRUNKWIZARD_FUZZ=large .venv/bin/python -m pytest -p no:cacheprovider tests/test_fuzz.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trunkwizard.client import load_account, prepare
from trunkwizard.commands.create import read_answers
from trunkwizard.errors import TrunkwizardError
from trunkwizard.fields import Kind, form_fields
from trunkwizard.nesting import MAX_NESTING
from trunkwizard.providers import all_providers
from trunkwizard.sandbox import sandbox_account

settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile(
    "large", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("TRUNKWIZARD_FUZZ", "ci"))

MODES = [(provider, mode) for provider in all_providers() for mode in provider.modes]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        ["", " ", "0", "1e3", "+14155550100", "sip:a@b", "10.0.0.1", "udp", "true", "\u02bc\u0000"]
    ),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def _answers_for(mode: Any) -> st.SearchStrategy[dict[str, Any]]:
    """Answers keyed by the mode's own wire names (some left out, some unknown keys) with any values."""
    wires = [f.wire for f in form_fields(mode.model)]
    keys = st.one_of(st.sampled_from(wires), st.text(max_size=10)) if wires else st.text(max_size=10)
    return st.dictionaries(keys, json_values, max_size=len(wires) + 2)


@pytest.mark.parametrize(("provider", "mode"), MODES, ids=[f"{p.key}-{m.key}" for p, m in MODES])
def test_every_model_takes_any_answers_without_a_traceback(provider: Any, mode: Any) -> None:
    account = load_account(provider, sandbox_account(provider.key))

    @given(answers=_answers_for(mode))
    def check(answers: dict[str, Any]) -> None:
        try:
            prepared = prepare(provider, mode.key, answers, account)
        except TrunkwizardError:
            return
        prepared.preview.as_text()
        prepared.preview.as_curl()

    check()


def test_a_secret_given_as_a_number_is_refused_with_a_sentence() -> None:
    from trunkwizard.errors import ValidationFailed

    for provider, mode in MODES:
        secrets = [f.wire for f in form_fields(mode.model) if f.kind is Kind.SECRET]
        if not secrets:
            continue
        account = load_account(provider, sandbox_account(provider.key))
        with pytest.raises(ValidationFailed) as failure:
            prepare(provider, mode.key, {secrets[0]: 12345}, account)
        messages = [p.message for p in failure.value.problems if p.field == secrets[0]]
        assert any("must be text" in m and "quotes" in m for m in messages), messages


documents = st.one_of(
    st.text(max_size=200),
    st.builds(lambda n, c: c[0] * n + c[1] * n, st.integers(0, 3000), st.sampled_from(["[]", "{}"])),
    st.builds(lambda n: '{"a":' * n + "1" + "}" * n, st.integers(0, 3000)),
    st.builds(lambda n: "a = " + "[" * n + "]" * n, st.integers(0, 3000)),
    st.builds(lambda n: "[" + "a." * n + "b]\nc = 1", st.integers(0, 3000)),
    json_values.map(json.dumps),
)


@pytest.mark.parametrize("suffix", [".json", ".toml", ".txt"])
def test_the_answers_parser_takes_any_text_without_a_traceback(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"answers{suffix}"

    @given(text=documents)
    def check(text: str) -> None:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            read_answers(path)
        except ValueError as exc:
            assert str(exc) and "Traceback" not in str(exc)

    check()


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_answers_nested_1000_deep_are_a_sentence(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"deep{suffix}"
    path.write_text("[" * 1000 + "]" * 1000 if suffix == ".json" else "a = " + "[" * 1000 + "]" * 1000)
    with pytest.raises(ValueError, match=f"nested more than {MAX_NESTING} levels"):
        read_answers(path)


async def test_the_sandbox_answers_a_deep_body_with_4xx_not_500(sandbox_url: str) -> None:
    import httpx

    from tests.test_fault_table import with_canary
    from trunkwizard.fields import validate_answers
    from trunkwizard.sandbox import sandbox_account as account_of

    body = "[" * 1000 + "]" * 1000
    async with httpx.AsyncClient() as http:
        for provider in all_providers():
            account = load_account(provider, account_of(provider.key, sandbox_url))
            mode_key, answers = with_canary(provider.key)
            mode = provider.mode(mode_key)
            call = provider.create_call(mode, validate_answers(mode.model, answers))
            base = provider.base_url(account)
            headers = {"content-type": "application/json"}
            auth = provider.auth(account)
            response = await http.post(
                f"{base}/{call.path.lstrip('/')}", content=body, headers=headers, auth=auth
            )
            # a 4xx as the real API answers a body it cannot read (SignalWire 422, others 400), never
            # 500; Yeastar answers errors with HTTP 200 and an errcode
            if provider.key == "yeastar":
                assert response.status_code == 200, response.text
            else:
                assert 400 <= response.status_code < 500, (provider.key, response.status_code)
            if provider.key == "yeastar":  # Yeastar answers errors with HTTP 200 and an errcode
                assert response.json().get("errcode") not in (None, 0)
