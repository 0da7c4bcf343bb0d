"""Helpers for the tests of what the wizard keeps between sessions (profiles, keyring, drafts, history).

The app is `PersistentWizardApp`, as `trunkwizard` runs it; its files go under the test's private HOME
(the `private_home` / `secret_service` fixtures point XDG_* there).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.tui.conftest import STEADY
from tests.tui.driver import KeyboardDriver
from trunkwizard.tui.persistent_app import PersistentWizardApp


def keeping_app(tmp_path: Path, **options: Any) -> PersistentWizardApp:
    options.setdefault("sandbox", True)
    options.setdefault("terminal", STEADY)
    options.setdefault("export_dir", tmp_path / "exports")
    return PersistentWizardApp(**options)


async def ready(keys: KeyboardDriver) -> PersistentWizardApp:
    """Wait for the first screen and the draft look-up (the keyring is detected when first needed)."""
    app = keys.app
    assert isinstance(app, PersistentWizardApp)
    await keys.settle()
    await keyring_known(keys)
    return app


async def keyring_known(keys: KeyboardDriver) -> None:
    """Wait for the keyring detection, when one runs."""
    app = keys.app
    assert isinstance(app, PersistentWizardApp)
    for _ in range(200):
        if app.keyring_status is not None or not app.keyring_detecting:
            break
        await keys.pilot.pause(0.05)
    await keys.settle()


async def palette(keys: KeyboardDriver, command: str) -> None:
    """Run a command palette entry by typing its title, as a technician would."""
    await keys.press("ctrl+p")
    await keys.settle()
    await keys.type_text(command)
    await keys.pilot.pause(0.3)
    await keys.press("enter")
    await keys.settle()


def shown(app: PersistentWizardApp, selector: str) -> str:
    """The plain text a Static on the current screen shows."""
    return str(app.screen.query_one(selector).render())
