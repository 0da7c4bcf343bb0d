"""Connecting what the wizard created to the other side (Pilot, embedded sandbox): from the result screen,
pick the side that takes the offer; its form opens with the offered values filled in, locked, and marked
where they came from; the second emulator receives what the first answered; the history links the pair."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import DataTable, Static

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak
from tests.support.secret_service import PrivateHome
from tests.tui.driver import KeyboardDriver
from tests.tui.keeping import keeping_app, ready
from tests.tui.screen_text import footer_text, region_words, screen_lines
from trunkwizard.client import ProviderClient, load_account
from trunkwizard.connect import password_problems
from trunkwizard.connect.catalog import available_pairs
from trunkwizard.errors import ProviderError
from trunkwizard.providers import ResourceRef, all_providers, get_provider
from trunkwizard.sandbox import sandbox_account
from trunkwizard.sandbox import wavix as wavix_emulator
from trunkwizard.sandbox import yeastar as yeastar_emulator
from trunkwizard.store import AppDirs, HistoryStore
from trunkwizard.tui.persistent_app import PersistentWizardApp
from trunkwizard.tui.screens.connect import ConnectDetailsScreen, NeedScreen
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.quit_confirm import QuitScreen
from trunkwizard.tui.screens.result import ResultScreen, result_renderable
from trunkwizard.tui.screens.resume import ResumeScreen
from trunkwizard.tui.screens.sip_check import SipCheckScreen
from trunkwizard.tui.screens.type_to_confirm import TypeToConfirmScreen
from trunkwizard.tui.widgets.form_view import FormView

WAVIX = get_provider("wavix")
YEASTAR = get_provider("yeastar")
TUI = Path(__file__).resolve().parents[2] / "trunkwizard" / "tui"


def _code_words(source: str) -> list[tuple[int, str]]:
    """The names and the string literals of a module, docstrings left out (a docstring may give an
    example; what the code says or shows may not name a provider)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    words: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            words.append((node.lineno, node.value))
        elif isinstance(node, ast.Name):
            words.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute):
            words.append((node.lineno, node.attr))
    return words


def test_the_tui_names_no_provider() -> None:
    """Pairings come from the providers' declarations: no module of the TUI names a provider."""
    names = {p.key for p in all_providers()} | {p.title.split()[0].rstrip(".") for p in all_providers()}
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)
    named = []
    for path in sorted(TUI.rglob("*.py")):
        for number, word in _code_words(path.read_text(encoding="utf-8")):
            if pattern.search(word):
                named.append(f"{path.relative_to(TUI)}:{number}: {word!r}")
    for path in sorted(TUI.rglob("*.tcss")):
        text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        named += [f"{path.relative_to(TUI)}: {m[0]!r}" for m in pattern.finditer(text)]
    assert named == []


async def _wait_for_entries(pilot: Any, count: int) -> None:
    for _ in range(300):
        if len(HistoryStore().entries()) >= count:
            return
        await pilot.pause(0.02)
    raise AssertionError(f"the history never had {count} entries")


def _result_text(result: ResultScreen) -> str:
    """What the result shows, at 78 columns, lines joined."""
    console = Console(width=78, record=True, file=io.StringIO())
    console.print(result_renderable(result.created, result.context.connected_to))
    return " ".join(console.export_text().split())


async def _reviewed_and_sent(keys: KeyboardDriver, form: FormView, answers: dict[str, Any]) -> None:
    """Fill the form, ctrl+n to its review, Enter to send."""
    await keys.fill_form(form, answers)
    await keys.press("ctrl+n")
    await keys.settle()
    assert getattr(keys.pilot.app.screen, "STEP", None) == "review"
    await keys.press("enter")
    await keys.settle()


async def test_a_created_trunk_is_connected_to_the_pbx_from_the_result_screen(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    need_index = [
        need.owner + ":" + need.mode
        for owner, offering, need in available_pairs()
        if owner == "wavix" and offering.mode == "sip-trunk"
    ].index("yeastar:register")
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.to_details(WAVIX, "sip-trunk")
        assert isinstance(app.screen, DetailsScreen)
        answers = {"label": "Office", "password": CANARY, "callerid": wavix_emulator.ACCOUNT_NUMBERS[0]}
        await _reviewed_and_sent(keys, app.screen.form, answers)
        assert isinstance(app.screen, ResultScreen)
        first = app.state.created
        assert first is not None
        await _wait_for_entries(pilot, 1)
        await keys.press("o")  # Connect to…
        await keys.settle()
        assert isinstance(app.screen, NeedScreen)
        await keys.press("home", *["down"] * need_index, "enter")
        await keys.settle()
        await keys.accept_account()  # the other side's account (the sandbox's, filled in)
        screen = app.screen
        assert isinstance(screen, ConnectDetailsScreen)
        # the Wavix login fills the PBX's username and auth name: locked, and marked where it came from
        login = first.returned["name"]
        username = screen.form.rows["username"]
        assert username.editor.get_value() == login and username.editor.disabled
        origins = [str(s.render()) for s in screen.query(".offered-origin")]
        assert any("from Wavix's answer: name" in o for o in origins)
        assert screen.form.rows["password"].editor.disabled  # the password, typed once, for both sides
        await _reviewed_and_sent(keys, screen.form, {"name": "wavix_office", "codec_sel": ["ulaw", "alaw"]})
        result = app.screen
        assert isinstance(result, ResultScreen)
        second = app.state.created
        assert second is not None and second.ref.provider == "yeastar"
        # the result names the half it was connected to, as a joined run's does
        assert result.heading() == "✓ Connected: Yeastar P-Series to Wavix, both created"
        assert result.context.connected_to is not None and result.context.connected_to.provider == "Wavix"
        # the first half's next steps are on this result too, but for those connecting did
        assert first.other_end_steps and result.context.connected_to.steps_left == tuple(
            step for step in first.next_steps if step not in first.other_end_steps
        )
        shown = _result_text(result)
        assert "Next steps (what connecting the two did is left out)" in shown
        assert all(" ".join(step.split())[:30] not in shown for step in first.other_end_steps)
        # the PBX emulator holds the Wavix login and the password typed once
        account = load_account(YEASTAR, sandbox_account("yeastar"))
        async with ProviderClient(YEASTAR, account, transport=app.transport()) as client:
            body = await client.send(YEASTAR.get_call(ResourceRef("yeastar", "register", second.ref.id)))
        stored = body.get("data", body)
        assert stored["username"] == login and stored["hostname"] == "us.wavix.net"
        assert stored["password"] == CANARY
        await _wait_for_entries(pilot, 2)
        # then the SIP check of the joined connection: the offered registrar, with the offered account
        await keys.press("p")
        await keys.settle()
        check = app.screen
        assert isinstance(check, SipCheckScreen)
        joined = check.plans[0]
        assert (joined.host, joined.port, joined.username) == ("us.wavix.net", 5060, login)
        assert joined.password is not None and joined.password.get_secret_value() == CANARY
        assert joined.title.startswith("The connection: Wavix")
        assert joined.can_register and not joined.before_submit
        assert CANARY not in app.export_screenshot()
    first_entry, second_entry = HistoryStore().entries()
    assert second_entry.connection["first_entry"] == first_entry.id
    assert second_entry.connection["other"] == {"provider": "wavix", "mode": "sip-trunk"}
    assert_no_leak(CANARY, private_home.scanned_roots())


async def test_a_trunk_authenticated_by_ip_offers_no_connect_key(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    """Found by hand: the result of a trunk authenticated by IP showed "o: connect" (and the footer's
    Connect key), and pressing it said "Cannot connect it: ...". The core knows it beforehand: the key
    is not shown, and the hint says why."""
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.to_details(WAVIX, "sip-trunk")
        assert isinstance(app.screen, DetailsScreen)
        answers = {
            "label": "Office",
            "password": CANARY,
            "callerid": wavix_emulator.ACCOUNT_NUMBERS[0],
            "host_request": "8.8.8.8",
        }
        await _reviewed_and_sent(keys, app.screen.form, answers)
        result = app.screen
        assert isinstance(result, ResultScreen)
        assert result.check_action("connect", ()) is False
        assert "Connect" not in footer_text(app)
        hint = region_words(app, result.query_one("#status").region)
        assert "o: connect" not in hint
        assert hint.endswith("cannot connect: the trunk is authenticated by IP")
        # the hint names the key the footer shows for a new one
        assert hint.startswith("ctrl+n: new") and "^n New" in footer_text(app)
        await keys.press("o")
        await keys.settle()
        assert isinstance(app.screen, ResultScreen)
        assert not [n for n in app._notifications if "Cannot connect" in n.message]


async def test_the_offered_values_unlock_only_on_purpose(private_home: PrivateHome, tmp_path: Path) -> None:
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.to_details(WAVIX, "sip-trunk")
        assert isinstance(app.screen, DetailsScreen)
        answers = {"label": "Office", "password": CANARY, "callerid": wavix_emulator.ACCOUNT_NUMBERS[0]}
        await _reviewed_and_sent(keys, app.screen.form, answers)
        await keys.press("o")
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        await keys.accept_account()
        screen = app.screen
        if not isinstance(screen, ConnectDetailsScreen):
            pytest.skip("the first side that takes a Wavix trunk is not a form")
        assert screen.locked()
        await keys.press("ctrl+o")
        await keys.settle()
        assert screen.locked() == []


async def test_a_password_typed_after_a_result_is_asked_about_on_quitting(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    """On a result, ctrl+q quits: what was typed under it was sent. A password typed on the other side's
    form, opened from that result, is not sent yet: quitting asks first, as on any form."""
    need_index = [
        need.owner + ":" + need.mode
        for owner, offering, need in available_pairs()
        if owner == "wavix" and offering.mode == "sip-trunk"
    ].index("yeastar:register")
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.to_details(WAVIX, "sip-trunk")
        assert isinstance(app.screen, DetailsScreen)
        answers = {"label": "Office", "password": CANARY, "callerid": wavix_emulator.ACCOUNT_NUMBERS[0]}
        await _reviewed_and_sent(keys, app.screen.form, answers)
        assert isinstance(app.screen, ResultScreen)
        assert not app.answers_at_risk()
        await keys.press("o")
        await keys.settle()
        await keys.press("home", *["down"] * need_index, "enter")
        await keys.settle()
        await keys.accept_account()
        screen = app.screen
        assert isinstance(screen, ConnectDetailsScreen)
        await keys.press("ctrl+o")  # unlock the offered values, the password among them
        await keys.settle()
        await keys.fill_form(screen.form, {"password": CANARY + "-other"})
        await keys.press("ctrl+q")
        await keys.settle()
        assert isinstance(app.screen, QuitScreen)
        question = str(app.screen.query_one("#quit-text").render())
        assert "passwords and keys typed so far would be lost" in question
        await keys.press("n")
        await keys.settle()
        assert app.screen is screen and app.is_running
    assert_no_leak(CANARY, private_home.scanned_roots())


# --- the second half fails: the first is kept, and the user retries, deletes or keeps it --------------------


async def _on_the_pbx_form_after_a_wavix_trunk(
    keys: KeyboardDriver, app: PersistentWizardApp
) -> ConnectDetailsScreen:
    """A Wavix trunk created, then `o` to a PBX register trunk: its form, filled from the trunk."""
    await ready(keys)
    await keys.to_details(WAVIX, "sip-trunk")
    details = app.screen
    assert isinstance(details, DetailsScreen)
    answers = {"label": "Office", "password": CANARY, "callerid": wavix_emulator.ACCOUNT_NUMBERS[0]}
    await _reviewed_and_sent(keys, details.form, answers)
    await _wait_for_entries(keys.pilot, 1)
    return await _on_the_pbx_form_after_a_wavix_trunk_from_its_result(keys, app)


async def _on_the_pbx_form_after_a_wavix_trunk_from_its_result(
    keys: KeyboardDriver, app: PersistentWizardApp
) -> ConnectDetailsScreen:
    need_index = [
        f"{need.owner}:{need.mode}"
        for owner, offering, need in available_pairs()
        if owner == "wavix" and offering.mode == "sip-trunk"
    ].index("yeastar:register")
    assert isinstance(app.screen, ResultScreen)
    await keys.press("o")
    await keys.settle()
    await keys.press("home", *["down"] * need_index, "enter")
    await keys.settle()
    await keys.accept_account()
    screen = app.screen
    assert isinstance(screen, ConnectDetailsScreen)
    return screen


async def test_backing_out_of_the_second_side_leaves_the_trunk_to_connect_again(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    """Found by hand: Esc from the other side's steps back to the trunk's result, and `o` was gone (the
    connection under way hid it, and the state in use was the other side's)."""
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        screen = await _on_the_pbx_form_after_a_wavix_trunk(keys, app)
        login = screen.form.rows["username"].editor.get_value()
        for _ in range(4):  # the form, its account step, the pick of the other side
            await keys.press("escape")
            await keys.settle()
            if isinstance(app.screen, ResultScreen):
                break
        result = app.screen
        assert isinstance(result, ResultScreen) and result.created.ref.provider == "wavix"
        assert app.state.connecting is None and app.state.provider is WAVIX
        assert "o Connect to" in footer_text(app)

        await keys.press("o")
        await keys.settle()
        assert isinstance(app.screen, NeedScreen)
        await keys.press("escape")
        await keys.settle()
        again = await _on_the_pbx_form_after_a_wavix_trunk_from_its_result(keys, app)
        assert again.form.rows["username"].editor.get_value() == login
        await _reviewed_and_sent(keys, again.form, {"name": "wavix_again", "codec_sel": ["ulaw"]})
        done = app.screen
        assert isinstance(done, ResultScreen) and done.context.connected_to is not None

        # the pair made, Esc back through the second side's steps to the trunk's result: the pair stands
        for _ in range(6):
            await keys.press("escape")
            await keys.settle()
            if app.screen is result:  # type: ignore[comparison-overlap]  # narrowed to the pick above
                break
        assert app.screen is result and app.state.connecting is not None  # type: ignore[comparison-overlap]
        assert "o Connect to" not in footer_text(app)
    assert_no_leak(CANARY, private_home.scanned_roots())


async def _second_half_refused(keys: KeyboardDriver, app: PersistentWizardApp) -> ConnectDetailsScreen:
    """A Wavix trunk created, connected to a PBX register trunk whose name the PBX already has."""
    screen = await _on_the_pbx_form_after_a_wavix_trunk(keys, app)
    taken = yeastar_emulator.SEEDED[0][2]["name"]
    # the PBX refuses the name
    await _reviewed_and_sent(keys, screen.form, {"name": taken, "codec_sel": ["ulaw"]})
    still_there = app.screen is screen  # back at the form, not a new one
    assert still_there and screen.failed
    banner = str(screen.query_one("#banner").render())
    assert "exists; this side was not created" in banner and "F6" in banner and "F7" in banner
    (half,) = HistoryStore().half_done()
    assert half.provider == "wavix" and half.connection["other"] == {
        "provider": "yeastar",
        "mode": "register",
    }
    return screen


async def test_a_refused_second_half_is_retried_with_its_answers(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        screen = await _second_half_refused(keys, app)
        assert screen.form.rows["username"].editor.get_value()  # the offered values are still there
        await _reviewed_and_sent(keys, screen.form, {"name": "wavix_retry"})
        assert isinstance(app.screen, ResultScreen)
        assert app.state.created is not None and app.state.created.ref.provider == "yeastar"
        await _wait_for_entries(pilot, 2)
    assert HistoryStore().half_done() == []


async def test_a_refused_second_half_says_all_of_it_at_80_columns(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    # Found by hand at 80x24: the banner stopped after four lines, at "(name: 'Carrier_Main' is already
    # used by": which trunk has the name, and "choose another", were not on screen.
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        screen = await _second_half_refused(keys, app)
        banner = screen.query_one("#banner")
        said = " ".join(str(banner.render()).split())
        assert "exists; this side was not created" in said and "DUPLICATE KEY VALUE" in said, said
        assert said in region_words(app, banner.region), screen_lines(app)
    assert_no_leak(CANARY, private_home.scanned_roots())


async def test_a_refused_second_half_deletes_the_first_after_confirmation(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await _second_half_refused(keys, app)
        first = HistoryStore().half_done()[0]
        await keys.press("f6")
        await keys.settle()
        confirm = app.screen
        assert isinstance(confirm, TypeToConfirmScreen)
        expected = confirm.confirmation.expected
        await keys.press("tab")
        await keys.type_text("not it")
        await keys.press("enter")
        await keys.settle()
        assert app.screen is confirm  # a wrong confirmation deletes nothing
        await keys.press("ctrl+a", "ctrl+k")
        await keys.type_text(expected)
        await keys.press("enter")
        await keys.settle()
        for _ in range(300):
            if HistoryStore().half_done() == []:
                break
            await pilot.pause(0.02)
        account = load_account(WAVIX, sandbox_account("wavix"))
        async with ProviderClient(WAVIX, account, transport=app.transport()) as client:
            with pytest.raises(ProviderError):
                await client.fetch(ResourceRef("wavix", "sip-trunk", first.created_id or ""))
    (entry,) = [e for e in HistoryStore().entries() if e.id == first.id]
    assert entry.deleted


async def test_a_refused_second_half_keeps_the_first(private_home: PrivateHome, tmp_path: Path) -> None:
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await _second_half_refused(keys, app)
        first = HistoryStore().half_done()[0]
        await keys.press("f7")
        await keys.settle()
        assert app.screen.STEP == "provider"  # type: ignore[attr-defined]
        account = load_account(WAVIX, sandbox_account("wavix"))
        async with ProviderClient(WAVIX, account, transport=app.transport()) as client:
            assert await client.fetch(ResourceRef("wavix", "sip-trunk", first.created_id or ""))
    assert [e.id for e in HistoryStore().half_done()] == [first.id]
    assert_no_leak(CANARY, private_home.scanned_roots())


async def test_a_generated_password_meets_both_sides_rules_and_is_never_shown(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.to_details(WAVIX, "sip-trunk")
        details = app.screen
        assert isinstance(details, DetailsScreen)
        await keys.fill_form(details.form, {"label": "Office", "callerid": wavix_emulator.ACCOUNT_NUMBERS[0]})
        await keys.press("ctrl+g")
        await keys.settle()
        secret = details.form.rows["password"].editor.get_value()
        assert secret is not None
        password = secret.get_secret_value()
        yeastar_rules = next(n for n in YEASTAR.needs if n.mode == "register").password_rules
        assert password_problems(password, yeastar_rules) == []
        assert password not in app.export_screenshot()  # masked on the screen
        await keys.press("ctrl+n")
        await keys.settle()
        assert password not in app.export_screenshot()  # and in the review
        await keys.press("enter")
        await keys.settle()
        await _wait_for_entries(pilot, 1)
    assert_no_leak(password, private_home.scanned_roots())  # no file, draft or history holds it


# --- a half-done connection resumed from the history ------------------------------------------------------


async def _resumed_from_history(keys: KeyboardDriver, app: PersistentWizardApp) -> ConnectDetailsScreen:
    """The second half refused and the first kept (F7); then, from the history (F3), r on the first half."""
    from trunkwizard.tui.screens.history import HistoryScreen

    refused = await _second_half_refused(keys, app)
    login = refused.form.rows["username"].editor.get_value()
    await keys.press("f7")
    await keys.settle()
    await keys.press("f3")
    await keys.settle()
    history = app.screen
    assert isinstance(history, HistoryScreen)
    for _ in range(200):
        if history.half_done:
            break
        await keys.pilot.pause(0.02)
    (half,) = HistoryStore().half_done()
    # the history says it is half-done, which half exists since when, and what failed
    row = history.query_one(DataTable).get_row(half.id)
    assert row[-1] == "half-done"
    console = Console(width=78, record=True, file=io.StringIO())
    console.print(history.query_one("#history-request-text", Static).content)
    text = console.export_text()
    assert "Half-done connection." in text
    assert f"First half: Wavix SIP trunk Office (id {half.created_id}), created" in text
    assert "Second half: Yeastar P-Series · Register trunk, failed" in text and "already used" in text
    assert "r resumes" in str(history.query_one("#history-hint", Static).content)
    await keys.press("r")
    await keys.settle()
    await keys.accept_account()
    screen = app.screen
    assert isinstance(screen, ConnectDetailsScreen)
    assert screen.connecting.resumed and screen.connecting.first_entry == half.id
    # the first half's carried values locked, as on the result screen; the password typed again
    username = screen.form.rows["username"]
    assert username.editor.get_value() == login and username.editor.disabled
    password = screen.form.rows["password"]
    assert not password.editor.disabled and password.editor.get_value() in (None, "")
    origins = [str(s.render()) for s in screen.query(".offered-origin")]
    assert any("from Wavix's answer: name" in o for o in origins)
    assert any("type the password set at Wavix (never kept)" in o for o in origins)
    # what was typed for the second side before is back: the taken name, marked with what the PBX said
    # as it was when refused (before, nothing said it would be refused again)
    taken = yeastar_emulator.SEEDED[0][2]["name"]
    name = screen.form.rows["name"]
    assert name.editor.get_value() == taken
    assert name.error is not None and f"'{taken}' is already used" in name.error
    assert screen.check_action("delete_first", ()) and screen.check_action("keep_first", ())
    return screen


async def test_a_half_done_connection_is_resumed_from_the_history(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        screen = await _resumed_from_history(keys, app)
        login = screen.form.rows["username"].editor.get_value()
        await _reviewed_and_sent(keys, screen.form, {"name": "wavix_resumed", "password": CANARY})
        result = app.screen
        assert isinstance(result, ResultScreen)
        second = app.state.created
        assert second is not None and second.ref.provider == "yeastar"
        # the first half's own next steps were on its result, which the history does not keep
        assert result.context.connected_to is not None and result.context.connected_to.steps_left is None
        shown = _result_text(result)
        assert "its next steps were on its own result; the history does not keep them" in shown
        # the history's name for it has its provider and id: said once each (found by hand: twice)
        first_half = shown.split("1. ", 1)[1].split("2. ", 1)[0]
        assert first_half.startswith("Wavix SIP trunk ") and ", ID " not in first_half, shown
        assert "Yeastar P-Series, SIP trunk wavix_resumed (Register trunk): 1. In the PBX web portal" in shown
        account = load_account(YEASTAR, sandbox_account("yeastar"))
        read = YEASTAR.get_call(ResourceRef("yeastar", "register", second.ref.id))
        assert read is not None
        async with ProviderClient(YEASTAR, account, transport=app.transport()) as client:
            body = await client.send(read)
        stored = body.get("data", body)
        assert stored["username"] == login and stored["password"] == CANARY
        await _wait_for_entries(pilot, 2)
        # the joined SIP check has the password typed for the second half (history kept none)
        await keys.press("p")
        await keys.settle()
        check = app.screen
        assert isinstance(check, SipCheckScreen)
        joined = check.plans[0]
        assert joined.title.startswith("The connection: Wavix") and joined.username == login
        assert joined.password is not None and joined.password.get_secret_value() == CANARY
        assert CANARY not in app.export_screenshot()
    assert HistoryStore().half_done() == []
    first, second_entry = HistoryStore().entries()
    assert second_entry.connection["pair"] == first.connection["pair"]
    assert second_entry.connection["first_entry"] == first.id
    assert_no_leak(CANARY, private_home.scanned_roots())


async def test_a_resumed_connection_keeps_or_deletes_the_first_half(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    from trunkwizard.tui.screens.history import HistoryScreen

    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await _resumed_from_history(keys, app)
        (half,) = HistoryStore().half_done()
        await keys.press("f7")  # keep it: nothing is sent or deleted, and it stays half-done
        await keys.settle()
        assert app.screen.STEP == "provider"  # type: ignore[attr-defined]
        assert [e.id for e in HistoryStore().half_done()] == [half.id]
        await keys.press("f3")
        await keys.settle()
        history = app.screen
        assert isinstance(history, HistoryScreen)
        for _ in range(200):
            if history.half_done:
                break
            await pilot.pause(0.02)
        await keys.press("r")  # resumed again, then the first half deleted from its form
        await keys.settle()
        await keys.accept_account()
        assert isinstance(app.screen, ConnectDetailsScreen)
        await keys.press("f6")
        await keys.settle()
        confirm = app.screen
        assert isinstance(confirm, TypeToConfirmScreen)
        await keys.press("tab")
        await keys.type_text(confirm.confirmation.expected)
        await keys.press("enter")
        await keys.settle()
        for _ in range(300):
            if HistoryStore().half_done() == []:
                break
            await pilot.pause(0.02)
        account = load_account(WAVIX, sandbox_account("wavix"))
        async with ProviderClient(WAVIX, account, transport=app.transport()) as client:
            with pytest.raises(ProviderError):
                await client.fetch(ResourceRef("wavix", "sip-trunk", half.created_id or ""))
    assert HistoryStore().half_done() == []
    (entry,) = [e for e in HistoryStore().entries() if e.id == half.id]
    assert entry.deleted


async def test_a_new_one_after_a_connection_opens_the_first_providers_form_again(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    """Wavix trunk, `o` to a PBX trunk, then ctrl+n (New) and Wavix again: its form opens (the kept form
    of the first side, still on the stack when the second side's form opened, was forgotten but left
    installed, and the new one crashed the app: "Can't install screen; 'kept-details' is already
    installed")."""
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        screen = await _second_half_refused(keys, app)
        await _reviewed_and_sent(keys, screen.form, {"name": "wavix_again"})
        assert isinstance(app.screen, ResultScreen)
        await keys.press("ctrl+n")  # New
        await keys.settle()
        await keys.to_details(WAVIX, "sip-trunk")
        assert isinstance(app.screen, DetailsScreen)
        assert app.screen.form.rows["label"].editor.get_value() is None  # a new one: nothing kept


async def test_deleting_one_side_of_a_connection_names_the_other(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    """F8 on the Wavix trunk a PBX trunk registers to: the confirmation says the PBX trunk stays and stops
    working (it spoke only of 'the PBX registered with it', not of the trunk the history records)."""
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        screen = await _second_half_refused(keys, app)
        await _reviewed_and_sent(keys, screen.form, {"name": "wavix_pbx"})
        second = app.state.created
        assert isinstance(app.screen, ResultScreen) and second is not None
        await _wait_for_entries(pilot, 2)
        await keys.press("ctrl+n")  # New
        await keys.settle()
        await keys.pick_provider(WAVIX)
        await keys.press("f4")
        await keys.settle()
        first_id = HistoryStore().entries()[0].created_id
        assert first_id is not None
        await keys.type_text(first_id)  # the filter matches the id too
        await keys.settle()
        await keys.press("f8")
        await keys.settle()
        confirm = app.screen
        assert isinstance(confirm, TypeToConfirmScreen)
        assert f"connected to Yeastar P-Series SIP trunk {second.ref.id}" in confirm.confirmation.consequence
        await keys.press("tab")
        await keys.type_text(confirm.confirmation.expected)
        await keys.press("enter")
        await keys.settle()
        # the history entry that created it says deleted (a later rotation, resume or check skips it)
        for _ in range(300):
            if HistoryStore().entries()[0].deleted:
                break
            await pilot.pause(0.02)
        assert HistoryStore().entries()[0].deleted
        assert not HistoryStore().entries()[1].deleted


async def test_a_draft_of_the_second_half_resumes_the_connection(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    # A draft made on the second half's form came back as that side alone: the first half's values no
    # longer locked nor marked, and a create from it joined no pair.
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        screen = await _on_the_pbx_form_after_a_wavix_trunk(keys, app)
        login = screen.form.rows["username"].editor.get_value()
        await keys.fill_form(screen.form, {"name": "wavix_drafted"})
        assert app.keeper.save_now()
    (first,) = HistoryStore().entries()
    draft_file = AppDirs.from_environment().drafts_dir / "current.json"
    drafted = draft_file.read_bytes()

    # the sandbox forgets what it made when trunkwizard exits: as the history's r, the draft does not
    # take up a connection to a first half made in an earlier sandbox session, and says so
    later = keeping_app(tmp_path)
    async with later.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        assert isinstance(later.screen, ResumeScreen)
        summary = str(later.screen.query_one("#resume-summary").render())
        assert "second half of a connection" in summary
        # the trunk name was typed; the username, host and the rest came from the Wavix trunk
        assert "1 answer (+" in summary and " from the first half)" in summary, summary
        await keys.press("r")
        await keys.settle()
        alone = later.screen
        assert isinstance(alone, DetailsScreen) and not isinstance(alone, ConnectDetailsScreen)
        toasts = [n.message for n in later._notifications]
        assert any("cannot be taken up: The sandbox forgets" in t for t in toasts), toasts

    # a first half this session can reach (a real provider's; here, as if the sandbox still held it)
    draft_file.write_bytes(drafted)
    again = keeping_app(tmp_path)
    async with again.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        assert isinstance(again.screen, ResumeScreen)
        again.created_this_session.add(first.id)
        await keys.press("r")
        await keys.settle()
        await keys.accept_account()
        resumed = again.screen
        assert isinstance(resumed, ConnectDetailsScreen)
        assert resumed.connecting.resumed and resumed.connecting.first_entry == first.id
        username = resumed.form.rows["username"]
        assert username.editor.get_value() == login and username.editor.disabled  # locked, as before
        assert resumed.form.rows["name"].editor.get_value() == "wavix_drafted"  # as typed in the draft
        await keys.fill_form(resumed.form, {"password": CANARY, "codec_sel": ["ulaw"]})
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        assert isinstance(again.screen, ResultScreen) and again.screen.context.connected_to is not None
        await _wait_for_entries(pilot, 2)
    assert HistoryStore().half_done() == []  # the pair is joined in the history
    assert_no_leak(CANARY, private_home.scanned_roots())
