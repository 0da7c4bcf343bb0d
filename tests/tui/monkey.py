"""A monkey for the wizard: random but valid key sequences, from one seed, replayable.

Each step is a key a technician could press at that moment: mostly a key the focused widget answers to
(Space on a toggle, `a` `e` `d` `[` `]` on a row list, arrows on a choice grid, text in an input), and
sometimes any of the wizard's own keys (Tab, Shift+Tab, Enter, Esc, ctrl+s, ctrl+n, F1), a terminal
resize, or a jump to a field of the form (as a click after scrolling would: deep fields get visits).
The same seed gives the same choices, so a failure is reproduced by its seed alone
(`pytest -m monkey --monkey-seed S`), and its keys are printed for a by-hand try in tmux.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, OptionList, Select

from tests.tui.driver import KeyboardDriver
from trunkwizard.tui.app import WizardApp
from trunkwizard.tui.screens.row_editor import RowEditorScreen
from trunkwizard.tui.widgets.choice_grid import ChoiceGrid
from trunkwizard.tui.widgets.form_view import FormView
from trunkwizard.tui.widgets.rows_editor import RowList, RowsEditor
from trunkwizard.tui.widgets.text_editor import TextEditor

__all__ = ["MonkeyRun", "run_monkey"]

MOVES = ("tab", "tab", "tab", "shift+tab", "enter", "space", "up", "down")
# The wizard's own keys; the footer's are added as each screen advertises them (never quit or palette).
WIZARD_KEYS = ("escape", "ctrl+s", "ctrl+n", "f1", "ctrl+t")
NEVER = {"ctrl+q", "ctrl+c", "ctrl+p"}
ROW_KEYS = ("a", "a", "e", "enter", "d", "left_square_bracket", "right_square_bracket", "up", "down")
GRID_KEYS = (
    "space",
    "left",
    "right",
    "up",
    "down",
    "home",
    "end",
    "left_square_bracket",
    "right_square_bracket",
    "backspace",
)
TOGGLE_KEYS = ("space",)
LIST_KEYS = ("up", "down", "enter")
INPUT_KEYS = ("backspace", "home", "end", "left", "right", "ctrl+k")
# What a technician types: digits, hosts, E.164 numbers, IPs, names with accents and wide characters.
WORDS = (
    "5060",
    "+13125550100",
    "203.0.113.7",
    "pbx.example.com",
    "QA trunk",
    "ab",
    "x",
    "0",
    "70000",
    "not an ip",
    "séance",
    "상담원",
    "1.2",
    "-1",
    "yeastar",
    "wavix",
    "vox",
)
SIZES = ((80, 24), (80, 24), (60, 20), (100, 30), (72, 24))


@dataclass
class MonkeyRun:
    case: str  # provider/mode
    seed: int
    keys: list[str] = field(default_factory=list)

    def report(self) -> str:
        provider, mode = self.case.split("/")
        return (
            f"monkey {self.case} seed {self.seed}: replay with\n"
            f"  pytest -m monkey -k '{provider} and {mode}' --monkey-seed {self.seed} --monkey-runs 1\n"
            f"keys pressed on the {mode} form (after Provider, Account, Mode):\n  " + " ".join(self.keys)
        )


def _focused_keys(widget: Widget | None) -> tuple[str, ...]:
    if isinstance(widget, RowList):
        return ROW_KEYS
    if isinstance(widget, ChoiceGrid):
        return GRID_KEYS
    if isinstance(widget, Checkbox):
        return TOGGLE_KEYS
    if isinstance(widget, OptionList | Select):
        return LIST_KEYS
    if isinstance(widget, Button):
        return ("enter",)
    if isinstance(widget, Input):
        return INPUT_KEYS
    return ()


def _advertised(app: WizardApp) -> tuple[str, ...]:
    """The keys the footer shows now (the screen's and the focused widget's), quit and palette aside."""
    keys = {key.split(",")[0] for key, active in app.active_bindings.items() if active.binding.show}
    return tuple(sorted((keys | set(WIZARD_KEYS)) - NEVER))


def _choices(app: WizardApp, roll: float) -> tuple[str, ...]:
    focused = app.focused
    local = _focused_keys(focused)
    # (local below, screen's keys below, moves above); with text typed, Save row or Next is likelier
    edges = (0.55, 0.70)
    if isinstance(focused, Input):
        edges = (0.10, 0.60) if focused.value else (0.15, 0.45)
    if local and roll < edges[0]:
        return local
    if roll < edges[1]:
        return _advertised(app)
    return MOVES


def _weight(editor: Widget) -> int:
    """How often a jump lands on a field: row lists most (each row opens a form of its own), text least."""
    if isinstance(editor, RowsEditor):
        return 8
    return 1 if isinstance(editor, TextEditor) else 4


def _crashed(app: WizardApp) -> bool:
    return app._exception is not None or not app.is_running


async def run_monkey(pilot: Pilot[Any], run: MonkeyRun, *, steps: int, deadline: float) -> None:
    """Press up to `steps` random keys (stopping at `deadline`, a time.monotonic()) or until a crash."""
    rng = random.Random(f"{run.case}:{run.seed}")
    keys = KeyboardDriver(pilot)
    app = keys.app
    for _ in range(steps):
        if time.monotonic() > deadline or _crashed(app):
            return
        roll = rng.random()
        focused = app.focused
        if roll < 0.03:
            width, height = rng.choice(SIZES)
            run.keys.append(f"<resize {width}x{height}>")
            await pilot.resize_terminal(width, height)
            continue
        form = getattr(app.screen, "form", None)
        if isinstance(form, FormView) and roll < 0.12:
            # Jump to a field, as a click after scrolling would: rows deep in a long form get visits.
            shown = [wire for wire in form.rows if form.shown(wire)]
            if shown:
                # fields with keys of their own (rows, choices, toggles) hold more states than text
                weights = [_weight(form.rows[w].editor) for w in shown]
                wire = rng.choices(shown, weights)[0]
                run.keys.append(f"<focus {wire}>")
                form.focus_field(wire)
                await pilot.pause()
                continue
        # The row editor's round trip (a, type, ctrl+s: where the reported NoScreen crash lived) is
        # likelier than its share of random keys: open a row from a row list, save once text is typed.
        if isinstance(focused, RowList) and roll < 0.45:
            run.keys.append("a")
            await pilot.press("a")
            await pilot.pause()
            continue
        in_row_editor = isinstance(app.screen, RowEditorScreen)
        if in_row_editor and isinstance(focused, Input) and focused.value and roll < 0.45:
            run.keys.append("ctrl+s")
            await pilot.press("ctrl+s")
            if not _crashed(app):
                await pilot.pause()
            continue
        if isinstance(focused, Input) and roll < 0.35:
            word = rng.choice(WORDS)
            run.keys.append(repr(word))
            await keys.type_text(word)
            continue
        key = rng.choice(_choices(app, rng.random()))
        run.keys.append(key)
        await pilot.press(key)
        if key in ("enter", "ctrl+n", "ctrl+s") and not _crashed(app):
            await pilot.pause()
            await app.workers.wait_for_complete()
