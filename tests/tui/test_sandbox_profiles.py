"""Saved profiles and the sandbox (Pilot at 80x24, the real in-process sandbox, a real Secret Service).

In the sandbox every request goes to the emulator inside the program, whatever URL an account names: a
real profile picked there used to send its real key to the emulator (refused as unauthorized) or its
PBX address to a 404, and once a profile was picked the sandbox's own account could not be picked
back. Now the account step offers the sandbox's own account first, offers only profiles saved from the
sandbox, and says which saved accounts are not offered and why; outside the sandbox it is the other
way round."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import SecretStr
from textual.widgets import Select

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak
from tests.support.secret_service import KeyringSession
from tests.tui.driver import KeyboardDriver
from tests.tui.keeping import keeping_app, ready, shown
from tests.tui.screen_text import screen_text
from trunkwizard.accounts import Accounts
from trunkwizard.errors import SessionMismatch
from trunkwizard.providers import get_provider
from trunkwizard.sandbox import sandbox_account, session_mismatch
from trunkwizard.secrets import SecretVault
from trunkwizard.store import ProfileStore
from trunkwizard.tui.accounts import SavedAccount
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.saved_accounts import ProfileAccounts
from trunkwizard.tui.screens.account import SANDBOX_PICK, AccountScreen
from trunkwizard.tui.screens.inventory import InventoryScreen

pytestmark = pytest.mark.keyring
CHORUS = get_provider("chorus")
REAL_URL = "https://chorus.example.test/v1"


def _store(name: str, secret: str, **settings: str) -> None:
    accounts = Accounts(ProfileStore(), SecretVault.open())
    accounts.add(accounts.build_profile(name, "chorus", settings), {"api_key": SecretStr(secret)})


def _store_sandbox_profile(name: str) -> None:
    """A profile saved from the sandbox's own account (as ctrl+s on its account step saves it)."""
    own = sandbox_account("chorus")
    _store(name, own["api_key"], base_url=own["base_url"])


def _picker_values(account: AccountScreen) -> list[object]:
    return [value for _, value in account.query_one("#saved", Select)._options if value is not Select.NULL]


async def _account_step(keys: KeyboardDriver) -> AccountScreen:
    await ready(keys)
    await keys.pick_provider(CHORUS)
    await keys.settle()
    account = keys.app.screen
    assert isinstance(account, AccountScreen)
    return account


def test_the_core_says_which_saved_accounts_fit_the_session() -> None:
    real, own = {"base_url": REAL_URL}, {"base_url": sandbox_account("chorus")["base_url"]}
    assert session_mismatch(own, sandbox=True) is None and session_mismatch(real, sandbox=False) is None
    assert "without --sandbox" in str(session_mismatch(real, sandbox=True))
    assert "--sandbox" in str(session_mismatch(own, sandbox=False))
    # no base URL saved: the provider's default, a real one
    assert session_mismatch({}, sandbox=True) is not None


async def test_the_sandbox_offers_its_own_account_and_says_why_a_real_profile_is_not_offered(
    secret_service: KeyringSession, tmp_path: Path
) -> None:
    _store("acme-real", CANARY, base_url=REAL_URL)
    _store_sandbox_profile("practice")
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        account = await _account_step(keys)
        picker = account.query_one("#saved", Select)
        assert _picker_values(account) == [SANDBOX_PICK, "practice"]
        assert picker.value == SANDBOX_PICK  # the form holds the sandbox's own account: it says so
        note = shown(app, "#unusable")
        assert note.startswith("Not offered here: acme-real.") and "without --sandbox" in note
        assert "acme-real" in screen_text(app) and "sandbox  the emulator's own account" in screen_text(app)

        # a profile saved from the sandbox, then the sandbox's own account again, by keyboard
        await keys.press("shift+tab")
        assert app.focused is picker
        await keys.pick_in_select(picker, "practice")
        await keys.settle()
        assert app.profile_accounts.chosen("chorus") == "practice"
        assert app.focused is picker
        await keys.pick_in_select(picker, SANDBOX_PICK)
        await keys.settle()
        assert app.profile_accounts.chosen("chorus") is None
        own = sandbox_account("chorus")
        values = account.form.values()
        assert values["base_url"] == own["base_url"] and values["api_key"] == SecretStr(own["api_key"])
        assert "sandbox's own account" in shown(app, "#status")

        # and it works: F4 lists what the emulator holds, no error
        await keys.press("f4")
        await keys.settle()
        assert isinstance(app.screen, InventoryScreen)
        assert "✗" not in screen_text(app)
    assert_no_leak(CANARY, secret_service.home.scanned_roots())


async def test_a_real_profile_named_at_start_is_refused_in_the_sandbox_before_any_request(
    secret_service: KeyringSession, tmp_path: Path
) -> None:
    _store("acme-real", CANARY)  # no base URL saved: the provider's real default
    app = keeping_app(tmp_path, profile="acme-real")
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        account = await _account_step(keys)
        assert "'acme-real' is not offered here" in shown(app, "#banner")
        assert _picker_values(account) == [SANDBOX_PICK]
        assert account.form.values()["base_url"] == sandbox_account("chorus")["base_url"]
        assert app.profile_accounts.chosen("chorus") is None
        # the core refuses it too, before the keyring gives its secret to the form
        with pytest.raises(SessionMismatch, match="without --sandbox"):
            app.profile_accounts.account_values(SavedAccount("acme-real", "chorus"))
    assert_no_leak(CANARY, secret_service.home.scanned_roots())


async def test_outside_the_sandbox_a_profile_saved_from_it_is_not_offered(
    secret_service: KeyringSession, tmp_path: Path
) -> None:
    _store("acme-real", CANARY, base_url=REAL_URL)
    _store_sandbox_profile("practice")
    app = keeping_app(tmp_path, sandbox=False)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        account = await _account_step(keys)
        assert _picker_values(account) == ["acme-real"]
        assert shown(app, "#unusable").startswith("Not offered here: practice.")
    with pytest.raises(SessionMismatch):
        ProfileAccounts().account_values(SavedAccount("practice", "chorus"))
    assert_no_leak(CANARY, secret_service.home.scanned_roots())


async def test_an_address_typed_in_the_sandbox_is_refused_before_any_request_and_its_account_is_a_pick_away(
    make_app: Callable[..., WizardApp],
) -> None:
    """No profile at all: the sandbox's own account still heads the picker, an address typed over it
    that the sandbox never answers is refused at Next (it went to the emulator and came back 404), and
    picking the sandbox's account again puts it back."""
    yeastar = get_provider("yeastar")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.pick_provider(yeastar)
        account = app.screen
        assert isinstance(account, AccountScreen)
        picker = account.query_one("#saved", Select)
        assert picker.display and _picker_values(account) == [SANDBOX_PICK] and picker.value == SANDBOX_PICK

        await keys.fill_form(account.form, {"base_url": "https://10.0.0.5:8088"})
        assert picker.value is Select.NULL  # the form no longer holds the sandbox's account
        await keys.accept_account()
        assert app.screen is account and isinstance(account, AccountScreen)
        assert "without --sandbox" in str(account.query_one("#banner").render())
        assert app.focused is picker

        await keys.pick_in_select(picker, SANDBOX_PICK)
        await keys.settle()
        assert account.form.values()["base_url"] == sandbox_account("yeastar")["base_url"]
        await keys.accept_account()
        assert app.screen.STEP == "mode"
