"""The errors trunkwizard raises, each with a message a technician can act on.

    TrunkwizardError
    ├── ValidationFailed        answers break a documented rule; one Problem per field
    ├── ProviderError           the provider answered with an error
    │   └── AuthenticationFailed    401/403, bad key or token, Yeastar login refused
    ├── NetworkError            no usable answer: refused, TLS, DNS, non-JSON body
    │   └── RequestTimedOut         no answer in time; a POST may still have been applied
    ├── OutcomeUnknown          a create was sent and may have been applied: look it up first
    ├── CredentialsUnavailable  the keyring cannot give or keep a secret
    └── StoreError              a config, draft or history file cannot be read or written

Every message passes through `redact()` so no secret leaves through an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from trunkwizard.redact import redact

__all__ = [
    "AuthenticationFailed",
    "CredentialsUnavailable",
    "NetworkError",
    "OutcomeUnknown",
    "Problem",
    "ProviderError",
    "ReadOnlyRefused",
    "RequestTimedOut",
    "SessionMismatch",
    "StoreError",
    "TrunkwizardError",
    "ValidationFailed",
    "first_field",
    "problems_under",
    "wire_place",
]


class TrunkwizardError(Exception):
    """Base of every error trunkwizard raises on purpose."""

    def __init__(self, message: str) -> None:
        self.message = redact(message)
        super().__init__(self.message)


@dataclass(frozen=True)
class Problem:
    """One broken rule. `field` is the wire path `outbound_cid_list.0.ext_list`; "" means the whole form."""

    field: str
    message: str
    # the same message for a script's user, where it names another field: "required while Outbound
    # proxy (enb_outbound_proxy) is on" (the CLI prints it; the TUI shows `message`, labels only)
    script_message: str | None = dataclass_field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{wire_place(self.field)}: {self.message}" if self.field else self.message

    def for_script(self) -> str:
        """The problem as the command line says it: the field by its wire name, rows counted from 1
        (`allowed_ips, row 1, ip: ...`), and other fields named by wire name."""
        message = self.script_message or self.message
        return f"{wire_place(self.field)}: {message}" if self.field else message

    def redacted(self) -> Problem:
        script = redact(self.script_message) if self.script_message is not None else None
        return Problem(self.field, redact(self.message), script)


def wire_place(path: str) -> str:
    """A wire path as a person reads it, by wire names: `allowed_ips.0.ip` -> `allowed_ips, row 1, ip`.
    The path counts rows from 0, as the wire does; a person counts the rows of an answers file from 1.
    (`trunkwizard.fields.describe_path` names the fields by their labels instead, as the form does.)"""
    return ", ".join(f"row {int(part) + 1}" if part.isdigit() else part for part in path.split("."))


def first_field(path: str) -> str:
    """`outbound_cid_list.0.ext_list` -> `outbound_cid_list`."""
    return path.split(".", 1)[0]


def problems_under(problems: Iterable[Problem], prefix: str) -> list[Problem]:
    """The problems inside `prefix` (e.g. `did_list.2.`), with the prefix removed from their path."""
    return [
        Problem(p.field[len(prefix) :], p.message, p.script_message)
        for p in problems
        if p.field.startswith(prefix)
    ]


class ValidationFailed(TrunkwizardError):
    """The answers break one or more documented rules."""

    def __init__(self, problems: list[Problem], *, warnings: list[Problem] | None = None) -> None:
        self.problems = [p.redacted() for p in problems]
        # what inferred rules say about the other answers: shown, never a reason to refuse
        self.warnings = [p.redacted() for p in warnings or []]
        super().__init__("; ".join(str(p) for p in self.problems) or "invalid answers")


class ProviderError(TrunkwizardError):
    """The provider rejected the call. `field` is our wire name when the provider names one."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        field: str | None = None,
        code: str | None = None,
        problems: list[Problem] | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.retry_after = retry_after
        self.field = field
        self.code = code
        self.problems = [p.redacted() for p in (problems or [])]
        super().__init__(message)


class AuthenticationFailed(ProviderError):
    """The provider refused the credentials (wrong key, missing scope, Yeastar login refused)."""


class NetworkError(TrunkwizardError):
    """The provider could not be reached, or answered with something that is not its API.

    `reached` says whether the request may have reached the provider (a read timeout, a dropped
    connection): False only when it provably never left (refused, DNS, TLS, connect timeout)."""

    def __init__(self, message: str, *, reached: bool = False) -> None:
        self.reached = reached
        super().__init__(message)


class RequestTimedOut(NetworkError):
    """No answer in time. For a create call the resource may exist: look before retrying."""


class OutcomeUnknown(TrunkwizardError):
    """A create call was sent and may have been applied: look it up before sending it again."""


class CredentialsUnavailable(TrunkwizardError):
    """The keyring cannot give or keep a secret; `hint` says what would make it work."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        self.hint = hint
        super().__init__(message)


class SessionMismatch(TrunkwizardError):
    """A saved account this session cannot use: a real one in the sandbox, or the sandbox's outside it."""


class StoreError(TrunkwizardError):
    """A profile, draft or history file cannot be read or written safely."""


class ReadOnlyRefused(TrunkwizardError):
    """A change (create, edit, rotate, delete) asked of a read-only account: refused before any request."""

    def __init__(self, action: str, where: str = "") -> None:
        place = f" {where}" if where else ""
        super().__init__(
            f"read-only: {action} refused{place}; nothing was sent. This account is only looked at "
            "(--read-only, or read_only = true in its profile)."
        )
        self.action = action
