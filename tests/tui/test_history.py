"""The history screen (Pilot): a sandbox submission is listed with its masked request, and deleted at the
provider after a confirmation, so the sandbox no longer has it; what cannot be deleted says why."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import DataTable, Static

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak
from tests.support.secret_service import PrivateHome
from tests.tui.driver import KeyboardDriver
from tests.tui.keeping import keeping_app, ready, shown
from trunkwizard.errors import ProviderError
from trunkwizard.providers import get_provider
from trunkwizard.store import HistoryStore
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.history import HistoryScreen
from trunkwizard.tui.screens.type_to_confirm import TypeToConfirmScreen

CHORUS = get_provider("chorus")
REGISTRATION = {
    "number": "+14155550188",
    "sipUsername": "chorus-1001",
    "sipPassword": CANARY,
    "sipProxy": "pbx.example.com",
}


async def test_a_sandbox_submission_is_listed_and_deleted_after_confirmation(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    earlier = HistoryStore().append(
        provider="chorus", profile=None, mode="jambonz", created_id="pn_old", request={}, sandbox=True
    )
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.to_details(CHORUS, "sip-registration")
        assert isinstance(app.screen, DetailsScreen)
        await keys.fill_form(app.screen.form, REGISTRATION)
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        created = app.state.created
        assert created is not None and app.screen.STEP == "result"

        await keys.press("f3")
        await keys.settle()
        history = app.screen
        assert isinstance(history, HistoryScreen)
        table = history.query_one(DataTable)
        assert table.row_count == 2
        newest = history.entries[0]
        assert newest.created_id == created.ref.id
        assert table.get_row(newest.id)[1:] == [
            # the number tells the rows apart (reported: only "Chorus AI"), whole: the title gives way
            "Chorus… · +14155550188",
            "sandbox",
            created.ref.id[:9] + "…",  # cut with a sign; whole under the table
            "created",
        ]
        console = Console(width=78, record=True, file=io.StringIO())
        console.print(history.query_one("#history-request-text", Static).content)
        request = console.export_text()
        assert request.startswith(f"Created ID {created.ref.id} · mode sip-registration\n")  # whole
        assert "\nPOST http://sandbox.trunkwizard.invalid/chorus/v1/phone-numbers" in request
        assert '"sipPassword": "********"' in request and CANARY not in request

        await keys.press("d")
        await keys.settle()
        assert isinstance(app.screen, TypeToConfirmScreen)
        assert app.screen.confirmation.expected == REGISTRATION["number"]
        await keys.press("enter")  # Cancel has the focus: no, it stays
        await keys.settle()
        assert app.screen is history and not HistoryStore().entries()[-1].deleted  # type: ignore[comparison-overlap]

        await keys.press("d")
        await keys.settle()
        await keys.press("tab")
        await keys.type_text(REGISTRATION["number"])
        await keys.press("enter")
        await keys.settle()
        assert app.screen is history  # type: ignore[comparison-overlap]
        assert table.get_row(newest.id)[4] == "deleted"
        assert HistoryStore().entries()[-1].deleted
        async with app.client() as client:
            with pytest.raises(ProviderError) as gone:
                await client.fetch(created.ref)
        assert gone.value.status == 404

        await keys.press("d")  # again: already deleted, said in the banner
        await keys.settle()
        assert shown(app, "#history-banner").startswith("✗ Already deleted at ")

        await keys.press("down", "d")  # the entry from an earlier session: the sandbox forgot it
        await keys.settle()
        assert history.selected() is not None and history.selected().id == earlier.id  # type: ignore[union-attr]
        assert app.screen is history  # type: ignore[comparison-overlap]  # refused before asking
        assert "made in an earlier session, so there is nothing left to delete" in shown(
            app, "#history-banner"
        )
        assert not next(e for e in HistoryStore().entries() if e.id == earlier.id).deleted
        assert CANARY not in app.export_screenshot()
    assert_no_leak(CANARY, private_home.scanned_roots())


async def test_history_from_the_palette_when_nothing_was_created(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    from tests.tui.keeping import palette

    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await palette(keys, "History")
        assert isinstance(app.screen, HistoryScreen)
        assert shown(app, "#history-hint") == "Nothing created yet."
        await keys.press("escape")
        await keys.settle()
        assert app.screen.STEP == "provider"  # type: ignore[attr-defined]


async def test_an_unknown_outcome_is_never_shown_as_created(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    history = HistoryStore()
    sent = history.append(
        provider="chorus",
        profile=None,
        mode="jambonz",
        created_id=None,
        request={},
        sandbox=True,
        outcome="unknown",
    )
    looked = history.append(
        provider="chorus",
        profile=None,
        mode="jambonz",
        created_id=None,
        request={},
        sandbox=True,
        outcome="unknown",
    )
    history.record_lookup(looked.id, None)
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.press("f3")
        await keys.settle()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one(DataTable)
        assert table.get_row(sent.id)[4] == "unknown" and table.get_row(looked.id)[4] == "unknown"
