"""The wizard's submit step over an unknown outcome: no second POST before a look-up, `l` looks it up,
an empty look-up says it is no proof (and only then offers to send again), a later look-up that finds
what a late-applying server created shows it as created. A real loopback server (the sandbox behind the
faulty front of tests/test_fault_table.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.test_fault_table import FaultyFront
from tests.tui.driver import KeyboardDriver
from trunkwizard.client import ProviderClient, load_account, prepare
from trunkwizard.providers import get_provider
from trunkwizard.sandbox import SandboxServer, create_app, sandbox_account
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.account import AccountScreen
from trunkwizard.tui.screens.result import ResultScreen
from trunkwizard.tui.screens.submit import SubmitScreen

CHORUS = get_provider("chorus")
NUMBER = "+14155550163"


@pytest.fixture
def faulty() -> Iterator[tuple[FaultyFront, str]]:
    front = FaultyFront(create_app(), behaviour="empty-lost", create_path="/phone-numbers")
    with SandboxServer(app=front) as server:
        yield front, server.url


def _outcome_text(screen: SubmitScreen) -> str:
    return str(screen.query_one("#outcome").render())


async def test_unknown_then_look_up_then_found(
    make_app: Callable[..., WizardApp], faulty: tuple[FaultyFront, str]
) -> None:
    front, url = faulty
    account_values: dict[str, Any] = sandbox_account("chorus", url)
    app = make_app(sandbox=False)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.pick_provider(CHORUS)
        account = app.screen
        assert isinstance(account, AccountScreen)
        await keys.fill_form(account.form, account_values)
        await keys.accept_account()
        await keys.pick_mode(CHORUS, "jambonz")
        await keys.fill_form(app.screen.form, {"number": NUMBER})  # type: ignore[attr-defined]
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        screen = app.screen
        assert isinstance(screen, SubmitScreen)
        text = _outcome_text(screen)
        assert "success but no id" in text and "l looks it up" in text and "r sends" not in text
        assert not screen.check_action("next", ()) and not screen.check_action("send_again", ())
        await keys.press("r", "s")  # neither sends anything
        await keys.settle()
        assert front.posts == 1

        await keys.press("l")  # nothing was applied (yet): no proof, but now it may be sent again
        await keys.settle()
        text = _outcome_text(screen)
        assert "not proof" in text and "s sends it again anyway" in text and "safe" not in text
        assert screen.check_action("send_again", ()) and front.posts == 1

        # the provider applies the request late (here: the same request, sent by someone else)
        front.behaviour = "normal"
        provider_account = load_account(CHORUS, account_values)
        async with ProviderClient(CHORUS, provider_account) as client:
            late = await client.create(prepare(CHORUS, "jambonz", {"number": NUMBER}, provider_account))
        await keys.press("l")
        await keys.settle()
        result = app.screen
        assert isinstance(result, ResultScreen), result
        assert result.created.ref.id == late.ref.id
        assert front.posts == 2, "the wizard sent one POST; the other was the late one"
