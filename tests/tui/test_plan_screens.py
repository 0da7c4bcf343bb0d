"""The wizard shows the whole plan: the review lists the Vox agent mapping after the create, and a
mapping that fails is on the result screen as clearly as the CLI says it."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from textual.message import Message
from textual.widgets import Input, Select

from tests.test_provider_vox import INBOUND_AGENT, MODE, VALID, VOX
from tests.tui.conftest import STEADY
from tests.tui.driver import KeyboardDriver
from trunkwizard.fields import applicable_answers
from trunkwizard.providers import get_provider
from trunkwizard.tui import app as app_module
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.messages import (
    AccountReady,
    CreatedShown,
    FlowMessage,
    ModeChosen,
    ProviderChosen,
    ReviewRequested,
    StartOver,
    SubmitRequested,
)
from trunkwizard.tui.screens.account import AccountScreen
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.mode import ModeScreen
from trunkwizard.tui.screens.provider import ProviderScreen
from trunkwizard.tui.screens.result import ResultScreen
from trunkwizard.tui.screens.review import ReviewScreen, preview_renderable
from trunkwizard.tui.screens.submit import SubmitScreen
from trunkwizard.tui.widgets.lookup_editor import LookupEditor

# the sandbox's agents have no version 99: the mapping PATCH is refused after the number exists
MAPPING_REFUSED = {
    **VALID,
    "number": "07011115555",
    "map_inbound_agent": True,
    "inbound_agent_id": INBOUND_AGENT,
    "inbound_agent_version": "v99",
}


async def test_review_shows_the_mapping_call_and_the_result_its_failure(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(VOX, MODE)
        details = app.screen
        assert isinstance(details, DetailsScreen)
        await keys.fill_form(details.form, MAPPING_REFUSED)
        await keys.press("ctrl+n")
        await keys.settle()
        assert isinstance(app.screen, ReviewScreen)
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(preview_renderable(app.screen.prepared))
        review = console.export_text()
        assert "Call 2 of 2" in review
        assert "PATCH" in review and "/organization-telephone-numbers/{created_id}/agent" in review
        assert "curl -X PATCH" in app.screen.curl()

        await keys.press("enter")
        await keys.settle()
        assert isinstance(app.screen, ResultScreen)
        assert app.screen.heading().startswith("⚠ Created, but a follow-up call failed")
        shown = html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")
        assert "Created, but a follow-up" in shown and "Not finished" in shown
        created = app.state.created
        assert created is not None and created.warnings
        assert "PATCH" in created.warnings[0] and "Do not submit again" in created.warnings[0]


class RecordingApp(WizardApp):
    """The wizard, keeping every message a step sent it."""

    CSS_PATH = str(Path(app_module.__file__).parent / "app.tcss")

    def __init__(self) -> None:
        super().__init__(sandbox=True, terminal=STEADY)
        self.flow: list[FlowMessage] = []

    async def _on_message(self, message: Message) -> None:
        if isinstance(message, FlowMessage):
            self.flow.append(message)
        await super()._on_message(message)


async def test_new_after_a_create_opens_an_empty_wizard() -> None:
    chorus = get_provider("chorus")
    answers = {"number": "+14155550177", "name": "Front desk"}
    app = RecordingApp()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(chorus, "jambonz")
        assert isinstance(app.screen, DetailsScreen)
        await keys.fill_form(app.screen.form, answers)
        await keys.press("ctrl+n")
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        assert isinstance(app.screen, ResultScreen)

        await keys.press("n")
        await keys.settle()
        steps = [(type(m), type(m.control)) for m in app.flow]
        assert steps == [
            (ProviderChosen, ProviderScreen),
            (AccountReady, AccountScreen),
            (ModeChosen, ModeScreen),
            (ReviewRequested, DetailsScreen),
            (SubmitRequested, ReviewScreen),
            (CreatedShown, SubmitScreen),
            (StartOver, ResultScreen),
        ]
        chosen, _, mode, review, *_ = app.flow
        assert isinstance(chosen, ProviderChosen) and chosen.provider is chorus
        assert isinstance(mode, ModeChosen) and mode.mode_key == "jambonz"
        assert isinstance(review, ReviewRequested) and review.prepared.as_json()["calls"][0]["json"] == {
            "provider": "jambonz",
            **answers,
        }
        assert isinstance(app.screen, ProviderScreen)
        assert len(app.screen_stack) == 1
        assert app.screen.query_one("#filter", Input).value == ""
        highlighted = app.screen.highlighted()
        assert highlighted is not None and highlighted.key == "chorus"
        assert (app.state.provider, app.state.mode_key, app.state.prepared) == (None, None, None)
        assert app.state.detail_values == {}

        await keys.to_details(chorus, "jambonz")
        assert isinstance(app.screen, DetailsScreen)
        assert applicable_answers(app.screen.mode.fields, app.screen.form.values()) == {}


async def test_agent_versions_are_picked_from_the_chosen_agent(make_app: Callable[..., WizardApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(VOX, MODE)
        details = app.screen
        assert isinstance(details, DetailsScreen)
        version = details.form.rows["inbound_agent_version"].editor
        assert isinstance(version, LookupEditor)
        # no agent yet: nothing to list, the version is typed (its default kept)
        await keys.fill_form(details.form, {**VALID, "map_inbound_agent": True})
        await keys.settle()
        assert version.typing and version.get_value() == "current"
        # the agent picked: its versions from GET /agents/{id}/versions, the default picked among them
        await keys.fill_form(details.form, {"inbound_agent_id": INBOUND_AGENT, "inbound_agent_version": "v3"})
        await keys.settle()
        options = [value for _, value in version.query_one(Select)._options if value is not Select.NULL]
        assert options[:3] == ["current", "production", "v4"] and not version.typing
        assert version.get_value() == "v3"
        assert details.form.answers()["inbound_agent_version"] == "v3"
