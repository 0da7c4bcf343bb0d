"""Screens run in any host that gives them what they need: here a bare Textual app and recording
sessions, no WizardApp. What the steps decide reaches the host as typed messages; what they keep goes
to the session they were given; the badge and the read-only refusal come from what they were given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.signal import Signal
from textual.widgets import DataTable, Static

from tests.tui.driver import KeyboardDriver
from tests.tui.test_screen_messages import Posted
from trunkwizard.client import ProviderClient, load_account
from trunkwizard.fields import ProviderModel
from trunkwizard.providers import Provider, get_provider
from trunkwizard.refusals import Refusal
from trunkwizard.sandbox import in_process_transport, sandbox_account
from trunkwizard.secrets import KeyringState, KeyringStatus
from trunkwizard.store import HistoryEntry
from trunkwizard.tui import app as app_module
from trunkwizard.tui.accounts import AccountSource, NoSavedAccounts
from trunkwizard.tui.messages import AccountReady, ReviewRequested
from trunkwizard.tui.screens.account import AccountScreen, as_form_values
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.inventory import InventoryScreen
from trunkwizard.tui.services import InventoryAccess
from trunkwizard.tui.steps import Step
from trunkwizard.tui.widgets.keyring_notice import KeyringNotice, KeyringSource
from trunkwizard.tui.widgets.step_indicator import StepIndicator

CHORUS = get_provider("chorus")
JAMBONZ = {"number": "+14155550182", "name": "Front desk"}


class RecordingSession:
    """An AccountSession and a DetailsSession at once, recording what the steps keep."""

    badge = "SANDBOX"
    profile: str | None = None
    insecure_http = False

    def __init__(self, provider: Provider, account: ProviderModel | None = None) -> None:
        self.accounts: AccountSource = NoSavedAccounts()
        self.provider = provider
        self.account = account
        self.kept: list[tuple[Any, ...]] = []

    def skipped_steps(self) -> frozenset[Step]:
        return frozenset()

    @property
    def keyring(self) -> KeyringSource | None:
        return None

    @property
    def chosen_account(self) -> ProviderModel | None:
        return self.account

    def client(self) -> ProviderClient:
        assert self.account is not None
        return ProviderClient(self.provider, self.account, transport=in_process_transport())

    def keep_account_answers(self, provider_key: str, values: dict[str, Any]) -> None:
        self.kept.append(("account", provider_key, values))

    def keep_detail_answers(self, provider_key: str, mode_key: str, values: dict[str, Any]) -> None:
        self.kept.append(("details", provider_key, mode_key, values))

    def refusals(self, provider_key: str, mode_key: str) -> tuple[Refusal, ...]:
        return ()

    def keep_refusals(self, provider_key: str, mode_key: str, refusals: tuple[Refusal, ...]) -> None:
        self.kept.append(("refusals", provider_key, mode_key, refusals))


class Host(App[None]):
    """Shows one step and nothing of the wizard."""

    CSS_PATH = str(Path(app_module.__file__).parent / "app.tcss")

    def __init__(self, step: Screen[None]) -> None:
        super().__init__()
        self.step = step

    def on_mount(self) -> None:
        self.push_screen(self.step)


async def test_the_account_step_keeps_its_answers_in_its_session_and_posts_the_account() -> None:
    session = RecordingSession(CHORUS)
    values = as_form_values(CHORUS, sandbox_account("chorus"))
    screen = AccountScreen(CHORUS, values, "a notice", session=session)
    posted = Posted()
    async with Host(screen).run_test(size=(80, 24), message_hook=posted) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.settle()
        assert screen.query_one(StepIndicator).badge == "SANDBOX"
        await keys.press("ctrl+n")
        await keys.settle()
        (ready,) = posted.of(AccountReady)
        assert ready.control is screen
        assert ready.account == load_account(CHORUS, sandbox_account("chorus"))
        (kept,) = session.kept
        assert kept[:2] == ("account", "chorus")


async def test_the_details_step_prepares_with_the_session_account_and_keeps_its_answers() -> None:
    account = load_account(CHORUS, sandbox_account("chorus"))
    session = RecordingSession(CHORUS, account)
    screen = DetailsScreen(CHORUS, CHORUS.mode("jambonz"), {}, session=session)
    posted = Posted()
    async with Host(screen).run_test(size=(80, 24), message_hook=posted) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.settle()
        await keys.fill_form(screen.form, JAMBONZ)
        await keys.press("ctrl+n")
        await keys.settle()
        (review,) = posted.of(ReviewRequested)
        assert review.control is screen
        # prepared with the session's account: its base URL, its key in the (masked) headers
        assert review.prepared.preview.url.startswith("http://sandbox.trunkwizard.invalid/chorus/v1/")
        assert review.prepared.as_json()["calls"][0]["json"] == {"provider": "jambonz", **JAMBONZ}
        (kept,) = session.kept
        assert kept[:3] == ("details", "chorus", "jambonz") and kept[3]["number"] == JAMBONZ["number"]


class NoRotation:
    """Rotating, for a test that never rotates."""

    sandbox = True

    def client_for(self, provider: Provider, account: ProviderModel) -> ProviderClient:
        raise AssertionError("no rotation here")

    def other_account(self, provider: Provider, profile: str | None = None) -> ProviderModel | None:
        return None

    def history_entries(self) -> list[HistoryEntry]:
        return []

    def record_deleted(self, provider_key: str, created_id: str) -> None:
        raise AssertionError("nothing deleted here")


async def test_the_inventory_lists_with_the_client_it_is_given_and_refuses_as_it_is_told() -> None:
    wavix = get_provider("wavix")
    account = load_account(wavix, sandbox_account("wavix"))
    clients: list[ProviderClient] = []

    def client() -> ProviderClient:
        clients.append(ProviderClient(wavix, account, transport=in_process_transport(), read_only=True))
        return clients[-1]

    access = InventoryAccess(client=client, rotating=NoRotation(), badge="TEST-BADGE", read_only=True)
    screen = InventoryScreen(wavix, account, access)
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.settle()
        assert "TEST-BADGE" in str(screen.query_one("#inventory-heading", Static).render())
        assert len(clients) == 1 and screen.query_one(DataTable).row_count >= 1
        await keys.press("f8")
        await keys.settle()
        assert pilot.app.screen is screen
        assert "read-only: delete refused" in str(screen.query_one("#inventory-banner", Static).render())
        assert len(clients) == 1  # refused before a client was opened


class _Keyring:
    """A KeyringSource that is still looking for a keyring."""

    def __init__(self, app: App[None]) -> None:
        self.keyring_status: KeyringStatus | None = None
        self.keyring_signal: Signal[KeyringStatus | None] = Signal(app, "keyring")


async def test_the_keyring_notice_shows_what_the_source_it_is_given_says() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        source = _Keyring(app)
        hidden, shown = KeyringNotice(None), KeyringNotice(source)
        await app.screen.mount(hidden, shown)
        await pilot.pause()
        assert not hidden.display and "looking for a keyring" in str(shown.render())
        found = KeyringStatus(KeyringState.AVAILABLE, "Secret Service", "found")
        source.keyring_status = found
        source.keyring_signal.publish(found)
        await pilot.pause()
        assert "Secret Service (keyring)" in str(shown.render())
