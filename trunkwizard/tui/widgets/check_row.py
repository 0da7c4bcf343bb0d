"""One preflight check on screen: a status that reads without colour (icon and word), what it found, and
for a warning or failure why (the likely causes), what to try and the provider's note."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from trunkwizard.preflight.model import CHECK_TITLES, CheckResult, CheckStatus

__all__ = ["STATUS_MARKS", "CheckRow"]

# The word carries the meaning on NO_COLOR and monochrome terminals; colour only repeats it.
STATUS_MARKS: dict[str, str] = {
    CheckStatus.PASS: "✓ PASS",
    CheckStatus.WARN: "! WARN",
    CheckStatus.FAIL: "✗ FAIL",
    CheckStatus.SKIP: "- SKIP",
    "pending": "… wait",
    "stopped": "- STOP",
}


class CheckRow(Horizontal):
    """A check that is waiting, finished (pass/warn/fail with summary and advice) or was stopped."""

    def __init__(self, name: str) -> None:
        super().__init__(classes="check-row -pending")
        self.check_name = name
        self.result: CheckResult | None = None
        self.show_details = False

    @property
    def title(self) -> str:
        return CHECK_TITLES.get(self.check_name, self.check_name)

    def compose(self) -> ComposeResult:
        yield Static(STATUS_MARKS["pending"], classes="check-status", markup=False)
        yield Static(self._body("running…"), classes="check-body", markup=False)

    def _body(
        self,
        summary: str,
        advice: str = "",
        details: tuple[str, ...] = (),
        causes: tuple[str, ...] = (),
        hints: tuple[str, ...] = (),
    ) -> Text:
        text = Text()
        text.append(self.title, style="bold")
        text.append("  ")
        text.append(summary)
        if causes:
            # One paragraph, so a narrow terminal wraps it as prose: "why: A; or B; or C".
            text.append("\nwhy: ", style="bold")
            text.append("; or ".join(causes))
        if advice:
            text.append("\ntry: ", style="bold")
            text.append(advice)
        for hint in hints:
            text.append("\nnote: ", style="bold")
            text.append(hint)
        for line in details:
            text.append(f"\n· {line}", style="dim")
        return text

    def _set(self, state: str, body: Text) -> None:
        for name in ("pending", "stopped", *CheckStatus):
            self.set_class(name == state, f"-{name}")
        self.query_one(".check-status", Static).update(STATUS_MARKS[state])
        self.query_one(".check-body", Static).update(body)

    def show_result(self, result: CheckResult) -> None:
        self.result = result
        details = result.details if self.show_details else ()
        explained = result.status in (CheckStatus.WARN, CheckStatus.FAIL)
        causes = result.causes if explained else ()
        self._set(result.status, self._body(result.summary, result.advice, details, causes, result.hints))

    def show_stopped(self, reason: str) -> None:
        if self.result is None:
            self._set("stopped", self._body(reason))

    def set_details(self, shown: bool) -> None:
        self.show_details = shown
        if self.result is not None:
            self.show_result(self.result)

    @property
    def finished(self) -> bool:
        return self.result is not None
