"""Where secrets go this session, shown where accounts are entered.

A persistent keyring is one short line. Without one (the normal case over plain SSH) it is two lines,
at most, on every account step: secrets stay in memory for this session only, and F5 shows the
keyring's own explanation and what would make a keyring available. Hidden when the app keeps no
profiles (no keyring in use).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.signal import Signal

    from trunkwizard.secrets import KeyringStatus

__all__ = ["KeyringNotice", "KeyringSource", "keyring_details", "keyring_text"]


class KeyringSource(Protocol):
    """Where the notice learns the keyring's status (the app that keeps profiles is one): the status
    found so far (None while it is still being looked for) and a signal when it is found."""

    keyring_status: KeyringStatus | None

    @property
    def keyring_signal(self) -> Signal[KeyringStatus | None]: ...


DETAILS_KEY = "F5"


def keyring_text(status: KeyringStatus | None) -> Text:
    """What the notice shows: one line, or two without a keyring (the second names the details key)."""
    if status is None:
        return Text("Secrets: looking for a keyring…", style="italic")
    if status.persistent:
        # what the keyring holds: a secret typed into the form stays in memory unless saved as a profile
        return Text(f"Saved profiles keep their secrets in the {status.backend} (keyring).")
    # the keyring's own sentence on line 1 (cut with … at the width), what it means and the key on line 2
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("⚠ ", style="bold")
    text.append(status.message)
    text.append("\n")
    text.append(
        f"Typed secrets last this session only · {DETAILS_KEY}: why, and how to keep them", style="italic"
    )
    return text


def keyring_details(status: KeyringStatus | None) -> Text:
    """The keyring's own words in full, for the F5 panel."""
    if status is None:
        return Text("Still looking for a keyring.")
    text = Text(status.message)
    if status.hint:
        text.append("\n\n")
        text.append(status.hint)
    return text


class KeyringNotice(Static):
    DEFAULT_CSS = """
    KeyringNotice {
        height: auto;
        max-height: 2;
        padding: 0 1;
        color: $text-muted;
    }
    KeyringNotice.-session-only {
        color: $text-warning;
    }
    """

    # The notices mounted now: whether a screen shows one is asked for every key binding update (F5's
    # check_action), and a query walked the whole screen each time, three times a Tab on a large form.
    _mounted: ClassVar[weakref.WeakSet[KeyringNotice]] = weakref.WeakSet()

    def __init__(self, source: KeyringSource | None, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.source = source

    @classmethod
    def shown_on(cls, screen: object) -> bool:
        """Whether `screen` shows a keyring notice."""
        return any(
            notice.display and notice.is_attached and notice.screen is screen for notice in list(cls._mounted)
        )

    def on_unmount(self) -> None:
        KeyringNotice._mounted.discard(self)

    def on_mount(self) -> None:
        KeyringNotice._mounted.add(self)
        if self.source is None:
            self.display = False
            return
        self.source.keyring_signal.subscribe(self, self.show_status)
        self.show_status(self.source.keyring_status)

    def show_status(self, status: Any) -> None:
        self.update(keyring_text(status))
        self.set_class(status is not None and not status.persistent, "-session-only")
