"""Every screen at 80x24, error states included (pytest-textual-snapshot). No secret in any SVG.

Update after a deliberate change: `pytest tests/tui/test_snapshots.py --snapshot-update`, look at
the SVGs, then `python -m tests.tui.screenshots` copies them to screenshots/ for the README.
"""

from __future__ import annotations

import itertools
import socket
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.support.canary import CANARY
from tests.tui.conftest import STEADY
from tests.tui.driver import KeyboardDriver
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.terminal import TerminalProfile

SIZE = (80, 24)
SILENT_PORT = 47391  # a fixed port, so the URL on the "sending" screen is the same every run
CLOSED_PORT = 9  # discard: nothing listens on loopback here, so the connection is refused
Steps = Callable[[KeyboardDriver], Awaitable[None]]


@pytest.fixture(autouse=True)
def steady_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sandbox ids and times are random: fix them so the result screen is the same every run."""
    from trunkwizard import sandbox

    counter = itertools.count(1)
    for module in (sandbox.emulator(key) for key in sandbox._EMULATORS):
        if hasattr(module, "new_uuid"):
            monkeypatch.setattr(module, "new_uuid", lambda: f"00000000-0000-4000-8000-{next(counter):012d}")
        if hasattr(module, "iso_now"):
            monkeypatch.setattr(module, "iso_now", lambda: "2026-01-02T03:04:05.000Z")


def _app(tmp_path: Path, **options: Any) -> WizardApp:
    options.setdefault("sandbox", True)
    return WizardApp(terminal=STEADY, export_dir=tmp_path, **options)


def _run(steps: Steps, *, settle: bool = True) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        keys = KeyboardDriver(pilot)
        await keys.settle()
        await steps(keys)
        if settle:  # wait for workers; not while a submission hangs on purpose
            await keys.settle()
        pilot.app.clear_notifications()
        await pilot.pause()
        assert CANARY not in pilot.app.export_screenshot()

    return run_before


def _check(snap_compare: Any, app: WizardApp, steps: Steps, *, settle: bool = True) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=_run(steps, settle=settle))


CHORUS = get_provider("chorus")
REGISTRATION = {
    "number": "+14155550124",
    "name": "Main line",
    "sipUsername": "chorus-1001",
    "sipPassword": CANARY,
    "sipProxy": "pbx.example.com",
    "sipPort": "5080",
}


async def _details(
    keys: KeyboardDriver, provider_key: str = "chorus", mode: str = "sip-registration"
) -> None:
    await keys.to_details(get_provider(provider_key), mode)


async def _filled(keys: KeyboardDriver) -> None:
    await _details(keys)
    await keys.fill_form(keys.app.screen.form, REGISTRATION)  # type: ignore[attr-defined]


async def _row_list(keys: KeyboardDriver) -> None:
    await _details(keys, "yeastar", "register")
    keys.app.screen.form.focus_field("did_list")  # type: ignore[attr-defined]
    for number, name in (("+13125550100", "Chicago main line, 3rd floor"), ("+13125550101", "")):
        await keys.press("a")
        await keys.settle()
        await keys.type_text(number)
        await keys.press("tab")
        await keys.type_text(name)
        await keys.press("ctrl+s")
        await keys.settle()


async def _review(keys: KeyboardDriver) -> None:
    await _filled(keys)
    await keys.press("ctrl+n")


async def _result(keys: KeyboardDriver) -> None:
    await _review(keys)
    await keys.settle()
    await keys.press("enter")


@pytest.fixture
def silent_server() -> Iterator[None]:
    server = socket.socket()
    try:
        server.bind(("127.0.0.1", SILENT_PORT))
    except OSError:
        server.close()
        pytest.skip(f"port {SILENT_PORT} is taken")
    server.listen(8)
    yield
    server.close()


def _to_real_account(base_url: str) -> Steps:
    async def steps(keys: KeyboardDriver) -> None:
        await keys.pick_provider(CHORUS)
        await keys.fill_form(keys.app.screen.form, {"api_key": "key-typed-here", "base_url": base_url})  # type: ignore[attr-defined]
        await keys.accept_account()
        await keys.pick_mode(CHORUS, "voximplant")
        await keys.fill_form(keys.app.screen.form, {"number": "+14155550190"})  # type: ignore[attr-defined]
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.press("enter")

    return steps


class TestSteps:
    def test_provider(self, snap_compare: Any, tmp_path: Path) -> None:
        async def steps(keys: KeyboardDriver) -> None:
            pass

        _check(snap_compare, _app(tmp_path), steps)

    def test_provider_filtered(self, snap_compare: Any, tmp_path: Path) -> None:
        async def steps(keys: KeyboardDriver) -> None:
            await keys.type_text("trunk")

        _check(snap_compare, _app(tmp_path), steps)

    def test_account_sandbox(self, snap_compare: Any, tmp_path: Path) -> None:
        async def steps(keys: KeyboardDriver) -> None:
            await keys.pick_provider(get_provider("yeastar"))

        _check(snap_compare, _app(tmp_path), steps)

    def test_account_typed_with_error(self, snap_compare: Any, tmp_path: Path) -> None:
        async def steps(keys: KeyboardDriver) -> None:
            await keys.pick_provider(get_provider("signalwire"))
            await keys.type_text("my space!")
            await keys.press("tab")
            await keys.type_text("not-a-project-id")
            await keys.press("tab")
            await keys.type_text(CANARY)
            await keys.press("ctrl+n")

        _check(snap_compare, _app(tmp_path, sandbox=False), steps)

    def test_mode(self, snap_compare: Any, tmp_path: Path) -> None:
        async def steps(keys: KeyboardDriver) -> None:
            await keys.pick_provider(CHORUS)
            await keys.accept_account()

        _check(snap_compare, _app(tmp_path), steps)

    def test_details(self, snap_compare: Any, tmp_path: Path) -> None:
        _check(snap_compare, _app(tmp_path), _details)

    def test_details_filled(self, snap_compare: Any, tmp_path: Path) -> None:
        async def steps(keys: KeyboardDriver) -> None:
            await _filled(keys)
            keys.app.screen.form.focus_field("sipPassword")  # type: ignore[attr-defined]

        _check(snap_compare, _app(tmp_path), steps)

    def test_details_field_errors(self, snap_compare: Any, tmp_path: Path) -> None:
        async def steps(keys: KeyboardDriver) -> None:
            await _details(keys)
            await keys.type_text("5551234")
            await keys.press("ctrl+n")

        _check(snap_compare, _app(tmp_path), steps)

    def test_details_largest_form(self, snap_compare: Any, tmp_path: Path) -> None:
        async def steps(keys: KeyboardDriver) -> None:
            await _details(keys, "yeastar", "register")

        _check(snap_compare, _app(tmp_path), steps)

    def test_details_toggles_on(self, snap_compare: Any, tmp_path: Path) -> None:
        async def steps(keys: KeyboardDriver) -> None:
            await _details(keys, "wavix", "sip-trunk")
            form = keys.app.screen.form  # type: ignore[attr-defined]
            for toggle in ("ip_restrict", "call_restrict", "cost_limit"):
                form.focus_field(toggle)
                await keys.press("space")
            form.focus_field("ip_restrict")

        _check(snap_compare, _app(tmp_path), steps)

    def test_review(self, snap_compare: Any, tmp_path: Path) -> None:
        _check(snap_compare, _app(tmp_path), _review)

    def test_result(self, snap_compare: Any, tmp_path: Path) -> None:
        _check(snap_compare, _app(tmp_path), _result)


class TestErrors:
    def test_provider_error_at_the_field(self, snap_compare: Any, tmp_path: Path) -> None:
        async def steps(keys: KeyboardDriver) -> None:
            await _result(keys)
            await keys.settle()
            await keys.press("escape")
            await keys.settle()
            await keys.press("ctrl+n")
            await keys.settle()
            await keys.press("enter")

        _check(snap_compare, _app(tmp_path), steps)

    def test_network_error(self, snap_compare: Any, tmp_path: Path) -> None:
        _check(
            snap_compare,
            _app(tmp_path, sandbox=False),
            _to_real_account(f"http://127.0.0.1:{CLOSED_PORT}/v1"),
        )

    def test_sending(self, snap_compare: Any, tmp_path: Path, silent_server: None) -> None:
        app = _app(tmp_path, sandbox=False)
        _check(snap_compare, app, _to_real_account(f"http://127.0.0.1:{SILENT_PORT}/v1"), settle=False)


class TestPanels:
    def test_field_help(self, snap_compare: Any, tmp_path: Path) -> None:
        async def steps(keys: KeyboardDriver) -> None:
            await _details(keys)
            keys.app.screen.form.focus_field("sipProxy")  # type: ignore[attr-defined]
            await keys.press("f1")

        _check(snap_compare, _app(tmp_path), steps)

    def test_keys_help(self, snap_compare: Any, tmp_path: Path) -> None:
        async def steps(keys: KeyboardDriver) -> None:
            await keys.pick_provider(CHORUS)
            await keys.accept_account()
            await keys.press("f1")

        _check(snap_compare, _app(tmp_path), steps)

    def test_row_editor(self, snap_compare: Any, tmp_path: Path) -> None:
        async def steps(keys: KeyboardDriver) -> None:
            await _details(keys, "yeastar", "register")
            keys.app.screen.form.focus_field("outbound_cid_list")  # type: ignore[attr-defined]
            await keys.press("a")
            await keys.settle()
            await keys.press("right")
            await keys.press("tab")
            await keys.type_text("5503301")

        _check(snap_compare, _app(tmp_path), steps)

    def test_row_list(self, snap_compare: Any, tmp_path: Path) -> None:
        """Every row one line, the DID first, the list's keys in the footer."""
        _check(snap_compare, _app(tmp_path), _row_list)

    def test_quit_confirmation(self, snap_compare: Any, tmp_path: Path) -> None:
        async def steps(keys: KeyboardDriver) -> None:
            await _details(keys)
            await keys.type_text("+1415")
            await keys.press("ctrl+q")

        _check(snap_compare, _app(tmp_path), steps)


class TestOtherSizes:
    @pytest.mark.parametrize("size", [(60, 20), (160, 50)])
    def test_details(self, snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
        assert snap_compare(_app(tmp_path), terminal_size=size, run_before=_run(_filled))


class TestTerminals:
    def test_sixteen_colours(self, snap_compare: Any, tmp_path: Path) -> None:
        terminal = TerminalProfile(over_ssh=True, sixteen_colours=True, no_color=False)
        app = WizardApp(sandbox=True, terminal=terminal, export_dir=tmp_path)
        assert snap_compare(app, terminal_size=SIZE, run_before=_run(_filled))

    def test_no_color(self, snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("NO_COLOR", "1")
        assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=_run(_filled))

    # The row list (its keys in the footer) and the review, where state must read without colour: the
    # cursor row, the ✗ of a bad row, masked secrets, the warnings' ⚠.
    @pytest.mark.parametrize("steps", [_row_list, _review], ids=["row-list", "review"])
    @pytest.mark.parametrize(
        ("sixteen", "no_color"),
        [(True, False), (False, True), (True, True)],
        ids=["16-colours", "no-color", "both"],
    )
    def test_without_colour(
        self,
        snap_compare: Any,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        steps: Steps,
        sixteen: bool,
        no_color: bool,
    ) -> None:
        if no_color:
            monkeypatch.setenv("NO_COLOR", "1")
        terminal = TerminalProfile(over_ssh=True, sixteen_colours=sixteen, no_color=no_color)
        app = WizardApp(sandbox=True, terminal=terminal, export_dir=tmp_path)
        assert snap_compare(app, terminal_size=SIZE, run_before=_run(steps))


def test_the_readme_screenshots_are_the_current_snapshots() -> None:
    from tests.tui.screenshots import EXPORTED, SCREENSHOTS, SNAPSHOTS

    stale = [
        name
        for snapshot, name in EXPORTED.items()
        if not (SCREENSHOTS / name).exists()
        or (SCREENSHOTS / name).read_text() != (SNAPSHOTS / snapshot).read_text()
    ]
    assert not stale, f"run `python -m tests.tui.screenshots` to refresh {stale}"


def test_no_snapshot_or_screenshot_holds_a_secret() -> None:
    root = Path(__file__).resolve().parents[2]
    svgs = [*Path(__file__).parent.glob("__snapshots__/**/*.svg"), *root.glob("screenshots/*.svg")]
    assert svgs
    for svg in svgs:
        assert CANARY not in svg.read_text(), svg
