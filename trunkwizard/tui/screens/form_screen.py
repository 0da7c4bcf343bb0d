"""A step that is a form (account, details): checks on leaving a field and on Next, help, secrets."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.binding import Binding
from textual.widget import Widget

from trunkwizard.errors import Problem, ValidationFailed
from trunkwizard.fields import FormField, ProviderModel, check_answers, problem_text
from trunkwizard.refusals import Refusal, with_refusals
from trunkwizard.tui.commands import SHOW_OR_HIDE_SECRETS, ScreenCommand
from trunkwizard.tui.screens.base import WizardScreen
from trunkwizard.tui.services import StepSession
from trunkwizard.tui.stylesheets import FORMS
from trunkwizard.tui.widgets.field_help import FieldHelp
from trunkwizard.tui.widgets.form_view import FormView, fields_to_fix, scroll_into_sight
from trunkwizard.tui.widgets.secret_editor import SecretEditor

__all__ = ["FormScreen"]


class FormScreen(WizardScreen):
    CSS_PATH = FORMS
    BINDINGS = [Binding("ctrl+t", "toggle_secrets", "Show secrets", id="toggle-secrets")]
    NEXT_TIP = (
        "checks the form (each message lands under its field), then on to the next step. Enter presses "
        "it; ctrl+n does the same anywhere."
    )

    model: type[ProviderModel]

    def __init__(self, *, session: StepSession) -> None:
        super().__init__(session=session)
        self._form: FormView | None = None
        self._help: FieldHelp | None = None
        self._touched: set[str] = set()
        self._counting = False  # the banner only counts the fields to fix: it follows them
        self._left: set[str] = set()  # the fields focus has left, each checked then

    @property
    def form(self) -> FormView:
        return self._form if self._form is not None else self.query_one(FormView)

    def form_widgets(
        self, fields: Iterable[FormField], values: dict[str, Any]
    ) -> Iterable[FormView | FieldHelp]:
        # kept: every focus change reaches both, and a query walks every widget of the screen
        self._form = FormView(fields, values, id="form")
        self._help = FieldHelp(id="field-help")
        yield self._form
        yield self._help

    def on_mount(self) -> None:
        self.form.focus_first()

    def remembered_values(self) -> dict[str, Any]:
        """What leaving this step keeps of it, and what a draft holds: every editor's value."""
        return self.form.values()

    def set_focus(
        self, widget: Widget | None, scroll_visible: bool = True, from_app_focus: bool = False
    ) -> None:
        # Textual scrolls a field out of sight into view after the next refresh: a second frame, a
        # whole form's worth of bytes 40 ms after the key. A field already laid out is scrolled to now,
        # in the frame that moves the highlight (issue 16: one refresh per key).
        at_once = scroll_visible and widget is not None and bool(widget.region)
        super().set_focus(widget, scroll_visible and not at_once, from_app_focus)
        if at_once and widget is not None and self.focused is widget:
            scroll_into_sight(widget)
        if self._closing or self._pruning:
            return  # focus moves as the screen's widgets are removed (quitting): nothing to check
        # The form learns of the move now, not from its DescendantFocus a message later: the old row's
        # highlight and check, the new row's highlight and help all land in the same refresh.
        form, help_line = self._form, self._help
        if form is None or help_line is None or not form.is_attached:
            return
        focused = self.focused
        left, entered = form.focus_moved(focused, notify=False)
        if left is not None:
            self.field_left(form, left)
        if entered is not None:
            help_line.show_field(entered)
        elif focused is not None and form.focused_row is None:
            help_line.show_control(focused)  # not the last field's help any more

    # --- checking -------------------------------------------------------------------------------------

    def problems(self, answers: dict[str, Any]) -> list[Problem]:
        return self.checked(answers)[0]

    def refusals(self) -> tuple[Refusal, ...]:
        """What the provider refused on this form: marked on its field while the value stays."""
        return ()

    def _with_refusals(self, problems: list[Problem]) -> list[Problem]:
        refused = self.refusals()  # none, nearly always: the form's values are read only when some are
        return with_refusals(problems, refused, self.form.values()) if refused else problems

    def checked(self, answers: dict[str, Any]) -> tuple[list[Problem], list[Problem]]:
        """The core's answer for these answers: (problems that block, warnings that do not)."""
        try:
            _, warnings = check_answers(self.model, answers)
        except ValidationFailed as failure:
            return failure.problems, failure.warnings
        return [], list(warnings)

    def show_problems(self, problems: list[Problem], *, headline: str | None = None) -> None:
        """Each problem at its field (and each refusal that stands), the rest in the banner; focus the
        first field to fix."""
        problems = self._with_refusals(problems)
        unplaced = self.form.show_problems(problems)
        lines = [headline] if headline else []
        lines += [problem_text(self.form.fields, p) for p in unplaced]
        placed = len(problems) - len(unplaced)
        self._counting = bool(placed and not lines)
        if self._counting:
            self._recount()
        else:
            self.set_banner("; ".join(lines) if lines else None)
        first = self.form.first_problem()
        if first is not None:
            self.form.focus_field(first)

    def _recount(self) -> None:
        """A "N fields to fix" banner says how many are left, and goes when none is."""
        if not self._counting:
            return
        left = sum(1 for wire, row in self.form.rows.items() if row.error and self.form.shown(wire))
        if left:
            self.set_banner(fields_to_fix(left))
        else:
            self._counting = False
            self.set_banner(None)

    def check_all(self) -> bool:
        problems, warnings = self.checked(self.form.answers())
        self.show_problems(problems)
        self.form.show_warnings(warnings)
        return not problems

    # --- events ---------------------------------------------------------------------------------------

    def on_form_view_edited(self, event: FormView.Edited) -> None:
        wire = event.field.wire
        self._touched.add(wire)
        row = event.form.rows.get(wire)
        if wire in self._left and row is not None and event.form.focused_row is not row:
            # keys typed ahead landed in the field after Tab had moved on (`⌫⌫<Tab>` in one burst, or a
            # paste of `value<Tab>value<Tab>` crossing several fields): the check made on leaving it saw
            # the value before them
            self.field_left(event.form, event.field)
        else:
            self._recount()

    def on_form_view_field_left(self, event: FormView.FieldLeft) -> None:
        self.field_left(event.form, event.field)

    def field_left(self, form: FormView, field: FormField) -> None:
        """Check the field focus left, if it was touched or has a value."""
        wire = field.wire
        self._left.add(wire)
        answers = form.answers()
        if wire not in self._touched and wire not in answers:
            return  # passing through an empty field is not a mistake yet; Next will say
        problems, warnings = self.checked(answers)
        form.show_problems(self._with_refusals(problems), only={wire})
        form.show_warnings(warnings, only={wire})
        self._recount()

    def on_form_view_field_focused(self, event: FormView.FieldFocused) -> None:
        self.query_one(FieldHelp).show_field(event.field)

    def palette_commands(self) -> tuple[ScreenCommand, ...]:
        return (ScreenCommand(*SHOW_OR_HIDE_SECRETS, self.action_toggle_secrets), *super().palette_commands())

    def action_toggle_secrets(self) -> None:
        editors = list(self.query(SecretEditor))
        show = not any(e.revealed for e in editors)
        for editor in editors:
            editor.reveal(show)
        self.notify("Secrets shown: mind who can see the screen." if show else "Secrets hidden.", timeout=3)
