"""What the terminal shows now, as lines of text: for asserting what a technician can read."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from textual.app import App
from textual.geometry import Region

__all__ = ["footer_text", "region_words", "screen_lines", "screen_text", "terminal_lines"]


def screen_lines(app: App[Any]) -> list[str]:
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


def screen_text(app: App[Any]) -> str:
    return "\n".join(screen_lines(app))


def region_words(app: App[Any], region: Region) -> str:
    """The words the screen shows inside `region` (a widget's, say), lines joined by one space: a text
    wrapped in it reads as one, and a text cut at its right edge or bottom does not."""
    strips = app.screen._compositor.render_strips()[region.y : region.bottom]
    lines = ("".join(segment.text for segment in strip.crop(region.x, region.right)) for strip in strips)
    return " ".join(" ".join(lines).split())


def footer_text(app: App[Any]) -> str:
    """The lines the footer takes: one, or more when its keys do not fit in one (StepFooter wraps)."""
    footers = app.screen.query("StepFooter, Footer")
    region = footers.first().region
    return "\n".join(screen_lines(app)[region.y : region.bottom])


def terminal_lines(app: App[Any]) -> list[str]:
    """What the terminal shows now, line by line: under a dialog, the screens beneath it show through its
    translucent background (`screen_lines` draws the top screen alone), as in `App.export_screenshot`."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, force_terminal=True)
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    return console.export_text(styles=False).splitlines()
