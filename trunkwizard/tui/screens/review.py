"""Step 5: the exact request, secrets masked. Copy it as curl (OSC 52) or save it; Enter submits."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Group
from rich.json import JSON
from rich.style import Style
from rich.text import Span, Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from trunkwizard.client import PreparedRequest
from trunkwizard.errors import TrunkwizardError
from trunkwizard.fields import problem_text
from trunkwizard.redact import redact
from trunkwizard.tui.export import curl_script, save_private_text
from trunkwizard.tui.messages import CopyRequested, ExportWritten, SipCheckRequested, SubmitRequested
from trunkwizard.tui.screens.base import WizardScreen
from trunkwizard.tui.services import ReviewContext, StepSession
from trunkwizard.tui.sip_check import SipCheckCommands
from trunkwizard.tui.steps import Step

__all__ = ["ReviewScreen", "json_body", "preview_renderable", "warnings_renderable"]

KEY_IN_SIXTEEN_COLOURS = Style(color="default", bold=True)


def preview_renderable(prepared: PreparedRequest, *, sixteen_colours: bool = False) -> Group:
    """Every call of the plan, in order: method, URL, headers, body."""
    parts: list[Text | JSON] = []
    count = len(prepared.previews)
    for index, (call, preview) in enumerate(zip(prepared.calls, prepared.previews, strict=True)):
        head = Text()
        if count > 1:
            if index:
                head.append("\n")
            head.append(f"Call {index + 1} of {count}", style="bold reverse")
            if call.takes_created_id:
                head.append(" · {created_id} is the id call 1 answers with", style="italic")
            head.append("\n")
        head.append(f"{preview.method} ", style="bold")
        head.append(preview.url)
        for name, value in preview.headers.items():
            head.append(f"\n{name}: ", style="bold")
            head.append(value)
        parts.append(head)
        if preview.json is not None:
            parts.append(Text(""))
            parts.append(json_body(preview.json, sixteen_colours=sixteen_colours))
    return Group(*parts)


def json_body(data: object, *, sixteen_colours: bool = False) -> JSON:
    """A request's JSON body as the reviews show it: indented, long values folded."""
    body = JSON.from_data(data, indent=2, ensure_ascii=False)
    # Rich draws JSON unwrapped, so a long value was cut at 80 columns with no sign: fold it
    # instead; the continuation starts at column 0, under the indented keys, which marks it.
    body.text.no_wrap = False
    body.text.overflow = "fold"
    if sixteen_colours:
        # Rich draws JSON keys in bold blue, which on a black 16-colour terminal (TERM=xterm) is
        # barely legible: the keys take the terminal's own foreground, bold, like the headers
        body.text.spans = [
            Span(span.start, span.end, KEY_IN_SIXTEEN_COLOURS) if span.style == "json.key" else span
            for span in body.text.spans
        ]
    return body


def warnings_renderable(prepared: PreparedRequest) -> Text:
    """What inferred rules say about the answers: the request can still be sent as it is."""
    text = Text()
    for warning in prepared.warnings:
        text.append("⚠ ", style="bold")
        text.append(f"{problem_text(prepared.mode.fields, warning)}\n")  # rows as the form counts them
    text.append("Sent as shown if you submit; go back (Esc) to change a value.", style="italic")
    return text


class ReviewScreen(WizardScreen):
    STEP = Step.REVIEW
    NEXT_LABEL = "Submit"
    NEXT_TIP = "sends the request shown. Enter presses it, as Enter does anywhere on this step."
    COMMANDS = WizardScreen.COMMANDS | {SipCheckCommands}
    BINDINGS = [
        Binding("enter", "next", "Submit", id="submit"),
        Binding("ctrl+n", "next", "Submit", show=False, id="next"),
        Binding("c", "copy_curl", "Copy curl", id="copy-curl"),
        Binding("s", "save_curl", "Save curl", id="save-curl"),
        Binding("p", "check_sip", "Check SIP", show=False, id="check-sip"),
    ]

    def __init__(self, prepared: PreparedRequest, context: ReviewContext, *, session: StepSession) -> None:
        super().__init__(session=session)
        self.prepared = prepared
        self.context = context

    def heading(self) -> str:
        provider = self.prepared.provider
        return f"Review: this creates a {provider.creates} at {provider.title}. Secrets show as ********."

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="preview-scroll"):
            if self.context.created_before:
                yield Static(
                    f"⚠ This same request already created {redact(self.context.created_before)} in this "
                    "session: submitting creates another.",
                    id="review-created-before",
                    markup=False,
                )
            if self.prepared.warnings:
                yield Static(warnings_renderable(self.prepared), id="review-warnings")
            sixteen_colours = self.context.sixteen_colours
            yield Static(preview_renderable(self.prepared, sixteen_colours=sixteen_colours), id="preview")

    def on_mount(self) -> None:
        self.query_one("#preview-scroll").focus()
        hint = " · p: check SIP" if self.context.sip_checkable else ""
        self.set_status("Enter: submit · c: copy curl · s: save curl" + hint)
        if self.context.cleartext:  # only with --insecure-http: the account step refuses it otherwise
            self.set_banner(f"INSECURE: {self.context.cleartext}; allowed by --insecure-http")

    def curl(self) -> str:
        return self.prepared.as_curl()

    def action_copy_curl(self) -> None:
        self.post_message(CopyRequested(self, self.curl()))
        self.notify(
            "Copied as curl (OSC 52; secrets are $TRUNKWIZARD_… variables). "
            "If your terminal ignores OSC 52, press s to save it to a file.",
            timeout=6,
        )

    def action_save_curl(self) -> None:
        stem = f"{self.prepared.provider.key}-{self.prepared.mode.key}"
        try:
            path = save_private_text(self.context.export_dir, stem, curl_script(self.curl()))
        except (OSError, TrunkwizardError) as exc:
            self.set_banner(f"Could not save the curl file: {exc}")
            return
        self.post_message(ExportWritten(self, path))
        # the file's name: its whole path was cut between the buttons at 80 columns (the toast has it)
        self.set_status(f"saved as {path.name} · Enter: submit")
        self.notify(f"Saved as {path} (mode 0600)", timeout=8)

    def action_next(self) -> None:
        self.post_message(SubmitRequested(self))

    def action_check_sip(self) -> None:
        self.post_message(SipCheckRequested(self, submitted=False))
