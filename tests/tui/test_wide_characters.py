"""Pick lists at 80x24: a Korean agent name keeps every syllable in the open list (it opens in the form's
layout, not over it), a list low on the form opens wholly in view, and its cursor reads without colour."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import SecretStr
from textual.widgets import Select

from tests.support.secret_service import KeyringSession
from tests.tui.driver import KeyboardDriver
from tests.tui.keeping import keeping_app, ready
from tests.tui.screen_text import screen_text
from trunkwizard.accounts import Accounts
from trunkwizard.providers import get_provider
from trunkwizard.sandbox.vox import AGENTS
from trunkwizard.secrets import SecretVault
from trunkwizard.store import ProfileStore
from trunkwizard.tui.app import WizardApp

KOREAN = "상담 안내 에이전트"  # the sandbox organization's first agent


async def test_a_korean_agent_name_keeps_every_syllable_in_the_open_list(
    make_app: Callable[..., WizardApp],
) -> None:
    assert any(name == KOREAN for name, _kind, _version in AGENTS.values())
    vox = get_provider("vox")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(vox, vox.modes[0].key)
        form = app.screen.form  # type: ignore[attr-defined]
        answers = {"number": "07011112299", "address": "sip:pbx.example.com:5060", "map_inbound_agent": True}
        await keys.fill_form(form, answers)
        await keys.settle()
        form.focus_field("inbound_agent_id")
        await keys.settle()
        assert isinstance(app.focused, Select)
        await keys.press("enter")  # open the list
        await keys.settle()
        assert KOREAN in screen_text(app), screen_text(app)


async def test_a_pick_list_low_on_the_form_opens_wholly_in_view(make_app: Callable[..., WizardApp]) -> None:
    # The list opens in the form's layout rather than over it; the form scrolls so that the list of a
    # field near the bottom shows every option, down to the last ("type another…").
    yeastar = get_provider("yeastar")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(yeastar, yeastar.modes[0].key)
        form = app.screen.form  # type: ignore[attr-defined]
        form.focus_field("itsp")
        await keys.settle()
        assert isinstance(app.focused, Select)
        await keys.press("enter")
        await keys.settle()
        text = screen_text(app)
        for option in ("Deutsche Telefon Standard", "SignalWire (United States)", "type another…"):
            assert option in text, text
        await keys.press("down", "enter")
        await keys.settle()
        assert form.values()["itsp"] is not None


async def test_the_option_enter_picks_is_marked_without_colour(
    make_app: Callable[..., WizardApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found in tmux with NO_COLOR=1: the highlighted option lost its shade and was only bold, like a
    # heading; it is underlined too.
    monkeypatch.setenv("NO_COLOR", "1")
    yeastar = get_provider("yeastar")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(yeastar, yeastar.modes[0].key)
        app.screen.form.focus_field("itsp")  # type: ignore[attr-defined]
        await keys.settle()
        await keys.press("enter", "down", "down")
        await keys.settle()
        marked = [
            "".join(segment.text for segment in strip).strip()
            for strip in app.screen._compositor.render_strips()
            if any(segment.style is not None and segment.style.underline for segment in strip)
        ]
        assert marked == ["Sipgate (Germany)"], marked


@pytest.mark.keyring
# the name's length moves the syllables along the columns: with the list drawn over the form,
# "seoul-office" put 담 across the edge of the field beneath (drawn "상  안내")
@pytest.mark.parametrize("name", ["seoul-office", "seoul-office1"])
async def test_a_korean_saved_account_keeps_every_syllable_in_the_open_picker(
    name: str, secret_service: KeyringSession, tmp_path: Path
) -> None:
    # The saved-accounts picker lists each profile with its settings, here an IDN base URL in Korean.
    url = "https://상담안내.pbx.example/openapi/v1.0"
    accounts = Accounts(ProfileStore(), SecretVault.open())
    settings = {"base_url": url, "client_id": "client-1"}
    accounts.add(accounts.build_profile(name, "yeastar", settings), {"client_secret": SecretStr("s-1")})
    app = keeping_app(tmp_path, sandbox=False)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.pick_provider(get_provider("yeastar"))
        await keys.settle()
        app.screen.query_one("#saved", Select).focus()
        await keys.press("enter")  # open the list: the profile's line lies where the form's fields are
        await keys.settle()
        assert f"{name}  {url}" in screen_text(app), screen_text(app)
