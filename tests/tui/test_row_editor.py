"""The row editor: saving a row (ctrl+s, the key it advertises) returns to the form, never crashes."""

from __future__ import annotations

from collections.abc import Callable

from tests.tui.driver import KeyboardDriver
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.row_editor import RowEditorScreen

WAVIX = get_provider("wavix")


async def test_saving_rows_with_ctrl_s_keeps_the_app_running(make_app: Callable[..., WizardApp]) -> None:
    # The keys of the report: Wavix, IP restriction on, `a`, an IP, ctrl+s; it crashed 7 times in 10 by hand
    # with NoScreen from FieldRow._check_left (the row's blur check ran after its modal was gone).
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(WAVIX, WAVIX.modes[0].key)
        form = app.screen.form  # type: ignore[attr-defined]
        form.focus_field("ip_restrict")
        await keys.press("space")
        form.focus_field("allowed_ips")
        await keys.settle()
        for n in range(6):
            await keys.press("a")
            await keys.settle()
            assert isinstance(app.screen, RowEditorScreen)
            await keys.press("home", "ctrl+k")
            await keys.type_text(f"203.0.113.{n + 1}")
            await keys.press("ctrl+s")
            await keys.settle()
            assert app.is_running and not isinstance(app.screen, RowEditorScreen)
        assert len(form.rows["allowed_ips"].editor.get_value()) == 6
