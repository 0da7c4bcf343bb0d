"""A cleared choice shows what the request will hold: Backspace on a choice the model defaults (Chorus's
sipProtocol, documented as "udp" in seed 000 line 16) leaves the default chosen, never an empty row that
still sends the default. Over every choice field of every provider and mode."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from tests.tui.driver import KeyboardDriver, richest_per_mode
from trunkwizard.fields import FormField, Kind, is_blank
from trunkwizard.providers import Mode, all_providers, get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.details import DetailsScreen

_CHOICES = (Kind.CHOICE, Kind.MULTI_CHOICE, Kind.ORDERED_CHOICE)


def _choices(mode: Mode) -> list[FormField]:
    return [f for f in mode.fields if f.kind in _CHOICES and not f.fixed and not f.choices_from]


def _modes_with_choices() -> Iterator[tuple[str, str]]:
    for provider in all_providers():
        for mode_key in richest_per_mode(provider):
            if _choices(provider.mode(mode_key)):
                yield provider.key, mode_key


def _refused(exc: ValidationError, field: FormField) -> bool:
    return any(error["loc"] and error["loc"][0] in (field.wire, field.name) for error in exc.errors())


@pytest.mark.parametrize(("provider_key", "mode_key"), list(_modes_with_choices()))
async def test_a_cleared_choice_sends_what_the_form_shows(
    provider_key: str, mode_key: str, make_app: Callable[..., WizardApp]
) -> None:
    provider = get_provider(provider_key)
    mode = provider.mode(mode_key)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(provider, mode_key)
        screen = app.screen
        assert isinstance(screen, DetailsScreen)
        form = screen.form
        await keys.fill_form(form, richest_per_mode(provider)[mode_key])
        for field in _choices(mode):
            if not form.shown(field.wire):
                continue
            editor = form.rows[field.wire].editor
            before = editor.get_value()
            form.focus_field(field.wire)
            await pilot.pause()
            await keys.press("backspace")
            shown: Any = editor.get_value()
            try:
                request = mode.model.model_validate(form.answers())
            except ValidationError as exc:
                assert is_blank(shown) and _refused(exc, field), (field.wire, shown, exc)
            else:
                sent = getattr(request, field.name)
                assert sent == shown or (is_blank(sent) and is_blank(shown)), (
                    f"{provider_key} {mode_key} {field.wire}: the form shows {shown!r}, the request holds "
                    f"{sent!r}"
                )
            editor.set_value(before)
            await pilot.pause()
