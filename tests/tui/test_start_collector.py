"""`trunkwizard` runs its start without the cyclic garbage collector (issue 16: it walked what was being
imported, about 10 ms of the first frame) and turns it on again once the first frame is drawn, with
what the start built frozen out of its sight."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from trunkwizard import cli
from trunkwizard.tui import app as wizard_app
from trunkwizard.tui.app import WizardApp


@pytest.fixture
def collector_restored() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


def test_the_wizard_starts_with_the_collector_off(
    monkeypatch: pytest.MonkeyPatch, collector_restored: None
) -> None:
    seen: list[bool] = []

    def run_app(**_options: object) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(wizard_app, "run_app", run_app)
    assert cli.main(["--sandbox"]) == 0
    assert seen == [False]
    assert gc.isenabled(), "on again when the app ends, even one that ended before its first frame"


async def test_the_first_frame_turns_it_on_with_the_start_frozen(
    monkeypatch: pytest.MonkeyPatch, collector_restored: None
) -> None:
    import trunkwizard.tui.screens.provider as provider_screen

    monkeypatch.setattr(provider_screen, "_frozen", True)  # the registry's own freeze: not this test's
    frozen = gc.get_freeze_count()
    gc.disable()
    app = WizardApp(sandbox=True)
    app.keep_loaded = True
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert gc.isenabled()
        assert gc.get_freeze_count() > frozen


async def test_an_app_not_run_by_trunkwizard_leaves_the_collector_alone(collector_restored: None) -> None:
    frozen = gc.get_freeze_count()
    gc.disable()
    async with WizardApp(sandbox=True).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not gc.isenabled()
        assert gc.get_freeze_count() == frozen
