"""Step 7: what was created (id and what the provider returned) and what to do next on the PBX."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from trunkwizard.providers import Created, get_provider
from trunkwizard.readable import returned_text
from trunkwizard.redact import MASK, redact
from trunkwizard.tui.messages import ConnectRequested, CopyRequested, EditAgain, SipCheckRequested, StartOver
from trunkwizard.tui.screens.base import WizardScreen
from trunkwizard.tui.services import ConnectedHalf, ResultContext, StepSession
from trunkwizard.tui.sip_check import SipCheckCommands
from trunkwizard.tui.steps import Step

if TYPE_CHECKING:
    from pydantic import SecretStr

__all__ = ["ResultScreen", "result_renderable"]


def result_renderable(
    created: Created,
    connected_to: ConnectedHalf | None = None,
    secrets: tuple[tuple[str, SecretStr], ...] = (),
    revealed: bool = False,
) -> Group:
    """What was created; `connected_to`, the first half when this is the second half of a connection
    (both exist: the first was created before it, and its values fill this one); the secrets sent,
    masked unless `revealed`."""
    head = Text()
    if connected_to is not None:
        # a pair resumed from the history names its first half as the history does, provider and id in
        # it ("<provider> SIP trunk Main_office (id 19)"): neither said twice
        title, first_id, by = redact(connected_to.title), connected_to.id, connected_to.provider
        first = title if title.startswith(by) else f"{by}: {title}" if title else by
        if first_id and f"(id {first_id})" not in title:
            first += f", ID {first_id}"
        head.append("Both halves exist, created in this order:\n", style="bold")
        head.append(f"  1. {first}\n")
        this = get_provider(created.ref.provider).title
        head.append(f"  2. {this}: {redact(created.title)}, ID {created.ref.id or '(none)'}: below\n\n")
    for warning in created.warnings:
        # a follow-up call failed: the resource exists but is not fully set up; say so first
        head.append("⚠ Not finished: ", style="bold reverse")
        head.append(redact(warning) + "\n\n", style="bold")
    head.append("ID: ", style="bold")
    head.append(created.ref.id or "(the provider returned none)")
    if secrets:
        state = "shown, ctrl+t hides them" if revealed else "masked, ctrl+t shows them"
        head.append(f"\nSecrets sent ({state})", style="bold")
        for label, value in secrets:
            head.append(f"\n  {label}: ")
            if revealed:
                head.append(value.get_secret_value(), style="reverse")
            else:
                head.append(MASK)
    table = Table(show_header=True, header_style="bold", expand=True, box=None, pad_edge=False)
    # the longest field name whole (a quarter of 80 columns cut a 19-letter one), up to a third of them
    heading = "Returned field"
    longest = max((len(str(key)) for key in created.returned), default=0)
    table.add_column(heading, no_wrap=True, width=min(max(longest, len(heading)), 26))
    table.add_column("Value", overflow="fold", ratio=1)
    provider = get_provider(created.ref.provider)
    for key, value in created.returned.items():
        table.add_row(str(key), redact(returned_text(provider, str(key), value)))
    return Group(head, Text(""), _next_steps(created, connected_to), table)


def _next_steps(created: Created, connected_to: ConnectedHalf | None) -> Text:
    """The next steps; for a connection, each half's under its name, without those that set up the
    other end (connecting them did those)."""
    steps = Text()
    if connected_to is None:
        if created.next_steps:
            steps.append("Next steps\n", style="bold")
        for number, step in enumerate(created.next_steps, 1):
            steps.append(f"{number}. {step}\n")
        return steps
    steps.append("Next steps", style="bold")
    steps.append(" (what connecting the two did is left out)\n")
    this = get_provider(created.ref.provider).title
    halves = (
        (f"{connected_to.provider}, {redact(connected_to.title)}", connected_to.steps_left),
        (f"{this}, {redact(created.title)}", created.steps_left_when_connected()),
    )
    number = 0
    for name, left in halves:
        if left is None:
            steps.append(f"{name}: its next steps were on its own result; the history does not keep them.\n")
            continue
        if left:
            steps.append(f"{name}:\n", style="bold")
        for step in left:
            number += 1
            steps.append(f"{number}. {step}\n")
    return steps


class ResultScreen(WizardScreen):
    STEP = Step.RESULT
    NEXT_LABEL = "New"
    BACK_LABEL = "Edit"
    NEXT_TIP = "starts a new one. Enter presses it; ctrl+n does the same anywhere."
    BACK_TIP = "back to the answers, to change them and send again. Enter presses it; Esc does the same."
    COMMANDS = WizardScreen.COMMANDS | {SipCheckCommands}
    BINDINGS = [
        Binding("ctrl+t", "reveal", "Show secrets", show=False, id="result-reveal"),  # the list names it
        Binding("escape", "back", "Edit again", id="back"),
        Binding("ctrl+n", "next", "New", id="next"),
        Binding("n", "next", "New", show=False, id="new"),
        Binding("c", "copy_id", "Copy ID", id="copy-id"),
        Binding("p", "check_sip", "Check SIP", show=False, id="check-sip"),
        Binding("o", "connect", "Connect to…", id="connect"),
    ]

    def __init__(self, created: Created, context: ResultContext, *, session: StepSession) -> None:
        super().__init__(session=session)
        self.created = created
        self.context = context
        self.revealed = False

    def heading(self) -> str:
        if self.created.warnings:
            return f"⚠ Created, but a follow-up call failed: {self.created.title}"
        if self.context.connected_to is not None:
            this = get_provider(self.created.ref.provider).title
            return f"✓ Connected: {this} to {self.context.connected_to.provider}, both created"
        return f"✓ Created: {self.created.title}"

    def _renderable(self) -> Group:
        context = self.context
        return result_renderable(self.created, context.connected_to, context.secrets, self.revealed)

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="result-scroll"):
            yield Static(self._renderable(), id="result")

    def action_reveal(self) -> None:
        self.revealed = not self.revealed
        self.query_one("#result", Static).update(self._renderable())
        self.refresh_bindings()

    def on_mount(self) -> None:
        self.query_one("#result-scroll").focus()
        connect = " · o: connect" if self.connectable() else ""
        hint = " · p: check SIP" if self.context.sip_checkable else ""
        withheld = self.context.not_connectable
        why = f" · cannot connect: {withheld}" if withheld and not self.context.connecting() else ""
        self.set_status("ctrl+n: new · Esc: edit answers" + connect + hint + why)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "connect":
            return self.connectable()
        if action == "reveal":
            return bool(self.context.secrets)
        return super().check_action(action, parameters)

    def connectable(self) -> bool:
        """Whether what was created offers something another side can take (the providers declare it)."""
        from trunkwizard.tui.screens.connect import needs_for

        ref = self.created.ref
        if self.context.not_connectable is not None:
            return False
        return bool(needs_for(get_provider(ref.provider), ref.mode)) and not self.context.connecting()

    def action_connect(self) -> None:
        self.post_message(ConnectRequested(self, self.created))

    def action_copy_id(self) -> None:
        self.post_message(CopyRequested(self, self.created.ref.id))
        self.notify(f"Copied the ID {self.created.ref.id} (OSC 52)", timeout=4)

    def action_next(self) -> None:
        self.post_message(StartOver(self))

    def action_back(self) -> None:
        self.post_message(EditAgain(self))

    def action_check_sip(self) -> None:
        self.post_message(SipCheckRequested(self, submitted=True))
