"""Keeping the wizard's draft: every non-secret answer, with provider, profile, mode and step, and what
the provider refused of them (its words, marked again on the refused field when the draft is resumed).

The app calls `schedule()` when a form changes or the step changes; the save follows shortly after
(debounced, one small atomic write, skipped when nothing changed). The answers are read on the event
loop and written by one thread of the keeper's own: the write ends with an fsync, which a busy disk can
hold for tens of milliseconds, and the next key must not wait for it. `save_now()` is what the SIGHUP /
SIGTERM handlers, the quit question and the crash path call: synchronous, never raising. A write still
waiting for the thread is dropped (this one is newer), and one the thread has begun never covers it:
the store orders saves by when their answers were read (`DraftStore.next_generation`). Secrets are
left out three ways: the fields the provider marks secret, `SecretStr` values, and the store's own
scrub.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from trunkwizard.tui.screens.base import WizardScreen
from trunkwizard.tui.steps import KEPT_STEPS, Step

if TYPE_CHECKING:
    from textual.timer import Timer

    from trunkwizard.fields import FormField
    from trunkwizard.refusals import Refusal
    from trunkwizard.store import DraftStore
    from trunkwizard.tui.app import WizardApp

__all__ = ["ACCOUNT", "DETAILS", "FIRST_HALF", "OFFERED", "SANDBOX", "DraftKeeper", "secret_wires"]

log = logging.getLogger("trunkwizard.tui")

# keys of the draft's answers: the account step's values, the details step's values, the sandbox flag
ACCOUNT, DETAILS, SANDBOX = "account", "details", "sandbox"
# the history entry of the first half when the draft is the second half of a connection, and the wire
# names of the details the first half's offer filled in (not typed: the resume dialog counts them apart)
FIRST_HALF, OFFERED = "first_half", "offered"


def secret_wires(fields: Iterable[FormField]) -> Iterator[str]:
    """Wire names of the secret fields, rows' fields included."""
    for field in fields:
        if field.secret:
            yield field.wire
        yield from secret_wires(field.rows)


class DraftKeeper:
    DELAY = 0.3  # seconds after the last keystroke

    def __init__(
        self,
        app: WizardApp,
        store: Callable[[], DraftStore],
        chosen_profile: Callable[[str], str | None],
    ) -> None:
        self.app = app
        self._store = store  # a getter: the store is opened on the first save, not at start-up
        self._chosen_profile = chosen_profile
        self._timer: Timer | None = None
        self.suspended = False
        self._writer: ThreadPoolExecutor | None = None  # one thread, so saves land in the order made
        self._writes: list[Future[None]] = []  # handed to the thread: at most one begun, one waiting

    @property
    def store(self) -> DraftStore:
        return self._store()

    # --- what the draft holds ---------------------------------------------------------------------------

    def _live_values(self, step: Step) -> dict[str, Any] | None:
        from trunkwizard.tui.screens.form_screen import FormScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, FormScreen) and screen.STEP is step and screen.is_mounted:
                return screen.remembered_values()
        return None

    def _account_typed(self) -> bool:
        from trunkwizard.tui.screens.form_screen import FormScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, FormScreen) and screen.STEP is Step.ACCOUNT and screen.is_mounted:
                return screen.form.is_modified()
        return False

    def current_step(self) -> Step | None:
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, WizardScreen):
                return screen.STEP
        return None

    def snapshot(self) -> dict[str, Any] | None:
        """The arguments of `DraftStore.save` for the wizard as it is now, or None when nothing to keep."""
        state = self.app.state
        provider = state.provider
        step = self.current_step()
        if provider is None or step not in KEPT_STEPS:
            return None
        account = self._live_values(Step.ACCOUNT)
        if account is None:
            account = state.account_values.get(provider.key, {})
        mode_key = state.mode_key if any(m.key == state.mode_key for m in provider.modes) else None
        details: dict[str, Any] = {}
        refused: tuple[Refusal, ...] = ()
        defaults: dict[str, Any] = {}
        secrets = set(secret_wires(provider.account_fields))
        if mode_key is not None:
            live = self._live_values(Step.DETAILS)
            details = live if live is not None else state.detail_values.get((provider.key, mode_key), {})
            refused = state.refusals.get((provider.key, mode_key), ())
            fields = provider.mode(mode_key).fields
            secrets.update(secret_wires(fields))
            defaults = {f.wire: f.default for f in fields}
        typed = any(v not in (None, "", [], {}) and v != defaults.get(k) for k, v in details.items())
        if not typed and not self._account_typed():
            return None  # nothing typed yet: defaults and a filled-in (sandbox, saved) account lose nothing
        answers: dict[str, Any] = {ACCOUNT: account, DETAILS: details, SANDBOX: self.app.sandbox}
        connecting = state.connecting
        if connecting is not None and connecting.first_entry and connecting.targets(provider.key, mode_key):
            answers[FIRST_HALF] = connecting.first_entry  # resumed as the connection, not this side alone
            answers[OFFERED] = sorted(wire for wire in connecting.filled.answers if wire in details)
        return {
            "provider": provider.key,
            "profile": self._chosen_profile(provider.key),
            "mode": mode_key,
            "step": step,
            "answers": answers,
            "secret_fields": secrets,
            "refused": refused,
        }

    # --- saving -----------------------------------------------------------------------------------------

    def save_now(self) -> bool:
        """Write the draft now; False when there was nothing to keep or it could not be written."""
        self._stop_timer()
        self._drop_waiting_writes()  # this save is newer; a begun one never covers it
        if self.suspended:
            return False
        try:
            snapshot = self.snapshot()
            if snapshot is None:
                return False
            self.store.save(**snapshot)
        except Exception as exc:  # a draft must never take the wizard down; say it in the log only
            _not_saved(exc)
            return False
        return True

    def save_soon(self) -> None:
        """Read the answers now and hand their write to the keeper's thread."""
        self._stop_timer()
        if self.suspended:
            return
        try:
            snapshot = self.snapshot()
            if snapshot is None:
                return
            store = self.store
            # the thread reads them while keys change the form: its own copy, ordered as read now
            snapshot["answers"] = copy.deepcopy(snapshot["answers"])
            snapshot["generation"] = store.next_generation()
        except Exception as exc:
            _not_saved(exc)
            return
        self._drop_waiting_writes()  # older than this one
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trunkwizard-draft")
        self._writes.append(self._writer.submit(_save, store, snapshot))

    def _drop_waiting_writes(self) -> None:
        for write in self._writes:
            write.cancel()  # only one not begun yet is cancelled
        self._writes = [write for write in self._writes if not write.done()]

    def close(self) -> None:
        """At the app's end: the write handed to the thread lands before the app returns."""
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def schedule(self) -> None:
        """Save shortly, once typing pauses."""
        if self.suspended:
            return
        if self._timer is not None:
            self._timer.reset()
            return
        self._timer = self.app.set_timer(self.DELAY, self._timer_fired, name="draft-save")

    def _timer_fired(self) -> None:
        self._timer = None
        self.save_soon()

    def discard(self) -> None:
        """Forget the draft (after a successful submit, or when the technician says so)."""
        self._stop_timer()
        self._drop_waiting_writes()
        for write in self._writes:
            write.result()  # begun: let it land, then remove it (never raises: _save logs)
        self._writes = []
        try:
            self.store.discard()
        except Exception as exc:
            log.warning("draft not removed: %s", type(exc).__name__)


def _save(store: DraftStore, snapshot: dict[str, Any]) -> None:
    try:
        store.save(**snapshot)
    except Exception as exc:
        _not_saved(exc)


def _not_saved(exc: Exception) -> None:
    from trunkwizard.redact import redact

    log.warning("draft not saved: %s", redact(f"{type(exc).__name__}: {exc}"))
