"""Create or edit a saved profile: a name, the provider's account fields, an optional CA file.

Settings go to profiles.toml, secrets to the keyring (or this session's memory when there is none),
through `trunkwizard.accounts`. When editing, a blank secret keeps the stored one. The CA file is for a
PBX with its own certificate: it is added to the trusted CAs, verification is never switched off.
Dismisses with the saved Profile, or None when cancelled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from trunkwizard.errors import CredentialsUnavailable, Problem, StoreError, TrunkwizardError, ValidationFailed
from trunkwizard.fields import Kind, problem_text
from trunkwizard.tui.commands import SHOW_OR_HIDE_SECRETS, CommandSource, ScreenCommand
from trunkwizard.tui.stylesheets import FORMS
from trunkwizard.tui.widgets.compact_button import CompactButton
from trunkwizard.tui.widgets.error_label import ErrorLabel
from trunkwizard.tui.widgets.form_view import FormView
from trunkwizard.tui.widgets.wizard_input import WizardInput

if TYPE_CHECKING:
    from trunkwizard.accounts import SaveOutcome
    from trunkwizard.providers import Provider
    from trunkwizard.store import Profile
    from trunkwizard.tui.saved_accounts import ProfileAccounts

__all__ = ["ProfileEditorScreen", "RenameProfileScreen", "saved_message"]

_EDITOR_CSS = """
#profile-box {
    width: 78;
    max-width: 98%;
    height: auto;
    max-height: 98%;
    border: round $primary;
    padding: 0 1;
    background: $surface;
}
#profile-title { text-style: bold; }
#profile-banner { color: $text-error; height: auto; }
.profile-line { height: auto; }
.profile-line Input { width: 1fr; }
#profile-note { color: $text-muted; height: auto; }
#profile-buttons { height: 1; align-horizontal: right; }
#profile-buttons CompactButton { margin-left: 2; }
"""


def saved_message(outcome: SaveOutcome, *, edited: bool) -> str:
    verb = "Updated" if edited else "Saved"
    where = (
        f"secrets in the {outcome.status.backend}"
        if outcome.status.persistent
        else "secrets kept in memory for this session only (no keyring)"
    )
    if not outcome.stored:
        where = "no secret changed" if edited else "no secret given"
    return f"{verb} profile {outcome.profile.name!r}: {where}."


class ProfileEditorScreen(CommandSource, ModalScreen["Profile | None"]):
    CSS_PATH = FORMS
    DEFAULT_CSS = "ProfileEditorScreen { align: center middle; }" + _EDITOR_CSS
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="profile-cancel"),
        Binding("ctrl+s", "save", "Save profile", id="profile-save"),
        Binding("ctrl+t", "toggle_secrets", "Show secrets", id="profile-secrets"),
    ]

    def __init__(
        self,
        provider: Provider,
        source: ProfileAccounts,
        *,
        profile: Profile | None = None,
        values: Mapping[str, Any] | None = None,
        name: str = "",
    ) -> None:
        super().__init__()
        self.provider = provider
        self.source = source
        self.profile = profile
        self.values = dict(profile.settings if profile is not None else values or {})
        self.initial_name = profile.name if profile is not None else name

    @property
    def editing(self) -> bool:
        return self.profile is not None

    def compose(self) -> ComposeResult:
        title = (
            f"Edit profile {self.initial_name!r} ({self.provider.title})"
            if self.editing
            else f"New {self.provider.title} profile"
        )
        with Vertical(id="profile-box"):
            yield Static(title, id="profile-title", markup=False)
            yield Static("", id="profile-banner", markup=False)
            with Horizontal(classes="profile-line"):
                yield Label("Profile name *", classes="field-label")
                yield WizardInput(
                    self.initial_name,
                    placeholder="e.g. acme-pbx: letters, digits, - _ .",
                    id="profile-name",
                    compact=True,
                    disabled=self.editing,
                )
            yield ErrorLabel(id="profile-name-error", classes="field-error")
            yield FormView(self.provider.account_fields, self.values, id="profile-form")
            with Horizontal(classes="profile-line"):
                yield Label("CA file (PBX's own)", classes="field-label")
                yield WizardInput(
                    (self.profile.ca_file or "") if self.profile is not None else "",
                    placeholder="PEM file; blank: the usual public CAs",
                    id="profile-ca",
                    compact=True,
                )
            yield ErrorLabel(id="profile-ca-error", classes="field-error")
            note = "Secrets go to the keyring, settings to profiles.toml."
            if self.editing:
                note += " A blank secret keeps the stored one."
            yield Static(note, id="profile-note", markup=False)
            with Horizontal(id="profile-buttons"):
                yield CompactButton("Cancel (Esc)", id="profile-cancel")
                yield CompactButton("Save (ctrl+s)", id="profile-save", variant="primary")

    @property
    def form(self) -> FormView:
        return self.query_one("#profile-form", FormView)

    def on_mount(self) -> None:
        # inline: the app's stylesheet gives every form the whole screen, which outranks DEFAULT_CSS
        self.form.styles.height = "auto"
        self.form.styles.max_height = 12
        self.form.styles.padding = 0
        if self.editing:
            self._say_what_is_stored()
            self.form.focus_first()
        else:
            self.query_one("#profile-name", Input).focus()

    @work(group="profile-secrets", exclusive=True, exit_on_error=False)
    async def _say_what_is_stored(self) -> None:
        """Each secret field says whether a secret is stored for it (a keyring read, in a worker): it said
        "stored" for a secret the profile lacked, and ctrl+s then said that no secret changed."""
        assert self.profile is not None
        try:
            presence = await asyncio.to_thread(self.source.accounts.secret_presence, self.profile.name)
        except TrunkwizardError:
            presence = {}
        words = {
            True: "stored: type to replace, blank keeps it",
            False: "not stored: type it here",
            None: "the keyring did not answer: type to replace, blank keeps what it holds",
        }
        for wire, row in self.form.rows.items():
            if row.field.kind is Kind.SECRET:
                row.editor.query_one(Input).placeholder = words[presence.get(wire)]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "profile-save":
            self.action_save()
        elif event.button.id == "profile-cancel":
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def palette_commands(self) -> tuple[ScreenCommand, ...]:
        return (ScreenCommand(*SHOW_OR_HIDE_SECRETS, self.action_toggle_secrets),)

    def action_toggle_secrets(self) -> None:
        from trunkwizard.tui.widgets.secret_editor import SecretEditor

        editors = list(self.query(SecretEditor))
        show = not any(e.revealed for e in editors)
        for editor in editors:
            editor.reveal(show)

    # --- saving ---------------------------------------------------------------------------------------

    def _split(self) -> tuple[dict[str, Any], dict[str, SecretStr]]:
        settings: dict[str, Any] = {}
        secrets: dict[str, SecretStr] = {}
        for wire, value in self.form.answers().items():
            if isinstance(value, SecretStr):
                secrets[wire] = value
            else:
                settings[wire] = value
        return settings, secrets

    def action_save(self) -> None:
        name = self.query_one("#profile-name", Input).value.strip()
        ca_file = self.query_one("#profile-ca", Input).value.strip() or None
        settings, secrets = self._split()
        self._clear_messages()
        self.save(name, settings, secrets, ca_file)

    @work(group="profile-save", exclusive=True, exit_on_error=False)
    async def save(
        self, name: str, settings: dict[str, Any], secrets: dict[str, SecretStr], ca_file: str | None
    ) -> None:
        self._banner("saving…")
        try:
            outcome = await asyncio.to_thread(self._store, name, settings, secrets, ca_file)
        except ValidationFailed as failure:
            self._show_problems(failure.problems)
            return
        except CredentialsUnavailable as exc:
            self._banner(f"{exc.message} {exc.hint}".strip())
            return
        except StoreError as exc:
            if "already exists" in exc.message:
                self.query_one("#profile-name-error", ErrorLabel).show(f"{exc.message}: pick another name")
                self._banner("")
                self.query_one("#profile-name", Input).focus()
                return
            self._banner(exc.message)
            return
        except TrunkwizardError as exc:
            self._banner(exc.message)
            return
        self.notify(saved_message(outcome, edited=self.editing), timeout=6)
        self.dismiss(outcome.profile)

    def _store(
        self, name: str, settings: dict[str, Any], secrets: dict[str, SecretStr], ca_file: str | None
    ) -> SaveOutcome:
        from trunkwizard.store import validate_profile_name

        accounts = self.source.accounts
        # every problem at once: the name, the settings, the CA file, the secrets a new profile needs
        problems: list[Problem] = []
        try:
            validate_profile_name(name)
        except ValidationFailed as failure:
            problems += failure.problems
            name = "checking-the-rest"
        try:
            profile = accounts.build_profile(name, self.provider.key, settings, ca_file)
        except ValidationFailed as failure:
            problems += failure.problems
        problems += [
            Problem(f.wire, f"required: enter {f.label.lower()}")
            for f in accounts.secret_fields(self.provider.key)
            if f.required and not self.editing and f.wire not in secrets
        ]
        if problems:
            raise ValidationFailed(problems)
        stored = accounts.profiles.find(self.profile.name) if self.profile is not None else None
        if stored is not None and stored.read_only:
            # the editor has no read-only switch: an edited profile stays read-only (profile edit --writable)
            import dataclasses

            profile = dataclasses.replace(profile, read_only=True)
        if self.editing:
            return accounts.update(profile, secrets)
        return accounts.add(profile, secrets)

    # --- messages -------------------------------------------------------------------------------------

    def _banner(self, text: str) -> None:
        self.query_one("#profile-banner", Static).update(f"✗ {text}" if text and text != "saving…" else text)

    def _clear_messages(self) -> None:
        self.query_one("#profile-name-error", ErrorLabel).show(None)
        self.query_one("#profile-ca-error", ErrorLabel).show(None)
        self.form.clear_problems()

    def _show_problems(self, problems: list[Problem]) -> None:
        rest: list[Problem] = []
        for problem in problems:
            if problem.field == "name":
                self.query_one("#profile-name-error", ErrorLabel).show(problem.message)
            elif problem.field == "ca_file":
                self.query_one("#profile-ca-error", ErrorLabel).show(problem.message)
            else:
                rest.append(problem)
        unplaced = self.form.show_problems(rest)
        shown = "; ".join(problem_text(self.form.fields, p) for p in unplaced)
        self._banner(shown or "fix the fields marked below")
        first = self.form.first_problem()
        if self.query_one("#profile-name-error", ErrorLabel).message:
            self.query_one("#profile-name", Input).focus()
        elif first is not None:
            self.form.focus_field(first)
        elif self.query_one("#profile-ca-error", ErrorLabel).message:
            self.query_one("#profile-ca", Input).focus()


class RenameProfileScreen(ModalScreen["Profile | None"]):
    """A new name for a profile; its keyring entries move with it."""

    DEFAULT_CSS = "RenameProfileScreen { align: center middle; }" + _EDITOR_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="rename-cancel")]

    def __init__(self, profile: Profile, source: ProfileAccounts) -> None:
        super().__init__()
        self.profile = profile
        self.source = source

    def compose(self) -> ComposeResult:
        with Vertical(id="profile-box"):
            yield Static(f"Rename profile {self.profile.name!r}", id="profile-title", markup=False)
            yield Static("", id="profile-banner", markup=False)
            with Horizontal(classes="profile-line"):
                yield Label("New name *", classes="field-label")
                yield WizardInput(self.profile.name, id="profile-name", compact=True)
            yield ErrorLabel(id="profile-name-error", classes="field-error")
            yield Static("Enter renames; its keyring entries move with it.", id="profile-note")

    def on_mount(self) -> None:
        self.query_one("#profile-name", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.rename(event.value.strip())

    @work(group="profile-rename", exclusive=True, exit_on_error=False)
    async def rename(self, new: str) -> None:
        error = self.query_one("#profile-name-error", ErrorLabel)
        error.show(None)
        try:
            renamed = await asyncio.to_thread(self.source.accounts.rename, self.profile.name, new)
        except ValidationFailed as failure:
            error.show("; ".join(p.message for p in failure.problems))
            return
        except TrunkwizardError as exc:
            hint = getattr(exc, "hint", "")
            error.show(f"{exc.message} {hint}".strip())
            return
        self.notify(f"Renamed {self.profile.name!r} to {renamed.name!r}.", timeout=5)
        self.dismiss(renamed)
