"""The submit screen sends through the service it is given, not by reaching into the app."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.canary import CANARY
from tests.tui.driver import KeyboardDriver
from trunkwizard.client import PreparedRequest, ProviderClient
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.result import ResultScreen
from trunkwizard.tui.screens.review import ReviewScreen
from trunkwizard.tui.screens.submit import SubmitScreen
from trunkwizard.tui.services import Sending


class RecordingService:
    """The wizard's own service, with a note of every use."""

    def __init__(self, inner: Sending) -> None:
        self.inner = inner
        self.used: list[str] = []

    def client(self) -> ProviderClient:
        self.used.append("client")
        return self.inner.client()

    def record_unknown(self, prepared: PreparedRequest) -> None:
        self.used.append("record_unknown")
        self.inner.record_unknown(prepared)

    async def unsettled_attempts(self, prepared: PreparedRequest) -> list[str]:
        self.used.append("unsettled_attempts")
        return await self.inner.unsettled_attempts(prepared)

    async def settle_attempts(self, prepared: PreparedRequest, found: str | None) -> None:
        self.used.append("settle_attempts")
        await self.inner.settle_attempts(prepared, found)


async def test_the_submit_screen_sends_with_the_service_it_is_given(
    make_app: Callable[..., WizardApp],
) -> None:
    chorus = get_provider("chorus")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await keys.to_details(chorus, "twilio")
        answers = {"number": "+14155550177", "twilioAccountSid": "AC" + "cd" * 16, "twilioAuthToken": CANARY}
        await keys.fill_form(app.screen.form, answers)  # type: ignore[attr-defined]
        await keys.press("ctrl+n")
        await keys.settle()
        assert isinstance(app.screen, ReviewScreen) and app.state.prepared is not None
        service = RecordingService(app)
        await app.push_screen(SubmitScreen(app.state.prepared, service, spinner=True, session=app))
        for _ in range(50):
            await keys.settle()
            if isinstance(app.screen, ResultScreen):
                break
        assert isinstance(app.screen, ResultScreen), app.screen
        assert service.used == ["unsettled_attempts", "client"]
