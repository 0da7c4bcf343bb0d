"""What every step shares: the step indicator, a heading, a banner, the Back/Next bar and the footer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Static

from trunkwizard.tui.commands import CommandSource, ScreenCommand
from trunkwizard.tui.steps import Step
from trunkwizard.tui.widgets.compact_button import CompactButton
from trunkwizard.tui.widgets.step_body import StepBody
from trunkwizard.tui.widgets.step_footer import StepFooter
from trunkwizard.tui.widgets.step_indicator import StepIndicator

if TYPE_CHECKING:
    from trunkwizard.tui.services import StepSession

__all__ = ["WizardScreen"]


class WizardScreen(CommandSource, Screen[None]):
    """One step. Subclasses set STEP and implement `compose_body`, `action_next`, maybe `action_back`."""

    STEP: ClassVar[Step] = Step.PROVIDER
    NEXT_LABEL: ClassVar[str] = "Next"
    BACK_LABEL: ClassVar[str] = "Back"
    # what the buttons do, in their tooltips (and in a form's help line when one is focused)
    NEXT_TIP: ClassVar[str] = "on to the next step. Enter presses it; ctrl+n does the same anywhere."
    BACK_TIP: ClassVar[str] = "back one step; what was typed is kept. Enter presses it; Esc does the same."
    AUTO_FOCUS = None
    # A focus change repaints what it changes (the editors left and entered, the rows' labels, the help
    # line, the footer's keys), each widget by its own style update: Textual's Screen repaints the whole
    # screen on every focus change (its `focused` reactive), twice a plain form's bytes per Tab (issue 16).
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("ctrl+n", "next", "Next", id="next"),
        Binding("f1", "help", "Help", id="help"),
    ]

    def __init__(self, *, session: StepSession) -> None:
        super().__init__()
        self._step_session = session  # the badge and the skipped steps the indicator shows
        self._resumed = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Screen's own handler. A step's first resume comes once it is mounted, every widget
        # just styled: Textual would style each one again (~2% of the first frame, more on a form).
        # Later resumes (back from another step, which may have changed the theme) restyle as before.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def _on_timer_update(self) -> None:
        """Draw what changed, but after the refreshes already waiting in this screen's queue.

        A Tab dirties the editors left and entered (their Blur and Focus), the rows' labels and the help
        line; each widget asks the screen for its repaint by a message of its own. Textual draws as soon
        as the first of them arrives, and the rest waited for the next frame, which its update timer
        sets one to two frames later (about 30 ms): every Tab drew two frames, the second 40 ms after the
        key (issue 16). Drawing after the queued messages puts them in one frame."""
        if self.message_queue_size:
            self._update_timer.pause()
            self.call_later(super()._on_timer_update)
            return
        super()._on_timer_update()

    def palette_commands(self) -> tuple[ScreenCommand, ...]:
        return (ScreenCommand("Help for the focused field", "Same as F1", self.action_help),)

    def heading(self) -> str:
        return ""

    def compose_body(self) -> Iterable[Widget]:
        return ()

    def compose(self) -> ComposeResult:
        session = self._step_session
        yield StepIndicator(self.STEP, skipped=session.skipped_steps(), badge=session.badge)
        yield Static(self.heading(), id="heading", markup=False)
        yield Static("", id="banner", markup=False)
        with StepBody(id="body"):
            yield from self.compose_body()
        with Horizontal(id="nav"):
            yield CompactButton(f"← {self.BACK_LABEL}", id="back", tooltip=self.BACK_TIP)
            yield Static("", id="status", markup=False)
            next_label = f"{self.NEXT_LABEL} →"  # -goes-on: where Enter on a form's last field goes
            yield CompactButton(
                next_label, id="next", variant="primary", tooltip=self.NEXT_TIP, classes="-goes-on"
            )
        yield StepFooter()

    # --- shared parts ---------------------------------------------------------------------------------

    def set_banner(self, message: str | None) -> None:
        banner = self.query_one("#banner", Static)
        banner.update(f"✗ {message}" if message else "")
        banner.set_class(bool(message), "-shown")

    def set_status(self, message: str) -> None:
        self.query_one("#status", Static).update(message)

    def remember(self) -> None:
        """Keep this step's answers in the wizard state before the screen goes away."""

    # --- actions --------------------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "next":
            event.stop()
            self.action_next()
        elif event.button.id == "back":
            event.stop()
            self.action_back()

    def action_next(self) -> None:
        """Go on to the next step."""

    def action_back(self) -> None:
        self.remember()
        self.app.pop_screen()

    def action_help(self) -> None:
        from trunkwizard.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen.for_focus(self))
