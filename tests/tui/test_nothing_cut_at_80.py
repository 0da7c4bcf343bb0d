"""At 80x24, in 256 and in 16 colours, nothing a technician needs is cut at the right edge: every key a
screen's hint names is on screen, and a long inventory value shows a marker where it is cut and its whole
text elsewhere on the screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.geometry import Region
from textual.widgets import Static

from tests.support.secret_service import PrivateHome
from tests.tui.conftest import STEADY
from tests.tui.driver import KeyboardDriver, richest_per_mode
from tests.tui.keeping import keeping_app, ready
from tests.tui.screen_text import region_words, screen_lines
from trunkwizard.client import ProviderClient, load_account
from trunkwizard.errors import ProviderError
from trunkwizard.providers import get_provider
from trunkwizard.sandbox import sandbox_account
from trunkwizard.store import HistoryStore
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.account import AccountScreen
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.history import HistoryScreen
from trunkwizard.tui.screens.inventory import InventoryDetailsScreen, InventoryScreen
from trunkwizard.tui.screens.result import ResultScreen
from trunkwizard.tui.screens.review import ReviewScreen
from trunkwizard.tui.screens.type_to_confirm import TypeToConfirmScreen
from trunkwizard.tui.terminal import TerminalProfile

SIXTEEN = TerminalProfile(over_ssh=True, sixteen_colours=True, no_color=False)
TERMINALS = [STEADY, SIXTEEN]
TERMINAL_IDS = ["256-colours", "16-colours"]


def _one_line() -> Region:
    return Region(0, 0, 66, 1)


def _bindings(app: WizardApp) -> list[Binding]:
    """The keys the footer shows: one per action, as Textual's Footer picks them."""
    firsts: dict[str, Binding] = {}
    for _, binding, _, _ in app.screen.active_bindings.values():
        if binding.show:
            firsts.setdefault(binding.action, binding)
    return [b for b in firsts.values() if b.action != "command_palette"]


def _flat(app: WizardApp) -> str:
    """The screen's words in order, lines joined: a hint that wraps onto a second line still reads."""
    return " ".join(" ".join(screen_lines(app)).split())


def assert_hint_shown(app: WizardApp) -> list[str]:
    """Every key of the hint between Back and Next is on screen, whole; returns the hint's parts."""
    hint = str(app.screen.query_one("#status", Static).render())
    parts = [" ".join(part.split()) for part in hint.split(" · ")]
    shown = _flat(app)
    missing = [part for part in parts if part not in shown]
    assert not missing, (missing, screen_lines(app))
    return parts


@pytest.mark.parametrize("terminal", TERMINALS, ids=TERMINAL_IDS)
async def test_review_and_result_hints_show_every_key(
    terminal: TerminalProfile, make_app: Callable[..., WizardApp]
) -> None:
    # Found in tmux at 80x24: the result's hint ended "· o connects i…", so p (check SIP) was not in sight.
    wavix = get_provider("wavix")  # SIP-checkable and connectable: the longest hints
    app = make_app(terminal=terminal)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(wavix, "sip-trunk")
        await keys.fill_form(app.screen.form, richest_per_mode(wavix)["sip-trunk"])  # type: ignore[attr-defined]
        await keys.press("ctrl+n")
        await keys.settle()
        assert isinstance(app.screen, ReviewScreen)
        parts = assert_hint_shown(app)
        assert {part[0] for part in parts} >= {"E", "c", "s"}, parts

        await keys.press("enter")
        await keys.settle()
        assert isinstance(app.screen, ResultScreen)
        parts = assert_hint_shown(app)
        assert {part.split(":")[0] for part in parts} >= {"ctrl+n", "Esc", "o", "p"}, parts


@pytest.mark.parametrize("terminal", TERMINALS, ids=TERMINAL_IDS)
async def test_a_cut_inventory_value_is_marked_and_shown_whole(
    terminal: TerminalProfile, make_app: Callable[..., WizardApp]
) -> None:
    # Found auditing 16 colours: the status column read "✗ rejected: cann" and a label "Head office PB",
    # cut mid-word with no sign.
    app = make_app(terminal=terminal)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.pick_provider(get_provider("wavix"))
        await keys.press("f4")
        await keys.settle()
        screen = app.screen
        assert isinstance(screen, InventoryScreen) and screen.inventory is not None
        rows = {line.split()[0]: line for line in screen_lines(app) if line.strip()[:5].isdigit()}
        assert "Head office…" in rows["67701"] and "✗ rejected…" in rows["67704"], rows
        assert "◷ pending…" in rows["67703"], rows
        assert "Head office PBX: active" in _flat(app)  # the highlighted row, whole, under the table
        while (item := screen.selected()) is not None and item.cells["name"] != "67704":
            await keys.press("down")
            await keys.settle()
        assert "Old PBX: ✗ rejected: cannot place calls" in _flat(app), screen_lines(app)

        await keys.press("enter")  # the details screen says it whole too
        await keys.settle()
        assert isinstance(app.screen, InventoryDetailsScreen)
        assert "Status: rejected: cannot place calls" in _flat(app)


@pytest.mark.parametrize("no_color", [False, True], ids=["16-colours", "16-colours-no-color"])
async def test_the_delete_hint_reads_apart_from_typed_text_without_colour(
    no_color: bool, make_app: Callable[..., WizardApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found auditing 16 colours: the F8 dialog's box showed the name to type, dim, which in 16 colours
    # looked exactly like the name already typed.
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(terminal=SIXTEEN)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.pick_provider(get_provider("wavix"))
        await keys.press("f4")
        await keys.settle()
        await keys.press("f8")
        await keys.settle()
        confirm = app.screen
        assert isinstance(confirm, TypeToConfirmScreen)
        expected = confirm.confirmation.expected

        def box_line() -> list[tuple[str, bool]]:
            lines = confirm.query_one("#ttc-input").render_lines(_one_line())
            strip = next(line for line in lines if line.text.strip())
            return [(text, bool(style and style.italic)) for text, style, _ in strip if text.strip()]

        hint = box_line()
        assert "".join(text for text, _ in hint).strip() != expected, hint  # words say it is a hint
        assert all(italic for _, italic in hint), hint  # and it looks like one, without colour

        await keys.press("tab")
        await keys.type_text(expected)
        await keys.settle()
        typed = box_line()
        assert "".join(text for text, _ in typed).strip() == expected, typed
        assert not any(italic for _, italic in typed), typed


async def test_the_footer_shows_every_key_of_every_field(make_app: Callable[..., WizardApp]) -> None:
    # Found in tmux at 80x24: on SignalWire's form the footer ended "^g New password  ^q Qu" (and on a
    # radio field "^t Show secret"), the keys past the edge not in sight.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(get_provider("signalwire"), "sip-endpoint")
        seen: set[str] = set()
        for _ in range(12):
            shown = _flat(app)
            wanted = [f"{app.get_key_display(b)} {b.description}" for b in _bindings(app)]
            missing = [words for words in wanted if words not in shown]
            assert not missing, (missing, screen_lines(app)[-3:])
            seen.update(wanted)
            await keys.press("tab")
            await keys.settle()
        assert {"^q Quit", "^g New password", "space Pick"} <= seen, seen


async def test_a_cut_history_cell_is_marked_and_the_id_shown_whole(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    # Found in tmux at 80x24: history rows read "Chorus AI · +141555501" and "434e4781-3", cut mid-number
    # with no sign. The number keeps its last digits: the provider's name gives way.
    created = "434e4781-3a4a-402b-98b3-34c9eaae80d5"
    HistoryStore().append(
        provider="chorus",
        profile=None,
        mode="jambonz",
        created_id=created,
        request={"json": {"number": "+14155550177", "provider": "jambonz"}},
        sandbox=True,
    )
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.press("f3")
        await keys.settle()
        assert isinstance(app.screen, HistoryScreen)
        (row,) = [line for line in screen_lines(app) if "· +1415" in line]
        assert "Chorus… · +14155550177" in row and "434e4781-…" in row, row
        assert f"Created ID {created}" in _flat(app)


async def test_a_look_up_that_failed_says_why_whole(make_app: Callable[..., WizardApp]) -> None:
    # Found by hand at 80x24: with a wrong Client Secret, the PBX form's ITSP country read "type the id
    # (Yeastar P-Series refused the login" (its input's placeholder): what to check, and that the PBX
    # blocks the IP after 5 failed logins, were cut at the right edge.
    yeastar = get_provider("yeastar")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.pick_provider(yeastar)
        account_step = app.screen
        assert isinstance(account_step, AccountScreen)
        await keys.retype(account_step.form, "client_secret", "not-the-secret")
        await keys.accept_account()
        await keys.pick_mode(yeastar, "register")
        details = app.screen
        assert isinstance(details, DetailsScreen)
        # what the PBX answers this secret, asked apart from the form
        wrong = load_account(yeastar, {**sandbox_account("yeastar"), "client_secret": "not-the-secret"})
        async with ProviderClient(yeastar, wrong, transport=app.transport()) as client:
            with pytest.raises(ProviderError) as refused:
                await client.lookup("itsp_countries")
        said = " ".join(refused.value.message.split())
        assert "Client Secret" in said, said
        country = details.form.rows["country"]
        assert said in region_words(app, country.region), screen_lines(app)
