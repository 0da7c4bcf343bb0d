"""Conditional fields appear and disappear as their controller changes, keep what was typed, and are
never sent while hidden. Parametrised over every registered provider and mode."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.tui.driver import KeyboardDriver, as_typed, richest_per_mode
from trunkwizard.fields import FormField, Kind
from trunkwizard.providers import Mode, Provider, all_providers, get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.row_editor import RowEditorScreen
from trunkwizard.tui.widgets.choice_grid import ChoiceGrid
from trunkwizard.tui.widgets.form_view import FormView


def _controlled(mode: Mode) -> list[FormField]:
    siblings = {f.wire: f for f in mode.fields}
    return [
        f
        for f in mode.fields
        if f.shown_when is not None
        and siblings.get(f.shown_when.field) is not None
        and siblings[f.shown_when.field].kind in (Kind.TOGGLE, Kind.CHOICE)
    ]


def _modes_with_conditions() -> Iterator[tuple[str, str]]:
    for provider in all_providers():
        for mode in provider.modes:
            if _controlled(mode):
                yield provider.key, mode.key


async def _set_controller(keys: KeyboardDriver, form: FormView, wire: str, value: Any) -> None:
    row = form.rows[wire]
    form.focus_field(wire)
    await keys.pilot.pause()
    focused = keys.focused
    if row.field.kind is Kind.TOGGLE:
        wanted = bool(value)
        if row.editor.get_value() is None or bool(row.editor.get_value()) != wanted:
            await keys.press("space")
            if bool(row.editor.get_value()) != wanted:
                await keys.press("space")
    else:
        assert isinstance(focused, ChoiceGrid)
        await keys.pick_in_grid(focused, value)
    assert bool(row.editor.get_value()) == bool(value) if row.field.kind is Kind.TOGGLE else True


def _showing_value(controller: FormField, shown_values: tuple[Any, ...]) -> Any:
    return shown_values[0]


def _hiding_value(controller: FormField, shown_values: tuple[Any, ...]) -> Any:
    if controller.kind is Kind.TOGGLE:
        return not bool(shown_values[0])
    return next(c.value for c in controller.choices if c.value not in shown_values)


@pytest.mark.parametrize(("provider_key", "mode_key"), list(_modes_with_conditions()))
async def test_conditional_fields_follow_their_controller(
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
        siblings = {f.wire: f for f in mode.fields}
        for field in _controlled(mode):
            condition = field.shown_when
            assert condition is not None
            controller = siblings[condition.field]
            await _set_controller(keys, form, controller.wire, _showing_value(controller, condition.values))
            assert form.shown(field.wire), f"{field.wire} did not appear {condition.describe()}"
            typed = await _type_something(keys, form, field)
            await _set_controller(keys, form, controller.wire, _hiding_value(controller, condition.values))
            assert not form.shown(field.wire), f"{field.wire} still shown after {controller.wire} changed"
            assert field.wire not in form.answers()
            await _set_controller(keys, form, controller.wire, _showing_value(controller, condition.values))
            assert form.shown(field.wire)
            if typed is not None:
                assert form.rows[field.wire].editor.get_value() == typed, "typed value lost while hidden"


async def _type_something(keys: KeyboardDriver, form: FormView, field: FormField) -> Any:
    """Type a value into a text-like conditional field; return the editor's value (None if skipped)."""
    if field.kind not in (Kind.TEXT, Kind.INTEGER, Kind.NUMBER) or field.choices_from:
        return None
    form.focus_field(field.wire)
    await keys.pilot.pause()
    await keys.type_text("7")
    return form.rows[field.wire].editor.get_value()


def _toggle_walks() -> Iterator[tuple[str, str]]:
    """Provider modes whose richest VALID answers turn a toggle on that reveals answered fields."""
    for provider in all_providers():
        for mode_key, answers in richest_per_mode(provider).items():
            mode = provider.mode(mode_key)
            if _revealed_by_toggles(provider, mode, answers):
                yield provider.key, mode_key


def _revealed_by_toggles(provider: Provider, mode: Mode, answers: dict[str, Any]) -> dict[str, list[str]]:
    siblings = {f.wire: f for f in mode.fields}
    revealed: dict[str, list[str]] = {}
    for field in mode.fields:
        condition = field.shown_when
        if condition is None or field.wire not in answers:
            continue
        controller = siblings.get(condition.field)
        if controller is not None and controller.kind is Kind.TOGGLE and field.hidden_value is None:
            revealed.setdefault(controller.wire, []).append(field.wire)
    return revealed


@pytest.mark.parametrize(("provider_key", "mode_key"), list(_toggle_walks()))
async def test_fields_hidden_by_a_toggle_are_not_sent_and_come_back(
    provider_key: str, mode_key: str, make_app: Callable[..., WizardApp]
) -> None:
    provider = get_provider(provider_key)
    mode = provider.mode(mode_key)
    answers = richest_per_mode(provider)[mode_key]
    revealed = _revealed_by_toggles(provider, mode, answers)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(provider, mode_key)
        screen = app.screen
        assert isinstance(screen, DetailsScreen)
        await keys.fill_form(screen.form, answers)
        for controller in revealed:
            await _set_controller(keys, screen.form, controller, False)
        await keys.press("ctrl+n")
        await keys.settle()
        assert app.screen.STEP == "review"  # type: ignore[attr-defined]
        assert app.state.prepared is not None
        body = app.state.prepared.preview.json or {}
        hidden = [wire for wires in revealed.values() for wire in wires]
        assert not set(hidden) & set(body), f"hidden fields sent: {set(hidden) & set(body)}"

        await keys.press("escape")
        await keys.settle()
        for controller in revealed:
            await _set_controller(keys, screen.form, controller, True)
        siblings = {f.wire: f for f in mode.fields}
        for wire in hidden:
            assert screen.form.shown(wire)
            assert screen.form.rows[wire].editor.get_value() == _editor_value(siblings[wire], answers[wire])


def _unsettable_toggle_walks() -> Iterator[tuple[str, str, str]]:
    """Toggles that reveal answered fields and can go back to "not set" (⌫): no default, not required."""
    for provider_key, mode_key in _toggle_walks():
        provider = get_provider(provider_key)
        mode = provider.mode(mode_key)
        siblings = {f.wire: f for f in mode.fields}
        for wire in _revealed_by_toggles(provider, mode, richest_per_mode(provider)[mode_key]):
            controller = siblings[wire]
            if controller.default is None and not controller.needed():
                yield provider_key, mode_key, wire


@pytest.mark.parametrize(("provider_key", "mode_key", "controller"), list(_unsettable_toggle_walks()))
async def test_a_toggle_put_back_to_not_set_hides_its_fields_and_they_are_not_sent(
    provider_key: str, mode_key: str, controller: str, make_app: Callable[..., WizardApp]
) -> None:
    """"⌫ Not set" on a switch that was on left the rows it had shown on screen, Tab still went into
    them, and the review sent none of them, without a word: not set hides them, as off does."""
    provider = get_provider(provider_key)
    mode = provider.mode(mode_key)
    answers = richest_per_mode(provider)[mode_key]
    hidden = _revealed_by_toggles(provider, mode, answers)[controller]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(provider, mode_key)
        screen = app.screen
        assert isinstance(screen, DetailsScreen)
        await keys.fill_form(screen.form, answers)
        await _set_controller(keys, screen.form, controller, True)
        assert all(screen.form.shown(wire) for wire in hidden)
        await keys.press("backspace")
        await keys.settle()
        assert screen.form.rows[controller].editor.get_value() is None
        assert not any(screen.form.shown(wire) for wire in hidden), "not set: its fields are hidden"
        await keys.press("ctrl+n")
        await keys.settle()
        assert app.screen.STEP == "review"  # type: ignore[attr-defined]
        assert app.state.prepared is not None
        body = app.state.prepared.preview.json or {}
        assert controller not in body and not set(hidden) & set(body)


def _editor_value(field: FormField, answer: Any) -> Any:
    typed = as_typed(field, answer)
    if field.kind is Kind.INTEGER:
        return int(typed)
    if field.kind is Kind.NUMBER:
        return float(typed)
    return typed


async def test_chorus_registration_fields_exist_only_in_registration_mode(
    make_app: Callable[..., WizardApp],
) -> None:
    chorus = get_provider("chorus")
    registration_only = {"sipOutboundProxy", "sipAuthUser", "sipUsername", "sipPassword", "sipProxy"}
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(chorus, "sip-registration")
        screen = app.screen
        assert isinstance(screen, DetailsScreen)
        assert registration_only <= set(screen.form.rows)
        screen.form.focus_field("sipOutboundProxy")
        await keys.type_text("edge.example.com")
        await keys.press("escape")  # back to the modes, the answer kept
        await keys.settle()
        await keys.pick_mode(chorus, "sip-ip-allowlist")
        allowlist = app.screen
        assert isinstance(allowlist, DetailsScreen)
        assert not registration_only & set(allowlist.form.rows)
        assert "sipIp" in allowlist.form.rows
        await keys.fill_form(allowlist.form, {"number": "+14155550155", "sipIp": "203.0.113.10"})
        await keys.press("ctrl+n")
        await keys.settle()
        assert app.state.prepared is not None
        body = app.state.prepared.preview.json or {}
        assert not registration_only & set(body)
        assert body["sipMode"] == "ip_allowlist" and body["sipIp"] == "203.0.113.10"
        await keys.press("escape", "escape")
        await keys.settle()
        await keys.pick_mode(chorus, "sip-registration")
        again = app.screen
        assert isinstance(again, DetailsScreen)
        assert again.form.rows["sipOutboundProxy"].editor.get_value() == "edge.example.com"


async def test_caller_id_rows_show_range_or_extension_fields(make_app: Callable[..., WizardApp]) -> None:
    """Inside a row: the extension range only for a range rule, the extension list only when shared."""
    try:
        yeastar = get_provider("yeastar")
    except KeyError:
        pytest.skip("Yeastar is not registered")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(yeastar, "register")
        screen = app.screen
        assert isinstance(screen, DetailsScreen)
        screen.form.focus_field("outbound_cid_list")
        await keys.press("a")
        await keys.settle()
        modal = app.screen
        assert isinstance(modal, RowEditorScreen)
        option = modal.form.rows["outbound_cid_option"].editor.query_one(ChoiceGrid)
        option.focus()
        await keys.pick_in_grid(option, "range")
        assert modal.form.shown("outbound_cid_to_ext_range") and not modal.form.shown("ext_list")
        await keys.pick_in_grid(option, "shared")
        assert modal.form.shown("ext_list") and not modal.form.shown("outbound_cid_to_ext_range")
        await keys.press("escape")
        await keys.settle()
        assert app.screen is screen
