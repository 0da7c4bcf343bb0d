"""Connecting what was created to the other side: pick that side, then its form with the offered values
filled in, each marked where it came from ("from <provider>'s answer: <field>") and locked unless unlocked.
Connecting two providers from the start begins here too: pick the side that offers, then the side that
takes it (the forms and the one review of both halves are in joined.py).

Which sides can take an offer comes from the providers' declarations (trunkwizard.connect); nothing
here names a provider.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich.console import Group
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from trunkwizard.connect import Need, Offering
from trunkwizard.connect.resume import password_wire
from trunkwizard.errors import ProviderError, ValidationFailed
from trunkwizard.providers import Mode, Provider, get_provider
from trunkwizard.tui.messages import DeleteFirstHalf, KeepFirstHalf, NeedChosen, OfferingChosen
from trunkwizard.tui.screens.base import WizardScreen
from trunkwizard.tui.screens.details import DetailsScreen
from trunkwizard.tui.services import DetailsSession, StepSession
from trunkwizard.tui.state import Connecting
from trunkwizard.tui.steps import Step
from trunkwizard.tui.widgets.choice_prompt import choice_prompt
from trunkwizard.tui.widgets.form_view import FormView

__all__ = ["ConnectDetailsScreen", "NeedScreen", "OfferingScreen", "needs_for"]


def needs_for(provider: Provider, mode_key: str) -> list[Need]:
    """Every mode (of any provider) that can fill its fields from what `mode_key` offers."""
    from trunkwizard.connect.catalog import available_pairs

    return [
        need
        for owner, offering, need in available_pairs()
        if owner == provider.key and offering.mode == mode_key
    ]


class _SideScreen(WizardScreen):
    """A list of connection sides, each a title and a line saying what it does; Enter picks one."""

    STEP = Step.PROVIDER
    LIST_ID = "sides"

    def sides(self) -> list[tuple[str, str]]:
        return []

    def picked(self, index: int) -> None:
        """Tell the app which side was picked."""

    @staticmethod
    def _prompt(title: str, description: str, current: bool) -> Group:
        return choice_prompt(title, description, current)

    def compose_body(self) -> Iterable[Widget]:
        options = [
            Option(self._prompt(title, description, index == 0), id=f"side-{index}")
            for index, (title, description) in enumerate(self.sides())
        ]
        yield OptionList(*options, id=self.LIST_ID)

    def on_mount(self) -> None:
        options = self.query_one(f"#{self.LIST_ID}", OptionList)
        options.highlighted = 0
        options.focus()
        self.set_status("Enter picks · Esc goes back")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        for index, (title, description) in enumerate(self.sides()):
            current = index == event.option_index
            event.option_list.replace_option_prompt_at_index(index, self._prompt(title, description, current))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_next()

    def action_next(self) -> None:
        index = self.query_one(f"#{self.LIST_ID}", OptionList).highlighted
        if index is not None:
            self.picked(index)


class OfferingScreen(_SideScreen):
    """ "Connect two providers", first step: the side that offers a SIP account, each provider mode that
    declares an offering some other side takes, in declaration order."""

    LIST_ID = "offerings"

    def __init__(self, offerings: list[tuple[Provider, Offering]], *, session: StepSession) -> None:
        super().__init__(session=session)
        self.offerings = offerings

    def heading(self) -> str:
        return "Connect two providers: which side offers the SIP account? Enter to pick."

    def sides(self) -> list[tuple[str, str]]:
        return [
            (f"{provider.title} · {provider.mode(offering.mode).title}", offering.description)
            for provider, offering in self.offerings
        ]

    def picked(self, index: int) -> None:
        provider, offering = self.offerings[index]
        self.post_message(OfferingChosen(self, provider, offering))


class NeedScreen(_SideScreen):
    """Which side to connect the offer to: each provider mode that takes it, in declaration order.
    `what` names the side that offers; `offered` says what it offers."""

    LIST_ID = "needs"

    def __init__(self, needs: list[Need], what: str, offered: str, *, session: StepSession) -> None:
        super().__init__(session=session)
        self.needs = needs
        self.what = what
        self.offered = offered

    def heading(self) -> str:
        return f"Connect {self.what} to: Enter to pick."

    def sides(self) -> list[tuple[str, str]]:
        titles = []
        for need in self.needs:
            provider = get_provider(need.owner)
            titles.append((f"{provider.title} · {provider.mode(need.mode).title}", need.description))
        return titles

    def compose_body(self) -> Iterable[Widget]:
        yield from super().compose_body()
        yield Static(f"Offered: {self.offered}", id="offered", markup=False)

    def picked(self, index: int) -> None:
        self.post_message(NeedChosen(self, self.needs[index]))


class ConnectDetailsScreen(DetailsScreen):
    """The other side's form: the offered values filled in and locked (ctrl+o unlocks them on purpose),
    each with a line saying where it came from. Once unlocked, that line says whether the value is still
    the one offered or was changed here (and is sent instead); ctrl+o is gone from the footer then, as
    nothing locks them again."""

    BINDINGS = [
        Binding("ctrl+o", "unlock", "Unlock offered", id="unlock-offered"),
        Binding("f6", "delete_first", "Delete first half", id="delete-first-half"),
        Binding("f7", "keep_first", "Keep first half", id="keep-first-half"),
    ]

    def __init__(
        self,
        provider: Provider,
        mode: Mode,
        values: dict[str, object],
        connecting: Connecting,
        *,
        session: DetailsSession,
    ):
        offered = dict(connecting.filled.answers)
        super().__init__(provider, mode, {**values, **offered}, session=session)
        self.connecting = connecting
        self.unlocked = False
        # the second half was sent and failed: the first exists; retry, delete it or keep it
        self.failed = False
        self._origin_lines: dict[str, Static] = {}  # under each offered value: where it came from

    def heading(self) -> str:
        title = f"{self.provider.title} · {self.mode.title}"
        resuming = "resuming, " if self.connecting.resumed else ""
        return f"{title}: {resuming}filled from {self.connecting.offer.provider_title}. * required"

    def on_mount(self) -> None:
        filled = self.connecting.filled
        for wire in filled.origins:
            row = self.form.rows.get(wire)
            if row is None:
                continue
            row.editor.disabled = not self.unlocked
            row.add_class("-offered")
            line = Static(self.origin_line(wire), classes="offered-origin", markup=False)
            self._origin_lines[wire] = line
            row.mount(line)
        password = password_wire(self.connecting.need)
        row = self.form.rows.get(password) if password is not None else None
        if row is not None and password not in filled.answers:
            # resumed from the history, which never keeps a password: typed again, as set on the first side
            offered_by = self.connecting.offer.provider_title
            note = f"✎ type the password set at {offered_by} (never kept)"
            row.mount(Static(note, classes="offered-origin", markup=False))
        super().on_mount()
        self.set_status(self.status_hint())

    def origin_line(self, wire: str) -> str:
        """The line under an offered value: where it came from (the core's words), and whether it is
        locked (🔒, or ⚠ for an inference), unlocked as offered, or changed here."""
        filled = self.connecting.filled
        origin, inferred = filled.origins[wire], wire in filled.inferred
        if not self.unlocked:
            return ("⚠ " if inferred else "🔒 ") + origin
        if not self.changed_here(wire):
            return f"{'⚠' if inferred else '🔓'} unlocked, as offered: {origin}"
        offered = filled.answers[wire]
        if self.form.rows[wire].field.secret:
            return f"✎ changed here, not the value offered ({origin})"
        shown = ", ".join(map(str, offered)) if isinstance(offered, list | tuple) else str(offered)
        return f"✎ changed here; offered: {shown} ({origin})"

    def changed_here(self, wire: str) -> bool:
        """An offered value that the editor no longer holds (unlocked and changed, or emptied)."""
        return bool(self.form.rows[wire].editor.get_value() != self.connecting.filled.answers[wire])

    def _show_origin(self, wire: str) -> None:
        line = self._origin_lines.get(wire)
        if line is not None:
            line.update(self.origin_line(wire))

    def on_form_view_edited(self, event: FormView.Edited) -> None:
        # Textual calls FormScreen's handler as well (each class's own, in turn): only the origin line here
        if self.unlocked:
            self._show_origin(event.field.wire)

    def status_hint(self) -> str:
        if self.connecting.resumed:
            return "ctrl+n reviews · F6 deletes the first half · F7 keeps it"
        return f"{self.lock_hint()} · ctrl+n reviews"

    def lock_hint(self) -> str:
        return "offered values unlocked, editable" if self.unlocked else "ctrl+o unlocks the offered values"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("delete_first", "keep_first"):
            return self.failed or self.connecting.resumed
        if action == "unlock":
            return not self.unlocked
        return super().check_action(action, parameters)

    def show_provider_error(self, error: ProviderError | ValidationFailed) -> None:
        """The second half was refused; the first exists: say so, and offer retry, delete or keep."""
        super().show_provider_error(error)
        self.show_half_done(error.message)

    def show_half_done(self, problem: str) -> None:
        """The first half exists and this side does not: say so (and why), and offer retry, delete or keep."""
        self.failed = True
        self._banner_refused = ()  # it says the first half exists, which a changed value does not undo
        self.refresh_bindings()
        first = self.connecting.first_title
        # the choices first: the provider's message can be long, and a banner over eight lines scrolls
        self.set_banner(
            f"{first} exists; this side was not created. ctrl+n retries (answers kept) · F6 deletes "
            f"the first half · F7 keeps it. {problem}"
        )
        self.set_status("ctrl+n retries · F6 deletes the first half · F7 keeps it")

    def action_delete_first(self) -> None:
        self.post_message(DeleteFirstHalf(self))

    def action_keep_first(self) -> None:
        self.post_message(KeepFirstHalf(self))

    def locked(self) -> list[str]:
        return [
            wire for wire, row in self.form.rows.items() if row.has_class("-offered") and row.editor.disabled
        ]

    def unlock(self, changed: Mapping[str, Any] | None = None) -> None:
        """Unlock the offered values, with `changed` (editor values) in place of some: how the form is
        opened again after they were unlocked and changed on purpose. Says nothing: the toast is for the
        key (ctrl+o), once."""
        for wire in self.locked():
            self.form.rows[wire].editor.disabled = False
        self.unlocked = True
        for wire, value in (changed or {}).items():
            if wire in self.form.rows:
                self.form.rows[wire].editor.set_value(value)
        for wire in self._origin_lines:
            self._show_origin(wire)
        if not self.failed:
            self.set_status(self.status_hint())
        self.refresh_bindings()

    def action_unlock(self) -> None:
        if self.unlocked:
            return
        self.unlock()
        self.notify("Offered values unlocked: a change here no longer matches the other side.", timeout=6)
