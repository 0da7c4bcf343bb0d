"""The prompt of one choice in the provider, mode and connect-side lists: cursor, title, summary."""

from __future__ import annotations

from rich.console import Group
from rich.padding import Padding
from rich.text import Text

__all__ = ["choice_prompt"]


def choice_prompt(title: str, summary: str, current: bool, after_title: str = "") -> Group:
    # the cursor is a glyph as well as a colour: with 16 colours (a blurred list's highlight is faint)
    # or NO_COLOR (reverse video goes), the ▶ still says which one Enter picks
    heading = Text()
    heading.append("▶ " if current else "  ", style="bold")
    heading.append(title, style="bold")
    if after_title:
        heading.append(f"  {after_title}")
    # padded rather than prefixed with spaces, so a summary that wraps keeps its indent
    return Group(heading, Padding(Text(summary, style="italic"), (0, 0, 0, 4)))
