"""Secrets stay masked on screen, out of the curl export and clipboard, and out of crash output."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.canary import CANARY
from tests.tui.driver import KeyboardDriver
from tests.tui.screen_text import screen_lines
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.review import ReviewScreen

CHORUS = get_provider("chorus")
TWILIO = {
    "number": "+14155550180",
    "twilioAccountSid": "AC" + "0123456789abcdef" * 2,
    "twilioAuthToken": CANARY,
}


async def _to_review(app: WizardApp, pilot: object) -> KeyboardDriver:
    keys = KeyboardDriver(pilot)  # type: ignore[arg-type]
    await keys.to_details(CHORUS, "twilio")
    await keys.fill_form(app.screen.form, TWILIO)  # type: ignore[attr-defined]
    return keys


async def test_secret_is_masked_until_shown_and_masked_again(make_app: Callable[..., WizardApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = await _to_review(app, pilot)
        assert CANARY not in app.export_screenshot()
        await keys.press("ctrl+t")
        assert CANARY in app.export_screenshot(), "ctrl+t shows the secret"
        await keys.press("ctrl+t")
        assert CANARY not in app.export_screenshot()


async def test_review_copy_and_save_carry_env_references_not_secrets(
    make_app: Callable[..., WizardApp], tmp_path: Path
) -> None:
    app = make_app(export_dir=tmp_path / "exports")
    async with app.run_test(size=(80, 24)) as pilot:
        keys = await _to_review(app, pilot)
        await keys.press("ctrl+n")
        await keys.settle()
        assert isinstance(app.screen, ReviewScreen)
        screenshot = app.export_screenshot()
        assert "********" in screenshot and CANARY not in screenshot
        await keys.press("c")
        assert "${TRUNKWIZARD_CHORUS_TWILIO_AUTH_TOKEN}" in app.clipboard
        assert CANARY not in app.clipboard
        await keys.press("s")
        saved = app.last_export
        assert saved is not None and saved.parent == tmp_path / "exports"
        # found by hand: the whole path was cut between the buttons, its name never in sight
        status = str(app.screen.query_one("#status").render())
        assert status.startswith(f"saved as {saved.name}")
        assert saved.name in " ".join(screen_lines(app)), "the file's name whole at 80 columns"
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        assert stat.S_IMODE(saved.parent.stat().st_mode) == 0o700
        text = saved.read_text()
        assert text.startswith("#!/bin/sh\n") and "\ncurl -X POST" in text
        assert "TRUNKWIZARD_CHORUS_API_KEY" in text
        assert CANARY not in text
        # reported: no shebang, and run with the variables unset it sent an empty key; now it stops
        environment = {"PATH": os.environ["PATH"]}
        run = subprocess.run(["sh", str(saved)], env=environment, capture_output=True, text=True)
        assert run.returncode != 0 and "set TRUNKWIZARD_" in run.stderr, run
        assert not [p for p in saved.parent.iterdir() if p.name.startswith(".tmp-")]


async def test_a_crash_prints_a_redacted_traceback_without_locals(
    make_app: Callable[..., WizardApp], capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app()

    def explode() -> None:
        secret_here = CANARY
        raise RuntimeError(f"boom with {secret_here}")

    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            keys = await _to_review(app, pilot)
            app.call_later(explode)
            await keys.press("tab")
    printed = capsys.readouterr().err
    assert "RuntimeError: boom with ********" in printed
    assert CANARY not in printed
    assert "│" not in printed and "locals" not in printed, "no rich traceback with local variables"


async def test_the_result_shows_the_secrets_sent_masked_until_asked(
    make_app: Callable[..., WizardApp],
) -> None:
    """Found by hand: a generated password had to be set on the other side, but the result said "the
    password you entered" and ctrl+t did nothing there; a provider that never returns it left no other
    place to read it. The result lists the secrets sent, masked until ctrl+t, and masked again."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = await _to_review(app, pilot)
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        assert app.screen.STEP == "result"  # type: ignore[attr-defined]
        assert CANARY not in app.export_screenshot()
        lines = [line.strip() for line in screen_lines(app)]
        assert "Twilio Auth Token: ********" in lines, lines
        await keys.press("ctrl+t")
        await keys.settle()
        assert CANARY in app.export_screenshot(), "ctrl+t shows the secret sent"
        await keys.press("ctrl+t")
        await keys.settle()
        assert CANARY not in app.export_screenshot()
