"""Every provider x mode, from the first screen to a resource created in the sandbox, keys only.

The answers are the provider tests' own VALID answers, so a new provider is walked as soon as its
module and test land. The request the form builds must equal the one the answers build directly.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.canary import CANARY
from tests.tui.driver import KeyboardDriver, richest_per_mode, walks
from trunkwizard.client import load_account, prepare
from trunkwizard.providers import get_provider
from trunkwizard.sandbox import sandbox_account
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.details import DetailsScreen


@pytest.mark.parametrize(("provider_key", "mode_key"), list(walks()))
async def test_created_from_first_screen_with_keys_only(
    provider_key: str, mode_key: str, make_app: Callable[..., WizardApp]
) -> None:
    provider = get_provider(provider_key)
    answers = richest_per_mode(provider)[mode_key]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(provider, mode_key)
        details = app.screen
        assert isinstance(details, DetailsScreen)
        await keys.fill_form(details.form, answers)
        await keys.press("ctrl+n")
        await keys.settle()
        banner = str(details.query_one("#banner").render())
        assert app.screen.STEP == "review", f"stayed on the form: {banner}"  # type: ignore[attr-defined]

        expected = prepare(provider, mode_key, answers, load_account(provider, sandbox_account(provider_key)))
        assert app.state.prepared is not None
        assert app.state.prepared.as_json() == expected.as_json()
        assert app.state.prepared.calls == expected.calls
        assert CANARY not in app.export_screenshot()

        await keys.press("enter")
        await keys.settle()
        assert app.screen.STEP == "result", app.screen  # type: ignore[attr-defined]
        created = app.state.created
        assert created is not None and created.ref.id
        assert created.ref.id in app.export_screenshot()
        if provider.get_call(created.ref) is not None:
            async with app.client() as client:
                assert await client.fetch(created.ref)
        assert CANARY not in app.export_screenshot()
