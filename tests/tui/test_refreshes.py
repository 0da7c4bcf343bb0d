"""What a key costs on a form (issue 16): Tab moves focus without rebuilding the footer (Textual's Footer
recomposes on every change of keys) nor repainting the whole screen (Textual's Screen does, on every
focus change)."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.tui.driver import KeyboardDriver
from tests.tui.screen_text import footer_text
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.widgets.step_footer import StepFooter, shown_keys

if TYPE_CHECKING:
    from trunkwizard.tui.screens.details import DetailsScreen

ROOT = Path(__file__).resolve().parents[2]


@asynccontextmanager
async def on_the_yeastar_form() -> AsyncIterator[tuple[WizardApp, KeyboardDriver]]:
    """The largest form (Yeastar's register trunk), at 80x24, settled."""
    app = WizardApp(sandbox=True)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(get_provider("yeastar"), "register")
        await keys.settle()
        yield app, keys


def _footer_says(app: WizardApp) -> list[tuple[str, str, bool]]:
    """What the footer shows: key, description, disabled (the palette key aside)."""
    footer = app.screen.query_one(StepFooter)
    return [(entry.display, entry.description, not entry.enabled) for entry in footer.entries]


def _screen_offers(app: WizardApp) -> list[tuple[str, str, bool]]:
    """The first shown binding of each action, as Textual's Footer composes its keys."""
    firsts: dict[str, tuple[str, str, bool]] = {}
    for _, binding, enabled, _ in app.screen.active_bindings.values():
        if binding.show:
            firsts.setdefault(
                binding.action, (app.get_key_display(binding), binding.description, not enabled)
            )
    return list(firsts.values())


async def test_tab_through_a_form_never_rebuilds_the_footer_and_it_shows_the_focused_fields_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Textual's Footer recomposes (removes and mounts every key) on each change of keys; ours is one
    widget that redraws its keys as focus moves, laid out again only when its number of rows changes."""
    laid_out: list[int] = []
    original_refresh = StepFooter.refresh

    def refresh(self: StepFooter, *regions: Any, **kwargs: Any) -> StepFooter:
        if kwargs.get("layout"):
            laid_out.append(1)
        return original_refresh(self, *regions, **kwargs)

    monkeypatch.setattr(StepFooter, "refresh", refresh)
    recomposed: list[Any] = []
    original = StepFooter.recompose

    async def counting(self: StepFooter) -> None:
        recomposed.append(shown_keys(self.screen))
        await original(self)

    monkeypatch.setattr(StepFooter, "recompose", counting)
    async with on_the_yeastar_form() as (app, keys):
        seen = [shown_keys(app.screen)]
        footer = app.screen.query_one(StepFooter)
        rows = [footer.region.height]
        recomposed.clear()
        laid_out.clear()
        for _ in range(14):  # text, choice, toggle fields: their keys differ
            await keys.press("tab")
            await keys.settle()
            seen.append(shown_keys(app.screen))
            rows.append(footer.region.height)
            assert _footer_says(app) == _screen_offers(app)
            line = footer_text(app)
            assert all(f"{key} {description}" in line for key, description, _ in _footer_says(app)), line
        assert sum(1 for before, after in itertools.pairwise(seen) if before != after) >= 4
        assert recomposed == []
        changed_rows = sum(1 for before, after in itertools.pairwise(rows) if before != after)
        assert len(laid_out) <= changed_rows, "a layout only when the footer takes a row more or less"


async def test_a_tab_repaints_what_it_changes_not_the_whole_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual's Screen repaints all of itself on every focus change: over SSH, every cell again."""
    from trunkwizard.tui.screens.details import DetailsScreen

    whole: list[int] = []
    original = DetailsScreen.refresh

    def counting(self: DetailsScreen, *regions: Any, **kwargs: Any) -> DetailsScreen:
        if not regions:
            whole.append(1)
        return original(self, *regions, **kwargs)

    monkeypatch.setattr(DetailsScreen, "refresh", counting)
    async with on_the_yeastar_form() as (_, keys):
        whole.clear()
        for _ in range(6):
            await keys.press("tab")
        await keys.settle()
        assert whole == []


async def test_a_row_has_a_message_line_only_once_it_has_something_to_say() -> None:
    from textual.widgets import Label

    from trunkwizard.tui.widgets.error_label import ErrorLabel
    from trunkwizard.tui.widgets.field_row import FieldRow

    async with on_the_yeastar_form() as (app, keys):
        rows = list(app.screen.query(FieldRow))
        assert len(rows) > 10 and list(app.screen.query(ErrorLabel)) == []
        # a row is its label and its editor, side by side in its own grid: no container between (issue 16:
        # each widget costs memory; a Horizontal per row was 22 widgets on this form)
        assert all([type(c) for c in row.children] == [Label, type(row.editor)] for row in rows)
        first = rows[0]
        await keys.type_text("bad name with spaces!")
        await keys.press("tab")
        await keys.settle()
        said = first.error or first.warning  # spaces: the PBX's import rules (a warning since it is inferred)
        assert said
        assert [label.message or label.warning for label in app.screen.query(ErrorLabel)] == [said]
        line = first.query_one(ErrorLabel)
        assert line.region.y == first.editor.region.bottom  # under the field, where its editor starts
        assert line.content_region.x == first.editor.region.x


async def test_the_first_screen_has_its_footer_when_it_is_composed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual's Footer composes empty and fills itself a refresh later: the first frame lacked it."""
    recomposed: list[Any] = []
    original = StepFooter.recompose

    async def counting(self: StepFooter) -> None:
        recomposed.append(shown_keys(self.screen))
        await original(self)

    monkeypatch.setattr(StepFooter, "recompose", counting)
    keys_at_first_render: list[int] = []
    original_render = StepFooter.render

    def render(self: StepFooter) -> Any:
        keys_at_first_render.append(len(self.entries))
        return original_render(self)

    monkeypatch.setattr(StepFooter, "render", render)
    app = WizardApp(sandbox=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert keys_at_first_render and keys_at_first_render[0] > 0, "the keys are in the first frame"
        assert recomposed == []


async def test_tab_moves_highlight_help_and_check_at_once_before_any_refresh() -> None:
    """A Tab's work on the form is done as focus moves, in one go: nothing waits for a refresh or a
    message, so the old row, the new row and the help are drawn in one frame (they were three)."""
    from trunkwizard.tui.screens.form_screen import FormScreen
    from trunkwizard.tui.widgets.field_help import FieldHelp
    from trunkwizard.tui.widgets.field_row import FieldRow

    async with on_the_yeastar_form() as (app, keys):
        screen = app.screen
        assert isinstance(screen, FormScreen)
        await keys.type_text("bad name with spaces!")  # the first field: a warning when it is left
        first = next(r for r in screen.query(FieldRow) if r.has_class("-focused"))
        screen.focus_next()  # what Tab does; nothing awaited after it
        second = next(r for r in screen.query(FieldRow) if r.has_class("-focused"))
        assert second is not first and not first.has_class("-focused")
        assert screen.query_one(FieldHelp).field is second.field
        assert first.error or first.warning, "the field left is checked at once"


async def test_a_toggle_shows_its_rows_at_once() -> None:
    from trunkwizard.tui.screens.form_screen import FormScreen
    from trunkwizard.tui.widgets.toggle_editor import ToggleEditor

    async with on_the_yeastar_form() as (app, _):
        screen = app.screen
        assert isinstance(screen, FormScreen)
        form = screen.form
        editor = form.rows["enb_outbound_proxy"].editor
        assert isinstance(editor, ToggleEditor)
        assert not form.shown("outbound_proxy_server")
        editor.checkbox.toggle()  # what space does; nothing awaited after it
        assert form.shown("outbound_proxy_server")


async def test_back_to_the_mode_and_on_again_keeps_the_form(monkeypatch: pytest.MonkeyPatch) -> None:
    from trunkwizard.tui.screens.details import DetailsScreen
    from trunkwizard.tui.widgets.field_row import FieldRow

    mounted: list[FieldRow] = []
    original = FieldRow.on_mount

    def counting(self: FieldRow) -> None:
        mounted.append(self)
        original(self)

    monkeypatch.setattr(FieldRow, "on_mount", counting)
    provider = get_provider("yeastar")
    app = WizardApp(sandbox=True)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(provider, "register")
        await keys.settle()
        details = app.screen
        built = len(mounted)
        assert built > 10
        await keys.type_text("Kept_trunk")
        await keys.press("escape")
        await keys.settle()
        assert app.screen.STEP == "mode"  # type: ignore[attr-defined]
        await keys.pick_mode(provider, "register")
        assert app.screen is details and len(mounted) == built, "the same form, not a rebuilt one"
        assert isinstance(details, DetailsScreen)
        assert "Kept_trunk" in str(details.form.values().values())
        await keys.press("escape")
        await keys.settle()
        other = next(m.key for m in provider.modes if m.key != "register")
        await keys.pick_mode(provider, other)
        assert app.screen is not details and len(mounted) > built


_PICK = """
import asyncio, json
from trunkwizard.tui.app import WizardApp

async def walk():
    app = WizardApp(sandbox=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Yeastar", "enter")
        for _ in range(400):
            if getattr(app.screen, "STEP", "") == "account":
                break
            await pilot.pause(0.05)
        import trunkwizard.providers.wavix as wavix
        import trunkwizard.providers.yeastar as yeastar
        built = {
            module.__name__.rsplit(".", 1)[-1]: sorted(
                name for name, c in vars(module).items() if getattr(c, "__pydantic_complete__", False)
            )
            for module in (yeastar, wavix)
        }
        print(json.dumps(built))
        app.exit(0)

asyncio.run(walk())
"""


def test_picking_a_provider_builds_its_validators_in_the_worker_and_no_other_providers(
    tmp_path: Path,
) -> None:
    """pydantic builds a model's validator when it is first used (defer_build): the picked provider's
    account and mode models are built by the worker that loads it on Enter, so the form's first check
    does not build one on the event loop; the providers loaded in the background build none. A fresh
    process, so no other test has built them."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", _PICK],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    built = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"YeastarAccount", "YeastarRegisterTrunk", "YeastarPeerTrunk", "YeastarAccountTrunk"} <= set(
        built["yeastar"]
    )
    assert built["wavix"] == []


async def test_a_tab_draws_one_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each widget a Tab changes asks for its repaint by a message of its own, and Textual drew the first
    that arrived, the rest a frame or two later (40 ms after the key); a field out of sight was scrolled
    to after one more refresh. Every Tab through the largest form is one frame, scrolls included; when
    the footer takes a row more or less, Textual lays the screen out again for the form's new height."""
    frames: list[int] = []
    original = WizardApp._display

    def display(self: WizardApp, screen: Any, renderable: Any) -> None:
        frames.append(1)
        original(self, screen, renderable)

    monkeypatch.setattr(WizardApp, "_display", display)
    async with on_the_yeastar_form() as (app, keys):
        form = app.screen.query_one("#form")
        footer = app.screen.query_one(StepFooter)
        per_tab: list[tuple[int, str]] = []
        scrolled = 0
        for _ in range(16):
            frames.clear()
            before, rows = form.scroll_y, footer.size.height
            await keys.press("tab")
            await keys.settle()
            await keys.pilot.pause(0.1)  # a frame drawn later would come within this
            if footer.size.height == rows:
                per_tab.append((len(frames), type(app.focused).__name__))
            scrolled += form.scroll_y != before
        assert scrolled, "the Tabs reach a field out of sight"
        assert len(per_tab) > 12 and [count for count, _ in per_tab] == [1] * len(per_tab), str(per_tab)


async def test_the_wizard_keeps_what_it_loaded_out_of_full_collections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A full collection walked every module, model and validator loaded: 80 to 190 ms with the event
    loop stopped, now and then on a Tab. The wizard's process freezes them once loaded, once."""
    import gc
    import types

    import trunkwizard.tui.screens.provider as provider_screen

    # the registry's own freeze, told apart from the one at the first frame (WizardApp.on_ready)
    freezes: list[int] = []

    def freeze() -> None:
        freezes.append(1)
        gc.freeze()

    monkeypatch.setattr(provider_screen, "gc", types.SimpleNamespace(freeze=freeze))
    monkeypatch.setattr(provider_screen, "_frozen", False)
    assert gc.get_freeze_count() == 0
    app = WizardApp(sandbox=True)
    app.keep_loaded = True  # as run_app does
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            keys = KeyboardDriver(pilot)
            await keys.settle()
            await app.workers.wait_for_complete()
            assert freezes == [1], "frozen once the registry is loaded"
            await keys.pick_provider(get_provider("yeastar"))
            await keys.press("escape")
            await keys.settle()
            await keys.press("ctrl+u")  # the filter still holds the first pick's name
            await keys.pick_provider(get_provider("wavix"))
            # never again: a freeze would keep the account step just left (garbage by then) for good
            assert freezes == [1]
    finally:
        gc.unfreeze()  # this test's process goes on: what it froze may be collected again


async def test_the_field_being_edited_stays_in_sight_when_the_footer_takes_a_second_row() -> None:
    """Setting the outbound proxy switch gives it a key more ("⌫ Not set"): at 80 columns the footer
    takes a second row and the form a line less, which was the switch's own line: it went out of sight,
    and the two rows it shows with it."""
    from trunkwizard.tui.screens.form_screen import FormScreen
    from trunkwizard.tui.widgets.step_footer import StepFooter

    async with on_the_yeastar_form() as (app, keys):
        screen = app.screen
        assert isinstance(screen, FormScreen)
        switch = screen.form.rows["enb_outbound_proxy"]
        await keys.tab_until(lambda focused: switch in focused.ancestors)
        await keys.settle()
        footer = screen.query_one(StepFooter)
        rows = footer.size.height
        await keys.press("space")
        await keys.settle()
        assert footer.size.height == rows + 1, "the case this test is about: the footer grew"
        assert screen.can_view_entire(switch), "the switch is still in sight"
        assert screen.form.shown("outbound_proxy_server")
        assert screen.can_view_entire(screen.form.rows["outbound_proxy_server"])


async def test_a_toggle_that_shows_rows_draws_them_without_a_second_layout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Showing or hiding the proxy's rows changes the switch's width ("on", "off"), its section's height
    and the form's: each change of a virtual size asked Textual for one layout more, which drew the
    switch and its section again a frame after the first (about 600 bytes of each toggle's 5 KB over
    SSH). They are drawn in the toggle's first frame, not again."""
    from textual.strip import Strip
    from textual.widget import Widget

    from trunkwizard.tui.screens.form_screen import FormScreen
    from trunkwizard.tui.widgets.form_view import FormSection

    drawn: list[str] = []
    render_lines = Widget.render_lines

    def counting(self: Widget, crop: Any) -> list[Strip]:
        drawn.append(type(self).__name__)
        return render_lines(self, crop)

    original_display = WizardApp._display

    def display(self: WizardApp, screen: Any, renderable: Any) -> None:
        drawn.append("FRAME")
        original_display(self, screen, renderable)

    async with on_the_yeastar_form() as (app, keys):
        screen = app.screen
        assert isinstance(screen, FormScreen)
        switch = screen.form.rows["enb_outbound_proxy"]
        section = next(a for a in switch.ancestors if isinstance(a, FormSection))
        await keys.tab_until(lambda focused: switch in focused.ancestors)
        await keys.press("space")  # set: the footer takes its second row for "⌫ Not set"
        await keys.settle()
        monkeypatch.setattr(Widget, "render_lines", counting)
        monkeypatch.setattr(WizardApp, "_display", display)
        for shown in (False, True, False):
            drawn.clear()
            await keys.press("space")
            await keys.settle()
            await keys.pilot.pause(0.1)  # a frame drawn later would come within this
            assert screen.form.shown("outbound_proxy_server") is shown
            first_frame = drawn.index("FRAME")
            assert {"OnOff", "FormSection", "FieldRow"} <= set(drawn[:first_frame]), drawn
            # a later frame draws what its region overlaps (the scrollbar's: the form and the screen)
            assert not {"OnOff", "FormSection", "FieldRow"} & set(drawn[first_frame:]), " ".join(drawn)
        assert section.size.height == 3  # its title line, the title and the switch


async def test_a_tab_that_takes_the_footer_a_row_more_lays_the_screen_out_once_and_the_row_stays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The footer's new height resizes the step's body, the form and the form's scrollbar in the same
    layout; each of their virtual sizes then asked Textual for one layout more, which arranged the same
    screen again (half of the layouts of a walk through the form). The row a list's keys took stays
    through the step: giving it back on the next field laid the screen out again and scrolled the form
    once more (issue 16), so after the first pass a walk through the form changes the footer no more."""
    from textual.screen import Screen

    layouts: list[int] = []
    original = Screen._refresh_layout

    def counting(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
        if self._layout_required:  # a full layout (a scroll only re-places what is arranged)
            layouts.append(1)
        original(self, *args, **kwargs)

    async with on_the_yeastar_form() as (app, keys):
        monkeypatch.setattr(Screen, "_refresh_layout", counting)
        footer = app.screen.query_one(StepFooter)
        heights: list[int] = [footer.region.height]
        for _ in range(60):  # twice through the form: the lists' keys take the footer a second row
            before = footer.region.height
            layouts.clear()
            await keys.press("tab")
            await keys.settle()
            await keys.pilot.pause(0.05)  # a layout asked for by the first would come within this
            changed = footer.region.height != before
            assert len(layouts) == int(changed), (before, footer.region.height, len(layouts))
            heights.append(footer.region.height)
        assert heights[0] == 1 and heights[-1] == 2
        assert heights == sorted(heights), "the footer never gave its second row back"
        assert len(set(heights)) == 2, "one change, from one row to two"


async def test_the_footer_fits_its_keys_again_at_a_new_width() -> None:
    """The row kept through a step is kept at one width: wider, the keys fit on one row again."""
    from trunkwizard.tui.widgets.rows_editor import RowList

    async with on_the_yeastar_form() as (app, keys):
        footer = app.screen.query_one(StepFooter)
        await keys.tab_until(lambda focused: isinstance(focused, RowList))
        await keys.settle()
        assert footer.region.height == 2, "a list's keys take a second row at 80 columns"
        await keys.press("tab")
        await keys.settle()
        assert footer.region.height == 2, "kept on the next field"
        await keys.pilot.resize_terminal(160, 40)
        await keys.settle()
        await keys.pilot.pause(0.1)
        assert footer.region.height == 1


async def _yeastar_register_form_with_secret(keys: KeyboardDriver, secret: str) -> DetailsScreen:
    """From the account step: the Client Secret typed anew, on to Yeastar's register trunk form."""
    from trunkwizard.tui.screens.account import AccountScreen
    from trunkwizard.tui.screens.details import DetailsScreen

    step = keys.app.screen
    assert isinstance(step, AccountScreen)
    await keys.retype(step.form, "client_secret", secret)
    await keys.accept_account()
    await keys.pick_mode(get_provider("yeastar"), "register")
    details = keys.app.screen
    assert isinstance(details, DetailsScreen)
    await keys.settle()
    return details


async def test_a_kept_form_asks_its_look_ups_again_when_the_account_step_changed_the_account() -> None:
    """Going back to the account step and on again shows the kept form (not a rebuilt one); its look-ups
    had listed the account of before. With a wrong Client Secret the ITSP lists were missing and said
    why; after the secret is corrected they list what the PBX has, and nothing says they are missing."""
    from tests.tui.screen_text import screen_lines
    from trunkwizard.sandbox import sandbox_account
    from trunkwizard.tui.widgets.lookup_editor import LookupEditor

    app = WizardApp(sandbox=True)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.pick_provider(get_provider("yeastar"))
        details = await _yeastar_register_form_with_secret(keys, "not-the-secret")
        country = details.form.rows["country"].editor
        assert isinstance(country, LookupEditor)
        assert country.typing
        assert any("no list to pick from" in line for line in screen_lines(app))

        await keys.press("escape")  # the mode step
        await keys.settle()
        await keys.press("escape")  # the account step
        await keys.settle()
        again = await _yeastar_register_form_with_secret(keys, sandbox_account("yeastar")["client_secret"])

        assert again is details, "the kept form"
        assert not country.typing, "the list of ITSP countries, from the corrected account"
        assert not any("no list to pick from" in line for line in screen_lines(app)), screen_lines(app)


async def test_focusing_a_look_up_whose_list_failed_reaches_its_typed_input() -> None:
    """A look-up that could not list its options hides its picker and shows an input to type the value
    in; a jump to the field (a problem marked there, the draft's field) focused the hidden picker, where
    keys went unseen."""
    from textual.widgets import Input

    from trunkwizard.tui.widgets.lookup_editor import LookupEditor

    app = WizardApp(sandbox=True)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.pick_provider(get_provider("yeastar"))
        details = await _yeastar_register_form_with_secret(keys, "not-the-secret")
        country = details.form.rows["country"].editor
        assert isinstance(country, LookupEditor) and country.typing

        assert details.form.focus_field("country")
        await keys.settle()
        assert isinstance(app.focused, Input) and app.focused.display, app.focused
        assert country in app.focused.ancestors
        await keys.press("ctrl+u")
        await keys.type_text("Germany")
        assert country.get_value() == "Germany"
