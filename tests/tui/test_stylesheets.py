"""Forms and dialogs bring their own stylesheets (the first screen parses only the shared frame's): each
screen that needs one is styled even when it is the first of its kind to open, straight from the
first step, before any form step has loaded the forms stylesheet."""

from __future__ import annotations

from pathlib import Path

from textual.widget import Widget

from tests.support.secret_service import PrivateHome
from tests.tui.driver import KeyboardDriver
from tests.tui.keeping import keeping_app, palette, ready
from trunkwizard.tui.screens.help import HelpScreen
from trunkwizard.tui.screens.profile_editor import ProfileEditorScreen
from trunkwizard.tui.screens.quit_confirm import QuitScreen
from trunkwizard.tui.stylesheets import DIALOGS, FORMS


def _loaded(keys: KeyboardDriver, sheet: Path) -> bool:
    return keys.app.stylesheet.has_source(str(sheet), "")


def _is_centred_box(box: Widget, width: int) -> None:
    assert box.styles.border_top[0] == "round"
    assert box.region.width == width
    screen_width = box.screen.region.width
    assert abs(box.region.x - (screen_width - width) // 2) <= 1


async def test_help_and_quit_dialogs_from_the_first_step_are_styled(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    app = keeping_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        assert not _loaded(keys, DIALOGS) and not _loaded(keys, FORMS)

        await keys.press("f1")
        assert isinstance(app.screen, HelpScreen)
        _is_centred_box(app.screen.query_one("#help-box"), 76)  # 95% of 80 columns
        await keys.press("escape")

        # the quit dialog opens only when answers are at risk (after a form step, here a saved draft
        # spares it); pushed directly, it shows the dialog brings its own styles
        await app.push_screen(QuitScreen())
        await keys.settle()
        _is_centred_box(app.screen.query_one("#quit-box"), 60)
        assert not _loaded(keys, FORMS)


async def test_profile_editor_from_the_first_step_is_styled(
    private_home: PrivateHome, tmp_path: Path
) -> None:
    app = keeping_app(tmp_path, sandbox=False)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = KeyboardDriver(pilot)
        await ready(keys)
        assert not _loaded(keys, FORMS)

        await palette(keys, "Profiles")
        await keys.press("n")  # which provider: the first one is highlighted
        await keys.settle()
        await keys.press("enter")
        await keys.settle()
        assert isinstance(app.screen, ProfileEditorScreen)
        assert _loaded(keys, FORMS)
        labels = list(app.screen.query(".field-label"))
        assert labels and all(str(label.styles.width) == "24" for label in labels)
        assert any(label.region.width == 24 for label in labels)  # laid out so (some scroll out of view)
