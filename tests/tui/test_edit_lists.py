"""A list field in the inventory's edit form (Pilot, 80x24): the PBX trunk's DID list is edited with the
row editor, as in the create's form, reviewed as rows (old -> new) and sent; the PBX holds the new list."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from tests.tui.driver import KeyboardDriver
from tests.tui.test_inventory import _details_of, _recorded_app
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.inventory_edit import EditReviewScreen, InventoryEditScreen
from trunkwizard.tui.screens.row_editor import RowEditorScreen
from trunkwizard.tui.widgets.form_view import FormView


async def test_a_did_is_added_in_the_edit_form_and_sent(make_app: Callable[..., WizardApp]) -> None:
    app, recorder = _recorded_app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await _details_of(keys, "yeastar", "Carrier_Main")
        await keys.press("e")
        await keys.settle()
        edit = app.screen
        assert isinstance(edit, InventoryEditScreen)
        assert "DID" not in str(edit.query_one("#edit-read-only", Static).render())
        form = edit.query_one(FormView)
        form.focus_field("did_list")
        await keys.settle()
        await keys.press("a")
        await keys.settle()
        assert isinstance(app.screen, RowEditorScreen)
        assert form.rows["did_list"].editor.get_value() == [  # filled from the get call
            {"did": "4155550111", "did_name": "Main line"},
            {"did": "4155550112", "did_name": "Sales"},
        ]
        await keys.type_text("4155550113")
        await keys.press("ctrl+s")
        await keys.settle()
        assert isinstance(app.screen, InventoryEditScreen)
        await keys.press("ctrl+n")
        await keys.settle()
        review = app.screen
        assert isinstance(review, EditReviewScreen)
        assert review.edit.lines() == [
            "did_list: 2 rows: 4155550111 · Main line, 4155550112 · Sales -> "
            "3 rows: 4155550111 · Main line, 4155550112 · Sales, 4155550113",
            "password: unchanged",
        ]
        await keys.press("ctrl+n")
        await keys.settle()
        assert review.sent
        # read back with the get call: the PBX holds the three rows
        read_back = str(review.query_one("#review-text", Static).render())
        # by label, rows counted from 1 as the form counts them (it said did_list[2].did for row 3)
        assert "DIDs, row 3, DID: 4155550113" in read_back and "DIDs, row 1, DID: 4155550111" in read_back
        assert "did_list" not in read_back.split("Read back", 1)[1]
    (write,) = recorder.writes
    assert write.path.endswith("/trunk/update")
