"""What the terminal and the link allow: blink, animation, colour system. Read once at start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["TerminalProfile"]


@dataclass(frozen=True)
class TerminalProfile:
    """How to draw for this session.

    Over SSH every blink and animation frame costs bytes each second, so both are off. With only
    16 colours (TERM=xterm, no COLORTERM) an ANSI theme keeps contrast that a downsampled RGB theme
    loses.
    """

    over_ssh: bool
    sixteen_colours: bool
    no_color: bool

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> TerminalProfile:
        over_ssh = bool(environ.get("SSH_CONNECTION") or environ.get("SSH_TTY"))
        forced = environ.get("TEXTUAL_COLOR_SYSTEM", "").lower()
        if forced and forced != "auto":
            sixteen = forced == "standard"
        else:
            colour_term = environ.get("COLORTERM", "").strip().lower()
            term = environ.get("TERM", "").strip().lower()
            sixteen = colour_term not in ("truecolor", "24bit") and not term.endswith(("256color", "256"))
        return cls(over_ssh=over_ssh, sixteen_colours=sixteen, no_color="NO_COLOR" in environ)

    @property
    def cursor_blink(self) -> bool:
        return not self.over_ssh

    @property
    def animation_level(self) -> str | None:
        """ "none" over SSH; None leaves Textual's own default (TEXTUAL_ANIMATIONS)."""
        return "none" if self.over_ssh else None

    @property
    def theme(self) -> str:
        return "ansi-dark" if self.sixteen_colours else "textual-dark"
