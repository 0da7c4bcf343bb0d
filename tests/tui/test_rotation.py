"""Rotating both sides of a connection from the inventory (Pilot, 80x24), against the in-process sandbox
with every request recorded: the other side found by username and host, the ordered plan, both updates
sent in order, the SIP check after; when the second update fails, which side holds which password and
the two ways back (retry, put the old password back)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from textual.widgets import Static

from tests.support.recording import Recorder, recording_sandbox
from tests.test_rotation import JOINED_ID, RefusesUpdates, joined_trunk
from tests.tui.driver import KeyboardDriver
from tests.tui.test_inventory import _details_of
from trunkwizard.connect.rotation import RotationState
from trunkwizard.sandbox import wavix, yeastar
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.inventory import InventoryScreen
from trunkwizard.tui.screens.rotation import RotationScreen
from trunkwizard.tui.screens.sip_check import SipCheckScreen


def _joined_app(
    make_app: Callable[..., WizardApp], *, refuse: int = 0
) -> tuple[WizardApp, Recorder, wavix.WavixSandbox, yeastar.YeastarSandbox]:
    """A sandbox app whose PBX has a trunk registered to Wavix trunk 201 with its password; with
    `refuse`, the PBX answers that many trunk updates with a 503."""
    trunks = wavix.WavixSandbox()
    trunks.seed()
    pbx = yeastar.YeastarSandbox()
    pbx.seed()
    pbx.trunks[JOINED_ID] = joined_trunk(trunks.passwords[201])
    recorder = recording_sandbox(wavix_sandbox=trunks, yeastar_sandbox=pbx)
    app = make_app()
    front: Any = RefusesUpdates(recorder, refuse) if refuse else recorder
    app._sandbox_transport = httpx.ASGITransport(app=front)
    return app, recorder, trunks, pbx


def _state(screen: RotationScreen) -> RotationState | None:
    return screen.result.state if screen.result is not None else None


def _text(screen: RotationScreen) -> str:
    return str(screen.query_one("#rotation-text", Static).render())


async def _rotation_of(keys: KeyboardDriver, provider_key: str, needle: str) -> RotationScreen:
    await _details_of(keys, provider_key, needle)
    await keys.press("r")
    await keys.settle()
    screen = keys.app.screen
    assert isinstance(screen, RotationScreen), screen
    return screen


async def test_both_sides_are_rotated_in_order_then_checked(make_app: Callable[..., WizardApp]) -> None:
    app, recorder, trunks, pbx = _joined_app(make_app)
    old = trunks.passwords[201]
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        screen = await _rotation_of(keys, "yeastar", "wx_reg")
        plan = _text(screen)
        assert "matching username 67701 and host us.wavix.net" in plan
        assert plan.index("1. Wavix SIP trunk Head office PBX (checks the password)") < plan.index(
            "2. Yeastar P-Series SIP trunk wx_reg (sends the password)"
        )
        assert "Wavix is updated first" in plan
        assert not recorder.writes
        await keys.press("ctrl+n")
        await keys.settle()
        new = trunks.passwords[201]
        assert new != old and pbx.trunks[JOINED_ID]["password"] == new
        assert [w.method for w in recorder.writes] == ["PUT", "POST"]
        # the SIP check follows, of Wavix's registrar with the new password (not contacted: sandbox)
        check = app.screen
        assert isinstance(check, SipCheckScreen) and check.plans[0].username == "67701"
        assert check.plans[0].password is not None and check.plans[0].password.get_secret_value() == new
        assert "not contacted" in str(check.query_one("#sip-plan-note", Static).render())
        # a rotation's check says so (it said "after submit"), and with nothing to check in the sandbox
        # it does not ask to pick a host and press Enter
        assert str(check.query_one("#sip-heading", Static).render()).startswith(
            "Check the SIP side (after the rotation)"
        )
        status = str(check.query_one("#sip-status", Static).render())
        assert status == "Nothing to check in the sandbox: Esc back."
        await keys.press("escape")
        await keys.settle()
        assert app.screen is screen and screen.result is not None
        assert screen.result.state is RotationState.BOTH
        wavix_line = "Wavix SIP trunk Head office PBX (checks the password) holds the NEW password."
        assert wavix_line in _text(screen)
        assert new not in app.export_screenshot()
        await keys.press("ctrl+t")
        await keys.settle()
        assert new in str(screen.query_one("#rotation-hint", Static).render())
        await keys.press("escape")
        await keys.settle()
        assert isinstance(app.screen, InventoryScreen)  # the details read before are stale


async def test_a_failed_second_update_offers_retry_and_put_back(make_app: Callable[..., WizardApp]) -> None:
    app, recorder, trunks, pbx = _joined_app(make_app, refuse=2)
    old = trunks.passwords[201]
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        screen = await _rotation_of(keys, "wavix", "Head office")
        await keys.press("ctrl+n")
        await keys.settle()
        assert app.screen is screen and screen.result is not None
        assert screen.result.state is RotationState.FIRST_ONLY
        shown = _text(screen)
        assert "Wavix SIP trunk Head office PBX (checks the password) holds the NEW password." in shown
        assert "SIP trunk wx_reg (sends the password) holds the OLD password" in shown
        assert "r retry:" in shown and "b put back:" in shown
        assert pbx.trunks[JOINED_ID]["password"] == old != trunks.passwords[201]
        await keys.press("r")  # the PBX refuses once more
        await keys.settle()
        assert screen.result.state is RotationState.FIRST_ONLY
        await keys.press("b")
        await keys.settle()
        assert _state(screen) is RotationState.PUT_BACK
        assert trunks.passwords[201] == old == pbx.trunks[JOINED_ID]["password"]
        assert "Undone" in _text(screen) and "holds the NEW" not in _text(screen)
    # the rotation and the put-back (the two refused PBX updates stopped at the front)
    assert [w.method for w in recorder.writes] == ["PUT", "PUT"]


async def test_retry_after_a_failed_second_update_joins_them_again(
    make_app: Callable[..., WizardApp],
) -> None:
    app, _, trunks, pbx = _joined_app(make_app, refuse=1)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        screen = await _rotation_of(keys, "wavix", "Head office")
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.press("r")
        await keys.settle()
        assert isinstance(app.screen, SipCheckScreen)
        assert screen.result is not None and screen.result.state is RotationState.BOTH
        assert pbx.trunks[JOINED_ID]["password"] == trunks.passwords[201]


def test_a_sandbox_session_ignores_pairs_recorded_in_earlier_sessions(tmp_path: Path) -> None:
    """The in-process emulator starts afresh and gives the same ids again: a connection recorded by an
    earlier sandbox session would name resources that are not the ones joined now."""
    from trunkwizard.store import AppDirs
    from trunkwizard.tui.persistent_app import PersistentWizardApp

    dirs = AppDirs(config=tmp_path / "config", state=tmp_path / "state")
    app = PersistentWizardApp(sandbox=True, export_dir=tmp_path, dirs=dirs)
    request = {"method": "POST", "url": "http://sandbox.trunkwizard.invalid/wavix/v1/trunks", "json": {}}
    old = app.history.append(
        provider="wavix", profile=None, mode="sip-trunk", created_id="293", request=request, sandbox=True,
        connection={"pair": "p0", "side": "first"},
    )  # fmt: skip
    new = app.history.append(
        provider="wavix", profile=None, mode="sip-trunk", created_id="294", request=request, sandbox=True
    )
    app.created_this_session.add(new.id)
    assert [e.id for e in app.history_entries()] == [new.id]
    assert old.id in [e.id for e in app.history.entries()]
    real = PersistentWizardApp(sandbox=False, export_dir=tmp_path, dirs=dirs)
    assert real.history_entries() == []  # sandbox entries are never a real account's


async def test_a_recorded_other_side_deleted_since_rotates_this_side_alone(
    make_app: Callable[..., WizardApp], tmp_path: Path
) -> None:
    """The history pairs PBX trunk 31 with Wavix trunk 201, deleted since in the provider's portal (the
    history cannot know): the rotation says the other side no longer exists and reviews this side alone
    (it stopped at "Record not found" under a stale "Looking for the other side…", with only Esc)."""
    from trunkwizard.store import AppDirs, HistoryStore
    from trunkwizard.tui.screens.inventory_edit import EditReviewScreen

    app, recorder, trunks, _ = _joined_app(make_app)
    del trunks.trunks[201]
    history = HistoryStore(AppDirs(config=tmp_path / "config", state=tmp_path / "state"))
    for provider, mode, created in (("wavix", "sip-trunk", "201"), ("yeastar", "register", str(JOINED_ID))):
        history.append(
            provider=provider, profile=None, mode=mode, created_id=created, request={}, sandbox=True,
            connection={"pair": "p1", "side": "first" if provider == "wavix" else "second"},
        )  # fmt: skip
    app.history_entries = history.entries  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await _details_of(keys, "yeastar", "wx_reg")
        await keys.press("r")
        await keys.settle()
        review = app.screen
        assert isinstance(review, EditReviewScreen), review
        assert "Wavix 201) no longer exists: only this side is rotated" in review.note
    assert not recorder.writes
