"""What a step tells the wizard: typed messages from the screens to the app, never calls into it.

Each message names the screen that sent it as `control`; the app decides where the flow goes next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from pathlib import Path

    from textual.screen import Screen

    from trunkwizard.client import PreparedRequest
    from trunkwizard.connect import Need, Offering
    from trunkwizard.connect.joined import ConnectionPlan, ConnectionResult
    from trunkwizard.connect.resume import HalfDone
    from trunkwizard.errors import AuthenticationFailed, ProviderError, ValidationFailed
    from trunkwizard.fields import ProviderModel
    from trunkwizard.providers import Created, Provider

__all__ = [
    "AccountReady",
    "BackToAccount",
    "BackToDetails",
    "ConnectRequested",
    "ConnectionResumeRequested",
    "ConnectionSent",
    "CopyRequested",
    "CreatedShown",
    "DeleteFirstHalf",
    "EditAgain",
    "ExportWritten",
    "FlowMessage",
    "InventoryRequested",
    "JoinedReviewRequested",
    "JoinedSubmitRequested",
    "JoiningRequested",
    "KeepFirstHalf",
    "ModeChosen",
    "NeedChosen",
    "OfferingChosen",
    "ProviderChosen",
    "ReviewRequested",
    "SipCheckRequested",
    "StartOver",
    "SubmitRequested",
]


@dataclass
class FlowMessage(Message):
    """A step's decision; `step` is the screen that made it."""

    step: Screen[None]

    @property
    def control(self) -> Screen[None]:
        return self.step


@dataclass
class ProviderChosen(FlowMessage):
    provider: Provider


@dataclass
class AccountReady(FlowMessage):
    account: ProviderModel


@dataclass
class InventoryRequested(FlowMessage):
    """What this account already has at the provider, instead of creating."""

    provider: Provider
    account: ProviderModel


@dataclass
class ModeChosen(FlowMessage):
    mode_key: str


@dataclass
class ReviewRequested(FlowMessage):
    """The details are valid: this plan is to be reviewed."""

    prepared: PreparedRequest


@dataclass
class SubmitRequested(FlowMessage):
    """The reviewed plan is to be sent."""


@dataclass
class CreatedShown(FlowMessage):
    """The provider created it: show the result (`recorded`: history already has it)."""

    created: Created
    recorded: bool = False


@dataclass
class BackToDetails(FlowMessage):
    """The provider refused the answers: back to the form, each named field marked."""

    error: ProviderError | ValidationFailed


@dataclass
class BackToAccount(FlowMessage):
    """The provider refused the credentials: back to the account step."""

    error: AuthenticationFailed


@dataclass
class EditAgain(FlowMessage):
    """From the result: the same answers, in the form again."""


@dataclass
class StartOver(FlowMessage):
    """A new one, from an empty wizard."""


@dataclass
class ConnectRequested(FlowMessage):
    """Connect what was just created to another side: read what it offers, then pick that side."""

    created: Created


@dataclass
class NeedChosen(FlowMessage):
    """The other side of the connection: a provider's mode that fills its fields from the offer."""

    need: Need


@dataclass
class DeleteFirstHalf(FlowMessage):
    """The second half failed: delete the first (after a typed confirmation)."""


@dataclass
class KeepFirstHalf(FlowMessage):
    """The second half failed: keep the first as it is (the history lists it as half-done)."""


@dataclass
class ConnectionResumeRequested(FlowMessage):
    """From the history: a half-done connection's second half, in its form again (the first half's
    offered values locked). `first_account` deletes the first half if asked; None when it is not at hand."""

    half: HalfDone
    first_account: ProviderModel | None = None


@dataclass
class JoiningRequested(FlowMessage):
    """Connect two providers from the start: pick the side that offers, then the side that takes it."""


@dataclass
class OfferingChosen(FlowMessage):
    """The first side of a connection from the start: a provider's mode that offers a SIP account."""

    provider: Provider
    offering: Offering


@dataclass
class JoinedReviewRequested(FlowMessage):
    """Both sides' forms are valid: review both halves as one plan."""

    plan: ConnectionPlan


@dataclass
class JoinedSubmitRequested(FlowMessage):
    """The reviewed plan of both halves is to be sent, in order."""

    plan: ConnectionPlan


@dataclass
class ConnectionSent(FlowMessage):
    """Both halves were sent, or the first was created and the second was not: `result` says which."""

    plan: ConnectionPlan
    result: ConnectionResult


# --- what a screen asks of the terminal and the session -----------------------------------------------


@dataclass
class CopyRequested(FlowMessage):
    """Put `text` on the terminal's clipboard (OSC 52): only the app writes to the terminal."""

    text: str = field(repr=False)


@dataclass
class ExportWritten(FlowMessage):
    """A screen wrote a file into the exports folder (0600); the app keeps the last one's path."""

    path: Path


@dataclass
class SipCheckRequested(FlowMessage):
    """Check the SIP side of the request in review (`submitted` False) or of what was created (True)."""

    submitted: bool
