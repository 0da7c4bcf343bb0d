"""Connecting what the wizard created to the other side (Pilot, embedded sandbox): from the result screen,
pick the side that takes the offer; its form opens with the offered values filled in, locked, and marked
where they came from; the second emulator receives what the first answered; the history links the pair."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak
from tests.support.secret_service import PrivateHome
from tests.tui.driver import KeyboardDriver
from tests.tui.keeping import keeping_app, ready
from trunkwizard.client import ProviderClient, load_account
from trunkwizard.connect.catalog import available_pairs
from trunkwizard.providers import ResourceRef, all_providers, get_provider
from trunkwizard.sandbox import sandbox_account
from trunkwizard.sandbox import wavix as wavix_emulator
from trunkwizard.store import HistoryStore
from trunkwizard.tui.screens.connect import ConnectDetailsScreen, NeedScreen
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.result import ResultScreen

WAVIX = get_provider("wavix")
YEASTAR = get_provider("yeastar")
TUI = Path(__file__).resolve().parents[2] / "trunkwizard" / "tui"


def test_the_tui_names_no_provider() -> None:
    """Pairings come from the providers' declarations: no module of the TUI names a provider."""
    names = {p.key for p in all_providers()} | {p.title.split()[0].rstrip(".") for p in all_providers()}
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)
    named = []
    for path in sorted(TUI.rglob("*")):
        if path.suffix not in (".py", ".tcss"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]  # a comment may give an example
            if pattern.search(code):
                named.append(f"{path.relative_to(TUI)}:{number}: {line.strip()}")
    assert named == []


async def _wait_for_entries(pilot: Any, count: int) -> None:
    for _ in range(300):
        if len(HistoryStore().entries()) >= count:
            return
        await pilot.pause(0.02)
    raise AssertionError(f"the history never had {count} entries")


async def test_a_created_trunk_is_connected_to_the_pbx_from_the_result_screen(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    need_index = [
        need.owner + ":" + need.mode
        for owner, offering, need in available_pairs()
        if owner == "wavix" and offering.mode == "sip-trunk"
    ].index("yeastar:register")
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.to_details(WAVIX, "sip-trunk")
        assert isinstance(app.screen, DetailsScreen)
        answers = {"label": "Office", "password": CANARY, "callerid": wavix_emulator.ACCOUNT_NUMBERS[0]}
        await keys.fill_form(app.screen.form, answers)
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        assert isinstance(app.screen, ResultScreen)
        first = app.state.created
        assert first is not None
        await _wait_for_entries(pilot, 1)
        await keys.press("o")  # Connect to…
        await keys.settle()
        assert isinstance(app.screen, NeedScreen)
        await keys.press("home", *["down"] * need_index, "enter")
        await keys.settle()
        await keys.accept_account()  # the other side's account (the sandbox's, filled in)
        screen = app.screen
        assert isinstance(screen, ConnectDetailsScreen)
        # the Wavix login fills the PBX's username and auth name: locked, and marked where it came from
        login = first.returned["name"]
        username = screen.form.rows["username"]
        assert username.editor.get_value() == login and username.editor.disabled
        origins = [str(s.render()) for s in screen.query(".offered-origin")]
        assert any("from Wavix's answer: name" in o for o in origins)
        assert screen.form.rows["password"].editor.disabled  # the password, typed once, for both sides
        await keys.fill_form(screen.form, {"name": "wavix_office", "codec_sel": ["ulaw", "alaw"]})
        await keys.press("ctrl+n")
        await keys.settle()
        assert app.screen.STEP == "review"
        await keys.press("enter")
        await keys.settle()
        assert isinstance(app.screen, ResultScreen)
        second = app.state.created
        assert second is not None and second.ref.provider == "yeastar"
        # the PBX emulator holds the Wavix login and the password typed once
        account = load_account(YEASTAR, sandbox_account("yeastar"))
        async with ProviderClient(YEASTAR, account, transport=app.transport()) as client:
            body = await client.send(YEASTAR.get_call(ResourceRef("yeastar", "register", second.ref.id)))
        stored = body.get("data", body)
        assert stored["username"] == login and stored["hostname"] == "us.wavix.net"
        assert stored["password"] == CANARY
        await _wait_for_entries(pilot, 2)
    first_entry, second_entry = HistoryStore().entries()
    assert second_entry.connection["first_entry"] == first_entry.id
    assert second_entry.connection["other"] == {"provider": "wavix", "mode": "sip-trunk"}
    assert_no_leak(CANARY, private_home.scanned_roots())


async def test_the_offered_values_unlock_only_on_purpose(private_home: PrivateHome, tmp_path: Path) -> None:
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.to_details(WAVIX, "sip-trunk")
        assert isinstance(app.screen, DetailsScreen)
        answers = {"label": "Office", "password": CANARY, "callerid": wavix_emulator.ACCOUNT_NUMBERS[0]}
        await keys.fill_form(app.screen.form, answers)
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        await keys.press("o")
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        await keys.accept_account()
        screen = app.screen
        if not isinstance(screen, ConnectDetailsScreen):
            pytest.skip("the first side that takes a Wavix trunk is not a form")
        assert screen.locked()
        await keys.press("ctrl+o")
        await keys.settle()
        assert screen.locked() == []
