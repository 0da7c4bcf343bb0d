"""Profiles and the keyring inside the wizard (Pilot), against a real Secret Service (gnome-keyring on a
private D-Bus) or none at all: the profiles screen creates, edits, renames and deletes; the account step
loads a profile, asks at the field for a secret that is missing, and saves what was typed as a profile;
each keyring situation (none, locked, refused, hanging) is said in its own words where accounts are
entered; and with no keyring the session-only path goes all the way to a resource in the sandbox."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pydantic import SecretStr
from textual.widgets import DataTable, Input, Select, Static

from tests.support.canary import CANARY
from tests.support.leaks import assert_no_leak, assert_private_tree
from tests.support.secret_service import KeyringSession, PrivateHome
from tests.tui.driver import KeyboardDriver
from tests.tui.keeping import keeping_app, keyring_known, palette, ready, shown
from tests.tui.screen_text import footer_text, screen_lines
from trunkwizard.accounts import Accounts
from trunkwizard.providers import get_provider
from trunkwizard.secrets import SecretVault
from trunkwizard.store import HistoryStore, ProfileStore
from trunkwizard.tui.screens.account import AccountScreen
from trunkwizard.tui.screens.help import HelpScreen
from trunkwizard.tui.screens.profile_editor import ProfileEditorScreen, RenameProfileScreen
from trunkwizard.tui.screens.profiles import ProfilesScreen
from trunkwizard.tui.widgets.keyring_notice import KeyringNotice

pytestmark = pytest.mark.keyring
CHORUS = get_provider("chorus")


def _store_profile(name: str, secret: str | None, **settings: str) -> None:
    accounts = Accounts(ProfileStore(), SecretVault.open())
    profile = accounts.build_profile(name, "chorus", settings)
    accounts.add(profile, {"api_key": SecretStr(secret)} if secret else {})


async def _select_all_and_type(keys: KeyboardDriver, text: str) -> None:
    await keys.press("home", "ctrl+k")
    await keys.type_text(text)


async def test_profiles_screen_creates_edits_renames_and_deletes(
    secret_service: KeyringSession, tmp_path: Path
) -> None:
    app = keeping_app(tmp_path, sandbox=False)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        assert app.keyring_status is None  # a session bus: detected when first needed, not at start
        await palette(keys, "Profiles")
        await keyring_known(keys)
        assert app.keyring_status is not None and app.keyring_status.persistent
        assert isinstance(app.screen, ProfilesScreen)
        assert "No profiles yet" in shown(app, "#profiles-hint")
        assert "Saved profiles keep their secrets in the Secret Service (keyring)." in shown(app, "#keyring")
        # found by hand: with no profile, e Edit, r Rename and d Delete were shown and did nothing
        footer = footer_text(app)
        assert "New" in footer and not {"Edit", "Rename", "Delete"} & set(footer.split())

        await keys.press("n")  # which provider: the first one is highlighted
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        editor = app.screen
        assert isinstance(editor, ProfileEditorScreen) and editor.provider.key == "chorus"
        await keys.type_text("acme")
        await keys.press("tab")
        await keys.type_text(CANARY)
        await keys.press("ctrl+s")
        await keys.settle()
        assert isinstance(app.screen, ProfilesScreen)
        assert secret_service.lookup("acme:api_key") == CANARY
        table = app.screen.query_one(DataTable)
        assert table.get_row("acme")[:2] == ["acme", "Chorus AI"]
        assert table.get_cell("acme", "secrets") == "stored"
        assert {"Edit", "Rename", "Delete"} <= set(footer_text(app).split())

        # saved read-only outside the wizard (profile edit --read-only): the editor keeps it so
        ProfileStore().save(dataclasses.replace(ProfileStore().get("acme"), read_only=True))
        await keys.press("e")
        await keys.settle()
        editor = app.screen
        assert isinstance(editor, ProfileEditorScreen) and editor.editing
        key_input = editor.form.rows["api_key"].editor.query_one(Input)
        assert key_input.placeholder == "stored: type to replace, blank keeps it"
        editor.form.focus_field("base_url")
        await pilot.pause()
        await _select_all_and_type(keys, "https://chorus.example.test/v1")
        await keys.press("ctrl+s")
        await keys.settle()
        assert ProfileStore().get("acme").settings == {"base_url": "https://chorus.example.test/v1"}
        assert ProfileStore().get("acme").read_only
        assert secret_service.lookup("acme:api_key") == CANARY  # a blank secret keeps the stored one

        await keys.press("r")
        await keys.settle()
        assert isinstance(app.screen, RenameProfileScreen)
        await _select_all_and_type(keys, "acme-hq")
        await keys.press("enter")
        await keys.settle()
        assert [p.name for p in ProfileStore().list()] == ["acme-hq"]
        assert secret_service.lookup("acme:api_key") is None
        assert secret_service.lookup("acme-hq:api_key") == CANARY

        await keys.press("d")
        await keys.settle()
        await keys.press("n")  # no: nothing happens
        await keys.settle()
        assert [p.name for p in ProfileStore().list()] == ["acme-hq"]
        await keys.press("d")
        await keys.settle()
        await keys.press("y")
        await keys.settle()
        assert ProfileStore().list() == []
        assert secret_service.lookup("acme-hq:api_key") is None
        assert CANARY not in app.export_screenshot()
    assert_no_leak(CANARY, secret_service.home.scanned_roots())
    assert_private_tree(secret_service.home.config_home / "trunkwizard")


async def test_the_profile_editor_says_which_secret_is_not_stored(
    secret_service: KeyringSession, tmp_path: Path
) -> None:
    """Found by hand: a profile listed as "lacks api_key" opened with "stored: … blank keeps it"."""
    _store_profile("bare", None, base_url="https://bare.example.test/v1")
    app = keeping_app(tmp_path, sandbox=False)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await palette(keys, "Profiles")
        await keyring_known(keys)
        await keys.press("e")
        await keys.settle()
        editor = app.screen
        assert isinstance(editor, ProfileEditorScreen) and editor.editing
        assert editor.form.rows["api_key"].editor.query_one(Input).placeholder == "not stored: type it here"


async def test_the_account_step_loads_a_profile_and_asks_for_a_missing_secret(
    secret_service: KeyringSession, tmp_path: Path
) -> None:
    _store_profile("acme", CANARY, base_url="https://chorus.example.test/v1")
    _store_profile("bare", None, base_url="https://bare.example.test/v1")

    app = keeping_app(tmp_path, sandbox=False, profile="acme")
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.pick_provider(CHORUS)
        await keys.settle()
        account = app.screen
        assert isinstance(account, AccountScreen)
        values = account.form.values()
        assert values["base_url"] == "https://chorus.example.test/v1"
        assert values["api_key"].get_secret_value() == CANARY
        assert app.profile_accounts.chosen("chorus") == "acme"
        assert "keep their secrets in the Secret Service" in shown(app, "#keyring")
        # a loaded profile is nothing typed: no draft keeps it, so the next start offers none (it did,
        # when the debounced save fired before this session ended: the next session met a resume dialog)
        assert app.keeper.snapshot() is None
        assert not account.form.is_modified()

    app = keeping_app(tmp_path, sandbox=False, profile="bare")
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.pick_provider(CHORUS)
        await keys.settle()
        account = app.screen
        assert isinstance(account, AccountScreen)
        assert account.form.values()["base_url"] == "https://bare.example.test/v1"
        assert "No API key is stored for profile 'bare' in the Secret Service: enter it again." in shown(
            app, "#banner"
        )
        row = account.form.rows["api_key"]
        assert row.error == "not stored for this profile: type it here"
        assert app.focused is row.editor.query_one(Input)
    assert_no_leak(CANARY, secret_service.home.scanned_roots())


async def test_clearing_the_picker_takes_the_profile_out_of_the_form(
    secret_service: KeyringSession, tmp_path: Path
) -> None:
    _store_profile("acme", CANARY, base_url="https://chorus.example.test/v1")

    app = keeping_app(tmp_path, sandbox=False, profile="acme")
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.pick_provider(CHORUS)
        await keys.settle()
        account = app.screen
        assert isinstance(account, AccountScreen)
        assert app.profile_accounts.chosen("chorus") == "acme"

        await keys.press("shift+tab")  # from the first field back to the picker
        assert app.focused is account.query_one("#saved", Select)
        await keys.press("enter", "home", "enter")  # the first line is "saved accounts…": none
        await keys.settle()

        assert account.query_one("#saved", Select).value is Select.NULL
        assert app.profile_accounts.chosen("chorus") is None
        values = account.form.values()
        assert values["api_key"] is None  # the profile's secret left the form
        assert values["base_url"] == CHORUS.account_fields[1].default
        assert "type one in" in shown(app, "#status")
    assert_no_leak(CANARY, secret_service.home.scanned_roots())


async def test_another_profile_never_takes_the_last_ones_secret(
    secret_service: KeyringSession, tmp_path: Path
) -> None:
    """Found by hand: a key typed for one profile stayed in the form when a profile without a stored key
    was picked, and went to that profile's host; a stored key did the same."""
    _store_profile("acme", CANARY, base_url="https://chorus.example.test/v1")
    _store_profile("bare", None, base_url="https://bare.example.test/v1")
    _store_profile("bare2", None, base_url="https://bare2.example.test/v1")

    app = keeping_app(tmp_path, sandbox=False, profile="acme")
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.pick_provider(CHORUS)
        await keys.settle()
        account = app.screen
        assert isinstance(account, AccountScreen)
        assert account.form.values()["api_key"].get_secret_value() == CANARY
        picker = account.query_one("#saved", Select)

        picker.value = "bare"  # as picked in the list
        await keys.settle()
        values = account.form.values()
        assert values["base_url"] == "https://bare.example.test/v1"
        assert values["api_key"] is None, "acme's stored key left with acme"
        assert account.form.rows["api_key"].error == "not stored for this profile: type it here"

        await keys.type_text("typed-for-bare")
        picker.value = "bare2"
        await keys.settle()
        values = account.form.values()
        assert values["base_url"] == "https://bare2.example.test/v1"
        assert values["api_key"] is None, "the key typed for bare is not bare2's"

        await keys.type_text("typed-for-bare2")
        picker.value = Select.NULL  # no saved account after all: the provider's own host comes back
        await keys.settle()
        values = account.form.values()
        assert values["base_url"] == CHORUS.account_fields[1].default
        assert values["api_key"] is None, "the key typed for bare2 is not for the provider's own host"
    assert_no_leak(CANARY, secret_service.home.scanned_roots())


async def test_the_saved_accounts_picker_lines_up_with_the_fields(
    secret_service: KeyringSession, tmp_path: Path
) -> None:
    # Found at 80x24: "saved accounts…" began at the screen's edge; the notice above it and the fields
    # under it begin one column in.
    _store_profile("acme", CANARY, base_url="https://chorus.example.test/v1")
    app = keeping_app(tmp_path, sandbox=False)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.pick_provider(CHORUS)
        await keys.settle()
        account = app.screen
        assert isinstance(account, AccountScreen)
        picker = account.query_one("#saved", Select)
        assert picker.display
        lines = screen_lines(app)
        shown_picker = lines[picker.region.y]
        field = lines[account.form.rows["api_key"].region.y]
        notice = lines[account.query_one("#notice").region.y]
        assert shown_picker.index("saved accounts…") == field.index("API key *") == notice.index("Enter") == 1
        # and its right edge is the fields' (the form keeps its width)
        assert len(shown_picker.rstrip()) == len(field.rstrip()), (shown_picker, field)
    assert_no_leak(CANARY, secret_service.home.scanned_roots())


async def test_save_the_typed_account_as_a_profile(secret_service: KeyringSession, tmp_path: Path) -> None:
    app = keeping_app(tmp_path, sandbox=False)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.pick_provider(CHORUS)
        account = app.screen
        assert isinstance(account, AccountScreen)
        await keys.fill_form(account.form, {"api_key": CANARY})
        await keys.press("ctrl+s")
        await keys.settle()
        assert isinstance(app.screen, ProfileEditorScreen)
        await keys.type_text("typed-in")
        await keys.press("ctrl+s")
        await keys.settle()
        assert app.screen is account  # type: ignore[comparison-overlap]
        assert secret_service.lookup("typed-in:api_key") == CANARY
        assert ProfileStore().get("typed-in").settings == {"base_url": CHORUS.account_fields[1].default}
        assert app.profile_accounts.chosen("chorus") == "typed-in"
        assert account.query_one("#saved").display
    assert_no_leak(CANARY, secret_service.home.scanned_roots())
    assert_private_tree(secret_service.home.config_home / "trunkwizard")


KEYRING_CASES = {
    "private_home": "No secure keyring is available (over plain SSH there is no Secret Service), so secrets "
    "are kept in memory for this session only.",
    "locked_secret_service": "The Secret Service is locked and could not be unlocked, so secrets are kept in "
    "memory for this session only.",
    "refusing_secret_service": "The Secret Service refused access because its unlock prompt was dismissed or "
    "cannot be shown here, so secrets are kept in memory for this session only.",
    "hanging_secret_service": "The Secret Service did not answer within 1 s (it may be waiting for an unlock "
    "prompt nobody can see), so secrets are kept in memory for this session only.",
}


@pytest.mark.parametrize("situation", list(KEYRING_CASES))
async def test_each_keyring_situation_is_said_where_accounts_are_entered(
    situation: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TRUNKWIZARD_KEYRING_TIMEOUT", "1")
    request.getfixturevalue(situation)
    app = keeping_app(tmp_path, sandbox=False)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await keys.pick_provider(CHORUS)
        notice = app.screen.query_one(KeyringNotice)
        text = str(notice.render())
        assert text.startswith("⚠ " + KEYRING_CASES[situation]), text
        assert notice.has_class("-session-only")
        assert notice.region.height <= 2, "two lines at most on every account step"
        assert "F5: why, and how to keep them" in text.split("\n", 1)[1]
        account = app.screen
        await keys.press("f5")
        await keys.settle()
        assert isinstance(app.screen, HelpScreen)
        details = str(app.screen.query_one("#help-body", Static).render())
        assert KEYRING_CASES[situation] in details.replace("\n", " ")
        assert "gnome-keyring-daemon" in details and "--unlock" in details
        assert app.check_action("keyring_details", ()) is False, "the help panel shows no notice"
        await keys.press("escape")
        await keys.settle()
        assert app.screen is account and app.check_action("keyring_details", ()) is True


async def test_without_a_keyring_a_profile_lives_for_the_session(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    """Plain SSH: the secret stays in memory, the profile's settings on disk; the profile is picked again
    later in the same session and a resource is created in the sandbox with it."""
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        assert app.keyring_status is not None and not app.keyring_status.persistent
        await keys.pick_provider(CHORUS)
        account = app.screen
        assert isinstance(account, AccountScreen)
        await keys.press("ctrl+s")
        await keys.settle()
        await keys.type_text("session")
        await keys.press("ctrl+s")
        await keys.settle()
        assert app.screen is account
        assert "session" in ProfileStore().get("session").name
        # the account step again with nothing typed: the profile brings the secret back from memory
        for row in account.form.rows.values():  # type: ignore[attr-defined]
            row.editor.set_value(None)
        account.load_saved(account._saved[0])  # type: ignore[attr-defined]
        await keys.settle()
        assert account.form.values()["api_key"] is not None  # type: ignore[attr-defined]
        await keys.accept_account()
        await keys.pick_mode(CHORUS, "jambonz")
        await keys.fill_form(app.screen.form, {"number": "+14155550177"})
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        assert app.screen.STEP == "result"
        created = app.state.created
        assert created is not None
        async with app.client() as client:
            assert await client.fetch(created.ref)
        (entry,) = HistoryStore().entries()
        assert entry.sandbox and entry.created_id == created.ref.id
    toml = (private_home.config_home / "trunkwizard" / "profiles.toml").read_text()
    assert "api_key" not in toml
    assert_private_tree(private_home.config_home / "trunkwizard", private_home.state_home / "trunkwizard")


async def test_the_editor_says_what_is_wrong_at_each_field_and_keeps_a_ca_file(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    from tests.support.throwaway_ca import make_certificates

    certificates = make_certificates(tmp_path / "ca")
    yeastar = get_provider("yeastar")
    app = keeping_app(tmp_path, sandbox=False)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        await palette(keys, "Profiles")
        await keys.press("n")
        await keys.settle()
        await keys.press(*["down"] * [p.key for p in app.screen.providers].index("yeastar"), "enter")  # type: ignore[attr-defined]
        await keys.settle()
        editor = app.screen
        assert isinstance(editor, ProfileEditorScreen) and editor.provider is yeastar
        await keys.type_text("acme pbx")
        await keys.fill_form(editor.form, {"base_url": "10.0.0.5:8088", "client_id": "tw-api"})
        ca = editor.query_one("#profile-ca", Input)
        ca.value = str(tmp_path / "missing.pem")
        await keys.press("ctrl+s")
        await keys.settle()
        assert app.screen is editor
        assert shown(app, "#profile-name-error").startswith("✗ profile names are 1 to 64 letters")
        assert shown(app, "#profile-ca-error") == f"✗ no such file: {tmp_path / 'missing.pem'}"
        assert "http:// or https://" in (editor.form.rows["base_url"].error or "")  # type: ignore[attr-defined]  # the provider's rule
        assert editor.form.rows["client_secret"].error == "required: enter client secret"  # type: ignore[attr-defined]
        assert ProfileStore().list() == []

        editor.query_one("#profile-name", Input).value = "acme-pbx"
        ca.value = str(certificates.ca_file)
        editor.form.rows["base_url"].editor.set_value("https://10.0.0.5:8088")  # type: ignore[attr-defined]
        editor.form.rows["client_secret"].editor.set_value(SecretStr(CANARY))  # type: ignore[attr-defined]
        await keys.press("ctrl+s")
        await keys.settle()
        assert isinstance(app.screen, ProfilesScreen)
        assert ProfileStore().get("acme-pbx").ca_file == str(certificates.ca_file)
        await keys.press("escape")
        await keys.settle()

        app.profile = "acme-pbx"
        await keys.pick_provider(yeastar)
        await keys.settle()
        assert app.profile_accounts.ca_file("yeastar") == str(certificates.ca_file)
        await keys.accept_account()
        assert app.client()._ca_file == str(certificates.ca_file)
    assert "client_secret" not in (private_home.config_home / "trunkwizard" / "profiles.toml").read_text()
