"""80x24 is the design size; 60x20 and 160x50 stay usable: the buttons and keys stay on screen, and
the focused field scrolls into view on the largest form."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from textual.widgets import OptionList

from tests.tui.driver import KeyboardDriver
from tests.tui.screen_text import footer_text, screen_lines
from trunkwizard.providers import all_providers, get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.base import WizardScreen
from trunkwizard.tui.widgets.form_view import FormView
from trunkwizard.tui.widgets.step_footer import StepFooter


def _assert_usable(app: WizardApp) -> None:
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    width, height = app.size
    for selector in ("#next", "#back"):
        button = screen.query_one(selector)
        if not button.display:
            continue
        region = button.region
        assert region.width > 0 and region.bottom <= height and region.right <= width, (selector, region)
    footer = screen.query_one(StepFooter)
    # at the bottom; a second row when its keys do not fit in one, every key whole on screen
    assert footer.region.bottom == height and 1 <= footer.region.height <= 2
    shown = footer_text(app)
    for entry in footer.entries:
        assert f"{entry.display} {entry.description}" in shown, (entry, shown)
    heading = screen.query_one("#heading")
    assert heading.region.y < height


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (160, 50)])
async def test_every_step_keeps_its_keys_and_buttons_on_screen(
    size: tuple[int, int], make_app: Callable[..., WizardApp]
) -> None:
    chorus = get_provider("chorus")
    app = make_app()
    async with app.run_test(size=size) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.settle()
        _assert_usable(app)
        await keys.pick_provider(chorus)
        _assert_usable(app)
        await keys.accept_account()
        _assert_usable(app)
        await keys.pick_mode(chorus, "voximplant")
        _assert_usable(app)
        await keys.fill_form(app.screen.form, {"number": "+14155550170"})  # type: ignore[attr-defined]
        await keys.press("ctrl+n")
        await keys.settle()
        _assert_usable(app)
        await keys.press("enter")
        await keys.settle()
        assert app.screen.STEP == "result"  # type: ignore[attr-defined]
        _assert_usable(app)


def _largest_form() -> tuple[str, str]:
    provider, mode = max(((p, m) for p in all_providers() for m in p.modes), key=lambda pm: len(pm[1].fields))
    return provider.key, mode.key


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_the_focused_field_is_always_visible_on_the_largest_form(
    size: tuple[int, int], make_app: Callable[..., WizardApp]
) -> None:
    provider_key, mode_key = _largest_form()
    provider = get_provider(provider_key)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(provider, mode_key)
        form = app.screen.query_one(FormView)
        visited = 0
        for _ in range(60):
            focused = app.focused
            if focused is None or form not in focused.ancestors:
                break
            await pilot.pause()
            visible = form.region
            assert visible.contains_region(focused.region.intersection(visible)) and focused.region.height
            top = focused.region.y
            assert visible.y <= top < visible.bottom, f"{focused} at {focused.region} outside {visible}"
            visited += 1
            await keys.press("tab")
        assert visited >= 10


def _list_lines(app: WizardApp) -> list[str]:
    """The lines of the screen's choice list, inside its border."""
    region = app.screen.query_one(OptionList).content_region
    lines = screen_lines(app)[region.y : region.bottom]
    return [line[region.x : region.right] for line in lines if line[region.x : region.right].strip()]


@pytest.mark.parametrize("width", [60, 80])
@pytest.mark.parametrize("where", ["providers", "sides", "modes"])
async def test_a_choice_summary_that_wraps_keeps_its_indent(
    width: int, where: str, make_app: Callable[..., WizardApp]
) -> None:
    app = make_app()
    async with app.run_test(size=(width, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.settle()
        if where == "sides":
            await keys.press("ctrl+o")
        elif where == "modes":
            yeastar = get_provider("yeastar")
            await keys.pick_provider(yeastar)
            await keys.accept_account()
        await keys.settle()
        lines = _list_lines(app)
        titles = [line for line in lines if re.match(r"[▶ ] \S", line)]
        summaries = [line for line in lines if line.startswith("    ")]
        assert titles and len(summaries) > len(titles), lines  # some summary wraps at this width
        assert len(titles) + len(summaries) == len(lines), lines


async def test_the_no_match_banner_goes_once_a_provider_matches_again(
    make_app: Callable[..., WizardApp],
) -> None:
    # Found by hand: after Enter on a filter nothing matched and ctrl+u, the banner still said no
    # provider matches, over the whole list.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.settle()
        await keys.type_text("zzz")
        await keys.press("enter")
        await keys.settle()
        assert "No provider matches" in "\n".join(screen_lines(app))
        await keys.press("ctrl+u")
        await keys.settle()
        assert "No provider matches" not in "\n".join(screen_lines(app))
