"""The SIP check at 80x24 on the review (before submit) and result (after submit) screens, built from
fixed CheckResult objects so no live timing or network reaches a snapshot: pass, warn and fail, a check
still running, the REGISTER confirmation, and the same in 16 colours and with NO_COLOR.

Update after a deliberate change: `pytest tests/tui/test_sip_check_snapshots.py --snapshot-update`,
look at the SVGs; the test copies each accepted one to screenshots/sip-check-*.svg for the README.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.support.canary import CANARY
from tests.tui.conftest import STEADY
from trunkwizard.client import load_account, prepare
from trunkwizard.preflight import CheckResult, CheckStatus, PreflightTarget
from trunkwizard.preflight.checks import OnResult
from trunkwizard.providers import Created, ResourceRef, get_provider
from trunkwizard.sandbox import sandbox_account
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.result import ResultScreen
from trunkwizard.tui.services import ResultContext
from trunkwizard.tui.sip_check import plans_for, sip_check_screen
from trunkwizard.tui.terminal import TerminalProfile

SIZE = (80, 24)
ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / Path(__file__).stem

REGISTRATION = {
    "number": "+14155550124",
    "sipUsername": "chorus-1001",
    "sipPassword": CANARY,
    "sipProxy": "pbx.example.com",
    "sipOutboundProxy": "edge.example.com:5070",
    "sipPort": 5080,
    "sipRegisterTransport": "udp",
}
BEFORE_SUBMIT = [
    CheckResult(
        "dns",
        CheckStatus.PASS,
        "pbx.example.com has A 203.0.113.10; no SRV, so port 5080 as entered",
        outcome="dns-ok",
    ),
    CheckResult(
        "options",
        CheckStatus.PASS,
        "200 OK from 203.0.113.10:5080/udp in 21.4 ms: reachable; Server: Asterisk PBX 20.5.0",
        outcome="reachable",
    ),
    CheckResult(
        "proxy",
        CheckStatus.WARN,
        "483 Too Many Hops from 198.51.100.7:5070/udp in 35.2 ms: reachable, but the request looped",
        "check the outbound proxy and the routing",
        outcome="options-loop",
    ),
    CheckResult(
        "paths",
        CheckStatus.PASS,
        "both answer: through the outbound proxy and directly",
        outcome="paths-both",
    ),
    CheckResult(
        "register",
        CheckStatus.FAIL,
        "rejected: wrong password or auth ID (403 Forbidden)",
        "check the username, auth ID and password in the provider's portal. Some PBXs block an "
        "address after a few failed logins, so do not retry blindly.",
        outcome="auth-rejected",
    ),
    CheckResult(
        "nat",
        CheckStatus.WARN,
        "behind NAT: the registrar sees this machine as 198.51.100.23:61034 (it sent from 192.168.1.20:5060)",
        "on the PBX, set the external address to 198.51.100.23 and list the local networks; "
        "keep the mapping open with qualify/keep-alive",
        outcome="nat",
    ),
]
AFTER_SUBMIT_SO_FAR = [
    CheckResult(
        "dns", CheckStatus.PASS, "nl.wavix.net has A 95.211.82.14; no SIP SRV records", outcome="dns-ok"
    ),
    CheckResult(
        "options",
        CheckStatus.WARN,
        "403 Forbidden from 95.211.82.14:5060/udp in 18.0 ms: reachable, but it refuses this address",
        "the provider may accept only your PBX's IP: run the check from the PBX, or allow this IP",
        outcome="options-forbidden",
    ),
]


class FixedRunner:
    """Delivers fixed results as run_checks would (one by one), then finishes, or keeps the rest
    waiting forever so a snapshot shows a check still running."""

    def __init__(self, results: list[CheckResult], *, hold: bool = False) -> None:
        self.results = results
        self.hold = hold

    async def __call__(
        self, target: PreflightTarget, *, on_result: OnResult | None = None
    ) -> list[CheckResult]:
        for result in self.results:
            if on_result is not None:
                outcome = on_result(result)
                if outcome is not None:
                    await outcome
        if self.hold:
            await asyncio.Event().wait()
        return self.results


def _app(tmp_path: Path, terminal: TerminalProfile = STEADY, **options: Any) -> WizardApp:
    # Not the sandbox: a check of pbx.example.com happens only outside it (nothing leaves the machine in it).
    options.setdefault("sandbox", False)
    return WizardApp(terminal=terminal, export_dir=tmp_path, **options)


async def _on_review(pilot: Pilot[Any]) -> None:
    """The wizard at the review of a Chorus registration number (state set directly, no typing)."""
    app: WizardApp = pilot.app  # type: ignore[assignment]
    chorus = get_provider("chorus")
    account = load_account(chorus, sandbox_account("chorus"))
    app.state.provider, app.state.account, app.state.mode_key = chorus, account, "sip-registration"
    app.review(prepare(chorus, "sip-registration", REGISTRATION, account))
    await pilot.pause()


async def _on_result(pilot: Pilot[Any]) -> None:
    """The wizard at the result of a Wavix trunk, as after a real submit (not the sandbox)."""
    app: WizardApp = pilot.app  # type: ignore[assignment]
    wavix = get_provider("wavix")
    account = load_account(wavix, {"api_key": "sk-not-used"})
    app.state.provider, app.state.account, app.state.mode_key = wavix, account, "sip-trunk"
    answers = {"label": "My trunk", "password": CANARY, "callerid": "13132847320"}
    app.state.prepared = prepare(wavix, "sip-trunk", answers, account)
    created = Created(
        ResourceRef("wavix", "sip-trunk", "3141"), "SIP trunk My trunk", {"id": 3141, "name": "wx-31415"}
    )
    app.state.created = created
    context = ResultContext(sip_checkable=bool(plans_for(app.state, submitted=True)))
    await app.push_screen(ResultScreen(created, context, session=app))
    await pilot.pause()


def _open_check(
    at: Callable[[Pilot[Any]], Awaitable[None]],
    runner: FixedRunner,
    *,
    submitted: bool,
    keys: tuple[str, ...] = (),
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app: WizardApp = pilot.app  # type: ignore[assignment]
        await pilot.pause()
        await at(pilot)
        screen = sip_check_screen(app, submitted=submitted, runner=runner)
        assert screen is not None
        await app.push_screen(screen)
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()

    return run_before


def _keep(request: pytest.FixtureRequest, name: str) -> None:
    """Copy the accepted snapshot to screenshots/ (the README shows them); no secret in either."""
    source = SNAPSHOTS / f"{request.node.name}.svg"
    if not source.exists():
        return  # a --snapshot-update run writes it at the end of the session: copied on the next run
    svg = source.read_text()
    assert CANARY not in svg
    target = ROOT / "screenshots" / f"sip-check-{name}.svg"
    if not target.exists() or target.read_text() != svg:
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, target)


def test_before_submit_pass_warn_fail(
    snap_compare: Any, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    run_before = _open_check(_on_review, FixedRunner(BEFORE_SUBMIT), submitted=False, keys=("r", "y"))
    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=run_before)
    _keep(request, "before-submit")


def test_register_confirmation(snap_compare: Any, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    run_before = _open_check(_on_review, FixedRunner(BEFORE_SUBMIT[:3]), submitted=False, keys=("r",))
    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=run_before)
    _keep(request, "register-confirmation")


def test_after_submit_still_running_in_16_colours(
    snap_compare: Any, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    sixteen = TerminalProfile(over_ssh=True, sixteen_colours=True, no_color=False)
    # The second gateway (nl) is picked; its REGISTER is still waiting for an answer.
    run_before = _open_check(
        _on_result, FixedRunner(AFTER_SUBMIT_SO_FAR, hold=True), submitted=True, keys=("down", "r", "y")
    )
    assert snap_compare(_app(tmp_path, sixteen, sandbox=False), terminal_size=SIZE, run_before=run_before)
    _keep(request, "after-submit-16-colours")


def test_before_submit_with_no_color(
    snap_compare: Any, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    run_before = _open_check(_on_review, FixedRunner(BEFORE_SUBMIT), submitted=False, keys=("r", "y"))
    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=run_before)
    _keep(request, "no-color")
