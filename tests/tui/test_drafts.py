"""Drafts in the wizard (Pilot): saved as typed without secrets, kept on SIGTERM and on a crash, offered on
the next start and restored at the same step, discarded on request and after a successful submit.
(The SIGHUP case runs in a real pty: test_drafts_pty.py.)"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
from pathlib import Path

import pytest

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak, assert_private_tree
from tests.support.secret_service import KeyringSession, PrivateHome
from tests.tui.driver import KeyboardDriver
from tests.tui.keeping import keeping_app, ready, shown
from trunkwizard.providers import get_provider
from trunkwizard.store import AppDirs, DraftStore, HistoryStore
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.quit_confirm import QuitScreen
from trunkwizard.tui.screens.result import ResultScreen
from trunkwizard.tui.screens.resume import ResumeScreen
from trunkwizard.tui.widgets.secret_editor import SecretEditor
from trunkwizard.tui.widgets.wizard_input import WizardInput

CHORUS = get_provider("chorus")
MODE = "sip-registration"
TYPED = {
    "number": "+14155550124",
    "name": "Main line",
    "sipUsername": "chorus-1001",
    "sipPassword": CANARY,
    "sipProxy": "pbx.example.com",
    "sipPort": "5080",
}
NOT_SECRET = {k: v for k, v in TYPED.items() if k != "sipPassword"}


def _draft_file() -> Path:
    return AppDirs.from_environment().drafts_dir / "current.json"


async def _type_details(keys: KeyboardDriver) -> DetailsScreen:
    await keys.to_details(CHORUS, MODE)
    details = keys.app.screen
    assert isinstance(details, DetailsScreen)
    await keys.fill_form(details.form, TYPED)
    await keys.pilot.pause(0.5)  # the draft follows typing after a short pause
    await keys.settle()
    return details


async def test_answers_are_saved_as_typed_and_come_back_at_the_same_step(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await _type_details(keys)
        draft = json.loads(_draft_file().read_text())
        assert draft["step"] == "details" and draft["mode"] == MODE and draft["profile"] is None
        details = draft["answers"]["details"]
        assert {k: str(details[k]) for k in NOT_SECRET} == NOT_SECRET
        assert "sipPassword" not in details
        await keys.press("ctrl+q")  # the draft is saved, but not the typed password: it asks first
        await keys.settle()
        assert isinstance(app.screen, QuitScreen)
        assert "passwords and keys typed so far would be lost" in shown(app, "#quit-text")
        await keys.press("y")
        await keys.settle()
    assert app.return_code == 0
    assert_private_tree(private_home.state_home / "trunkwizard")

    again = keeping_app(tmp_path)
    async with again.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        assert isinstance(again.screen, ResumeScreen)
        await keys.press("r")
        await keys.settle()
        screen = again.screen
        assert isinstance(screen, DetailsScreen), screen
        values = screen.form.values()
        assert {k: str(values[k]) for k in NOT_SECRET} == NOT_SECRET
        assert values["sipPassword"] is None  # secrets are typed again
        steps = [s.STEP for s in again.screen_stack if hasattr(s, "STEP")]
        assert steps == ["provider", "account", "mode", "details"]
        # the restored answers go on to a real submission once the secret is typed again
        await keys.fill_form(screen.form, {"sipPassword": CANARY})
        await keys.press("ctrl+n")
        await keys.settle()
        assert again.screen.STEP == "review"  # type: ignore[attr-defined]
        await keys.press("enter")
        await keys.settle()
        assert again.screen.STEP == "result"  # type: ignore[attr-defined]
        assert not _draft_file().exists(), "the draft stays after a successful submit"
        (entry,) = HistoryStore().entries()
        assert again.state.created is not None
        assert entry.created_id == again.state.created.ref.id and entry.sandbox and entry.mode == MODE
        assert entry.request["json"]["sipPassword"] == "********"
    assert_no_leak(CANARY, private_home.scanned_roots())
    assert_private_tree(private_home.state_home / "trunkwizard")


async def test_discard_removes_the_draft_and_esc_keeps_it(private_home: PrivateHome, tmp_path: Path) -> None:
    DraftStore().save(
        provider="chorus", profile=None, mode=MODE, step="details", answers={"details": NOT_SECRET}
    )
    later = keeping_app(tmp_path)
    async with later.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        assert isinstance(later.screen, ResumeScreen)
        await keys.press("escape")
        await keys.settle()
        assert later.screen.STEP == "provider"  # type: ignore[attr-defined]
    assert _draft_file().exists()

    discard = keeping_app(tmp_path)
    async with discard.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.press("d")
        await keys.settle()
    assert not _draft_file().exists()

    fresh = keeping_app(tmp_path)
    async with fresh.run_test(size=(80, 24)) as pilot:
        await ready(KeyboardDriver(pilot))
        assert not isinstance(fresh.screen, ResumeScreen)


async def test_sigterm_saves_the_draft_and_exits_143(private_home: PrivateHome, tmp_path: Path) -> None:
    app = keeping_app(tmp_path)
    app.keeper.DELAY = 600  # only the signal handler can have saved what is typed
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.to_details(CHORUS, MODE)
        details = app.screen
        assert isinstance(details, DetailsScreen)
        # typed, and the signal comes before the autosave pause is over
        await keys.type_text(TYPED["number"])
        from trunkwizard.tui import hangup

        assert signal.getsignal(signal.SIGTERM) is hangup._handler
        os.kill(os.getpid(), signal.SIGTERM)
        await pilot.pause(0.2)
    assert app.return_code == 143
    draft = json.loads(_draft_file().read_text())
    assert draft["answers"]["details"]["number"] == TYPED["number"]


async def test_a_crash_keeps_the_draft(private_home: PrivateHome, tmp_path: Path) -> None:
    app = keeping_app(tmp_path)
    app.keeper.DELAY = 600  # only the crash path can have saved what is typed

    def crash() -> None:
        raise RuntimeError("a bug in the wizard")

    with pytest.raises(RuntimeError, match="a bug in the wizard"):
        async with app.run_test(size=(80, 24)) as pilot:
            keys = KeyboardDriver(pilot)
            await ready(keys)
            await keys.to_details(CHORUS, MODE)
            await keys.type_text(TYPED["number"])
            app.call_later(crash)
            await pilot.pause(0.2)
    draft = json.loads(_draft_file().read_text())
    assert draft["step"] == "details"
    assert draft["answers"]["details"]["number"] == TYPED["number"]


@pytest.mark.keyring
async def test_a_draft_made_with_a_profile_resumes_at_the_review_with_the_keyring_secret(
    secret_service: KeyringSession, tmp_path: Path
) -> None:
    from pydantic import SecretStr

    from trunkwizard.accounts import Accounts
    from trunkwizard.secrets import SecretVault
    from trunkwizard.store import ProfileStore

    accounts = Accounts(ProfileStore(), SecretVault.open())
    accounts.add(accounts.build_profile("acme", "chorus", {}), {"api_key": SecretStr(CANARY)})
    DraftStore().save(
        provider="chorus",
        profile="acme",
        mode="jambonz",
        step="review",
        answers={
            "account": {"base_url": "https://chorus.example.test/v1"},
            "details": {"number": "+14155550190"},
        },
    )
    app = keeping_app(tmp_path, sandbox=False)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.press("r")
        await keys.settle()
        assert app.screen.STEP == "review", app.screen  # type: ignore[attr-defined]
        prepared = app.state.prepared
        assert prepared is not None and prepared.preview.json == {
            "provider": "jambonz",
            "number": "+14155550190",
        }
        assert prepared.preview.url == "https://chorus.example.test/v1/phone-numbers"
        assert app.state.account is not None
        assert app.state.account.api_key.get_secret_value() == CANARY  # type: ignore[attr-defined]
        assert app.profile_accounts.chosen("chorus") == "acme"
        assert CANARY not in app.export_screenshot()
    assert_no_leak(CANARY, secret_service.home.scanned_roots())


async def test_nothing_typed_leaves_no_draft(private_home: PrivateHome, tmp_path: Path) -> None:
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.pick_provider(CHORUS)  # the sandbox account is filled in: nothing typed
        await keys.accept_account()
        await keys.pick_mode(CHORUS, MODE)
        await keys.press("escape", "escape")
        await keys.settle()
        await keys.press("ctrl+q")
        await keys.settle()
    assert app.return_code == 0
    assert not _draft_file().exists()


async def test_a_draft_found_after_typing_began_never_takes_the_filter_keys(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    """The draft look-up ends after the first frame; if the user is already typing ("Chorus"), a dialog
    would take the keys (its r resumes): it is offered in the palette instead."""
    import asyncio

    from textual.widgets import Input

    from tests.tui.keeping import palette

    first = keeping_app(tmp_path)
    async with first.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await _type_details(keys)
        await keys.press("ctrl+q")
        await keys.settle()

    again = keeping_app(tmp_path)
    typed = asyncio.Event()
    offer = again._offer_draft

    async def offer_after_typing() -> None:
        await typed.wait()
        await offer()

    again._offer_draft = offer_after_typing  # type: ignore[method-assign]
    async with again.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await pilot.pause(0.3)  # not settle(): it would wait for the held-back draft look-up
        await keys.type_text("Cho")
        typed.set()
        for _ in range(100):
            if again.kept_draft is not None or isinstance(again.screen, ResumeScreen):
                break
            await pilot.pause(0.05)
        await keys.type_text("rus")
        await keys.settle()
        assert not isinstance(again.screen, ResumeScreen)
        assert again.screen.query_one("#filter", Input).value == "Chorus"
        assert again.kept_draft is not None
        await palette(keys, "Resume the kept draft")
        await keys.settle()
        assert isinstance(again.screen, DetailsScreen), again.screen
        values = again.screen.form.values()
        assert {k: str(values[k]) for k in NOT_SECRET} == NOT_SECRET


async def test_quitting_with_a_typed_password_asks_and_n_keeps_it(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    # Reported: ctrl+q never asked, although the typed passwords were then lost (no draft keeps them).
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        details = await _type_details(keys)
        await keys.press("ctrl+q")
        await keys.settle()
        assert isinstance(app.screen, QuitScreen)
        await keys.press("n")
        await keys.settle()
        current: object = app.screen  # narrowed to QuitScreen above; "n" went back to the form
        assert current is details and app.is_running
        password = details.form.values()["sipPassword"]
        assert password is not None and password.get_secret_value() == CANARY


async def test_quitting_on_a_result_asks_nothing(private_home: PrivateHome, tmp_path: Path) -> None:
    # Reported: after "✓ Created", ctrl+q asked, saying the answers typed so far would be lost. What was
    # typed (the password too) was sent and exists at the provider, and no draft is offered on the next
    # start: nothing is lost, so it quits.
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        details = await _type_details(keys)
        password = details.form.rows["sipPassword"].editor
        assert isinstance(password, SecretEditor) and password.typed
        await keys.press("ctrl+n")
        await keys.settle()
        assert app.screen.STEP == "review"  # type: ignore[attr-defined]
        await keys.press("enter")
        await keys.settle()
        assert isinstance(app.screen, ResultScreen)
        assert details in app.screen_stack  # under the result, with its typed password
        await keys.press("ctrl+q")
        await keys.settle()
        assert not isinstance(app.screen, QuitScreen), shown(app, "#quit-text")
    assert app.return_code == 0
    assert not _draft_file().exists()
    assert_no_leak(CANARY, private_home.scanned_roots())


class SlowDraftDisk:
    """A busy disk cannot be made here: the fsync of a draft written off the event loop's thread waits
    until `released` (30 s at most). `began` is set once one has waited, `holding` while one waits."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.released, self.began, self.holding = threading.Event(), threading.Event(), threading.Event()
        self._fsync = os.fsync
        monkeypatch.setattr(os, "fsync", self.fsync)

    def fsync(self, fd: int) -> None:
        off_the_loop = threading.current_thread() is not threading.main_thread()
        if off_the_loop and "drafts" in os.readlink(f"/proc/self/fd/{fd}"):
            self.holding.set()
            self.began.set()
            self.released.wait(30)
            self.holding.clear()
        self._fsync(fd)


async def test_a_draft_held_by_a_slow_disk_never_holds_the_keys(
    private_home: PrivateHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A draft's write ends with an fsync, which a busy disk can hold for tens of milliseconds: the keys
    typed meanwhile show at once, and the draft lands when the disk lets it."""
    disk = SlowDraftDisk(monkeypatch)
    released, began, waiting = disk.released, disk.began, disk.holding
    app = keeping_app(tmp_path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            keys = KeyboardDriver(pilot)
            await ready(keys)
            await _type_details(keys)
            assert await asyncio.to_thread(began.wait, 5), "no draft was written"
            field = next(w for w in app.screen.query(WizardInput) if w.value == TYPED["name"])
            field.focus()
            await pilot.pause()
            field.cursor_position = len(field.value)
            before = field.value
            await keys.press("9")
            assert field.value == before + "9"
            assert waiting.is_set(), "the key waited for the draft's fsync"
            released.set()
            for _ in range(100):
                await pilot.pause(0.05)
                if _draft_file().exists() and before + "9" in _draft_file().read_text():
                    break
            draft = json.loads(_draft_file().read_text())
            assert before + "9" in draft["answers"]["details"].values()
    finally:
        released.set()


@pytest.mark.parametrize("then", ["quit", "discard"])
async def test_writes_held_by_a_slow_disk_never_cover_a_newer_save_or_a_discard(
    private_home: PrivateHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, then: str
) -> None:
    """The disk holds the thread's first write while two more are handed to it; then the quit question
    saves at once (or a successful create discards the draft). What is left is the newest answers (or
    no draft): never an older write that waited behind the first."""
    disk = SlowDraftDisk(monkeypatch)
    released, began = disk.released, disk.began
    app = keeping_app(tmp_path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            keys = KeyboardDriver(pilot)
            await ready(keys)
            details = await _type_details(keys)
            assert await asyncio.to_thread(began.wait, 30), "no draft was written"
            name = details.form.rows["name"].editor
            for older in ("Second line", "Third line"):
                name.set_value(older)
                app.keeper.save_soon()
            name.set_value("Newest line")
            if then == "quit":
                assert app.keeper.save_now()
                released.set()
            else:
                threading.Timer(0.3, released.set).start()
                app.keeper.discard()  # waits for the begun write, then removes the draft
            await pilot.pause(0.3)
    finally:
        released.set()
    if then == "quit":
        assert json.loads(_draft_file().read_text())["answers"]["details"]["name"] == "Newest line"
    else:
        assert not _draft_file().exists()
