"""A trunk created in the wizard (Pilot, embedded sandbox) is recorded in the history with what it offers
the other side, so `trunkwizard export` can write the PBX half of it later; never with its password."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak
from tests.support.secret_service import PrivateHome
from tests.tui.driver import KeyboardDriver
from tests.tui.keeping import keeping_app, ready
from trunkwizard.cli import main
from trunkwizard.providers import get_provider
from trunkwizard.sandbox import wavix as emulator
from trunkwizard.store import HistoryStore
from trunkwizard.tui.screens.details import DetailsScreen

WAVIX = get_provider("wavix")


async def test_a_wizard_trunk_is_recorded_with_its_offer_and_exports(
    private_home: PrivateHome, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.to_details(WAVIX, "sip-trunk")
        assert isinstance(app.screen, DetailsScreen)
        answers = {"label": "From the wizard", "password": CANARY, "callerid": emulator.ACCOUNT_NUMBERS[0]}
        await keys.fill_form(app.screen.form, answers)
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        created = app.state.created
        assert created is not None
        for _ in range(200):
            entries = HistoryStore().entries()
            if entries:
                break
            await pilot.pause(0.02)
    (entry,) = HistoryStore().entries()
    (offer,) = entry.offers
    assert offer["username"]["value"] == created.returned["name"]
    assert offer["host"]["value"] == "us.wavix.net"

    assert main(["export", "asterisk", entry.id]) == 0
    out = capsys.readouterr().out
    assert f"contact_user={created.returned['name']}\n" in out
    assert CANARY not in out
    assert_no_leak(CANARY, private_home.scanned_roots())
