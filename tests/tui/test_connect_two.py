"""Connecting two providers from the start screen (Pilot, embedded sandbox): pick the side that offers and
the side that takes it, fill the first form, then the second with what the first will offer locked; one
review holds both halves; both are sent in order, and a failed second half offers retry, delete or keep."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from rich.console import Console

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak
from tests.support.secret_service import PrivateHome
from tests.test_connect_offers import PAIRS, _need_rest, _offering_answers, _read_back
from tests.tui.conftest import STEADY
from tests.tui.driver import KeyboardDriver
from tests.tui.keeping import keeping_app, ready
from tests.tui.screen_text import screen_lines
from trunkwizard.client import ProviderClient, load_account
from trunkwizard.connect import OfferKind, generate_password, password_rules
from trunkwizard.connect.catalog import available_pairs
from trunkwizard.providers import get_provider
from trunkwizard.sandbox import sandbox_account
from trunkwizard.sandbox import wavix as wavix_emulator
from trunkwizard.sandbox import yeastar as yeastar_emulator
from trunkwizard.store import HistoryStore
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.persistent_app import PersistentWizardApp
from trunkwizard.tui.screens.connect import ConnectDetailsScreen, NeedScreen, OfferingScreen
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.joined import (
    JoinedDetailsScreen,
    JoinedReviewScreen,
    JoinedSubmitScreen,
    joined_renderable,
)
from trunkwizard.tui.screens.result import ResultScreen, result_renderable

YEASTAR = get_provider("yeastar")
TRUNK = {"label": "Office", "password": CANARY, "callerid": wavix_emulator.ACCOUNT_NUMBERS[0]}


def _as_text(renderable: Any) -> str:
    console = Console(width=78, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def _index(items: list[str], wanted: str) -> int:
    return items.index(wanted)


async def to_the_joined_review(
    keys: KeyboardDriver, second_answers: dict[str, Any], trunk: dict[str, Any] = TRUNK
) -> JoinedReviewScreen:
    """From the first screen, with the keys the screens advertise: ctrl+o, a trunk offered to a PBX
    register trunk, both accounts (the sandbox's), both forms, ctrl+n: the one review of both halves."""
    app = keys.app
    await keys.press("ctrl+o")  # Connect two
    await keys.settle()
    offerings = app.screen
    assert isinstance(offerings, OfferingScreen)
    firsts = [f"{p.key}:{o.mode}" for p, o in offerings.offerings]
    await keys.press("home", *["down"] * _index(firsts, "wavix:sip-trunk"), "enter")
    await keys.settle()
    needs = app.screen
    assert isinstance(needs, NeedScreen)
    seconds = [f"{n.owner}:{n.mode}" for n in needs.needs]
    declared = [(owner, o.mode, f"{n.owner}:{n.mode}") for owner, o, n in available_pairs()]
    assert seconds == [need for owner, mode, need in declared if (owner, mode) == ("wavix", "sip-trunk")]
    await keys.press("home", *["down"] * _index(seconds, "yeastar:register"), "enter")
    await keys.settle()
    await keys.accept_account()  # the first side's account: the sandbox's, filled in
    first = app.screen
    assert isinstance(first, DetailsScreen) and first.provider.key == "wavix"
    assert "then Yeastar P-Series" in str(first.query_one("#heading").render())  # which side comes next
    await keys.fill_form(first.form, trunk)
    await keys.press("ctrl+n")
    await keys.settle()
    await keys.accept_account()  # the second side's account
    second = app.screen
    assert isinstance(second, JoinedDetailsScreen)
    # what the first side will offer is filled in and locked, an unknown value marked where it comes from
    username = second.form.rows["username"]
    assert username.editor.disabled and username.editor.get_value() == "<from wavix: name>"
    assert second.form.rows["hostname"].editor.get_value() == "us.wavix.net"
    assert second.form.rows["password"].editor.disabled
    origins = [str(s.render()) for s in second.query(".offered-origin")]
    assert any("from Wavix's answer: name (known once it is created)" in o for o in origins)
    await keys.press("ctrl+o")  # unlocked on purpose; left as offered, the first side's answer is sent
    await keys.settle()
    assert not username.editor.disabled
    await keys.fill_form(second.form, second_answers)
    await keys.press("ctrl+n")
    await keys.settle()
    review = app.screen
    assert isinstance(review, JoinedReviewScreen)
    return review


async def test_a_pair_from_the_start_is_reviewed_as_one_and_joined(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        review = await to_the_joined_review(keys, {"name": "pair_office", "codec_sel": ["ulaw", "alaw"]})
        # one review: both providers' calls, in order, the login still to come marked as such
        calls = review.plan.calls()
        assert [(c["provider"], c["step"]) for c in calls] == [("wavix", "create"), ("yeastar", "create")]
        shown = _as_text(joined_renderable(review.plan))
        assert "Call 1 of 2 · Wavix create" in shown and "Call 2 of 2 · Yeastar P-Series create" in shown
        assert '"<from wavix: name>"' in shown and "********" in shown
        assert CANARY not in app.export_screenshot()
        # back to the first form and on again: its request is still made with the first side's account
        await keys.press("escape", "escape", "escape")
        await keys.settle()
        assert isinstance(app.screen, DetailsScreen) and app.screen.provider.key == "wavix"
        # what the second form kept is what was typed there: no "<from wavix: name>" as an answer
        kept = app.state.detail_values[("yeastar", "register")]
        assert kept["name"] == "pair_office" and not any("<from" in str(v) for v in kept.values())
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.accept_account()
        assert isinstance(app.screen, JoinedDetailsScreen)
        await keys.press("ctrl+n")
        await keys.settle()
        again: object = keys.app.screen
        assert isinstance(again, JoinedReviewScreen)
        wavix_url = get_provider("wavix").base_url(
            load_account(get_provider("wavix"), sandbox_account("wavix"))
        )
        assert again.plan.calls()[0]["url"].startswith(wavix_url)
        assert '"<from wavix: name>"' in _as_text(joined_renderable(again.plan))  # unlocked, not changed
        await keys.press("enter")  # sends both, in order
        for _ in range(300):
            if isinstance(app.screen, ResultScreen):
                break
            await pilot.pause(0.02)
        result = app.screen
        assert isinstance(result, ResultScreen) and result.created.ref.provider == "yeastar"
        for _ in range(300):
            if len(HistoryStore().entries()) >= 2:
                break
            await pilot.pause(0.02)
        first_entry, second_entry = HistoryStore().entries()
        # the result names both halves, with their providers: the first one no longer only in a toast
        assert result.heading() == "✓ Connected: Yeastar P-Series to Wavix, both created"
        shown = _as_text(result_renderable(result.created, result.context.connected_to))
        assert shown.startswith("Both halves exist, created in this order:\n  1. Wavix: SIP trunk ")
        assert f", ID {first_entry.created_id}\n  2. Yeastar P-Series: SIP trunk pair_office" in shown
        assert f", ID {second_entry.created_id}: below" in shown
        # each half's next steps under its name; the one connecting did (the PBX registering) is left out
        assert "Next steps (what connecting the two did is left out)\nWavix, SIP trunk " in shown
        assert "Route a number to the trunk" in shown and "register the trunk to a Wavix" not in shown
        assert "\nYeastar P-Series, SIP trunk pair_office (Register trunk):\n" in shown
        # the PBX emulator holds the login Wavix answered and the password typed once
        login = _returned_login(app, first_entry.created_id or "")
        account = load_account(YEASTAR, sandbox_account("yeastar"))
        async with ProviderClient(YEASTAR, account, transport=app.transport()) as client:
            call = YEASTAR.get_call(result.created.ref)
            assert call is not None
            body = await client.send(call)
        stored = body.get("data", body)
        assert stored["username"] == login and stored["auth_name"] == login
        assert stored["hostname"] == "us.wavix.net" and stored["password"] == CANARY
    assert first_entry.provider == "wavix" and first_entry.connection["side"] == "first"
    assert second_entry.connection["first_entry"] == first_entry.id
    assert HistoryStore().half_done() == []
    assert_no_leak(CANARY, private_home.scanned_roots())


def _returned_login(app: PersistentWizardApp, trunk_id: str) -> str:
    connecting = app.state.connecting
    assert connecting is not None and connecting.first_ref is not None
    assert connecting.first_ref.id == trunk_id
    assert connecting.offer.username is not None
    return connecting.offer.username.value


async def test_an_offered_value_changed_on_purpose_stays_changed_when_its_form_opens_again(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    """Unlocked (ctrl+o) and changed on the second form, the offered gateway is sent instead of Wavix's.
    Back to the account step and on again, the form shows it changed and unlocked, not the offered
    value locked again (which would have sent the offered one without a word)."""
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        answers = {"name": "pair_office", "codec_sel": ["ulaw"], "hostname": "eu.wavix.net"}
        review = await to_the_joined_review(keys, answers)
        assert '"hostname": "eu.wavix.net"' in _as_text(joined_renderable(review.plan))
        await keys.press("escape", "escape")  # the review, then the second form: its account step
        await keys.settle()
        await keys.accept_account()
        second = app.screen
        assert isinstance(second, JoinedDetailsScreen)
        host = second.form.rows["hostname"].editor
        assert host.get_value() == "eu.wavix.net" and not host.disabled
        # the values left as offered still come from the first side
        assert second.form.rows["username"].editor.get_value() == "<from wavix: name>"
        await keys.press("ctrl+n")
        await keys.settle()
        again = app.screen
        assert isinstance(again, JoinedReviewScreen)
        assert '"hostname": "eu.wavix.net"' in _as_text(joined_renderable(again.plan))


async def test_a_refused_second_half_offers_retry_delete_or_keep(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    taken = yeastar_emulator.SEEDED[0][2]["name"]  # the PBX already has a trunk of this name
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await to_the_joined_review(keys, {"name": taken, "codec_sel": ["ulaw"]})
        await keys.press("enter")
        for _ in range(300):
            if isinstance(app.screen, ConnectDetailsScreen) and app.screen.failed:
                break
            await pilot.pause(0.02)
        form = app.screen
        # the result screen's flow from here: the first half exists, the offered values are now known
        assert isinstance(form, ConnectDetailsScreen) and not isinstance(form, JoinedDetailsScreen)
        assert form.failed
        banner = str(form.query_one("#banner").render())
        assert "exists; this side was not created" in banner and "F6" in banner and "F7" in banner
        keys_shown = {b.key for _, b, enabled, _ in form.active_bindings.values() if enabled and b.show}
        assert {"f6", "f7"} <= keys_shown
        login = form.form.rows["username"].editor.get_value()
        assert login and not login.startswith("<from")
        for _ in range(300):
            if HistoryStore().half_done() and HistoryStore().half_done()[0].connection.get("failed"):
                break
            await pilot.pause(0.02)
        (half,) = HistoryStore().half_done()
        assert half.provider == "wavix"
        assert half.connection["other"] == {"provider": "yeastar", "mode": "register"}
        assert half.connection["answers"]["name"] == taken
        # retry, with the answers kept: a free name this time
        await keys.fill_form(form.form, {"name": "pair_retry"})
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.press("enter")
        for _ in range(300):
            if isinstance(app.screen, ResultScreen):
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, ResultScreen) and app.screen.created.ref.provider == "yeastar"
        for _ in range(300):
            if len(HistoryStore().entries()) >= 2:
                break
            await pilot.pause(0.02)
    assert HistoryStore().half_done() == []
    assert_no_leak(CANARY, private_home.scanned_roots())


@pytest.mark.parametrize(("first", "first_mode", "second", "second_mode"), PAIRS)
async def test_every_declared_pair_runs_from_the_start(
    first: str, first_mode: str, second: str, second_mode: str, tmp_path: Path
) -> None:
    """Each pair the providers declare, from the first screen to the second result: the second side's
    emulator holds what the first side offered (its registrar or address, and its username)."""
    first_provider, second_provider = get_provider(first), get_provider(second)
    offering = next(o for o in first_provider.offerings if o.mode == first_mode)
    need = next(n for n in second_provider.needs if n.mode == second_mode)
    password = generate_password(password_rules(offering.password_rules, need.password_rules))
    typed_first = {
        wire: value.get_secret_value() if isinstance(value, SecretStr) else value
        for wire, value in _offering_answers(first, first_mode, password).items()
    }
    app = WizardApp(sandbox=True, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.settle()
        await keys.press("ctrl+o")
        await keys.settle()
        offerings = app.screen
        assert isinstance(offerings, OfferingScreen)
        firsts = [(p.key, o.mode) for p, o in offerings.offerings]
        await keys.press("home", *["down"] * firsts.index((first, first_mode)), "enter")
        await keys.settle()
        needs = app.screen
        assert isinstance(needs, NeedScreen)
        seconds = [(n.owner, n.mode) for n in needs.needs]
        await keys.press("home", *["down"] * seconds.index((second, second_mode)), "enter")
        await keys.settle()
        await keys.accept_account()
        form = app.screen
        assert isinstance(form, DetailsScreen) and (form.provider.key, form.mode.key) == (first, first_mode)
        await keys.fill_form(form.form, typed_first)
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.accept_account()
        other = app.screen
        assert isinstance(other, JoinedDetailsScreen)
        assert (other.provider.key, other.mode.key) == (second, second_mode)
        locked = other.connecting.filled.answers
        rest = {wire: value for wire, value in _need_rest(need).items() if wire not in locked}
        if offering.kind is OfferKind.PEER_ADDRESS:
            # the sandbox PBX's web address is a name, and the allowlist takes an IP address: the
            # technician unlocks the inferred address on purpose and types the PBX's public IP
            await keys.press("ctrl+o")
            await keys.settle()
            rest["sipIp"] = "203.0.113.10"
        await keys.fill_form(other.form, rest)
        await keys.press("ctrl+n")
        await keys.settle()
        review = app.screen
        assert isinstance(review, JoinedReviewScreen), str(other.query_one("#banner").render())
        assert {c["provider"] for c in review.plan.calls()} == {first, second}
        await keys.press("enter")
        for _ in range(400):
            if isinstance(app.screen, ResultScreen):
                break
            await pilot.pause(0.02)
        result = app.screen
        assert isinstance(result, ResultScreen), app.screen
        assert (result.created.ref.provider, result.created.ref.mode) == (second, second_mode)
        connecting = app.state.connecting
        assert connecting is not None
        offer = connecting.offer
        account = load_account(second_provider, sandbox_account(second))
        async with ProviderClient(second_provider, account, transport=app.transport()) as client:
            stored = await _read_back(client, second_provider, result.created.ref)
    if offer.kind is OfferKind.PEER_ADDRESS:
        assert stored["sipIp"] == "203.0.113.10"  # unlocked and typed: sent instead of the offered one
        return
    host, user = {
        "chorus": (stored.get("sipProxy"), stored.get("sipUsername")),
        "vox": (stored.get("address"), None),  # Vox never returns the auth fields
        "yeastar": (stored.get("hostname"), stored.get("username")),
    }[second]
    assert offer.host.value in str(host)
    if user is not None:
        assert offer.username is not None and user == offer.username.value


async def test_a_refused_first_half_sends_nothing_to_the_second(tmp_path: Path) -> None:
    """Wavix refuses a caller ID the account does not own (its emulator checks it, as Wavix does): nothing
    exists, the PBX is not sent anything, and the screen says so and offers to send both again."""
    app = WizardApp(sandbox=True, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.settle()
        review = await to_the_joined_review(
            keys, {"name": "pair_unsent", "codec_sel": ["ulaw"]}, trunk={**TRUNK, "callerid": "15555550100"}
        )
        await keys.press("enter")
        for _ in range(400):
            if app.screen.check_action("next", ()):
                break
            await pilot.pause(0.02)
        submit = app.screen
        assert isinstance(submit, JoinedSubmitScreen) and submit.refused
        shown = " ".join(str(submit.query_one(part).render()) for part in ("#progress", "#outcome"))
        assert "refused the first half: nothing was created" in shown
        assert "Nothing was sent to Yeastar P-Series" in shown and "r sends both again" in shown
        assert app.state.created is None and review.plan.second_provider.key == "yeastar"
        account = load_account(YEASTAR, sandbox_account("yeastar"))
        second = review.plan.second_preview
        async with ProviderClient(YEASTAR, account, transport=app.transport()) as client:
            found, searched = await client.find_existing(second.mode, second.request)
        assert searched and found is None  # the PBX has no trunk of that name


def _origin_lines(form: ConnectDetailsScreen) -> dict[str, str]:
    """The line under each offered value, by wire name."""
    lines: dict[str, str] = {}
    for wire, row in form.form.rows.items():
        for line in row.query(".offered-origin"):
            lines[wire] = str(line.render())
    return lines


def _unlock_toasts(app: WizardApp) -> list[str]:
    """The identities of the live "Offered values unlocked" notifications."""
    return [n.identity for n in app._notifications if n.message.startswith("Offered values unlocked")]


def _footer_keys(screen: Any) -> list[str]:
    from trunkwizard.tui.widgets.step_footer import StepFooter

    return [entry.description for entry in screen.query_one(StepFooter).entries]


async def test_unlocked_offered_values_say_so_and_the_toast_comes_once(tmp_path: Path) -> None:
    """Found by hand (Wavix to Vox.ai from the start): after ctrl+o the form still showed every offered
    value locked (🔒), its hint still said "ctrl+o unlocks" and the footer "Unlock offered"; a changed
    value still said "Wavix documents it". The "unlocked" toast came again on the form opened again,
    on the review and on the result. The ctrl+g toast said "(no stated rule)"."""
    app = WizardApp(sandbox=True, terminal=STEADY, export_dir=tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.settle()
        await keys.press("ctrl+o")
        await keys.settle()
        offerings = app.screen
        assert isinstance(offerings, OfferingScreen)
        firsts = [(p.key, o.mode) for p, o in offerings.offerings]
        await keys.press("home", *["down"] * firsts.index(("wavix", "sip-trunk")), "enter")
        await keys.settle()
        needs = app.screen
        assert isinstance(needs, NeedScreen)
        await keys.press("home", *["down"] * [n.owner for n in needs.needs].index("vox"), "enter")
        await keys.settle()
        await keys.accept_account()
        first = app.screen
        assert isinstance(first, DetailsScreen) and first.provider.key == "wavix"
        await keys.fill_form(first.form, {"label": "Office", "callerid": wavix_emulator.ACCOUNT_NUMBERS[0]})
        await keys.press("ctrl+g")  # a password for both sides: neither Wavix nor Vox documents a rule
        await keys.settle()
        (generated,) = [n.message for n in app._notifications if n.message.startswith("Generated")]
        assert generated == (
            "Generated a password for both sides (Wavix, then Vox.ai): no password rule is documented "
            "for it. ctrl+t shows it."
        )
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.accept_account()
        second = app.screen
        assert isinstance(second, JoinedDetailsScreen) and second.provider.key == "vox"
        locked = _origin_lines(second)
        assert locked["address"] == "🔒 Wavix documents it: regional SIP gateways (Wavix FreeSWITCH guide)"
        # an inferred mapping says what it is inferred from, not which line of our copy of a document
        assert locked["auth_username"].startswith("⚠ from Wavix's answer: name (mapped by inference: the ")
        assert not any("seed" in line for line in locked.values()), locked
        assert "ctrl+o unlocks the offered values" in str(second.query_one("#status").render())
        assert "Unlock offered" in _footer_keys(second)
        await keys.type_text("0709988776")  # the phone number, the first field
        await keys.press("tab", "ctrl+o")
        await keys.settle()
        unlocked = _origin_lines(second)
        assert unlocked["address"] == (
            "🔓 unlocked, as offered: Wavix documents it: regional SIP gateways (Wavix FreeSWITCH guide)"
        )
        assert not any(line.startswith("🔒") for line in unlocked.values()), unlocked
        status = str(second.query_one("#status").render())
        assert status == "offered values unlocked, editable · ctrl+n reviews both"
        assert "Unlock offered" not in _footer_keys(second)
        (toast,) = _unlock_toasts(app)
        await keys.fill_form(second.form, {"address": "sip:nl.wavix.net:5060"})
        await keys.settle()
        assert _origin_lines(second)["address"] == (
            "✎ changed here; offered: sip:us.wavix.net:5060 "
            "(Wavix documents it: regional SIP gateways (Wavix FreeSWITCH guide))"
        )
        await keys.press("ctrl+n")
        await keys.settle()
        assert isinstance(app.screen, JoinedReviewScreen)
        assert _unlock_toasts(app) in ([toast], [])  # the same toast (gone once its time is up), no other
        await keys.press("escape", "escape")  # the review, then the form: back at its account step
        await keys.settle()
        await keys.accept_account()
        again = app.screen
        assert isinstance(again, JoinedDetailsScreen) and again is not second
        lines = _origin_lines(again)
        assert lines["address"].startswith("✎ changed here; offered: sip:us.wavix.net:5060 ")
        assert lines["auth_username"].startswith("⚠ unlocked, as offered: from Wavix's answer: name")
        assert "Unlock offered" not in _footer_keys(again)
        assert _unlock_toasts(app) in ([toast], [])
        await keys.press("ctrl+n")
        await keys.settle()
        assert isinstance(app.screen, JoinedReviewScreen)
        assert _unlock_toasts(app) in ([toast], [])
        await keys.press("enter")
        for _ in range(400):
            if isinstance(app.screen, ResultScreen):
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, ResultScreen), app.screen
        assert _unlock_toasts(app) in ([toast], [])


async def test_what_the_first_side_offers_is_one_column_in_on_every_line(
    make_app: Callable[..., WizardApp],
) -> None:
    # Found at 80x24: a leading space indented "Offered: ..." on its first line only; a long offer wrapped
    # onto a second line that began at the screen's edge, where nothing else does.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.settle()
        await keys.press("ctrl+o")  # Connect two
        await keys.settle()
        offerings = app.screen
        assert isinstance(offerings, OfferingScreen)
        lengths = [len(offering.description) for _, offering in offerings.offerings]
        await keys.press("home", *["down"] * lengths.index(max(lengths)), "enter")
        await keys.settle()
        needs = app.screen
        assert isinstance(needs, NeedScreen)
        region = needs.query_one("#offered").region
        lines = screen_lines(app)[region.y : region.bottom]
        assert len(lines) >= 2, lines  # the longest offer wraps at 80 columns
        assert " ".join(line.strip() for line in lines) == f"Offered: {needs.offered}"
        heading = screen_lines(app)[needs.query_one("#heading").region.y]
        assert heading.index("Connect") == 1
        assert all(line[0] == " " and line[1] != " " for line in lines), lines
