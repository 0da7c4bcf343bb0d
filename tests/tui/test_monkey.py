"""The monkey: every provider x mode, random but valid keys, any exception fails with seed and keys.

CI runs a small budget (`--monkey-runs 1 --monkey-steps 30`, each run also stopped after
`--monkey-seconds 4`); by hand, a larger one: `pytest -m monkey --monkey-runs 20 --monkey-steps 200`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.tui.driver import KeyboardDriver
from tests.tui.monkey import MonkeyRun, run_monkey
from trunkwizard.providers import all_providers, get_provider
from trunkwizard.tui.app import WizardApp

CASES = [(p.key, m.key) for p in all_providers() for m in p.modes]


@pytest.mark.monkey
@pytest.mark.parametrize(("provider_key", "mode_key"), CASES)
async def test_random_keys_never_crash_the_wizard(
    provider_key: str, mode_key: str, make_app: Callable[..., WizardApp], request: pytest.FixtureRequest
) -> None:
    runs: int = request.config.getoption("monkey_runs")
    steps: int = request.config.getoption("monkey_steps")
    seconds: float = request.config.getoption("monkey_seconds")
    first_seed: int = request.config.getoption("monkey_seed")
    provider = get_provider(provider_key)
    for seed in range(first_seed, first_seed + runs):
        run = MonkeyRun(f"{provider_key}/{mode_key}", seed)
        app = make_app()
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                await KeyboardDriver(pilot).to_details(provider, mode_key)
                await run_monkey(pilot, run, steps=steps, deadline=time.monotonic() + seconds)
        except Exception as error:
            pytest.fail(f"{type(error).__name__}: {error}\n{run.report()}")
        if app._exception is not None:
            pytest.fail(f"{type(app._exception).__name__}: {app._exception}\n{run.report()}")
