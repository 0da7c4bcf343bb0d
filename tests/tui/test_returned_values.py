"""The result screen, at 80x24, reads what the provider returned as the rest of its text does: JSON's
`true`/`false`/`null` (the nested objects beside them already were), never Python's `True`/`None`, and
a time the provider declares as unix milliseconds as a UTC date-time beside the number. Found by hand:
a Wavix trunk's flags read `False` and a Vox number's `start_at` read `1764460800000`."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.support.readable import PYTHON_WORDS
from tests.tui.driver import KeyboardDriver, richest_per_mode
from tests.tui.screen_text import screen_lines
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.result import ResultScreen


async def _result_lines(app: WizardApp, provider_key: str, mode: str) -> tuple[ResultScreen, list[str]]:
    """Create with the richest valid answers, then every line of the result a technician scrolls through."""
    provider = get_provider(provider_key)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(provider, mode)
        await keys.fill_form(app.screen.form, richest_per_mode(provider)[mode])  # type: ignore[attr-defined]
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        result = app.screen
        assert isinstance(result, ResultScreen), result
        seen: list[str] = []
        for _ in range(12):  # page down until the last line shows
            lines = screen_lines(app)
            seen += [line for line in lines if line not in seen]
            await keys.press("pagedown")
            await keys.settle()
            if screen_lines(app) == lines:
                break
        return result, seen


async def test_a_vox_number_reads_its_times_as_dates_and_nothing_as_null(
    make_app: Callable[..., WizardApp],
) -> None:
    result, lines = await _result_lines(make_app(), "vox", "custom-sip")
    started = result.created.returned["start_at"]
    shown = [line for line in lines if line.split()[:1] == ["start_at"]]
    assert shown, lines
    assert re.search(rf"start_at +\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d UTC \({started}\)", shown[0]), shown
    # the longest field name whole, and its nothing in JSON's word
    assert any(re.match(r" cancel_requested_at +null\b", line) for line in lines), lines
    assert not [line for line in lines if PYTHON_WORDS.search(line)], lines


async def test_a_wavix_trunk_reads_its_flags_as_true_and_false(make_app: Callable[..., WizardApp]) -> None:
    result, lines = await _result_lines(make_app(), "wavix", "sip-trunk")
    flags = [key for key, value in result.created.returned.items() if isinstance(value, bool)]
    assert flags
    for key in flags:
        word = "true" if result.created.returned[key] else "false"
        assert any(re.match(rf" {key} +{word}\s*\S?\s*$", line) for line in lines), (key, lines)
    assert not [line for line in lines if PYTHON_WORDS.search(line)], lines
