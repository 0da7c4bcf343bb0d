"""Step 4: the form built from the mode's model. Conditional fields show and hide as answers change."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from textual.binding import Binding
from textual.widget import Widget

from trunkwizard.client import prepare
from trunkwizard.connect import PasswordRule
from trunkwizard.errors import Problem, ProviderError, TrunkwizardError, ValidationFailed
from trunkwizard.fields import ProviderModel
from trunkwizard.providers import Mode, Provider
from trunkwizard.refusals import Refusal, kept_refusals, refusal_headline, refusals_of, standing
from trunkwizard.tui.messages import ReviewRequested
from trunkwizard.tui.screens.form_screen import FormScreen
from trunkwizard.tui.services import DetailsSession
from trunkwizard.tui.steps import Step
from trunkwizard.tui.widgets.lookup_editor import LookupEditor

__all__ = ["DetailsScreen"]


class DetailsScreen(FormScreen):
    STEP = Step.DETAILS
    BINDINGS = [Binding("ctrl+g", "generate_password", "New password", id="generate-password")]

    def __init__(
        self, provider: Provider, mode: Mode, values: dict[str, object], *, session: DetailsSession
    ) -> None:
        super().__init__(session=session)
        self.session = session
        self.provider = provider
        self.mode = mode
        self.model: type[ProviderModel] = mode.model
        self._values = values
        self._pairs_loaded = False
        self._paired: tuple[PasswordRule, ...] | None = None
        self._listed_for = session.chosen_account  # the account its look-ups list the options of
        # the refusals whose message the banner shows: once none stands (each refused value changed),
        # the message goes and the banner counts what is left to fix, if anything
        self._banner_refused: tuple[Refusal, ...] = ()

    def heading(self) -> str:
        title = self.provider.title
        if len(self.provider.modes) > 1:
            title += f" · {self.mode.title}"
        return f"{title}: the {self.provider.creates}. * required"

    def compose_body(self) -> Iterable[Widget]:
        yield from self.form_widgets(self.mode.fields, dict(self._values))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "generate_password":
            if not self.offers_password():
                return False
            return not self._pairs_loaded or self.password_rules() is not None
        return super().check_action(action, parameters)

    def offers_password(self) -> bool:
        """This mode's SIP account and its password are offered to other sides (the mode declares an
        offering): known from this provider alone. Only then are the other providers loaded, for their
        needs' rules; a form that offers nothing (a PBX's register trunk, say) never loads them (issue 16:
        memory)."""
        return any(f.secret and not f.confirm_of for f in self.mode.fields) and any(
            offering.mode == self.mode.key for offering in self.provider.offerings
        )

    def on_mount(self) -> None:
        refused = self.refusals()
        if refused and (stand := standing(refused, self.form.values())):  # resumed: marked as before quitting
            self.show_problems([], headline=refusal_headline(refused, self.form.values()))
            self._banner_refused = stand
        if self.offers_password():  # every provider's needs, imported in a thread, not on the event loop
            self.run_worker(self._load_pairs(), group="password-rules", exclusive=True)

    async def _load_pairs(self) -> None:
        if await asyncio.to_thread(self.password_rules) is None:
            self.refresh_bindings()  # no side takes this offer: no key to generate a password for it

    def password_rules(self) -> tuple[PasswordRule, ...] | None:
        """The rules a password for this mode must meet, with every side it can be connected to (the
        providers declare both); None when this mode offers no SIP account with a password."""
        if not self.offers_password():
            return None
        if not self._pairs_loaded:
            from trunkwizard.connect import password_rules
            from trunkwizard.connect.catalog import available_pairs

            pairs = [
                (offering, need)
                for owner, offering, need in available_pairs()
                if owner == self.provider.key and offering.mode == self.mode.key
            ]
            if pairs:
                self._paired = password_rules(
                    pairs[0][0].password_rules, *(need.password_rules for _, need in pairs)
                )
            self._pairs_loaded = True
        return self._paired

    def action_generate_password(self) -> None:
        """A password that meets this side's rules and every other side's it can connect to, filled in
        every password field (and its confirmation), never shown unless asked (ctrl+t)."""
        from trunkwizard.connect import generate_password, rules_in_words

        rules = self.password_rules()
        if rules is None:
            return
        password = generate_password(rules)
        for row in self.form.rows.values():
            if row.field.secret and not row.editor.disabled:
                row.editor.set_value(password)
        self.notify(
            f"Generated a password {self.password_meant_for()}: {rules_in_words(rules)}. ctrl+t shows it.",
            timeout=8,
        )

    def password_meant_for(self) -> str:
        """Whom a generated password suits, for the notice: on a form of its own, every side this one
        can be connected to (their rules are met too, so a later connection keeps it)."""
        return f"that {self.provider.title} and every side it can connect to accept"

    def refusals(self) -> tuple[Refusal, ...]:
        return self.session.refusals(self.provider.key, self.mode.key)

    def remember(self) -> None:
        self.session.keep_detail_answers(self.provider.key, self.mode.key, self.remembered_values())

    def action_next(self) -> None:
        account = self.session.chosen_account
        assert account is not None
        try:
            prepared = prepare(self.provider, self.mode.key, self.form.answers(), account)
        except ValidationFailed as failure:
            self.show_problems(failure.problems)
            return
        self.set_banner(None)
        self.remember()
        self.post_message(ReviewRequested(self, prepared))

    def show_provider_error(self, error: ProviderError | ValidationFailed) -> None:
        """The provider refused the request: its message, each named field marked, answers as typed.
        What it refused is kept: marked while the field holds that value, in a draft too."""
        new: tuple[Refusal, ...] = ()
        if isinstance(error, ProviderError):
            new = refusals_of(error, self.form.values())
            self.session.keep_refusals(self.provider.key, self.mode.key, kept_refusals(self.refusals(), new))
        problems = list(error.problems)
        field = getattr(error, "field", None)
        if field and not any(p.field == field for p in problems):
            problems.insert(0, Problem(field, error.message))
        self.show_problems(problems, headline=error.message)
        self._banner_refused = new  # none when the message names no field of the form: it stays

    def show_problems(self, problems: list[Problem], *, headline: str | None = None) -> None:
        self._banner_refused = ()
        super().show_problems(problems, headline=headline)

    def _recount(self) -> None:
        if self._banner_refused and not standing(self._banner_refused, self.form.values()):
            self._banner_refused = ()
            self._counting = True  # the provider's message goes: the fields still to fix, if any
        super()._recount()

    # --- look-ups (choices_from) ----------------------------------------------------------------------

    def shown_again_with(self, account: ProviderModel | None) -> None:
        """Kept while the account step was shown again: if that step changed the account (another
        profile, a corrected key), the look-ups ask it again. Their lists (or why there is none) were
        the other account's."""
        if account == self._listed_for:
            return
        self._listed_for = account
        for editor in self.query(LookupEditor):
            editor.reload()

    def on_lookup_editor_wanted(self, event: LookupEditor.Wanted) -> None:
        event.stop()
        self.run_worker(self._lookup(event.editor), group=f"lookup-{event.editor.field.wire}", exclusive=True)

    def _label(self, wire: str) -> str:
        return next((f.label.lower() for f in self.mode.fields if f.wire == wire), wire)

    async def _lookup(self, editor: LookupEditor) -> None:
        name = editor.field.choices_from or ""
        of: str | None = None
        if editor.field.choices_of:
            of = str(self.form.values().get(editor.field.choices_of) or "")
            if not of:
                editor.waiting(f"choose the {self._label(editor.field.choices_of)} first")
                return
        try:
            async with self.session.client() as client:
                choices = await client.lookup(name, of)
        except TrunkwizardError as exc:
            editor.failed(exc.message)
            return
        editor.loaded(choices)
