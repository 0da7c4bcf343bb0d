"""What the terminal shows now, as lines of text: for asserting what a technician can read."""

from __future__ import annotations

from typing import Any

from textual.app import App

__all__ = ["footer_text", "screen_lines", "screen_text"]


def screen_lines(app: App[Any]) -> list[str]:
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


def screen_text(app: App[Any]) -> str:
    return "\n".join(screen_lines(app))


def footer_text(app: App[Any]) -> str:
    """The lines the footer takes: one, or more when its keys do not fit in one (StepFooter wraps)."""
    footers = app.screen.query("StepFooter, Footer")
    region = footers.first().region
    return "\n".join(screen_lines(app)[region.y : region.bottom])
