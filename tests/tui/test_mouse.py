"""The mouse works too: pick a provider and a mode, choose, toggle, add a row and go on by clicking."""

from __future__ import annotations

from collections.abc import Callable

from tests.tui.driver import KeyboardDriver
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.row_editor import RowEditorScreen
from trunkwizard.tui.widgets.choice_grid import ChoiceGrid
from trunkwizard.tui.widgets.rows_editor import RowList
from trunkwizard.tui.widgets.toggle_editor import OnOff


async def test_a_form_is_filled_and_sent_on_with_clicks(make_app: Callable[..., WizardApp]) -> None:
    wavix = get_provider("wavix")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.settle()
        await keys.type_text("wavix")
        await pilot.click("#providers", offset=(4, 0))
        await keys.settle()
        assert app.screen.STEP == "account"  # type: ignore[attr-defined]
        await pilot.click("#next")
        await keys.settle()
        screen = app.screen
        assert isinstance(screen, DetailsScreen), "the Next button goes on"
        form = screen.form

        toggle = form.rows["ip_restrict"].editor.query_one(OnOff)
        await pilot.click(toggle)
        assert toggle.value and form.shown("allowed_ips")

        rows = form.rows["allowed_ips"].editor.query_one(RowList)
        await pilot.click(rows)
        await keys.settle()
        modal = app.screen
        assert isinstance(modal, RowEditorScreen)
        await keys.fill_form(modal.form, {"ip": "203.0.113.10"})
        await pilot.click("#row-save")
        await keys.settle()
        assert rows.rows == [{"ip": "203.0.113.10"}]

        await pilot.click("#back")
        await keys.settle()
        assert app.screen.STEP == "account", "the Back button goes back"  # type: ignore[attr-defined]
        assert wavix.key == app.state.provider_key


async def test_a_choice_cell_is_picked_by_clicking_it(make_app: Callable[..., WizardApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(get_provider("chorus"), "sip-registration")
        form = app.screen.form  # type: ignore[attr-defined]
        grid = form.rows["sipRegisterTransport"].editor.query_one(ChoiceGrid)
        assert grid.value == "udp"
        # cells: "(•) udp  ( ) tcp  ( ) tls": "tls" starts at column 18
        await pilot.click(grid, offset=(19, 0))
        assert grid.value == "tls"
