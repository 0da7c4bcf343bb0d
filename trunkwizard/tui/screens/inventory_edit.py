"""Edit one item of the inventory, and rotate its password, with the provider's documented update.

The edit screen lists the get call's fields: those the update takes as inputs filled with the current
value (a secret empty: "unchanged"), the others read-only with the reason. ctrl+n reviews the change as a
diff (old -> new, secrets "changed") with the call as it will be sent and how the provider treats what
is not sent; ctrl+n there sends it and shows what the get call reads back. The screens render what
trunkwizard.editing decides; they name no provider.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from trunkwizard.errors import TrunkwizardError, ValidationFailed
from trunkwizard.fields import describe_path, problem_text
from trunkwizard.readable import input_text, returned_text
from trunkwizard.redact import redact
from trunkwizard.tui.messages import CopyRequested
from trunkwizard.tui.widgets.form_view import FormView, fields_to_fix
from trunkwizard.tui.widgets.lookup_editor import LookupEditor
from trunkwizard.tui.widgets.wizard_input import WizardInput

if TYPE_CHECKING:
    from pydantic import SecretStr

    from trunkwizard.editing import Edit
    from trunkwizard.inventory import Details
    from trunkwizard.tui.screens.inventory import InventoryScreen

__all__ = ["EditReviewScreen", "InventoryEditScreen"]

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _typed(text: str, current: Any) -> Any:
    """The typed text as the kind of value the provider returned (a number stays a number)."""
    if isinstance(current, bool):
        word = text.strip().lower()
        return True if word in _TRUE else False if word in _FALSE else text
    if isinstance(current, int):
        try:
            return int(text.strip())
        except ValueError:
            return text
    if current is None and not text:
        return None
    return text


class InventoryEditScreen(Screen[None]):
    DEFAULT_CSS = """
    InventoryEditScreen { layout: vertical; }
    #edit-heading { height: auto; padding: 0 1; text-style: bold; }
    #edit-semantics { height: auto; padding: 0 1; color: $text-muted; }
    #edit-banner { height: auto; padding: 0 1; color: $text-error; display: none; }
    #edit-banner.-shown { display: block; }
    #edit-fields { height: 1fr; margin: 0 1; }
    #edit-form { height: 1fr; }
    #edit-read-only { height: auto; max-height: 6; padding: 0 1; overflow-y: auto; }
    .edit-row { height: 1; }
    .edit-row Label { width: 26; }
    .edit-row Input { width: 1fr; }
    .edit-fixed { height: auto; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "Back", id="edit-back"),
        Binding("ctrl+n", "review", "Review", id="edit-review"),
    ]

    def __init__(self, inventory: InventoryScreen, details: Details) -> None:
        from trunkwizard.editing import edit_form

        super().__init__()
        self.inventory = inventory
        self.details = details
        # the form of the resource's mode, filled from the get call (None: a generic list of its fields)
        self.edit_form = edit_form(inventory.provider, details)
        self._review: EditReviewScreen | None = None  # the last review of these changes

    def compose(self) -> ComposeResult:
        from trunkwizard.inventory import listing_of

        provider = self.inventory.provider
        listing = listing_of(provider)
        yield Static(f"Edit {provider.title} {provider.creates} {self.details.ref.id}", id="edit-heading")
        yield Static(listing.update_semantics, id="edit-semantics", markup=False)
        yield Static("", id="edit-banner", markup=False)
        if self.edit_form is not None:
            yield FormView(self.edit_form.fields, dict(self.edit_form.values), id="edit-form")
            fixed = Text()
            for label, value, reason in self.edit_form.read_only:
                fixed.append(f"{label}: {value}", style="bold")
                fixed.append(f"  read-only: {reason}\n")
            yield Static(fixed, id="edit-read-only", classes="edit-fixed")
            yield Footer()
            return
        with VerticalScroll(id="edit-fields"):
            body = self.details.body
            secrets = set(listing.secret_fields)
            for key, value in body.items():
                if isinstance(value, dict | list):
                    continue
                if key in listing.read_only_fields:
                    reason = listing.read_only_fields[key]
                    shown = returned_text(provider, key, value)
                    yield Static(f"{key}: {shown}  (read-only: {reason})", classes="edit-fixed", markup=False)
                    continue
                # read back by _typed (true/false for a flag; a time stays its number, as the update takes it)
                shown = "" if key in secrets else input_text(value)
                yield from self._row(key, shown, key in secrets)
            for key in sorted(secrets - set(body)):
                yield from self._row(key, "", True)
        yield Footer()

    def _row(self, key: str, value: str, secret: bool) -> ComposeResult:
        with Horizontal(classes="edit-row"):
            yield Label(key)
            yield WizardInput(
                value,
                placeholder="unchanged" if secret else "",
                password=secret,
                id=f"edit-{key}",
                compact=True,
            )

    def on_mount(self) -> None:
        if self.edit_form is not None:
            self.query_one(FormView).focus_first()
            return
        first = self.query(Input).first()
        first.focus()

    def on_lookup_editor_wanted(self, event: LookupEditor.Wanted) -> None:
        event.stop()
        self.run_worker(self._lookup(event.editor), group=f"lookup-{event.editor.field.wire}", exclusive=True)

    async def _lookup(self, editor: LookupEditor) -> None:
        of = None
        if editor.field.choices_of:
            form = self.query_one(FormView)
            of = str(form.values().get(editor.field.choices_of) or "")
            if not of:
                row = form.rows.get(editor.field.choices_of)
                label = row.field.label.lower() if row is not None else editor.field.choices_of
                editor.waiting(f"choose the {label} first")
                return
        try:
            async with self.inventory.client() as client:
                choices = await client.lookup(editor.field.choices_from or "", of)
        except TrunkwizardError as exc:
            editor.failed(exc.message)
            return
        editor.loaded(choices)

    def answers(self) -> dict[str, Any]:
        """What was changed, as the update takes it."""
        from pydantic import SecretStr

        if self.edit_form is not None:
            return self.edit_form.changes(self.query_one(FormView).answers())

        answers: dict[str, Any] = {}
        body = self.details.body
        for field in self.query(Input):
            key = (field.id or "").removeprefix("edit-")
            if field.password:
                if field.value:
                    answers[key] = SecretStr(field.value)
                continue
            current = body.get(key)
            shown = input_text(current)
            if field.value != shown:
                answers[key] = _typed(field.value, current)
        return answers

    def set_banner(self, message: str | None) -> None:
        banner = self.query_one("#edit-banner", Static)
        banner.update(f"✗ {redact(message)}" if message else "")
        banner.set_class(bool(message), "-shown")

    def action_review(self) -> None:
        from trunkwizard.editing import plan_edit

        try:
            edit = plan_edit(self.inventory.provider, self.details, self.answers())
        except ValidationFailed as failure:
            if self.edit_form is None:
                self.set_banner("; ".join(str(p) for p in failure.problems))
                return
            # each problem at its field (the banner says what names none), and focus on the first
            form = self.query_one(FormView)
            unplaced = form.show_problems(failure.problems)
            placed = len(failure.problems) - len(unplaced)
            lines = [problem_text(self.edit_form.fields, p) for p in unplaced]
            if placed:
                lines.insert(0, fields_to_fix(placed))
            self.set_banner("; ".join(lines))
            first = form.first_problem()
            if first is not None:
                form.focus_field(first)
            return
        self.set_banner(None)
        self._review = EditReviewScreen(self.inventory, edit, action="edit")
        self.app.push_screen(self._review)

    def has_changes(self) -> bool:
        """Something typed that the item does not have yet: Esc and ctrl+q ask before losing it (no draft
        keeps an edit)."""
        if self._review is not None and self._review.sent:
            return False  # sent from its review: the provider holds them now
        if self.edit_form is not None:
            return self.query_one(FormView).is_modified()
        return bool(self.answers())

    def action_close(self) -> None:
        if not self.has_changes():
            self.dismiss(None)
            return
        from trunkwizard.tui.screens.confirm import ConfirmScreen

        def decided(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        question = ConfirmScreen(
            "Discard the changes typed?",
            f"Nothing was sent: {self.details.ref.id} keeps its values at the provider. ctrl+n reviews "
            "the changes and sends them.",
            yes="Discard",
        )
        self.app.push_screen(question, decided)


class EditReviewScreen(Screen[None]):
    """The diff and the call as it will be sent (secrets masked); ctrl+n sends it, then reads it back."""

    DEFAULT_CSS = """
    EditReviewScreen { layout: vertical; }
    #review-heading { height: auto; padding: 0 1; text-style: bold; }
    #review-banner { height: auto; padding: 0 1; color: $text-error; display: none; }
    #review-banner.-shown { display: block; }
    #review-scroll { height: 1fr; margin: 0 1; }
    #review-hint { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "Back", id="review-edit-back"),
        Binding("ctrl+n", "send", "Send", id="review-edit-send"),
        Binding("c", "copy_curl", "Copy curl", id="review-edit-copy-curl"),
        Binding("ctrl+t", "reveal", "Show password", show=False, id="review-edit-reveal"),
    ]

    def __init__(
        self,
        inventory: InventoryScreen,
        edit: Edit,
        *,
        action: str,
        password: SecretStr | None = None,
        note: str = "",
    ) -> None:
        super().__init__()
        # why only this side is rotated (no other side of a connection found), shown above the diff
        self.note = note
        self.inventory = inventory
        self.edit = edit
        self.action_name = action
        self.password = password
        self.sent = False
        self.revealed = False
        self.plan = edit.plan(inventory.account)

    def compose(self) -> ComposeResult:
        provider = self.edit.provider
        what = "Rotate the password of" if self.action_name == "rotate" else "Review the edit of"
        title = f"{what} {provider.title} {provider.creates} {self.edit.details.ref.id}"
        yield Static(title, id="review-heading")
        yield Static("", id="review-banner", markup=False)
        with VerticalScroll(id="review-scroll"):
            yield Static(self._review_text(), id="review-text", markup=False)
        yield Static("ctrl+n sends it · c copies as curl · Esc back", id="review-hint", markup=False)
        yield Footer()

    def _review_text(self) -> Text:
        text = Text()
        if self.note:
            text.append(f"{self.note}\n\n", style="bold")
        text.append("What changes\n", style="bold")
        for line in self.edit.lines():
            text.append(f"  {line}\n")
        text.append(f"\n{self.edit.semantics}\n\n", style="italic")
        text.append(self.plan.as_text() + "\n")
        return text

    def curl(self) -> str:
        """The plan as curl commands, secrets as environment-variable references (as the create's review)."""
        return self.plan.as_curl()

    def action_copy_curl(self) -> None:
        self.post_message(CopyRequested(self, self.curl()))
        self.notify("Copied as curl (OSC 52; secrets are $TRUNKWIZARD_… variables).", timeout=6)

    def set_banner(self, message: str | None) -> None:
        banner = self.query_one("#review-banner", Static)
        banner.update(f"✗ {redact(message)}" if message else "")
        banner.set_class(bool(message), "-shown")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send":
            return not self.sent  # sent once: the footer no longer offers ctrl+n Send
        return super().check_action(action, parameters)

    def action_send(self) -> None:
        if self.sent:
            return
        self.send()

    @work(group="inventory-edit", exclusive=True, exit_on_error=False)
    async def send(self) -> None:
        from trunkwizard.editing import apply_edit

        self.query_one("#review-hint", Static).update("sending…")
        try:
            async with self.inventory.client() as client:
                after = await apply_edit(client, self.edit, action=self.action_name)
        except TrunkwizardError as exc:
            where = (
                " The provider may still hold the old password; the other side was not changed."
                if self.action_name == "rotate"
                else ""
            )
            self.set_banner(exc.message + where)
            self.query_one("#review-hint", Static).update("ctrl+n tries again · Esc back")
            return
        self.sent = True
        self.refresh_bindings()
        self.set_banner(None)
        text = Text()
        text.append("Sent. Read back with the get call:\n", style="bold")
        changed = {change.wire for change in self.edit.changes}
        read_back = [
            (key, value)
            for key, value in after.fields
            # a list is read back row by row (did_list[0].did)
            if key in changed or key.split("[", 1)[0].split(".", 1)[0] in changed
        ]
        for key, value in read_back:
            text.append(f"  {self._read_back_name(key)}: {value}\n")
        if not read_back:
            # a changed password alone: the get call never returns it, and the screen read as blank
            text.append(f"  the get call does not return {', '.join(sorted(changed))}\n", style="italic")
        if self.password is not None:
            text.append(
                "\nThe provider holds the new password now; the side that registers with it still holds "
                "the old one until you set it there. ctrl+t shows the new password.\n",
                style="bold",
            )
        self.query_one("#review-text", Static).update(text)
        self.query_one("#review-hint", Static).update("Esc back to the list")
        self.inventory.load(select=self.inventory.selected_key())

    def _read_back_name(self, key: str) -> str:
        """A read-back key (`allowed_ips[0].ip`) as the form names it: `Allowed IPs, row 1, Public static
        IP`, rows counted from 1 as the edit screen counts them; a key of no known field keeps its name."""
        try:
            fields = self.edit.provider.mode(self.edit.details.ref.mode).fields
        except KeyError:
            fields = ()
        return describe_path(fields, key.replace("[", ".").replace("]", ""))

    def action_reveal(self) -> None:
        if not self.sent or self.password is None:
            return
        self.revealed = not self.revealed
        shown = self.password.get_secret_value() if self.revealed else "(hidden: ctrl+t shows it)"
        self.query_one("#review-hint", Static).update(f"New password: {shown} · Esc back")

    def action_close(self) -> None:
        # back to the list once sent (the details read before it are stale)
        if self.sent and self.inventory.is_attached:
            self.inventory.pop_until_active()
            return
        self.dismiss(None)
