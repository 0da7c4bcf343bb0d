"""The inventory screen (Pilot, 80x24): F4 on the account step lists every page of the provider's own
listing, filters as you type, Enter shows the details with returned secrets masked (ctrl+t on purpose),
F8 deletes after the number or name is typed (Cancel focused first). A read-only session sends no write
request: every request the wizard makes is recorded at the sandbox's side."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from textual.widgets import Button, DataTable, Input, Static

from tests.support.canary import CANARY
from tests.support.recording import Recorder, recording_sandbox
from tests.support.secret_service import PrivateHome
from tests.tui.driver import KeyboardDriver, richest_per_mode
from tests.tui.keeping import keeping_app, ready
from tests.tui.screen_text import footer_text
from trunkwizard.client import load_account
from trunkwizard.providers import all_providers, get_provider
from trunkwizard.readable import value_text
from trunkwizard.sandbox import wavix, yeastar
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.confirm import ConfirmScreen
from trunkwizard.tui.screens.inventory import InventoryDetailsScreen, InventoryScreen
from trunkwizard.tui.screens.inventory_edit import EditReviewScreen, InventoryEditScreen
from trunkwizard.tui.screens.quit_confirm import QuitScreen
from trunkwizard.tui.screens.review import ReviewScreen
from trunkwizard.tui.screens.type_to_confirm import TypeToConfirmScreen
from trunkwizard.tui.widgets.form_view import FormView

PROVIDERS = [p.key for p in all_providers()]


def _recorded_app(make_app: Callable[..., WizardApp], **options: object) -> tuple[WizardApp, Recorder]:
    """A sandbox app whose in-process emulator records every request; Yeastar's trunk password and a
    Wavix access token are the canary."""
    trunks = wavix.WavixSandbox()
    trunks.seed()
    trunks.trunks[202]["access_token"] = CANARY
    pbx = yeastar.YeastarSandbox()
    pbx.seed()
    pbx.trunks[12]["password"] = CANARY
    recorder = recording_sandbox(wavix_sandbox=trunks, yeastar_sandbox=pbx)
    app = make_app(inventory_page_size=2, **options)
    app._sandbox_transport = httpx.ASGITransport(app=recorder)
    return app, recorder


async def _open_inventory(keys: KeyboardDriver, provider_key: str) -> InventoryScreen:
    await keys.pick_provider(get_provider(provider_key))
    await keys.press("f4")
    await keys.settle()
    screen = keys.app.screen
    assert isinstance(screen, InventoryScreen)
    return screen


@pytest.mark.parametrize("provider_key", PROVIDERS)
async def test_every_page_listed_filtered_and_shown(
    make_app: Callable[..., WizardApp], provider_key: str
) -> None:
    app, recorder = _recorded_app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        screen = await _open_inventory(keys, provider_key)
        assert screen.inventory is not None and screen.inventory.pages > 1
        table = screen.query_one(DataTable)
        total = table.row_count
        assert total == len(screen.inventory.items) >= 4
        wanted = screen.inventory.items[-1]
        needle = wanted.confirm or next(v for v in wanted.cells.values() if v)
        await keys.type_text(needle)
        await keys.settle()
        assert 1 <= table.row_count < total and screen.selected() == wanted
        await keys.press("enter")
        await keys.settle()
        details = app.screen
        assert isinstance(details, InventoryDetailsScreen) and details.details is not None
        assert details.details.ref.id == wanted.ref.id
        await keys.press("escape")
        await keys.settle()
        assert app.screen is screen
        assert CANARY not in app.export_screenshot()
    assert not recorder.writes


async def test_returned_secrets_masked_and_shown_on_purpose(make_app: Callable[..., WizardApp]) -> None:
    app, _ = _recorded_app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        screen = await _open_inventory(keys, "yeastar")
        await keys.type_text("Carrier_Backup")
        await keys.settle()
        status = str(screen.query_one("#inventory-status", Static).render())
        # the row whole: the host the column cut, then the status
        assert status == (
            "Carrier_Backup: Host:port: backup.carrier.example:5060 · "
            "✗ registration failed: check username/password"
        )
        await keys.press("enter")
        await keys.settle()
        assert isinstance(app.screen, InventoryDetailsScreen)
        assert CANARY not in app.export_screenshot()
        await keys.press("ctrl+t")
        await keys.settle()
        assert CANARY in app.export_screenshot()  # on purpose
        await keys.press("ctrl+t")
        await keys.settle()
        assert CANARY not in app.export_screenshot()


async def test_delete_asks_for_the_name_with_cancel_focused(make_app: Callable[..., WizardApp]) -> None:
    app, recorder = _recorded_app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        screen = await _open_inventory(keys, "wavix")
        await keys.type_text("Branch Lisbon")
        await keys.press("f8")
        await keys.settle()
        confirm = app.screen
        assert isinstance(confirm, TypeToConfirmScreen)
        assert "Deleting a Wavix trunk stops call routing through it" in confirm.confirmation.consequence
        assert app.focused is confirm.query_one("#cancel", Button)
        assert confirm.query_one("#delete", Button).disabled
        await keys.press("enter")  # Cancel
        await keys.settle()
        assert app.screen is screen and not recorder.writes
        await keys.press("f8")
        await keys.settle()
        await keys.press("tab")
        await keys.type_text("Branch")  # not the whole label: Enter does nothing
        await keys.press("enter")
        await keys.settle()
        assert isinstance(app.screen, TypeToConfirmScreen) and not recorder.writes
        await keys.type_text(" Lisbon")
        await keys.press("enter")
        await keys.settle()
        assert app.screen is screen
        assert [(w.method, w.path) for w in recorder.writes] == [("DELETE", "/wavix/v1/trunks/203")]
        assert screen.inventory is not None
        assert "Branch Lisbon" not in [i.confirm for i in screen.inventory.items]


async def test_read_only_sends_no_write_request(make_app: Callable[..., WizardApp]) -> None:
    app, recorder = _recorded_app(make_app, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        screen = await _open_inventory(keys, "yeastar")
        assert "[RO]" in str(screen.query_one("#inventory-heading").render())
        await keys.press("f8")
        await keys.settle()
        assert app.screen is screen  # refused before asking
        assert "read-only: delete refused" in str(screen.query_one("#inventory-banner").render())
        await keys.press("escape")
        await keys.settle()
        # create: the whole way to the review, then submit is refused
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.pick_mode(get_provider("yeastar"), "peer")
        await keys.fill_form(app.screen.form, richest_per_mode(get_provider("yeastar"))["peer"])  # type: ignore[attr-defined]
        await keys.press("ctrl+n")
        await keys.settle()
        assert isinstance(app.screen, ReviewScreen)
        await keys.press("ctrl+n")
        await keys.settle()
        assert isinstance(app.screen, ReviewScreen)
        # the refusal is written into the review's banner (a BannerShown screen), not only toasted
        assert "read-only: create refused" in str(app.screen.query_one("#banner", Static).render())
    assert recorder.seen and not recorder.writes


# (provider, the item's filter text, the field to change, its new value, the update's method)
TUI_EDITS = [
    ("chorus", "Sales line", "name", "Sales desk", "PATCH"),
    ("signalwire", "arthur-lab", "caller_id", "Lab bench", "PATCH"),
    ("wavix", "Call centre", "label", "Call center", "PUT"),
    ("yeastar", "Office_Peer", "port", "5070", "POST"),
    ("vox", "0215550104", "memo", "Night desk", "PATCH"),
]


async def test_a_refused_listing_shows_no_key_for_an_item(make_app: Callable[..., WizardApp]) -> None:
    """Found by hand: with the account refused, the inventory showed its error and still listed
    f8 Delete (and Enter Details), which had no item to act on."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.pick_provider(get_provider("wavix"))
        await _type_into(keys, "api_key", "a-key-the-sandbox-refuses")
        await keys.press("f4")
        await keys.settle()
        screen = app.screen
        assert isinstance(screen, InventoryScreen)
        assert str(screen.query_one("#inventory-banner", Static).render()).startswith("✗")
        footer = footer_text(app).split()
        assert "Refresh" in footer and "Delete" not in footer and "Details" not in footer
        assert screen.check_action("delete", ()) is False


async def _details_of(keys: KeyboardDriver, provider_key: str, needle: str) -> InventoryDetailsScreen:
    await _open_inventory(keys, provider_key)
    await keys.type_text(needle)
    await keys.settle()
    await keys.press("enter")
    await keys.settle()
    details = keys.app.screen
    assert isinstance(details, InventoryDetailsScreen) and details.details is not None
    return details


async def _type_into(keys: KeyboardDriver, wire: str, text: str) -> None:
    """Type into the edit form's field `wire` (the form of the resource's mode)."""
    form = keys.app.screen.query_one(FormView)
    form.rows[wire].query_one(Input).focus()
    await keys.settle()
    await keys.press("ctrl+u")
    await keys.type_text(text)


@pytest.mark.parametrize(
    ("provider_key", "needle", "field", "value", "method"), TUI_EDITS, ids=[e[0] for e in TUI_EDITS]
)
async def test_edit_in_the_tui_reviewed_as_a_diff_and_read_back(
    make_app: Callable[..., WizardApp], provider_key: str, needle: str, field: str, value: str, method: str
) -> None:
    app, recorder = _recorded_app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        details = await _details_of(keys, provider_key, needle)
        old = details.details.body[field]  # type: ignore[union-attr]
        await keys.press("e")
        await keys.settle()
        assert isinstance(app.screen, InventoryEditScreen)
        # the form of the resource's mode, filled from the get call; what the update does not take is
        # shown read-only with the reason
        form = app.screen.query_one(FormView)
        assert form.rows[field].editor.get_value() == old
        assert "read-only: " in str(app.screen.query_one("#edit-read-only", Static).render())
        await _type_into(keys, field, value)
        password = form.rows.get("password")
        if provider_key == "wavix":  # the PUT replaces the whole trunk: the password is asked again
            # the form says so before ctrl+n (required, no "unchanged" hint), and ctrl+n puts the cursor
            # there with the reason under it (it said "e.g. unchanged" and left the cursor where it was)
            assert password is not None and password.field.required
            assert password.query_one(Input).placeholder == ""
            await keys.press("ctrl+n")
            await keys.settle()
            banner = str(app.screen.query_one("#edit-banner", Static).render())
            assert banner == "✗ 1 field to fix: see the message under it"
            assert "needs the password again" in (password.error or "")
            assert app.focused is password.query_one(Input)
            await _type_into(keys, "password", CANARY)
        elif password is not None:  # empty keeps the provider's: said plainly, not as an example
            assert not password.field.required
            assert password.query_one(Input).placeholder == "unchanged"
        await keys.press("ctrl+n")
        await keys.settle()
        review = app.screen
        assert isinstance(review, EditReviewScreen)
        assert f"{field}: {value_text(old)} -> {value}" in review.edit.lines()
        # the untouched fields of the form change nothing
        typed = [field, "password"] if provider_key == "wavix" else [field]
        assert sorted(change.wire for change in review.edit.changes) == sorted(typed)
        # the review shows the plan as a create's does: the call with its full URL, and curl
        (shown,) = review.plan.previews
        assert f"{method} {shown.url}" in str(review.query_one("#review-text", Static).render())
        curl = review.curl()
        assert curl.startswith(f"curl -X {method} ") or f"\n\ncurl -X {method} " in curl
        if provider_key == "wavix":  # a secret in the body: escaped for JSON at run time, by a function first
            assert curl.startswith("json_escape() {") and CANARY not in curl
            assert '"$(json_escape "${TRUNKWIZARD_WAVIX_PASSWORD}")"' in curl
        assert not recorder.writes
        await keys.press("ctrl+n")
        await keys.settle()
        assert review.sent
        assert not review.check_action("send", ())  # the footer no longer offers ctrl+n Send
        label = form.rows[field].field.label  # read back by label, as the form names it
        assert f"{label}: {value}" in str(review.query_one("#review-text", Static).render())
        assert [w.method for w in recorder.writes] == [method]
        assert CANARY not in app.export_screenshot()


async def test_rotate_in_the_tui_shows_the_new_password_only_on_purpose(
    make_app: Callable[..., WizardApp],
) -> None:
    app, recorder = _recorded_app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await _details_of(keys, "signalwire", "hal-car")
        await keys.press("r")
        await keys.settle()
        review = app.screen
        assert isinstance(review, EditReviewScreen) and review.edit.lines() == ["password: changed"]
        await keys.press("ctrl+n")
        await keys.settle()
        assert review.sent and review.password is not None
        new = review.password.get_secret_value()
        assert new not in app.export_screenshot()
        await keys.press("ctrl+t")
        await keys.settle()
        assert new in str(review.query_one("#review-hint", Static).render())
        assert [(w.method, w.path.rsplit("/", 2)[-2]) for w in recorder.writes] == [
            ("PATCH", "sip_endpoints")
        ]


async def test_read_only_refuses_edit_and_rotate(make_app: Callable[..., WizardApp]) -> None:
    app, recorder = _recorded_app(make_app, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        details = await _details_of(keys, "yeastar", "Carrier_Main")
        for key, action in (("e", "edit"), ("r", "rotate")):
            await keys.press(key)
            await keys.settle()
            assert app.screen is details
            assert f"read-only: {action} refused" in str(
                details.query_one("#details-banner", Static).render()
            )
    assert not recorder.writes


async def test_a_profile_saved_read_only_makes_the_wizard_read_only(tmp_path: Path) -> None:
    from trunkwizard.store import Profile
    from trunkwizard.tui.persistent_app import PersistentWizardApp
    from trunkwizard.tui.saved_accounts import describe

    look = Profile(
        name="look", provider="wavix", settings={"base_url": "https://api.wavix.com"}, read_only=True
    )
    assert describe(look).endswith("[RO] read-only")
    app = PersistentWizardApp(sandbox=False, export_dir=tmp_path)
    assert not app.is_read_only("wavix")
    app.profile_accounts.choose(look)
    assert app.is_read_only("wavix") and not app.is_read_only("chorus")
    app.state.provider = get_provider("wavix")
    assert app.badge == "[RO]"
    client = app.client_for(get_provider("wavix"), load_account(get_provider("wavix"), {"api_key": "k" * 8}))
    assert client.read_only


async def test_a_looked_up_field_still_takes_typed_text(make_app: Callable[..., WizardApp]) -> None:
    from textual.widgets import Select

    from trunkwizard.tui.screens.details import DetailsScreen
    from trunkwizard.tui.widgets.lookup_editor import TYPE_INSTEAD, LookupEditor

    app, _ = _recorded_app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(get_provider("yeastar"), "register")
        assert isinstance(app.screen, DetailsScreen)
        editor = app.screen.form.rows["country"].editor
        assert isinstance(editor, LookupEditor)
        await keys.settle()
        select = editor.query_one(Select)
        assert editor.get_value() == "general" and "Germany" in [v for _, v in select._options]
        select.value = TYPE_INSTEAD
        await keys.settle()
        assert editor.typing and app.focused is editor.query_one(Input)
        await keys.press("ctrl+u")
        await keys.type_text("Narnia")
        assert editor.get_value() == "Narnia"


async def test_a_password_alone_changed_says_the_get_call_does_not_return_it(
    make_app: Callable[..., WizardApp],
) -> None:
    # Found in tmux: after changing only a Wavix trunk's password and sending, the screen read "Sent. Read
    # back with the get call:" above nothing at all, as if the rows were not drawn.
    app, recorder = _recorded_app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await _details_of(keys, "wavix", "Call centre")
        await keys.press("e")
        await keys.settle()
        await _type_into(keys, "password", "Another-passw0rd-9")
        await keys.press("ctrl+n")
        await keys.settle()
        review = app.screen
        assert isinstance(review, EditReviewScreen)
        await keys.press("ctrl+n")
        await keys.settle()
        assert review.sent and [w.method for w in recorder.writes] == ["PUT"]
        shown = str(review.query_one("#review-text", Static).render())
        assert "the get call does not return password" in shown, shown


async def _edit_office_peer(keys: KeyboardDriver) -> InventoryEditScreen:
    await _details_of(keys, "yeastar", "Office_Peer")
    await keys.press("e")
    await keys.settle()
    edit = keys.app.screen
    assert isinstance(edit, InventoryEditScreen)
    return edit


async def test_changes_typed_in_an_edit_are_never_dropped_without_a_question(
    make_app: Callable[..., WizardApp],
) -> None:
    """No draft keeps an edit: with a change typed, Esc asks before leaving it and ctrl+q before quitting
    (both left at once, the typed port lost); with nothing changed, or once the review sent it, neither
    asks."""
    app, recorder = _recorded_app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await _edit_office_peer(keys)
        await keys.press("escape")  # nothing typed: back to the details at once
        await keys.settle()
        assert isinstance(app.screen, InventoryDetailsScreen)
        await keys.press("e")
        await keys.settle()
        edit = app.screen
        assert isinstance(edit, InventoryEditScreen)
        await _type_into(keys, "port", "5070")
        await keys.press("escape")
        await keys.settle()
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert "Nothing was sent" in str(question.query_one("#confirm-text", Static).render())
        await keys.press("n")  # keep it: the form is as it was left
        await keys.settle()
        assert app.screen_stack[-1] is edit
        assert edit.query_one(FormView).rows["port"].editor.get_value() in ("5070", 5070)
        await keys.press("ctrl+q")
        await keys.settle()
        assert isinstance(app.screen, QuitScreen)
        assert "nothing was sent" in str(app.screen.query_one("#quit-text", Static).render())
        await keys.press("n")
        await keys.settle()
        await keys.press("ctrl+n", "ctrl+n")  # review, send
        await keys.settle()
        review = app.screen
        assert isinstance(review, EditReviewScreen) and review.sent
        assert [w.method for w in recorder.writes] == ["POST"]
        await keys.press("ctrl+q")  # sent: nothing at risk
        await keys.settle()
    assert app.return_code == 0


async def test_the_wizard_with_drafts_asks_too_before_quitting_an_edit(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    """The wizard as run (drafts, profiles): nothing typed in its steps, so no draft to keep, yet the
    edit's typed change is at risk."""
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        edit = await _edit_office_peer(keys)
        await _type_into(keys, "port", "5070")
        assert edit.has_changes()
        await keys.press("ctrl+q")
        await keys.settle()
        assert isinstance(app.screen, QuitScreen)
        await keys.press("y")
        await keys.settle()
    assert app.return_code == 0
