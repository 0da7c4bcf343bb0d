"""A row's problem or warning reads as the form says it, wherever a person reads it: the row counted from
1 and its fields by label ("row 1, Public static IP: ..."), never the wire path counted from 0
(`allowed_ips.0.ip`), which sent a technician fixing "row 1" to the wrong row. The row editor's banner
goes with the last field it marked, as the main form's does."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from tests.test_rule_sources import WAVIX_ANSWERS
from tests.tui.driver import KeyboardDriver
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.review import ReviewScreen
from trunkwizard.tui.screens.row_editor import RowEditorScreen

WAVIX = get_provider("wavix")
YEASTAR = get_provider("yeastar")
PRIVATE = "10.0.0.1 is not a public IPv4 address"


async def test_a_row_warning_in_the_review_says_the_row_as_the_form_does(
    make_app: Callable[..., WizardApp],
) -> None:
    """Wavix SIP trunk, one allowed IP 10.0.0.1 (private: an inferred rule warns, never refuses)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(WAVIX, "sip-trunk")
        form = app.screen.form  # type: ignore[attr-defined]
        for wire in ("label", "password", "callerid"):
            form.focus_field(wire)
            await keys.type_text(str(WAVIX_ANSWERS[wire]))
        form.focus_field("ip_restrict")
        await keys.press("space")
        form.focus_field("allowed_ips")
        await keys.settle()
        await keys.press("a")
        await keys.settle()
        await keys.press("home", "ctrl+k")
        await keys.type_text("10.0.0.1")
        await keys.press("ctrl+s")
        await keys.settle()
        assert form.rows["allowed_ips"].editor.get_value() == [{"ip": "10.0.0.1"}]
        await keys.press("tab")  # leaving the list checks it: the form says row 1 by label
        await keys.settle()
        assert (form.rows["allowed_ips"].warning or "").startswith(f"row 1, Public static IP: {PRIVATE}")
        await keys.press("ctrl+n")
        await keys.settle()
        review = app.screen
        assert isinstance(review, ReviewScreen), "a warning never blocks Next"
        shown = str(review.query_one("#review-warnings", Static).render())
        assert f"⚠ Allowed IPs, row 1, Public static IP: {PRIVATE}" in shown, shown
        assert "allowed_ips" not in shown


async def test_the_row_editor_banner_goes_when_no_field_is_marked_any_more(
    make_app: Callable[..., WizardApp],
) -> None:
    """Yeastar register trunk, Outbound caller IDs, `a`: a row saved without its caller ID is refused
    with a banner; typing the caller ID clears the field's ✗, and the banner goes with it."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(YEASTAR, "register")
        form = app.screen.form  # type: ignore[attr-defined]
        form.focus_field("outbound_cid_list")
        await keys.settle()
        await keys.press("a")
        await keys.settle()
        editor = app.screen
        assert isinstance(editor, RowEditorScreen)
        banner = editor.query_one("#row-banner", Static)
        assert str(banner.render()) == "", "no banner before a save is refused"
        editor.form.focus_field("outbound_cid_option")
        await keys.press("space")  # the first type, range
        await keys.settle()
        await keys.press("ctrl+s")
        await keys.settle()
        assert app.screen is editor, "a row without its caller ID is not saved"
        marked = [wire for wire, row in editor.form.rows.items() if row.error]
        assert marked == ["outbound_cid"], marked
        assert str(banner.render()) == "✗ fix the fields marked ✗"
        editor.form.focus_field("outbound_cid")
        await keys.type_text("4155550100")
        await keys.settle()
        assert editor.form.rows["outbound_cid"].error is None
        assert str(banner.render()) == "", "nothing is marked any more: the banner goes"
        await keys.press("ctrl+s")
        await keys.settle()
        assert not isinstance(app.screen, RowEditorScreen)
        assert form.rows["outbound_cid_list"].editor.get_value()[0]["outbound_cid"] == "4155550100"
