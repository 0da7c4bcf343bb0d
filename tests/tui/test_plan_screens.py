"""The wizard shows the whole plan: the review lists the Vox agent mapping after the create, and a
mapping that fails is on the result screen as clearly as the CLI says it."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable

from rich.console import Console

from tests.test_provider_vox import INBOUND_AGENT, MODE, VALID, VOX
from tests.tui.driver import KeyboardDriver
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.result import ResultScreen
from trunkwizard.tui.screens.review import ReviewScreen, preview_renderable

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
