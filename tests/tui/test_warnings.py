"""An inferred rule warns at the field and in the review, and never stops the technician."""

from __future__ import annotations

from collections.abc import Callable

from tests.tui.driver import KeyboardDriver
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.review import ReviewScreen

CHORUS = get_provider("chorus")
WARNING = "Chorus documents numbers as E.164 (+14155550124); this one is not: Chorus may refuse it"


async def test_an_inferred_rule_warns_at_the_field_and_in_the_review_without_blocking(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(CHORUS, "jambonz")
        form = app.screen.form  # type: ignore[attr-defined]
        form.focus_field("number")
        await keys.type_text("5551234")  # no document gives Chorus numbers a pattern
        await keys.press("tab")
        row = form.rows["number"]
        assert row.error is None
        assert row.warning == WARNING
        assert row.has_class("-invalid") is False
        await keys.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen), "a warning never blocks Next"
        assert [str(w) for w in app.screen.prepared.warnings] == [f"number: {WARNING}"]
        shown = str(app.screen.query_one("#review-warnings").render())
        assert WARNING in shown
        assert app.screen.prepared.call.json is not None
        assert app.screen.prepared.call.json["number"] == "5551234", "sent as typed"


async def test_the_warning_goes_when_the_value_is_fixed(make_app: Callable[..., WizardApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(CHORUS, "jambonz")
        form = app.screen.form  # type: ignore[attr-defined]
        form.focus_field("number")
        await keys.type_text("5551234")
        await keys.press("tab")
        assert form.rows["number"].warning
        await keys.press("shift+tab", "home")
        await keys.type_text("+1415")
        assert form.rows["number"].warning is None
        await keys.press("tab")
        assert form.rows["number"].warning is None
        assert isinstance(app.screen, DetailsScreen)


WAVIX = get_provider("wavix")


async def test_the_row_editor_checks_a_row_by_the_core_rules_before_saving_it(
    make_app: Callable[..., WizardApp],
) -> None:
    """Issue 11: the Wavix row editor saved "not an ip". An IP address is documented (wavix-api.yaml
    allowed_ips.ip), so the row is refused at its field; a private address only warns, and is saved."""
    from tests.tui.driver import KeyboardDriver as Keys
    from trunkwizard.tui.screens.row_editor import RowEditorScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = Keys(pilot)
        await keys.to_details(WAVIX, WAVIX.modes[0].key)
        form = app.screen.form  # type: ignore[attr-defined]
        form.focus_field("ip_restrict")
        await keys.press("space")
        form.focus_field("allowed_ips")
        await keys.settle()
        await keys.press("a")
        await keys.settle()
        await keys.press("home", "ctrl+k")
        await keys.type_text("not an ip")
        await keys.press("ctrl+s")
        await keys.settle()
        editor = app.screen
        assert isinstance(editor, RowEditorScreen), "a row the documents refuse is not saved"
        assert "enter an IP address" in (editor.form.rows["ip"].error or "")
        editor.form.focus_field("ip")
        await keys.press("home", "ctrl+k")
        await keys.type_text("10.0.0.5")
        await keys.press("ctrl+s")
        await keys.settle()
        assert not isinstance(app.screen, RowEditorScreen), "an inferred rule never blocks the row"
        assert form.rows["allowed_ips"].editor.get_value() == [{"ip": "10.0.0.5"}]


async def test_the_wizard_warns_about_an_empty_limit_and_goes_on(make_app: Callable[..., WizardApp]) -> None:
    """Seed 002 lines 34 and 39 say a limit is "ignored when <toggle> is false", never that it is
    required when on (tests/test_rule_sources.py has the same in the CLI)."""
    from tests.test_rule_sources import LIMIT_WARNING, WAVIX_ANSWERS

    wavix = get_provider("wavix")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(wavix, "sip-trunk")
        form = app.screen.form  # type: ignore[attr-defined]
        for wire in ("label", "password", "callerid"):
            form.focus_field(wire)
            await keys.type_text(str(WAVIX_ANSWERS[wire]))
        form.focus_field("call_restrict")
        await keys.press("space")
        await keys.settle()
        form.focus_field("call_limit")
        await keys.type_text("3")
        await keys.press("backspace", "tab")  # typed, then emptied: leaving it says what that means
        await keys.settle()
        row = form.rows["call_limit"]
        assert row.error is None, "no document requires a limit: never a refusal"
        assert row.warning == LIMIT_WARNING.removeprefix("call_limit: ")
        await keys.press("ctrl+n")
        await keys.settle()
        assert isinstance(app.screen, ReviewScreen), "the warning never blocks Next"
        assert f"call_limit: {LIMIT_WARNING.removeprefix('call_limit: ')}" in [
            str(w) for w in app.screen.prepared.warnings
        ]
        assert LIMIT_WARNING.removeprefix("call_limit: ") in str(
            app.screen.query_one("#review-warnings").render()
        )
        body = app.screen.prepared.call.json
        assert body is not None and body["call_restrict"] is True and "call_limit" not in body
