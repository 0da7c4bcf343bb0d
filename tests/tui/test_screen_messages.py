"""What a screen asks of the app goes as a typed message (`control` is the screen): copying to the
clipboard, an export written, a SIP check. The app acts on it; the screen never calls the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.message import Message

from tests.support.canary import CANARY
from tests.tui.driver import KeyboardDriver
from tests.tui.test_inventory import _details_of
from trunkwizard.providers import get_provider
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.messages import CopyRequested, ExportWritten, SipCheckRequested
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.screens.inventory import InventoryScreen
from trunkwizard.tui.screens.inventory_edit import EditReviewScreen
from trunkwizard.tui.screens.result import ResultScreen
from trunkwizard.tui.screens.review import ReviewScreen
from trunkwizard.tui.screens.sip_check import SipCheckScreen

M = TypeVar("M", bound=Message)

CHORUS = get_provider("chorus")
SIP_REGISTRATION = {
    "number": "+14155550181",
    "sipUsername": "front-desk",
    "sipPassword": CANARY,
    "sipProxy": "127.0.0.1",
    "sipPort": 9,
    "sipRegisterTransport": "udp",
}


class Posted:
    """Every message that reaches any message pump (Textual's message hook), each once."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def __call__(self, message: Message) -> None:
        if not any(message is seen for seen in self.messages):
            self.messages.append(message)

    def of(self, kind: type[M]) -> list[M]:
        return [m for m in self.messages if isinstance(m, kind)]


async def _to_review(keys: KeyboardDriver, app: WizardApp) -> ReviewScreen:
    await keys.to_details(CHORUS, "sip-registration")
    assert isinstance(app.screen, DetailsScreen)
    await keys.fill_form(app.screen.form, SIP_REGISTRATION)
    await keys.press("ctrl+n")
    await keys.settle()
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


async def test_review_asks_the_app_to_copy_and_says_what_it_exported(
    make_app: Callable[..., WizardApp],
) -> None:
    app, posted = make_app(), Posted()
    async with app.run_test(size=(80, 24), message_hook=posted) as pilot:
        keys = KeyboardDriver(pilot)
        review = await _to_review(keys, app)

        await keys.press("c")
        (copy,) = posted.of(CopyRequested)
        assert copy.control is review and copy.text == review.curl()
        assert app.clipboard == review.curl() and CANARY not in app.clipboard

        await keys.press("s")
        (written,) = posted.of(ExportWritten)
        assert written.control is review and written.path.parent == app.export_dir
        assert app.last_export == written.path and CANARY not in written.path.read_text()

        await keys.press("p")
        await keys.settle()
        (check,) = posted.of(SipCheckRequested)
        assert check.control is review and check.submitted is False
        assert isinstance(app.screen, SipCheckScreen)


async def test_result_asks_the_app_to_copy_the_created_id(make_app: Callable[..., WizardApp]) -> None:
    app, posted = make_app(), Posted()
    async with app.run_test(size=(80, 24), message_hook=posted) as pilot:
        keys = KeyboardDriver(pilot)
        await _to_review(keys, app)
        await keys.press("enter")
        await keys.settle()
        result = app.screen
        assert isinstance(result, ResultScreen)

        await keys.press("c")
        (copy,) = posted.of(CopyRequested)
        assert copy.control is result and copy.text == result.created.ref.id
        assert app.clipboard == result.created.ref.id

        await keys.press("p")
        await keys.settle()
        (check,) = posted.of(SipCheckRequested)
        assert check.control is result and check.submitted is True


async def test_an_edit_review_asks_the_app_to_copy_and_goes_back_to_the_list_once_sent(
    make_app: Callable[..., WizardApp],
) -> None:
    app, posted = make_app(inventory_page_size=2), Posted()
    async with app.run_test(size=(80, 24), message_hook=posted) as pilot:
        keys = KeyboardDriver(pilot)
        await _details_of(keys, "signalwire", "hal-car")
        inventory = app.screen_stack[-2]
        assert isinstance(inventory, InventoryScreen)
        await keys.press("r")
        await keys.settle()
        review = app.screen
        assert isinstance(review, EditReviewScreen)

        await keys.press("c")
        (copy,) = posted.of(CopyRequested)
        assert copy.control is review and copy.text == review.curl()
        assert app.clipboard == review.curl()

        await keys.press("ctrl+n")
        await keys.settle()
        assert review.sent
        await keys.press("escape")
        await keys.settle()
        assert app.screen is inventory
