"""A look-up without a list says why under the field, at 80x24 through the sandbox: a list that waits for
another field to be filled reads as a step of the form (muted, no warning sign), a list the provider
refused reads as a warning; either note goes once the list loads."""

from __future__ import annotations

from collections.abc import Callable

from tests.tui.driver import KeyboardDriver
from tests.tui.screen_text import region_words, screen_lines
from trunkwizard.providers import get_provider
from trunkwizard.sandbox.vox import AGENTS
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.widgets.lookup_editor import LookupEditor

AGENT_ID = next(iter(AGENTS))
NO_SUCH_AGENT = "00000000-0000-4000-8000-000000000000"


async def _pick_agent(keys: KeyboardDriver, details: DetailsScreen, agent_id: str) -> None:
    details.form.focus_field("map_inbound_agent")
    await keys.press("tab")  # as a technician reaches it: the list, or the typed id when there is none
    await keys.settle()
    await keys.fill_field(details.form.rows["inbound_agent_id"], agent_id)
    await keys.settle()


async def _vox_form_with_inbound_agent(keys: KeyboardDriver, app: WizardApp) -> DetailsScreen:
    vox = get_provider("vox")
    await keys.to_details(vox, "custom-sip")
    details = app.screen
    assert isinstance(details, DetailsScreen)
    details.form.focus_field("map_inbound_agent")
    await keys.press("space")
    await keys.settle()
    return details


async def test_a_list_that_waits_for_the_agent_says_so_without_a_warning(
    make_app: Callable[..., WizardApp],
) -> None:
    # Found reading the Vox form: turning on "Map an inbound agent" showed, under its version,
    # "⚠ no list to pick from: choose the inbound agent first" in the warning colour. Nothing had failed.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        details = await _vox_form_with_inbound_agent(keys, app)
        version = details.form.rows["inbound_agent_version"]
        said = region_words(app, version.region)
        assert "choose the inbound agent first" in said, screen_lines(app)
        assert "⚠" not in said and "no list" not in said, said

        await _pick_agent(keys, details, AGENT_ID)
        editor = version.editor
        assert isinstance(editor, LookupEditor) and not editor.typing, "the versions of the agent, listed"
        said = region_words(app, version.region)
        assert "current (the latest saved)" in said, screen_lines(app)
        assert "first" not in said, said


async def test_a_refused_list_warns_and_the_warning_goes_when_the_list_loads(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        details = await _vox_form_with_inbound_agent(keys, app)
        version = details.form.rows["inbound_agent_version"]

        await _pick_agent(keys, details, NO_SUCH_AGENT)  # Vox answers 404
        said = region_words(app, version.region)
        assert said.startswith("Inbound agent version current ⚠ no list to pick from:"), screen_lines(app)

        await _pick_agent(keys, details, AGENT_ID)
        said = region_words(app, version.region)
        assert "⚠" not in said and "no list" not in said, screen_lines(app)
        assert "current (the latest saved)" in said, said
