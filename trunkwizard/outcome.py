"""What a sent call left behind at the provider: created, refused or unknown.

    outcome = await client.submit(prepared)
    outcome.verdict            # Verdict.CREATED (id read from the answer), REFUSED, UNKNOWN
    outcome.retry_offered      # only a refusal may be sent again as it is
    outcome.send_again_allowed # an unknown needs a look-up first, and even then says what it risks

Each call of a plan gets its own outcome: the create call, and each follow-up call after it. The rule
that decides between refused and unknown is here and nowhere else:

- refused: the provider answered 4xx (or a 2xx carrying its documented error code), or the request
  provably never left (connection refused, DNS, TLS, connect timeout): nothing was created;
- unknown: it may have been applied: 5xx, no answer in time, a dropped connection, a 2xx without a
  readable id, an interruption (ctrl+c) after the request left, anything unexpected after sending;
- created: a 2xx whose body names the id, or a look-up that found the resource.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from trunkwizard.errors import NetworkError, ProviderError, TrunkwizardError, ValidationFailed
from trunkwizard.providers import Call, Created, Provider

__all__ = ["Outcome", "Verdict", "interrupted", "judge_failure", "looked_up_empty", "unknown"]


class Verdict(enum.StrEnum):
    CREATED = "created"
    APPLIED = "applied"  # a follow-up call of a plan that the provider answered with success
    REFUSED = "refused"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Outcome:
    """The outcome of one sent call. `message` says in words what is known and what to do."""

    verdict: Verdict
    call: Call = field(repr=False)  # its body carries the secrets as sent
    message: str = ""
    created: Created | None = None
    error: TrunkwizardError | None = None
    # an unknown that a look-up searched for and did not find, at this time (UTC, ISO 8601)
    looked_up_at: str | None = None
    can_look_up: bool = False
    # the plan's follow-up calls made after the create, each with its own outcome, in order
    follow_ups: tuple[Outcome, ...] = ()

    @property
    def retry_offered(self) -> bool:
        """Only a refusal may be sent again as it is: nothing was created."""
        return self.verdict is Verdict.REFUSED

    @property
    def send_again_allowed(self) -> bool:
        """A refusal, or an unknown after a look-up found nothing (the user is told what that risks)."""
        return self.retry_offered or (self.verdict is Verdict.UNKNOWN and self.looked_up_at is not None)


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _what(provider: Provider, call: Call) -> str:
    return f"the {provider.creates}" if call.method == "POST" else f"{call.method} {call.path}"


def unknown(provider: Provider, call: Call, reason: str, *, can_look_up: bool) -> Outcome:
    """An unknown outcome with the words that go with it."""
    if call.method == "POST":
        advice = (
            f"{provider.title} may have created {_what(provider, call)}. Do not send it again before "
            "looking it up: look now, and again in a few minutes (a provider can apply a request late)"
            if can_look_up
            else f"{provider.title} may have created {_what(provider, call)}. Check in the provider's "
            "console before sending it again"
        )
    else:
        advice = f"{provider.title} may have applied {call.method} {call.path}: check before sending it again"
    return Outcome(Verdict.UNKNOWN, call, f"{reason}. {advice}.", can_look_up=can_look_up)


def interrupted(provider: Provider, call: Call, *, can_look_up: bool) -> Outcome:
    """Cancelled (Esc, ctrl+c) after the request left: it may have reached the provider."""
    return unknown(
        provider, call, f"Interrupted after {call.method} {call.path} was sent", can_look_up=can_look_up
    )


def looked_up_empty(
    outcome: Outcome, provider: Provider, *, at: str | None = None, settles: bool = True
) -> Outcome:
    """An unknown after a look-up that searched the whole listing and found nothing. That is not proof:
    a provider that applies the request late may still create it, so it stays unknown. The look-up the
    client makes right after sending does not settle it (`settles=False`): only one the user asks for,
    after being told this, allows sending again."""
    at = at or now()
    if not settles:
        return replace(outcome, message=f"{outcome.message} Looked it up at {at[11:19]} UTC: not listed yet.")
    return replace(
        outcome,
        looked_up_at=at,
        message=(
            f"Looked it up at {at[11:19]} UTC: {provider.title} lists no {provider.creates} matching this "
            "request yet. That is not proof nothing was created: a provider that applies a request late "
            "may still create it. Look again in a few minutes; sending again now may create a second one."
        ),
    )


def judge_failure(provider: Provider, call: Call, error: TrunkwizardError, *, can_look_up: bool) -> Outcome:
    """A call that raised: refused when the provider said no or the request never left, else unknown."""
    if isinstance(error, ValidationFailed):
        return Outcome(Verdict.REFUSED, call, error.message, error=error)
    if isinstance(error, ProviderError):
        if error.status is not None and error.status >= 500:
            outcome = unknown(provider, call, error.message.rstrip("."), can_look_up=can_look_up)
            return replace(outcome, error=error)
        return Outcome(Verdict.REFUSED, call, error.message, error=error)
    if isinstance(error, NetworkError):
        if not error.reached:
            return Outcome(Verdict.REFUSED, call, f"{error.message}. Nothing was sent.", error=error)
        outcome = unknown(provider, call, error.message.rstrip("."), can_look_up=can_look_up)
        return replace(outcome, error=error)
    # trunkwizard's own refusals before anything is sent: read-only account, no credentials
    return Outcome(Verdict.REFUSED, call, f"{error.message} Nothing was sent.", error=error)
