"""Snapshots at 80x24 of what the wizard keeps between sessions: the profiles screen and editor, the
history screen, the resume question and the no-keyring notice on the account step. No secret in any.

Update after a deliberate change: `pytest tests/tui/test_keeping_snapshots.py --snapshot-update`, look
at the SVGs; the next run copies each accepted one to screenshots/ for the README.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from textual.pilot import Pilot

from tests.support.canary import CANARY
from tests.support.secret_service import KeyringSession, PrivateHome
from tests.tui.driver import KeyboardDriver
from tests.tui.keeping import keeping_app, ready
from trunkwizard.accounts import Accounts
from trunkwizard.providers import get_provider
from trunkwizard.secrets import SecretVault
from trunkwizard.store import DraftStore, HistoryStore, ProfileStore

SIZE = (80, 24)
ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / Path(__file__).stem
Steps = Callable[[KeyboardDriver], Awaitable[None]]


def _run(steps: Steps) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await steps(keys)
        await keys.settle()
        pilot.app.clear_notifications()
        await pilot.pause()
        assert CANARY not in pilot.app.export_screenshot()

    return run_before


def _keep(request: pytest.FixtureRequest, name: str) -> None:
    """Copy the accepted snapshot to screenshots/ (the README shows them); no secret in either."""
    source = SNAPSHOTS / f"{request.node.name}.svg"
    if not source.exists():
        return  # a --snapshot-update run writes it at the end of the session: copied on the next run
    svg = source.read_text()
    assert CANARY not in svg
    target = ROOT / "screenshots" / f"{name}.svg"
    if not target.exists() or target.read_text() != svg:
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, target)


def _profiles() -> None:
    accounts = Accounts(ProfileStore(), SecretVault.open())
    for name, provider, settings, secrets in (
        ("acme-hq", "chorus", {"base_url": "https://api.chorus-ai.co/v1"}, {"api_key": CANARY}),
        ("acme-pbx", "yeastar", {"base_url": "https://10.0.0.5:8088", "client_id": "tw-api"}, {}),
        ("wavix-main", "wavix", {}, {"api_key": CANARY + "-2"}),
    ):
        profile = accounts.build_profile(name, provider, settings)
        accounts.add(profile, {k: SecretStr(v) for k, v in secrets.items()})


def test_profiles_screen(
    snap_compare: Any, secret_service: KeyringSession, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    _profiles()

    async def steps(keys: KeyboardDriver) -> None:
        await keys.press("ctrl+p")
        await keys.settle()
        await keys.type_text("Profiles")
        await keys.pilot.pause(0.3)
        await keys.press("enter")
        await keys.settle()
        await keys.press("down")

    assert snap_compare(keeping_app(tmp_path, sandbox=False), terminal_size=SIZE, run_before=_run(steps))
    _keep(request, "profiles")


def test_profile_editor(
    snap_compare: Any, secret_service: KeyringSession, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    async def steps(keys: KeyboardDriver) -> None:
        await keys.pick_provider(get_provider("yeastar"))
        await keys.fill_form(
            keys.app.screen.form,  # type: ignore[attr-defined]
            {"base_url": "https://10.0.0.5:8088", "client_id": "tw-api", "client_secret": CANARY},
        )
        await keys.press("ctrl+s")
        await keys.settle()
        await keys.type_text("acme-pbx")

    assert snap_compare(keeping_app(tmp_path, sandbox=False), terminal_size=SIZE, run_before=_run(steps))
    _keep(request, "profile-editor")


def test_history_screen(
    snap_compare: Any,
    private_home: PrivateHome,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from trunkwizard.store import history as history_module

    monkeypatch.setattr(history_module, "utc_now", lambda: "2026-11-20T16:05:00Z")
    history = HistoryStore()
    history.append(
        provider="wavix",
        profile="wavix-main",
        mode="sip-trunk",
        created_id="41007",
        request={
            "method": "POST",
            "url": "https://api.wavix.com/v1/trunks",
            "json": {"label": "Main office"},
        },
        sandbox=False,
        time="2026-11-20T15:58:12Z",
    )
    deleted = history.append(
        provider="yeastar",
        profile="acme-pbx",
        mode="register",
        created_id="12",
        request={"method": "POST", "url": "https://10.0.0.5:8088/openapi/v1.0/trunk/create", "json": {}},
        sandbox=False,
        time="2026-11-20T16:01:40Z",
    )
    history.mark_deleted(deleted.id)
    history.append(
        provider="chorus",
        profile="acme-hq",
        mode="sip-registration",
        created_id="pn_7Kq2",
        request={
            "method": "POST",
            "url": "https://api.chorus-ai.co/v1/phone-numbers",
            "json": {"number": "+14155550124", "sipUsername": "chorus-1001", "sipPassword": CANARY},
        },
        sandbox=False,
        secret_fields={"sipPassword"},
        time="2026-11-21T09:12:03Z",
    )

    async def steps(keys: KeyboardDriver) -> None:
        await keys.press("f3")

    assert snap_compare(keeping_app(tmp_path, sandbox=False), terminal_size=SIZE, run_before=_run(steps))
    _keep(request, "history")


def test_history_half_done_connection(
    snap_compare: Any,
    private_home: PrivateHome,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Wavix trunk whose Yeastar half was refused: the history says which half exists, since when and
    what failed, and offers r to resume it."""
    from trunkwizard.store import history as history_module

    monkeypatch.setattr(history_module, "utc_now", lambda: "2026-11-20T16:05:00Z")

    def sourced(value: object, origin: str, where: str) -> dict[str, object]:
        return {"value": value, "origin": origin, "where": where}

    HistoryStore().append(
        provider="wavix",
        profile="wavix-main",
        mode="sip-trunk",
        created_id="41007",
        request={
            "method": "POST",
            "url": "https://api.wavix.com/v1/trunks",
            "json": {"label": "Main office"},
        },
        sandbox=False,
        time="2026-11-20T15:58:12Z",
        offers=[
            {
                "provider": "wavix",
                "mode": "sip-trunk",
                "kind": "registration",
                "host": sourced("us.wavix.net", "document", "regional SIP gateways"),
                "port": sourced(5060, "inferred", "SIP's default"),
                "username": sourced("67758", "answer", "name"),
                "auth_name": sourced("67758", "answer", "name"),
            }
        ],
        connection={
            "pair": "p1",
            "side": "first",
            "other": {"provider": "yeastar", "mode": "register"},
            "failed": {
                "time": "2026-11-20T15:59:30Z",
                "problem": "Yeastar P-Series: errcode 40003 DUPLICATE KEY VALUE (name: 'Carrier_Main' is "
                "already used by trunk Carrier_Main: choose another)",
            },
            "answers": {"name": "Carrier_Main"},
        },
    )

    async def steps(keys: KeyboardDriver) -> None:
        await keys.press("f3")

    assert snap_compare(keeping_app(tmp_path, sandbox=False), terminal_size=SIZE, run_before=_run(steps))
    _keep(request, "history-half-done")


def test_resume_question(
    snap_compare: Any,
    private_home: PrivateHome,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from trunkwizard.store import drafts as drafts_module

    monkeypatch.setattr(drafts_module, "utc_now", lambda: "2026-11-21T09:10:44Z")
    DraftStore().save(
        provider="chorus",
        profile=None,
        mode="sip-registration",
        step="details",
        answers={
            "details": {"number": "+14155550124", "sipUsername": "chorus-1001", "sipPort": 5060},
            "sandbox": True,
        },
    )

    async def steps(keys: KeyboardDriver) -> None:
        pass

    assert snap_compare(keeping_app(tmp_path), terminal_size=SIZE, run_before=_run(steps))
    _keep(request, "resume-draft")


def test_no_keyring_notice_on_the_account_step(
    snap_compare: Any, private_home: PrivateHome, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    async def steps(keys: KeyboardDriver) -> None:
        await keys.pick_provider(get_provider("signalwire"))

    assert snap_compare(keeping_app(tmp_path, sandbox=False), terminal_size=SIZE, run_before=_run(steps))
    _keep(request, "account-no-keyring")
