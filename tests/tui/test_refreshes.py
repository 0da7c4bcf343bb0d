"""What a key costs on a form (issue 16): Tab moves focus without rebuilding the footer when the keys
it shows stay the same (Textual's Footer recomposes on every focus change)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.tui.driver import KeyboardDriver
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.widgets.step_footer import StepFooter, shown_keys


async def test_tab_through_a_form_recomposes_the_footer_only_when_its_keys_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recomposed: list[Any] = []
    original = StepFooter.recompose

    async def counting(self: StepFooter) -> None:
        recomposed.append(shown_keys(self.screen))
        await original(self)

    monkeypatch.setattr(StepFooter, "recompose", counting)
    app = WizardApp(sandbox=True)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(get_provider("yeastar"), "register")
        await keys.settle()
        seen = [shown_keys(app.screen)]
        recomposed.clear()
        for _ in range(12):
            await keys.press("tab")
            await keys.settle()
            seen.append(shown_keys(app.screen))
        changes = sum(1 for before, after in itertools.pairwise(seen) if before != after)
        assert app.screen.query_one(StepFooter).children, "the footer shows its keys"
        assert len(recomposed) == changes


async def test_a_row_has_a_message_line_only_once_it_has_something_to_say() -> None:
    from trunkwizard.tui.widgets.error_label import ErrorLabel
    from trunkwizard.tui.widgets.field_row import FieldRow

    app = WizardApp(sandbox=True)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(get_provider("yeastar"), "register")
        await keys.settle()
        rows = list(app.screen.query(FieldRow))
        assert len(rows) > 10 and list(app.screen.query(ErrorLabel)) == []
        first = rows[0]
        await keys.type_text("bad name with spaces!")
        await keys.press("tab")
        await keys.settle()
        said = first.error or first.warning  # spaces: the PBX's import rules (a warning since it is inferred)
        assert said
        assert [label.message or label.warning for label in app.screen.query(ErrorLabel)] == [said]


async def test_the_first_screen_has_its_footer_when_it_is_composed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual's Footer composes empty and fills itself a refresh later: the first frame lacked it."""
    recomposed: list[Any] = []
    original = StepFooter.recompose

    async def counting(self: StepFooter) -> None:
        recomposed.append(shown_keys(self.screen))
        await original(self)

    monkeypatch.setattr(StepFooter, "recompose", counting)
    keys_at_mount: list[int] = []
    original_mount = StepFooter._on_mount

    def on_mount(self: StepFooter, event: Any) -> None:
        keys_at_mount.append(len(self.children))
        original_mount(self, event)

    monkeypatch.setattr(StepFooter, "_on_mount", on_mount)
    app = WizardApp(sandbox=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert keys_at_mount and keys_at_mount[0] > 0, "the footer's keys are composed with the screen"
        assert recomposed == []
